//! The store's conformance suite: every test runs on SQLite and, with
//! `KAMAE_TEST_DATABASE_URL`, on PostgreSQL.

mod common;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use common::*;
use kamae_core::artifact::ArtifactKind;
use kamae_core::audit::ChainHead;
use kamae_core::org::{CompanyKind, OrgFindingKind, StaffRole};
use kamae_store::artifact::NewArtifactDraft;
use kamae_store::audit::Verification;
use kamae_store::org::{NewCompany, NewPerson, NewSite, OrgRecord};
use kamae_store::testing::TestStore;
use kamae_store::users::{Capability, ScopeSpec};
use kamae_store::{Backend, both_backends};

both_backends!(
    organisation_is_scoped_to_what_a_grant_covers,
    nothing_crosses_groups,
    every_store_call_passes_authorize,
    writes_are_audited_with_before_after_and_reason,
    secrets_never_enter_the_audit_trail,
    the_database_refuses_to_change_audit_rows,
    verify_finds_any_changed_column_and_a_cut_tail,
    concurrent_writers_keep_one_chain,
    check_org_finds_what_the_cisos_office_must_know,
    approvals_loop_back_on_rejection,
    editing_an_approved_version_makes_a_new_draft,
    stale_artifacts_and_the_a_e_round_trip,
    sensitive_grants_need_a_second_administrator,
    expired_and_revoked_grants_grant_nothing,
    disabling_a_user_ends_sessions_and_tokens,
    sign_in_and_the_security_event_log,
    backup_and_restore,
    archiving_keeps_history_and_what_hangs_on_a_record,
    approval_binds_to_every_input_even_those_the_approver_cannot_see,
    administrators_cannot_remove_the_second_signature,
    bad_text_and_bad_logins_are_refused_cleanly,
    api_tokens_expire_and_end,
    a_second_factor_completes_the_session,
    sessions_expire_when_idle_and_passwords_change,
);

