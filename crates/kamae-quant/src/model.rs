//! The model file (JSON; the same shape in the API): scenarios with a frequency, a loss
//! magnitude, an optional secondary loss and controls. Read strictly (unknown fields are
//! errors) and checked whole, each problem with its JSON path.

use serde::Deserialize;

use crate::ModelProblem;

/// The most trials one run may ask for: enough for any estimate kamae shows, small enough
/// that a run cannot hold a server for long.
pub const MAX_TRIALS: u64 = 10_000_000;
pub const DEFAULT_TRIALS: u64 = 100_000;

/// A number, or a distribution drawn once per trial.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Param {
    Fixed(f64),
    Dist(DistSpec),
}

/// A distribution as written: exactly one of its fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistSpec {
    pub pert: Option<[f64; 3]>,
    pub lognormal90: Option<[f64; 2]>,
    pub uniform: Option<[f64; 2]>,
    /// `[low, high, probability]` ranges; the probabilities sum to 1.
    pub bins: Option<Vec<[f64; 3]>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chain {
    /// A fixed number of events a year…
    pub count: Option<u32>,
    /// …or a Poisson rate.
    pub rate: Option<Param>,
    /// Each event passes every one of these, independently, to become a loss.
    #[serde(default)]
    pub probabilities: Vec<Param>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Frequency {
    /// Loss events (or, with a vulnerability, threat events) per year.
    pub poisson: Option<Param>,
    pub chain: Option<Chain>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secondary {
    pub probability: Param,
    pub magnitude: DistSpec,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Control {
    pub name: String,
    pub frequency_factor: Option<Param>,
    pub magnitude_factor: Option<Param>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    pub frequency: Frequency,
    /// The probability that a threat event becomes a loss event.
    pub vulnerability: Option<Param>,
    pub magnitude: DistSpec,
    pub secondary: Option<Secondary>,
    #[serde(default)]
    pub controls: Vec<Control>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Model {
    pub trials: Option<u64>,
    pub seed: Option<u64>,
    #[serde(default)]
    pub thresholds: Vec<f64>,
    pub scenarios: Vec<Scenario>,
}

impl Model {
    /// Reads a model from JSON; a malformed one is refused with the path of the problem.
    pub fn from_json(text: &str) -> Result<Model, Vec<ModelProblem>> {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner().to_string();
            vec![ModelProblem::new(
                if path == "." { String::new() } else { path },
                format!("モデルを読めません: {inner}"),
                format!("cannot read the model: {inner}"),
            )]
        })
    }
}

impl Scenario {
    /// A scenario written on its own, as a risk of the register carries it: the model file's
    /// scenario without its `name` (the risk names it). Checked whole; every problem's path
    /// starts with `at` (e.g. `scenario.magnitude.pert`).
    pub fn from_value(
        value: &serde_json::Value,
        name: &str,
        at: &str,
    ) -> Result<Scenario, Vec<ModelProblem>> {
        let mut value = value.clone();
        match value.as_object_mut() {
            Some(fields) => {
                if fields.contains_key("name") {
                    return Err(vec![ModelProblem::new(
                        format!("{at}.name"),
                        "名前はリスクの名前を使うので、書かないでください".into(),
                        "leave out name: the scenario takes the risk's".into(),
                    )]);
                }
                fields.insert("name".into(), serde_json::Value::String(name.into()));
            }
            None => {
                return Err(vec![ModelProblem::new(
                    at.into(),
                    "シナリオは JSON のオブジェクトで書いてください".into(),
                    "write the scenario as a JSON object".into(),
                )]);
            }
        }
        let scenario: Scenario = serde_path_to_error::deserialize(&value).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner().to_string();
            vec![ModelProblem::new(
                if path == "." {
                    at.to_string()
                } else {
                    format!("{at}.{path}")
                },
                format!("シナリオを読めません: {inner}"),
                format!("cannot read the scenario: {inner}"),
            )]
        })?;
        let alone = Model {
            trials: Some(1),
            seed: None,
            thresholds: Vec::new(),
            scenarios: vec![scenario.clone()],
        };
        alone.compile().map_err(|problems| {
            problems
                .into_iter()
                .map(|p| ModelProblem {
                    path: p.path.replacen("scenarios[0]", at, 1),
                    ..p
                })
                .collect::<Vec<_>>()
        })?;
        Ok(scenario)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(r: Result<Scenario, Vec<ModelProblem>>) -> Vec<String> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.path)
            .collect()
    }

    #[test]
    fn a_risks_scenario_is_checked_with_its_own_paths() {
        let ok = serde_json::json!({"frequency": {"poisson": 1.2}, "magnitude": {"pert": [1e6, 1e7, 5e8]}});
        let s = Scenario::from_value(&ok, "R-01", "scenario");
        assert_eq!(s.map(|s| s.name).ok().as_deref(), Some("R-01"));
        let inverted = serde_json::json!({"frequency": {"poisson": 1.2}, "magnitude": {"pert": [5e8, 1e7, 1e6]}});
        assert_eq!(
            paths(Scenario::from_value(&inverted, "R-01", "scenario")),
            ["scenario.magnitude.pert"]
        );
        let unknown = serde_json::json!({"frequency": {"poisson": 1.2}, "magnitude": {"pert": [1e6, 1e7, 5e8]}, "colour": 1});
        assert_eq!(
            paths(Scenario::from_value(&unknown, "R-01", "scenario")),
            ["scenario.colour"]
        );
        let named = serde_json::json!({"name": "x", "frequency": {"poisson": 1.2}, "magnitude": {"pert": [1e6, 1e7, 5e8]}});
        assert_eq!(
            paths(Scenario::from_value(&named, "R-01", "scenario")),
            ["scenario.name"]
        );
        assert_eq!(
            paths(Scenario::from_value(
                &serde_json::json!([1]),
                "R-01",
                "scenario"
            )),
            ["scenario"]
        );
    }
}
