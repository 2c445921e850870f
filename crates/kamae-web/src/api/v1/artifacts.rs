//! Artifacts, their documents, staleness, and approvals.

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use kamae_core::artifact::ArtifactKind;
use kamae_core::ids::ArtifactVersionId;
use kamae_core::text::Code;
use kamae_store::artifact::{
    ArtifactSummary, ArtifactVersion, NewArtifactDraft, StaleView, VersionRef,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::list_of;
use crate::api::{ApiError, ApiJson, ApiUser, ErrorBody, PageQuery, paginate};
use crate::error::Failure;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct VersionRefOut {
    pub id: String,
    pub series_id: String,
    pub kind: String,
    /// A, B, … G.
    pub role: String,
    /// The company's code for a company's own series; null for the group's.
    pub company_code: Option<String>,
    pub number: u32,
}

impl From<&VersionRef> for VersionRefOut {
    fn from(r: &VersionRef) -> Self {
        VersionRefOut {
            id: r.version.to_string(),
            series_id: r.series.to_string(),
            kind: r.kind.as_str().to_owned(),
            role: r.kind.role().letter().to_string(),
            company_code: r.company_code.clone(),
            number: r.number,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct StaleReasonOut {
    pub used: VersionRefOut,
    pub newer: VersionRefOut,
    pub via: Vec<VersionRefOut>,
    /// The reason in the caller's language.
    pub message: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ArtifactOut {
    pub series_id: String,
    pub kind: String,
    pub role: String,
    pub company_code: Option<String>,
    pub latest: VersionRefOut,
    pub latest_title: String,
    /// draft, submitted, approved or rejected.
    pub latest_state: String,
    /// The highest-numbered approved version.
    pub current: Option<VersionRefOut>,
    pub stale: bool,
    pub stale_reasons: Vec<StaleReasonOut>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ArtifactVersionOut {
    #[serde(flatten)]
    pub reference: VersionRefOut,
    pub title: String,
    /// Markdown.
    pub body: String,
    pub state: String,
    pub inputs: Vec<VersionRefOut>,
    pub submitted_by: Option<String>,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    pub created_by: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

impl From<ArtifactVersion> for ArtifactVersionOut {
    fn from(v: ArtifactVersion) -> Self {
        ArtifactVersionOut {
            reference: (&v.reference).into(),
            title: v.title,
            body: v.body,
            state: v.approval.state.as_str().to_owned(),
            inputs: v.inputs.iter().map(Into::into).collect(),
            submitted_by: v.approval.submitted_by,
            decided_by: v.approval.decided_by,
            decision_reason: v.approval.decision_reason,
            created_by: v.created_by,
            created_at: v.created_at.to_rfc3339(),
        }
    }
}

list_of!(ArtifactList, ArtifactOut);

fn artifact_out(user: &ApiUser, a: ArtifactSummary, stale: &[StaleView]) -> ArtifactOut {
    let reasons: Vec<StaleReasonOut> = stale
        .iter()
        .filter(|s| {
            a.current
                .as_ref()
                .is_some_and(|c| c.version == s.artifact.version)
        })
        .flat_map(|s| s.reasons.iter())
        .map(|r| StaleReasonOut {
            used: (&r.used).into(),
            newer: (&r.newer).into(),
            via: r.via.iter().map(Into::into).collect(),
            message: user.lang.pick(&r.ja, &r.en).to_owned(),
        })
        .collect();
    ArtifactOut {
        series_id: a.series.to_string(),
        kind: a.kind.as_str().to_owned(),
        role: a.kind.role().letter().to_string(),
        company_code: a.company_code.clone(),
        latest: (&a.latest).into(),
        latest_title: a.latest_title.clone(),
        latest_state: a.latest_state.as_str().to_owned(),
        current: a.current.as_ref().map(Into::into),
        stale: !reasons.is_empty(),
        stale_reasons: reasons,
    }
}

fn parse_id(user: &ApiUser, id: &str) -> Result<ArtifactVersionId, ApiError> {
    id.parse().map_err(|_| user.fail(Failure::not_found()))
}

/// Every artifact the caller may see, with its latest and approved versions and whether
/// (and why) it is stale.
#[utoipa::path(get, path = "/api/v1/artifacts", tag = "artifacts", params(PageQuery),
    responses((status = 200, description = "The result", body = ArtifactList), (status = 400, description = "A malformed request (see details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_artifacts(
    user: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<ArtifactList>, ApiError> {
    let store = &user.state.store;
    let items = store
        .artifacts(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    let stale = store
        .stale_artifacts(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    let (page, next) = paginate(&user, items, |a| a.series.to_string(), &q)?;
    Ok(Json(ArtifactList {
        items: page
            .into_iter()
            .map(|a| artifact_out(&user, a, &stale))
            .collect(),
        next,
    }))
}

/// One version of an artifact, with its text.
#[utoipa::path(get, path = "/api/v1/artifacts/{id}", tag = "artifacts",
    params(("id" = String, Path, description = "The version's id")),
    responses((status = 200, description = "The result", body = ArtifactVersionOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_artifact(
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ArtifactVersionOut>, ApiError> {
    let id = parse_id(&user, &id)?;
    let v = user
        .state
        .store
        .artifact_version(&user.actor, id)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(v.into()))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewArtifactIn {
    /// objectives_and_targets, risk_assessment, … (the twelve artifacts of roles A–G).
    pub kind: String,
    /// A company's own series (its code); the group's when absent.
    pub company_code: Option<String>,
    pub title: String,
    /// Markdown.
    #[serde(default)]
    pub body: String,
    /// Ids of the approved versions it is made from.
    #[serde(default)]
    pub inputs: Vec<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditArtifactIn {
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub inputs: Vec<String>,
}

fn input_ids(user: &ApiUser, inputs: &[String]) -> Result<Vec<ArtifactVersionId>, ApiError> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            s.parse()
                .map_err(|p: kamae_core::Problem| user.fail(p).at(&format!("inputs[{i}]")))
        })
        .collect()
}

/// Starts a new draft version.
#[utoipa::path(post, path = "/api/v1/artifacts", tag = "artifacts", request_body = NewArtifactIn,
    responses((status = 201, description = "Created", body = ArtifactVersionOut), (status = 422, description = "Refused input (see message and details)", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody)))]
pub async fn create_artifact(
    user: ApiUser,
    ApiJson(body): ApiJson<NewArtifactIn>,
) -> Result<(StatusCode, Json<ArtifactVersionOut>), ApiError> {
    let kind = ArtifactKind::parse(&body.kind).map_err(|p| user.fail(p).at("kind"))?;
    let company = body
        .company_code
        .as_deref()
        .map(Code::parse)
        .transpose()
        .map_err(|p| user.fail(p).at("company_code"))?;
    let inputs = input_ids(&user, &body.inputs)?;
    let v = user
        .state
        .store
        .draft_artifact(
            &user.actor,
            NewArtifactDraft {
                kind,
                company,
                title: body.title,
                body: body.body,
                inputs,
            },
        )
        .await
        .map_err(|e| {
            let err = user.fail(e);
            if err.failure.code == "required" || err.failure.code == "invalid_text" {
                err.at("title")
            } else {
                err
            }
        })?;
    Ok((StatusCode::CREATED, Json(v.into())))
}

/// Edits a version: a draft in place, a rejected one revised; an approved one stays and
/// the edit becomes a new draft version (answered here).
#[utoipa::path(put, path = "/api/v1/artifacts/{id}", tag = "artifacts", request_body = EditArtifactIn,
    params(("id" = String, Path, description = "The version's id")),
    responses((status = 200, description = "The result", body = ArtifactVersionOut), (status = 422, description = "Refused input (see message and details)", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody)))]
pub async fn edit_artifact(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EditArtifactIn>,
) -> Result<Json<ArtifactVersionOut>, ApiError> {
    let id = parse_id(&user, &id)?;
    let inputs = input_ids(&user, &body.inputs)?;
    let v = user
        .state
        .store
        .edit_artifact(&user.actor, id, &body.title, &body.body, &inputs)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(v.into()))
}

/// Submits a draft for approval.
#[utoipa::path(post, path = "/api/v1/artifacts/{id}/submit", tag = "artifacts",
    params(("id" = String, Path, description = "The version's id")),
    responses((status = 200, description = "The result", body = ArtifactVersionOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn submit_artifact(
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ArtifactVersionOut>, ApiError> {
    let id = parse_id(&user, &id)?;
    let v = user
        .state
        .store
        .submit_artifact(&user.actor, id)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(v.into()))
}

/// Submitted versions waiting for the caller's decision.
#[utoipa::path(get, path = "/api/v1/approvals", tag = "approvals", params(PageQuery),
    responses((status = 200, description = "The result", body = ArtifactList), (status = 400, description = "A malformed request (see details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_approvals(
    user: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<ArtifactList>, ApiError> {
    let items = user
        .state
        .store
        .approvals_inbox(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    let (page, next) = paginate(&user, items, |a| a.series.to_string(), &q)?;
    Ok(Json(ArtifactList {
        items: page
            .into_iter()
            .map(|a| artifact_out(&user, a, &[]))
            .collect(),
        next,
    }))
}

/// Approves a submitted version (not one's own submission).
#[utoipa::path(post, path = "/api/v1/approvals/{id}/approve", tag = "approvals",
    params(("id" = String, Path, description = "The version's id")),
    responses((status = 200, description = "The result", body = ArtifactVersionOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn approve(
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ArtifactVersionOut>, ApiError> {
    let id = parse_id(&user, &id)?;
    let v = user
        .state
        .store
        .approve_artifact(&user.actor, id)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(v.into()))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectIn {
    /// Why; the author sees it and the audit trail keeps it.
    pub reason: String,
}

/// Rejects a submitted version with a reason; it goes back to its author.
#[utoipa::path(post, path = "/api/v1/approvals/{id}/reject", tag = "approvals", request_body = RejectIn,
    params(("id" = String, Path, description = "The version's id")),
    responses((status = 200, description = "The result", body = ArtifactVersionOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn reject(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RejectIn>,
) -> Result<Json<ArtifactVersionOut>, ApiError> {
    let id = parse_id(&user, &id)?;
    let v = user
        .state
        .store
        .reject_artifact(&user.actor, id, &body.reason)
        .await
        .map_err(|e| {
            let err = user.fail(e);
            if err.failure.code == "reason_required" {
                err.at("reason")
            } else {
                err
            }
        })?;
    Ok(Json(v.into()))
}
