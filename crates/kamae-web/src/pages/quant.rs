//! Role C on the web: the register's quantitative view (each risk's expected annual loss,
//! the year's total as a distribution and its loss exceedance curve).

use askama::Template;
use axum::Form;
use axum::body::Body;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use kamae_core::access::Action;
use kamae_store::risk::AssessmentView;
use serde::Deserialize;

use super::chart::loss_exceedance;
use super::risk_report::count;
use super::risk_report::yen;
use super::{Chrome, render};
use crate::ctx::{Ctx, PageError, SignedIn};
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

/// The model the editor opens with: the shape of docs/formats.md, story 2's chain among it.
const STARTING_MODEL: &str = r#"{
  "trials": 100000,
  "seed": 42,
  "thresholds": [100000000, 500000000],
  "scenarios": [
    {"name": "web vuln", "frequency": {"poisson": {"pert": [0.5, 2, 6]}},
     "vulnerability": {"pert": [0.3, 0.5, 0.7]},
     "magnitude": {"lognormal90": [1000000, 500000000]},
     "controls": [{"name": "WAF", "frequency_factor": {"pert": [0.2, 0.4, 0.7]}}]},
    {"name": "story 2", "frequency": {"chain": {"count": 1, "probabilities": [0.5, 0.7]}},
     "magnitude": {"bins": [[100000000, 500000000, 0.6], [1000000, 100000000, 0.4]]}}
  ]
}"#;

/// One scenario's part of a run, as the editor shows it.
pub struct ShareRow {
    pub name: String,
    pub mean: String,
    pub share: String,
}

/// A run's figures as the editor shows them.
pub struct RunView {
    pub trials: String,
    /// The number of trials run, as a number.
    pub trials_run: u64,
    pub mean: String,
    pub sd: String,
    pub p50: String,
    pub p90: String,
    pub p95: String,
    pub p99: String,
    pub p_zero: String,
    pub exceedance: Vec<(String, String)>,
    pub shares: Vec<ShareRow>,
}

#[derive(Template)]
#[template(path = "quant_result.html")]
struct ResultFragment<'a> {
    chrome: Chrome<'a>,
    run: Option<RunView>,
    problems: Vec<String>,
    chart: String,
}

#[derive(Template)]
#[template(path = "quant_editor.html")]
struct EditorPage<'a> {
    chrome: Chrome<'a>,
    model: String,
    run: Option<RunView>,
    problems: Vec<String>,
    chart: String,
    max_trials: String,
}

