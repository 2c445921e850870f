//! Organisation administration: companies, sites, departments, people, security staff and
//! business relationships, with `check org`'s findings on top; and, for administrators,
//! users, grants and the second-factor policy.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, Decision, RecordKind, Resource, Role, Scope, authorize};
use kamae_core::calendar::parse_date;
use kamae_core::ids::{GrantId, PersonId, RelationshipId};
use kamae_core::org::{
    BusinessRelationship, Company, CompanyKind, Department, DepartmentKind, OrgFinding, Person,
    SecurityStaff, Site, StaffRole,
};
use kamae_core::text::{Code, Email};
use kamae_store::org::{NewCompany, NewDepartment, NewPerson, NewSite, OrgRecord};
use kamae_store::users::{Capability, ScopeSpec, UserView};
use serde::Deserialize;
use std::collections::HashMap;

use super::forms::{Field, FormPage, form_page};
use super::{Chrome, render};
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::error::Failure;
use crate::i18n::T;

fn allowed(actor: &Actor, action: Action, kind: RecordKind) -> bool {
    authorize(
        actor,
        action,
        &Resource {
            group: actor.group(),
            kind,
            scope: Scope::Group,
        },
    ) == Decision::Allow
}

pub struct CompanyRow {
    pub c: Company,
    pub parent: String,
    pub lead: String,
    pub sites: usize,
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage<'a> {
    chrome: Chrome<'a>,
    findings: Vec<OrgFinding>,
    companies: Vec<CompanyRow>,
    sites: Vec<(Site, String)>,
    departments: Vec<(Department, String)>,
    people: Vec<(Person, String, String)>,
    relationships: Vec<(BusinessRelationship, String, String)>,
    may_write: bool,
    administrator: bool,
    error: Option<String>,
    done: bool,
}

async fn org_page(s: &SignedIn, error: Option<String>, done: bool) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let store = &ctx.state.store;
    let fail = |e| ctx.fail(e);
    let companies = store.companies(actor).await.map_err(fail)?;
    let sites = store.sites(actor).await.map_err(fail)?;
    let departments = store.departments(actor).await.map_err(fail)?;
    let people = store.people(actor).await.map_err(fail)?;
    let staff: Vec<SecurityStaff> = store.security_staff(actor).await.map_err(fail)?;
    let relationships = store.business_relationships(actor).await.map_err(fail)?;
    let findings = store.check_org(actor).await.map_err(fail)?;
    let t = ctx.t();
    let name_of_company: HashMap<_, _> = companies.iter().map(|c| (c.id, c.name.clone())).collect();
    let name_of_person: HashMap<_, _> = people.iter().map(|p| (p.id, p.name.clone())).collect();
    let name_of_department: HashMap<_, _> =
        departments.iter().map(|d| (d.id, d.name.clone())).collect();
    let company_rows = companies
        .iter()
        .map(|c| CompanyRow {
            parent: c
                .parent
                .and_then(|p| name_of_company.get(&p).cloned())
                .unwrap_or_default(),
            lead: staff
                .iter()
                .find(|st| st.company == c.id && st.role == StaffRole::Lead)
                .and_then(|st| name_of_person.get(&st.person).cloned())
                .unwrap_or_else(|| t.get("org.no_lead").to_owned()),
            sites: sites.iter().filter(|s| s.company == c.id).count(),
            c: c.clone(),
        })
        .collect();
    let company_name = |id| name_of_company.get(&id).cloned().unwrap_or_default();
    let page = OrgPage {
        sites: sites
            .iter()
            .map(|s| (s.clone(), company_name(s.company)))
            .collect(),
        departments: departments
            .iter()
            .map(|d| (d.clone(), company_name(d.company)))
            .collect(),
        people: people
            .iter()
            .map(|p| {
                (
                    p.clone(),
                    company_name(p.company),
                    p.department
                        .and_then(|d| name_of_department.get(&d).cloned())
                        .unwrap_or_default(),
                )
            })
            .collect(),
        relationships: relationships
            .iter()
            .map(|r| {
                (
                    r.clone(),
                    company_name(r.companies.0),
                    company_name(r.companies.1),
                )
            })
            .collect(),
        companies: company_rows,
        findings,
        may_write: allowed(actor, Action::Write, RecordKind::Organisation)
            || actor_has_company_write(actor),
        administrator: allowed(actor, Action::Write, RecordKind::Administration),
        error,
        done,
        chrome: Chrome::new(ctx, "org"),
    };
    Ok(render(&page))
}

