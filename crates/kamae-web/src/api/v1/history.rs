//! The history of a record.

use axum::Json;
use axum::extract::{Path, Query};
use kamae_store::audit::AuditEntry;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::list_of;
use crate::api::{ApiError, ApiUser, ErrorBody, PageQuery, paginate};

#[derive(Serialize, Deserialize, ToSchema)]
pub struct HistoryEntryOut {
    /// The row's place in the audit trail.
    pub seq: i64,
    /// RFC 3339, UTC.
    pub at: String,
    /// Who: an e-mail address, or system.
    pub actor: String,
    pub action: String,
    pub record_kind: String,
    pub record_id: String,
    pub reason: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

impl From<AuditEntry> for HistoryEntryOut {
    fn from(e: AuditEntry) -> Self {
        HistoryEntryOut {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            record_kind: e.record_kind,
            record_id: e.record_id,
            reason: e.reason,
            before: e.before,
            after: e.after,
        }
    }
}

list_of!(HistoryList, HistoryEntryOut);

/// Who changed a record, when, what and why, oldest first.
#[utoipa::path(get, path = "/api/v1/history/{kind}/{id}", tag = "history",
    params(
        ("kind" = String, Path, description = "company, site, department, person, security_staff, business_relationship, artifact_version, user, grant, group"),
        ("id" = String, Path, description = "The record's id"),
        PageQuery
    ),
    responses((status = 200, description = "The result", body = HistoryList), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn record_history(
    user: ApiUser,
    Path((kind, id)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Json<HistoryList>, ApiError> {
    let items = user
        .state
        .store
        .history(&user.actor, &kind, &id)
        .await
        .map_err(|e| user.fail(e))?;
    let (page, next) = paginate(&user, items, |e| format!("{:020}", e.seq), &q)?;
    Ok(Json(HistoryList {
        items: page.into_iter().map(Into::into).collect(),
        next,
    }))
}
