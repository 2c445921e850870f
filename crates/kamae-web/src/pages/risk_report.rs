//! The risk report on the web (role E, step 9): a print-ready page for executives or for
//! stakeholders outside the group, and the same report as an XLSX workbook.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::Response;
use kamae_core::access::Action;
use kamae_core::risk::{Audience, MatrixLevel, RiskReport};
use kamae_exchange::items::Format;
use kamae_store::report::ReportView;
use serde::Deserialize;

use super::heatmap::{CellText, heat_map};
use super::standard::download;
use super::{Chrome, render};
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::i18n::Lang;

/// An amount as the reader writes it: `7,500,000円`, or `¥7,500,000` in English.
pub(super) fn yen(ja: bool, n: i64) -> String {
    let grouped = kamae_core::money::Yen(n).grouped();
    if ja {
        grouped
    } else {
        format!("¥{}", grouped.trim_end_matches('円'))
    }
}

/// A count grouped by thousands, the same in both languages: `147,000,000`.
pub(super) fn count(n: i64) -> String {
    kamae_core::money::Yen(n)
        .grouped()
        .trim_end_matches('円')
        .to_owned()
}

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    /// executive (the default) or external.
    audience: Option<String>,
}

#[derive(Template)]
#[template(path = "risk_report.html")]
struct ReportPage<'a> {
    chrome: Chrome<'a>,
    v: &'a ReportView,
    r: &'a RiskReport,
    ja: bool,
    external: bool,
    scope: String,
    inherent_map: String,
    residual_map: String,
}

impl ReportPage<'_> {
    fn level(&self, l: &Option<usize>) -> &str {
        l.and_then(|l| self.r.matrix.risk.get(l))
            .map(|x: &MatrixLevel| x.name(self.ja))
            .unwrap_or("—")
    }

    fn yen(&self, n: &i64) -> String {
        yen(self.ja, *n)
    }

    fn level_at(&self, l: &usize) -> &str {
        self.r
            .matrix
            .risk
            .get(*l)
            .map(|x| x.name(self.ja))
            .unwrap_or("—")
    }
}

async fn report_of(
    ctx: &Ctx,
    actor: &kamae_core::access::Actor,
    id: &str,
    q: &ReportQuery,
) -> Result<ReportView, PageError> {
    let audience =
        Audience::parse(q.audience.as_deref().unwrap_or("executive")).map_err(|p| ctx.fail(p))?;
    let a = super::risk::load(ctx, actor, id, Action::Read).await?;
    ctx.state
        .store
        .risk_report(actor, a.id(), audience)
        .await
        .map_err(|e| ctx.fail(e))
}

pub async fn report(
    s: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let v = report_of(&ctx, &actor, &id, &q).await?;
    let t = ctx.t();
    let ja = ctx.lang == Lang::Ja;
    let r = &v.report;
    let external = r.audience == Audience::External;
    let map = |residual: bool| {
        let which = if residual { "residual" } else { "inherent" };
        let grid = if residual {
            &r.residual_map
        } else {
            &r.inherent_map
        };
        heat_map(
            &r.matrix,
            ja,
            &format!("report-{which}-map"),
            t.get(if residual {
                "risk.residual_map"
            } else {
                "risk.inherent_map"
            }),
            (t.get("risk_matrix.likelihood"), t.get("risk_matrix.impact")),
            |p, i| {
                let n = grid.get(p).and_then(|row| row.get(i)).copied().unwrap_or(0);
                CellText {
                    text: if n == 0 { String::new() } else { n.to_string() },
                    // Outsiders get a drawing; executives can open the cell's risks.
                    href: (n > 0 && !external).then(|| {
                        format!(
                            "/risk/assessments/{}?map={which}&l={p}&i={i}#chosen",
                            v.assessment
                        )
                    }),
                }
            },
        )
    };
    let page = ReportPage {
        chrome: Chrome::new(&ctx, "risk"),
        scope: v
            .company_code
            .clone()
            .unwrap_or_else(|| t.get("risk.whole_group").to_owned()),
        inherent_map: map(false),
        residual_map: map(true),
        ja,
        external,
        r,
        v: &v,
    };
    Ok(render(&page))
}

pub async fn workbook(
    s: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let v = report_of(&ctx, &actor, &id, &q).await?;
    let bytes = crate::files::risk_report_xlsx(&v, &ctx.t()).map_err(|p| ctx.fail(p))?;
    Ok(download(
        &crate::files::risk_report_name(&v),
        Format::Xlsx,
        bytes,
    ))
}