/// A company's security lead may add to their own company, not to the group.
fn actor_has_company_write(actor: &Actor) -> bool {
    match actor {
        Actor::User(p) => p.active_grants().any(|g| {
            matches!(g.role, Role::SecurityLead) && matches!(g.scope, Scope::Company { .. })
        }),
        Actor::System { .. } => true,
    }
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn org(
    s: SignedIn,
    axum::extract::Query(q): axum::extract::Query<DoneQuery>,
) -> Result<Response, PageError> {
    org_page(&s, None, q.done.is_some()).await
}

fn companies_options(companies: &[Company], with_none: Option<&str>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = with_none
        .map(|n| vec![(String::new(), n.to_owned())])
        .unwrap_or_default();
    v.extend(
        companies
            .iter()
            .map(|c| (c.code.to_string(), format!("{} ({})", c.name, c.code))),
    );
    v
}

fn kinds<K: Copy>(
    all: &[K],
    t: T<'_>,
    code: fn(K) -> &'static str,
    ja: fn(K) -> &'static str,
    en: fn(K) -> &'static str,
) -> Vec<(String, String)> {
    all.iter()
        .map(|k| (code(*k).to_owned(), t.pick(ja(*k), en(*k)).to_owned()))
        .collect()
}

/// The fields of each kind of new record, filled with `values` (what was typed).
async fn fields_for(
    ctx: &Ctx,
    actor: &Actor,
    what: &str,
    values: &HashMap<String, String>,
) -> Result<(String, Vec<Field>), PageError> {
    let t = ctx.t();
    let store = &ctx.state.store;
    let v = |k: &str| values.get(k).cloned().unwrap_or_default();
    let companies = store.companies(actor).await.map_err(|e| ctx.fail(e))?;
    let fields = match what {
        "company" => vec![
            Field::new("code", t.get("org.code"), "text")
                .required()
                .value(v("code"))
                .hint(t.get("org.code_hint")),
            Field::new("name", t.get("org.name"), "text")
                .required()
                .value(v("name")),
            Field::new("kind", t.get("org.kind"), "select")
                .options(kinds(
                    CompanyKind::ALL,
                    t,
                    CompanyKind::as_str,
                    CompanyKind::label_ja,
                    CompanyKind::label_en,
                ))
                .value(if v("kind").is_empty() {
                    "subsidiary".to_owned()
                } else {
                    v("kind")
                }),
            Field::new("parent", t.get("org.parent"), "select")
                .options(companies_options(&companies, Some(t.get("org.none"))))
                .value(v("parent")),
            Field::new("acquired_on", t.get("org.acquired_on"), "date").value(v("acquired_on")),
            Field::new("outside", t.get("org.outside_scope"), "checkbox").value(v("outside")),
        ],
        "site" => vec![
            Field::new("company", t.get("org.company"), "select")
                .required()
                .options(companies_options(&companies, None))
                .value(v("company")),
            Field::new("code", t.get("org.code"), "text")
                .required()
                .value(v("code"))
                .hint(t.get("org.code_hint")),
            Field::new("name", t.get("org.name"), "text")
                .required()
                .value(v("name")),
            Field::new("address", t.get("org.address"), "text").value(v("address")),
            Field::new("outside", t.get("org.outside_scope"), "checkbox").value(v("outside")),
        ],
        "department" => vec![
            Field::new("company", t.get("org.company"), "select")
                .required()
                .options(companies_options(&companies, None))
                .value(v("company")),
            Field::new("code", t.get("org.code"), "text")
                .required()
                .value(v("code"))
                .hint(t.get("org.code_hint")),
            Field::new("name", t.get("org.name"), "text")
                .required()
                .value(v("name")),
            Field::new("kind", t.get("org.kind"), "select")
                .options(kinds(
                    DepartmentKind::ALL,
                    t,
                    DepartmentKind::as_str,
                    DepartmentKind::label_ja,
                    DepartmentKind::label_en,
                ))
                .value(v("kind")),
        ],
        "person" => {
            let departments = store.departments(actor).await.map_err(|e| ctx.fail(e))?;
            let mut dept_options = vec![(String::new(), t.get("org.none").to_owned())];
            dept_options.extend(
                departments
                    .iter()
                    .map(|d| (d.code.to_string(), format!("{} ({})", d.name, d.code))),
            );
            vec![
                Field::new("company", t.get("org.company"), "select")
                    .required()
                    .options(companies_options(&companies, None))
                    .value(v("company")),
                Field::new("department", t.get("org.department"), "select")
                    .options(dept_options)
                    .value(v("department")),
                Field::new("name", t.get("org.person_name"), "text")
                    .required()
                    .value(v("name")),
                Field::new("email", t.get("org.email"), "email").value(v("email")),
                Field::new("position", t.get("org.position"), "text").value(v("position")),
            ]
        }
        "staff" => {
            let people = store.people(actor).await.map_err(|e| ctx.fail(e))?;
            vec![
                Field::new("company", t.get("org.company"), "select")
                    .required()
                    .options(companies_options(&companies, None))
                    .value(v("company")),
                Field::new("person", t.get("org.person_name"), "select")
                    .required()
                    .options(
                        people
                            .iter()
                            .map(|p| (p.id.to_string(), p.name.clone()))
                            .collect(),
                    )
                    .value(v("person")),
                Field::new("role", t.get("org.staff_role"), "select")
                    .options(kinds(
                        StaffRole::ALL,
                        t,
                        StaffRole::as_str,
                        StaffRole::label_ja,
                        StaffRole::label_en,
                    ))
                    .value(v("role")),
                Field::new("reason", t.get("org.reason"), "text").value(v("reason")),
            ]
        }
        "relationship" => vec![
            Field::new("a", t.get("org.company"), "select")
                .required()
                .options(companies_options(&companies, None))
                .value(v("a")),
            Field::new("b", t.get("org.company"), "select")
                .required()
                .options(companies_options(&companies, None))
                .value(v("b")),
            Field::new("weight", t.get("org.weight"), "number")
                .required()
                .value(v("weight"))
                .hint(t.get("org.weight_hint")),
            Field::new("note", t.get("org.note"), "text").value(v("note")),
        ],
        "user" => vec![
            Field::new("email", t.get("org.email"), "email")
                .required()
                .value(v("email")),
            Field::new("name", t.get("org.person_name"), "text")
                .required()
                .value(v("name")),
            Field::new("password", t.get("org.initial_password"), "password")
                .hint(t.get("org.initial_password_hint")),
            Field::new("admin", t.get("org.make_admin"), "checkbox").value(v("admin")),
        ],
        "grant" => {
            let users = store.users(actor).await.map_err(|e| ctx.fail(e))?;
            let mut roles: Vec<(String, String)> = Role::ALL
                .iter()
                .map(|r| {
                    (
                        r.as_str().to_owned(),
                        format!("{} ({})", t.pick(r.label_ja(), r.label_en()), r.as_str()),
                    )
                })
                .collect();
            roles.push((
                "administrator".into(),
                t.get("org.administrator").to_owned(),
            ));
            vec![
                Field::new("email", t.get("org.user"), "select")
                    .required()
                    .options(
                        users
                            .iter()
                            .filter(|u| !u.disabled)
                            .map(|u| (u.email.clone(), format!("{} <{}>", u.name, u.email)))
                            .collect(),
                    )
                    .value(v("email")),
                Field::new("role", t.get("grant.role"), "select")
                    .options(roles)
                    .value(v("role")),
                Field::new("scope", t.get("grant.scope"), "text")
                    .required()
                    .value(if v("scope").is_empty() {
                        "group".to_owned()
                    } else {
                        v("scope")
                    })
                    .hint(t.get("org.scope_hint")),
                Field::new("until", t.get("org.until"), "date").value(v("until")),
            ]
        }
        _ => return Err(ctx.fail(Failure::not_found())),
    };
    let title_key = match what {
        "company" => "org.new_company",
        "site" => "org.new_site",
        "department" => "org.new_department",
        "person" => "org.new_person",
        "staff" => "org.new_staff",
        "relationship" => "org.new_relationship",
        "user" => "org.new_user",
        _ => "org.new_grant",
    };
    Ok((t.get(title_key).to_owned(), fields))
}

async fn show_form(
    s: &SignedIn,
    what: &str,
    values: &HashMap<String, String>,
    error: Option<(StatusCode, String)>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let (title, fields) = fields_for(ctx, actor, what, values).await?;
    let (status, error) = match error {
        Some((st, e)) => (st, Some(e)),
        None => (StatusCode::OK, None),
    };
    let back = if matches!(what, "user" | "grant") {
        "/org/users"
    } else {
        "/org"
    };
    let page = FormPage {
        chrome: Chrome::new(ctx, "org"),
        title,
        action: format!("/org/new/{what}"),
        fields,
        lists: Vec::new(),
        error,
        submit: ctx.t().get("org.add").to_owned(),
        back: back.to_owned(),
    };
    Ok(form_page(page, status))
}

pub async fn new_form(s: SignedIn, Path(what): Path<String>) -> Result<Response, PageError> {
    show_form(&s, &what, &HashMap::new(), None).await
}

fn code(values: &HashMap<String, String>, k: &str) -> Result<Code, Problem> {
    Code::parse(values.get(k).map(String::as_str).unwrap_or(""))
}

fn opt<'a>(values: &'a HashMap<String, String>, k: &str) -> Option<&'a str> {
    values.get(k).map(|v| v.trim()).filter(|v| !v.is_empty())
}

