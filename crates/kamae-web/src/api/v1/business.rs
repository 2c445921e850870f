//! Role C through the API: business cases (the investment_plan artifact made from an
//! assessment's scenarios). Approval goes through the artifacts' own endpoints.

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kamae_core::Problem;
use kamae_store::business::BusinessCaseView;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use kamae_core::access::Action;

use super::artifacts::VersionRefOut;
use crate::api::{ApiError, ApiJson, ApiUser, ErrorBody};

#[derive(Serialize, Deserialize, ToSchema)]
pub struct BusinessCaseOut {
    pub artifact: VersionRefOut,
    pub title: String,
    /// draft, submitted, approved or rejected.
    pub state: String,
    /// The risk assessment whose scenarios the case weighs.
    pub assessment_id: String,
    /// The case as written: plan, discount rate and options (docs/formats.md).
    #[schema(value_type = Object)]
    pub case: serde_json::Value,
    /// What the engine worked out when the case was last saved (docs/formats.md).
    #[schema(value_type = Object)]
    pub outcome: serde_json::Value,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct BusinessCaseList {
    pub items: Vec<BusinessCaseOut>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBusinessCaseIn {
    pub title: String,
    #[schema(value_type = Object)]
    pub case: serde_json::Value,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessCaseIn {
    #[schema(value_type = Object)]
    pub case: serde_json::Value,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    /// json (the default) or xlsx.
    pub format: Option<String>,
}

fn case_out(c: &BusinessCaseView) -> BusinessCaseOut {
    BusinessCaseOut {
        artifact: (&c.version.reference).into(),
        title: c.version.title.clone(),
        state: c.state().as_str().to_owned(),
        assessment_id: c.assessment.to_string(),
        case: c.case.clone(),
        outcome: serde_json::to_value(&c.outcome).unwrap_or_default(),
    }
}

/// The case an address names, for `action`; a version of another kind is refused as such,
/// after the same access decision its artifact gets.
pub(super) async fn load(
    user: &ApiUser,
    id: &str,
    action: Action,
) -> Result<BusinessCaseView, ApiError> {
    super::risk::load_structured(
        user,
        id,
        action,
        async |id| user.state.store.business_case(&user.actor, id).await,
        |c: &BusinessCaseView| &c.version,
        Problem::new(
            "not_a_business_case",
            "この成果物はビジネスケースではありません",
            "this artifact is not a business case",
        ),
    )
    .await
}

/// The business cases the caller can see, newest first.
#[utoipa::path(get, path = "/api/v1/business-cases", tag = "business",
    responses((status = 200, description = "The list", body = BusinessCaseList), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_business_cases(user: ApiUser) -> Result<Json<BusinessCaseList>, ApiError> {
    let all = user
        .state
        .store
        .business_cases(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(BusinessCaseList {
        items: all.iter().map(case_out).collect(),
    }))
}

/// Starts a business case on an assessment's scenarios: a new draft version of the
/// investment_plan artifact at the assessment's scope, worked out at once. A case that does
/// not hold is refused with the path of each problem.
#[utoipa::path(post, path = "/api/v1/risk/assessments/{id}/business-cases", tag = "business", request_body = NewBusinessCaseIn,
    params(("id" = String, Path, description = "The assessment whose scenarios the case weighs")),
    responses((status = 201, description = "Created", body = BusinessCaseOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "The assessment is not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "The investment plan already has an unapproved version", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn create_business_case(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewBusinessCaseIn>,
) -> Result<(StatusCode, Json<BusinessCaseOut>), ApiError> {
    // Writing a case at the assessment's scope is writing an artifact there, as writing the
    // assessment is: the same decision, made once.
    let a = super::risk::load(&user, &id, Action::Write).await?;
    let c = user
        .state
        .store
        .new_business_case(&user.actor, a.id(), &body.title, body.case)
        .await
        .map_err(|e| user.fail(e))?;
    Ok((StatusCode::CREATED, Json(case_out(&c))))
}

/// One business case with its outcome, as JSON or (format=xlsx) as a workbook.
#[utoipa::path(get, path = "/api/v1/business-cases/{id}", tag = "business",
    params(("id" = String, Path, description = "The case (its artifact version's id)"), CaseQuery),
    responses((status = 200, description = "The case (JSON), or the workbook with format=xlsx", body = BusinessCaseOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_business_case(
    user: ApiUser,
    Path(id): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Result<Response, ApiError> {
    let xlsx = user.wants_workbook(q.format.as_deref())?;
    let c = load(&user, &id, Action::Read).await?;
    if xlsx {
        return user.workbook(&crate::files::business_case_name(&c), |t| {
            crate::files::business_case_xlsx(&c, t)
        });
    }
    Ok(Json(case_out(&c)).into_response())
}

/// Changes a draft or rejected case (a rejected one is revised); worked out again.
#[utoipa::path(put, path = "/api/v1/business-cases/{id}", tag = "business", request_body = BusinessCaseIn,
    params(("id" = String, Path, description = "The case")),
    responses((status = 200, description = "Saved", body = BusinessCaseOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "Submitted or approved: it does not change", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn save_business_case(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<BusinessCaseIn>,
) -> Result<Json<BusinessCaseOut>, ApiError> {
    let c = load(&user, &id, Action::Write).await?;
    let c = user
        .state
        .store
        .save_business_case(&user.actor, c.id(), body.case)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(case_out(&c)))
}
