//! Role C in the register: a risk's scenario checked and worked out by kamae-quant, and the
//! portfolio of an assessment's scenarios.

use kamae_core::Problem;
use kamae_quant::model::Scenario;
use kamae_quant::{Compiled, Model, ModelProblem};

use crate::Result;
use crate::risk::AssessmentView;

/// Trials for a risk's expected annual loss and for the register's portfolio: a standard
/// error well under 1% of the mean for the scenarios a register carries, in milliseconds.
pub const REGISTER_TRIALS: u64 = 100_000;
/// One seed for every register run, so that the same scenario always gives the same figure
/// and the criterion's verdict does not change on a second look.
pub const REGISTER_SEED: u64 = 20_260_401;

/// Model problems as one bilingual problem, each line naming its JSON path.
pub fn model_problem(code: &'static str, problems: &[ModelProblem]) -> Problem {
    let lines = |pick: fn(&ModelProblem) -> &str| {
        problems
            .iter()
            .map(|p| format!("{}: {}", p.path, pick(p)))
            .collect::<Vec<_>>()
            .join("\n")
    };
    Problem::new(code, lines(|p| &p.ja), lines(|p| &p.en))
}

/// Checks a risk's scenario (paths start with `scenario`) and works out its expected annual
/// loss in whole yen. The run is CPU work of milliseconds (a second for a scenario of
/// thousands of events a year), so it leaves the async threads.
pub(crate) async fn expected_loss(code: &str, scenario: &serde_json::Value) -> Result<i64> {
    let scenario = Scenario::from_value(scenario, code, "scenario")
        .map_err(|p| model_problem("invalid_scenario", &p))?;
    let compiled = Model {
        trials: Some(REGISTER_TRIALS),
        seed: Some(REGISTER_SEED),
        thresholds: Vec::new(),
        scenarios: vec![scenario],
    }
    .compile()
    .map_err(|p| model_problem("invalid_scenario", &p))?;
    let mean = tokio::task::spawn_blocking(move || compiled.run(1).mean)
        .await
        .map_err(simulation_stopped)?;
    // Yen are whole numbers; a mean beyond i64 would be a model error the check lets through.
    Ok(mean.round().clamp(0.0, i64::MAX as f64) as i64)
}

/// A run off the async threads that panicked or was cancelled: the engine's failure, not the
/// model's, so it names no path.
pub(crate) fn simulation_stopped(e: tokio::task::JoinError) -> Problem {
    Problem::new(
        "simulation_failed",
        format!("シミュレーションが止まりました: {e}"),
        format!("the simulation stopped: {e}"),
    )
}

/// The scenarios of an assessment's register, each named by its risk's code.
pub fn register_scenarios(a: &AssessmentView) -> Result<Vec<Scenario>> {
    let mut out = Vec::new();
    for r in &a.risks {
        if let Some(s) = &r.entry.scenario {
            let code = r.entry.code.as_str();
            out.push(
                Scenario::from_value(s, code, &format!("{code}.scenario"))
                    .map_err(|p| model_problem("invalid_scenario", &p))?,
            );
        }
    }
    Ok(out)
}

/// The assessment's risks that carry a scenario, as one model; none when no risk carries
/// one.
pub fn register_portfolio(a: &AssessmentView) -> Result<Option<Compiled>> {
    let scenarios = register_scenarios(a)?;
    if scenarios.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        Model {
            trials: Some(REGISTER_TRIALS),
            seed: Some(REGISTER_SEED),
            thresholds: Vec::new(),
            scenarios,
        }
        .compile()
        .map_err(|p| model_problem("invalid_scenario", &p))?,
    ))
}
