//! Role E in the store, on both backends: risk matrices, and what is rated against them.

mod common;

use common::*;
use kamae_core::approval::ApprovalState;
use kamae_core::risk::{ActionStatus, Treatment, TreatmentAction, TreatmentDecision};
use kamae_core::risk::{
    BUILTIN_MATRIX, Coverage, Method, Rating, RiskEntry, RiskMatrix, builtin_matrix,
};
use kamae_store::ReferenceImport;
use kamae_store::both_backends;
use kamae_store::risk::NewAssessment;
use kamae_store::testing::TestStore;

both_backends!(
    risk_matrices_import_whole_and_replace_by_code,
    an_assessment_is_rated_evaluated_and_approved,
    last_years_assessment_is_copied_with_every_rating_to_confirm,
    a_treatment_plan_goes_through_approval_and_is_followed_to_its_review,
    the_asset_inventory_is_imported_whole_per_company,
    the_context_is_recorded_and_cited_by_assessments,
    the_asset_method_rates_with_the_assessments_own_bands,
    risks_carry_scenarios_judged_by_the_quantitative_criterion,
    a_business_case_weighs_options_and_goes_through_approval,
    the_case_library_is_group_reference_that_business_cases_cite,
);

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

fn rated(l: usize, i: usize) -> Option<Rating> {
    Some(Rating::Matrix {
        likelihood: l,
        impact: i,
    })
}

fn risk(c: &str, title: &str) -> RiskEntry {
    RiskEntry {
        code: code(c),
        title: title.into(),
        source: "外部の攻撃者".into(),
        event: "基準から外れた拠点への侵入".into(),
        causes: "予算と人手の不足".into(),
        consequences: "生産停止と取引先への波及".into(),
        assets: vec!["生産管理システム".into()],
        owner: "X社 情報システム課長".into(),
        inherent: rated(3, 3),
        inherent_rationale: "同業で年に数件の被害".into(),
        residual: None,
        residual_rationale: String::new(),
        items: vec![],
        exceptions: vec![],
        advice: vec![],
        scenario: None,
        expected_loss_yen: None,
    }
}

fn new_assessment(company: Option<&str>, matrix: &str, year: i32) -> NewAssessment {
    NewAssessment {
        company: company.map(code),
        fiscal_year: year,
        title: format!("リスクアセスメント {year}"),
        method: Method::Matrix,
        matrix: matrix.into(),
        treat_from: None,
        asset_bands: None,
        tolerance: "事業の継続を損なうリスクは受容しない".into(),
        impact_definitions: vec![],
        loss_threshold_yen: None,
        coverage: Coverage {
            companies: vec!["X".into()],
            ..Coverage::default()
        },
    }
}

async fn an_assessment_is_rated_evaluated_and_approved(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    approved_standard(s, &f).await;
    // An imported matrix drives the assessment; its criteria keep a copy of it.
    ok(
        s.import_risk_matrices(&f.office, vec![matrix("M5", "VH")], false)
            .await,
    );
    assert_eq!(
        err_code(
            s.new_assessment(&f.lead_y, new_assessment(Some("X"), "M5", 2026))
                .await
        ),
        "not_found",
        "Y's lead does not see X"
    );
    let mut bad = new_assessment(Some("X"), "M5", 2026);
    bad.treat_from = Some(9);
    assert_eq!(
        err_code(s.new_assessment(&f.lead_x, bad).await),
        "invalid_treat_from"
    );
    let a = ok(s
        .new_assessment(&f.lead_x, new_assessment(Some("X"), "M5", 2026))
        .await);
    let id = a.id();
    assert_eq!(a.criteria.matrix.code.as_str(), "M5");
    assert_eq!(a.criteria.treat_from, 2);
    // Ratings off the scale, or without their rationale, are refused whole.
    let mut off = risk("R-01", "拠点の基準逸脱");
    off.inherent = rated(7, 1);
    off.residual = rated(1, 1);
    let e = s
        .save_risk(&f.lead_x, id, None, off)
        .await
        .expect_err("refused");
    let text = e.to_string();
    assert!(
        text.contains("inherent rating") && text.contains("residual rating needs its rationale"),
        "{text}"
    );
    let mut unknown = risk("R-01", "拠点の基準逸脱");
    unknown.items = vec!["NOPE-1".into()];
    assert_eq!(
        err_code(s.save_risk(&f.lead_x, id, None, unknown).await),
        "unknown_item"
    );
    // The deviation, controlled by ACC-01, covered by an exception that has expired.
    let today = ok(s.today(f.group.id).await);
    let days = chrono::Duration::days;
    let lapsed = ok(s
        .draft_exception(
            &f.lead_x,
            exception(&["ACC-01"], today - days(300), today - days(10)),
        )
        .await);
    ok(s.submit_exception(&f.lead_x, lapsed.id).await);
    ok(s.approve_exception(&f.ciso, lapsed.id).await);
    let mut deviation = risk("R-01", "拠点の基準逸脱");
    deviation.items = vec!["ACC-01".into()];
    deviation.exceptions = vec![lapsed.id.to_string()];
    deviation.residual = rated(1, 1);
    deviation.residual_rationale = "移行措置の代替策で抑えている".into();
    ok(s.save_risk(&f.lead_x, id, None, deviation).await);
    let mut mail = risk("R-02", "標的型メール");
    mail.inherent = rated(4, 4);
    ok(s.save_risk(&f.lead_x, id, None, mail).await);
    let mut minor = risk("R-03", "軽微な設定誤り");
    minor.inherent = rated(0, 1);
    ok(s.save_risk(&f.lead_x, id, None, minor).await);
    assert_eq!(
        err_code(
            s.save_risk(&f.lead_x, id, None, risk("R-03", "again"))
                .await
        ),
        "duplicate"
    );
    let a = ok(s.assessment(&f.office, id).await);
    let r1 = a.risk("r-01").unwrap_or_else(|| panic!("R-01"));
    // The expired exception raises the residual rating back to the inherent one, and says so.
    assert_eq!(r1.evaluation.residual_level, Some(3));
    assert_eq!(r1.evaluation.raised_by.len(), 1);
    assert!(r1.evaluation.needs_treatment);
    let order: Vec<&str> = a
        .treatment_order
        .iter()
        .map(|i| a.risks[*i].entry.code.as_str())
        .collect();
    assert_eq!(
        order,
        ["R-02", "R-01"],
        "the highest first; R-03 needs none"
    );
    assert!(a.version.body.contains("R-02") && a.version.body.contains("標的型メール"));
    // The document is the register: it is not edited as text.
    assert_eq!(
        err_code(s.edit_artifact(&f.lead_x, id, "x", "free text", &[]).await),
        "edit_assessment_register"
    );
    // Others of the group see it by scope: Y's lead does not.
    assert_eq!(err_code(s.assessment(&f.lead_y, id).await), "not_found");
    assert_eq!(ok(s.assessments(&f.lead_y).await).len(), 0);
    assert_eq!(ok(s.assessments(&f.exec).await).len(), 1);
    // Approval by an executive; then the register stays as approved.
    ok(s.submit_artifact(&f.lead_x, id).await);
    assert_eq!(
        err_code(s.save_risk(&f.lead_x, id, None, risk("R-04", "x")).await),
        "awaiting_decision"
    );
    ok(s.reject_artifact(&f.exec, id, "供給網のリスクがない").await);
    let mut supply = risk("R-04", "委託先経由の侵入");
    supply.inherent = rated(2, 3);
    let a = ok(s.save_risk(&f.lead_x, id, None, supply).await);
    assert_eq!(
        a.state(),
        ApprovalState::Draft,
        "a rejected register is revised"
    );
    ok(s.submit_artifact(&f.lead_x, id).await);
    let a = ok(s.approve_artifact(&f.exec, id).await);
    assert_eq!(a.approval.state, ApprovalState::Approved);
    assert_eq!(
        err_code(s.archive_risk(&f.lead_x, id, "R-03", "不要").await),
        "approved_assessment"
    );
    let history = ok(s.history(&f.auditor, "risk", &format!("{id}:R-04")).await);
    assert_eq!(history.len(), 1);
}

