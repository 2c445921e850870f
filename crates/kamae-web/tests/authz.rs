//! The authorization matrix: every route of `kamae_web::policy::ROUTES`, driven through HTTP
//! as every role at every scope (and as an administrator, a user without roles, and nobody
//! signed in), against records at the group, the caller's own company, site and department,
//! and another company. Each answer is compared with what `docs/access.md` says, and the
//! whole table is written to `docs/authz-matrix.md` so that a change in who may do what
//! shows up in review.
//!
//! An answer "passes authorization" when it is a success, a redirect after success, or a
//! refusal by a business rule (409, 422: the record was in the wrong state, or the input
//! was wrong) — the access decision came first and allowed it.

mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use kamae_core::access::documented::AccessDocument;
use kamae_core::access::{Action, Actor, Decision, RecordKind, Resource, Role, Scope};
use kamae_core::artifact::ArtifactKind;
use kamae_core::text::{Code, Email};
use kamae_store::artifact::NewArtifactDraft;
use kamae_store::org::NewPerson;
use kamae_store::users::{Capability, ScopeSpec};
use kamae_web::policy::{Policy, ROUTES};
use reqwest::Method;
use support::*;

const ACCESS_MD: &str = include_str!("../../../docs/access.md");
const PASSWORD: &str = "authz matrix password";

fn ok<T, E: std::fmt::Display>(r: Result<T, E>) -> T {
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn code(s: &str) -> Code {
    ok(Code::parse(s))
}

fn email(s: &str) -> Email {
    ok(Email::parse(s))
}

/// What an answer meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Allowed,
    NotFound,
    Forbidden,
    SignInFirst,
}

impl Outcome {
    fn cell(self) -> &'static str {
        match self {
            Outcome::Allowed => "✓",
            Outcome::NotFound => "404",
            Outcome::Forbidden => "403",
            Outcome::SignInFirst => "sign in",
        }
    }

    fn from_decision(d: Decision) -> Outcome {
        match d {
            Decision::Allow => Outcome::Allowed,
            Decision::NotFound => Outcome::NotFound,
            Decision::Forbidden => Outcome::Forbidden,
        }
    }
}

fn classify(status: u16, location: Option<&str>) -> Outcome {
    match status {
        401 => Outcome::SignInFirst,
        303 if location.is_some_and(|l| l.starts_with("/signin")) => Outcome::SignInFirst,
        404 => Outcome::NotFound,
        403 => Outcome::Forbidden,
        200..=399 | 400 | 409 | 422 | 429 => Outcome::Allowed,
        other => panic!("unexpected status {other}"),
    }
}

struct Caller {
    label: String,
    client: reqwest::Client,
    csrf: String,
    token: Option<String>,
    actor: Option<Actor>,
}

/// A record a route is tried against.
#[derive(Clone)]
struct Target {
    label: &'static str,
    kind: RecordKind,
    scope: Scope,
    /// Substitutions in the path and the form.
    id: String,
    company: String,
    artifact_kind: &'static str,
}

