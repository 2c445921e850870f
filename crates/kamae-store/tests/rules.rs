//! Role D in the store: the standard's items, versions and approval, on both backends.

mod common;

use common::*;
use kamae_core::artifact::ArtifactKind;
use kamae_core::rules::{
    ChangeReason, FrameworkNode, FrameworkRef, FrameworkSource, NodeKind, ReferenceFramework,
    StandardItem, Tier,
};
use kamae_core::rules::{ExceptionKind, ExceptionList, ExceptionStatus};
use kamae_store::ReferenceImport;
use kamae_store::artifact::NewArtifactDraft;
use kamae_store::both_backends;
use kamae_store::exceptions::ExceptionView;
use kamae_store::testing::TestStore;

both_backends!(
    importing_the_same_items_twice_changes_nothing,
    a_revision_archives_missing_items_and_keeps_history,
    bad_items_write_nothing,
    the_standard_is_edited_only_as_items,
    approving_a_revision_makes_what_was_built_on_the_old_one_stale,
    reference_frameworks_import_whole_and_replace_by_code,
    the_glossary_keeps_every_explanation_in_history,
    exceptions_are_accepted_by_the_authority_their_tier_requires,
    exceptions_expire_into_non_compliance_and_are_listed_for_action,
    applicability_is_agreed_per_company_and_decided_by_the_ciso,
    advice_is_recorded_at_its_department_and_followed_up,
    the_watch_list_ends_in_no_change_or_a_revision,
);

async fn importing_the_same_items_twice_changes_nothing(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let items = vec![
        item("ACC-01", Tier::GroupMandatory),
        item("ACC-02", Tier::CompanyMandatory),
        item("DAT-01", Tier::Recommended),
    ];
    let plan = ok(s.plan_standard(&f.office, &items).await);
    assert_eq!(plan.added, ["ACC-01", "ACC-02", "DAT-01"]);
    let (v1, changes) = ok(s.save_standard(&f.office, standard(items.clone())).await)
        .unwrap_or_else(|| panic!("the first import writes"));
    assert_eq!(changes, plan);
    let before = audit_rows(s).await;
    assert!(ok(s.plan_standard(&f.office, &items).await).is_empty());
    assert_eq!(
        ok(s.save_standard(&f.office, standard(items.clone())).await),
        None
    );
    assert_eq!(audit_rows(s).await, before);
    // Every user of the group reads the standard; only the CISO office writes it.
    let read = ok(s.standard_version(&f.practitioner_site_x1, v1).await);
    assert_eq!(read.items, items);
    assert_eq!(
        err_code(s.save_standard(&f.lead_x, standard(items.clone())).await),
        "forbidden"
    );
    assert_eq!(
        err_code(s.plan_standard(&f.lead_x, &items).await),
        "forbidden"
    );
    // A changed order is a change of position only, kept on the same draft.
    let reversed: Vec<StandardItem> = items.iter().rev().cloned().collect();
    let moved = ok(s.save_standard(&f.office, standard(reversed.clone())).await);
    let (moved_in, how) = moved.unwrap_or_else(|| panic!("an order change is a change"));
    assert_eq!(moved_in, v1);
    assert!(how.reordered && how.added.is_empty() && how.changed.is_empty());
    assert_eq!(ok(s.standard_version(&f.office, v1).await).items, reversed);
    assert_eq!(ok(s.standard_versions(&f.office).await).len(), 1);
}

