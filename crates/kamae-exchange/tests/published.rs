//! The real published files of `../shared/fixtures` (never copied into the repository):
//! NIST's SP 800-53 rev. 5 LOW baseline as an OSCAL catalog and CISO Assistant's NIST CSF
//! 2.0 library. Each test says so and passes when the files are absent.

use std::collections::HashMap;
use std::path::PathBuf;

use kamae_core::rules::{NodeKind, ReferenceFramework};

/// `KAMAE_SHARED_DIR`, or `../shared` beside the repository.
fn fixture(rel: &str) -> Option<(String, Vec<u8>)> {
    let base = std::env::var_os("KAMAE_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let path = base.join("fixtures").join(rel);
    match std::fs::read(&path) {
        Ok(bytes) => Some((path.display().to_string(), bytes)),
        Err(_) => {
            eprintln!(
                "skipped: {} is absent (set KAMAE_SHARED_DIR)",
                path.display()
            );
            None
        }
    }
}

/// Every node's parent is in the framework, one level up.
fn hierarchy_intact(f: &ReferenceFramework) {
    let depth: HashMap<&str, u32> = f
        .nodes
        .iter()
        .map(|n| (n.node_id.as_str(), n.depth))
        .collect();
    for n in &f.nodes {
        match &n.parent {
            Some(p) => assert_eq!(
                depth.get(p.as_str()).map(|d| d + 1),
                Some(n.depth),
                "{}",
                n.node_id
            ),
            None => assert_eq!(n.depth, 1, "{}", n.node_id),
        }
    }
}

#[test]
fn the_nist_low_baseline_imports_completely() {
    let Some((name, bytes)) =
        fixture("oscal/NIST_SP-800-53_rev5_LOW-baseline-resolved-profile_catalog-min.json")
    else {
        return;
    };
    let f = kamae_exchange::oscal::read_framework(&name, &bytes, None)
        .unwrap_or_else(|e| panic!("{e}"));
    let count = |k: NodeKind| f.nodes.iter().filter(|n| n.kind == k).count();
    assert_eq!(count(NodeKind::Group), 18);
    assert_eq!(count(NodeKind::Control), 131);
    assert_eq!(f.counted(), 149);
    hierarchy_intact(&f);
    let ac2 = f.find("AC-2").unwrap_or_else(|| panic!("AC-2"));
    assert_eq!(ac2.title, "Account Management");
    assert!(
        ac2.description
            .contains("[Assignment: prerequisites and criteria]"),
        "{}",
        ac2.description
    );
    assert!(
        !f.nodes.iter().any(|n| n.description.contains("{{")),
        "every parameter is written in"
    );
    let enhancement = f.find("IA-2(1)").unwrap_or_else(|| panic!("IA-2(1)"));
    assert_eq!(
        (enhancement.kind, enhancement.parent.as_deref()),
        (NodeKind::Enhancement, Some("ia-2"))
    );
}

#[test]
fn the_ciso_assistant_csf_library_imports_completely() {
    let Some((name, bytes)) = fixture("ciso-assistant/nist-csf-2.0.yaml") else {
        return;
    };
    let f = kamae_exchange::ciso_assistant::read_framework(&name, &bytes, None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.counted(), 134);
    assert_eq!(f.assessable(), 106);
    assert_eq!(f.name, "NIST CSF v2.0");
    hierarchy_intact(&f);
    let leaf = f.find("PR.AA-01").unwrap_or_else(|| panic!("PR.AA-01"));
    assert_eq!(leaf.depth, 3);
    assert!(leaf.assessable);
}

#[test]
fn a_risk_matrix_library_is_not_a_framework() {
    let Some((name, bytes)) = fixture("ciso-assistant/critical_risk_matrix_5x5.yaml") else {
        return;
    };
    let e = kamae_exchange::ciso_assistant::read_framework(&name, &bytes, None)
        .expect_err("no framework");
    assert_eq!(e.0[0].problem.code, "no_framework");
    assert!(e.0[0].en().contains("risk_matrix"), "{e}");
}

#[test]
fn the_critical_5x5_risk_matrix_imports_whole() {
    let Some((name, bytes)) = fixture("ciso-assistant/critical_risk_matrix_5x5.yaml") else {
        return;
    };
    let matrices = kamae_exchange::ciso_assistant::read_risk_matrices(&name, &bytes)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(matrices.len(), 1);
    let m = &matrices[0];
    assert_eq!(m.code.as_str(), "CRITICAL-5X5");
    assert_eq!(m.name_en, "critical 5x5");
    assert_eq!(
        (m.probability.len(), m.impact.len(), m.risk.len()),
        (5, 5, 5)
    );
    assert_eq!(m.version, "3");
    assert_eq!(m.urn, "urn:intuitem:risk:matrix:critical_risk_matrix_5x5");
    assert_eq!(m.risk[4].name_en, "Very High");
    assert_eq!(m.risk[4].description_en, "unacceptable risk");
    assert_eq!(m.risk[4].color.as_deref(), Some("#F87171"));
    assert_eq!(m.probability[0].description_en, "Very unfrequent event");
    // The file's grid, row by probability: the highest likelihood with the highest impact
    // is very high, the lowest with the lowest very low, and high likelihood with very low
    // impact is medium.
    assert_eq!(m.risk_of(4, 4), Some(4));
    assert_eq!(m.risk_of(0, 0), Some(0));
    assert_eq!(m.risk_of(4, 0), Some(2));
    assert_eq!(m.risk_of(3, 4), Some(4));
    assert!(m.check().is_empty());
}
