//! Advice to departments and the watch list through the API, with the same `authorize` as
//! the pages.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use kamae_core::calendar::parse_date;
use kamae_core::ids::{AdviceId, WatchEntryId};
use kamae_core::rules::{DocumentRef, FollowUp, FollowUpStatus, RequestKind, WatchKind};
use kamae_core::text::Code;
use kamae_store::advice::{AdviceView, NewAdvice};
use kamae_store::watch::{NewWatchEntry, WatchEntry};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiError, ApiJson, ApiUser, ErrorBody};
use crate::error::Failure;

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentIo {
    pub title: String,
    /// Where it is kept (kamae does not hold the document).
    #[serde(default)]
    pub location: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpIo {
    pub what: String,
    pub owner: String,
    /// YYYY-MM-DD.
    pub due_on: String,
    /// open, done or dropped.
    #[serde(default = "open")]
    pub status: String,
    #[serde(default)]
    pub note: String,
}

fn open() -> String {
    FollowUpStatus::Open.as_str().to_owned()
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AdviceOut {
    pub id: String,
    pub company_name: String,
    pub department_code: String,
    pub department_name: String,
    /// new_business, new_it_service, business_plan or other.
    pub kind: String,
    pub title: String,
    pub request: String,
    pub documents: Vec<DocumentIo>,
    pub requested_on: String,
    /// Empty until the advice is given.
    pub advice: String,
    pub advised_on: Option<String>,
    pub items: Vec<String>,
    pub risks: Vec<String>,
    pub follow_ups: Vec<FollowUpIo>,
    /// requested, following_up, closed or archived.
    pub status: String,
    /// Open follow-ups past their date.
    pub overdue: usize,
}

impl From<AdviceView> for AdviceOut {
    fn from(a: AdviceView) -> Self {
        AdviceOut {
            id: a.id.to_string(),
            company_name: a.company_name,
            department_code: a.department_code,
            department_name: a.department_name,
            kind: a.kind.as_str().to_owned(),
            title: a.title,
            request: a.request,
            documents: a
                .documents
                .into_iter()
                .map(|d| DocumentIo {
                    title: d.title,
                    location: d.location,
                })
                .collect(),
            requested_on: a.requested_on.to_string(),
            advice: a.advice,
            advised_on: a.advised_on.map(|d| d.to_string()),
            items: a.items,
            risks: a.risks,
            follow_ups: a
                .follow_ups
                .into_iter()
                .map(|f| FollowUpIo {
                    what: f.what,
                    owner: f.owner,
                    due_on: f.due_on.to_string(),
                    status: f.status.as_str().to_owned(),
                    note: f.note,
                })
                .collect(),
            status: a.status.as_str().to_owned(),
            overdue: a.overdue,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AdviceList {
    pub items: Vec<AdviceOut>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdviceIn {
    pub department_code: String,
    /// new_business, new_it_service, business_plan or other.
    pub kind: String,
    pub title: String,
    pub request: String,
    #[serde(default)]
    pub documents: Vec<DocumentIo>,
    /// YYYY-MM-DD.
    pub requested_on: String,
    #[serde(default)]
    pub advice: String,
    pub advised_on: Option<String>,
    /// Item codes of the approved standard.
    #[serde(default)]
    pub items: Vec<String>,
    #[serde(default)]
    pub risks: Vec<String>,
    #[serde(default)]
    pub follow_ups: Vec<FollowUpIo>,
}

fn new_advice(user: &ApiUser, body: AdviceIn) -> Result<NewAdvice, ApiError> {
    let date = |s: &str, at: &str| parse_date(s).map_err(|p| user.fail(p).at(at));
    let items = body
        .items
        .iter()
        .enumerate()
        .map(|(i, c)| Code::parse(c).map_err(|p| user.fail(p).at(&format!("items[{i}]"))))
        .collect::<Result<_, _>>()?;
    let follow_ups = body
        .follow_ups
        .into_iter()
        .enumerate()
        .map(|(i, f)| {
            Ok(FollowUp {
                due_on: date(&f.due_on, &format!("follow_ups[{i}].due_on"))?,
                status: FollowUpStatus::parse(&f.status)
                    .map_err(|p| user.fail(p).at(&format!("follow_ups[{i}].status")))?,
                what: f.what,
                owner: f.owner,
                note: f.note,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(NewAdvice {
        department: Code::parse(&body.department_code)
            .map_err(|p| user.fail(p).at("department_code"))?,
        kind: RequestKind::parse(&body.kind).map_err(|p| user.fail(p).at("kind"))?,
        title: body.title,
        request: body.request,
        documents: body
            .documents
            .into_iter()
            .map(|d| DocumentRef {
                title: d.title,
                location: d.location,
            })
            .collect(),
        requested_on: date(&body.requested_on, "requested_on")?,
        advice: body.advice,
        advised_on: body
            .advised_on
            .as_deref()
            .map(|d| date(d, "advised_on"))
            .transpose()?,
        items,
        risks: body.risks,
        follow_ups,
    })
}

fn advice_id(user: &ApiUser, id: &str) -> Result<AdviceId, ApiError> {
    id.parse().map_err(|_| user.fail(Failure::not_found()))
}

/// The advice the caller may see (a department's people: their department's), newest first.
#[utoipa::path(get, path = "/api/v1/advice", tag = "advice",
    responses((status = 200, description = "The result", body = AdviceList), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_advice(user: ApiUser) -> Result<Json<AdviceList>, ApiError> {
    let all = user
        .state
        .store
        .advice_list(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(AdviceList {
        items: all.into_iter().map(Into::into).collect(),
    }))
}

/// Records a department's request (and the advice, when given); every problem at once.
#[utoipa::path(post, path = "/api/v1/advice", tag = "advice", request_body = AdviceIn,
    responses((status = 201, description = "Created", body = AdviceOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn create_advice(
    user: ApiUser,
    ApiJson(body): ApiJson<AdviceIn>,
) -> Result<(StatusCode, Json<AdviceOut>), ApiError> {
    let new = new_advice(&user, body)?;
    let a = user
        .state
        .store
        .record_advice(&user.actor, new)
        .await
        .map_err(|e| user.fail(e))?;
    Ok((StatusCode::CREATED, Json(a.into())))
}

/// One piece of advice.
#[utoipa::path(get, path = "/api/v1/advice/{id}", tag = "advice",
    params(("id" = String, Path, description = "The advice's id")),
    responses((status = 200, description = "The result", body = AdviceOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_advice(
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<AdviceOut>, ApiError> {
    let id = advice_id(&user, &id)?;
    let a = user
        .state
        .store
        .advice(&user.actor, id)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(a.into()))
}

/// Changes a piece of advice as a whole (the department stays).
#[utoipa::path(put, path = "/api/v1/advice/{id}", tag = "advice", request_body = AdviceIn,
    params(("id" = String, Path, description = "The advice's id")),
    responses((status = 200, description = "The result", body = AdviceOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn edit_advice(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AdviceIn>,
) -> Result<Json<AdviceOut>, ApiError> {
    let id = advice_id(&user, &id)?;
    let new = new_advice(&user, body)?;
    let a = user
        .state
        .store
        .edit_advice(&user.actor, id, new)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(a.into()))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpStatusIn {
    /// open, done or dropped.
    pub status: String,
    #[serde(default)]
    pub note: String,
}

/// Records where one follow-up stands.
#[utoipa::path(post, path = "/api/v1/advice/{id}/follow-ups/{n}", tag = "advice", request_body = FollowUpStatusIn,
    params(("id" = String, Path, description = "The advice's id"), ("n" = usize, Path, description = "The follow-up's position, from 0")),
    responses((status = 200, description = "The result", body = AdviceOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn record_follow_up(
    user: ApiUser,
    Path((id, n)): Path<(String, usize)>,
    ApiJson(body): ApiJson<FollowUpStatusIn>,
) -> Result<Json<AdviceOut>, ApiError> {
    let id = advice_id(&user, &id)?;
    let status = FollowUpStatus::parse(&body.status).map_err(|p| user.fail(p).at("status"))?;
    let a = user
        .state
        .store
        .set_follow_up(&user.actor, id, n, status, &body.note)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(a.into()))
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ReasonIn {
    #[serde(default)]
    pub reason: String,
}

fn reason_at(user: &ApiUser, e: kamae_store::StoreError) -> ApiError {
    let err = user.fail(e);
    if err.failure.code == "reason_required" {
        err.at("reason")
    } else {
        err
    }
}

/// Ends a piece of advice with the reason; it stays in history.
#[utoipa::path(post, path = "/api/v1/advice/{id}/archive", tag = "advice", request_body = ReasonIn,
    params(("id" = String, Path, description = "The advice's id")),
    responses((status = 200, description = "The result", body = AdviceOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn archive_advice(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonIn>,
) -> Result<Json<AdviceOut>, ApiError> {
    let id = advice_id(&user, &id)?;
    let store = &user.state.store;
    store
        .archive_advice(&user.actor, id, &body.reason)
        .await
        .map_err(|e| reason_at(&user, e))?;
    let a = store
        .advice(&user.actor, id)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(a.into()))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct WatchOut {
    pub id: String,
    /// law, guideline or technology.
    pub kind: String,
    pub title: String,
    pub source: String,
    pub published_on: String,
    pub summary: String,
    pub impact: String,
    pub items: Vec<String>,
    /// open, no_change or revision.
    pub status: String,
    pub decision_note: String,
    /// The version of the standard it was taken into.
    pub revision_version: Option<String>,
    pub archived: bool,
}

impl From<WatchEntry> for WatchOut {
    fn from(e: WatchEntry) -> Self {
        WatchOut {
            id: e.id.to_string(),
            kind: e.kind.as_str().to_owned(),
            title: e.title,
            source: e.source,
            published_on: e.published_on.to_string(),
            summary: e.summary,
            impact: e.impact,
            items: e.items,
            status: e.status.as_str().to_owned(),
            decision_note: e.decision_note,
            revision_version: e.revision.map(|(v, _)| v.to_string()),
            archived: e.archived,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct WatchList {
    pub items: Vec<WatchOut>,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WatchIn {
    /// law, guideline or technology.
    pub kind: String,
    pub title: String,
    pub source: String,
    /// YYYY-MM-DD.
    pub published_on: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub impact: String,
    #[serde(default)]
    pub items: Vec<String>,
}

fn new_watch(user: &ApiUser, body: WatchIn) -> Result<NewWatchEntry, ApiError> {
    Ok(NewWatchEntry {
        kind: WatchKind::parse(&body.kind).map_err(|p| user.fail(p).at("kind"))?,
        published_on: parse_date(&body.published_on)
            .map_err(|p| user.fail(p).at("published_on"))?,
        items: body
            .items
            .iter()
            .enumerate()
            .map(|(i, c)| Code::parse(c).map_err(|p| user.fail(p).at(&format!("items[{i}]"))))
            .collect::<Result<_, _>>()?,
        title: body.title,
        source: body.source,
        summary: body.summary,
        impact: body.impact,
    })
}

fn watch_id(user: &ApiUser, id: &str) -> Result<WatchEntryId, ApiError> {
    id.parse().map_err(|_| user.fail(Failure::not_found()))
}

/// The watch list: those still to assess first, then the newest.
#[utoipa::path(get, path = "/api/v1/watch", tag = "standard",
    responses((status = 200, description = "The result", body = WatchList), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_watch(user: ApiUser) -> Result<Json<WatchList>, ApiError> {
    let all = user
        .state
        .store
        .watch_list(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(WatchList {
        items: all.into_iter().map(Into::into).collect(),
    }))
}

/// Records a change to watch (the CISO office).
#[utoipa::path(post, path = "/api/v1/watch", tag = "standard", request_body = WatchIn,
    responses((status = 201, description = "Created", body = WatchOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn create_watch(
    user: ApiUser,
    ApiJson(body): ApiJson<WatchIn>,
) -> Result<(StatusCode, Json<WatchOut>), ApiError> {
    let new = new_watch(&user, body)?;
    let e = user
        .state
        .store
        .record_watch(&user.actor, new)
        .await
        .map_err(|e| user.fail(e))?;
    Ok((StatusCode::CREATED, Json(e.into())))
}

/// One entry of the watch list.
#[utoipa::path(get, path = "/api/v1/watch/{id}", tag = "standard",
    params(("id" = String, Path, description = "The entry's id")),
    responses((status = 200, description = "The result", body = WatchOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_watch(user: ApiUser, Path(id): Path<String>) -> Result<Json<WatchOut>, ApiError> {
    let id = watch_id(&user, &id)?;
    let e = user
        .state
        .store
        .watch_entry(&user.actor, id)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(e.into()))
}

/// Changes an entry of the watch list.
#[utoipa::path(put, path = "/api/v1/watch/{id}", tag = "standard", request_body = WatchIn,
    params(("id" = String, Path, description = "The entry's id")),
    responses((status = 200, description = "The result", body = WatchOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn edit_watch(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<WatchIn>,
) -> Result<Json<WatchOut>, ApiError> {
    let id = watch_id(&user, &id)?;
    let new = new_watch(&user, body)?;
    let e = user
        .state
        .store
        .edit_watch(&user.actor, id, new)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(e.into()))
}

/// Settles an entry as needing no change to the standard, with why.
#[utoipa::path(post, path = "/api/v1/watch/{id}/no-change", tag = "standard", request_body = ReasonIn,
    params(("id" = String, Path, description = "The entry's id")),
    responses((status = 200, description = "The result", body = WatchOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn watch_no_change(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonIn>,
) -> Result<Json<WatchOut>, ApiError> {
    let id = watch_id(&user, &id)?;
    let e = user
        .state
        .store
        .watch_no_change(&user.actor, id, &body.reason)
        .await
        .map_err(|e| reason_at(&user, e))?;
    Ok(Json(e.into()))
}

/// Takes an entry into a revision of the standard (the open draft, or a new one).
#[utoipa::path(post, path = "/api/v1/watch/{id}/revision", tag = "standard", request_body = ReasonIn,
    params(("id" = String, Path, description = "The entry's id")),
    responses((status = 200, description = "The result", body = WatchOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn watch_into_revision(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonIn>,
) -> Result<Json<WatchOut>, ApiError> {
    let id = watch_id(&user, &id)?;
    let e = user
        .state
        .store
        .watch_into_revision(&user.actor, id, &body.reason)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(e.into()))
}

/// Ends an entry with the reason; it stays in history.
#[utoipa::path(post, path = "/api/v1/watch/{id}/archive", tag = "standard", request_body = ReasonIn,
    params(("id" = String, Path, description = "The entry's id")),
    responses((status = 200, description = "The result", body = WatchOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn archive_watch(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonIn>,
) -> Result<Json<WatchOut>, ApiError> {
    let id = watch_id(&user, &id)?;
    let store = &user.state.store;
    store
        .archive_watch(&user.actor, id, &body.reason)
        .await
        .map_err(|e| reason_at(&user, e))?;
    let e = store
        .watch_entry(&user.actor, id)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(e.into()))
}