async fn organisation_is_scoped_to_what_a_grant_covers(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let codes = |cs: Vec<kamae_core::org::Company>| {
        cs.into_iter()
            .map(|c| c.code.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(codes(ok(s.companies(&f.ciso).await)), ["A", "X", "Y"]);
    assert_eq!(codes(ok(s.companies(&f.lead_x).await)), ["X"]);
    assert_eq!(codes(ok(s.companies(&f.viewer_y).await)), ["Y"]);
    // A site's practitioner sees the site, not the company above it.
    assert!(ok(s.companies(&f.practitioner_site_x1).await).is_empty());
    assert_eq!(ok(s.sites(&f.practitioner_site_x1).await).len(), 1);
    assert!(ok(s.sites(&f.lead_y).await).is_empty());
    assert_eq!(ok(s.departments(&f.manager_ec).await).len(), 1);
    // Company Y does not exist for X's lead, whatever they try.
    assert_eq!(
        err_code(s.company_by_code(&f.lead_x, &code("Y")).await),
        "not_found"
    );
    let new_site = |company: &str| NewSite {
        company: code(company),
        code: code(&format!("{company}9")),
        name: "新拠点".into(),
        address: None,
        in_reporting_scope: true,
    };
    assert_eq!(
        err_code(s.add_site(&f.lead_x, new_site("Y")).await),
        "not_found"
    );
    ok(s.add_site(&f.lead_x, new_site("X")).await);
    // Y's viewer can see Y but not change it.
    assert_eq!(
        err_code(s.add_site(&f.viewer_y, new_site("Y")).await),
        "forbidden"
    );
    // Administration grants no business data.
    assert!(ok(s.companies(&f.admin).await).is_empty());
    assert_eq!(
        err_code(s.company_by_code(&f.admin, &code("X")).await),
        "not_found"
    );
}

async fn nothing_crosses_groups(t: &TestStore) {
    let s = &t.store;
    let f1 = fixture(s, "G1").await;
    let f2 = fixture(s, "G2").await;
    // Both groups have a company X; each CISO sees only their own.
    let x1 = ok(s.company_by_code(&f1.ciso, &code("X")).await);
    let x2 = ok(s.company_by_code(&f2.ciso, &code("X")).await);
    assert_ne!(x1.id, x2.id);
    assert_eq!(ok(s.companies(&f1.ciso).await).len(), 3);
    // Group 1's history of group 2's company is not found.
    assert_eq!(
        err_code(s.history(&f1.ciso, "company", &x2.id.to_string()).await),
        "not_found"
    );
    // Administrators of group 1 cannot grant on group 2's users or companies.
    assert_eq!(
        err_code(
            s.grant(
                &f1.admin,
                &email("ciso@g2.example"),
                Capability::Role(kamae_core::access::Role::Viewer),
                &ScopeSpec::Group,
                None
            )
            .await
        ),
        "not_found"
    );
    let users = ok(s.users(&f1.admin).await);
    assert!(users.iter().all(|u| u.email.ends_with("@g1.example")));
}

/// Calls every public store operation as someone outside its scope: each must refuse (not
/// found, forbidden, or an empty list), proving that none reaches the data around authorize.
async fn every_store_call_passes_authorize(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let outsider = &f.lead_y;
    let x = code("X");
    let refused = |code: &str| matches!(code, "not_found" | "forbidden");
    // Reads of X's records.
    assert!(refused(err_code(s.company_by_code(outsider, &x).await)));
    assert!(refused(err_code(
        s.site_by_code(outsider, &code("X1")).await
    )));
    assert!(refused(err_code(
        s.department_by_code(outsider, &code("X-EC")).await
    )));
    assert!(
        ok(s.sites(outsider).await)
            .iter()
            .all(|site| site.company != f.x.id)
    );
    assert!(
        ok(s.people(outsider).await)
            .iter()
            .all(|p| p.company != f.x.id)
    );
    assert!(
        ok(s.security_staff(outsider).await)
            .iter()
            .all(|p| p.company != f.x.id)
    );
    assert!(ok(s.business_relationships(outsider).await).is_empty());
    assert!(refused(err_code(
        s.history(outsider, "company", &f.x.id.to_string()).await
    )));
    assert!(refused(err_code(s.security_events(outsider, 10).await)));
    assert!(refused(err_code(s.sensitive_grants(outsider).await)));
    assert!(refused(err_code(s.users(outsider).await)));
    // Writes to X's records.
    let new_company = NewCompany {
        code: code("N"),
        name: "新会社".into(),
        kind: CompanyKind::Subsidiary,
        parent: None,
        acquired_on: None,
        in_reporting_scope: true,
    };
    assert!(refused(err_code(
        s.add_company(outsider, new_company).await
    )));
    assert!(refused(err_code(
        s.set_company_reporting_scope(outsider, &x, false, Some("r"))
            .await
    )));
    assert!(refused(err_code(
        s.archive_org_record(outsider, OrgRecord::Company(x.clone()), Some("r"))
            .await
    )));
    let person = NewPerson {
        name: "山田".into(),
        email: None,
        position: None,
        company: x.clone(),
        department: None,
    };
    assert!(refused(err_code(s.add_person(outsider, person).await)));
    assert!(refused(err_code(
        s.add_business_relationship(outsider, &x, &code("Y"), 5, None)
            .await
    )));
    let draft = NewArtifactDraft {
        kind: ArtifactKind::RiskAssessment,
        company: Some(x.clone()),
        title: "X".into(),
        body: String::new(),
        inputs: vec![],
    };
    assert!(refused(err_code(
        s.draft_artifact(outsider, draft.clone()).await
    )));
    let v = ok(s.draft_artifact(&f.lead_x, draft).await);
    let id = v.reference.version;
    assert!(refused(err_code(s.artifact_version(outsider, id).await)));
    assert!(refused(err_code(
        s.edit_artifact(outsider, id, "t", "b", &[]).await
    )));
    assert!(refused(err_code(s.submit_artifact(outsider, id).await)));
    ok(s.submit_artifact(&f.lead_x, id).await);
    assert!(refused(err_code(s.approve_artifact(outsider, id).await)));
    assert!(refused(err_code(
        s.reject_artifact(outsider, id, "no").await
    )));
    assert!(ok(s.artifacts(outsider).await).is_empty());
    assert!(ok(s.approvals_inbox(outsider).await).is_empty());
    assert!(ok(s.stale_artifacts(outsider).await).is_empty());
    // Administration, by a non-administrator.
    assert!(refused(err_code(
        s.add_user(outsider, &email("z@g1.example"), "z", None, false)
            .await
    )));
    assert!(refused(err_code(
        s.grant(
            outsider,
            &email("nobody@g1.example"),
            Capability::Administration,
            &ScopeSpec::Group,
            None
        )
        .await
    )));
    assert!(refused(err_code(
        s.disable_user(outsider, &email("lead-x@g1.example"), Some("r"))
            .await
    )));
    assert!(refused(err_code(
        s.set_password(outsider, &email("lead-x@g1.example"), PASSWORD)
            .await
    )));
}

async fn writes_are_audited_with_before_after_and_reason(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    ok(
        s.set_company_reporting_scope(&f.ciso, &code("Y"), false, Some("買収直後のため"))
            .await,
    );
    let history = ok(s.history(&f.auditor, "company", &f.y.id.to_string()).await);
    assert_eq!(history.len(), 2, "{history:?}");
    assert_eq!(history[0].action, "create");
    assert_eq!(history[0].actor, "system");
    let update = &history[1];
    assert_eq!(update.action, "update");
    assert_eq!(update.actor, "ciso@g1.example");
    assert_eq!(update.reason.as_deref(), Some("買収直後のため"));
    assert_eq!(
        update
            .before
            .as_ref()
            .map(|b| b["in_reporting_scope"].clone()),
        Some(true.into())
    );
    assert_eq!(
        update
            .after
            .as_ref()
            .map(|a| a["in_reporting_scope"].clone()),
        Some(false.into())
    );
    // Archiving needs a reason, and leaves the history in place.
    assert_eq!(
        err_code(
            s.archive_org_record(&f.ciso, OrgRecord::Company(code("Y")), None)
                .await
        ),
        "reason_required"
    );
    assert_eq!(
        err_code(
            s.archive_org_record(&f.ciso, OrgRecord::Company(code("Y")), Some("  "))
                .await
        ),
        "reason_required"
    );
    // Y's grants go first: archiving refuses while anything still hangs on the company.
    assert_eq!(
        err_code(
            s.archive_org_record(&f.ciso, OrgRecord::Company(code("Y")), Some("清算"))
                .await
        ),
        "has_dependants"
    );
    for u in ok(s.users(&f.admin).await) {
        for g in u
            .grants
            .iter()
            .filter(|g| g.scope == "company:Y" && !g.revoked)
        {
            ok(s.revoke_grant(&f.admin, g.id, Some("清算")).await);
        }
    }
    ok(
        s.archive_org_record(&f.ciso, OrgRecord::Company(code("Y")), Some("清算"))
            .await,
    );
    assert_eq!(
        err_code(s.company_by_code(&f.ciso, &code("Y")).await),
        "not_found"
    );
    let history = ok(s.history(&f.auditor, "company", &f.y.id.to_string()).await);
    assert_eq!(history.last().map(|h| h.action.as_str()), Some("archive"));
    // A practitioner has no record history.
    assert_eq!(
        err_code(
            s.history(&f.practitioner_site_x1, "site", &f.site_x1.id.to_string())
                .await
        ),
        "not_found"
    );
    // A failed write leaves nothing behind: no company, no audit row.
    let before = match ok(s.verify(None).await) {
        Verification::Intact { head, .. } => head,
        Verification::Broken(b) => panic!("{b:?}"),
    };
    let dup = NewCompany {
        code: code("X"),
        name: "重複".into(),
        kind: CompanyKind::Subsidiary,
        parent: None,
        acquired_on: None,
        in_reporting_scope: true,
    };
    assert_eq!(err_code(s.add_company(&f.ciso, dup).await), "duplicate");
    match ok(s.verify(None).await) {
        Verification::Intact { head, .. } => assert_eq!(head, before),
        Verification::Broken(b) => panic!("{b:?}"),
    }
}

async fn secrets_never_enter_the_audit_trail(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    ok(s.add_user(
        &f.admin,
        &email("pw@g1.example"),
        "pw",
        Some(PASSWORD),
        false,
    )
    .await);
    ok(s.grant(
        &f.admin,
        &email("pw@g1.example"),
        Capability::Role(kamae_core::access::Role::Viewer),
        &ScopeSpec::Group,
        None,
    )
    .await);
    let (actor, session) = ok(s.sign_in("pw@g1.example", PASSWORD, None).await);
    let (_, token) = ok(s.create_api_token(&actor, "script", None).await);
    let dump = ok(t.tamper_dump_audit().await);
    assert!(dump.contains("[secret]"));
    assert!(
        !dump.contains("$argon2id$"),
        "a password hash entered the audit trail"
    );
    assert!(
        !dump.contains(&session),
        "a session id entered the audit trail"
    );
    assert!(
        !dump.contains(&token),
        "an API token entered the audit trail"
    );
    use sha2::Digest;
    let hashed = hex::encode(sha2::Sha256::digest(token.as_bytes()));
    assert!(
        !dump.contains(&hashed),
        "a token hash entered the audit trail"
    );
}

async fn the_database_refuses_to_change_audit_rows(t: &TestStore) {
    let s = &t.store;
    fixture(s, "G1").await;
    assert!(
        t.tamper("UPDATE audit_log SET actor = 'someone' WHERE seq = 1")
            .await
            .is_err()
    );
    assert!(
        t.tamper("DELETE FROM audit_log WHERE seq = 1")
            .await
            .is_err()
    );
    if s.backend() == Backend::Postgres {
        assert!(t.tamper("TRUNCATE audit_log").await.is_err());
    }
    assert!(matches!(
        ok(s.verify(None).await),
        Verification::Intact { .. }
    ));
}

async fn verify_finds_any_changed_column_and_a_cut_tail(t: &TestStore) {
    let s = &t.store;
    fixture(s, "G1").await;
    let head = match ok(s.verify(None).await) {
        Verification::Intact { head, rows } => {
            assert_eq!(head.seq, rows);
            head
        }
        Verification::Broken(b) => panic!("{b:?}"),
    };
    assert!(head.seq > 20);
    // With the triggers gone, change one column of row 7 at a time; each must be found.
    let drop_triggers = match s.backend() {
        Backend::Sqlite => "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;",
        Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER USER;",
    };
    ok(t.tamper(drop_triggers).await);
    let columns = [
        "at = at || ' '",
        "group_id = NULL",
        "actor = actor || 'x'",
        "actor_label = 'intruder@example.com'",
        "action = action || 'x'",
        "record_kind = record_kind || 'x'",
        "record_id = record_id || 'x'",
        "reason = COALESCE(reason, '') || 'made up'",
        "before = COALESCE(before, '') || ' '",
        "after = COALESCE(after, '') || ' '",
        "security_event = NOT security_event",
        "prev_hash = hash",
        "hash = prev_hash",
    ];
    for set in columns {
        let snapshot = ok(t.tamper_snapshot_row(7).await);
        ok(
            t.tamper(&format!("UPDATE audit_log SET {set} WHERE seq = 7"))
                .await,
        );
        match ok(s.verify(None).await) {
            Verification::Broken(b) => assert_eq!(b.seq, 7, "{set}: {b:?}"),
            Verification::Intact { .. } => panic!("changing {set} went unnoticed"),
        }
        ok(t.tamper(&snapshot.update).await);
        assert!(
            matches!(ok(s.verify(None).await), Verification::Intact { .. }),
            "restore after {set}"
        );
    }
    // A row removed in the middle, then put back.
    let snapshot = ok(t.tamper_snapshot_row(9).await);
    ok(t.tamper("DELETE FROM audit_log WHERE seq = 9").await);
    match ok(s.verify(None).await) {
        Verification::Broken(b) => assert_eq!(b.seq, 9),
        Verification::Intact { .. } => panic!("a missing row went unnoticed"),
    }
    ok(t.tamper(&snapshot.insert).await);
    assert!(matches!(
        ok(s.verify(None).await),
        Verification::Intact { .. }
    ));
    // The last rows removed: the chain that is left is intact; the head noted earlier is not.
    ok(t.tamper(&format!(
        "DELETE FROM audit_log WHERE seq > {}",
        head.seq - 3
    ))
    .await);
    match ok(s.verify(None).await) {
        Verification::Intact { head: h, .. } => assert_eq!(h.seq, head.seq - 3),
        Verification::Broken(b) => panic!("{b:?}"),
    }
    match ok(s.verify(Some(&head)).await) {
        Verification::Broken(b) => {
            assert_eq!(b.problem.code, "audit_chain_truncated");
            assert_eq!(b.seq, head.seq - 2);
        }
        Verification::Intact { .. } => panic!("a cut-off tail went unnoticed"),
    }
    // A head that is still there verifies.
    let earlier = match ok(s.verify(None).await) {
        Verification::Intact { head, .. } => head,
        Verification::Broken(b) => panic!("{b:?}"),
    };
    assert!(matches!(
        ok(s.verify(Some(&earlier)).await),
        Verification::Intact { .. }
    ));
    let wrong = ChainHead {
        seq: earlier.seq,
        hash: "ab".repeat(32),
    };
    assert!(matches!(
        ok(s.verify(Some(&wrong)).await),
        Verification::Broken(_)
    ));
}

async fn concurrent_writers_keep_one_chain(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let s = s.clone();
        let ciso = f.ciso.clone();
        tasks.push(tokio::spawn(async move {
            s.add_site(
                &ciso,
                NewSite {
                    company: code(if i % 2 == 0 { "X" } else { "Y" }),
                    code: code(&format!("S{i}")),
                    name: format!("拠点{i}"),
                    address: None,
                    in_reporting_scope: true,
                },
            )
            .await
        }));
    }
    for task in tasks {
        ok(ok(task.await));
    }
    assert_eq!(ok(s.sites(&f.ciso).await).len(), 25);
    assert!(matches!(
        ok(s.verify(None).await),
        Verification::Intact { .. }
    ));
}

async fn check_org_finds_what_the_cisos_office_must_know(t: &TestStore) {
    let s = &t.store;
    let today = Utc
        .with_ymd_and_hms(2026, 11, 28, 3, 0, 0)
        .single()
        .unwrap_or_default();
    let s = &s.clone().with_now(today);
    let f = fixture(s, "G1").await;
    let system = &f.system;
    let z = NewCompany {
        code: code("Z"),
        name: "Z社".into(),
        kind: CompanyKind::Subsidiary,
        parent: Some(code("A")),
        acquired_on: NaiveDate::from_ymd_opt(2024, 11, 1),
        in_reporting_scope: false,
    };
    ok(s.add_company(system, z).await);
    let n = NewCompany {
        code: code("N"),
        name: "N社".into(),
        kind: CompanyKind::Subsidiary,
        parent: None,
        acquired_on: NaiveDate::from_ymd_opt(2026, 6, 1),
        in_reporting_scope: true,
    };
    ok(s.add_company(system, n).await);
    ok(s.add_site(
        system,
        NewSite {
            company: code("X"),
            code: code("X-Y"),
            name: "拠点Y".into(),
            address: None,
            in_reporting_scope: false,
        },
    )
    .await);
    for c in ["A", "X", "Y", "Z"] {
        let p = ok(s
            .add_person(
                system,
                NewPerson {
                    name: format!("{c}社 責任者"),
                    email: Some(email(&format!("lead@{}.example", c.to_lowercase()))),
                    position: Some("部長".into()),
                    company: code(c),
                    department: None,
                },
            )
            .await);
        ok(
            s.assign_security_staff(system, &code(c), p.id, StaffRole::Lead, None)
                .await,
        );
    }
    let found = ok(s.check_org(&f.ciso).await);
    let summary: Vec<(OrgFindingKind, &str)> = found
        .iter()
        .map(|f| (f.kind, f.company_code.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (OrgFindingKind::CompanyWithoutSecurityLead, "N"),
            (OrgFindingKind::CompanyOutsideReportingScope, "Z"),
            (OrgFindingKind::SiteOutsideReportingScope, "X"),
            (OrgFindingKind::RecentlyAcquiredCompany, "N"),
        ]
    );
    // X's lead sees only X's findings.
    let found = ok(s.check_org(&f.lead_x).await);
    assert!(found.iter().all(|f| f.company_code == "X"), "{found:?}");
    // Replacing a lead archives the old assignment: still one lead.
    let p = ok(s
        .add_person(
            system,
            NewPerson {
                name: "新責任者".into(),
                email: None,
                position: None,
                company: code("X"),
                department: None,
            },
        )
        .await);
    ok(
        s.assign_security_staff(&f.lead_x, &code("X"), p.id, StaffRole::Lead, Some("異動"))
            .await,
    );
    let leads: Vec<_> = ok(s.security_staff(&f.lead_x).await)
        .into_iter()
        .filter(|st| st.role == StaffRole::Lead)
        .collect();
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[0].person, p.id);
}