async fn last_years_assessment_is_copied_with_every_rating_to_confirm(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    approved_standard(s, &f).await;
    let old = ok(s
        .new_assessment(&f.office, new_assessment(None, BUILTIN_MATRIX, 2025))
        .await);
    let mut r = risk("R-01", "拠点の基準逸脱");
    r.items = vec!["ACC-01".into(), "DAT-01".into()];
    r.assets = vec!["生産管理システム".into(), "図面".into()];
    ok(s.save_risk(&f.office, old.id(), None, r.clone()).await);
    ok(
        s.save_risk(&f.office, old.id(), None, risk("R-02", "標的型メール"))
            .await,
    );
    // Only an approved assessment can be followed by the next year's.
    assert_eq!(
        err_code(
            s.copy_assessment(&f.office, old.id(), 2026, "2026年度")
                .await
        ),
        "open_version_exists"
    );
    ok(s.submit_artifact(&f.office, old.id()).await);
    ok(s.approve_artifact(&f.exec, old.id()).await);
    assert_eq!(
        err_code(s.copy_assessment(&f.office, old.id(), 2025, "again").await),
        "invalid_year"
    );
    let new = ok(s
        .copy_assessment(&f.office, old.id(), 2026, "リスクアセスメント 2026")
        .await);
    assert_eq!(new.copied_from, Some(old.id()));
    assert_eq!(
        new.version.reference.number, 2,
        "the next version of the same artifact"
    );
    assert_eq!(new.risks.len(), 2);
    assert!(new.risks.iter().all(|r| r.to_confirm));
    let copied = new.risk("R-01").unwrap_or_else(|| panic!("R-01"));
    assert_eq!(copied.entry, r, "every field and link kept");
    assert_eq!(new.criteria, old.criteria);
    // Not to approval before every rating is confirmed.
    assert_eq!(
        err_code(s.submit_artifact(&f.office, new.id()).await),
        "ratings_to_confirm"
    );
    ok(s.confirm_risk(&f.office, new.id(), "R-01").await);
    let mut changed = risk("R-02", "標的型メール");
    changed.inherent = rated(4, 3);
    let now = ok(s
        .save_risk(&f.office, new.id(), Some("R-02"), changed)
        .await);
    assert!(now.risks.iter().all(|r| !r.to_confirm), "saving confirms");
    ok(s.submit_artifact(&f.office, new.id()).await);
    ok(s.approve_artifact(&f.exec, new.id()).await);
    // The old assessment is as it was approved.
    let again = ok(s.assessment(&f.office, old.id()).await);
    assert_eq!(
        again.risk("R-02").map(|r| r.entry.inherent),
        Some(rated(3, 3))
    );
}

