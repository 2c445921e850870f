//! Simulations on the server: one per core at a time, each off the async threads, so that no
//! request can starve the others; and the register's quantitative view built on them.

use kamae_quant::{Compiled, Output};
use kamae_store::risk::{AssessmentView, RiskView};

use crate::AppState;
use crate::error::Failure;

/// The most trials one request may ask for (the command line allows more): enough for any
/// estimate kamae shows, few enough that a run holds a core for about a second.
pub(crate) const MAX_REQUEST_TRIALS: u64 = 1_000_000;

/// Runs a model when a core is free; a request waits for its turn.
pub(crate) async fn run(state: &AppState, compiled: Compiled) -> Result<Output, Failure> {
    run_reporting(state, compiled, |_, _| {}).await
}

/// As [`run`], telling `progress` (trials done, trials in all) after each chunk of trials,
/// from the simulation's thread.
pub(crate) async fn run_reporting(
    state: &AppState,
    compiled: Compiled,
    progress: impl Fn(u64, u64) + Send + Sync + 'static,
) -> Result<Output, Failure> {
    let permit = state
        .simulations
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| Failure::unavailable())?;
    tokio::task::spawn_blocking(move || {
        let all = compiled.trials;
        let out = compiled.run_with_progress(1, &|done| progress(done, all));
        drop(permit);
        out
    })
    .await
    .map_err(|_| Failure::unavailable())
}

/// One quantified risk: its expected annual loss as saved, and its part of the register's.
pub(crate) struct QuantifiedRisk<'a> {
    pub risk: &'a RiskView,
    pub expected_loss_yen: i64,
    pub share: f64,
}

/// The register's quantitative view. Expected losses are those the criterion judged (worked
/// out when each risk was saved), so they add up to the register's; the distribution of the
/// year's total (percentiles, a year without loss, the exceedance curve) comes from running
/// every scenario together.
pub(crate) struct RegisterQuant<'a> {
    pub risks: Vec<QuantifiedRisk<'a>>,
    /// Risks without a scenario, which the figures leave out.
    pub unquantified: Vec<&'a RiskView>,
    pub total_yen: i64,
    pub portfolio: Output,
}

/// The view, or none when no risk of the register carries a scenario.
pub(crate) async fn register_quant<'a>(
    state: &AppState,
    a: &'a AssessmentView,
) -> Result<Option<RegisterQuant<'a>>, Failure> {
    let Some(compiled) = kamae_store::quant::register_portfolio(a)? else {
        return Ok(None);
    };
    let portfolio = run(state, compiled).await?;
    let quantified: Vec<(&RiskView, i64)> = a
        .risks
        .iter()
        .filter(|r| r.entry.scenario.is_some())
        .map(|r| (r, r.evaluation.expected_loss_yen.unwrap_or(0)))
        .collect();
    let total_yen: i64 = quantified.iter().map(|(_, y)| *y).sum();
    Ok(Some(RegisterQuant {
        risks: quantified
            .into_iter()
            .map(|(risk, y)| QuantifiedRisk {
                risk,
                expected_loss_yen: y,
                share: if total_yen > 0 {
                    y as f64 / total_yen as f64
                } else {
                    0.0
                },
            })
            .collect(),
        unquantified: a
            .risks
            .iter()
            .filter(|r| r.entry.scenario.is_none())
            .collect(),
        total_yen,
        portfolio,
    }))
}