fn draft(
    kind: ArtifactKind,
    company: Option<&str>,
    inputs: Vec<kamae_core::ids::ArtifactVersionId>,
) -> NewArtifactDraft {
    NewArtifactDraft {
        kind,
        company: company.map(code),
        title: format!("{} 案", kind.label_ja()),
        body: "# 本文\n".into(),
        inputs,
    }
}

async fn approvals_loop_back_on_rejection(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let v = ok(s
        .draft_artifact(
            &f.office,
            draft(ArtifactKind::StrategyAndPlan, None, vec![]),
        )
        .await);
    let id = v.reference.version;
    ok(s.submit_artifact(&f.office, id).await);
    // Submitted versions wait for a decision.
    assert_eq!(
        err_code(s.edit_artifact(&f.office, id, "t", "b", &[]).await),
        "awaiting_decision"
    );
    // The CISO office cannot approve a plan; the CISO neither (the executives approve plans).
    assert_eq!(
        err_code(s.approve_artifact(&f.office, id).await),
        "forbidden"
    );
    assert_eq!(err_code(s.approve_artifact(&f.ciso, id).await), "forbidden");
    assert_eq!(ok(s.approvals_inbox(&f.exec).await).len(), 1);
    assert!(ok(s.approvals_inbox(&f.ciso).await).is_empty());
    assert_eq!(
        err_code(s.reject_artifact(&f.exec, id, " ").await),
        "reason_required"
    );
    let rejected = ok(s
        .reject_artifact(&f.exec, id, "予算の根拠が足りません")
        .await);
    assert_eq!(rejected.approval.state.as_str(), "rejected");
    assert_eq!(
        rejected.approval.decision_reason.as_deref(),
        Some("予算の根拠が足りません")
    );
    let revised = ok(s
        .edit_artifact(&f.office, id, "戦略・計画 改訂", "根拠を追記", &[])
        .await);
    assert_eq!(revised.reference.version, id);
    assert_eq!(revised.approval.state.as_str(), "draft");
    ok(s.submit_artifact(&f.office, id).await);
    let approved = ok(s.approve_artifact(&f.exec, id).await);
    assert_eq!(approved.approval.state.as_str(), "approved");
    assert!(approved.approval.content_hash.is_some());
    // Nobody approves their own submission, even with the right role: the CISO drafts and
    // submits the standard, and cannot then approve it.
    let standard = ok(s
        .draft_artifact(&f.ciso, draft(ArtifactKind::MeasuresAndRules, None, vec![]))
        .await);
    ok(s.submit_artifact(&f.ciso, standard.reference.version).await);
    assert_eq!(
        err_code(
            s.approve_artifact(&f.ciso, standard.reference.version)
                .await
        ),
        "own_submission"
    );
    assert_eq!(
        err_code(
            s.reject_artifact(&f.ciso, standard.reference.version, "x")
                .await
        ),
        "own_submission"
    );
    // Executives read and approve; they do not write.
    assert_eq!(
        err_code(s.edit_artifact(&f.exec, id, "x", "y", &[]).await),
        "forbidden"
    );
    let v2 = ok(s.edit_artifact(&f.office, id, "次の版", "b", &[]).await);
    assert_eq!(v2.reference.number, 2);
    assert_eq!(
        err_code(s.edit_artifact(&f.office, id, "x", "y", &[]).await),
        "open_version_exists"
    );
    // The history of the version shows each step with its reason.
    let steps: Vec<(String, Option<String>)> = ok(s
        .history(&f.auditor, "artifact_version", &id.to_string())
        .await)
    .into_iter()
    .filter(|e| e.record_kind == "approval")
    .map(|e| (e.action, e.reason))
    .collect();
    assert_eq!(
        steps,
        vec![
            ("open".into(), None),
            ("submit".into(), None),
            ("reject".into(), Some("予算の根拠が足りません".into())),
            ("revise".into(), None),
            ("submit".into(), None),
            ("approve".into(), None),
        ]
    );
}

