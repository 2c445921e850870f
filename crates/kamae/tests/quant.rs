//! `kamae quant run` as a process: the result as JSON, the same for any thread count, and a
//! malformed model refused with the path of each problem.

use std::process::Command;

fn kamae(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kamae"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_model_runs_to_the_same_json_on_any_thread_count() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let model = dir.path().join("model.json");
    std::fs::write(
        &model,
        r#"{"seed": 42, "thresholds": [1e8], "scenarios": [
            {"name": "story 2", "frequency": {"chain": {"count": 1, "probabilities": [0.5, 0.7]}},
             "magnitude": {"bins": [[1e8, 5e8, 0.6], [1e6, 1e8, 0.4]]}}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let path = model.to_string_lossy().to_string();
    let one = kamae(&["quant", "run", &path, "--trials", "20000", "--threads", "1"]);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let two = kamae(&["quant", "run", &path, "--trials", "20000", "--threads", "2"]);
    assert_eq!(one.stdout, two.stdout);
    let out: serde_json::Value =
        serde_json::from_slice(&one.stdout).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (out["trials"].as_u64(), out["seed"].as_u64()),
        (Some(20000), Some(42))
    );
    let p = out["exceedance"][0]["probability"].as_f64().unwrap_or(0.0);
    assert!((p - 0.21).abs() < 0.02, "{p}");

    std::fs::write(
        &model,
        r#"{"scenarios": [{"name": "a", "frequency": {"poisson": 1},
            "magnitude": {"bins": [[1, 2, 0.5], [2, 3, 0.4]]}, "secondary": {"probability": 2, "magnitude": {"uniform": [1, 2]}}}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let bad = kamae(&["quant", "run", &path]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    for part in [
        "scenarios[0].magnitude.bins",
        "scenarios[0].secondary.probability",
        "do not sum to 1",
        "確率",
    ] {
        assert!(err.contains(part), "{part} missing: {err}");
    }
    assert!(bad.stdout.is_empty());
}
