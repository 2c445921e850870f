//! A small group for store tests: parent A, companies X and Y, a site and a department of X,
//! and one user per role, each with the narrowest scope that makes sense.

#![allow(dead_code)]

use kamae_core::access::Actor;
use kamae_core::calendar::GroupCalendar;
use kamae_core::org::{Company, CompanyKind, Department, DepartmentKind, Group, Site};
use kamae_core::rules::{
    ChangeReason, Criterion, ExceptionKind, FrameworkRef, Milestone, StandardItem, Tier,
};
use kamae_core::text::{Code, Email};
use kamae_store::Store;
use kamae_store::exceptions::NewException;
use kamae_store::org::{NewCompany, NewDepartment, NewGroup, NewSite};
use kamae_store::rules::{StandardDraft, StandardMeta};
use kamae_store::users::{Capability, ScopeSpec};

pub const PASSWORD: &str = "correct horse battery staple";

pub fn code(s: &str) -> Code {
    Code::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

pub fn email(s: &str) -> Email {
    Email::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

pub fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

/// The error code of a call that must fail.
pub fn err_code<T: std::fmt::Debug>(r: Result<T, kamae_store::StoreError>) -> &'static str {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.code(),
    }
}

pub struct Fixture {
    pub group: Group,
    pub system: Actor,
    pub admin: Actor,
    pub a: Company,
    pub x: Company,
    pub y: Company,
    pub site_x1: Site,
    pub dept_x_ec: Department,
    pub exec: Actor,
    pub ciso: Actor,
    pub office: Actor,
    pub lead_x: Actor,
    pub lead_y: Actor,
    pub practitioner_site_x1: Actor,
    pub manager_ec: Actor,
    pub auditor: Actor,
    pub viewer_y: Actor,
    pub nobody: Actor,
}

pub async fn new_group(store: &Store, group_code: &str, admin: &str) -> (Group, Actor) {
    let (group, _) = ok(store
        .init_group(
            NewGroup {
                code: code(group_code),
                name: format!("{group_code} グループ"),
                calendar: GroupCalendar::default(),
                is_demo: false,
            },
            &email(admin),
            "管理者",
            PASSWORD,
        )
        .await);
    let admin = ok(store.actor_for_email(&email(admin)).await);
    (group, admin)
}

pub async fn user(store: &Store, admin: &Actor, mail: &str, role: Option<(&str, &str)>) -> Actor {
    ok(store.add_user(admin, &email(mail), mail, None, false).await);
    if let Some((role, scope)) = role {
        ok(store
            .grant(
                admin,
                &email(mail),
                ok(Capability::parse(role)),
                &ok(ScopeSpec::parse(scope)),
                None,
            )
            .await);
    }
    ok(store.actor_for_email(&email(mail)).await)
}

pub async fn fixture(store: &Store, group_code: &str) -> Fixture {
    let domain = group_code.to_lowercase();
    let (group, admin) = new_group(store, group_code, &format!("admin@{domain}.example")).await;
    let system = Actor::System { group: group.id };
    let company = |c: &str, kind, parent: Option<&str>| NewCompany {
        code: code(c),
        name: format!("{c}社"),
        kind,
        parent: parent.map(code),
        acquired_on: None,
        in_reporting_scope: true,
    };
    let a = ok(store
        .add_company(&system, company("A", CompanyKind::Parent, None))
        .await);
    let x = ok(store
        .add_company(&system, company("X", CompanyKind::Subsidiary, Some("A")))
        .await);
    let y = ok(store
        .add_company(&system, company("Y", CompanyKind::Subsidiary, Some("A")))
        .await);
    let site_x1 = ok(store
        .add_site(
            &system,
            NewSite {
                company: code("X"),
                code: code("X1"),
                name: "拠点X1".into(),
                address: None,
                in_reporting_scope: true,
            },
        )
        .await);
    let dept_x_ec = ok(store
        .add_department(
            &system,
            NewDepartment {
                company: code("X"),
                code: code("X-EC"),
                name: "EC事業部".into(),
                kind: DepartmentKind::Business,
            },
        )
        .await);
    let u = |name: &str| format!("{name}@{domain}.example");
    Fixture {
        exec: user(store, &admin, &u("exec"), Some(("executive", "group"))).await,
        ciso: user(store, &admin, &u("ciso"), Some(("ciso", "group"))).await,
        office: user(store, &admin, &u("office"), Some(("ciso_office", "group"))).await,
        lead_x: user(
            store,
            &admin,
            &u("lead-x"),
            Some(("security_lead", "company:X")),
        )
        .await,
        lead_y: user(
            store,
            &admin,
            &u("lead-y"),
            Some(("security_lead", "company:Y")),
        )
        .await,
        practitioner_site_x1: user(
            store,
            &admin,
            &u("practitioner-x1"),
            Some(("practitioner", "site:X1")),
        )
        .await,
        manager_ec: user(
            store,
            &admin,
            &u("manager-ec"),
            Some(("department_manager", "department:X-EC")),
        )
        .await,
        auditor: user(store, &admin, &u("auditor"), Some(("auditor", "group"))).await,
        viewer_y: user(store, &admin, &u("viewer-y"), Some(("viewer", "company:Y"))).await,
        nobody: user(store, &admin, &u("nobody"), None).await,
        group,
        system,
        admin,
        a,
        x,
        y,
        site_x1,
        dept_x_ec,
    }
}