async fn a_treatment_plan_goes_through_approval_and_is_followed_to_its_review(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    approved_standard(s, &f).await;
    let a = ok(s
        .new_assessment(&f.lead_x, new_assessment(Some("X"), BUILTIN_MATRIX, 2026))
        .await);
    let mut web = risk("R-01", "公開後の脆弱性");
    web.inherent = rated(3, 4);
    ok(s.save_risk(&f.lead_x, a.id(), None, web).await);
    let mut mail = risk("R-02", "標的型メール");
    mail.inherent = rated(2, 2);
    ok(s.save_risk(&f.lead_x, a.id(), None, mail).await);
    ok(s.save_risk(&f.lead_x, a.id(), None, {
        let mut low = risk("R-03", "軽微");
        low.inherent = rated(0, 0);
        low
    })
    .await);
    assert_eq!(
        err_code(s.new_treatment_plan(&f.lead_x, a.id(), "対応計画").await),
        "assessment_not_approved"
    );
    ok(s.submit_artifact(&f.lead_x, a.id()).await);
    ok(s.approve_artifact(&f.exec, a.id()).await);
    let p = ok(s
        .new_treatment_plan(&f.lead_x, a.id(), "X社 リスク対応計画 2026")
        .await);
    assert_eq!(
        p.risks
            .iter()
            .map(|r| r.risk.entry.code.as_str())
            .collect::<Vec<_>>(),
        ["R-01", "R-02"],
        "only what needs treatment, highest first"
    );
    let today = ok(s.today(f.group.id).await);
    let days = chrono::Duration::days;
    let action = |what: &str, owner: &str, due| TreatmentAction {
        what: what.into(),
        owner: owner.into(),
        due_on: due,
        cost_yen: Some(3_000_000),
        status: ActionStatus::Open,
        done_on: None,
        note: String::new(),
    };
    // A retained risk must name who accepted it; a reduction needs actions.
    let mut retain = Treatment {
        risk: "R-02".into(),
        decision: TreatmentDecision::Retain,
        note: "訓練は来年度".into(),
        accepted_by: String::new(),
        actions: vec![],
    };
    assert_eq!(
        err_code(s.save_treatment(&f.lead_x, p.id(), retain.clone()).await),
        "invalid_treatment"
    );
    retain.accepted_by = "X社 社長".into();
    ok(s.save_treatment(&f.lead_x, p.id(), retain).await);
    assert_eq!(
        err_code(s.submit_artifact(&f.lead_x, p.id()).await),
        "risks_untreated"
    );
    let lead_mail = "lead-x@g1.example";
    let reduce = Treatment {
        risk: "r-01".into(),
        decision: TreatmentDecision::Reduce,
        note: String::new(),
        accepted_by: String::new(),
        actions: vec![
            action("WAFを導入する", lead_mail, today - days(1)),
            action("パッチ予算を確保する", "EC事業部", today + days(60)),
        ],
    };
    assert_eq!(
        err_code(
            s.save_treatment(
                &f.lead_x,
                p.id(),
                Treatment {
                    risk: "R-03".into(),
                    ..reduce.clone()
                }
            )
            .await
        ),
        "risk_not_needing_treatment"
    );
    let p2 = ok(s.save_treatment(&f.lead_x, p.id(), reduce.clone()).await);
    assert!(p2.version.body.contains("WAFを導入する") && p2.version.body.contains("X社 社長"));
    assert_eq!(
        err_code(
            s.set_action_status(&f.lead_x, p.id(), "R-01", 0, ActionStatus::Done, "")
                .await
        ),
        "plan_not_approved"
    );
    // Rejected, revised, resubmitted, approved.
    ok(s.submit_artifact(&f.lead_x, p.id()).await);
    ok(s.reject_artifact(&f.exec, p.id(), "費用の根拠がない").await);
    let mut revised = reduce;
    revised.note = "費用は見積り2社の平均".into();
    let p3 = ok(s.save_treatment(&f.lead_x, p.id(), revised).await);
    assert_eq!(p3.state(), ApprovalState::Draft);
    ok(s.submit_artifact(&f.lead_x, p.id()).await);
    ok(s.approve_artifact(&f.exec, p.id()).await);
    assert_eq!(
        err_code(
            s.save_treatment(
                &f.lead_x,
                p.id(),
                Treatment {
                    risk: "R-02".into(),
                    decision: TreatmentDecision::Avoid,
                    note: String::new(),
                    accepted_by: String::new(),
                    actions: vec![action("x", "y", today)],
                }
            )
            .await
        ),
        "approved_plan"
    );
    // Progress: the overdue action is on its owner's home list until done.
    let plan = ok(s.treatment_plan(&f.office, p.id()).await);
    assert_eq!(plan.overdue(), 1);
    let mine = ok(s.my_treatment_actions(&f.lead_x).await);
    assert_eq!(mine.len(), 1);
    assert!(mine[0].overdue);
    ok(
        s.set_action_status(&f.lead_x, p.id(), "R-01", 0, ActionStatus::Done, "導入済み")
            .await,
    );
    assert!(ok(s.my_treatment_actions(&f.lead_x).await).is_empty());
    assert_eq!(ok(s.treatment_plan(&f.office, p.id()).await).overdue(), 0);
    // The review after the cycle.
    assert_eq!(
        err_code(s.review_plan(&f.lead_x, p.id(), " ", "").await),
        "required"
    );
    let reviewed = ok(s
        .review_plan(
            &f.lead_x,
            p.id(),
            "WAFで攻撃の大半を止めた",
            "パッチ予算は来年度に持ち越し",
        )
        .await);
    assert_eq!(reviewed.review_carry_over, "パッチ予算は来年度に持ち越し");
    assert!(reviewed.reviewed_by.is_some());
    assert_eq!(
        err_code(s.treatment_plan(&f.lead_y, p.id()).await),
        "not_found"
    );
    let plans = ok(s.treatment_plans_of(&f.exec, a.id()).await);
    assert_eq!(plans.len(), 1);
    let history = ok(s
        .history(&f.auditor, "risk_treatment", &format!("{}:R-01", p.id()))
        .await);
    assert!(history.len() >= 3, "{history:?}");
    // The plan was made from the assessment: next year's approved assessment makes it stale.
    let stale_plan =
        |v: Vec<kamae_store::artifact::StaleView>| v.iter().any(|x| x.artifact.version == p.id());
    assert!(!stale_plan(ok(s.stale_artifacts(&f.office).await)));
    let next = ok(s
        .copy_assessment(&f.lead_x, a.id(), 2027, "X社 リスクアセスメント 2027")
        .await);
    for code in ["R-01", "R-02", "R-03"] {
        ok(s.confirm_risk(&f.lead_x, next.id(), code).await);
    }
    ok(s.submit_artifact(&f.lead_x, next.id()).await);
    assert!(
        !stale_plan(ok(s.stale_artifacts(&f.office).await)),
        "not before approval"
    );
    ok(s.approve_artifact(&f.exec, next.id()).await);
    assert!(stale_plan(ok(s.stale_artifacts(&f.office).await)));

    // The reports: this year's follows its approved plan; next year's compares with it.
    use kamae_core::risk::{Audience, Movement};
    let exec = ok(s.risk_report(&f.exec, a.id(), Audience::Executive).await);
    assert_eq!(exec.plan.as_ref().map(|p| p.id), Some(p.id()));
    assert_eq!(
        exec.plan.as_ref().map(|p| p.review_worked.as_str()),
        Some("WAFで攻撃の大半を止めた")
    );
    let progress = exec.report.progress.clone().unwrap_or_default();
    assert_eq!(
        (progress.actions, progress.done, progress.risks_decided),
        (2, 1, 2)
    );
    assert_eq!(exec.report.retained[0].accepted_by, "X社 社長");
    assert!(exec.report.comparison.is_none(), "no earlier year");
    let outside = ok(s.risk_report(&f.exec, a.id(), Audience::External).await);
    assert!(outside.report.retained.is_empty() && outside.report.retained_count == 1);
    assert!(
        outside
            .plan
            .as_ref()
            .is_some_and(|p| p.review_worked.is_empty())
    );
    assert_eq!(
        outside.report.withheld, 2,
        "R-01 has an open action, R-02 is retained"
    );
    let next_report = ok(s
        .risk_report(&f.lead_x, next.id(), Audience::Executive)
        .await);
    assert_eq!(next_report.previous, Some(a.id()));
    let cmp = next_report
        .report
        .comparison
        .unwrap_or_else(|| panic!("comparison"));
    assert_eq!(cmp.previous_year, 2026);
    assert!(cmp.movements.iter().all(|m| m.movement == Movement::Same));
    assert_eq!(
        err_code(s.risk_report(&f.lead_y, a.id(), Audience::External).await),
        "not_found"
    );
}

