//! kamae-quant: Monte Carlo risk quantification (role C). Pure: no IO, no clock, no global
//! state; a model and a seed give the same numbers on any machine and any thread count.

pub mod breach;
pub mod business;
pub mod dist;
pub mod model;
pub mod sim;
pub mod table;

pub use model::Model;
pub use sim::{Compiled, Output, Point, ScenarioShare};

/// A problem of a model: where it is (a JSON path such as `scenarios[0].magnitude.pert`) and
/// what is wrong, in Japanese and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelProblem {
    pub path: String,
    pub ja: String,
    pub en: String,
}

impl ModelProblem {
    pub fn new(path: String, ja: String, en: String) -> ModelProblem {
        ModelProblem { path, ja, en }
    }
}

impl std::fmt::Display for ModelProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} / {}", self.path, self.ja, self.en)
    }
}

/// Reads, checks and runs a model given as JSON; `trials` and `seed` override the file's.
pub fn run_json(
    text: &str,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: usize,
) -> Result<Output, Vec<ModelProblem>> {
    run_json_with_progress(text, trials, seed, threads, &|_, _| {})
}

/// As [`run_json`], telling `progress` (trials done, trials in all) as the run goes.
pub fn run_json_with_progress(
    text: &str,
    trials: Option<u64>,
    seed: Option<u64>,
    threads: usize,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<Output, Vec<ModelProblem>> {
    let mut model = Model::from_json(text)?;
    if trials.is_some() {
        model.trials = trials;
    }
    if seed.is_some() {
        model.seed = seed;
    }
    let compiled = model.compile()?;
    let all = compiled.trials;
    Ok(compiled.run_with_progress(threads, &|done| progress(done, all)))
}