pub fn item(c: &str, tier: Tier) -> StandardItem {
    StandardItem {
        code: code(c),
        title: format!("{c} の項目"),
        requirement: "退職者のIDを無効化する".into(),
        criterion: Criterion {
            text: "退職日から5営業日以内".into(),
            value: Some("5".into()),
            unit: Some("営業日".into()),
        },
        rationale: "使われないIDは乗っ取りの入口になるため".into(),
        check: "人事の退職者一覧とIDの一覧の突合記録".into(),
        alternative: None,
        category: "アクセス管理".into(),
        tier,
        applicability: None,
        options: vec![],
        mappings: vec![FrameworkRef::NistCsf2("PR.AA-01".into())],
    }
}

pub async fn audit_rows(s: &kamae_store::Store) -> i64 {
    match ok(s.verify(None).await) {
        kamae_store::audit::Verification::Intact { rows, .. } => rows,
        broken => panic!("{broken:?}"),
    }
}

pub fn standard(items: Vec<StandardItem>) -> StandardDraft {
    StandardDraft {
        title: "グループ情報セキュリティ基準".into(),
        meta: StandardMeta {
            reason: ChangeReason::YearlyPlan,
            change_log: "年次見直し".into(),
            next_review_on: chrono::NaiveDate::from_ymd_opt(2027, 10, 1),
        },
        items,
    }
}

/// An approved standard with an item of each tier: ACC-01 (a), DAT-01 (b), NET-01 (c).
pub async fn approved_standard(s: &kamae_store::Store, f: &Fixture) {
    let (v, _) = ok(s
        .save_standard(
            &f.office,
            standard(vec![
                item("ACC-01", Tier::GroupMandatory),
                item("DAT-01", Tier::CompanyMandatory),
                item("NET-01", Tier::Recommended),
            ]),
        )
        .await)
    .unwrap_or_else(|| panic!("written"));
    ok(s.submit_artifact(&f.office, v).await);
    ok(s.approve_artifact(&f.ciso, v).await);
}

pub fn exception(
    items: &[&str],
    starts_on: chrono::NaiveDate,
    expires_on: chrono::NaiveDate,
) -> NewException {
    NewException {
        company: code("X"),
        kind: ExceptionKind::Transitional,
        title: "部品工場の独自対策".into(),
        items: items.iter().map(|c| code(c)).collect(),
        sites: vec![code("X1")],
        reason: "生産設備の更新が来年度のため".into(),
        compensating: "独自のファイアウォールで外部通信を制限し、ログを毎週確認する".into(),
        starts_on,
        expires_on,
        milestones: vec![Milestone {
            what: "UTMの導入".into(),
            owner: "X社 情報システム課".into(),
            due_on: expires_on,
            done_on: None,
        }],
        renews: None,
    }
}