fn asset(c: &str, company: &str, department: Option<&str>) -> kamae_core::risk::InformationAsset {
    kamae_core::risk::InformationAsset {
        code: code(c),
        company: code(company),
        department: department.map(code),
        name: format!("{c} の資産"),
        kind: kamae_core::risk::AssetKind::System,
        owner: "情報システム課長".into(),
        classification: "社外秘".into(),
        confidentiality: 3,
        integrity: 2,
        availability: 2,
        location: "本社".into(),
        operations: vec!["受注".into()],
        note: String::new(),
    }
}

async fn the_asset_inventory_is_imported_whole_per_company(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let ec = f.dept_x_ec.code.to_string();
    let file = vec![asset("AS-1", "X", None), asset("AS-2", "X", Some(&ec))];
    let dry = ok(s.import_assets(&f.lead_x, file.clone(), true).await);
    assert_eq!(dry.added, ["AS-1", "AS-2"]);
    assert!(
        ok(s.assets(&f.lead_x).await).is_empty(),
        "a dry run writes nothing"
    );
    // Y's lead cannot keep X's assets; the refusal names the asset and says nothing of X.
    let e = s
        .import_assets(&f.lead_y, file.clone(), false)
        .await
        .expect_err("refused");
    assert!(
        e.to_string().contains("AS-1") && e.to_string().contains("company X"),
        "{e}"
    );
    // One bad row (another company's department) and nothing is written.
    let mut mixed = file.clone();
    mixed.push(asset("AS-3", "Y", Some(&ec)));
    let e = s
        .import_assets(&f.office, mixed, false)
        .await
        .expect_err("refused");
    assert!(
        e.to_string().contains("AS-3") && e.to_string().contains("no department"),
        "{e}"
    );
    assert!(ok(s.assets(&f.office).await).is_empty());
    let done = ok(s.import_assets(&f.lead_x, file.clone(), false).await);
    assert_eq!(done.added.len(), 2);
    let rows = audit_rows(s).await;
    let again = ok(s.import_assets(&f.lead_x, file.clone(), false).await);
    assert_eq!((again.unchanged, again.added.len()), (2, 0));
    assert_eq!(
        audit_rows(s).await,
        rows,
        "the same file again writes nothing"
    );
    let mut changed = file;
    changed[0].availability = 3;
    let report = ok(s.import_assets(&f.lead_x, changed, false).await);
    assert_eq!(report.changed, ["AS-1"]);
    assert_eq!(ok(s.assets(&f.office).await)[0].availability, 3);
    // The EC department's manager sees only the department's asset; Y sees none.
    let seen = ok(s.assets(&f.manager_ec).await);
    assert_eq!(
        seen.iter().map(|a| a.code.as_str()).collect::<Vec<_>>(),
        ["AS-2"]
    );
    assert!(ok(s.assets(&f.lead_y).await).is_empty());
    // An id taken at a company the importer cannot reach is refused, not overwritten.
    let e = s
        .import_assets(&f.lead_y, vec![asset("AS-1", "Y", None)], false)
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("another company"), "{e}");
}

fn factor(kind: kamae_core::risk::ContextKind, title: &str) -> kamae_core::risk::ContextFactor {
    kamae_core::risk::ContextFactor {
        kind,
        title: title.into(),
        description: format!("{title} の説明"),
        source: "2026年度 経営会議資料".into(),
        noted_on: chrono::NaiveDate::from_ymd_opt(2026, 4, 10).unwrap_or_default(),
    }
}

