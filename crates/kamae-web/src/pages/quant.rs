//! Role C on the web: the register's quantitative view (each risk's expected annual loss,
//! the year's total as a distribution and its loss exceedance curve).

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use kamae_core::access::Action;
use kamae_store::risk::AssessmentView;

use super::chart::loss_exceedance;
use super::risk_report::yen;
use super::{Chrome, render};
use crate::ctx::{PageError, SignedIn};
use crate::i18n::Lang;
use crate::simulate::{RegisterQuant, register_quant};

#[derive(Template)]
#[template(path = "risk_quant.html")]
struct QuantPage<'a> {
    chrome: Chrome<'a>,
    a: &'a AssessmentView,
    q: Option<RegisterQuant<'a>>,
    ja: bool,
    chart: String,
    /// The number of trials, grouped as a reader writes it.
    trials: String,
}

impl QuantPage<'_> {
    fn yen(&self, n: &i64) -> String {
        yen(self.ja, *n)
    }

    /// A simulated amount, to the yen.
    fn amount(&self, x: &f64) -> String {
        yen(self.ja, x.round() as i64)
    }

    fn percent(&self, p: &f64) -> String {
        format!("{:.1}%", p * 100.0)
    }
}

pub async fn register_view(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let a = super::risk::load(&ctx, &actor, &id, Action::Read).await?;
    let q = register_quant(&ctx.state, &a)
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.t();
    let ja = ctx.lang == Lang::Ja;
    let chart = match &q {
        Some(q) => loss_exceedance(
            "lec",
            t.get("quant.lec"),
            (t.get("quant.annual_loss"), t.get("quant.exceedance")),
            ja,
            &[("total", "#1d4ed8", &q.portfolio.lec)],
            &a.criteria
                .loss_threshold_yen
                .map(|y| (y as f64, t.get("quant.threshold_mark").to_owned()))
                .into_iter()
                .collect::<Vec<_>>(),
        ),
        None => String::new(),
    };
    let page = QuantPage {
        chrome: Chrome::new(&ctx, "risk"),
        a: &a,
        q,
        ja,
        chart,
        trials: super::risk_report::count(kamae_store::quant::REGISTER_TRIALS as i64),
    };
    Ok(render(&page))
}