async fn editing_an_approved_version_makes_a_new_draft(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let v1 = ok(s
        .draft_artifact(
            &f.office,
            draft(ArtifactKind::MeasuresAndRules, None, vec![]),
        )
        .await);
    ok(s.submit_artifact(&f.office, v1.reference.version).await);
    // The standard is the CISO's to approve.
    assert_eq!(
        err_code(s.approve_artifact(&f.exec, v1.reference.version).await),
        "forbidden"
    );
    ok(s.approve_artifact(&f.ciso, v1.reference.version).await);
    let v2 = ok(s
        .edit_artifact(
            &f.office,
            v1.reference.version,
            "基準 2027年版",
            "改訂",
            &[],
        )
        .await);
    assert_eq!(v2.reference.number, 2);
    assert_eq!(v2.approval.state.as_str(), "draft");
    let still = ok(s.artifact_version(&f.office, v1.reference.version).await);
    assert_eq!(still.approval.state.as_str(), "approved");
    assert_eq!(still.title, v1.title);
    // The group's standard is readable by everyone in the group, even a site practitioner.
    ok(
        s.artifact_version(&f.practitioner_site_x1, v1.reference.version)
            .await,
    );
    let list = ok(s.artifacts(&f.lead_y).await);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].current.as_ref().map(|c| c.number), Some(1));
    assert_eq!(list[0].latest.number, 2);
}

async fn stale_artifacts_and_the_a_e_round_trip(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let approve = |id| {
        let (s, office, exec) = (s.clone(), f.office.clone(), f.exec.clone());
        async move {
            ok(s.submit_artifact(&office, id).await);
            ok(s.approve_artifact(&exec, id).await)
        }
    };
    // E v1 → A v1 (objectives from the risk assessment) → B v1.
    let e1 = ok(s
        .draft_artifact(&f.office, draft(ArtifactKind::RiskAssessment, None, vec![]))
        .await)
    .reference
    .version;
    approve(e1).await;
    // Figure 1-3 has no arrow from G to D, and drafts cannot be inputs.
    let g_draft = ok(s
        .draft_artifact(
            &f.office,
            draft(ArtifactKind::IncidentResponseReport, None, vec![]),
        )
        .await);
    assert_eq!(
        err_code(
            s.draft_artifact(
                &f.office,
                draft(
                    ArtifactKind::AdviceToDepartments,
                    None,
                    vec![g_draft.reference.version]
                )
            )
            .await
        ),
        "input_not_approved"
    );
    let a1 = ok(s
        .draft_artifact(
            &f.office,
            draft(ArtifactKind::ObjectivesAndTargets, None, vec![e1]),
        )
        .await)
    .reference
    .version;
    approve(a1).await;
    let b1 = ok(s
        .draft_artifact(
            &f.office,
            draft(ArtifactKind::StrategyAndPlan, None, vec![a1]),
        )
        .await)
    .reference
    .version;
    approve(b1).await;
    assert!(ok(s.stale_artifacts(&f.ciso).await).is_empty());
    // E v2 made from A v1: the round trip, A is not stale.
    let e2 = ok(s
        .edit_artifact(
            &f.office,
            e1,
            "リスクアセスメント 2027",
            "目標を反映",
            &[a1],
        )
        .await)
    .reference
    .version;
    approve(e2).await;
    assert!(
        ok(s.stale_artifacts(&f.ciso).await).is_empty(),
        "{:?}",
        ok(s.stale_artifacts(&f.ciso).await)
    );
    // E v3 made from nothing that A saw: A is stale, and B through A.
    let e3 = ok(s
        .edit_artifact(
            &f.office,
            e2,
            "リスクアセスメント 臨時",
            "インシデント後の再評価",
            &[],
        )
        .await)
    .reference
    .version;
    approve(e3).await;
    let stale = ok(s.stale_artifacts(&f.ciso).await);
    assert_eq!(stale.len(), 2, "{stale:?}");
    let a = stale
        .iter()
        .find(|v| v.artifact.version == a1)
        .unwrap_or_else(|| panic!("A not stale: {stale:?}"));
    assert_eq!(a.reasons[0].used.version, e1);
    assert_eq!(a.reasons[0].newer.version, e3);
    assert!(a.reasons[0].ja.contains("第3版"), "{}", a.reasons[0].ja);
    let b = stale
        .iter()
        .find(|v| v.artifact.version == b1)
        .unwrap_or_else(|| panic!("B not stale: {stale:?}"));
    assert_eq!(
        b.reasons[0]
            .via
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        vec![a1]
    );
    // A v2 from E v3 settles A; B is now stale directly (A v2 replaced the A v1 it used).
    let a2 = ok(s
        .edit_artifact(&f.office, a1, "目的・目標 改訂", "b", &[e3])
        .await)
    .reference
    .version;
    approve(a2).await;
    let stale = ok(s.stale_artifacts(&f.ciso).await);
    assert_eq!(stale.len(), 1);
    assert_eq!(stale[0].artifact.version, b1);
    assert_eq!(stale[0].reasons[0].newer.version, a2);
    // E's next version made from A v2 keeps everything settled around A and E.
    let e4 = ok(s.edit_artifact(&f.office, e3, "E", "b", &[a2]).await)
        .reference
        .version;
    approve(e4).await;
    let stale = ok(s.stale_artifacts(&f.ciso).await);
    assert_eq!(
        stale.iter().map(|v| v.artifact.version).collect::<Vec<_>>(),
        vec![b1]
    );
    // Company-scoped series: X's lead sees X's own staleness only.
    assert!(ok(s.stale_artifacts(&f.lead_x).await).is_empty());
}