async fn the_context_is_recorded_and_cited_by_assessments(t: &TestStore) {
    use kamae_core::risk::ContextKind;
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let law = ok(s
        .add_context_factor(
            &f.office,
            None,
            factor(ContextKind::Law, "改正個人情報保護法"),
        )
        .await);
    let x = code("X");
    let culture = ok(s
        .add_context_factor(
            &f.lead_x,
            Some(&x),
            factor(ContextKind::Culture, "納期優先"),
        )
        .await);
    let y_market = ok(s
        .add_context_factor(
            &f.office,
            Some(&code("Y")),
            factor(ContextKind::Market, "Y社の市場"),
        )
        .await);
    // A company's lead keeps their own company's context, not the group's; other
    // companies' factors are unknown to them.
    assert_eq!(
        err_code(
            s.add_context_factor(&f.lead_x, None, factor(ContextKind::Economy, "景気"))
                .await
        ),
        "forbidden"
    );
    assert_eq!(
        err_code(s.context_factor(&f.lead_y, culture.id).await),
        "not_found"
    );
    let seen: Vec<_> = ok(s.context_factors(&f.lead_y).await)
        .into_iter()
        .map(|v| v.factor.title)
        .collect();
    assert!(
        seen.contains(&"改正個人情報保護法".to_string()) && !seen.contains(&"納期優先".to_string())
    );
    // Every missing word is named, and nothing is written.
    let mut empty = factor(ContextKind::Technology, " ");
    empty.source = String::new();
    let e = s.add_context_factor(&f.office, None, empty).await;
    assert_eq!(err_code(e), "invalid_context_factor");
    assert_eq!(ok(s.context_factors(&f.office).await).len(), 3);

    // An assessment of X cites the group's law and X's culture, not Y's market.
    let a = ok(s
        .new_assessment(&f.lead_x, new_assessment(Some("X"), BUILTIN_MATRIX, 2026))
        .await);
    assert_eq!(
        err_code(s.cite_context(&f.office, a.id(), &[y_market.id]).await),
        "context_of_another_company"
    );
    let cited = ok(s
        .cite_context(&f.lead_x, a.id(), &[law.id, culture.id, law.id])
        .await);
    assert_eq!(cited.context.len(), 2);
    assert!(
        cited.version.body.contains("改正個人情報保護法")
            && cited.version.body.contains("納期優先")
    );
    // A change of words shows in the draft; an archived factor stays cited, marked.
    let mut reworded = factor(ContextKind::Culture, "納期優先の現場文化");
    reworded.noted_on = chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap_or_default();
    ok(s.change_context_factor(&f.lead_x, culture.id, reworded)
        .await);
    let draft = ok(s.assessment(&f.lead_x, a.id()).await);
    assert!(
        draft.version.body.contains("納期優先の現場文化"),
        "the draft's document follows the new words"
    );
    assert_eq!(
        err_code(s.archive_context_factor(&f.lead_x, law.id, "").await),
        "forbidden",
        "the group's factor is the office's"
    );
    assert_eq!(
        err_code(s.archive_context_factor(&f.office, law.id, " ").await),
        "required"
    );
    ok(
        s.archive_context_factor(&f.office, law.id, "改正が施行済み")
            .await,
    );
    assert_eq!(
        err_code(
            s.change_context_factor(&f.office, law.id, factor(ContextKind::Law, "x"))
                .await
        ),
        "archived_context_factor"
    );
    let a = ok(s.assessment(&f.lead_x, a.id()).await);
    assert!(a.context.iter().any(|c| c.id == law.id && c.archived));
    assert!(
        a.context
            .iter()
            .any(|c| c.factor.title == "納期優先の現場文化")
    );
    ok(
        s.save_risk(&f.lead_x, a.id(), None, risk("R-01", "標的型メール"))
            .await,
    );
    ok(s.submit_artifact(&f.lead_x, a.id()).await);
    assert_eq!(
        err_code(s.cite_context(&f.lead_x, a.id(), &[]).await),
        "awaiting_decision",
        "a submitted assessment does not change"
    );
    ok(s.approve_artifact(&f.exec, a.id()).await);
    // Next year's copy cites the same factors, archived ones included, until left out.
    let next = ok(s.copy_assessment(&f.lead_x, a.id(), 2027, "2027").await);
    assert_eq!(next.context.len(), 2);
    assert!(next.version.body.contains("納期優先の現場文化"));
    let left = ok(s.cite_context(&f.lead_x, next.id(), &[culture.id]).await);
    assert_eq!(left.context.len(), 1);
    assert_eq!(
        err_code(
            s.cite_context(&f.lead_x, next.id(), &[culture.id, law.id])
                .await
        ),
        "archived_context_factor"
    );
    let history = ok(s
        .history(&f.auditor, "context_factor", &culture.id.to_string())
        .await);
    assert_eq!(history.len(), 2, "{history:?}");
}

async fn the_asset_method_rates_with_the_assessments_own_bands(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let mut new = new_assessment(Some("X"), BUILTIN_MATRIX, 2026);
    new.method = Method::AssetBased;
    new.asset_bands = Some(vec![5, 3, 9, 18]);
    assert_eq!(
        err_code(s.new_assessment(&f.lead_x, new.clone()).await),
        "invalid_asset_bands",
        "bands must increase"
    );
    new.asset_bands = Some(vec![3, 6, 9, 18]);
    let a = ok(s.new_assessment(&f.lead_x, new).await);
    assert_eq!(a.criteria.asset_bands, [3, 6, 9, 18]);
    let mut r = risk("R-01", "顧客DBの漏えい");
    r.inherent = Some(Rating::Asset {
        importance: 2,
        threat: 2,
        vulnerability: 1,
    });
    let a = ok(s.save_risk(&f.lead_x, a.id(), None, r).await);
    // 2 × 2 × 1 = 4: the second level with these bands, where kamae's default (2, 4, 7, 14)
    // would give the third.
    assert_eq!(a.risks[0].evaluation.inherent_level, Some(1));
}

