//! The standard as files, for the web, the API and the command line alike.

use kamae_core::Problem;
use kamae_exchange::items::{Format, Headers};
use kamae_exchange::oscal::StandardDocument;
use kamae_store::rules::StandardVersion;

/// A version of the standard as a CSV, XLSX or OSCAL file.
pub fn export_standard(
    v: &StandardVersion,
    format: Format,
    headers: Headers,
) -> Result<Vec<u8>, Problem> {
    let (reason, change_log, next_review_on) = match &v.meta {
        Some(m) => (m.reason, m.change_log.as_str(), m.next_review_on),
        None => (kamae_core::rules::ChangeReason::YearlyPlan, "", None),
    };
    let doc = StandardDocument {
        uuid: v.version.reference.version.to_string(),
        title: &v.version.title,
        version: format!(
            "{} ({})",
            v.version.reference.number,
            v.version.approval.state.as_str()
        ),
        last_modified: v
            .version
            .approval
            .decided_at
            .unwrap_or(v.version.created_at),
        reason,
        change_log,
        next_review_on,
        items: &v.items,
    };
    kamae_exchange::write_standard(format, headers, &doc)
}

/// The file name an export is offered under: `standard-v3.xlsx`.
pub fn export_name(v: &StandardVersion, format: Format) -> String {
    let ext = match format {
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
        Format::Oscal => "json",
    };
    format!("standard-v{}.{ext}", v.version.reference.number)
}

/// The risk report as an XLSX workbook, its summary in the reader's language.
pub fn risk_report_xlsx(
    v: &kamae_store::report::ReportView,
    t: &crate::i18n::T<'_>,
) -> Result<Vec<u8>, Problem> {
    let ja = t.lang() == "ja";
    let r = &v.report;
    let mut summary = vec![
        (t.get("report.subject").to_owned(), v.title.clone()),
        (
            t.get("report.audience").to_owned(),
            t.pick(r.audience.label_ja(), r.audience.label_en())
                .to_owned(),
        ),
        (
            t.get("risk.scope").to_owned(),
            v.company_code
                .clone()
                .unwrap_or_else(|| t.get("risk.whole_group").to_owned()),
        ),
        (
            t.get("risk.fiscal_year").to_owned(),
            v.fiscal_year.to_string(),
        ),
        (
            t.get("risk.state").to_owned(),
            t.pick(v.state.label_ja(), v.state.label_en()).to_owned(),
        ),
        (
            t.get("risk.method").to_owned(),
            t.pick(v.method.label_ja(), v.method.label_en()).to_owned(),
        ),
        (t.get("report.as_of").to_owned(), v.today.to_string()),
    ];
    if !v.coverage.companies.is_empty() {
        summary.push((
            t.get("risk.coverage_companies").to_owned(),
            v.coverage.companies.join(", "),
        ));
    }
    if !v.coverage.systems.is_empty() {
        summary.push((
            t.get("risk.coverage_systems").to_owned(),
            v.coverage.systems.join(", "),
        ));
    }
    if let Some(p) = &v.plan {
        summary.push((
            t.get("plan.plans").to_owned(),
            format!(
                "{} ({})",
                p.title,
                t.pick(p.state.label_ja(), p.state.label_en())
            ),
        ));
        if !p.review_worked.is_empty() {
            summary.push((t.get("report.worked").to_owned(), p.review_worked.clone()));
        }
        if !p.review_carry_over.is_empty() {
            summary.push((
                t.get("report.carry_over").to_owned(),
                p.review_carry_over.clone(),
            ));
        }
    }
    for f in &v.context {
        summary.push((
            t.get("context.cited").to_owned(),
            format!(
                "{}: {} ({}, {})",
                t.pick(f.factor.kind.label_ja(), f.factor.kind.label_en()),
                f.factor.title,
                f.factor.source,
                f.factor.noted_on
            ),
        ));
    }
    kamae_exchange::report::write_report_xlsx(&summary, r, ja)
}

/// The file name a report is offered under: `risk-report-2026-executive.xlsx`.
pub fn risk_report_name(v: &kamae_store::report::ReportView) -> String {
    format!(
        "risk-report-{}-{}.xlsx",
        v.fiscal_year,
        v.report.audience.as_str()
    )
}

/// A business case as an XLSX workbook (web and API).
pub fn business_case_xlsx(
    v: &kamae_store::business::BusinessCaseView,
    t: &crate::i18n::T<'_>,
) -> Result<Vec<u8>, Problem> {
    let summary = vec![
        (t.get("business.case").to_owned(), v.version.title.clone()),
        (
            t.get("risk.state").to_owned(),
            t.pick(v.state().label_ja(), v.state().label_en())
                .to_owned(),
        ),
        (
            t.get("business.assessment").to_owned(),
            v.assessment_title.clone(),
        ),
    ];
    kamae_exchange::business::write_case_xlsx(&summary, &v.outcome, t.lang() == "ja")
}

/// The file name a business case is offered under: `business-case-v2.xlsx`.
pub fn business_case_name(v: &kamae_store::business::BusinessCaseView) -> String {
    format!("business-case-v{}.xlsx", v.version.reference.number)
}
