//! Exceptions and transitional measures through the API: the same records, lists and
//! approvals as the pages, with the same `authorize`.

use axum::Json;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use kamae_core::calendar::parse_date;
use kamae_core::ids::ExceptionId;
use kamae_core::rules::{ExceptionKind, ExceptionList, Milestone};
use kamae_core::text::Code;
use kamae_store::exceptions::{ExceptionView, NewException};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ApiError, ApiJson, ApiUser, ErrorBody};
use crate::error::Failure;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct MilestoneOut {
    pub what: String,
    pub owner: String,
    /// YYYY-MM-DD.
    pub due_on: String,
    pub done_on: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ExceptionItemOut {
    pub code: String,
    /// group_mandatory or company_mandatory.
    pub tier: String,
    pub title: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ExceptionOut {
    pub id: String,
    pub company_code: String,
    pub company_name: String,
    /// exception or transitional.
    pub kind: String,
    pub title: String,
    pub items: Vec<ExceptionItemOut>,
    /// Site codes; empty for the whole company.
    pub sites: Vec<String>,
    pub reason: String,
    pub compensating: String,
    pub starts_on: String,
    pub expires_on: String,
    pub milestones: Vec<MilestoneOut>,
    /// Whether a group-mandatory item is covered (the CISO approves it).
    pub group_mandatory: bool,
    pub renews: Option<String>,
    /// draft, submitted, approved or rejected.
    pub approval_state: String,
    /// Who accepted the risk (the approver's user id), once approved.
    pub accepted_by: Option<String>,
    pub decision_reason: Option<String>,
    /// pending, not_started, active, expired (non-compliance) or archived.
    pub status: String,
    /// expired, milestones_overdue, within_30, within_60, within_90, without_plan.
    pub lists: Vec<String>,
    pub days_left: i64,
}

impl From<ExceptionView> for ExceptionOut {
    fn from(e: ExceptionView) -> Self {
        ExceptionOut {
            accepted_by: e.accepted_by().map(str::to_owned),
            id: e.id.to_string(),
            company_code: e.company_code,
            company_name: e.company_name,
            kind: e.kind.as_str().to_owned(),
            title: e.title,
            items: e
                .items
                .into_iter()
                .map(|i| ExceptionItemOut {
                    code: i.code,
                    tier: i.tier.as_str().to_owned(),
                    title: i.title,
                })
                .collect(),
            sites: e.sites.into_iter().map(|s| s.0).collect(),
            reason: e.reason,
            compensating: e.compensating,
            starts_on: e.starts_on.to_string(),
            expires_on: e.expires_on.to_string(),
            milestones: e
                .milestones
                .into_iter()
                .map(|m| MilestoneOut {
                    what: m.what,
                    owner: m.owner,
                    due_on: m.due_on.to_string(),
                    done_on: m.done_on.map(|d| d.to_string()),
                })
                .collect(),
            group_mandatory: e.group_mandatory,
            renews: e.renews.map(|r| r.to_string()),
            approval_state: e.approval.state.as_str().to_owned(),
            decision_reason: e.approval.decision_reason,
            status: e.status.as_str().to_owned(),
            lists: e.lists.iter().map(|l| l.as_str().to_owned()).collect(),
            days_left: e.days_left,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ExceptionListOut {
    pub items: Vec<ExceptionOut>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Only those on one list: expired, milestones_overdue, within_30, within_60, within_90,
    /// without_plan.
    list: Option<String>,
}

fn parse_id(user: &ApiUser, id: &str) -> Result<ExceptionId, ApiError> {
    id.parse().map_err(|_| user.fail(Failure::not_found()))
}

/// The exceptions the caller may see (a security lead: their company's), soonest expiry first.
#[utoipa::path(get, path = "/api/v1/exceptions", tag = "exceptions", params(ListQuery),
    responses((status = 200, description = "The result", body = ExceptionListOut), (status = 422, description = "Refused input (see message and details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_exceptions(
    user: ApiUser,
    Query(q): Query<ListQuery>,
) -> Result<Json<ExceptionListOut>, ApiError> {
    let list = q
        .list
        .as_deref()
        .map(ExceptionList::parse)
        .transpose()
        .map_err(|p| user.fail(p).at("list"))?;
    let all = user
        .state
        .store
        .exceptions(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(ExceptionListOut {
        items: all
            .into_iter()
            .filter(|e| list.is_none_or(|l| e.lists.contains(&l)))
            .map(Into::into)
            .collect(),
    }))
}

/// One exception.
#[utoipa::path(get, path = "/api/v1/exceptions/{id}", tag = "exceptions",
    params(("id" = String, Path, description = "The exception's id")),
    responses((status = 200, description = "The result", body = ExceptionOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_exception(
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<ExceptionOut>, ApiError> {
    let id = parse_id(&user, &id)?;
    let e = user
        .state
        .store
        .exception(&user.actor, id)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(e.into()))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneIn {
    pub what: String,
    pub owner: String,
    /// YYYY-MM-DD.
    pub due_on: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionIn {
    pub company_code: String,
    /// exception or transitional.
    pub kind: String,
    pub title: String,
    /// Item codes of the approved standard (group- or company-mandatory).
    pub items: Vec<String>,
    /// Site codes of the company; empty for the whole company.
    #[serde(default)]
    pub sites: Vec<String>,
    pub reason: String,
    pub compensating: String,
    pub starts_on: String,
    pub expires_on: String,
    #[serde(default)]
    pub milestones: Vec<MilestoneIn>,
    /// The id of the exception this one renews.
    pub renews: Option<String>,
}

fn new_exception(user: &ApiUser, body: ExceptionIn) -> Result<NewException, ApiError> {
    let code = |s: &str, at: &str| Code::parse(s).map_err(|p| user.fail(p).at(at));
    let date = |s: &str, at: &str| parse_date(s).map_err(|p| user.fail(p).at(at));
    let items = body
        .items
        .iter()
        .enumerate()
        .map(|(i, c)| code(c, &format!("items[{i}]")))
        .collect::<Result<_, _>>()?;
    let sites = body
        .sites
        .iter()
        .enumerate()
        .map(|(i, c)| code(c, &format!("sites[{i}]")))
        .collect::<Result<_, _>>()?;
    let milestones = body
        .milestones
        .iter()
        .enumerate()
        .map(|(i, m)| {
            Ok(Milestone {
                what: m.what.clone(),
                owner: m.owner.clone(),
                due_on: date(&m.due_on, &format!("milestones[{i}].due_on"))?,
                done_on: None,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(NewException {
        company: code(&body.company_code, "company_code")?,
        kind: ExceptionKind::parse(&body.kind).map_err(|p| user.fail(p).at("kind"))?,
        title: body.title,
        items,
        sites,
        reason: body.reason,
        compensating: body.compensating,
        starts_on: date(&body.starts_on, "starts_on")?,
        expires_on: date(&body.expires_on, "expires_on")?,
        milestones,
        renews: body
            .renews
            .as_deref()
            .map(|r| parse_id(user, r))
            .transpose()?,
    })
}

/// Records an exception or transitional measure as a draft; every problem comes back at once.
#[utoipa::path(post, path = "/api/v1/exceptions", tag = "exceptions", request_body = ExceptionIn,
    responses((status = 201, description = "Created", body = ExceptionOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn create_exception(
    user: ApiUser,
    ApiJson(body): ApiJson<ExceptionIn>,
) -> Result<(StatusCode, Json<ExceptionOut>), ApiError> {
    let new = new_exception(&user, body)?;
    let e = user
        .state
        .store
        .draft_exception(&user.actor, new)
        .await
        .map_err(|e| user.fail(e))?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

/// Changes a draft or sent-back exception (an approved one is renewed by a new one instead).
#[utoipa::path(put, path = "/api/v1/exceptions/{id}", tag = "exceptions", request_body = ExceptionIn,
    params(("id" = String, Path, description = "The exception's id")),
    responses((status = 200, description = "The result", body = ExceptionOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn edit_exception(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ExceptionIn>,
) -> Result<Json<ExceptionOut>, ApiError> {
    let id = parse_id(&user, &id)?;
    let new = new_exception(&user, body)?;
    let e = user
        .state
        .store
        .edit_exception(&user.actor, id, new)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(e.into()))
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct StepIn {
    /// Why (required to reject or to end one; kept in the audit trail).
    #[serde(default)]
    pub reason: String,
}

async fn step(
    user: ApiUser,
    id: String,
    step: &str,
    body: StepIn,
) -> Result<Json<ExceptionOut>, ApiError> {
    let id = parse_id(&user, &id)?;
    let store = &user.state.store;
    let result = match step {
        "submit" => store.submit_exception(&user.actor, id).await,
        "withdraw" => store.withdraw_exception(&user.actor, id).await,
        "approve" => store.approve_exception(&user.actor, id).await,
        "reject" => store.reject_exception(&user.actor, id, &body.reason).await,
        _ => match store.archive_exception(&user.actor, id, &body.reason).await {
            Ok(()) => store.exception(&user.actor, id).await,
            Err(e) => Err(e),
        },
    };
    let e = result.map_err(|e| {
        let err = user.fail(e);
        if err.failure.code == "reason_required" {
            err.at("reason")
        } else {
            err
        }
    })?;
    Ok(Json(e.into()))
}

/// Sends a draft for approval.
#[utoipa::path(post, path = "/api/v1/exceptions/{id}/submit", tag = "exceptions", request_body = StepIn,
    params(("id" = String, Path, description = "The exception's id")),
    responses((status = 200, description = "The result", body = ExceptionOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn submit_exception(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StepIn>,
) -> Result<Json<ExceptionOut>, ApiError> {
    step(user, id, "submit", body).await
}

/// Takes one's own submission back to draft.
#[utoipa::path(post, path = "/api/v1/exceptions/{id}/withdraw", tag = "exceptions", request_body = StepIn,
    params(("id" = String, Path, description = "The exception's id")),
    responses((status = 200, description = "The result", body = ExceptionOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn withdraw_exception(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StepIn>,
) -> Result<Json<ExceptionOut>, ApiError> {
    step(user, id, "withdraw", body).await
}

/// Accepts the risk: the CISO for a group-mandatory item, the company's security lead
/// otherwise; never the one who asked.
#[utoipa::path(post, path = "/api/v1/exceptions/{id}/approve", tag = "exceptions", request_body = StepIn,
    params(("id" = String, Path, description = "The exception's id")),
    responses((status = 200, description = "The result", body = ExceptionOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn approve_exception(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StepIn>,
) -> Result<Json<ExceptionOut>, ApiError> {
    step(user, id, "approve", body).await
}

/// Sends a submission back with the reason.
#[utoipa::path(post, path = "/api/v1/exceptions/{id}/reject", tag = "exceptions", request_body = StepIn,
    params(("id" = String, Path, description = "The exception's id")),
    responses((status = 200, description = "The result", body = ExceptionOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn reject_exception(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StepIn>,
) -> Result<Json<ExceptionOut>, ApiError> {
    step(user, id, "reject", body).await
}

/// Ends an exception early, or drops a request, with the reason; it stays in history.
#[utoipa::path(post, path = "/api/v1/exceptions/{id}/archive", tag = "exceptions", request_body = StepIn,
    params(("id" = String, Path, description = "The exception's id")),
    responses((status = 200, description = "The result", body = ExceptionOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn archive_exception(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<StepIn>,
) -> Result<Json<ExceptionOut>, ApiError> {
    step(user, id, "archive", body).await
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneDoneIn {
    /// YYYY-MM-DD, or null when it was not done after all.
    pub done_on: Option<String>,
}

/// Records that a milestone of the plan was done (progress; the approval stays).
#[utoipa::path(post, path = "/api/v1/exceptions/{id}/milestones/{n}", tag = "exceptions", request_body = MilestoneDoneIn,
    params(("id" = String, Path, description = "The exception's id"), ("n" = usize, Path, description = "The milestone's position, from 0")),
    responses((status = 200, description = "The result", body = ExceptionOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn record_milestone(
    user: ApiUser,
    Path((id, n)): Path<(String, usize)>,
    ApiJson(body): ApiJson<MilestoneDoneIn>,
) -> Result<Json<ExceptionOut>, ApiError> {
    let id = parse_id(&user, &id)?;
    let done_on = body
        .done_on
        .as_deref()
        .map(parse_date)
        .transpose()
        .map_err(|p| user.fail(p).at("done_on"))?;
    let e = user
        .state
        .store
        .record_milestone(&user.actor, id, n, done_on)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(e.into()))
}