/// Story 2's chain: one vulnerability a year, attacked with probability 0.5, damaging with
/// 0.7; the loss 100–500 million yen (0.6) or 1–100 million (0.4).
fn story_two_chain() -> serde_json::Value {
    serde_json::json!({
        "frequency": {"chain": {"count": 1, "probabilities": [0.5, 0.7]}},
        "magnitude": {"bins": [[1e8, 5e8, 0.6], [1e6, 1e8, 0.4]]}
    })
}

async fn risks_carry_scenarios_judged_by_the_quantitative_criterion(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let mut new = new_assessment(Some("X"), BUILTIN_MATRIX, 2026);
    new.loss_threshold_yen = Some(50_000_000);
    let a = ok(s.new_assessment(&f.lead_x, new).await);
    let id = a.id();
    // A scenario that does not hold is refused with its path, and nothing is written.
    let rows = audit_rows(s).await;
    let mut broken = risk("R-01", "ECサイトの脆弱性");
    broken.scenario = Some(serde_json::json!({
        "frequency": {"poisson": 1.2}, "magnitude": {"pert": [5e8, 1e7, 1e6]}
    }));
    let e = s
        .save_risk(&f.lead_x, id, None, broken)
        .await
        .expect_err("refused");
    assert_eq!(e.code(), "invalid_scenario");
    assert!(e.to_string().contains("scenario.magnitude.pert"), "{e}");
    assert_eq!(audit_rows(s).await, rows);
    // Rated at the lowest level, yet its expected loss reaches the threshold. A figure the
    // caller gives is replaced by the engine's.
    let mut vulns = risk("R-01", "ECサイトの脆弱性");
    vulns.inherent = rated(0, 0);
    vulns.scenario = Some(story_two_chain());
    vulns.expected_loss_yen = Some(1);
    let a = ok(s.save_risk(&f.lead_x, id, None, vulns.clone()).await);
    let r1 = a.risk("R-01").unwrap_or_else(|| panic!("R-01"));
    // E = 0.5 × 0.7 × (0.6 × 3e8 + 0.4 × 5.05e7) = 70,070,000 yen. One year's loss has a
    // standard deviation of 131.4 million yen, so 100,000 trials give a standard error of
    // 415,500 yen; five of them bound the estimate.
    let loss = r1.evaluation.expected_loss_yen.unwrap_or_default();
    assert!((loss - 70_070_000).abs() < 5 * 415_500, "{loss}");
    assert!(r1.evaluation.over_loss_threshold && r1.evaluation.needs_treatment);
    assert_eq!(r1.evaluation.inherent_level, Some(0));
    assert!(
        a.version.body.contains("定量評価 / Quantitative view")
            && a.version
                .body
                .contains(&kamae_core::money::Yen(loss).grouped()),
        "{}",
        a.version.body
    );
    // The same scenario gives the same figure.
    let again = ok(s.save_risk(&f.lead_x, id, Some("R-01"), vulns).await);
    assert_eq!(
        again
            .risk("R-01")
            .and_then(|r| r.evaluation.expected_loss_yen),
        Some(loss)
    );
    // A second risk below the threshold; the portfolio names both by their codes.
    let mut mail = risk("R-02", "標的型メール");
    mail.inherent = rated(0, 0);
    mail.scenario = Some(serde_json::json!({
        "frequency": {"poisson": 0.2}, "magnitude": {"lognormal90": [1e6, 5e7]}
    }));
    let a = ok(s.save_risk(&f.lead_x, id, None, mail).await);
    let r2 = a.risk("R-02").unwrap_or_else(|| panic!("R-02"));
    assert!(!r2.evaluation.needs_treatment);
    let portfolio = ok(kamae_store::quant::register_portfolio(&a))
        .unwrap_or_else(|| panic!("a portfolio"))
        .run(1);
    assert_eq!(
        portfolio
            .scenarios
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        ["R-01", "R-02"]
    );
    assert_eq!(portfolio.trials, kamae_store::quant::REGISTER_TRIALS);
    // Next year's copy keeps the scenario and its figure.
    ok(s.submit_artifact(&f.lead_x, id).await);
    ok(s.approve_artifact(&f.exec, id).await);
    let next = ok(s.copy_assessment(&f.lead_x, id, 2027, "2027").await);
    let copied = next.risk("R-01").unwrap_or_else(|| panic!("R-01"));
    assert_eq!(copied.entry.scenario, Some(story_two_chain()));
    assert_eq!(copied.evaluation.expected_loss_yen, Some(loss));
    // Without its scenario the risk has no figure and, at its level, needs no treatment.
    let mut plain = copied.entry.clone();
    plain.scenario = None;
    let next = ok(s.save_risk(&f.lead_x, next.id(), Some("R-01"), plain).await);
    let r1 = next.risk("R-01").unwrap_or_else(|| panic!("R-01"));
    assert_eq!(r1.evaluation.expected_loss_yen, None);
    assert!(!r1.evaluation.needs_treatment);
}

fn business_case(waf_scenario: &str) -> serde_json::Value {
    serde_json::json!({
        "discount_rate": 0.05,
        "plan": {"years": ["2026年度", "2027年度", "2028年度"], "profit_line": "営業利益",
            "lines": [{"name": "EC売上", "values": [3.2e9, 4.45e9, 5.78e9]},
                      {"name": "営業利益", "values": [-1.5e8, 2.7e8, 8.6e8]}],
            "targets": [{"label": "2年目に営業黒字", "year": "2027年度", "line": "営業利益", "at_least": 0}]},
        "options": [
            {"name": "クラウドWAF", "yearly_cost": 4e6, "residual_owner": "EC事業部長",
             "effects": [{"scenario": waf_scenario, "frequency_factor": {"pert": [0.2, 0.4, 0.7]}}]},
            {"name": "何もしない", "residual_owner": "EC事業部長", "residual_note": "脆弱性のリスクをそのまま受容する"}
        ]
    })
}