async fn sensitive_grants_need_a_second_administrator(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    // With one administrator, adding a second needs no confirmation.
    let (_, grant) = ok(s
        .add_user(&f.admin, &email("admin2@g1.example"), "管理者2", None, true)
        .await);
    assert_eq!(grant.map(|g| g.pending), Some(false));
    let admin2 = ok(s.actor_for_email(&email("admin2@g1.example")).await);
    // Now there are two: granting executive waits for the other administrator.
    let g = ok(s
        .grant(
            &f.admin,
            &email("nobody@g1.example"),
            Capability::Role(kamae_core::access::Role::Executive),
            &ScopeSpec::Group,
            None,
        )
        .await);
    assert!(g.pending);
    let nobody = ok(s.actor_for_email(&email("nobody@g1.example")).await);
    assert!(
        ok(s.companies(&nobody).await).is_empty(),
        "a pending grant grants nothing"
    );
    assert_eq!(
        err_code(s.confirm_grant(&f.admin, g.id).await),
        "second_administrator_required"
    );
    // A non-sensitive grant takes effect at once.
    let v = ok(s
        .grant(
            &f.admin,
            &email("nobody@g1.example"),
            Capability::Role(kamae_core::access::Role::Viewer),
            &ScopeSpec::Company(code("Y")),
            None,
        )
        .await);
    assert!(!v.pending);
    let confirmed = ok(s.confirm_grant(&admin2, g.id).await);
    assert!(!confirmed.pending);
    assert_eq!(confirmed.confirmed_by.as_deref(), Some("admin2@g1.example"));
    let nobody = ok(s.actor_for_email(&email("nobody@g1.example")).await);
    assert_eq!(ok(s.companies(&nobody).await).len(), 3);
    // The CISO and auditors see sensitive grants; a company lead does not.
    let seen = ok(s.sensitive_grants(&f.ciso).await);
    assert!(seen.iter().any(|x| x.id == g.id && x.role == "executive"));
    assert!(
        seen.iter()
            .any(|x| x.role == "administrator" && x.user_email == "admin2@g1.example")
    );
    ok(s.sensitive_grants(&f.auditor).await);
    assert_eq!(err_code(s.sensitive_grants(&f.lead_x).await), "not_found");
    // Administration is over the whole group only.
    assert_eq!(
        err_code(
            s.grant(
                &f.admin,
                &email("nobody@g1.example"),
                Capability::Administration,
                &ScopeSpec::Company(code("X")),
                None
            )
            .await
        ),
        "invalid_scope"
    );
    // The last administrator cannot be removed.
    assert_eq!(
        err_code(
            s.disable_user(&f.admin, &email("admin2@g1.example"), Some("退職"))
                .await
        ),
        "revoke_administration_first"
    );
    let g2 = ok(s.users(&f.admin).await)
        .into_iter()
        .find(|u| u.email == "admin2@g1.example")
        .and_then(|u| u.grants.into_iter().find(|g| g.role == "administrator"))
        .unwrap_or_else(|| panic!("admin2 is an administrator"));
    ok(s.revoke_grant(&f.admin, g2.id, Some("退職")).await);
    ok(s.confirm_grant(&admin2, g2.id).await);
    ok(
        s.disable_user(&f.admin, &email("admin2@g1.example"), Some("退職"))
            .await,
    );
    assert_eq!(
        err_code(
            s.disable_user(&f.admin, &email("admin@g1.example"), Some("x"))
                .await
        ),
        "cannot_disable_self"
    );
    assert_eq!(
        err_code(
            s.disable_user(&f.system, &email("admin@g1.example"), Some("x"))
                .await
        ),
        "last_administrator"
    );
    let own = ok(s.users(&f.admin).await)
        .into_iter()
        .find(|u| u.email == "admin@g1.example")
        .and_then(|u| u.grants.into_iter().find(|g| g.role == "administrator"))
        .unwrap_or_else(|| panic!("the first administrator has an administration grant"));
    assert_eq!(
        err_code(s.revoke_grant(&f.admin, own.id, Some("x")).await),
        "last_administrator"
    );
}

async fn expired_and_revoked_grants_grant_nothing(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let today = ok(s.today(f.group.id).await);
    assert_eq!(
        err_code(
            s.grant(
                &f.admin,
                &email("nobody@g1.example"),
                Capability::Role(kamae_core::access::Role::Auditor),
                &ScopeSpec::Group,
                Some(today - Duration::days(1))
            )
            .await
        ),
        "until_in_past"
    );
    let g = ok(s
        .grant(
            &f.admin,
            &email("nobody@g1.example"),
            Capability::Role(kamae_core::access::Role::Auditor),
            &ScopeSpec::Group,
            Some(today),
        )
        .await);
    let nobody = ok(s.actor_for_email(&email("nobody@g1.example")).await);
    assert_eq!(
        ok(s.companies(&nobody).await).len(),
        3,
        "valid through its end date"
    );
    // Two days later the grant has ended.
    let later = s.clone().with_now(s.now() + Duration::days(2));
    let nobody = ok(later.actor_for_email(&email("nobody@g1.example")).await);
    assert!(ok(later.companies(&nobody).await).is_empty());
    // Revoking needs a reason and takes effect at once.
    let g2 = ok(s
        .grant(
            &f.admin,
            &email("nobody@g1.example"),
            Capability::Role(kamae_core::access::Role::Viewer),
            &ScopeSpec::Group,
            None,
        )
        .await);
    assert_eq!(
        err_code(s.revoke_grant(&f.admin, g2.id, None).await),
        "reason_required"
    );
    ok(s.revoke_grant(&f.admin, g2.id, Some("異動")).await);
    ok(s.revoke_grant(&f.admin, g.id, Some("監査終了")).await);
    let nobody = ok(s.actor_for_email(&email("nobody@g1.example")).await);
    assert!(ok(s.companies(&nobody).await).is_empty());
}