pub async fn create(
    s: SignedIn,
    Path(what): Path<String>,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = &s;
    ctx.check_csrf(values.get("_csrf").map(String::as_str).unwrap_or(""))?;
    let store = &ctx.state.store;
    let outside = values.contains_key("outside");
    let result: Result<(), kamae_store::StoreError> = async {
        match what.as_str() {
            "company" => {
                store
                    .add_company(
                        actor,
                        NewCompany {
                            code: code(&values, "code")?,
                            name: values.get("name").cloned().unwrap_or_default(),
                            kind: CompanyKind::parse(opt(&values, "kind").unwrap_or("subsidiary"))?,
                            parent: opt(&values, "parent").map(Code::parse).transpose()?,
                            acquired_on: opt(&values, "acquired_on").map(parse_date).transpose()?,
                            in_reporting_scope: !outside,
                        },
                    )
                    .await?;
            }
            "site" => {
                store
                    .add_site(
                        actor,
                        NewSite {
                            company: code(&values, "company")?,
                            code: code(&values, "code")?,
                            name: values.get("name").cloned().unwrap_or_default(),
                            address: opt(&values, "address").map(str::to_owned),
                            in_reporting_scope: !outside,
                        },
                    )
                    .await?;
            }
            "department" => {
                store
                    .add_department(
                        actor,
                        NewDepartment {
                            company: code(&values, "company")?,
                            code: code(&values, "code")?,
                            name: values.get("name").cloned().unwrap_or_default(),
                            kind: DepartmentKind::parse(opt(&values, "kind").unwrap_or(""))?,
                        },
                    )
                    .await?;
            }
            "person" => {
                store
                    .add_person(
                        actor,
                        NewPerson {
                            name: values.get("name").cloned().unwrap_or_default(),
                            email: opt(&values, "email").map(Email::parse).transpose()?,
                            position: opt(&values, "position").map(str::to_owned),
                            company: code(&values, "company")?,
                            department: opt(&values, "department").map(Code::parse).transpose()?,
                        },
                    )
                    .await?;
            }
            "staff" => {
                let person: PersonId = opt(&values, "person").unwrap_or("").parse()?;
                store
                    .assign_security_staff(
                        actor,
                        &code(&values, "company")?,
                        person,
                        StaffRole::parse(opt(&values, "role").unwrap_or(""))?,
                        opt(&values, "reason"),
                    )
                    .await?;
            }
            "relationship" => {
                let weight: i64 = opt(&values, "weight").unwrap_or("").parse().map_err(|_| {
                    Problem::new(
                        "invalid_weight",
                        "取引の重みは1〜100の数で指定してください",
                        "the weight is a number from 1 to 100",
                    )
                })?;
                store
                    .add_business_relationship(
                        actor,
                        &code(&values, "a")?,
                        &code(&values, "b")?,
                        weight,
                        opt(&values, "note").map(str::to_owned),
                    )
                    .await?;
            }
            "user" => {
                store
                    .add_user(
                        actor,
                        &Email::parse(opt(&values, "email").unwrap_or(""))?,
                        values.get("name").map(String::as_str).unwrap_or(""),
                        opt(&values, "password"),
                        values.contains_key("admin"),
                    )
                    .await?;
            }
            "grant" => {
                store
                    .grant(
                        actor,
                        &Email::parse(opt(&values, "email").unwrap_or(""))?,
                        Capability::parse(opt(&values, "role").unwrap_or(""))?,
                        &ScopeSpec::parse(opt(&values, "scope").unwrap_or(""))?,
                        opt(&values, "until").map(parse_date).transpose()?,
                    )
                    .await?;
            }
            _ => return Err(Problem::new("not_found", "", "").into()),
        }
        Ok(())
    }
    .await;
    match result {
        Ok(()) => {
            let back = if matches!(what.as_str(), "user" | "grant") {
                "/org/users?done=1"
            } else {
                "/org?done=1"
            };
            Ok(Redirect::to(back).into_response())
        }
        Err(e) => {
            let f: Failure = e.into();
            if f.status == StatusCode::NOT_FOUND && f.code == "not_found" && what_is_unknown(&what)
            {
                return Err(ctx.fail(f));
            }
            let mut kept = values.clone();
            kept.remove("password");
            show_form(
                &s,
                &what,
                &kept,
                Some((f.status, f.message(ctx.lang).to_owned())),
            )
            .await
        }
    }
}

