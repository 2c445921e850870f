//! `kamae risk-matrix` as the CISO office uses it: CISO Assistant's published matrix, and
//! matrices that are wrong, each refused with its place and nothing written.

mod common;

use std::path::Path;

use common::*;

const MATRIX: &str = "urn: urn:test:library:m
locale: en
ref_id: M-LIB
version: 1
objects:
  risk_matrix:
  - urn: urn:test:matrix:m
    ref_id: small_2x3
    name: Small
    probability:
    - {abbreviation: L, name: Low}
    - {abbreviation: H, name: High}
    impact:
    - {abbreviation: 1, name: One}
    - {abbreviation: 2, name: Two}
    - {abbreviation: 3, name: Three}
    risk:
    - {abbreviation: A, name: Accept}
    - {abbreviation: T, name: Treat}
    grid:
    - [0, 0, 1]
    - [0, 1, 1]
";

fn listed(dir: &Path) -> serde_json::Value {
    json(&ok(as_office(dir, &["risk-matrix", "list", "--json"])))
}

#[test]
fn risk_matrices_are_imported_listed_and_refused_when_wrong() {
    let dir = own_group();
    let d = dir.path();
    let list = listed(d);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["code"], "KAMAE-5X5");

    // A grid cell naming a risk level that does not exist: refused with its place.
    let bad = path(d, "bad.yaml");
    std::fs::write(&bad, MATRIX.replace("- [0, 1, 1]", "- [0, 1, 5]"))
        .unwrap_or_else(|e| panic!("{e}"));
    let r = as_office(d, &["risk-matrix", "import", &bad]);
    fails(&r);
    assert!(
        r.stderr.contains("bad.yaml") && r.stderr.contains("$.objects.risk_matrix[0].grid[1][2]"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("risk level 5 does not exist"),
        "{}",
        r.stderr
    );
    assert_eq!(
        listed(d).as_array().map(Vec::len),
        Some(1),
        "nothing written"
    );
    let r = as_office(d, &["risk-matrix", "import", &bad, "--format", "csv"]);
    fails(&r);

    let good = path(d, "good.yaml");
    std::fs::write(&good, MATRIX).unwrap_or_else(|e| panic!("{e}"));
    let dry = json(&ok(as_office(
        d,
        &["risk-matrix", "import", &good, "--dry-run", "--json"],
    )));
    assert_eq!(dry[0]["outcome"], "added");
    assert_eq!(
        listed(d).as_array().map(Vec::len),
        Some(1),
        "a dry run writes nothing"
    );
    // Only the CISO office and the CISO change the group's reference.
    fails(&kamae(d, &["--as", VIEWER, "risk-matrix", "import", &good]));
    let out = ok(as_office(d, &["risk-matrix", "import", &good]));
    assert!(out.contains("SMALL-2X3") && out.contains("added"), "{out}");
    let again = json(&ok(as_office(
        d,
        &["risk-matrix", "import", &good, "--json"],
    )));
    assert_eq!(again[0]["outcome"], "unchanged");
    let list = listed(d);
    assert_eq!(list[1]["code"], "SMALL-2X3");
    assert_eq!(
        (
            list[1]["likelihood_levels"].as_u64(),
            list[1]["impact_levels"].as_u64(),
            list[1]["risk_levels"].as_u64()
        ),
        (Some(2), Some(3), Some(2))
    );
    let text = ok(kamae(d, &["--as", VIEWER, "risk-matrix", "list"]));
    assert!(
        text.contains("Small") && text.contains("KAMAE-5X5"),
        "{text}"
    );
    let shown = ok(kamae(
        d,
        &["--as", VIEWER, "risk-matrix", "show", "small-2x3"],
    ));
    assert!(shown.contains("High |   A   T   T"), "{shown}");

    // CISO Assistant's published 5 × 5 matrix, when the shared fixtures are here.
    let shared = std::env::var_os("KAMAE_SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let critical = shared.join("fixtures/ciso-assistant/critical_risk_matrix_5x5.yaml");
    if critical.exists() {
        let critical = critical.display().to_string();
        let out = json(&ok(as_office(
            d,
            &[
                "risk-matrix",
                "import",
                &critical,
                "--format",
                "ciso-assistant",
                "--json",
            ],
        )));
        assert_eq!(out[0]["code"], "CRITICAL-5X5");
        let list = listed(d);
        let m = list
            .as_array()
            .and_then(|l| l.iter().find(|m| m["code"] == "CRITICAL-5X5"))
            .unwrap_or_else(|| panic!("{list}"));
        assert_eq!(m["name_en"], "critical 5x5");
        assert_eq!(
            (
                m["likelihood_levels"].as_u64(),
                m["impact_levels"].as_u64(),
                m["risk_levels"].as_u64()
            ),
            (Some(5), Some(5), Some(5))
        );
    } else {
        eprintln!("skipped: {} is absent", critical.display());
    }
}