async fn disabling_a_user_ends_sessions_and_tokens(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    ok(
        s.set_password(&f.admin, &email("lead-x@g1.example"), PASSWORD)
            .await,
    );
    let (actor, session) = ok(s.sign_in("lead-x@g1.example", PASSWORD, None).await);
    let (_, token) = ok(s.create_api_token(&actor, "集計スクリプト", None).await);
    ok(s.actor_for_session(&session).await);
    ok(s.actor_for_api_token(&token).await);
    ok(
        s.disable_user(&f.admin, &email("lead-x@g1.example"), Some("退職"))
            .await,
    );
    assert_eq!(
        err_code(s.actor_for_session(&session).await),
        "session_ended"
    );
    assert_eq!(
        err_code(s.actor_for_api_token(&token).await),
        "invalid_token"
    );
    assert_eq!(
        err_code(s.actor_for_email(&email("lead-x@g1.example")).await),
        "user_disabled"
    );
    assert_eq!(
        err_code(s.sign_in("lead-x@g1.example", PASSWORD, None).await),
        "sign_in_failed"
    );
}

async fn sign_in_and_the_security_event_log(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    ok(
        s.set_password(&f.admin, &email("auditor@g1.example"), PASSWORD)
            .await,
    );
    assert_eq!(
        err_code(
            s.sign_in("auditor@g1.example", "wrong password!!", None)
                .await
        ),
        "sign_in_failed"
    );
    assert_eq!(
        err_code(
            s.sign_in("ghost@g1.example", "wrong password!!", None)
                .await
        ),
        "sign_in_failed"
    );
    let (actor, _) = ok(s.sign_in("AUDITOR@g1.example", PASSWORD, None).await);
    assert_eq!(actor.user(), f.auditor.user());
    let events = ok(s.security_events(&f.ciso, 100).await);
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"sign_in_failed"));
    assert!(actions.contains(&"sign_in"));
    assert!(actions.contains(&"grant"));
    // A failed sign-in for an unknown address belongs to no group and is not shown here.
    assert!(!events.iter().any(|e| e.record_id == "ghost@g1.example"));
    ok(s.security_events(&f.auditor, 10).await);
    assert_eq!(
        err_code(s.security_events(&f.office, 10).await),
        "not_found"
    );
    assert_eq!(err_code(s.security_events(&f.admin, 10).await), "not_found");
    // Passwords follow the policy.
    assert_eq!(
        err_code(
            s.set_password(&f.admin, &email("auditor@g1.example"), "short")
                .await
        ),
        "weak_password"
    );
}

async fn backup_and_restore(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let dir = ok(tempfile::tempdir());
    let file = dir.path().join("kamae-backup.db");
    if s.backend() == Backend::Postgres {
        assert_eq!(err_code(s.backup_to(&file).await), "use_pg_dump");
        return;
    }
    ok(s.backup_to(&file).await);
    use std::os::unix::fs::PermissionsExt;
    let mode = ok(std::fs::metadata(&file)).permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // Not into a data directory that holds something.
    let occupied = dir.path().join("occupied");
    ok(std::fs::create_dir_all(&occupied));
    ok(std::fs::write(occupied.join("x"), b"x"));
    assert_eq!(
        err_code(kamae_store::Store::restore_into(&file, &occupied, None).await),
        "data_dir_not_empty"
    );
    let restored =
        ok(kamae_store::Store::restore_into(&file, &dir.path().join("restored"), None).await);
    let ciso = ok(restored.actor_for_email(&email("ciso@g1.example")).await);
    assert_eq!(ok(restored.companies(&ciso).await).len(), 3);
    match (ok(s.verify(None).await), ok(restored.verify(None).await)) {
        (Verification::Intact { head: a, .. }, Verification::Intact { head: b, .. }) => {
            assert_eq!(a, b)
        }
        other => panic!("{other:?}"),
    }
    let _ = f;
    restored.close().await;
}

async fn archiving_keeps_history_and_what_hangs_on_a_record(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let p = ok(s
        .add_person(
            &f.ciso,
            NewPerson {
                name: "退職予定者".into(),
                email: Some(email("leaving@x.example")),
                position: None,
                company: code("X"),
                department: Some(code("X-EC")),
            },
        )
        .await);
    ok(
        s.assign_security_staff(&f.ciso, &code("X"), p.id, StaffRole::Lead, None)
            .await,
    );
    // X still has a site, a department and a person: it cannot go first.
    assert_eq!(
        err_code(
            s.archive_org_record(&f.ciso, OrgRecord::Company(code("X")), Some("統合"))
                .await
        ),
        "has_dependants"
    );
    assert_eq!(
        err_code(
            s.archive_org_record(&f.ciso, OrgRecord::Department(code("X-EC")), Some("廃止"))
                .await
        ),
        "has_dependants"
    );
    // Archiving the person ends their part as X's lead, with the same reason.
    ok(
        s.archive_org_record(&f.lead_x, OrgRecord::Person(p.id), Some("退職"))
            .await,
    );
    assert!(ok(s.security_staff(&f.ciso).await).is_empty());
    assert!(ok(s.people(&f.ciso).await).iter().all(|x| x.id != p.id));
    let found = ok(s.check_org(&f.ciso).await);
    assert!(
        found
            .iter()
            .any(|x| x.kind == OrgFindingKind::CompanyWithoutSecurityLead && x.company_code == "X")
    );
    let history = ok(s.history(&f.auditor, "person", &p.id.to_string()).await);
    assert_eq!(
        history
            .last()
            .map(|h| (h.action.as_str(), h.reason.as_deref())),
        Some(("archive", Some("退職")))
    );
    for u in ok(s.users(&f.admin).await) {
        for g in u
            .grants
            .iter()
            .filter(|g| g.scope.contains(":X") && !g.revoked)
        {
            ok(s.revoke_grant(&f.admin, g.id, Some("組織変更")).await);
        }
    }
    ok(
        s.archive_org_record(&f.ciso, OrgRecord::Department(code("X-EC")), Some("廃止"))
            .await,
    );
    assert_eq!(
        err_code(
            s.archive_org_record(
                &f.practitioner_site_x1,
                OrgRecord::Site(code("X1")),
                Some("閉鎖")
            )
            .await
        ),
        "forbidden"
    );
    ok(
        s.archive_org_record(&f.ciso, OrgRecord::Site(code("X1")), Some("閉鎖"))
            .await,
    );
    ok(
        s.archive_org_record(&f.ciso, OrgRecord::Company(code("X")), Some("統合"))
            .await,
    );
    assert_eq!(
        err_code(s.company_by_code(&f.ciso, &code("X")).await),
        "not_found"
    );
    // Its history is still there for the auditor.
    assert!(!ok(s.history(&f.auditor, "company", &f.x.id.to_string()).await).is_empty());
}

