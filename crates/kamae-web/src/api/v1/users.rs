//! Users and grants (administrators).

use axum::Json;
use axum::extract::Query;
use kamae_store::users::{GrantView, UserView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::list_of;
use crate::api::{ApiError, ApiUser, ErrorBody, PageQuery, paginate};

#[derive(Serialize, Deserialize, ToSchema)]
pub struct GrantOut {
    pub id: String,
    pub user_email: String,
    /// A role, or administrator.
    pub role: String,
    /// group, company:CODE, site:CODE or department:CODE.
    pub scope: String,
    pub scope_name: String,
    /// The last day it applies (YYYY-MM-DD), if any.
    pub until: Option<String>,
    pub pending: bool,
    pub revoked: bool,
    pub revocation_pending: bool,
    pub granted_by: String,
    pub confirmed_by: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

impl From<GrantView> for GrantOut {
    fn from(g: GrantView) -> Self {
        GrantOut {
            id: g.id.to_string(),
            user_email: g.user_email,
            role: g.role,
            scope: g.scope,
            scope_name: g.scope_name,
            until: g.until.map(|d| d.to_string()),
            pending: g.pending,
            revoked: g.revoked,
            revocation_pending: g.revocation_pending,
            granted_by: g.granted_by,
            confirmed_by: g.confirmed_by,
            created_at: g.created_at.to_rfc3339(),
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct UserOut {
    pub id: String,
    pub email: String,
    pub name: String,
    pub disabled: bool,
    pub grants: Vec<GrantOut>,
}

impl From<UserView> for UserOut {
    fn from(u: UserView) -> Self {
        UserOut {
            id: u.id.to_string(),
            email: u.email,
            name: u.name,
            disabled: u.disabled,
            grants: u.grants.into_iter().map(Into::into).collect(),
        }
    }
}

list_of!(UserList, UserOut);
list_of!(GrantList, GrantOut);

/// The group's users with their grants (administrators only).
#[utoipa::path(get, path = "/api/v1/users", tag = "administration", params(PageQuery),
    responses((status = 200, description = "The result", body = UserList), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_users(
    user: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<UserList>, ApiError> {
    let items = user
        .state
        .store
        .users(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    let (page, next) = paginate(&user, items, |u| u.id.to_string(), &q)?;
    Ok(Json(UserList {
        items: page.into_iter().map(Into::into).collect(),
        next,
    }))
}

/// Every grant of the group, revoked and pending ones included (administrators only).
#[utoipa::path(get, path = "/api/v1/grants", tag = "administration", params(PageQuery),
    responses((status = 200, description = "The result", body = GrantList), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_grants(
    user: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<GrantList>, ApiError> {
    let items: Vec<GrantView> = user
        .state
        .store
        .users(&user.actor)
        .await
        .map_err(|e| user.fail(e))?
        .into_iter()
        .flat_map(|u| u.grants)
        .collect();
    let (page, next) = paginate(&user, items, |g| g.id.to_string(), &q)?;
    Ok(Json(GrantList {
        items: page.into_iter().map(Into::into).collect(),
        next,
    }))
}