async fn a_business_case_weighs_options_and_goes_through_approval(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let a = ok(s
        .new_assessment(&f.lead_x, new_assessment(Some("X"), BUILTIN_MATRIX, 2026))
        .await);
    let mut vulns = risk("R-01", "ECサイトの脆弱性");
    vulns.scenario = Some(story_two_chain());
    ok(s.save_risk(&f.lead_x, a.id(), None, vulns).await);
    // An option acting on a scenario the register does not have is refused with its place,
    // and nothing is written.
    let rows = audit_rows(s).await;
    let e = s
        .new_business_case(&f.lead_x, a.id(), "EC投資計画", business_case("R-09"))
        .await
        .expect_err("refused");
    assert_eq!(e.code(), "invalid_business_case");
    assert!(
        e.to_string().contains("options[0].effects[0].scenario"),
        "{e}"
    );
    assert_eq!(audit_rows(s).await, rows);
    assert_eq!(
        err_code(
            s.new_business_case(&f.lead_y, a.id(), "EC投資計画", business_case("R-01"))
                .await
        ),
        "not_found",
        "Y's lead does not see X's assessment"
    );
    let c = ok(s
        .new_business_case(&f.lead_x, a.id(), "EC投資計画", business_case("R-01"))
        .await);
    assert_eq!(
        c.version.reference.kind,
        kamae_core::artifact::ArtifactKind::InvestmentPlan
    );
    assert_eq!(
        c.version.inputs[0].version,
        a.id(),
        "made from the assessment"
    );
    let waf = &c.outcome.options[0];
    assert!(waf.risk_reduction > 0.0 && waf.expected_loss_after < waf.expected_loss_before);
    assert_eq!(waf.cost, 1.2e7);
    // Year 2's target: 270 million less the WAF and the year's loss; doing nothing fails it
    // only when the loss passes 270 million: 0.35 × 0.6 × (500 − 270) / 400 = 12%.
    let met = |o: &kamae_quant::business::OptionOutcome| o.years[1].targets[0].probability;
    assert!(
        met(waf) > met(&c.outcome.baseline),
        "{} vs {}",
        met(waf),
        met(&c.outcome.baseline)
    );
    assert!(
        c.version.body.contains("選択肢の比較 / Options compared")
            && c.version.body.contains("クラウドWAF")
            && c.version.body.contains("脆弱性のリスクをそのまま受容する"),
        "{}",
        c.version.body
    );
    assert_eq!(
        err_code(s.business_case(&f.lead_y, c.id()).await),
        "not_found"
    );
    assert_eq!(
        err_code(
            s.save_business_case(&f.lead_y, c.id(), business_case("R-01"))
                .await
        ),
        "not_found"
    );
    assert_eq!(
        err_code(
            s.edit_artifact(&f.lead_x, c.id(), "x", "free text", &[])
                .await
        ),
        "edit_business_case"
    );
    // Rejected, revised, resubmitted, approved; then it stands as approved.
    ok(s.submit_artifact(&f.lead_x, c.id()).await);
    ok(s.reject_artifact(
        &f.exec,
        c.id(),
        "パッチ予算を見送った場合の責任者が書かれていない",
    )
    .await);
    let mut revised = business_case("R-01");
    revised["options"][1]["residual_owner"] = serde_json::json!("社長");
    let c = ok(s
        .save_business_case(&f.lead_x, c.id(), revised.clone())
        .await);
    assert_eq!(c.state(), ApprovalState::Draft);
    assert_eq!(c.outcome.options[1].residual_owner, "社長");
    ok(s.submit_artifact(&f.lead_x, c.id()).await);
    let effect = kamae_store::evaluation::EffectRecord {
        option: "クラウドWAF".into(),
        year: "2026年度".into(),
        actual_cost_yen: 4_200_000,
        blocked_attacks: 37,
        incidents: 0,
        actual_loss_yen: 0,
        note: "公表直後の攻撃をWAFが止めた".into(),
    };
    assert_eq!(
        err_code(
            s.new_investment_evaluation(&f.lead_x, c.id(), "効果", effect.clone())
                .await
        ),
        "case_not_approved"
    );
    ok(s.approve_artifact(&f.exec, c.id()).await);
    assert_eq!(
        err_code(s.save_business_case(&f.lead_x, c.id(), revised).await),
        "approved_case"
    );
    // After the fact: the option carried out, one year, against what the case expected.
    let mut unknown = effect.clone();
    unknown.option = "オンプレミスWAF".into();
    unknown.incidents = -1;
    let e = s
        .new_investment_evaluation(&f.lead_x, c.id(), "効果", unknown)
        .await
        .expect_err("refused");
    assert!(
        e.to_string().contains("option:") && e.to_string().contains("incidents:"),
        "{e}"
    );
    assert_eq!(
        err_code(
            s.new_investment_evaluation(&f.lead_y, c.id(), "効果", effect.clone())
                .await
        ),
        "not_found"
    );
    let v = ok(s
        .new_investment_evaluation(&f.lead_x, c.id(), "2026年度の投資効果", effect.clone())
        .await);
    assert_eq!(
        v.version.reference.kind,
        kamae_core::artifact::ArtifactKind::InvestmentEvaluation
    );
    assert_eq!(v.version.inputs[0].version, c.id(), "made from the case");
    assert_eq!(v.expected.cost, 4e6);
    assert!(v.expected.expected_loss_without > v.expected.expected_loss);
    assert!(
        v.version.body.contains("見込みと実績") && v.version.body.contains("4,200,000円"),
        "{}",
        v.version.body
    );
    assert_eq!(
        err_code(s.investment_evaluation(&f.lead_y, v.id()).await),
        "not_found"
    );
    assert_eq!(
        err_code(
            s.edit_artifact(&f.lead_x, v.id(), "x", "free text", &[])
                .await
        ),
        "edit_investment_evaluation"
    );
    ok(s.submit_artifact(&f.lead_x, v.id()).await);
    ok(
        s.reject_artifact(&f.exec, v.id(), "防いだ攻撃の根拠（ログ）を添えること")
            .await,
    );
    let mut counted = effect;
    counted.note = "WAFのログで37件を確認".into();
    let v = ok(s
        .save_investment_evaluation(&f.lead_x, v.id(), counted)
        .await);
    assert_eq!(v.version.approval.state, ApprovalState::Draft);
    ok(s.submit_artifact(&f.lead_x, v.id()).await);
    ok(s.approve_artifact(&f.exec, v.id()).await);
    assert_eq!(
        ok(s.investment_evaluations_of(&f.office, c.id()).await).len(),
        1
    );
    let listed = ok(s.business_cases(&f.office).await);
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].state(), ApprovalState::Approved);
    assert_eq!(ok(s.business_cases(&f.lead_y).await).len(), 0);
}

