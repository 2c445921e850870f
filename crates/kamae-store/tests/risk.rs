//! Role E in the store, on both backends: risk matrices, and what is rated against them.

mod common;

use common::*;
use kamae_core::risk::{BUILTIN_MATRIX, RiskMatrix, builtin_matrix};
use kamae_store::ReferenceImport;
use kamae_store::both_backends;
use kamae_store::testing::TestStore;

both_backends!(risk_matrices_import_whole_and_replace_by_code,);

fn matrix(code_text: &str, top: &str) -> RiskMatrix {
    let mut m = builtin_matrix();
    m.code = code(code_text);
    m.source = kamae_core::risk::MatrixSource::CisoAssistant;
    m.name_en = format!("{code_text} matrix");
    m.risk[4].name_en = top.into();
    m
}

async fn risk_matrices_import_whole_and_replace_by_code(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    // kamae's own matrix is there from the start, for everyone.
    let first = ok(s.risk_matrices(&f.viewer_y).await);
    assert_eq!(
        first.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(),
        [BUILTIN_MATRIX]
    );
    assert_eq!(
        err_code(
            s.import_risk_matrices(&f.lead_x, vec![matrix("M5", "VH")], false)
                .await
        ),
        "forbidden"
    );
    let dry = ok(s
        .import_risk_matrices(
            &f.office,
            vec![matrix("M5", "VH"), matrix("M3", "Top")],
            true,
        )
        .await);
    assert!(
        dry.iter()
            .all(|r| r.outcome == ReferenceImport::Added && r.dry_run)
    );
    assert_eq!(
        ok(s.risk_matrices(&f.office).await).len(),
        1,
        "a dry run writes nothing"
    );
    // A file with one bad matrix writes none of them.
    let mut broken = matrix("M4", "VH");
    broken.grid[0][0] = 9;
    assert_eq!(
        err_code(
            s.import_risk_matrices(&f.office, vec![matrix("M5", "VH"), broken], false)
                .await
        ),
        "unknown_risk_level"
    );
    assert_eq!(ok(s.risk_matrices(&f.office).await).len(), 1);
    assert_eq!(
        err_code(
            s.import_risk_matrices(&f.office, vec![matrix(BUILTIN_MATRIX, "VH")], false)
                .await
        ),
        "reserved_code"
    );
    let added = ok(s
        .import_risk_matrices(
            &f.office,
            vec![matrix("M5", "VH"), matrix("M3", "Top")],
            false,
        )
        .await);
    assert!(added.iter().all(|r| r.outcome == ReferenceImport::Added));
    let rows = audit_rows(s).await;
    let again = ok(s
        .import_risk_matrices(
            &f.office,
            vec![matrix("M5", "VH"), matrix("M3", "Top")],
            false,
        )
        .await);
    assert!(
        again
            .iter()
            .all(|r| r.outcome == ReferenceImport::Unchanged)
    );
    assert_eq!(
        audit_rows(s).await,
        rows,
        "the same file again writes nothing"
    );
    let list = ok(s.risk_matrices(&f.practitioner_site_x1).await);
    assert_eq!(
        list.iter().map(|m| m.code.as_str()).collect::<Vec<_>>(),
        [BUILTIN_MATRIX, "M3", "M5"]
    );
    assert_eq!(
        ok(s.risk_matrix(&f.viewer_y, "m5").await),
        matrix("M5", "VH")
    );
    // Other content under the same code replaces the matrix; the old one stays, archived.
    let replaced = ok(s
        .import_risk_matrices(&f.ciso, vec![matrix("M5", "Critical")], false)
        .await);
    assert_eq!(replaced[0].outcome, ReferenceImport::Replaced);
    assert_eq!(
        ok(s.risk_matrix(&f.office, "M5").await).risk[4].name_en,
        "Critical"
    );
    assert_eq!(ok(s.risk_matrices(&f.office).await).len(), 3);
    assert_eq!(
        err_code(s.risk_matrix(&f.office, "nothing").await),
        "not_found"
    );
    // Nothing of it crosses groups.
    let (_, other_admin) = new_group(s, "G2", "admin@g2.example").await;
    let other = user(
        s,
        &other_admin,
        "office@g2.example",
        Some(("ciso_office", "group")),
    )
    .await;
    assert_eq!(ok(s.risk_matrices(&other).await).len(), 1);
    assert_eq!(err_code(s.risk_matrix(&other, "M5").await), "not_found");
}

async fn audit_rows(s: &kamae_store::Store) -> i64 {
    match ok(s.verify(None).await) {
        kamae_store::audit::Verification::Intact { rows, .. } => rows,
        broken => panic!("{broken:?}"),
    }
}
