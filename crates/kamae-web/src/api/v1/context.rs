//! Role E, step 1, through the API: the organisation's context, and which factors an
//! assessment cites.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use kamae_core::access::Action;
use kamae_core::calendar::parse_date;
use kamae_core::ids::ContextFactorId;
use kamae_core::risk::{ContextFactor, ContextKind};
use kamae_core::text::Code;
use kamae_store::context::ContextFactorView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::risk::{AssessmentOut, ReasonIn, assessment_out, load};
use crate::api::{ApiError, ApiJson, ApiUser, ErrorBody};

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ContextFactorOut {
    pub id: String,
    /// The company it describes; null for the group.
    pub company_code: Option<String>,
    /// politics, economy, law, finance, technology, market, stakeholders (outside);
    /// organisation, policy_strategy, culture, information_systems (inside).
    pub kind: String,
    pub external: bool,
    pub title: String,
    pub description: String,
    pub source: String,
    /// YYYY-MM-DD.
    pub noted_on: String,
    pub archived: bool,
}

pub(super) fn factor_out(f: &ContextFactorView) -> ContextFactorOut {
    ContextFactorOut {
        id: f.id.to_string(),
        company_code: f.company_code.clone(),
        kind: f.factor.kind.as_str().to_owned(),
        external: f.factor.kind.is_external(),
        title: f.factor.title.clone(),
        description: f.factor.description.clone(),
        source: f.factor.source.clone(),
        noted_on: f.factor.noted_on.to_string(),
        archived: f.archived,
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ContextFactorList {
    pub items: Vec<ContextFactorOut>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ContextFactorIn {
    /// The company it describes; omit for the group's context. Ignored on a change.
    #[serde(default)]
    pub company_code: Option<String>,
    pub kind: String,
    pub title: String,
    pub description: String,
    pub source: String,
    /// YYYY-MM-DD: when it was learnt or last checked.
    pub noted_on: String,
}

fn factor_in(user: &ApiUser, body: ContextFactorIn) -> Result<ContextFactor, ApiError> {
    Ok(ContextFactor {
        kind: ContextKind::parse(&body.kind).map_err(|p| user.fail(p).at("kind"))?,
        noted_on: parse_date(&body.noted_on).map_err(|p| user.fail(p).at("noted_on"))?,
        title: body.title,
        description: body.description,
        source: body.source,
    })
}

fn factor_id(user: &ApiUser, id: &str) -> Result<ContextFactorId, ApiError> {
    id.parse()
        .map_err(|_| user.fail(crate::error::Failure::not_found()))
}

/// The current factors the caller can see: the group's, and their companies'.
#[utoipa::path(get, path = "/api/v1/risk/context", tag = "risk",
    responses((status = 200, description = "The result", body = ContextFactorList), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_context(user: ApiUser) -> Result<Json<ContextFactorList>, ApiError> {
    let all = user
        .state
        .store
        .context_factors(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(ContextFactorList {
        items: all.iter().map(factor_out).collect(),
    }))
}

/// Records a factor of the group's context (the CISO office) or of one company's.
#[utoipa::path(post, path = "/api/v1/risk/context", tag = "risk", request_body = ContextFactorIn,
    responses((status = 201, description = "Created", body = ContextFactorOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "The company is not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn create_context(
    user: ApiUser,
    ApiJson(body): ApiJson<ContextFactorIn>,
) -> Result<(StatusCode, Json<ContextFactorOut>), ApiError> {
    let company = match body.company_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(Code::parse(c).map_err(|p| user.fail(p).at("company_code"))?),
    };
    let factor = factor_in(&user, body)?;
    let f = user
        .state
        .store
        .add_context_factor(&user.actor, company.as_ref(), factor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok((StatusCode::CREATED, Json(factor_out(&f))))
}

/// One factor, archived or not.
#[utoipa::path(get, path = "/api/v1/risk/context/{id}", tag = "risk",
    params(("id" = String, Path, description = "The factor")),
    responses((status = 200, description = "The result", body = ContextFactorOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_context(
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ContextFactorOut>, ApiError> {
    let id = factor_id(&user, &id)?;
    let f = user
        .state
        .store
        .context_factor(&user.actor, id)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(factor_out(&f)))
}

/// Changes what a current factor says.
#[utoipa::path(put, path = "/api/v1/risk/context/{id}", tag = "risk", request_body = ContextFactorIn,
    params(("id" = String, Path, description = "The factor")),
    responses((status = 200, description = "The result", body = ContextFactorOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn put_context(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ContextFactorIn>,
) -> Result<Json<ContextFactorOut>, ApiError> {
    let id = factor_id(&user, &id)?;
    let factor = factor_in(&user, body)?;
    let f = user
        .state
        .store
        .change_context_factor(&user.actor, id, factor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(factor_out(&f)))
}

/// Archives a factor that no longer holds; assessments citing it still show it.
#[utoipa::path(post, path = "/api/v1/risk/context/{id}/archive", tag = "risk", request_body = ReasonIn,
    params(("id" = String, Path, description = "The factor")),
    responses((status = 200, description = "The result", body = ContextFactorOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused (see message)", body = ErrorBody)))]
pub async fn archive_context(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonIn>,
) -> Result<Json<ContextFactorOut>, ApiError> {
    let id = factor_id(&user, &id)?;
    let store = &user.state.store;
    store
        .archive_context_factor(&user.actor, id, &body.reason)
        .await
        .map_err(|e| user.fail(e))?;
    let f = store
        .context_factor(&user.actor, id)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(factor_out(&f)))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CitationsIn {
    /// Every factor the assessment cites (those left out are no longer cited).
    pub factors: Vec<String>,
}

/// Sets which factors of the context a draft assessment cites.
#[utoipa::path(put, path = "/api/v1/risk/assessments/{id}/context", tag = "risk", request_body = CitationsIn,
    params(("id" = String, Path, description = "The assessment")),
    responses((status = 200, description = "The result", body = AssessmentOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "The assessment is submitted or approved", body = ErrorBody), (status = 422, description = "Refused (see message)", body = ErrorBody)))]
pub async fn put_citations(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CitationsIn>,
) -> Result<Json<AssessmentOut>, ApiError> {
    let a = load(&user, &id, Action::Write).await?;
    let mut factors = Vec::new();
    for (n, f) in body.factors.iter().enumerate() {
        factors.push(
            f.parse::<ContextFactorId>()
                .map_err(|p| user.fail(p).at(&format!("factors[{n}]")))?,
        );
    }
    let a = user
        .state
        .store
        .cite_context(&user.actor, a.id(), &factors)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(assessment_out(a)))
}
