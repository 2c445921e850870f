//! Server-rendered pages. Every label comes from the message catalog (`t.get(…)`); pages
//! work without JavaScript.

mod account;
mod advice;
mod applicability;
mod artifacts;
mod assets;
mod auth;
mod business;
mod cases;
mod chart;
mod context;
mod evaluation;
pub mod exceptions;
mod forms;
mod heatmap;
mod history;
mod home;
mod item_edit;
mod map;
mod org;
mod quant;
mod risk;
mod risk_report;
mod roles;
mod security;
pub mod standard;
mod treatment;
mod watch;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use kamae_core::access::Actor;
use kamae_core::artifact::RoleArea;

use crate::AppState;
use crate::ctx::{Ctx, PageError};
use crate::i18n::T;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/signin", get(auth::signin_page).post(auth::signin))
        .route("/signout", post(auth::signout))
        .route(
            "/signin/second-factor",
            get(auth::second_factor_page).post(auth::second_factor),
        )
        .route("/account", get(account::account))
        .route("/account/password", post(account::change_password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/revoke", post(account::revoke_token))
        .route("/account/second-factor", get(account::second_factor))
        .route("/account/second-factor/start", post(account::start))
        .route("/account/second-factor/confirm", post(account::confirm))
        .route("/account/second-factor/disable", post(account::disable))
        .route("/lang", post(auth::set_lang))
        .route("/roles/{letter}", get(roles::role_page))
        .route("/approvals", get(artifacts::inbox))
        .route("/artifacts", get(artifacts::list).post(artifacts::create))
        .route("/artifacts/new", get(artifacts::new_form))
        .route("/artifacts/map", get(map::map))
        .route("/artifacts/{id}", get(artifacts::view))
        .route(
            "/artifacts/{id}/edit",
            get(artifacts::edit_form).post(artifacts::edit),
        )
        .route("/artifacts/{id}/diff", get(artifacts::diff))
        .route("/artifacts/{id}/{step}", post(artifacts::step))
        .route("/standard", get(standard::standard))
        .route("/standard/items/{item}", get(standard::item))
        .route("/standard/versions", get(standard::versions))
        .route("/standard/compare", get(standard::compare))
        .route("/standard/export", get(standard::export))
        .route("/standard/template", get(standard::template))
        .route(
            "/standard/import",
            get(standard::import_form)
                .post(standard::import)
                .layer(upload_limit()),
        )
        .route(
            "/standard/frameworks",
            get(standard::frameworks)
                .post(standard::import_framework)
                .layer(upload_limit()),
        )
        .route("/standard/frameworks/{framework}", get(standard::framework))
        .route(
            "/standard/glossary",
            get(standard::glossary).post(standard::save_term),
        )
        .route("/standard/glossary/archive", post(standard::archive_term))
        .route(
            "/standard/items/{item}/edit",
            get(item_edit::edit_form).post(item_edit::edit),
        )
        .route(
            "/standard/new-item",
            get(item_edit::new_form).post(item_edit::create),
        )
        .route("/standard/watch", get(watch::list).post(watch::create))
        .route("/standard/watch/{id}", get(watch::view).post(watch::edit))
        .route("/standard/watch/{id}/{step}", post(watch::step))
        .route("/standard/companies", get(applicability::overview))
        .route("/standard/companies/{company}", get(applicability::company))
        .route(
            "/standard/companies/{company}/agreement",
            get(applicability::agreement_form).post(applicability::save_agreement),
        )
        .route(
            "/standard/companies/{company}/agreement/{step}",
            post(applicability::agreement_step),
        )
        .route("/advice", get(advice::list).post(advice::create))
        .route("/advice/new", get(advice::new_form))
        .route("/advice/{id}", get(advice::view))
        .route(
            "/advice/{id}/edit",
            get(advice::edit_form).post(advice::edit),
        )
        .route("/advice/{id}/follow-ups/{n}", post(advice::follow_up))
        .route("/advice/{id}/archive", post(advice::archive))
        .route(
            "/exceptions",
            get(exceptions::list).post(exceptions::create),
        )
        .route("/exceptions/new", get(exceptions::new_form))
        .route("/exceptions/{id}", get(exceptions::view))
        .route(
            "/exceptions/{id}/edit",
            get(exceptions::edit_form).post(exceptions::edit),
        )
        .route(
            "/exceptions/{id}/milestones/{n}",
            post(exceptions::milestone),
        )
        .route("/exceptions/{id}/{step}", post(exceptions::step))
        .route(
            "/risk/matrices",
            get(risk::matrices)
                .post(risk::import_matrices)
                .layer(upload_limit()),
        )
        .route("/risk/matrices/{matrix}", get(risk::matrix))
        .route("/risk", get(risk::assessments))
        .route(
            "/risk/assets",
            get(assets::assets)
                .post(assets::import)
                .layer(upload_limit()),
        )
        .route("/risk/assets/export", get(assets::export))
        .route("/risk/assessments", post(risk::create_assessment))
        .route("/risk/assessments/new", get(risk::new_assessment_form))
        .route("/risk/assessments/{id}", get(risk::assessment))
        .route("/risk/assessments/{id}/copy", post(risk::copy_assessment))
        .route("/risk/assessments/{id}/context", post(context::cite))
        .route("/risk/assessments/{id}/quant", get(quant::register_view))
        .route(
            "/risk/assessments/{id}/business-cases/new",
            get(business::new_form),
        )
        .route(
            "/risk/assessments/{id}/business-cases",
            post(business::create),
        )
        .route("/business-cases", get(business::list))
        .route("/quant/editor", get(quant::editor).post(quant::editor_run))
        .route("/cases", get(cases::list).post(cases::save))
        .route("/cases/new", get(cases::new_form))
        .route("/cases/{code}", get(cases::show))
        .route("/cases/{code}/edit", get(cases::edit_form))
        .route("/cases/{code}/archive", post(cases::archive))
        .route("/business-cases/{id}", get(business::show))
        .route("/business-cases/{id}/case.xlsx", get(business::workbook))
        .route(
            "/business-cases/{id}/evaluations/new",
            get(evaluation::new_form),
        )
        .route("/business-cases/{id}/evaluations", post(evaluation::create))
        .route(
            "/investment-evaluations/{id}/edit",
            get(evaluation::edit_form).post(evaluation::save),
        )
        .route(
            "/business-cases/{id}/edit",
            get(business::edit_form).post(business::save),
        )
        .route(
            "/business-cases/{id}/options/{n}/edit",
            get(business::option_form).post(business::save_option),
        )
        .route("/risk/assessments/{id}/report", get(risk_report::report))
        .route(
            "/risk/assessments/{id}/report.xlsx",
            get(risk_report::workbook),
        )
        .route("/risk/context", get(context::list).post(context::create))
        .route("/risk/context/{id}", get(context::view).post(context::edit))
        .route("/risk/context/{id}/archive", post(context::archive))
        .route("/risk/assessments/{id}/risks", post(risk::add_risk))
        .route("/risk/assessments/{id}/risks/new", get(risk::new_risk_form))
        .route(
            "/risk/assessments/{id}/risks/{code}",
            get(risk::risk_form).post(risk::edit_risk),
        )
        .route(
            "/risk/assessments/{id}/risks/{code}/{step}",
            post(risk::risk_step),
        )
        .route("/risk/assessments/{id}/plans", post(treatment::create))
        .route("/risk/plans/{id}", get(treatment::plan))
        .route(
            "/risk/plans/{id}/treatments/{code}",
            post(treatment::save_treatment),
        )
        .route(
            "/risk/plans/{id}/treatments/{code}/actions/{n}",
            post(treatment::action_progress),
        )
        .route("/risk/plans/{id}/review", post(treatment::review))
        .route("/history/{kind}/{id}", get(history::history))
        .route("/security", get(security::security))
        .route("/org", get(org::org))
        .route("/org/new/{what}", get(org::new_form).post(org::create))
        .route("/org/archive", post(org::archive))
        .route("/org/scope", post(org::set_scope))
        .route("/org/users", get(org::users))
        .route("/org/users/disable", post(org::disable_user))
        .route("/org/grants/{id}/{step}", post(org::grant_step))
        .route("/org/mfa-policy", post(org::mfa_policy))
}

/// Uploads may carry a file as large as the readers accept, and the form around it.
pub fn upload_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(kamae_exchange::MAX_FILE_BYTES + 64 * 1024)
}

