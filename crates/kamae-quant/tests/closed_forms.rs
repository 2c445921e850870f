//! The engine against closed forms. Each tolerance is five standard errors of the estimate
//! (from the run's own standard deviation, or the binomial standard error of a probability),
//! so a correct engine fails about once in two million runs and a wrong one is caught.

use kamae_quant::{Output, run_json};

const TRIALS: u64 = 400_000;

fn run(model: &str) -> Output {
    run_json(model, Some(TRIALS), Some(7), 2).unwrap_or_else(|p| panic!("{p:?}"))
}

/// One event every year with this magnitude: the annual loss is one draw of it.
fn one_event(magnitude: &str) -> String {
    format!(
        r#"{{"scenarios": [{{"name": "x", "frequency": {{"chain": {{"count": 1}}}}, "magnitude": {magnitude}}}]}}"#
    )
}

fn assert_mean(out: &Output, expected: f64) {
    let se = out.sd / (out.trials as f64).sqrt();
    assert!(
        (out.mean - expected).abs() < 5.0 * se,
        "mean {} vs {expected} (5 SE = {})",
        out.mean,
        5.0 * se
    );
}

fn assert_probability(observed: f64, expected: f64, trials: u64) {
    let se = (expected * (1.0 - expected) / trials as f64).sqrt();
    assert!(
        (observed - expected).abs() < 5.0 * se,
        "probability {observed} vs {expected} (5 SE = {})",
        5.0 * se
    );
}

#[test]
fn pert_has_its_closed_form_mean_and_sd() {
    let out = run(&one_event(r#"{"pert": [0.5, 2, 6]}"#));
    assert_mean(&out, 2.416_666_7);
    // The standard error of a standard deviation: sd · sqrt((kurtosis − 1) / 4n); a PERT's
    // kurtosis is below 3, so 3 bounds it.
    let se_sd = 0.990_530_6 * (2.0 / (4.0 * TRIALS as f64)).sqrt();
    assert!((out.sd - 0.990_530_6).abs() < 5.0 * se_sd, "sd {}", out.sd);
    let wide = run(&one_event(r#"{"pert": [1e6, 1e7, 5e8]}"#));
    assert_mean(&wide, 90_166_666.67);
}

#[test]
fn lognormal_from_a_90_percent_interval() {
    let out = run(&one_event(r#"{"lognormal90": [1e6, 5e8]}"#));
    assert_mean(&out, 133_175_280.55);
    // The sample median's standard error: 1 / (2 f(m) √n), f(m) = 1 / (m σ √(2π)).
    let sigma = (5e8f64.ln() - 1e6f64.ln()) / (2.0 * 1.644_853_626_951_472_2);
    let median = 22_360_679.8;
    let se = median * sigma * (2.0 * std::f64::consts::PI).sqrt() / (2.0 * (TRIALS as f64).sqrt());
    assert!((out.p50 - median).abs() < 5.0 * se, "median {}", out.p50);
}

#[test]
fn compound_poisson_has_its_mean_and_years_without_loss() {
    let out = run(
        r#"{"scenarios": [{"name": "x", "frequency": {"poisson": 1.2}, "magnitude": {"lognormal90": [1e6, 5e8]}}]}"#,
    );
    assert_mean(&out, 159_810_336.7);
    assert_probability(out.p_zero, (-1.2f64).exp(), out.trials);
}

#[test]
fn threat_events_thinned_by_a_vulnerability() {
    let out = run(
        r#"{"scenarios": [{"name": "web", "frequency": {"poisson": {"pert": [0.5, 2, 6]}},
            "vulnerability": {"pert": [0.3, 0.5, 0.7]}, "magnitude": {"pert": [1e6, 1e7, 5e8]}}]}"#,
    );
    assert_mean(&out, 108_951_388.9);
}

#[test]
fn story_two_leaves_about_two_in_ten_years_above_100_million_yen() {
    let out = run(r#"{"thresholds": [1e8], "scenarios": [{"name": "story 2",
            "frequency": {"chain": {"count": 1, "probabilities": [0.5, 0.7]}},
            "magnitude": {"bins": [[1e8, 5e8, 0.6], [1e6, 1e8, 0.4]]}}]}"#);
    assert_eq!(out.exceedance[0].amount, 1e8);
    assert_probability(out.exceedance[0].probability, 0.21, out.trials);
    assert_probability(out.p_zero, 0.65, out.trials);
    assert_eq!(out.scenarios[0].share, 1.0);
}

#[test]
fn the_same_seed_gives_the_same_numbers_whatever_the_thread_count() {
    let model = r#"{"trials": 50000, "seed": 42, "thresholds": [1e8, 5e8], "scenarios": [
        {"name": "web vuln", "frequency": {"poisson": {"pert": [0.5, 2, 6]}},
         "vulnerability": {"pert": [0.3, 0.5, 0.7]}, "magnitude": {"lognormal90": [1e6, 5e8]},
         "secondary": {"probability": 0.3, "magnitude": {"uniform": [1e6, 2e7]}},
         "controls": [{"name": "WAF", "frequency_factor": {"pert": [0.2, 0.4, 0.7]}}]},
        {"name": "phishing", "frequency": {"poisson": 1.2}, "magnitude": {"pert": [1e6, 1e7, 5e8]}},
        {"name": "story 2", "frequency": {"chain": {"count": 1, "probabilities": [0.5, 0.7]}},
         "magnitude": {"bins": [[1e8, 5e8, 0.6], [1e6, 1e8, 0.4]]}}]}"#;
    let one = run_json(model, None, None, 1).unwrap_or_else(|p| panic!("{p:?}"));
    for threads in [2, 3] {
        assert_eq!(run_json(model, None, None, threads).ok(), Some(one.clone()));
    }
    assert_ne!(run_json(model, None, Some(43), 1).ok(), Some(one.clone()));
    // The curve: at least 50 points, from the smallest positive annual loss to the largest,
    // never rising.
    assert!(one.lec.len() >= 50);
    assert!(
        one.lec
            .windows(2)
            .all(|w| w[0].amount < w[1].amount && w[0].probability >= w[1].probability)
    );
    let shares: f64 = one.scenarios.iter().map(|s| s.share).sum();
    assert!((shares - 1.0).abs() < 1e-9);
    assert!(one.p50 <= one.p90 && one.p90 <= one.p95 && one.p95 <= one.p99);
}