async fn sign_in(s: &Server, mail: &str, password: &str) -> (reqwest::Client, String) {
    let c = s.client();
    let page = get_text(&c, &s.url("/signin")).await;
    let csrf = hidden(&page, "_csrf");
    let res = ok(c
        .post(s.url("/signin"))
        .form(&[
            ("email", mail),
            ("password", password),
            ("_csrf", &csrf),
            ("next", "/"),
        ])
        .send()
        .await);
    assert_eq!(res.status(), 303, "sign-in of {mail}");
    let home = get_text(&c, &s.url("/")).await;
    let csrf = hidden(&home, "_csrf");
    (c, csrf)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_as_every_role_at_every_scope() {
    let s = Server::start().await;
    let store = s.store.store.clone();
    let doc = ok(AccessDocument::parse(ACCESS_MD));
    let group = ok(store.all_groups().await)
        .into_iter()
        .find(|g| g.code.as_str() == "A-GROUP")
        .unwrap_or_else(|| panic!("demo group"))
        .id;
    let system = Actor::System { group };
    let company = |c: &str| {
        let store = store.clone();
        let system = system.clone();
        let c = c.to_owned();
        async move { ok(store.company_by_code(&system, &code(&c)).await) }
    };
    let (x, b) = (company("X").await, company("B").await);

    // Callers: every role at every scope, an administrator, a user without roles, nobody.
    let scopes: [(&str, &str); 4] = [
        ("group", "group"),
        ("company:X", "own company X"),
        ("site:X-Y", "own site X-Y"),
        ("department:X-SEC", "own department X-SEC"),
    ];
    let mut callers = Vec::new();
    for role in Role::ALL {
        for (i, (spec, label)) in scopes.iter().enumerate() {
            let mail = format!("{}-{i}@authz.example", role.as_str().replace('_', "-"));
            ok(store
                .add_user(&system, &email(&mail), &mail, Some(PASSWORD), false)
                .await);
            ok(store
                .grant(
                    &system,
                    &email(&mail),
                    Capability::Role(*role),
                    &ok(ScopeSpec::parse(spec)),
                    None,
                )
                .await);
            callers.push((
                format!("{} @ {label}", role.as_str()),
                mail,
                PASSWORD.to_owned(),
            ));
        }
    }
    ok(store
        .add_user(
            &system,
            &email("no-role@authz.example"),
            "no role",
            Some(PASSWORD),
            false,
        )
        .await);
    callers.push((
        "administrator (no role)".into(),
        "admin@a-group.example".into(),
        DEMO_PASSWORD.into(),
    ));
    callers.push((
        "user without a role".into(),
        "no-role@authz.example".into(),
        PASSWORD.into(),
    ));
    let mut signed = Vec::new();
    for (label, mail, password) in &callers {
        let (client, csrf) = sign_in(&s, mail, password).await;
        let token = ok(store
            .create_api_token_for(&system, &email(mail), "authz", Some(1))
            .await)
        .1;
        let actor = ok(store.actor_for_email(&email(mail)).await);
        signed.push(Caller {
            label: label.clone(),
            client,
            csrf,
            token: Some(token),
            actor: Some(actor),
        });
    }
    let anonymous_client = s.client();
    let anon_page = get_text(&anonymous_client, &s.url("/signin")).await;
    signed.push(Caller {
        label: "nobody signed in".into(),
        csrf: hidden(&anon_page, "_csrf"),
        client: anonymous_client,
        token: None,
        actor: None,
    });

    // Records to try: artifacts at the group (one published group-wide, one not), at X and
    // at B, each submitted by an author so that approval can be tried on them.
    let author_mail = "author@authz.example";
    ok(store
        .add_user(&system, &email(author_mail), "author", None, false)
        .await);
    ok(store
        .grant(
            &system,
            &email(author_mail),
            Capability::Role(Role::CisoOffice),
            &ScopeSpec::Group,
            None,
        )
        .await);
    let author = ok(store.actor_for_email(&email(author_mail)).await);
    let mut artifact_targets = Vec::new();
    for (label, kind, company_code, company_id) in [
        (
            "group: risk assessment",
            ArtifactKind::RiskAssessment,
            None,
            None,
        ),
        (
            "group: measures and rules (published)",
            ArtifactKind::MeasuresAndRules,
            None,
            None,
        ),
        (
            "own company X",
            ArtifactKind::RiskAssessment,
            Some("X"),
            Some(x.id),
        ),
        (
            "other company B",
            ArtifactKind::RiskAssessment,
            Some("B"),
            Some(b.id),
        ),
    ] {
        let v1 = if kind == ArtifactKind::MeasuresAndRules {
            // The demo's standard: its revision waits for the CISO's decision.
            let versions = ok(store.standard_versions(&system).await);
            ok(store
                .artifact_version(&system, versions[0].reference.version)
                .await)
        } else {
            let v1 = ok(store
                .draft_artifact(
                    &author,
                    NewArtifactDraft {
                        kind,
                        company: company_code.map(code),
                        title: format!("{label} v1"),
                        body: "v1".into(),
                        inputs: vec![],
                    },
                )
                .await);
            ok(store.submit_artifact(&author, v1.reference.version).await)
        };
        artifact_targets.push(Target {
            label,
            kind: RecordKind::Artifact(kind),
            scope: match company_id {
                Some(company) => Scope::Company { company },
                None => Scope::Group,
            },
            id: v1.reference.version.to_string(),
            company: company_code.unwrap_or("").to_owned(),
            artifact_kind: kind.as_str(),
        });
    }
    // A small reference framework for the pages of role D.
    ok(store
        .import_framework(&author, support::tiny_framework("TINY"), false)
        .await);
    let company_targets: Vec<Target> = [("own company X", &x), ("other company B", &b)]
        .into_iter()
        .map(|(label, c)| Target {
            label,
            kind: RecordKind::Organisation,
            scope: Scope::Company { company: c.id },
            id: c.id.to_string(),
            company: c.code.to_string(),
            artifact_kind: "",
        })
        .collect();
    // Exceptions at X (one with a group-mandatory item, one with a company-mandatory item
    // only) and at B, submitted so that approval can be tried on them.
    let mut exception_targets = Vec::new();
    for (label, company, items) in [
        ("own company X (a item)", "X", "ACC-01"),
        ("own company X (b item only)", "X", "ACC-03"),
        ("other company B (a item)", "B", "ACC-01"),
    ] {
        let today = ok(store.today(group).await);
        let e = ok(store
            .draft_exception(
                &author,
                kamae_store::exceptions::NewException {
                    company: code(company),
                    kind: kamae_core::rules::ExceptionKind::Transitional,
                    title: format!("{label} probe"),
                    items: vec![code(items)],
                    sites: vec![],
                    reason: "authz".into(),
                    compensating: "authz".into(),
                    starts_on: today,
                    expires_on: today + chrono::Duration::days(100),
                    milestones: vec![kamae_core::rules::Milestone {
                        what: "step".into(),
                        owner: "owner".into(),
                        due_on: today + chrono::Duration::days(50),
                        done_on: None,
                    }],
                    renews: None,
                },
            )
            .await);
        ok(store.submit_exception(&author, e.id).await);
        exception_targets.push(Target {
            label,
            kind: RecordKind::Exception {
                group_mandatory: e.group_mandatory,
            },
            scope: Scope::Company { company: e.company },
            id: e.id.to_string(),
            company: company.to_owned(),
            artifact_kind: items,
        });
    }
    // Applicability at the caller's company and at another (the demo's agreements).
    let applicability_targets: Vec<Target> = [("own company X", &x), ("other company B", &b)]
        .into_iter()
        .map(|(label, c)| Target {
            label,
            kind: RecordKind::Applicability,
            scope: Scope::Company { company: c.id },
            id: String::new(),
            company: c.code.to_string(),
            artifact_kind: "",
        })
        .collect();
    // Advice at the callers' own department (X-SEC) and at another company's (B-SEC), each
    // with a follow-up; the target's company field carries the department's code.
    let mut advice_targets = Vec::new();
    for (label, department) in [
        ("own department X-SEC", "X-SEC"),
        ("other company B", "B-SEC"),
    ] {
        let today = ok(store.today(group).await);
        let a = ok(store
            .record_advice(
                &system,
                kamae_store::advice::NewAdvice {
                    department: code(department),
                    kind: kamae_core::rules::RequestKind::NewItService,
                    title: format!("{label} probe"),
                    request: "authz".into(),
                    documents: vec![],
                    requested_on: today,
                    advice: "authz".into(),
                    advised_on: Some(today),
                    items: vec![],
                    risks: vec![],
                    follow_ups: vec![kamae_core::rules::FollowUp {
                        what: "step".into(),
                        owner: "owner".into(),
                        due_on: today,
                        status: kamae_core::rules::FollowUpStatus::Open,
                        note: String::new(),
                    }],
                },
            )
            .await);
        advice_targets.push(Target {
            label,
            kind: kamae_web::policy::ADVICE,
            scope: Scope::Department {
                company: a.company,
                department: a.department,
            },
            id: a.id.to_string(),
            company: department.to_owned(),
            artifact_kind: "",
        });
    }
    let watch = ok(store
        .record_watch(
            &system,
            kamae_store::watch::NewWatchEntry {
                kind: kamae_core::rules::WatchKind::Law,
                title: "authz probe".into(),
                source: "authz".into(),
                published_on: ok(store.today(group).await),
                summary: String::new(),
                impact: String::new(),
                items: vec![],
            },
        )
        .await);
    // The organisation's context: the group's (reference for every company), X's and B's.
    let mut context_targets = Vec::new();
    for (label, company, kind, scope) in [
        ("group", None, RecordKind::GroupReference, Scope::Group),
        (
            "own company X",
            Some("X"),
            RecordKind::Artifact(ArtifactKind::RiskAssessment),
            Scope::Company { company: x.id },
        ),
        (
            "other company B",
            Some("B"),
            RecordKind::Artifact(ArtifactKind::RiskAssessment),
            Scope::Company { company: b.id },
        ),
    ] {
        let f = ok(store
            .add_context_factor(
                &author,
                company.map(code).as_ref(),
                kamae_core::risk::ContextFactor {
                    kind: kamae_core::risk::ContextKind::Market,
                    title: format!("{label} probe"),
                    description: "authz".into(),
                    source: "authz".into(),
                    noted_on: ok(store.today(group).await),
                },
            )
            .await);
        context_targets.push(Target {
            label,
            kind,
            scope,
            id: f.id.to_string(),
            company: company.unwrap_or("").to_owned(),
            artifact_kind: "",
        });
    }
    let group_target = |kind| Target {
        label: "group",
        kind,
        scope: Scope::Group,
        id: String::new(),
        company: String::new(),
        artifact_kind: "",
    };

    let mut mismatches = Vec::new();
    let mut md = String::from(
        "# Authorization matrix\n\nGenerated by `crates/kamae-web/tests/authz.rs` from the running server; do not edit.\n\
         Every route of `kamae_web::policy::ROUTES`, called through HTTP by each caller against each record.\n\
         ✓ = passes authorization (a business rule may still refuse: wrong state, wrong input), 404 = not found\n\
         (the same answer as a record that does not exist), 403 = visible but not allowed, sign in = sign-in required.\n\
         Every cell was compared with `docs/access.md`; the test fails on any difference.\n",
    );
    let mut simple: BTreeMap<String, (Outcome, Outcome)> = BTreeMap::new();
    let mut serial = 0u32;

    for route in ROUTES {
        let is_api = route.path.starts_with("/api/");
        let targets: Vec<Target> = match route.policy {
            Policy::Record(RecordKind::Exception { .. }, _) => exception_targets.clone(),
            Policy::Record(RecordKind::Applicability, _) => applicability_targets.clone(),
            Policy::Record(k, _) if k == kamae_web::policy::ADVICE => advice_targets.clone(),
            Policy::Record(RecordKind::GroupReference, _) if route.path.contains("/watch") => {
                vec![Target {
                    id: watch.id.to_string(),
                    ..group_target(RecordKind::GroupReference)
                }]
            }
            Policy::Record(k, _) if k == kamae_web::policy::STANDARD => {
                vec![group_target(k)]
            }
            Policy::Record(RecordKind::Artifact(_), _)
                if route.path.starts_with("/risk/context")
                    || route.path.starts_with("/api/v1/risk/context") =>
            {
                context_targets.clone()
            }
            // Starting an assessment makes a risk assessment, whatever else is published.
            Policy::Record(RecordKind::Artifact(_), _)
                if matches!(route.path, "/risk/assessments" | "/api/v1/risk/assessments") =>
            {
                artifact_targets
                    .iter()
                    .filter(|t| t.artifact_kind == "risk_assessment")
                    .cloned()
                    .collect()
            }
            Policy::Record(RecordKind::Artifact(_), _) => artifact_targets.clone(),
            Policy::Record(RecordKind::Organisation, _)
                if matches!(route.path, "/org/new/company" | "/org/new/relationship") =>
            {
                vec![group_target(RecordKind::Organisation)]
            }
            Policy::Record(RecordKind::Organisation, _) => company_targets.clone(),
            Policy::Record(kind, _) => vec![group_target(kind)],
            Policy::History => company_targets.clone(),
            _ => vec![],
        };
        if targets.is_empty() {
            // Public, own-account and signed-in routes: the same for every signed-in caller.
            let mut signed_in_outcome = None;
            let mut anonymous_outcome = None;
            for caller in &signed {
                serial += 1;
                let outcome = call(&s, route, caller, None, serial, is_api, &store, &system).await;
                let expected = match (route.policy, caller.actor.is_some()) {
                    (Policy::Public | Policy::Operators, _) => Outcome::Allowed,
                    (_, true) => Outcome::Allowed,
                    (_, false) => Outcome::SignInFirst,
                };
                if outcome != expected {
                    mismatches.push(format!(
                        "{} {} as {}: got {outcome:?}, expected {expected:?}",
                        route.method, route.path, caller.label
                    ));
                }
                if caller.actor.is_some() {
                    signed_in_outcome.get_or_insert(outcome);
                } else {
                    anonymous_outcome = Some(outcome);
                }
            }
            simple.insert(
                format!("`{} {}`", route.method, route.path),
                (
                    signed_in_outcome.unwrap_or(Outcome::Allowed),
                    anonymous_outcome.unwrap_or(Outcome::Allowed),
                ),
            );
            continue;
        }
        let _ = writeln!(md, "\n## `{} {}`\n", route.method, route.path);
        let mut header = String::from("| caller |");
        let mut rule = String::from("| --- |");
        for t in &targets {
            let _ = write!(header, " {} |", t.label);
            rule.push_str(" --- |");
        }
        let _ = writeln!(md, "{header}\n{rule}");
        for caller in &signed {
            let mut row = format!("| {} |", caller.label);
            for t in &targets {
                serial += 1;
                let outcome =
                    call(&s, route, caller, Some(t), serial, is_api, &store, &system).await;
                let expected = match &caller.actor {
                    None => Outcome::SignInFirst,
                    Some(actor) => expected_for(&doc, actor, route.policy, t),
                };
                if outcome != expected {
                    mismatches.push(format!(
                        "{} {} as {} on {}: got {outcome:?}, expected {expected:?}",
                        route.method, route.path, caller.label, t.label
                    ));
                }
                let _ = write!(row, " {} |", outcome.cell());
            }
            let _ = writeln!(md, "{row}");
        }
    }
    let mut tail = String::from(
        "\n## Routes that every signed-in user reaches\n\nWhat they show is filtered by `authorize` (lists, the home page) or is the caller's own (account).\n\n| route | signed in | nobody signed in |\n| --- | --- | --- |\n",
    );
    for (route, (signed_in, anonymous)) in &simple {
        let _ = writeln!(
            tail,
            "| {route} | {} | {} |",
            signed_in.cell(),
            anonymous.cell()
        );
    }
    md.push_str(&tail);
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/authz-matrix.md");
    ok(std::fs::write(&out, md));
    assert!(
        mismatches.is_empty(),
        "{} answers differ from docs/access.md:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    s.stop().await;
}

fn expected_for(doc: &AccessDocument, actor: &Actor, policy: Policy, t: &Target) -> Outcome {
    let resource = |kind| Resource {
        group: actor.group(),
        kind,
        scope: t.scope,
    };
    match policy {
        Policy::Record(_, action) => {
            Outcome::from_decision(doc.expect(actor, action, &resource(t.kind)))
        }
        Policy::History => {
            match doc.expect(actor, Action::Read, &resource(RecordKind::Organisation)) {
                Decision::Allow => Outcome::from_decision(doc.expect(
                    actor,
                    Action::Read,
                    &resource(RecordKind::RecordHistory),
                )),
                other => Outcome::from_decision(other),
            }
        }
        _ => Outcome::Allowed,
    }
}

/// Calls one route as one caller against one record, with what the route needs.
#[allow(clippy::too_many_arguments)]
async fn call(
    s: &Server,
    route: &kamae_web::policy::Route,
    caller: &Caller,
    target: Option<&Target>,
    serial: u32,
    is_api: bool,
    store: &kamae_store::Store,
    system: &Actor,
) -> Outcome {
    let id = target
        .map(|t| t.id.clone())
        .unwrap_or_else(|| "01a22300-0000-7000-8000-000000000000".into());
    let company = target.map(|t| t.company.clone()).unwrap_or_default();
    let mut path = route
        .path
        .replace("{letter}", "e")
        .replace("{what}", "site")
        .replace("{kind}", "company")
        .replace("{item}", "ACC-01")
        .replace("{n}", "0")
        .replace("{framework}", "TINY")
        .replace("{matrix}", "KAMAE-5X5")
        .replace("{code}", "R-01")
        .replace("{company}", &company)
        .replace("{id}", &id);
    if route.path == "/standard/items/{item}" {
        // The newest version, the demo's revision awaiting the CISO.
        path = format!("{path}?draft=1");
    }
    match route.path {
        "/standard/export" | "/api/v1/standard/export" => path.push_str("?format=xlsx"),
        "/api/v1/standard/import" => path.push_str("?format=csv"),
        "/api/v1/frameworks/import" => path.push_str("?format=oscal"),
        "/risk/assets/export" => path.push_str("?format=csv"),
        _ => {}
    }
    if route.path == "/standard/compare" || route.path == "/api/v1/standard/compare" {
        let versions = ok(store.standard_versions(system).await);
        let ids: Vec<String> = versions
            .iter()
            .map(|v| v.reference.version.to_string())
            .collect();
        path = format!("{path}?from={}&to={}", ids[ids.len() - 1], ids[0]);
    }
    if route.path.starts_with("/cases/{code}") || route.path.starts_with("/api/v1/cases/{code}") {
        // A case of the library of its own, since archiving takes it out.
        let code = format!("CASE-P{serial}");
        ok(store.save_incident_case(system, probe_case(&code)).await);
        path = path.replace("R-01", &code);
    }
    if route.path == "/artifacts/{id}/diff" {
        // Compared with itself: the probes' versions have no earlier one.
        path = format!("{path}?against={id}");
    }
    let mut form: Vec<(String, String)> = vec![("_csrf".into(), caller.csrf.clone())];
    let mut json = serde_json::json!({});
    let unique = format!("Z{serial}");
    match route.path {
        "/artifacts" | "/api/v1/artifacts" if route.method == "POST" => {
            let kind = target.map(|t| t.artifact_kind).unwrap_or("risk_assessment");
            form.extend([
                ("kind".into(), kind.into()),
                ("company".into(), company.clone()),
                ("title".into(), format!("probe {serial}")),
                ("body".into(), "body".into()),
            ]);
            json = if company.is_empty() {
                serde_json::json!({"kind": kind, "title": format!("probe {serial}")})
            } else {
                serde_json::json!({"kind": kind, "company_code": company, "title": format!("probe {serial}")})
            };
        }
        "/artifacts/{id}/edit" | "/api/v1/artifacts/{id}" if route.method != "GET" => {
            form.extend([
                ("title".into(), format!("edit {serial}")),
                ("body".into(), "edited".into()),
            ]);
            json = serde_json::json!({"title": format!("edit {serial}"), "body": "edited"});
        }
        "/artifacts/{id}/reject"
        | "/api/v1/approvals/{id}/reject"
        | "/standard/companies/{company}/agreement/reject"
        | "/api/v1/standard/companies/{company}/agreement/reject" => {
            form.push(("reason".into(), "authz probe".into()));
            json = serde_json::json!({"reason": "authz probe"});
        }
        "/api/v1/exceptions" | "/api/v1/exceptions/{id}" if route.method != "GET" => {
            let today = ok(store.today(system.group()).await);
            json = serde_json::json!({
                "company_code": company, "kind": "exception", "title": format!("probe {serial}"),
                "items": [target.map(|t| t.artifact_kind).unwrap_or("ACC-01")],
                "reason": "authz", "compensating": "authz",
                "starts_on": today.to_string(), "expires_on": (today + chrono::Duration::days(30)).to_string(),
            });
        }
        "/api/v1/exceptions/{id}/reject" | "/api/v1/exceptions/{id}/archive" => {
            json = serde_json::json!({"reason": "authz probe"});
        }
        "/api/v1/exceptions/{id}/milestones/{n}" => {
            json =
                serde_json::json!({"done_on": ok(store.today(system.group()).await).to_string()});
        }
        "/advice" | "/advice/{id}/edit" | "/api/v1/advice" | "/api/v1/advice/{id}"
            if route.method != "GET" =>
        {
            let today = ok(store.today(system.group()).await);
            form.extend([
                ("department".into(), company.clone()),
                ("kind".into(), "new_it_service".into()),
                ("title".into(), format!("probe {serial}")),
                ("request".into(), "probe".into()),
                ("requested_on".into(), today.to_string()),
                // The advice keeps its follow-up, which a later probe records as done.
                ("advice".into(), "probe".into()),
                ("advised_on".into(), today.to_string()),
                ("follow_ups".into(), format!("{today} / owner / step")),
            ]);
            json = serde_json::json!({"department_code": company, "kind": "new_it_service",
                "title": format!("probe {serial}"), "request": "probe", "requested_on": today.to_string(),
                "advice": "probe", "advised_on": today.to_string(),
                "follow_ups": [{"what": "step", "owner": "owner", "due_on": today.to_string(), "status": "open"}]});
        }
        "/advice/{id}/follow-ups/{n}" | "/api/v1/advice/{id}/follow-ups/{n}" => {
            form.push(("status".into(), "done".into()));
            json = serde_json::json!({"status": "done"});
        }
        "/advice/{id}/archive"
        | "/api/v1/advice/{id}/archive"
        | "/standard/watch/{id}/no-change"
        | "/standard/watch/{id}/archive"
        | "/api/v1/watch/{id}/no-change"
        | "/api/v1/watch/{id}/archive" => {
            form.push(("reason".into(), "authz probe".into()));
            json = serde_json::json!({"reason": "authz probe"});
        }
        "/standard/watch" | "/standard/watch/{id}" | "/api/v1/watch" | "/api/v1/watch/{id}"
            if route.method != "GET" =>
        {
            let today = ok(store.today(system.group()).await);
            form.extend([
                ("kind".into(), "law".into()),
                ("title".into(), format!("probe {serial}")),
                ("source".into(), "probe".into()),
                ("published_on".into(), today.to_string()),
            ]);
            json = serde_json::json!({"kind": "law", "title": format!("probe {serial}"),
                "source": "probe", "published_on": today.to_string()});
        }
        "/risk/assessments" => {
            form.extend([
                ("company".into(), company.clone()),
                ("fiscal_year".into(), "2026".into()),
                ("title".into(), format!("probe {serial}")),
                ("method".into(), "matrix".into()),
                ("matrix".into(), "KAMAE-5X5".into()),
            ]);
        }
        "/api/v1/risk/assessments" if route.method == "POST" => {
            json = serde_json::json!({"company_code": company, "fiscal_year": 2026,
                "title": format!("probe {serial}"), "method": "matrix", "matrix": "KAMAE-5X5"});
        }
        "/api/v1/risk/assessments/{id}/risks" | "/api/v1/risk/assessments/{id}/risks/{code}" => {
            json = serde_json::json!({"code": "R-01", "title": format!("probe {serial}")});
        }
        "/api/v1/risk/assessments/{id}/risks/{code}/archive" => {
            json = serde_json::json!({"reason": "authz probe"});
        }
        "/api/v1/risk/assessments/{id}/plans" => {
            json = serde_json::json!({"title": format!("probe {serial}")});
        }
        "/api/v1/risk/assessments/{id}/business-cases" => {
            json = serde_json::json!({"title": format!("probe {serial}"), "case": {}});
        }
        "/api/v1/business-cases/{id}" if route.method == "PUT" => {
            json = serde_json::json!({"case": {}});
        }
        "/risk/assessments/{id}/business-cases" => {
            form.extend([
                ("title".into(), format!("probe {serial}")),
                ("case".into(), "{}".into()),
            ]);
        }
        "/business-cases/{id}/edit" if route.method == "POST" => {
            form.push(("case".into(), "{}".into()));
        }
        "/api/v1/business-cases/{id}/evaluations" => {
            json = serde_json::json!({"title": format!("probe {serial}"), "record": {"option": "x", "year": "y",
                "actual_cost_yen": 0, "blocked_attacks": 0, "incidents": 0, "actual_loss_yen": 0}});
        }
        "/api/v1/investment-evaluations/{id}" if route.method == "PUT" => {
            json = serde_json::json!({"record": {"option": "x", "year": "y",
                "actual_cost_yen": 0, "blocked_attacks": 0, "incidents": 0, "actual_loss_yen": 0}});
        }
        "/api/v1/risk/plans/{id}/treatments/{code}" => {
            json = serde_json::json!({"decision": "retain", "accepted_by": "probe"});
        }
        "/api/v1/risk/plans/{id}/treatments/{code}/actions/{n}" => {
            json = serde_json::json!({"status": "done"});
        }
        "/api/v1/risk/plans/{id}/review" => {
            json = serde_json::json!({"worked": "probe"});
        }
        "/api/v1/risk/assessments/{id}/copy" => {
            json = serde_json::json!({"fiscal_year": 2027, "title": format!("probe {serial}")});
        }
        "/risk/assessments/{id}/copy" => {
            form.extend([
                ("fiscal_year".into(), "2027".into()),
                ("title".into(), format!("probe {serial}")),
            ]);
        }
        "/risk/assessments/{id}/plans" => {
            form.push(("title".into(), format!("probe {serial}")));
        }
        "/risk/plans/{id}/treatments/{code}" => {
            form.extend([
                ("decision".into(), "retain".into()),
                ("accepted_by".into(), "probe".into()),
            ]);
        }
        "/risk/plans/{id}/treatments/{code}/actions/{n}" => {
            form.push(("status".into(), "done".into()));
        }
        "/risk/plans/{id}/review" => {
            form.push(("worked".into(), "probe".into()));
        }
        "/risk/context" | "/risk/context/{id}" if route.method == "POST" => {
            let today = ok(store.today(system.group()).await);
            form.extend([
                ("company".into(), company.clone()),
                ("kind".into(), "market".into()),
                ("title".into(), format!("probe {serial}")),
                ("description".into(), "probe".into()),
                ("source".into(), "probe".into()),
                ("noted_on".into(), today.to_string()),
            ]);
        }
        "/api/v1/risk/context" | "/api/v1/risk/context/{id}" if route.method != "GET" => {
            let today = ok(store.today(system.group()).await);
            json = serde_json::json!({"company_code": company, "kind": "market",
                "title": format!("probe {serial}"), "description": "probe", "source": "probe",
                "noted_on": today.to_string()});
        }
        "/risk/context/{id}/archive" => {
            form.push(("reason".into(), "authz probe".into()));
        }
        "/api/v1/risk/context/{id}/archive" => {
            json = serde_json::json!({"reason": "authz probe"});
        }
        "/api/v1/risk/assessments/{id}/context" => {
            json = serde_json::json!({"factors": []});
        }
        "/risk/assessments/{id}/risks/{code}/archive" => {
            form.push(("reason".into(), "authz probe".into()));
        }
        "/api/v1/standard/items" | "/api/v1/standard/items/{item}" => {
            json = serde_json::json!({"code": "ACC-01", "title": "probe", "category": "probe", "tier": "a",
                "requirement": "probe", "criterion": {"text": format!("probe {serial}")}, "rationale": "probe",
                "check": "probe", "reason": "yearly_plan"});
        }
        "/exceptions" if route.method == "POST" => {
            let today = ok(store.today(system.group()).await);
            form.extend([
                ("company".into(), company.clone()),
                ("kind".into(), "exception".into()),
                ("title".into(), format!("probe {serial}")),
                // For exceptions, the target carries the item in place of an artifact kind.
                (
                    "items".into(),
                    target.map(|t| t.artifact_kind).unwrap_or("ACC-01").into(),
                ),
                ("reason".into(), "authz".into()),
                ("compensating".into(), "authz".into()),
                ("starts_on".into(), today.to_string()),
                (
                    "expires_on".into(),
                    (today + chrono::Duration::days(30)).to_string(),
                ),
            ]);
        }
        "/exceptions/{id}/reject" | "/exceptions/{id}/archive" => {
            form.push(("reason".into(), "authz probe".into()));
        }
        "/exceptions/{id}/milestones/{n}" => {
            form.push((
                "done_on".into(),
                ok(store.today(system.group()).await).to_string(),
            ));
        }
        "/cases" if route.method == "POST" => {
            form.extend([
                ("code".into(), format!("CASE-N{serial}")),
                ("title".into(), "probe".into()),
                ("sector".into(), "probe".into()),
                ("cause".into(), "probe".into()),
                ("damage".into(), "probe".into()),
                ("source".into(), "probe".into()),
                ("occurred_on".into(), "2017-07-29".into()),
            ]);
        }
        "/api/v1/cases" if route.method == "POST" => {
            json = serde_json::json!({"code": format!("CASE-N{serial}"), "title": "probe", "sector": "probe",
                "cause": "probe", "damage": "probe", "source": "probe", "occurred_on": "2017-07-29"});
        }
        "/cases/{code}/archive" => {
            form.push(("reason".into(), "authz probe".into()));
        }
        "/api/v1/cases/{code}/archive" => {
            json = serde_json::json!({"reason": "authz probe"});
        }
        "/api/v1/glossary" => {
            json = serde_json::json!({"term": unique, "ja": "説明", "en_term": unique, "en": "explanation"});
        }
        "/api/v1/glossary/archive" | "/standard/glossary/archive" => {
            ok(store
                .save_term(
                    system,
                    kamae_core::rules::GlossaryTerm {
                        term: unique.clone(),
                        ja: "説明".into(),
                        en_term: unique.clone(),
                        en: "explanation".into(),
                    },
                )
                .await);
            form.extend([
                ("term".into(), unique.clone()),
                ("reason".into(), "authz probe".into()),
            ]);
            json = serde_json::json!({"term": unique, "reason": "authz probe"});
        }
        "/org/new/company" => {
            form.extend([
                ("code".into(), unique.clone()),
                ("name".into(), unique.clone()),
                ("kind".into(), "subsidiary".into()),
            ]);
        }
        "/org/new/site" => {
            form.extend([
                ("company".into(), company.clone()),
                ("code".into(), unique.clone()),
                ("name".into(), unique.clone()),
            ]);
        }
        "/org/new/department" => {
            form.extend([
                ("company".into(), company.clone()),
                ("code".into(), unique.clone()),
                ("name".into(), unique.clone()),
                ("kind".into(), "business".into()),
            ]);
        }
        "/org/new/person" => {
            form.extend([
                ("company".into(), company.clone()),
                ("name".into(), unique.clone()),
            ]);
        }
        "/org/new/staff" => {
            let person = person_in(store, system, &company, serial).await;
            form.extend([
                ("company".into(), company.clone()),
                ("person".into(), person),
                ("role".into(), "practitioner".into()),
            ]);
        }
        "/org/new/relationship" => {
            form.extend([
                ("a".into(), "X".into()),
                ("b".into(), "B".into()),
                ("weight".into(), "10".into()),
            ]);
        }
        "/org/archive" => {
            let person = person_in(store, system, &company, serial).await;
            form.extend([
                ("what".into(), "person".into()),
                ("key".into(), person),
                ("reason".into(), "authz probe".into()),
            ]);
        }
        "/org/scope" => {
            form.extend([
                ("company".into(), company.clone()),
                ("scope".into(), "out".into()),
                ("reason".into(), "authz probe".into()),
            ]);
        }
        "/org/new/user" => {
            form.extend([
                ("email".into(), format!("new-{serial}@authz.example")),
                ("name".into(), unique.clone()),
            ]);
        }
        "/org/new/grant" => {
            let mail = format!("grantee-{serial}@authz.example");
            ok(store
                .add_user(system, &email(&mail), "grantee", None, false)
                .await);
            form.extend([
                ("email".into(), mail),
                ("role".into(), "viewer".into()),
                ("scope".into(), "company:X".into()),
            ]);
        }
        "/org/users/disable" => {
            let mail = format!("throwaway-{serial}@authz.example");
            ok(store
                .add_user(system, &email(&mail), "throwaway", None, false)
                .await);
            form.extend([
                ("email".into(), mail),
                ("reason".into(), "authz probe".into()),
            ]);
        }
        "/org/grants/{id}/revoke" | "/org/grants/{id}/confirm" => {
            let mail = format!("holder-{serial}@authz.example");
            ok(store
                .add_user(system, &email(&mail), "holder", None, false)
                .await);
            let g = ok(store
                .grant(
                    system,
                    &email(&mail),
                    Capability::Role(Role::Viewer),
                    &ScopeSpec::Group,
                    None,
                )
                .await);
            path = route.path.replace("{id}", &g.id.to_string());
            form.push(("reason".into(), "authz probe".into()));
        }
        "/account/password" => {
            form.extend([
                ("current".into(), "not my password".into()),
                ("new".into(), "a new long password".into()),
                ("confirm".into(), "a new long password".into()),
            ]);
        }
        "/account/tokens" => {
            form.extend([
                ("name".into(), "probe".into()),
                ("password".into(), "not my password".into()),
            ]);
        }
        "/account/tokens/revoke" => {
            form.push(("id".into(), "01a22300-0000-7000-8000-000000000000".into()));
        }
        "/account/second-factor/confirm" | "/signin/second-factor" => {
            form.push(("code".into(), "000000".into()));
        }
        "/account/second-factor/disable" => {
            form.push(("password".into(), "not my password".into()));
        }
        "/signin" if route.method == "POST" => {
            form.extend([
                ("email".into(), "nobody@authz.example".into()),
                ("password".into(), "x".into()),
            ]);
        }
        "/lang" => {
            form.extend([("lang".into(), "ja".into()), ("back".into(), "/".into())]);
        }
        "/signout" => {
            // Signing out would end the caller's session for the rest of the matrix.
            form[0].1 = "not-the-token".into();
        }
        _ => {}
    }
    let method = Method::from_bytes(route.method.as_bytes()).unwrap_or(Method::GET);
    let res = if is_api {
        let mut req = reqwest::Client::new().request(method.clone(), s.url(&path));
        if let Some(token) = &caller.token {
            req = req.bearer_auth(token);
        }
        if method != Method::GET {
            req = req.json(&json);
        }
        ok(req.send().await)
    } else if method == Method::GET {
        ok(caller.client.get(s.url(&path)).send().await)
    } else {
        ok(caller.client.post(s.url(&path)).form(&form).send().await)
    };
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if route.path == "/signout" {
        // Refused for its missing token when signed in; a plain redirect when not.
        return if status == 403 || caller.actor.is_none() {
            Outcome::Allowed
        } else {
            Outcome::Forbidden
        };
    }
    if route.path == "/account/tokens/revoke" && status == 404 && caller.actor.is_some() {
        // A token id that is not the caller's is not found: the route itself was reached.
        return Outcome::Allowed;
    }
    if matches!(route.path, "/signin/second-factor" | "/signin") && route.method == "POST" {
        // Signing in answers 401 for a wrong password (or 429 when throttled): reached.
        return Outcome::Allowed;
    }
    classify(status, location.as_deref())
}

/// A fresh person in a company, for routes that change or archive one.
async fn person_in(
    store: &kamae_store::Store,
    system: &Actor,
    company: &str,
    serial: u32,
) -> String {
    let company = if company.is_empty() { "X" } else { company };
    ok(store
        .add_person(
            system,
            NewPerson {
                name: format!("person {serial}"),
                email: None,
                position: None,
                company: code(company),
                department: None,
            },
        )
        .await)
    .id
    .to_string()
}

#[test]
fn the_policy_table_names_every_route_of_the_router() {
    let pages = include_str!("../src/pages/mod.rs");
    for line in pages.lines().filter(|l| l.contains(".route(\"")) {
        let path = line
            .split(".route(\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or("");
        for (method, present) in [
            ("GET", line.contains("get(")),
            ("POST", line.contains("post(")),
        ] {
            if !present {
                continue;
            }
            let known = ROUTES.iter().any(|r| {
                r.method == method
                    && (r.path == path
                        || (path.contains("{step}")
                            && r.path.starts_with(path.trim_end_matches("{step}")))
                        || (path.contains("{what}")
                            && r.path.starts_with(path.trim_end_matches("{what}"))))
            });
            assert!(
                known,
                "{method} {path} is routed but has no policy in kamae_web::policy::ROUTES"
            );
        }
    }
    let doc = kamae_web::api::openapi();
    for (path, item) in &doc.paths.paths {
        for (method, present) in [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("DELETE", item.delete.is_some()),
        ] {
            if present {
                assert!(
                    ROUTES.iter().any(|r| r.method == method && r.path == path),
                    "{method} {path} is in the API but has no policy"
                );
            }
        }
    }
}

/// A case of the library for the probes to read and archive.
fn probe_case(code: &str) -> kamae_core::cases::IncidentCase {
    kamae_core::cases::IncidentCase {
        code: kamae_core::text::Code::parse(code).unwrap_or_else(|p| panic!("{p}")),
        title: "probe".into(),
        sector: "probe".into(),
        size: String::new(),
        cause: "probe".into(),
        damage: "probe".into(),
        damage_yen: None,
        people: None,
        source: "probe".into(),
        occurred_on: chrono::NaiveDate::from_ymd_opt(2017, 7, 29).unwrap_or_default(),
    }
}
