//! Every route and the access it needs, in one table: the authorization matrix test drives
//! each of them as every role at every scope and compares the answer with `docs/access.md`,
//! and another test keeps this table in step with the router.

use kamae_core::access::{Action, RecordKind};
use kamae_core::artifact::ArtifactKind;

/// What a route touches, as far as access is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Anyone, signed in or not (sign-in, language, health, static files, the API's document).
    Public,
    /// Loopback and configured addresses only.
    Operators,
    /// Any signed-in user; what the page or list shows is filtered by `authorize`.
    SignedIn,
    /// The caller's own account (password, second factor, tokens).
    OwnAccount,
    /// One record of this kind, where it lives, with this action.
    Record(RecordKind, Action),
    /// The history of a record: the record must be readable, and so must record history.
    History,
}

#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub policy: Policy,
}

const fn r(method: &'static str, path: &'static str, policy: Policy) -> Route {
    Route {
        method,
        path,
        policy,
    }
}

use Policy::*;

/// An artifact at any scope; the test tries the group's (published or not) and companies'.
const ARTIFACT: RecordKind = RecordKind::Artifact(ArtifactKind::RiskAssessment);
const ORG: RecordKind = RecordKind::Organisation;
const ADMIN: RecordKind = RecordKind::Administration;
/// The group's standard (role D): the group-level measures and rules, published group-wide.
pub const STANDARD: RecordKind = RecordKind::Artifact(ArtifactKind::MeasuresAndRules);
const REFERENCE: RecordKind = RecordKind::GroupReference;
/// An exception at a company; the test tries ones with and without a group-mandatory item.
pub const EXCEPTION: RecordKind = RecordKind::Exception {
    group_mandatory: true,
};

/// A company's applicability agreement and its view of the standard; the test tries the
/// caller's own company and another.
pub const APPLICABILITY: RecordKind = RecordKind::Applicability;
/// Advice to a department, where the department is; the test tries the caller's own
/// department and another company's.
pub const ADVICE: RecordKind = RecordKind::Artifact(ArtifactKind::AdviceToDepartments);

