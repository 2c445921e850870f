//! The organisation: companies, sites, departments, people.

use axum::Json;
use axum::extract::{Path, Query};
use kamae_core::org::{Company, Department, Person, Site};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::list_of;
use crate::api::{ApiError, ApiUser, ErrorBody, PageQuery, paginate};
use crate::error::Failure;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CompanyOut {
    pub id: String,
    pub code: String,
    pub name: String,
    /// parent, subsidiary or affiliate.
    pub kind: String,
    pub parent_id: Option<String>,
    /// YYYY-MM-DD.
    pub acquired_on: Option<String>,
    pub in_reporting_scope: bool,
}

impl From<Company> for CompanyOut {
    fn from(c: Company) -> Self {
        CompanyOut {
            id: c.id.to_string(),
            code: c.code.to_string(),
            name: c.name,
            kind: c.kind.as_str().to_owned(),
            parent_id: c.parent.map(|p| p.to_string()),
            acquired_on: c.acquired_on.map(|d| d.to_string()),
            in_reporting_scope: c.in_reporting_scope,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct SiteOut {
    pub id: String,
    pub company_id: String,
    pub code: String,
    pub name: String,
    pub address: Option<String>,
    pub in_reporting_scope: bool,
}

impl From<Site> for SiteOut {
    fn from(s: Site) -> Self {
        SiteOut {
            id: s.id.to_string(),
            company_id: s.company.to_string(),
            code: s.code.to_string(),
            name: s.name,
            address: s.address,
            in_reporting_scope: s.in_reporting_scope,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct DepartmentOut {
    pub id: String,
    pub company_id: String,
    pub code: String,
    pub name: String,
    /// business, corporate, security_office or it.
    pub kind: String,
}

impl From<Department> for DepartmentOut {
    fn from(d: Department) -> Self {
        DepartmentOut {
            id: d.id.to_string(),
            company_id: d.company.to_string(),
            code: d.code.to_string(),
            name: d.name,
            kind: d.kind.as_str().to_owned(),
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct PersonOut {
    pub id: String,
    pub company_id: String,
    pub department_id: Option<String>,
    pub name: String,
    pub email: Option<String>,
    pub position: Option<String>,
}

impl From<Person> for PersonOut {
    fn from(p: Person) -> Self {
        PersonOut {
            id: p.id.to_string(),
            company_id: p.company.to_string(),
            department_id: p.department.map(|d| d.to_string()),
            name: p.name,
            email: p.email.map(|e| e.to_string()),
            position: p.position,
        }
    }
}

list_of!(CompanyList, CompanyOut);
list_of!(SiteList, SiteOut);
list_of!(DepartmentList, DepartmentOut);
list_of!(PersonList, PersonOut);

/// The companies the caller may see.
#[utoipa::path(get, path = "/api/v1/companies", tag = "organisation", params(PageQuery),
    responses((status = 200, description = "The result", body = CompanyList), (status = 400, description = "A malformed request (see details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_companies(
    user: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<CompanyList>, ApiError> {
    let items = user
        .state
        .store
        .companies(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    let (page, next) = paginate(&user, items, |c| c.id.to_string(), &q)?;
    Ok(Json(CompanyList {
        items: page.into_iter().map(Into::into).collect(),
        next,
    }))
}

/// One company. A company outside the caller's scope answers exactly like one that does
/// not exist.
#[utoipa::path(get, path = "/api/v1/companies/{id}", tag = "organisation",
    params(("id" = String, Path, description = "The company's id")),
    responses((status = 200, description = "The result", body = CompanyOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_company(
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<CompanyOut>, ApiError> {
    let companies = user
        .state
        .store
        .companies(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    companies
        .into_iter()
        .find(|c| c.id.to_string() == id)
        .map(|c| Json(c.into()))
        .ok_or_else(|| user.fail(Failure::not_found()))
}

/// The sites the caller may see.
#[utoipa::path(get, path = "/api/v1/sites", tag = "organisation", params(PageQuery),
    responses((status = 200, description = "The result", body = SiteList), (status = 400, description = "A malformed request (see details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_sites(
    user: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<SiteList>, ApiError> {
    let items = user
        .state
        .store
        .sites(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    let (page, next) = paginate(&user, items, |c| c.id.to_string(), &q)?;
    Ok(Json(SiteList {
        items: page.into_iter().map(Into::into).collect(),
        next,
    }))
}

/// The departments the caller may see.
#[utoipa::path(get, path = "/api/v1/departments", tag = "organisation", params(PageQuery),
    responses((status = 200, description = "The result", body = DepartmentList), (status = 400, description = "A malformed request (see details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_departments(
    user: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<DepartmentList>, ApiError> {
    let items = user
        .state
        .store
        .departments(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    let (page, next) = paginate(&user, items, |c| c.id.to_string(), &q)?;
    Ok(Json(DepartmentList {
        items: page.into_iter().map(Into::into).collect(),
        next,
    }))
}

/// The people the caller may see.
#[utoipa::path(get, path = "/api/v1/people", tag = "organisation", params(PageQuery),
    responses((status = 200, description = "The result", body = PersonList), (status = 400, description = "A malformed request (see details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_people(
    user: ApiUser,
    Query(q): Query<PageQuery>,
) -> Result<Json<PersonList>, ApiError> {
    let items = user
        .state
        .store
        .people(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    let (page, next) = paginate(&user, items, |c| c.id.to_string(), &q)?;
    Ok(Json(PersonList {
        items: page.into_iter().map(Into::into).collect(),
        next,
    }))
}
