//! Role C's case library through the API: public incidents that estimates cite.

use axum::Json;
use axum::extract::Path;
use kamae_core::calendar::parse_date;
use kamae_core::cases::IncidentCase;
use kamae_core::text::Code;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::risk::ReasonIn;
use crate::api::{ApiError, ApiJson, ApiUser, ErrorBody};

/// A public incident, written from public facts with its source.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentCaseIo {
    /// The library's id for it (CASE-2017-01): what a business case's option cites.
    pub code: String,
    pub title: String,
    pub sector: String,
    #[serde(default)]
    pub size: String,
    pub cause: String,
    pub damage: String,
    pub damage_yen: Option<i64>,
    pub people: Option<i64>,
    pub source: String,
    /// YYYY-MM-DD.
    pub occurred_on: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct IncidentCaseOut {
    #[serde(flatten)]
    pub case: IncidentCaseIo,
    /// Taken out of the library (still readable where cited).
    pub archived: bool,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct IncidentCaseList {
    pub items: Vec<IncidentCaseIo>,
}

fn case_io(c: &IncidentCase) -> IncidentCaseIo {
    IncidentCaseIo {
        code: c.code.to_string(),
        title: c.title.clone(),
        sector: c.sector.clone(),
        size: c.size.clone(),
        cause: c.cause.clone(),
        damage: c.damage.clone(),
        damage_yen: c.damage_yen,
        people: c.people,
        source: c.source.clone(),
        occurred_on: c.occurred_on.to_string(),
    }
}

/// The library's cases in use, the most recent incident first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "business",
    responses((status = 200, description = "The library", body = IncidentCaseList), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_cases(user: ApiUser) -> Result<Json<IncidentCaseList>, ApiError> {
    let all = user
        .state
        .store
        .incident_cases(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(IncidentCaseList {
        items: all.iter().map(case_io).collect(),
    }))
}

/// Adds a case to the library, or changes the one of the same code (the CISO office).
#[utoipa::path(post, path = "/api/v1/cases", tag = "business", request_body = IncidentCaseIo,
    responses((status = 200, description = "Saved", body = IncidentCaseIo), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn save_case(
    user: ApiUser,
    ApiJson(body): ApiJson<IncidentCaseIo>,
) -> Result<Json<IncidentCaseIo>, ApiError> {
    let case = IncidentCase {
        code: Code::parse(&body.code).map_err(|p| user.fail(p).at("code"))?,
        occurred_on: parse_date(&body.occurred_on).map_err(|p| user.fail(p).at("occurred_on"))?,
        title: body.title,
        sector: body.sector,
        size: body.size,
        cause: body.cause,
        damage: body.damage,
        damage_yen: body.damage_yen,
        people: body.people,
        source: body.source,
    };
    let saved = user
        .state
        .store
        .save_incident_case(&user.actor, case)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(case_io(&saved)))
}

/// One case by its code, archived or not.
#[utoipa::path(get, path = "/api/v1/cases/{code}", tag = "business",
    params(("code" = String, Path, description = "The case's code")),
    responses((status = 200, description = "The case", body = IncidentCaseOut), (status = 404, description = "Not found", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_case(
    user: ApiUser,
    Path(code): Path<String>,
) -> Result<Json<IncidentCaseOut>, ApiError> {
    let (c, archived) = user
        .state
        .store
        .incident_case(&user.actor, &code)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(IncidentCaseOut {
        case: case_io(&c),
        archived,
    }))
}

/// Takes a case out of the library, with the reason; it stays readable where cited.
#[utoipa::path(post, path = "/api/v1/cases/{code}/archive", tag = "business", request_body = ReasonIn,
    params(("code" = String, Path, description = "The case's code")),
    responses((status = 200, description = "Archived", body = IncidentCaseOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn archive_case(
    user: ApiUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<ReasonIn>,
) -> Result<Json<IncidentCaseOut>, ApiError> {
    let store = &user.state.store;
    store
        .archive_incident_case(&user.actor, &code, &body.reason)
        .await
        .map_err(|e| user.fail(e))?;
    let (c, archived) = store
        .incident_case(&user.actor, &code)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(IncidentCaseOut {
        case: case_io(&c),
        archived,
    }))
}
