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
