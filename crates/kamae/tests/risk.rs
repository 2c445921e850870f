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

#[test]
fn the_asset_inventory_goes_in_and_out_as_csv_and_xlsx() {
    let dir = own_group();
    let d = dir.path();
    ok(as_office(
        d,
        &[
            "org",
            "add-company",
            "--code",
            "X",
            "--name",
            "X社",
            "--kind",
            "subsidiary",
        ],
    ));
    let good = path(d, "assets.csv");
    std::fs::write(
        &good,
        "資産ID,会社,名称,種別,管理責任者,分類,機密性,完全性,可用性,保管場所,依存する業務\n\
         AS-001,X,顧客データベース,情報,営業部長,機密,3,3,2,本社DC,受注; 出荷\n\
         AS-002,X,生産管理システム,システム,工場長,社外秘,2,3,3,X1工場,生産\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // A row naming a company that does not exist, and a value out of range: both named,
    // nothing written.
    let bad = path(d, "bad.csv");
    std::fs::write(
        &bad,
        "資産ID,会社,名称,種別,管理責任者,機密性,完全性,可用性\n\
         AS-001,X,顧客データベース,情報,営業部長,3,3,5\n\
         AS-009,Q,謎の資産,情報,誰か,1,1,1\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = as_office(d, &["asset", "import", &bad]);
    fails(&r);
    assert!(
        r.stderr.contains("bad.csv")
            && r.stderr.contains("2行目")
            && r.stderr.contains("availability"),
        "{}",
        r.stderr
    );
    std::fs::write(&bad, "資産ID,会社,名称,種別,管理責任者,機密性,完全性,可用性\nAS-009,Q,謎の資産,情報,誰か,1,1,1\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let r = as_office(d, &["asset", "import", &bad]);
    fails(&r);
    assert!(
        r.stderr.contains("AS-009") && r.stderr.contains("company Q"),
        "{}",
        r.stderr
    );

    let dry = json(&ok(as_office(
        d,
        &["asset", "import", &good, "--dry-run", "--json"],
    )));
    assert_eq!(dry["added"].as_array().map(Vec::len), Some(2));
    let out = ok(as_office(d, &["asset", "import", &good]));
    assert!(out.contains("AS-001"), "{out}");
    let again = json(&ok(as_office(d, &["asset", "import", &good, "--json"])));
    assert_eq!(again["unchanged"], 2);
    // Out as XLSX with English headers, and back in: nothing changes.
    let xlsx = path(d, "assets.xlsx");
    ok(as_office(
        d,
        &[
            "asset",
            "export",
            "--format",
            "xlsx",
            "--out",
            &xlsx,
            "--headers",
            "en",
        ],
    ));
    let back = json(&ok(as_office(d, &["asset", "import", &xlsx, "--json"])));
    assert_eq!(
        (
            back["unchanged"].as_u64(),
            back["added"].as_array().map(Vec::len)
        ),
        (Some(2), Some(0))
    );
    let csv = path(d, "out.csv");
    ok(as_office(
        d,
        &["asset", "export", "--format", "csv", "--out", &csv],
    ));
    let text = std::fs::read_to_string(&csv).unwrap_or_default();
    assert!(
        text.starts_with('\u{feff}')
            && text.contains("資産ID")
            && text.contains("顧客データベース"),
        "{text}"
    );
    // The viewer sees the assets but cannot import.
    fails(&kamae(d, &["--as", VIEWER, "asset", "import", &good]));
}