async fn a_revision_archives_missing_items_and_keeps_history(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let items = vec![
        item("ACC-01", Tier::GroupMandatory),
        item("ACC-02", Tier::Recommended),
    ];
    let (v1, _) = ok(s.save_standard(&f.office, standard(items.clone())).await)
        .unwrap_or_else(|| panic!("written"));
    ok(s.submit_artifact(&f.office, v1).await);
    // While it waits for the CISO, nothing changes it.
    assert_eq!(
        err_code(
            s.save_standard(
                &f.office,
                standard(vec![item("ACC-01", Tier::GroupMandatory)])
            )
            .await
        ),
        "awaiting_decision"
    );
    ok(s.approve_artifact(&f.ciso, v1).await);
    let mut changed = item("ACC-01", Tier::GroupMandatory);
    changed.criterion.value = Some("3".into());
    changed.criterion.text = "退職日から3営業日以内".into();
    let mut next = standard(vec![
        changed.clone(),
        item("NET-01", Tier::CompanyMandatory),
    ]);
    next.meta.reason = ChangeReason::NewLawOrTechnology;
    let (v2, changes) =
        ok(s.save_standard(&f.office, next).await).unwrap_or_else(|| panic!("written"));
    assert_ne!(v1, v2);
    assert_eq!(changes.added, ["NET-01"]);
    assert_eq!(changes.changed.len(), 1);
    assert_eq!(
        (
            changes.changed[0].code.as_str(),
            changes.changed[0].fields.as_slice()
        ),
        ("ACC-01", &["criterion"][..])
    );
    assert_eq!(changes.archived, ["ACC-02"]);
    // The approved version keeps its items; the archived item stays in history.
    let old = ok(s.standard_version(&f.lead_y, v1).await);
    assert_eq!(old.items, items);
    let new = ok(s.standard_version(&f.office, v2).await);
    assert_eq!(new.version.reference.number, 2);
    assert_eq!(
        new.meta.map(|m| m.reason),
        Some(ChangeReason::NewLawOrTechnology)
    );
    let current = ok(s.current_standard(&f.lead_x).await).unwrap_or_else(|| panic!("approved"));
    assert_eq!(current.version.reference.version, v1);
    // A rejected revision is revised in place by the next save.
    ok(s.submit_artifact(&f.office, v2).await);
    ok(
        s.reject_artifact(&f.ciso, v2, "基準値の根拠を添えてください")
            .await,
    );
    let (v2b, _) = ok(s.save_standard(&f.office, standard(vec![changed])).await)
        .unwrap_or_else(|| panic!("written"));
    assert_eq!(v2b, v2);
    assert_eq!(
        ok(s.standard_version(&f.office, v2).await)
            .version
            .approval
            .state
            .as_str(),
        "draft"
    );
}

async fn bad_items_write_nothing(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let mut empty = item("ACC-02", Tier::GroupMandatory);
    empty.title = "  ".into();
    let mut no_unit = item("ACC-03", Tier::GroupMandatory);
    no_unit.criterion.unit = None;
    let mut not_a_number = item("ACC-04", Tier::GroupMandatory);
    not_a_number.criterion.value = Some("NaN".into());
    let items = vec![
        item("ACC-01", Tier::GroupMandatory),
        empty,
        no_unit,
        not_a_number,
        item("ACC-01", Tier::Recommended),
    ];
    let before = audit_rows(s).await;
    let e = s
        .save_standard(&f.office, standard(items))
        .await
        .expect_err("refused");
    let message = e.to_string();
    for part in [
        "2",
        "title",
        "3",
        "criterion_unit",
        "4",
        "criterion_value",
        "5",
        "code",
    ] {
        assert!(message.contains(part), "{part} missing from {message}");
    }
    assert_eq!(audit_rows(s).await, before);
    assert!(ok(s.standard_versions(&f.office).await).is_empty());
}

async fn the_standard_is_edited_only_as_items(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let (v1, _) = ok(s
        .save_standard(
            &f.office,
            standard(vec![item("ACC-01", Tier::GroupMandatory)]),
        )
        .await)
    .unwrap_or_else(|| panic!("written"));
    let body = ok(s.artifact_version(&f.office, v1).await).body;
    assert!(
        body.contains("ACC-01") && body.contains("5営業日"),
        "{body}"
    );
    assert_eq!(
        err_code(
            s.edit_artifact(&f.office, v1, "別の表題", "書き換え", &[])
                .await
        ),
        "edit_standard_items"
    );
}

async fn approving_a_revision_makes_what_was_built_on_the_old_one_stale(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let (v1, _) = ok(s
        .save_standard(
            &f.office,
            standard(vec![item("ACC-01", Tier::GroupMandatory)]),
        )
        .await)
    .unwrap_or_else(|| panic!("written"));
    ok(s.submit_artifact(&f.office, v1).await);
    ok(s.approve_artifact(&f.ciso, v1).await);
    let strategy = ok(s
        .draft_artifact(
            &f.office,
            NewArtifactDraft {
                kind: ArtifactKind::StrategyAndPlan,
                company: None,
                title: "セキュリティ戦略".into(),
                body: "基準 第1版 を前提とした計画".into(),
                inputs: vec![v1],
            },
        )
        .await);
    ok(s.submit_artifact(&f.office, strategy.reference.version)
        .await);
    ok(s.approve_artifact(&f.exec, strategy.reference.version)
        .await);
    assert!(ok(s.stale_artifacts(&f.office).await).is_empty());
    let (v2, _) = ok(s
        .save_standard(&f.office, standard(vec![item("ACC-01", Tier::Recommended)]))
        .await)
    .unwrap_or_else(|| panic!("written"));
    // A draft revision changes nothing yet; its approval does.
    assert!(ok(s.stale_artifacts(&f.office).await).is_empty());
    ok(s.submit_artifact(&f.office, v2).await);
    ok(s.approve_artifact(&f.ciso, v2).await);
    let stale = ok(s.stale_artifacts(&f.office).await);
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].artifact.version, strategy.reference.version);
    assert_eq!(stale[0].reasons[0].newer.version, v2);
}