#[test]
fn a_malformed_model_is_refused_with_the_path_of_each_problem() {
    let paths = |model: &str| -> Vec<String> {
        run_json(model, None, None, 1)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.path)
            .collect()
    };
    assert_eq!(
        paths(
            r#"{"scenarios": [{"name": "a", "frequency": {"poisson": -1}, "magnitude": {"pert": [5, 2, 1]}},
            {"name": "b", "frequency": {"chain": {"count": 1, "probabilities": [1.5]}},
             "magnitude": {"bins": [[1, 2, 0.5], [2, 3, 0.4]]}}]}"#
        ),
        vec![
            "scenarios[0].frequency.poisson",
            "scenarios[0].magnitude.pert",
            "scenarios[1].frequency.chain.probabilities[0]",
            "scenarios[1].magnitude.bins",
        ]
    );
    let unknown = run_json(
        r#"{"scenarios": [{"name": "a", "frequency": {"poisson": 1}, "magnitude": {"pert": [1, 2, 3]}, "colour": "red"}]}"#,
        None,
        None,
        1,
    )
    .err()
    .unwrap_or_default();
    assert_eq!(unknown.len(), 1);
    assert!(
        unknown[0].path.starts_with("scenarios[0]"),
        "{:?}",
        unknown[0]
    );
    assert!(unknown[0].en.contains("colour"), "{:?}", unknown[0]);
    assert_eq!(
        paths(
            r#"{"trials": 0, "scenarios": [{"name": "a", "frequency": {"poisson": 1}, "magnitude": {"lognormal90": [5, 1]}}]}"#
        ),
        vec!["scenarios[0].magnitude.lognormal90", "trials"]
    );
}

#[test]
fn progress_reaches_every_trial_and_does_not_change_the_result() {
    let model = one_event(r#"{"pert": [1, 2, 3]}"#);
    let seen = std::sync::Mutex::new(Vec::new());
    let with =
        kamae_quant::run_json_with_progress(&model, Some(100_000), Some(1), 2, &|done, all| {
            if let Ok(mut s) = seen.lock() {
                s.push((done, all));
            }
        });
    let without = run_json(&model, Some(100_000), Some(1), 2);
    assert_eq!(with.ok(), without.ok());
    let seen = seen.into_inner().unwrap_or_default();
    assert!(seen.len() > 1, "{seen:?}");
    assert!(seen.iter().all(|(_, all)| *all == 100_000));
    assert_eq!(seen.iter().map(|(d, _)| *d).max(), Some(100_000));
}

#[test]
fn a_constant_rate_draws_the_same_years_with_its_sampler_made_once() {
    let fixed = r#"{"trials": 30000, "seed": 5, "scenarios": [{"name": "x", "frequency": {"poisson": 1.2},
        "magnitude": {"lognormal90": [1e6, 5e8]}}]}"#;
    // A neutral control keeps the rate on the per-year path, drawing nothing more.
    let per_year = r#"{"trials": 30000, "seed": 5, "scenarios": [{"name": "x", "frequency": {"poisson": 1.2},
        "magnitude": {"lognormal90": [1e6, 5e8]}, "controls": [{"name": "none", "frequency_factor": 1}]}]}"#;
    let a = run_json(fixed, None, None, 2).unwrap_or_else(|p| panic!("{p:?}"));
    let b = run_json(per_year, None, None, 2).unwrap_or_else(|p| panic!("{p:?}"));
    assert_eq!(a, b);
}