async fn approval_binds_to_every_input_even_those_the_approver_cannot_see(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    // An executive for company X only, and X's own risk assessment made from the group plan.
    let exec_x = user(
        s,
        &f.admin,
        "exec-x@g1.example",
        Some(("executive", "company:X")),
    )
    .await;
    let plan = ok(s
        .draft_artifact(
            &f.office,
            draft(ArtifactKind::StrategyAndPlan, None, vec![]),
        )
        .await);
    ok(s.submit_artifact(&f.office, plan.reference.version).await);
    ok(s.approve_artifact(&f.exec, plan.reference.version).await);
    let e = ok(s
        .draft_artifact(
            &f.ciso,
            draft(
                ArtifactKind::RiskAssessment,
                Some("X"),
                vec![plan.reference.version],
            ),
        )
        .await);
    let id = e.reference.version;
    // X's lead cannot see the group plan; editing must not drop it.
    let edited = ok(s
        .edit_artifact(&f.lead_x, id, "Xのリスク", "更新", &[])
        .await);
    assert!(edited.inputs.is_empty(), "the lead does not see the plan");
    let seen_by_ciso = ok(s.artifact_version(&f.ciso, id).await);
    assert_eq!(seen_by_ciso.inputs.len(), 1, "the hidden input was kept");
    // History shown to the lead leaves out what the lead cannot see.
    let history = ok(s
        .history(&f.lead_x, "artifact_version", &id.to_string())
        .await);
    let text = serde_json::to_string(&history).unwrap_or_default();
    assert!(
        !text.contains(&plan.reference.version.to_string()),
        "{text}"
    );
    let full = serde_json::to_string(&ok(s
        .history(&f.ciso, "artifact_version", &id.to_string())
        .await))
    .unwrap_or_default();
    assert!(full.contains(&plan.reference.version.to_string()));
    // Submitted by the lead, approved by an executive who cannot see the plan either.
    ok(s.submit_artifact(&f.lead_x, id).await);
    let approved = ok(s.approve_artifact(&exec_x, id).await);
    assert_eq!(approved.approval.state.as_str(), "approved");
}

async fn administrators_cannot_remove_the_second_signature(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    ok(s.add_user(
        &f.admin,
        &email("admin2@g1.example"),
        "二人目",
        Some(PASSWORD),
        true,
    )
    .await);
    let admin2 = ok(s.actor_for_email(&email("admin2@g1.example")).await);
    let grant_of = |users: Vec<kamae_store::users::UserView>, who: &str| {
        users
            .into_iter()
            .find(|u| u.email == who)
            .and_then(|u| {
                u.grants
                    .into_iter()
                    .find(|g| g.role == "administrator" && !g.revoked)
            })
            .unwrap_or_else(|| panic!("{who} is an administrator"))
    };
    let g2 = grant_of(ok(s.users(&f.admin).await), "admin2@g1.example");
    // Revoking the other administrator waits for a second administrator…
    let pending = ok(s.revoke_grant(&f.admin, g2.id, Some("不要")).await);
    assert!(pending.revocation_pending && !pending.revoked);
    // …so that the first cannot then grant themselves executive alone.
    let exec = ok(s
        .grant(
            &f.admin,
            &email("admin@g1.example"),
            Capability::Role(kamae_core::access::Role::Executive),
            &ScopeSpec::Group,
            None,
        )
        .await);
    assert!(exec.pending);
    assert_eq!(
        err_code(s.confirm_grant(&f.admin, g2.id).await),
        "second_administrator_required"
    );
    // Disabling an administrator, or setting their password, is no way around it.
    assert_eq!(
        err_code(
            s.disable_user(&f.admin, &email("admin2@g1.example"), Some("x"))
                .await
        ),
        "revoke_administration_first"
    );
    assert_eq!(
        err_code(
            s.set_password(
                &f.admin,
                &email("admin2@g1.example"),
                "a brand new password"
            )
            .await
        ),
        "administrator_password_is_their_own"
    );
    ok(
        s.set_password(&admin2, &email("admin2@g1.example"), "a brand new password")
            .await,
    );
    // The second administrator confirms their own removal; then one remains, who stays.
    let revoked = ok(s.confirm_grant(&admin2, g2.id).await);
    assert!(revoked.revoked);
    let g1 = grant_of(ok(s.users(&f.admin).await), "admin@g1.example");
    assert_eq!(
        err_code(s.revoke_grant(&f.admin, g1.id, Some("x")).await),
        "last_administrator"
    );
    // Two administrators revoking each other at once leave at least one.
    ok(
        s.add_user(&f.admin, &email("admin3@g1.example"), "三人目", None, true)
            .await,
    );
    let g3 = grant_of(ok(s.users(&f.admin).await), "admin3@g1.example");
    let admin3 = ok(s.actor_for_email(&email("admin3@g1.example")).await);
    let (a, b) = tokio::join!(
        s.revoke_grant(&f.admin, g3.id, Some("x")),
        s.revoke_grant(&admin3, g1.id, Some("x"))
    );
    ok(a);
    ok(b);
    let (a, b) = tokio::join!(
        s.confirm_grant(&admin3, g3.id),
        s.confirm_grant(&f.admin, g1.id)
    );
    assert!(
        a.is_ok() != b.is_ok(),
        "exactly one revocation may complete: {a:?} {b:?}"
    );
    let admins = ok(s.users(&f.system).await)
        .into_iter()
        .filter(|u| {
            u.grants
                .iter()
                .any(|g| g.role == "administrator" && !g.revoked && !g.pending)
        })
        .count();
    assert_eq!(admins, 1);
}

async fn bad_text_and_bad_logins_are_refused_cleanly(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    let mut d = draft(ArtifactKind::RiskAssessment, None, vec![]);
    d.body = "本文\0".into();
    assert_eq!(
        err_code(s.draft_artifact(&f.office, d).await),
        "invalid_text"
    );
    // A password typed into the e-mail field does not enter the audit trail.
    assert_eq!(
        err_code(s.sign_in("my secret password", "x", None).await),
        "sign_in_failed"
    );
    let dump = ok(t.tamper_dump_audit().await);
    assert!(!dump.contains("my secret password"));
    assert!(dump.contains("[invalid]"));
}

async fn api_tokens_expire_and_end(t: &TestStore) {
    let s = &t.store;
    let f = fixture(s, "G1").await;
    assert_eq!(
        err_code(s.create_api_token(&f.ciso, "old", Some(0)).await),
        "invalid_token_days"
    );
    assert_eq!(
        err_code(s.create_api_token(&f.ciso, "long", Some(91)).await),
        "invalid_token_days"
    );
    let (id, secret) = ok(s.create_api_token(&f.ciso, "集計", Some(1)).await);
    ok(s.actor_for_api_token(&secret).await);
    let later = s.clone().with_now(s.now() + Duration::days(2));
    assert_eq!(
        err_code(later.actor_for_api_token(&secret).await),
        "invalid_token"
    );
    // Without a number of days, a token lives 90 days.
    let (_, default) = ok(s.create_api_token(&f.ciso, "既定", None).await);
    ok(s.clone()
        .with_now(s.now() + Duration::days(89))
        .actor_for_api_token(&default)
        .await);
    assert_eq!(
        err_code(
            s.clone()
                .with_now(s.now() + Duration::days(91))
                .actor_for_api_token(&default)
                .await
        ),
        "invalid_token"
    );
    // An administrator makes one for a user; only an administrator.
    ok(
        s.create_api_token_for(&f.admin, &email("auditor@g1.example"), "監査用", Some(30))
            .await,
    );
    assert_eq!(
        err_code(
            s.create_api_token_for(&f.ciso, &email("auditor@g1.example"), "x", None)
                .await
        ),
        "not_found"
    );
    let (id2, secret2) = ok(s.create_api_token(&f.ciso, "手作業", None).await);
    assert_eq!(ok(s.api_tokens(&f.ciso).await).len(), 3);
    // Someone else's token is not theirs to end; the owner ends it.
    assert_eq!(
        err_code(s.revoke_api_token(&f.lead_x, id2, Some("x")).await),
        "not_found"
    );
    ok(s.revoke_api_token(&f.ciso, id2, Some("不要")).await);
    assert_eq!(
        err_code(s.actor_for_api_token(&secret2).await),
        "invalid_token"
    );
    let _ = id;
}