fn tiny_framework(title_of_ac2: &str) -> ReferenceFramework {
    let node =
        |id: &str, ref_id: &str, parent: Option<&str>, depth, kind, title: &str| FrameworkNode {
            node_id: id.into(),
            ref_id: ref_id.into(),
            parent: parent.map(Into::into),
            depth,
            kind,
            title: title.into(),
            description: String::new(),
            assessable: kind != NodeKind::Group,
        };
    ReferenceFramework {
        code: code("SP800-53"),
        name: "NIST SP 800-53".into(),
        version: "5.1.1".into(),
        source: FrameworkSource::Oscal,
        nodes: vec![
            node("ac", "ac", None, 1, NodeKind::Group, "Access Control"),
            node(
                "ac-2",
                "AC-2",
                Some("ac"),
                2,
                NodeKind::Control,
                title_of_ac2,
            ),
            node(
                "ac-2.1",
                "AC-2(1)",
                Some("ac-2"),
                3,
                NodeKind::Enhancement,
                "Automated",
            ),
        ],
    }
}

async fn reference_frameworks_import_whole_and_replace_by_code(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    assert_eq!(
        err_code(
            s.import_framework(&f.lead_x, tiny_framework("Account Management"), false)
                .await
        ),
        "forbidden"
    );
    let dry = ok(s
        .import_framework(&f.office, tiny_framework("Account Management"), true)
        .await);
    assert_eq!(
        (dry.outcome, dry.controls, dry.groups),
        (ReferenceImport::Added, 2, 1)
    );
    assert!(
        ok(s.frameworks(&f.office).await).is_empty(),
        "a dry run writes nothing"
    );
    let added = ok(s
        .import_framework(&f.office, tiny_framework("Account Management"), false)
        .await);
    assert_eq!(added.outcome, ReferenceImport::Added);
    let rows = audit_rows(s).await;
    let again = ok(s
        .import_framework(&f.office, tiny_framework("Account Management"), false)
        .await);
    assert_eq!(again.outcome, ReferenceImport::Unchanged);
    assert_eq!(audit_rows(s).await, rows);
    // Everyone in the group reads them, whatever their scope.
    let list = ok(s.frameworks(&f.practitioner_site_x1).await);
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].code.as_str(), list[0].controls, list[0].assessable),
        ("SP800-53", 2, 2)
    );
    assert_eq!(
        ok(s.framework(&f.viewer_y, "sp800-53").await),
        tiny_framework("Account Management")
    );
    // Mappings must name what was imported (the control by its label or id, any case).
    let mut mapped = item("ACC-01", Tier::GroupMandatory);
    mapped.mappings = vec![
        FrameworkRef::parse("SP800-53:ac-2(1)").unwrap_or_else(|e| panic!("{e}")),
        FrameworkRef::parse("sp800-53:AC-2").unwrap_or_else(|e| panic!("{e}")),
    ];
    ok(s.plan_standard(&f.office, std::slice::from_ref(&mapped))
        .await);
    let mut unknown = item("ACC-02", Tier::GroupMandatory);
    unknown.mappings = vec![
        FrameworkRef::parse("SP800-53:AC-99").unwrap_or_else(|e| panic!("{e}")),
        FrameworkRef::parse("ISO-NONE:A.1").unwrap_or_else(|e| panic!("{e}")),
    ];
    let e = s
        .save_standard(&f.office, standard(vec![mapped, unknown]))
        .await
        .expect_err("unknown");
    let text = e.to_string();
    assert!(
        text.contains("AC-99") && text.contains("iso-none") && text.contains("ACC-02"),
        "{text}"
    );
    // A newer catalog under the same code replaces the old one, which is archived.
    let replaced = ok(s
        .import_framework(&f.ciso, tiny_framework("Account Management (rev)"), false)
        .await);
    assert_eq!(replaced.outcome, ReferenceImport::Replaced);
    assert_eq!(ok(s.frameworks(&f.office).await).len(), 1);
    let now = ok(s.framework(&f.office, "SP800-53").await);
    assert_eq!(now.nodes[1].title, "Account Management (rev)");
    let history = ok(s
        .history(&f.auditor, "reference_framework", &list[0].id.to_string())
        .await);
    assert_eq!(
        history
            .iter()
            .map(|h| h.action.as_str())
            .collect::<Vec<_>>(),
        ["create", "archive"]
    );
}