fn what_is_unknown(what: &str) -> bool {
    !matches!(
        what,
        "company" | "site" | "department" | "person" | "staff" | "relationship" | "user" | "grant"
    )
}

#[derive(Deserialize)]
pub struct ArchiveForm {
    what: String,
    key: String,
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn archive(s: SignedIn, Form(form): Form<ArchiveForm>) -> Result<Response, PageError> {
    s.ctx.check_csrf(&form.csrf)?;
    let record = (|| -> Result<OrgRecord, Problem> {
        Ok(match form.what.as_str() {
            "company" => OrgRecord::Company(Code::parse(&form.key)?),
            "site" => OrgRecord::Site(Code::parse(&form.key)?),
            "department" => OrgRecord::Department(Code::parse(&form.key)?),
            "person" => OrgRecord::Person(form.key.parse()?),
            _ => OrgRecord::Relationship(form.key.parse::<RelationshipId>()?),
        })
    })();
    let result = match record {
        Ok(r) => {
            s.ctx
                .state
                .store
                .archive_org_record(&s.actor, r, Some(&form.reason))
                .await
        }
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/org?done=1").into_response()),
        Err(e) => {
            let f: Failure = e.into();
            with_status(
                f.status,
                org_page(&s, Some(f.message(s.ctx.lang).to_owned()), false).await,
            )
        }
    }
}

#[derive(Deserialize)]
pub struct ScopeForm {
    company: String,
    scope: String,
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn set_scope(s: SignedIn, Form(form): Form<ScopeForm>) -> Result<Response, PageError> {
    s.ctx.check_csrf(&form.csrf)?;
    let result = match Code::parse(&form.company) {
        Ok(c) => {
            s.ctx
                .state
                .store
                .set_company_reporting_scope(&s.actor, &c, form.scope == "in", Some(&form.reason))
                .await
        }
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/org?done=1").into_response()),
        Err(e) => {
            let f: Failure = e.into();
            with_status(
                f.status,
                org_page(&s, Some(f.message(s.ctx.lang).to_owned()), false).await,
            )
        }
    }
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage<'a> {
    chrome: Chrome<'a>,
    users: Vec<UserView>,
    policy: Vec<(String, String, bool)>,
    demo: bool,
    error: Option<String>,
    done: bool,
}

async fn users_page(
    s: &SignedIn,
    error: Option<String>,
    done: bool,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let store = &ctx.state.store;
    let users = store.users(actor).await.map_err(|e| ctx.fail(e))?;
    let (required, demo) = store.mfa_policy(actor).await.map_err(|e| ctx.fail(e))?;
    let t = ctx.t();
    let mut policy: Vec<(String, String, bool)> = Role::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                t.pick(r.label_ja(), r.label_en()).to_owned(),
                required.iter().any(|x| x == r.as_str()),
            )
        })
        .collect();
    policy.push((
        "administrator".into(),
        t.get("org.administrator").to_owned(),
        required.iter().any(|x| x == "administrator"),
    ));
    let page = UsersPage {
        chrome: Chrome::new(ctx, "org"),
        users,
        policy,
        demo,
        error,
        done,
    };
    Ok(render(&page))
}