fn code_for(secret_base32: &str, at: chrono::DateTime<chrono::Utc>) -> String {
    let bytes = totp_rs::Secret::try_from_base32(secret_base32)
        .unwrap_or_else(|e| panic!("{e:?}"))
        .as_bytes()
        .to_vec();
    let totp = totp_rs::Builder::new()
        .with_secret(bytes)
        .with_account_name("x@example.com")
        .build()
        .unwrap_or_else(|e| panic!("{e:?}"));
    totp.generate(at.timestamp() as u64).to_string()
}

async fn a_second_factor_completes_the_session(t: &TestStore) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 28, 3, 0, 0)
        .single()
        .unwrap_or_default();
    let s = &t.store.clone().with_now(now);
    let f = fixture(s, "G1").await;
    ok(
        s.set_password(&f.admin, &email("ciso@g1.example"), PASSWORD)
            .await,
    );
    // The policy asks the CISO for a second factor; demo groups would not.
    let status = ok(s.mfa_status(&f.ciso).await);
    assert!(status.required && !status.enabled && !status.demo_group);
    assert!(!ok(s.mfa_status(&f.lead_x).await).required);
    let enrolment = ok(s.start_totp_enrolment(&f.ciso).await);
    assert!(enrolment.otpauth_url.starts_with("otpauth://totp/"));
    assert_eq!(
        err_code(s.confirm_totp_enrolment(&f.ciso, "000000").await),
        "invalid_code"
    );
    let codes = ok(s
        .confirm_totp_enrolment(&f.ciso, &code_for(&enrolment.secret_base32, now))
        .await);
    assert_eq!(codes.len(), 10);
    // The secret never entered the audit trail.
    let dump = ok(t.tamper_dump_audit().await);
    assert!(!dump.contains(&enrolment.secret_base32));
    assert!(!dump.contains(&codes[0]));
    // Signing in now opens the session half-way.
    let later = now + Duration::seconds(90);
    let s2 = &t.store.clone().with_now(later);
    let (_, session) = ok(s2.sign_in("ciso@g1.example", PASSWORD, None).await);
    assert!(ok(s2.session_user(&session).await).second_factor_pending);
    assert_eq!(
        err_code(s2.actor_for_session(&session).await),
        "session_ended"
    );
    assert_eq!(
        err_code(s2.complete_second_factor(&session, "123456").await),
        "invalid_code"
    );
    let code = code_for(&enrolment.secret_base32, later);
    ok(s2.complete_second_factor(&session, &code).await);
    assert!(!ok(s2.session_user(&session).await).second_factor_pending);
    ok(s2.actor_for_session(&session).await);
    // The same code is not accepted twice; a recovery code is, once.
    let s2 = &t.store.clone().with_now(later + Duration::milliseconds(1));
    let (_, again) = ok(s2.sign_in("ciso@g1.example", PASSWORD, None).await);
    assert_eq!(
        err_code(s2.complete_second_factor(&again, &code).await),
        "invalid_code"
    );
    ok(s2.complete_second_factor(&again, &codes[0]).await);
    let s2 = &t.store.clone().with_now(later + Duration::milliseconds(2));
    let (_, third) = ok(s2.sign_in("ciso@g1.example", PASSWORD, None).await);
    assert_eq!(
        err_code(s2.complete_second_factor(&third, &codes[0]).await),
        "invalid_code"
    );
    // Five wrong codes (the reused recovery code was the first) end the half-open session.
    for _ in 0..4 {
        assert_eq!(
            err_code(s2.complete_second_factor(&third, "000000").await),
            "invalid_code"
        );
    }
    assert_eq!(
        err_code(
            s2.complete_second_factor(&third, &code_for(&enrolment.secret_base32, later))
                .await
        ),
        "session_ended"
    );
    // Required by the policy: it cannot be turned off; the administrator can change that.
    assert_eq!(
        err_code(s2.disable_totp(&f.ciso, "wrong").await),
        "wrong_password"
    );
    assert_eq!(
        err_code(s2.disable_totp(&f.ciso, PASSWORD).await),
        "mfa_required"
    );
    assert_eq!(
        err_code(s2.set_mfa_policy(&f.ciso, &["viewer".into()]).await),
        "not_found"
    );
    assert_eq!(
        err_code(s2.set_mfa_policy(&f.admin, &["emperor".into()]).await),
        "invalid_choice"
    );
    ok(s2.set_mfa_policy(&f.admin, &["administrator".into()]).await);
    ok(s2.disable_totp(&f.ciso, PASSWORD).await);
    let events = ok(s2.security_events(&f.auditor, 200).await);
    for action in [
        "mfa_enabled",
        "mfa_passed",
        "mfa_failed",
        "recovery_code_used",
        "mfa_disabled",
    ] {
        assert!(events.iter().any(|e| e.action == action), "{action}");
    }
}

async fn sessions_expire_when_idle_and_passwords_change(t: &TestStore) {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 28, 3, 0, 0)
        .single()
        .unwrap_or_default();
    let at = |minutes: i64| t.store.clone().with_now(now + Duration::minutes(minutes));
    let f = fixture(&at(0), "G1").await;
    ok(at(0)
        .set_password(&f.admin, &email("lead-x@g1.example"), PASSWORD)
        .await);
    let (_, session) = ok(at(0).sign_in("lead-x@g1.example", PASSWORD, None).await);
    // Used every 20 minutes, the session lives on; left for 31, it ends.
    ok(at(20).session_user(&session).await);
    ok(at(40).session_user(&session).await);
    assert_eq!(
        err_code(at(71).session_user(&session).await),
        "session_ended"
    );
    // Whatever the activity, it ends after 12 hours.
    let (_, session) = ok(at(100).sign_in("lead-x@g1.example", PASSWORD, None).await);
    let mut m = 100;
    while m < 100 + 12 * 60 - 20 {
        m += 20;
        ok(at(m).session_user(&session).await);
    }
    assert_eq!(
        err_code(at(100 + 12 * 60 + 1).session_user(&session).await),
        "session_ended"
    );
    // A password change needs the current one.
    assert_eq!(
        err_code(
            at(0)
                .change_password(&f.lead_x, "wrong", "a new long password")
                .await
        ),
        "wrong_password"
    );
    ok(at(0)
        .change_password(&f.lead_x, PASSWORD, "a new long password")
        .await);
    assert_eq!(
        err_code(at(900).sign_in("lead-x@g1.example", PASSWORD, None).await),
        "sign_in_failed"
    );
    ok(at(901)
        .sign_in("lead-x@g1.example", "a new long password", None)
        .await);
}