async fn the_glossary_keeps_every_explanation_in_history(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let edr = |ja: &str| kamae_core::rules::GlossaryTerm {
        term: "EDR".into(),
        ja: ja.into(),
        en_term: "EDR".into(),
        en: "Software that detects suspicious activity on PCs.".into(),
    };
    assert_eq!(
        err_code(s.save_term(&f.lead_x, edr("説明")).await),
        "forbidden"
    );
    let mut blank = edr("説明");
    blank.en = " ".into();
    assert_eq!(err_code(s.save_term(&f.office, blank).await), "required");
    ok(
        s.save_term(&f.office, edr("端末の不審な動きを検知する仕組み"))
            .await,
    );
    let rows = audit_rows(s).await;
    ok(
        s.save_term(&f.office, edr("端末の不審な動きを検知する仕組み"))
            .await,
    );
    assert_eq!(
        audit_rows(s).await,
        rows,
        "the same content again changes nothing"
    );
    ok(s.save_term(
        &f.ciso,
        edr("パソコンやサーバーの不審な動きを記録・検知する仕組み"),
    )
    .await);
    let list = ok(s.glossary(&f.practitioner_site_x1).await);
    assert_eq!(list.len(), 1);
    assert!(list[0].ja.starts_with("パソコン"));
    assert_eq!(
        err_code(s.archive_term(&f.office, "EDR", " ").await),
        "reason_required"
    );
    ok(s.archive_term(&f.office, "EDR", "基準から消えたため").await);
    assert!(ok(s.glossary(&f.office).await).is_empty());
    assert_eq!(
        err_code(s.archive_term(&f.office, "EDR", "もう一度").await),
        "not_found"
    );
    // Added again later, it is a new term; the old one's history stays.
    ok(s.save_term(&f.office, edr("再登録")).await);
    assert_eq!(ok(s.glossary(&f.office).await).len(), 1);
}

