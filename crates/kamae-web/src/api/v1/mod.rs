//! Version 1 of the API, area by area.

mod advice;
mod applicability;
mod artifacts;
mod business;
mod cases;
mod context;
mod evaluation;
mod exceptions;
mod history;
mod org;
mod quant;
mod risk;
mod standard;
mod treatment;
mod users;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub fn router(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(org::list_companies))
        .routes(routes!(org::get_company))
        .routes(routes!(org::list_sites))
        .routes(routes!(org::list_departments))
        .routes(routes!(org::list_people))
        .routes(routes!(users::list_users))
        .routes(routes!(users::list_grants))
        .routes(routes!(artifacts::list_approvals))
        .routes(routes!(artifacts::approve))
        .routes(routes!(artifacts::reject))
        .routes(routes!(
            artifacts::list_artifacts,
            artifacts::create_artifact
        ))
        .routes(routes!(artifacts::get_artifact, artifacts::edit_artifact))
        .routes(routes!(artifacts::submit_artifact))
        .routes(routes!(history::record_history))
        .routes(routes!(standard::get_standard))
        .routes(routes!(standard::standard_versions))
        .routes(routes!(standard::compare_standard))
        .routes(routes!(standard::export_standard))
        .routes(routes!(standard::list_frameworks))
        .routes(routes!(standard::get_framework))
        .routes(routes!(standard::list_glossary, standard::save_term))
        .routes(routes!(standard::archive_term))
        .routes(routes!(advice::list_advice, advice::create_advice))
        .routes(routes!(advice::get_advice, advice::edit_advice))
        .routes(routes!(advice::record_follow_up))
        .routes(routes!(advice::archive_advice))
        .routes(routes!(advice::list_watch, advice::create_watch))
        .routes(routes!(advice::get_watch, advice::edit_watch))
        .routes(routes!(advice::watch_no_change))
        .routes(routes!(advice::watch_into_revision))
        .routes(routes!(advice::archive_watch))
        .routes(routes!(standard::add_item))
        .routes(routes!(standard::put_item))
        .routes(routes!(quant::run))
        .routes(routes!(quant::breach))
        .routes(routes!(quant::register))
        .routes(routes!(business::list_business_cases))
        .routes(routes!(business::create_business_case))
        .routes(routes!(
            business::get_business_case,
            business::save_business_case
        ))
        .routes(routes!(evaluation::create_evaluation))
        .routes(routes!(cases::list_cases, cases::save_case))
        .routes(routes!(cases::get_case))
        .routes(routes!(cases::archive_case))
        .routes(routes!(
            evaluation::get_evaluation,
            evaluation::save_evaluation
        ))
        .routes(routes!(risk::list_risk_matrices))
        .routes(routes!(risk::get_risk_matrix))
        .routes(routes!(risk::list_assessments, risk::create_assessment))
        .routes(routes!(risk::get_assessment))
        .routes(routes!(risk::add_risk))
        .routes(routes!(risk::put_risk))
        .routes(routes!(risk::confirm_risk))
        .routes(routes!(risk::archive_risk))
        .routes(routes!(risk::copy_assessment))
        .routes(routes!(context::put_citations))
        .routes(routes!(risk::get_report))
        .routes(routes!(context::list_context, context::create_context))
        .routes(routes!(context::get_context, context::put_context))
        .routes(routes!(context::archive_context))
        .routes(routes!(treatment::create_plan))
        .routes(routes!(treatment::get_plan))
        .routes(routes!(treatment::put_treatment))
        .routes(routes!(treatment::action_progress))
        .routes(routes!(treatment::review_plan))
        .routes(routes!(applicability::list_applicability))
        .routes(routes!(applicability::get_company_standard))
        .routes(routes!(applicability::save_agreement))
        .routes(routes!(applicability::submit_agreement))
        .routes(routes!(applicability::withdraw_agreement))
        .routes(routes!(applicability::approve_agreement))
        .routes(routes!(applicability::reject_agreement))
        .routes(routes!(
            exceptions::list_exceptions,
            exceptions::create_exception
        ))
        .routes(routes!(
            exceptions::get_exception,
            exceptions::edit_exception
        ))
        .routes(routes!(exceptions::submit_exception))
        .routes(routes!(exceptions::withdraw_exception))
        .routes(routes!(exceptions::approve_exception))
        .routes(routes!(exceptions::reject_exception))
        .routes(routes!(exceptions::archive_exception))
        .routes(routes!(exceptions::record_milestone))
        .merge(
            // Files as large as the readers accept, on these two routes only.
            OpenApiRouter::new()
                .routes(routes!(standard::import_standard))
                .routes(routes!(standard::import_framework))
                .routes(routes!(risk::import_risk_matrices))
                .layer(crate::pages::upload_limit()),
        )
        .routes(routes!(crate::api::openapi_json))
}

/// Lists share one shape: `{ "items": […], "next": cursor | null }`.
macro_rules! list_of {
    ($name:ident, $item:ty) => {
        #[derive(serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// The cursor of the next page, or null on the last.
            pub next: Option<String>,
        }
    };
}
pub(crate) use list_of;
