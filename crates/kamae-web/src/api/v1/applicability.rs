//! Applicability per company through the API: every company's agreement at a glance, one
//! company's view of the standard, and its agreement drafted and decided with the same
//! `authorize` as the pages.

use axum::Json;
use axum::extract::Path;
use kamae_core::approval::ApprovalStep;
use kamae_core::text::Code;
use kamae_store::applicability::{Agreement, AgreementDraft, CompanyStandard};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::artifacts::VersionRefOut;
use super::standard::ChangesOut;
use crate::api::{ApiError, ApiJson, ApiUser, ErrorBody};
use crate::error::Failure;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AgreementOut {
    pub id: String,
    pub company_code: String,
    /// The approved version of the standard it was made against.
    pub standard_version: String,
    /// Company-mandatory (b) items that bind the company.
    pub mandatory: Vec<String>,
    /// Recommended (c) items the company adopts.
    pub adopted: Vec<String>,
    pub note: String,
    /// draft, submitted, approved or rejected.
    pub approval_state: String,
    /// The CISO who approved it (user id), once approved.
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    /// A newer agreement was approved in its place.
    pub superseded: bool,
}

impl From<Agreement> for AgreementOut {
    fn from(a: Agreement) -> Self {
        AgreementOut {
            id: a.id.to_string(),
            company_code: a.company_code,
            standard_version: a.standard_version.to_string(),
            mandatory: a.choices.mandatory,
            adopted: a.choices.adopted,
            note: a.note,
            approval_state: a.approval.state.as_str().to_owned(),
            decided_by: a.approval.decided_by,
            decision_reason: a.approval.decision_reason,
            superseded: a.superseded,
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AppliedItemOut {
    pub code: String,
    pub title: String,
    /// group_mandatory, company_mandatory or recommended.
    pub tier: String,
    /// group_mandatory, agreed_mandatory, not_named, adopted or recommended.
    pub applies: String,
    /// Ids of the company's approved exceptions that cover it.
    pub exceptions: Vec<String>,
    /// Binding, and its exception expired: not met.
    pub non_compliance: bool,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CompanyRevisionOut {
    pub version: VersionRefOut,
    pub state: String,
    /// The changes among the items in force for the company.
    pub changes: ChangesOut,
    pub binding_after: usize,
    /// New company-mandatory items that no agreement decides yet.
    pub undecided: Vec<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CompanyStandardOut {
    pub company_code: String,
    pub company_name: String,
    /// The approved standard the company works to.
    pub standard: Option<VersionRefOut>,
    pub agreement: Option<AgreementOut>,
    /// A newer agreement being drafted or decided.
    pub open: Option<AgreementOut>,
    pub items: Vec<AppliedItemOut>,
    pub binding_now: usize,
    /// How many items bound the company under the previous approved version.
    pub binding_before: Option<usize>,
    pub revision: Option<CompanyRevisionOut>,
}

impl From<CompanyStandard> for CompanyStandardOut {
    fn from(v: CompanyStandard) -> Self {
        CompanyStandardOut {
            company_code: v.company.code.to_string(),
            company_name: v.company.name,
            standard: v.standard.as_ref().map(Into::into),
            agreement: v.agreement.map(Into::into),
            open: v.open.map(Into::into),
            items: v
                .items
                .into_iter()
                .map(|i| AppliedItemOut {
                    code: i.item.code.to_string(),
                    title: i.item.title,
                    tier: i.item.tier.as_str().to_owned(),
                    applies: i.applies.as_str().to_owned(),
                    exceptions: i.exceptions.iter().map(|e| e.id.to_string()).collect(),
                    non_compliance: i.non_compliance,
                })
                .collect(),
            binding_now: v.binding_now,
            binding_before: v.binding_before.map(|(_, n)| n),
            revision: v.revision.map(|r| CompanyRevisionOut {
                version: (&r.version).into(),
                state: r.state.as_str().to_owned(),
                changes: r.changes.into(),
                binding_after: r.binding_after,
                undecided: r.undecided,
            }),
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CompanyApplicabilityOut {
    pub company_code: String,
    pub company_name: String,
    /// The state of the agreement in force (approved), or null when there is none.
    pub in_force: Option<String>,
    /// The state of an agreement in progress, if any.
    pub open: Option<String>,
    pub binding: usize,
    pub non_compliance: usize,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CompanyApplicabilityList {
    pub items: Vec<CompanyApplicabilityOut>,
}

fn company(user: &ApiUser, code: &str) -> Result<Code, ApiError> {
    Code::parse(code).map_err(|_| user.fail(Failure::not_found()))
}

/// Every company the caller may see, with its agreement and how many items bind it.
#[utoipa::path(get, path = "/api/v1/standard/companies", tag = "standard",
    responses((status = 200, description = "The result", body = CompanyApplicabilityList), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_applicability(user: ApiUser) -> Result<Json<CompanyApplicabilityList>, ApiError> {
    let list = user
        .state
        .store
        .applicability_overview(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(CompanyApplicabilityList {
        items: list
            .into_iter()
            .map(|c| CompanyApplicabilityOut {
                company_code: c.company_code,
                company_name: c.company_name,
                in_force: c.in_force.map(|s| s.as_str().to_owned()),
                open: c.open.map(|s| s.as_str().to_owned()),
                binding: c.binding,
                non_compliance: c.non_compliance,
            })
            .collect(),
    }))
}

/// The standard as one company sees it.
#[utoipa::path(get, path = "/api/v1/standard/companies/{company}", tag = "standard",
    params(("company" = String, Path, description = "The company's code")),
    responses((status = 200, description = "The result", body = CompanyStandardOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_company_standard(
    user: ApiUser,
    Path(code): Path<String>,
) -> Result<Json<CompanyStandardOut>, ApiError> {
    let code = company(&user, &code)?;
    let view = user
        .state
        .store
        .company_standard(&user.actor, &code)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(view.into()))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementIn {
    /// Company-mandatory (b) item codes that bind the company.
    #[serde(default)]
    pub mandatory: Vec<String>,
    /// Recommended (c) item codes the company adopts.
    #[serde(default)]
    pub adopted: Vec<String>,
    #[serde(default)]
    pub note: String,
}

/// Saves the company's agreement as a draft (into the open one, if any); every problem at once.
#[utoipa::path(put, path = "/api/v1/standard/companies/{company}/agreement", tag = "standard", request_body = AgreementIn,
    params(("company" = String, Path, description = "The company's code")),
    responses((status = 200, description = "The result", body = AgreementOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn save_agreement(
    user: ApiUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<AgreementIn>,
) -> Result<Json<AgreementOut>, ApiError> {
    let code = company(&user, &code)?;
    let codes = |list: &[String], field: &str| -> Result<Vec<Code>, ApiError> {
        list.iter()
            .enumerate()
            .map(|(i, c)| Code::parse(c).map_err(|p| user.fail(p).at(&format!("{field}[{i}]"))))
            .collect()
    };
    let draft = AgreementDraft {
        mandatory: codes(&body.mandatory, "mandatory")?,
        adopted: codes(&body.adopted, "adopted")?,
        note: body.note,
    };
    let a = user
        .state
        .store
        .save_agreement(&user.actor, &code, draft)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(a.into()))
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct AgreementStepIn {
    /// Why (required to reject).
    #[serde(default)]
    pub reason: String,
}

async fn step(
    user: ApiUser,
    code: String,
    step: ApprovalStep<'_>,
) -> Result<Json<AgreementOut>, ApiError> {
    let code = company(&user, &code)?;
    let a = user
        .state
        .store
        .agreement_step(&user.actor, &code, step)
        .await
        .map_err(|e| {
            let err = user.fail(e);
            if err.failure.code == "reason_required" {
                err.at("reason")
            } else {
                err
            }
        })?;
    Ok(Json(a.into()))
}

/// Sends the company's draft agreement to the CISO.
#[utoipa::path(post, path = "/api/v1/standard/companies/{company}/agreement/submit", tag = "standard", request_body = AgreementStepIn,
    params(("company" = String, Path, description = "The company's code")),
    responses((status = 200, description = "The result", body = AgreementOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn submit_agreement(
    user: ApiUser,
    Path(code): Path<String>,
    ApiJson(_body): ApiJson<AgreementStepIn>,
) -> Result<Json<AgreementOut>, ApiError> {
    step(user, code, ApprovalStep::Submit).await
}

/// Takes one's own submission back to draft.
#[utoipa::path(post, path = "/api/v1/standard/companies/{company}/agreement/withdraw", tag = "standard", request_body = AgreementStepIn,
    params(("company" = String, Path, description = "The company's code")),
    responses((status = 200, description = "The result", body = AgreementOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn withdraw_agreement(
    user: ApiUser,
    Path(code): Path<String>,
    ApiJson(_body): ApiJson<AgreementStepIn>,
) -> Result<Json<AgreementOut>, ApiError> {
    step(user, code, ApprovalStep::Withdraw).await
}

/// Puts the agreement in force (the CISO; never the one who submitted it).
#[utoipa::path(post, path = "/api/v1/standard/companies/{company}/agreement/approve", tag = "standard", request_body = AgreementStepIn,
    params(("company" = String, Path, description = "The company's code")),
    responses((status = 200, description = "The result", body = AgreementOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn approve_agreement(
    user: ApiUser,
    Path(code): Path<String>,
    ApiJson(_body): ApiJson<AgreementStepIn>,
) -> Result<Json<AgreementOut>, ApiError> {
    step(user, code, ApprovalStep::Approve).await
}

/// Sends the agreement back with the reason.
#[utoipa::path(post, path = "/api/v1/standard/companies/{company}/agreement/reject", tag = "standard", request_body = AgreementStepIn,
    params(("company" = String, Path, description = "The company's code")),
    responses((status = 200, description = "The result", body = AgreementOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "In conflict with the record's state", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn reject_agreement(
    user: ApiUser,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<AgreementStepIn>,
) -> Result<Json<AgreementOut>, ApiError> {
    step(
        user,
        code,
        ApprovalStep::Reject {
            reason: &body.reason,
        },
    )
    .await
}
