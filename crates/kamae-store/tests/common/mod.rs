//! A small group for store tests: parent A, companies X and Y, a site and a department of X,
//! and one user per role, each with the narrowest scope that makes sense.

#![allow(dead_code)]

use kamae_core::access::Actor;
use kamae_core::calendar::GroupCalendar;
use kamae_core::org::{Company, CompanyKind, Department, DepartmentKind, Group, Site};
use kamae_core::text::{Code, Email};
use kamae_store::Store;
use kamae_store::org::{NewCompany, NewDepartment, NewGroup, NewSite};
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