async fn exceptions_are_accepted_by_the_authority_their_tier_requires(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    approved_standard(s, &f).await;
    let today = ok(s.today(f.group.id).await);
    let (start, end) = (
        today - chrono::Duration::days(30),
        today + chrono::Duration::days(200),
    );

    // Nothing is half written: every problem of a bad request at once.
    let rows = audit_rows(s).await;
    let mut bad = exception(&["NET-01", "NOPE-01"], start, end);
    bad.compensating = " ".into();
    bad.sites = vec![code("Y1")];
    let e = s
        .draft_exception(&f.lead_x, bad)
        .await
        .expect_err("refused");
    let text = e.to_string();
    for part in ["NET-01", "NOPE-01", "compensating", "Y1"] {
        assert!(text.contains(part), "{part} missing: {text}");
    }
    assert_eq!(audit_rows(s).await, rows);

    // A company-mandatory item needs no exception where no agreement makes it binding.
    let text = s
        .draft_exception(&f.lead_x, exception(&["DAT-01"], start, end))
        .await
        .expect_err("refused")
        .to_string();
    assert!(
        text.contains("DAT-01") && text.contains("applicability agreement"),
        "{text}"
    );
    ok(s.save_agreement(
        &f.office,
        &code("X"),
        kamae_store::applicability::AgreementDraft {
            mandatory: vec![code("DAT-01")],
            adopted: vec![],
            note: String::new(),
        },
    )
    .await);
    ok(s.agreement_step(
        &f.office,
        &code("X"),
        kamae_core::approval::ApprovalStep::Submit,
    )
    .await);
    ok(s.agreement_step(
        &f.ciso,
        &code("X"),
        kamae_core::approval::ApprovalStep::Approve,
    )
    .await);

    // A group-mandatory item: the lead asks, the lead cannot accept the risk, the CISO does.
    let gm = ok(s
        .draft_exception(&f.lead_x, exception(&["ACC-01", "DAT-01"], start, end))
        .await);
    assert!(gm.group_mandatory);
    assert_eq!(gm.sites, vec![("X1".to_string(), f.site_x1.name.clone())]);
    ok(s.submit_exception(&f.lead_x, gm.id).await);
    assert_eq!(
        err_code(s.approve_exception(&f.lead_x, gm.id).await),
        "forbidden"
    );
    assert_eq!(ok(s.exception_inbox(&f.ciso).await).len(), 1);
    assert!(ok(s.exception_inbox(&f.lead_x).await).is_empty());
    let approved = ok(s.approve_exception(&f.ciso, gm.id).await);
    assert_eq!(approved.status, ExceptionStatus::Active);
    assert!(approved.accepted_by().is_some());
    // An approved exception does not change; milestones are progress, recorded after.
    assert_eq!(
        err_code(
            s.edit_exception(&f.lead_x, gm.id, exception(&["ACC-01"], start, end))
                .await
        ),
        "approved_exception"
    );
    let done = ok(s.record_milestone(&f.lead_x, gm.id, 0, Some(today)).await);
    assert_eq!(done.milestones[0].done_on, Some(today));
    assert_eq!(done.approval.state.as_str(), "approved");

    // A company-mandatory item: the company's lead accepts it, not the CISO, never their own.
    let cm = ok(s
        .draft_exception(&f.office, exception(&["DAT-01"], start, end))
        .await);
    assert!(!cm.group_mandatory);
    assert_eq!(
        err_code(s.record_milestone(&f.office, cm.id, 0, Some(today)).await),
        "not_approved",
        "progress is recorded against an approved plan only"
    );
    ok(s.submit_exception(&f.office, cm.id).await);
    assert_eq!(
        err_code(s.approve_exception(&f.ciso, cm.id).await),
        "forbidden"
    );
    assert_eq!(
        err_code(s.approve_exception(&f.lead_y, cm.id).await),
        "not_found"
    );
    ok(s.approve_exception(&f.lead_x, cm.id).await);
    let own = ok(s
        .draft_exception(&f.lead_x, exception(&["DAT-01"], start, end))
        .await);
    ok(s.submit_exception(&f.lead_x, own.id).await);
    assert_eq!(
        err_code(s.approve_exception(&f.lead_x, own.id).await),
        "own_submission"
    );

    // Another company's people do not see X's exceptions.
    assert!(ok(s.exceptions(&f.lead_y).await).is_empty());
    assert_eq!(err_code(s.exception(&f.viewer_y, gm.id).await), "not_found");
    assert_eq!(
        ok(s.exceptions(&f.practitioner_site_x1).await).len(),
        0,
        "a site's practitioner sees the company's records only with a company grant"
    );
    assert_eq!(ok(s.exceptions(&f.auditor).await).len(), 3);

    // Ending one early keeps it, with its whole history.
    assert_eq!(
        err_code(s.archive_exception(&f.lead_x, cm.id, "").await),
        "reason_required"
    );
    ok(
        s.archive_exception(&f.lead_x, cm.id, "UTMを前倒しで導入したため")
            .await,
    );
    assert_eq!(
        ok(s.exception(&f.office, cm.id).await).status,
        ExceptionStatus::Archived
    );
    let history = ok(s.history(&f.auditor, "exception", &gm.id.to_string()).await);
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    for a in ["create", "open", "submit", "approve", "update"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

async fn exceptions_expire_into_non_compliance_and_are_listed_for_action(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    approved_standard(s, &f).await;
    let today = ok(s.today(f.group.id).await);
    let days = chrono::Duration::days;
    let approve = |e: ExceptionView| {
        let (s, lead, ciso) = (s.clone(), f.lead_x.clone(), f.ciso.clone());
        async move {
            ok(s.submit_exception(&lead, e.id).await);
            ok(s.approve_exception(&ciso, e.id).await)
        }
    };
    // X社's verbal agreement, recorded: approved once, expired now.
    let mut verbal = exception(&["ACC-01"], today - days(400), today - days(35));
    verbal.kind = ExceptionKind::Exception;
    verbal.milestones.clear();
    let verbal = approve(ok(s.draft_exception(&f.lead_x, verbal).await)).await;
    assert_eq!(verbal.status, ExceptionStatus::Expired);
    assert_eq!(
        verbal.lists,
        vec![ExceptionList::Expired, ExceptionList::WithoutPlan]
    );
    // Expiring soon, with a milestone overdue.
    let mut soon = exception(&["ACC-01"], today - days(100), today + days(10));
    soon.milestones[0].due_on = today - days(5);
    let soon = approve(ok(s.draft_exception(&f.lead_x, soon).await)).await;
    assert_eq!(
        soon.lists,
        vec![ExceptionList::Within30, ExceptionList::MilestonesOverdue]
    );
    let later = approve(ok(s
        .draft_exception(&f.lead_x, exception(&["ACC-01"], today, today + days(75)))
        .await))
    .await;
    assert_eq!(later.lists, vec![ExceptionList::Within90]);
    let expired = ok(s.exception_list(&f.office, ExceptionList::Expired).await);
    assert_eq!(
        expired.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![verbal.id]
    );
    assert_eq!(
        ok(s.exception_list(&f.lead_x, ExceptionList::Within30).await).len(),
        1
    );
    assert!(ok(s.exception_list(&f.lead_y, ExceptionList::Expired).await).is_empty());
    // A renewal is a new record that names the one it continues.
    let mut renewal = exception(&["ACC-01"], today, today + days(300));
    renewal.renews = Some(verbal.id);
    let renewal = ok(s.draft_exception(&f.lead_x, renewal).await);
    assert_eq!(renewal.renews, Some(verbal.id));
    assert_eq!(renewal.status, ExceptionStatus::Pending);
}

async fn applicability_is_agreed_per_company_and_decided_by_the_ciso(t: &TestStore) {
    use kamae_core::approval::ApprovalStep;
    use kamae_core::rules::Applies;
    use kamae_store::applicability::AgreementDraft;
    let s = &t.store;
    let f = fixture(s, "G1").await;
    approved_standard(s, &f).await;
    let draft = |mandatory: &[&str], adopted: &[&str]| AgreementDraft {
        mandatory: mandatory.iter().map(|c| code(c)).collect(),
        adopted: adopted.iter().map(|c| code(c)).collect(),
        note: "個人顧客のデータを扱う".into(),
    };
    // Before any agreement only the group-mandatory item binds X.
    let before = ok(s.company_standard(&f.lead_x, &code("X")).await);
    assert_eq!(before.binding_now, 1);
    assert_eq!(before.items[1].applies, Applies::NotNamed);

    // Wrong tiers and unknown items: every problem at once, nothing written.
    let rows = audit_rows(s).await;
    let e = s
        .save_agreement(
            &f.lead_x,
            &code("X"),
            draft(&["ACC-01", "NOPE-1"], &["DAT-01"]),
        )
        .await
        .expect_err("refused");
    let text = e.to_string();
    for part in ["ACC-01", "NOPE-1", "DAT-01", "mandatory", "adopted"] {
        assert!(text.contains(part), "{part} missing: {text}");
    }
    assert_eq!(audit_rows(s).await, rows);

    // X's lead drafts and submits; the lead cannot decide it, the CISO does.
    ok(
        s.save_agreement(&f.lead_x, &code("X"), draft(&["DAT-01"], &["NET-01"]))
            .await,
    );
    ok(
        s.agreement_step(&f.lead_x, &code("X"), ApprovalStep::Submit)
            .await,
    );
    assert_eq!(
        err_code(
            s.agreement_step(&f.lead_x, &code("X"), ApprovalStep::Approve)
                .await
        ),
        "forbidden"
    );
    assert_eq!(ok(s.agreement_inbox(&f.ciso).await).len(), 1);
    assert!(ok(s.agreement_inbox(&f.lead_x).await).is_empty());
    let approved = ok(s
        .agreement_step(&f.ciso, &code("X"), ApprovalStep::Approve)
        .await);
    assert_eq!(approved.approval.state.as_str(), "approved");
    let view = ok(s.company_standard(&f.lead_x, &code("X")).await);
    assert_eq!(view.binding_now, 2);
    assert_eq!(
        view.items.iter().map(|i| i.applies).collect::<Vec<_>>(),
        vec![
            Applies::GroupMandatory,
            Applies::AgreedMandatory,
            Applies::Adopted
        ]
    );
    // Another company's people do not see X's agreement; Y's own view is untouched.
    assert_eq!(
        err_code(s.company_standard(&f.lead_y, &code("X")).await),
        "not_found"
    );
    assert_eq!(
        ok(s.company_standard(&f.lead_y, &code("Y")).await).binding_now,
        1
    );
    assert_eq!(
        err_code(
            s.save_agreement(&f.viewer_y, &code("Y"), draft(&[], &[]))
                .await
        ),
        "forbidden"
    );

    // A revision under review: what it changes for X, and what no agreement decides yet.
    let (v2, _) = ok(s
        .save_standard(
            &f.office,
            standard(vec![
                item("ACC-01", Tier::GroupMandatory),
                item("DAT-01", Tier::CompanyMandatory),
                item("DAT-02", Tier::CompanyMandatory),
                item("LOG-01", Tier::GroupMandatory),
            ]),
        )
        .await)
    .unwrap_or_else(|| panic!("written"));
    ok(s.submit_artifact(&f.office, v2).await);
    let view = ok(s.company_standard(&f.office, &code("X")).await);
    let revision = view.revision.unwrap_or_else(|| panic!("a revision"));
    assert_eq!(revision.changes.added, vec!["LOG-01"]);
    assert_eq!(revision.changes.archived, vec!["NET-01"]);
    assert_eq!(revision.binding_after, 3);
    assert_eq!(revision.undecided, vec!["DAT-02"]);
    ok(s.approve_artifact(&f.ciso, v2).await);
    let view = ok(s.company_standard(&f.office, &code("X")).await);
    assert_eq!(view.binding_now, 3);
    assert_eq!(view.binding_before.map(|(_, n)| n), Some(2));

    // A new agreement replaces the old one once approved; the old one stays as superseded.
    ok(
        s.save_agreement(&f.office, &code("X"), draft(&["DAT-01", "DAT-02"], &[]))
            .await,
    );
    ok(
        s.agreement_step(&f.office, &code("X"), ApprovalStep::Submit)
            .await,
    );
    ok(s.agreement_step(&f.ciso, &code("X"), ApprovalStep::Approve)
        .await);
    let view = ok(s.company_standard(&f.auditor, &code("X")).await);
    assert_eq!(view.binding_now, 4);
    assert_eq!(view.history.len(), 2);
    assert!(view.history[1].superseded);
    let history = ok(s
        .history(
            &f.auditor,
            "applicability_agreement",
            &approved.id.to_string(),
        )
        .await);
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    for a in ["create", "open", "submit", "approve", "supersede"] {
        assert!(actions.contains(&a), "{a} missing from {actions:?}");
    }
}

async fn advice_is_recorded_at_its_department_and_followed_up(t: &TestStore) {
    use kamae_core::rules::{AdviceStatus, DocumentRef, FollowUp, FollowUpStatus, RequestKind};
    use kamae_store::advice::NewAdvice;
    let s = &t.store;
    let f = fixture(s, "G1").await;
    approved_standard(s, &f).await;
    let today = ok(s.today(f.group.id).await);
    let days = chrono::Duration::days;
    let mut new = NewAdvice {
        department: f.dept_x_ec.code.clone(),
        kind: RequestKind::NewItService,
        title: "ECサイトの刷新".into(),
        request: "仕様の確認をお願いしたい".into(),
        documents: vec![DocumentRef {
            title: "仕様書".into(),
            location: "共有フォルダ".into(),
        }],
        requested_on: today - days(30),
        advice: String::new(),
        advised_on: None,
        items: vec![],
        risks: vec![],
        follow_ups: vec![],
    };
    // The department's manager brings the request.
    let a = ok(s.record_advice(&f.manager_ec, new.clone()).await);
    assert_eq!(a.status, AdviceStatus::Requested);
    // Bad advice: every problem at once, nothing written.
    let rows = audit_rows(s).await;
    let mut bad = new.clone();
    bad.advice = "WAFを入れる".into();
    bad.items = vec![code("NOPE-1")];
    bad.follow_ups = vec![FollowUp {
        what: "WAF".into(),
        owner: " ".into(),
        due_on: today,
        status: FollowUpStatus::Open,
        note: String::new(),
    }];
    let text = s
        .edit_advice(&f.office, a.id, bad)
        .await
        .expect_err("refused")
        .to_string();
    for part in ["advised_on", "NOPE-1", "follow_ups[0]"] {
        assert!(text.contains(part), "{part} missing: {text}");
    }
    assert_eq!(audit_rows(s).await, rows);
    // The CISO office gives the advice, with follow-ups; one is overdue.
    new.advice = "運用後のパッチ予算とWAFを事業計画に入れる".into();
    new.advised_on = Some(today - days(20));
    new.items = vec![code("ACC-01")];
    new.risks = vec!["顧客情報の漏えい".into()];
    new.follow_ups = vec![
        FollowUp {
            what: "パッチ予算".into(),
            owner: "EC事業部".into(),
            due_on: today - days(1),
            status: FollowUpStatus::Open,
            note: String::new(),
        },
        FollowUp {
            what: "WAF導入".into(),
            owner: "情シス".into(),
            due_on: today + days(60),
            status: FollowUpStatus::Open,
            note: String::new(),
        },
    ];
    let a = ok(s.edit_advice(&f.office, a.id, new).await);
    assert_eq!((a.status, a.overdue), (AdviceStatus::FollowingUp, 1));
    ok(
        s.set_follow_up(&f.manager_ec, a.id, 0, FollowUpStatus::Done, "予算化済み")
            .await,
    );
    let a = ok(s
        .set_follow_up(&f.office, a.id, 1, FollowUpStatus::Done, "導入済み")
        .await);
    assert_eq!((a.status, a.overdue), (AdviceStatus::Closed, 0));
    // Who sees it: the department, the company's lead, the group; not another company.
    assert_eq!(ok(s.advice_list(&f.lead_x).await).len(), 1);
    assert!(ok(s.advice_list(&f.lead_y).await).is_empty());
    assert_eq!(err_code(s.advice(&f.viewer_y, a.id).await), "not_found");
    assert_eq!(
        err_code(
            s.set_follow_up(&f.auditor, a.id, 0, FollowUpStatus::Open, "")
                .await
        ),
        "forbidden"
    );
    let history = ok(s.history(&f.auditor, "advice", &a.id.to_string()).await);
    let kinds: Vec<&str> = history.iter().map(|h| h.record_kind.as_str()).collect();
    for k in ["advice", "advice_follow_ups", "advice_follow_up"] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
}

async fn the_watch_list_ends_in_no_change_or_a_revision(t: &TestStore) {
    use kamae_core::rules::{WatchKind, WatchStatus};
    use kamae_store::watch::NewWatchEntry;
    let s = &t.store;
    let f = fixture(s, "G1").await;
    approved_standard(s, &f).await;
    let today = ok(s.today(f.group.id).await);
    let entry = |title: &str, items: &[&str]| NewWatchEntry {
        kind: WatchKind::Law,
        title: title.into(),
        source: "個人情報保護委員会".into(),
        published_on: today,
        summary: "漏えい等の報告の義務化".into(),
        impact: "報告手順の見直し".into(),
        items: items.iter().map(|c| code(c)).collect(),
    };
    let rows = audit_rows(s).await;
    let e = s
        .record_watch(&f.office, entry(" ", &["NOPE-1"]))
        .await
        .expect_err("refused")
        .to_string();
    assert!(e.contains("title") && e.contains("NOPE-1"), "{e}");
    assert_eq!(audit_rows(s).await, rows);
    // Only the CISO office writes it; everyone of the group reads it.
    assert_eq!(
        err_code(s.record_watch(&f.lead_x, entry("改正", &[])).await),
        "forbidden"
    );
    let law = ok(s
        .record_watch(&f.office, entry("個人情報保護法の改正", &["DAT-01"]))
        .await);
    assert_eq!(ok(s.watch_list(&f.viewer_y).await).len(), 1);
    assert_eq!(
        err_code(s.watch_no_change(&f.office, law.id, "").await),
        "reason_required"
    );
    let settled = ok(s.watch_no_change(&f.office, law.id, "反映済み").await);
    assert_eq!(settled.status, WatchStatus::NoChange);
    // Taken into a revision: a new draft version of the standard, linked.
    let tech = ok(s
        .record_watch(&f.office, entry("クラウドの普及", &[]))
        .await);
    let before = ok(s.standard_versions(&f.office).await).len();
    let taken = ok(s
        .watch_into_revision(&f.office, tech.id, "クラウドの項目を追加")
        .await);
    assert_eq!(taken.status, WatchStatus::Revision);
    let versions = ok(s.standard_versions(&f.office).await);
    assert_eq!(versions.len(), before + 1);
    assert_eq!(
        taken.revision.map(|(v, _)| v),
        Some(versions[0].reference.version)
    );
    // A second one joins the same open draft.
    let other = ok(s
        .record_watch(&f.office, entry("ガイドラインの改訂", &[]))
        .await);
    let joined = ok(s.watch_into_revision(&f.office, other.id, "").await);
    assert_eq!(joined.revision, taken.revision);
    assert_eq!(ok(s.standard_versions(&f.office).await).len(), before + 1);
}