fn public_case(c: &str) -> kamae_core::cases::IncidentCase {
    kamae_core::cases::IncidentCase {
        code: code(c),
        title: "消費者信用情報会社の個人情報漏えい".into(),
        sector: "金融".into(),
        size: "大手".into(),
        cause: "Apache Struts 2 の脆弱性の放置".into(),
        damage: "約1億4,700万人分の個人情報が漏えい、CEOが退任".into(),
        damage_yen: None,
        people: Some(147_000_000),
        source: "同社の公表資料".into(),
        occurred_on: chrono::NaiveDate::from_ymd_opt(2017, 7, 29).unwrap_or_default(),
    }
}

async fn the_case_library_is_group_reference_that_business_cases_cite(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    // The CISO office keeps the library; a company's lead reads it but does not write it.
    assert_eq!(
        err_code(
            s.save_incident_case(&f.lead_x, public_case("CASE-2017-01"))
                .await
        ),
        "forbidden"
    );
    let mut broken = public_case("CASE-2017-01");
    broken.cause = " ".into();
    broken.people = Some(-5);
    let e = s
        .save_incident_case(&f.office, broken)
        .await
        .expect_err("refused");
    assert!(
        e.to_string().contains("the cause is empty")
            && e.to_string()
                .contains("people affected must not be negative"),
        "{e}"
    );
    ok(s.save_incident_case(&f.office, public_case("CASE-2017-01"))
        .await);
    let rows = audit_rows(s).await;
    ok(s.save_incident_case(&f.office, public_case("case-2017-01"))
        .await);
    assert_eq!(
        audit_rows(s).await,
        rows,
        "the same case again writes nothing"
    );
    let mut reworded = public_case("CASE-2017-01");
    reworded.damage_yen = Some(100_000_000_000);
    ok(s.save_incident_case(&f.office, reworded).await);
    let listed = ok(s.incident_cases(&f.viewer_y).await);
    assert_eq!(listed.len(), 1, "the whole group reads the library");
    assert_eq!(
        listed[0].damage_yen,
        Some(100_000_000_000),
        "changed in place"
    );

    // A business case cites cases by code; one the library does not have is refused there.
    let a = ok(s
        .new_assessment(&f.lead_x, new_assessment(Some("X"), BUILTIN_MATRIX, 2026))
        .await);
    let mut vulns = risk("R-01", "ECサイトの脆弱性");
    vulns.scenario = Some(story_two_chain());
    ok(s.save_risk(&f.lead_x, a.id(), None, vulns).await);
    let mut citing = business_case("R-01");
    citing["options"][1]["cites"] = serde_json::json!(["CASE-2017-01", "CASE-1999-09"]);
    let e = s
        .new_business_case(&f.lead_x, a.id(), "EC投資計画", citing.clone())
        .await
        .expect_err("refused");
    assert!(e.to_string().contains("options[1].cites[1]"), "{e}");
    citing["options"][1]["cites"] = serde_json::json!(["CASE-2017-01"]);
    let c = ok(s
        .new_business_case(&f.lead_x, a.id(), "EC投資計画", citing.clone())
        .await);
    assert!(
        c.version.body.contains("CASE-2017-01"),
        "{}",
        c.version.body
    );
    // Archived, a case leaves the list but stays readable, and citing it stays valid.
    assert_eq!(
        err_code(
            s.archive_incident_case(&f.office, "CASE-2017-01", " ")
                .await
        ),
        "reason_required"
    );
    ok(
        s.archive_incident_case(&f.office, "CASE-2017-01", "出典を差し替える")
            .await,
    );
    assert!(ok(s.incident_cases(&f.office).await).is_empty());
    let (kept, archived) = ok(s.incident_case(&f.viewer_y, "CASE-2017-01").await);
    assert!(archived && kept.people == Some(147_000_000));
    ok(s.save_business_case(&f.lead_x, c.id(), citing).await);
    // Another group has a library of its own.
    let (_, other_admin) = new_group(s, "G2", "admin@g2.example").await;
    let other = user(
        s,
        &other_admin,
        "office@g2.example",
        Some(("ciso_office", "group")),
    )
    .await;
    assert!(ok(s.incident_cases(&other).await).is_empty());
    assert_eq!(
        err_code(s.incident_case(&other, "CASE-2017-01").await),
        "not_found"
    );
}