/// What every page shows around its content: the language, the user, the navigation.
pub struct Chrome<'a> {
    pub t: T<'a>,
    pub csrf: String,
    pub user_name: Option<String>,
    pub user_email: Option<String>,
    /// The navigation entry to highlight.
    pub active: &'static str,
    pub roles: Vec<NavRole>,
    pub path: String,
    /// The security event log is shown in the menu to those who may read it.
    pub security_log: bool,
}

pub struct NavRole {
    pub letter: char,
    pub label: String,
    pub href: String,
}

impl<'a> Chrome<'a> {
    pub fn new(ctx: &'a Ctx, active: &'static str) -> Chrome<'a> {
        let t = ctx.t();
        let email = match &ctx.actor {
            Some(Actor::User(p)) => Some(p.email.clone()),
            _ => None,
        };
        Chrome {
            t,
            csrf: ctx.csrf.clone(),
            user_name: ctx.name.clone(),
            user_email: email,
            active,
            roles: RoleArea::ALL
                .iter()
                .map(|r| NavRole {
                    letter: r.letter(),
                    label: t.pick(r.label_ja(), r.label_en()).to_owned(),
                    href: format!("/roles/{}", r.letter().to_ascii_lowercase()),
                })
                .collect(),
            path: ctx.path.clone(),
            security_log: ctx.actor.as_ref().is_some_and(|a| {
                kamae_core::access::authorize(
                    a,
                    kamae_core::access::Action::Read,
                    &kamae_core::access::Resource {
                        group: a.group(),
                        kind: kamae_core::access::RecordKind::SecurityEvents,
                        scope: kamae_core::access::Scope::Group,
                    },
                ) == kamae_core::access::Decision::Allow
            }),
        }
    }

    pub fn is(&self, entry: &str) -> bool {
        self.active == entry
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage<'a> {
    pub chrome: Chrome<'a>,
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

/// Renders a page; a template that fails to render is a bug, answered with a bare 500.
pub fn render(page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => Html(body).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "500").into_response()
        }
    }
}

/// A refusal the form can show next to what was typed (wrong input, wrong state); not found
/// and forbidden are answered as pages of their own.
pub(crate) fn refusal(ctx: &Ctx, e: kamae_store::StoreError) -> Result<String, PageError> {
    match e {
        kamae_store::StoreError::Problem(p) if !matches!(p.code, "not_found" | "forbidden") => {
            let f: crate::error::Failure = p.into();
            Ok(f.message(ctx.lang).to_owned())
        }
        other => Err(ctx.fail(other)),
    }
}