pub const ROUTES: &[Route] = &[
    r("GET", "/", SignedIn),
    r("GET", "/signin", Public),
    r("POST", "/signin", Public),
    r("POST", "/signout", Public),
    r("GET", "/signin/second-factor", Public),
    r("POST", "/signin/second-factor", Public),
    r("POST", "/lang", Public),
    r("GET", "/account", OwnAccount),
    r("POST", "/account/password", OwnAccount),
    r("POST", "/account/tokens", OwnAccount),
    r("POST", "/account/tokens/revoke", OwnAccount),
    r("GET", "/account/second-factor", OwnAccount),
    r("POST", "/account/second-factor/start", OwnAccount),
    r("POST", "/account/second-factor/confirm", OwnAccount),
    r("POST", "/account/second-factor/disable", OwnAccount),
    r("GET", "/roles/{letter}", SignedIn),
    r("GET", "/approvals", SignedIn),
    r("GET", "/artifacts", SignedIn),
    r("POST", "/artifacts", Record(ARTIFACT, Action::Write)),
    r("GET", "/artifacts/new", SignedIn),
    r("GET", "/artifacts/map", SignedIn),
    r("GET", "/artifacts/{id}", Record(ARTIFACT, Action::Read)),
    r(
        "GET",
        "/artifacts/{id}/edit",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/artifacts/{id}/edit",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "GET",
        "/artifacts/{id}/diff",
        Record(ARTIFACT, Action::Read),
    ),
    r(
        "POST",
        "/artifacts/{id}/submit",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/artifacts/{id}/withdraw",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/artifacts/{id}/approve",
        Record(ARTIFACT, Action::Approve),
    ),
    r(
        "POST",
        "/artifacts/{id}/reject",
        Record(ARTIFACT, Action::Approve),
    ),
    r("GET", "/standard", Record(STANDARD, Action::Read)),
    r(
        "GET",
        "/standard/items/{item}",
        Record(STANDARD, Action::Read),
    ),
    r("GET", "/standard/versions", Record(STANDARD, Action::Read)),
    r("GET", "/standard/compare", Record(STANDARD, Action::Read)),
    r("GET", "/standard/export", Record(STANDARD, Action::Read)),
    r("GET", "/standard/template", SignedIn),
    r("GET", "/standard/import", Record(STANDARD, Action::Write)),
    r("POST", "/standard/import", Record(STANDARD, Action::Write)),
    r(
        "GET",
        "/standard/frameworks",
        Record(REFERENCE, Action::Read),
    ),
    r(
        "POST",
        "/standard/frameworks",
        Record(REFERENCE, Action::Write),
    ),
    r(
        "GET",
        "/standard/frameworks/{framework}",
        Record(REFERENCE, Action::Read),
    ),
    r(
        "GET",
        "/standard/items/{item}/edit",
        Record(STANDARD, Action::Write),
    ),
    r(
        "POST",
        "/standard/items/{item}/edit",
        Record(STANDARD, Action::Write),
    ),
    r("GET", "/standard/new-item", Record(STANDARD, Action::Write)),
    r(
        "POST",
        "/standard/new-item",
        Record(STANDARD, Action::Write),
    ),
    r("GET", "/risk", SignedIn),
    // The inventory shows and takes only what the caller's grants reach, row by row.
    r("GET", "/risk/assets", SignedIn),
    r("POST", "/risk/assets", SignedIn),
    r("GET", "/risk/assets/export", SignedIn),
    r("GET", "/risk/assessments/new", SignedIn),
    r("POST", "/risk/assessments", Record(ARTIFACT, Action::Write)),
    r(
        "GET",
        "/risk/assessments/{id}",
        Record(ARTIFACT, Action::Read),
    ),
    r(
        "POST",
        "/risk/assessments/{id}/copy",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/risk/assessments/{id}/risks",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "GET",
        "/risk/assessments/{id}/risks/new",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "GET",
        "/risk/assessments/{id}/risks/{code}",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/risk/assessments/{id}/risks/{code}",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/risk/assessments/{id}/risks/{code}/confirm",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/risk/assessments/{id}/risks/{code}/archive",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/risk/assessments/{id}/plans",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/risk/assessments/{id}/context",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "GET",
        "/risk/assessments/{id}/quant",
        Record(ARTIFACT, Action::Read),
    ),
    // Role C: business cases, started from an assessment (its scenarios).
    r(
        "GET",
        "/risk/assessments/{id}/business-cases/new",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/risk/assessments/{id}/business-cases",
        Record(ARTIFACT, Action::Write),
    ),
    r("GET", "/business-cases", SignedIn),
    // The scenario editor runs models written on the page (nothing is stored).
    r("GET", "/quant/editor", SignedIn),
    r("POST", "/quant/editor", SignedIn),
    // The library of public incidents that estimates cite: group reference.
    r("GET", "/cases", Record(REFERENCE, Action::Read)),
    r("POST", "/cases", Record(REFERENCE, Action::Write)),
    r("GET", "/cases/new", Record(REFERENCE, Action::Write)),
    r("GET", "/cases/{code}", Record(REFERENCE, Action::Read)),
    r(
        "GET",
        "/cases/{code}/edit",
        Record(REFERENCE, Action::Write),
    ),
    r(
        "POST",
        "/cases/{code}/archive",
        Record(REFERENCE, Action::Write),
    ),
    r(
        "GET",
        "/business-cases/{id}",
        Record(ARTIFACT, Action::Read),
    ),
    r(
        "GET",
        "/business-cases/{id}/case.xlsx",
        Record(ARTIFACT, Action::Read),
    ),
    r(
        "GET",
        "/business-cases/{id}/edit",
        Record(ARTIFACT, Action::Write),
    ),
    // Role C after the fact: the evaluation of an investment's effect.
    r(
        "GET",
        "/business-cases/{id}/evaluations/new",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/business-cases/{id}/evaluations",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "GET",
        "/investment-evaluations/{id}/edit",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/investment-evaluations/{id}/edit",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/business-cases/{id}/edit",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "GET",
        "/business-cases/{id}/options/{n}/edit",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/business-cases/{id}/options/{n}/edit",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "GET",
        "/risk/assessments/{id}/report",
        Record(ARTIFACT, Action::Read),
    ),
    r(
        "GET",
        "/risk/assessments/{id}/report.xlsx",
        Record(ARTIFACT, Action::Read),
    ),
    // The context is the group's (reference for every company) or one company's (kept with
    // its risk assessment); the test tries a factor at each.
    r("GET", "/risk/context", SignedIn),
    r("POST", "/risk/context", Record(ARTIFACT, Action::Write)),
    r("GET", "/risk/context/{id}", Record(ARTIFACT, Action::Read)),
    r(
        "POST",
        "/risk/context/{id}",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/risk/context/{id}/archive",
        Record(ARTIFACT, Action::Write),
    ),
    r("GET", "/risk/plans/{id}", Record(ARTIFACT, Action::Read)),
    r(
        "POST",
        "/risk/plans/{id}/treatments/{code}",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/risk/plans/{id}/treatments/{code}/actions/{n}",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/risk/plans/{id}/review",
        Record(ARTIFACT, Action::Write),
    ),
    r("GET", "/risk/matrices", Record(REFERENCE, Action::Read)),
    r("POST", "/risk/matrices", Record(REFERENCE, Action::Write)),
    r(
        "GET",
        "/risk/matrices/{matrix}",
        Record(REFERENCE, Action::Read),
    ),
    r("GET", "/standard/watch", Record(REFERENCE, Action::Read)),
    r("POST", "/standard/watch", Record(REFERENCE, Action::Write)),
    r(
        "GET",
        "/standard/watch/{id}",
        Record(REFERENCE, Action::Read),
    ),
    r(
        "POST",
        "/standard/watch/{id}",
        Record(REFERENCE, Action::Write),
    ),
    r(
        "POST",
        "/standard/watch/{id}/no-change",
        Record(REFERENCE, Action::Write),
    ),
    r(
        "POST",
        "/standard/watch/{id}/revision",
        Record(REFERENCE, Action::Write),
    ),
    r(
        "POST",
        "/standard/watch/{id}/archive",
        Record(REFERENCE, Action::Write),
    ),
    r("GET", "/advice", SignedIn),
    r("POST", "/advice", Record(ADVICE, Action::Write)),
    r("GET", "/advice/new", SignedIn),
    r("GET", "/advice/{id}", Record(ADVICE, Action::Read)),
    r("GET", "/advice/{id}/edit", Record(ADVICE, Action::Write)),
    r("POST", "/advice/{id}/edit", Record(ADVICE, Action::Write)),
    r(
        "POST",
        "/advice/{id}/follow-ups/{n}",
        Record(ADVICE, Action::Write),
    ),
    r(
        "POST",
        "/advice/{id}/archive",
        Record(ADVICE, Action::Write),
    ),
    r("GET", "/standard/companies", SignedIn),
    r(
        "GET",
        "/standard/companies/{company}",
        Record(APPLICABILITY, Action::Read),
    ),
    r(
        "GET",
        "/standard/companies/{company}/agreement",
        Record(APPLICABILITY, Action::Write),
    ),
    r(
        "POST",
        "/standard/companies/{company}/agreement",
        Record(APPLICABILITY, Action::Write),
    ),
    r(
        "POST",
        "/standard/companies/{company}/agreement/submit",
        Record(APPLICABILITY, Action::Write),
    ),
    r(
        "POST",
        "/standard/companies/{company}/agreement/withdraw",
        Record(APPLICABILITY, Action::Write),
    ),
    r(
        "POST",
        "/standard/companies/{company}/agreement/approve",
        Record(APPLICABILITY, Action::Approve),
    ),
    r(
        "POST",
        "/standard/companies/{company}/agreement/reject",
        Record(APPLICABILITY, Action::Approve),
    ),
    r("GET", "/standard/glossary", Record(REFERENCE, Action::Read)),
    r(
        "POST",
        "/standard/glossary",
        Record(REFERENCE, Action::Write),
    ),
    r(
        "POST",
        "/standard/glossary/archive",
        Record(REFERENCE, Action::Write),
    ),
    r("GET", "/exceptions", SignedIn),
    r("GET", "/exceptions/new", SignedIn),
    r("POST", "/exceptions", Record(EXCEPTION, Action::Write)),
    r("GET", "/exceptions/{id}", Record(EXCEPTION, Action::Read)),
    r(
        "GET",
        "/exceptions/{id}/edit",
        Record(EXCEPTION, Action::Write),
    ),
    r(
        "POST",
        "/exceptions/{id}/edit",
        Record(EXCEPTION, Action::Write),
    ),
    r(
        "POST",
        "/exceptions/{id}/milestones/{n}",
        Record(EXCEPTION, Action::Write),
    ),
    r(
        "POST",
        "/exceptions/{id}/submit",
        Record(EXCEPTION, Action::Write),
    ),
    r(
        "POST",
        "/exceptions/{id}/withdraw",
        Record(EXCEPTION, Action::Write),
    ),
    r(
        "POST",
        "/exceptions/{id}/approve",
        Record(EXCEPTION, Action::Approve),
    ),
    r(
        "POST",
        "/exceptions/{id}/reject",
        Record(EXCEPTION, Action::Approve),
    ),
    r(
        "POST",
        "/exceptions/{id}/archive",
        Record(EXCEPTION, Action::Write),
    ),
    r("GET", "/history/{kind}/{id}", History),
    r(
        "GET",
        "/security",
        Record(RecordKind::SecurityEvents, Action::Read),
    ),
    r("GET", "/org", SignedIn),
    r("GET", "/org/new/{what}", SignedIn),
    r("POST", "/org/new/company", Record(ORG, Action::Write)),
    r("POST", "/org/new/site", Record(ORG, Action::Write)),
    r("POST", "/org/new/department", Record(ORG, Action::Write)),
    r("POST", "/org/new/person", Record(ORG, Action::Write)),
    r("POST", "/org/new/staff", Record(ORG, Action::Write)),
    r("POST", "/org/new/relationship", Record(ORG, Action::Write)),
    r("POST", "/org/new/user", Record(ADMIN, Action::Write)),
    r("POST", "/org/new/grant", Record(ADMIN, Action::Write)),
    r("POST", "/org/archive", Record(ORG, Action::Write)),
    r("POST", "/org/scope", Record(ORG, Action::Write)),
    r("GET", "/org/users", Record(ADMIN, Action::Read)),
    r("POST", "/org/users/disable", Record(ADMIN, Action::Write)),
    r(
        "POST",
        "/org/grants/{id}/revoke",
        Record(ADMIN, Action::Write),
    ),
    r(
        "POST",
        "/org/grants/{id}/confirm",
        Record(ADMIN, Action::Write),
    ),
    r("POST", "/org/mfa-policy", Record(ADMIN, Action::Write)),
    r("GET", "/static/kamae.css", Public),
    r("GET", "/static/kamae.js", Public),
    r("GET", "/healthz", Public),
    r("GET", "/readyz", Public),
    r("GET", "/metrics", Operators),
    r("GET", "/api/v1/openapi.json", Public),
    r("GET", "/api/v1/companies", SignedIn),
    r("GET", "/api/v1/companies/{id}", Record(ORG, Action::Read)),
    r("GET", "/api/v1/sites", SignedIn),
    r("GET", "/api/v1/departments", SignedIn),
    r("GET", "/api/v1/people", SignedIn),
    r("GET", "/api/v1/users", Record(ADMIN, Action::Read)),
    r("GET", "/api/v1/grants", Record(ADMIN, Action::Read)),
    r("GET", "/api/v1/approvals", SignedIn),
    r(
        "POST",
        "/api/v1/approvals/{id}/approve",
        Record(ARTIFACT, Action::Approve),
    ),
    r(
        "POST",
        "/api/v1/approvals/{id}/reject",
        Record(ARTIFACT, Action::Approve),
    ),
    r("GET", "/api/v1/artifacts", SignedIn),
    r("POST", "/api/v1/artifacts", Record(ARTIFACT, Action::Write)),
    r(
        "GET",
        "/api/v1/artifacts/{id}",
        Record(ARTIFACT, Action::Read),
    ),
    r(
        "PUT",
        "/api/v1/artifacts/{id}",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/artifacts/{id}/submit",
        Record(ARTIFACT, Action::Write),
    ),
    r("GET", "/api/v1/history/{kind}/{id}", History),
    r("GET", "/api/v1/standard", Record(STANDARD, Action::Read)),
    r(
        "GET",
        "/api/v1/standard/versions",
        Record(STANDARD, Action::Read),
    ),
    r(
        "GET",
        "/api/v1/standard/compare",
        Record(STANDARD, Action::Read),
    ),
    r(
        "GET",
        "/api/v1/standard/export",
        Record(STANDARD, Action::Read),
    ),
    r(
        "POST",
        "/api/v1/standard/import",
        Record(STANDARD, Action::Write),
    ),
    r("GET", "/api/v1/frameworks", Record(REFERENCE, Action::Read)),
    r(
        "GET",
        "/api/v1/frameworks/{framework}",
        Record(REFERENCE, Action::Read),
    ),
    r(
        "POST",
        "/api/v1/frameworks/import",
        Record(REFERENCE, Action::Write),
    ),
    r("GET", "/api/v1/glossary", Record(REFERENCE, Action::Read)),
    r("POST", "/api/v1/glossary", Record(REFERENCE, Action::Write)),
    r(
        "POST",
        "/api/v1/glossary/archive",
        Record(REFERENCE, Action::Write),
    ),
    r("GET", "/api/v1/exceptions", SignedIn),
    r(
        "POST",
        "/api/v1/exceptions",
        Record(EXCEPTION, Action::Write),
    ),
    r(
        "GET",
        "/api/v1/exceptions/{id}",
        Record(EXCEPTION, Action::Read),
    ),
    r(
        "PUT",
        "/api/v1/exceptions/{id}",
        Record(EXCEPTION, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/exceptions/{id}/submit",
        Record(EXCEPTION, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/exceptions/{id}/withdraw",
        Record(EXCEPTION, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/exceptions/{id}/approve",
        Record(EXCEPTION, Action::Approve),
    ),
    r(
        "POST",
        "/api/v1/exceptions/{id}/reject",
        Record(EXCEPTION, Action::Approve),
    ),
    r(
        "POST",
        "/api/v1/exceptions/{id}/archive",
        Record(EXCEPTION, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/exceptions/{id}/milestones/{n}",
        Record(EXCEPTION, Action::Write),
    ),
    r("GET", "/api/v1/standard/companies", SignedIn),
    r(
        "GET",
        "/api/v1/standard/companies/{company}",
        Record(APPLICABILITY, Action::Read),
    ),
    r(
        "PUT",
        "/api/v1/standard/companies/{company}/agreement",
        Record(APPLICABILITY, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/standard/companies/{company}/agreement/submit",
        Record(APPLICABILITY, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/standard/companies/{company}/agreement/withdraw",
        Record(APPLICABILITY, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/standard/companies/{company}/agreement/approve",
        Record(APPLICABILITY, Action::Approve),
    ),
    r(
        "POST",
        "/api/v1/standard/companies/{company}/agreement/reject",
        Record(APPLICABILITY, Action::Approve),
    ),
    r("GET", "/api/v1/advice", SignedIn),
    r("POST", "/api/v1/advice", Record(ADVICE, Action::Write)),
    r("GET", "/api/v1/advice/{id}", Record(ADVICE, Action::Read)),
    r("PUT", "/api/v1/advice/{id}", Record(ADVICE, Action::Write)),
    r(
        "POST",
        "/api/v1/advice/{id}/follow-ups/{n}",
        Record(ADVICE, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/advice/{id}/archive",
        Record(ADVICE, Action::Write),
    ),
    r(
        "GET",
        "/api/v1/risk/matrices",
        Record(REFERENCE, Action::Read),
    ),
    r(
        "GET",
        "/api/v1/risk/matrices/{matrix}",
        Record(REFERENCE, Action::Read),
    ),
    r(
        "POST",
        "/api/v1/risk/matrices/import",
        Record(REFERENCE, Action::Write),
    ),
    r("GET", "/api/v1/risk/assessments", SignedIn),
    r(
        "POST",
        "/api/v1/risk/assessments",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "GET",
        "/api/v1/risk/assessments/{id}",
        Record(ARTIFACT, Action::Read),
    ),
    r(
        "POST",
        "/api/v1/risk/assessments/{id}/risks",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "PUT",
        "/api/v1/risk/assessments/{id}/risks/{code}",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/risk/assessments/{id}/risks/{code}/confirm",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/risk/assessments/{id}/risks/{code}/archive",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/risk/assessments/{id}/copy",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "GET",
        "/api/v1/risk/assessments/{id}/quant",
        Record(ARTIFACT, Action::Read),
    ),
    r(
        "POST",
        "/api/v1/risk/assessments/{id}/business-cases",
        Record(ARTIFACT, Action::Write),
    ),
    r("GET", "/api/v1/business-cases", SignedIn),
    r("GET", "/api/v1/cases", Record(REFERENCE, Action::Read)),
    r("POST", "/api/v1/cases", Record(REFERENCE, Action::Write)),
    r(
        "GET",
        "/api/v1/cases/{code}",
        Record(REFERENCE, Action::Read),
    ),
    r(
        "POST",
        "/api/v1/cases/{code}/archive",
        Record(REFERENCE, Action::Write),
    ),
    r(
        "GET",
        "/api/v1/business-cases/{id}",
        Record(ARTIFACT, Action::Read),
    ),
    r(
        "PUT",
        "/api/v1/business-cases/{id}",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/business-cases/{id}/evaluations",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "GET",
        "/api/v1/investment-evaluations/{id}",
        Record(ARTIFACT, Action::Read),
    ),
    r(
        "PUT",
        "/api/v1/investment-evaluations/{id}",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "GET",
        "/api/v1/risk/assessments/{id}/report",
        Record(ARTIFACT, Action::Read),
    ),
    r(
        "PUT",
        "/api/v1/risk/assessments/{id}/context",
        Record(ARTIFACT, Action::Write),
    ),
    r("GET", "/api/v1/risk/context", SignedIn),
    r(
        "POST",
        "/api/v1/risk/context",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "GET",
        "/api/v1/risk/context/{id}",
        Record(ARTIFACT, Action::Read),
    ),
    r(
        "PUT",
        "/api/v1/risk/context/{id}",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/risk/context/{id}/archive",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/risk/assessments/{id}/plans",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "GET",
        "/api/v1/risk/plans/{id}",
        Record(ARTIFACT, Action::Read),
    ),
    r(
        "PUT",
        "/api/v1/risk/plans/{id}/treatments/{code}",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/risk/plans/{id}/treatments/{code}/actions/{n}",
        Record(ARTIFACT, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/risk/plans/{id}/review",
        Record(ARTIFACT, Action::Write),
    ),
    r("GET", "/api/v1/watch", Record(REFERENCE, Action::Read)),
    r("POST", "/api/v1/watch", Record(REFERENCE, Action::Write)),
    r("GET", "/api/v1/watch/{id}", Record(REFERENCE, Action::Read)),
    r(
        "PUT",
        "/api/v1/watch/{id}",
        Record(REFERENCE, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/watch/{id}/no-change",
        Record(REFERENCE, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/watch/{id}/revision",
        Record(REFERENCE, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/watch/{id}/archive",
        Record(REFERENCE, Action::Write),
    ),
    r(
        "POST",
        "/api/v1/standard/items",
        Record(STANDARD, Action::Write),
    ),
    r(
        "PUT",
        "/api/v1/standard/items/{item}",
        Record(STANDARD, Action::Write),
    ),
    r("POST", "/api/v1/quant/run", SignedIn),
    r("POST", "/api/v1/quant/breach", SignedIn),
];