#[derive(Deserialize, Default)]
pub struct EditorForm {
    #[serde(default)]
    model: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

fn percent(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

/// Runs a model written in the editor: every problem with its path, or the figures and the
/// curve. Trials are capped as the API caps them; the run waits for a free core and tells
/// `progress` (trials done, trials in all) as it goes.
async fn run_model(
    ctx: &Ctx,
    text: &str,
    progress: impl Fn(u64, u64) + Send + Sync + 'static,
) -> Result<(Option<RunView>, Vec<String>, String), PageError> {
    let ja = ctx.lang == Lang::Ja;
    let t = ctx.t();
    let lines = |problems: Vec<kamae_quant::ModelProblem>| {
        problems
            .into_iter()
            .map(|p| format!("{}: {}", p.path, if ja { p.ja } else { p.en }))
            .collect::<Vec<_>>()
    };
    let model = match kamae_quant::Model::from_json(text) {
        Ok(m) => m,
        Err(p) => return Ok((None, lines(p), String::new())),
    };
    let cap = crate::simulate::MAX_REQUEST_TRIALS;
    if model.trials.is_some_and(|n| n > cap) {
        return Ok((
            None,
            vec![t.fill("quant.too_many_trials", &[("max", &count(cap as i64))])],
            String::new(),
        ));
    }
    let compiled = match model.compile() {
        Ok(c) => c,
        Err(p) => return Ok((None, lines(p), String::new())),
    };
    let out = crate::simulate::run_reporting(&ctx.state, compiled, progress)
        .await
        .map_err(|e| ctx.fail(e))?;
    let chart = loss_exceedance(
        "editor-lec",
        t.get("quant.lec"),
        (t.get("quant.annual_loss"), t.get("quant.exceedance")),
        ja,
        &[("total", "#1d4ed8", &out.lec)],
        &[],
    );
    let money = |x: f64| super::chart::approx_yen(ja, x);
    let run = RunView {
        trials: count(out.trials as i64),
        trials_run: out.trials,
        mean: money(out.mean),
        sd: money(out.sd),
        p50: money(out.p50),
        p90: money(out.p90),
        p95: money(out.p95),
        p99: money(out.p99),
        p_zero: percent(out.p_zero),
        exceedance: out
            .exceedance
            .iter()
            .map(|p| (money(p.amount), percent(p.probability)))
            .collect(),
        shares: out
            .scenarios
            .iter()
            .map(|s| ShareRow {
                name: s.name.clone(),
                mean: money(s.mean),
                share: percent(s.share),
            })
            .collect(),
    };
    Ok((Some(run), Vec::new(), chart))
}

pub async fn editor(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, .. } = s;
    let (run, problems, chart) = run_model(&ctx, STARTING_MODEL, |_, _| {}).await?;
    Ok(render(&EditorPage {
        chrome: Chrome::new(&ctx, "roles"),
        model: STARTING_MODEL.to_owned(),
        run,
        problems,
        chart,
        max_trials: count(crate::simulate::MAX_REQUEST_TRIALS as i64),
    }))
}

/// Runs what was written: the whole page, or (asked by the page's script as it is typed in)
/// only the results, so that they follow the text; the script asks for them as lines of
/// JSON, the run's progress first, so that a long run shows how far it has got.
pub async fn editor_run(
    s: SignedIn,
    headers: axum::http::HeaderMap,
    Form(form): Form<EditorForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, .. } = s;
    ctx.check_csrf(&form.csrf)?;
    let live = headers
        .get("x-kamae-live")
        .is_some_and(|v| v.as_bytes() == b"1");
    let lines = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains(PROGRESS_LINES));
    if live && lines {
        return Ok(progress_lines(ctx, form.model));
    }
    let (run, problems, chart) = run_model(&ctx, &form.model, |_, _| {}).await?;
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    if live {
        let fragment = ResultFragment {
            chrome: Chrome::new(&ctx, "roles"),
            run,
            problems,
            chart,
        };
        return Ok((status, render(&fragment)).into_response());
    }
    let page = EditorPage {
        chrome: Chrome::new(&ctx, "roles"),
        model: form.model,
        run,
        problems,
        chart,
        max_trials: count(crate::simulate::MAX_REQUEST_TRIALS as i64),
    };
    Ok((status, render(&page)).into_response())
}

/// The media type of the editor's progress lines: one JSON object a line.
const PROGRESS_LINES: &str = "application/x-ndjson";

/// The run as lines of JSON: `{"done", "of"}` as chunks of trials finish (a line is dropped
/// rather than waited for when the reader is slow; the last, with every trial done, is
/// always sent), then `{"status", "html"}` with the results as the page shows them (the
/// status the plain answer would have), or `{"status"}` alone when the run failed.
fn progress_lines(ctx: Ctx, model: String) -> Response {
    let (lines, received) =
        tokio::sync::mpsc::channel::<Result<String, std::convert::Infallible>>(64);
    tokio::spawn(async move {
        let reporter = lines.clone();
        let progress = move |done: u64, of: u64| {
            let _ = reporter.try_send(Ok(format!(
                "{}\n",
                serde_json::json!({"done": done, "of": of})
            )));
        };
        let last = match run_model(&ctx, &model, progress).await {
            Ok((run, problems, chart)) => {
                if let Some(r) = &run {
                    let of = r.trials_run;
                    let _ = lines
                        .send(Ok(format!(
                            "{}\n",
                            serde_json::json!({"done": of, "of": of})
                        )))
                        .await;
                }
                let status = if problems.is_empty() {
                    StatusCode::OK
                } else {
                    StatusCode::UNPROCESSABLE_ENTITY
                };
                let fragment = ResultFragment {
                    chrome: Chrome::new(&ctx, "roles"),
                    run,
                    problems,
                    chart,
                };
                match fragment.render() {
                    Ok(html) => serde_json::json!({"status": status.as_u16(), "html": html}),
                    Err(e) => {
                        tracing::error!(error = %e, "template failed to render");
                        serde_json::json!({"status": 500})
                    }
                }
            }
            Err(e) => serde_json::json!({"status": e.0.status().as_u16()}),
        };
        let _ = lines.send(Ok(format!("{last}\n"))).await;
    });
    (
        [(header::CONTENT_TYPE, PROGRESS_LINES)],
        Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(received)),
    )
        .into_response()
}