pub async fn users(
    s: SignedIn,
    axum::extract::Query(q): axum::extract::Query<DoneQuery>,
) -> Result<Response, PageError> {
    users_page(&s, None, q.done.is_some()).await
}

#[derive(Deserialize)]
pub struct GrantStepForm {
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn grant_step(
    s: SignedIn,
    Path((id, step)): Path<(String, String)>,
    Form(form): Form<GrantStepForm>,
) -> Result<Response, PageError> {
    s.ctx.check_csrf(&form.csrf)?;
    let id: GrantId = id.parse().map_err(|_| s.ctx.fail(Failure::not_found()))?;
    let store = &s.ctx.state.store;
    let result = match step.as_str() {
        "revoke" => store
            .revoke_grant(&s.actor, id, Some(&form.reason))
            .await
            .map(|_| ()),
        "confirm" => store.confirm_grant(&s.actor, id).await.map(|_| ()),
        _ => return Err(s.ctx.fail(Failure::not_found())),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/org/users?done=1").into_response()),
        Err(e) => {
            let f: Failure = e.into();
            with_status(
                f.status,
                users_page(&s, Some(f.message(s.ctx.lang).to_owned()), false).await,
            )
        }
    }
}

#[derive(Deserialize)]
pub struct DisableForm {
    email: String,
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn disable_user(
    s: SignedIn,
    Form(form): Form<DisableForm>,
) -> Result<Response, PageError> {
    s.ctx.check_csrf(&form.csrf)?;
    let result = match Email::parse(&form.email) {
        Ok(e) => {
            s.ctx
                .state
                .store
                .disable_user(&s.actor, &e, Some(&form.reason))
                .await
        }
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/org/users?done=1").into_response()),
        Err(e) => {
            let f: Failure = e.into();
            with_status(
                f.status,
                users_page(&s, Some(f.message(s.ctx.lang).to_owned()), false).await,
            )
        }
    }
}

pub async fn mfa_policy(
    s: SignedIn,
    Form(values): Form<HashMap<String, String>>,
) -> Result<Response, PageError> {
    s.ctx
        .check_csrf(values.get("_csrf").map(String::as_str).unwrap_or(""))?;
    let roles: Vec<String> = values
        .keys()
        .filter_map(|k| k.strip_prefix("role_"))
        .map(str::to_owned)
        .collect();
    match s.ctx.state.store.set_mfa_policy(&s.actor, &roles).await {
        Ok(_) => Ok(Redirect::to("/org/users?done=1").into_response()),
        Err(e) => {
            let f: Failure = e.into();
            with_status(
                f.status,
                users_page(&s, Some(f.message(s.ctx.lang).to_owned()), false).await,
            )
        }
    }
}

/// A page shown again after a refusal carries the refusal's status.
fn with_status(
    status: StatusCode,
    page: Result<Response, PageError>,
) -> Result<Response, PageError> {
    let mut res = page?;
    *res.status_mut() = status;
    Ok(res)
}
