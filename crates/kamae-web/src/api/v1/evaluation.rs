//! Role C after the fact through the API: evaluations of an investment's effect, recorded
//! against an approved business case. Approval goes through the artifacts' own endpoints.

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use kamae_core::Problem;
use kamae_core::access::Action;
use kamae_store::evaluation::{EffectRecord, EvaluationView};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::artifacts::VersionRefOut;
use crate::api::{ApiError, ApiJson, ApiUser, ErrorBody};

/// What happened in one plan year of the option carried out.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EffectIo {
    /// The option carried out, by its name in the case.
    pub option: String,
    /// The plan year, by its name in the case.
    pub year: String,
    pub actual_cost_yen: i64,
    pub blocked_attacks: i64,
    pub incidents: i64,
    pub actual_loss_yen: i64,
    #[serde(default)]
    pub note: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ExpectedOut {
    pub cost: f64,
    pub expected_loss: f64,
    pub expected_loss_without: f64,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct EvaluationOut {
    pub artifact: VersionRefOut,
    pub title: String,
    pub state: String,
    pub case_id: String,
    pub record: EffectIo,
    /// What the case expected of that option and year.
    pub expected: ExpectedOut,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEvaluationIn {
    pub title: String,
    pub record: EffectIo,
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationIn {
    pub record: EffectIo,
}

fn record_in(r: EffectIo) -> EffectRecord {
    EffectRecord {
        option: r.option,
        year: r.year,
        actual_cost_yen: r.actual_cost_yen,
        blocked_attacks: r.blocked_attacks,
        incidents: r.incidents,
        actual_loss_yen: r.actual_loss_yen,
        note: r.note,
    }
}

fn evaluation_out(v: &EvaluationView) -> EvaluationOut {
    let r = &v.record;
    EvaluationOut {
        artifact: (&v.version.reference).into(),
        title: v.version.title.clone(),
        state: v.version.approval.state.as_str().to_owned(),
        case_id: v.case.to_string(),
        record: EffectIo {
            option: r.option.clone(),
            year: r.year.clone(),
            actual_cost_yen: r.actual_cost_yen,
            blocked_attacks: r.blocked_attacks,
            incidents: r.incidents,
            actual_loss_yen: r.actual_loss_yen,
            note: r.note.clone(),
        },
        expected: ExpectedOut {
            cost: v.expected.cost,
            expected_loss: v.expected.expected_loss,
            expected_loss_without: v.expected.expected_loss_without,
        },
    }
}

async fn load(user: &ApiUser, id: &str, action: Action) -> Result<EvaluationView, ApiError> {
    super::risk::load_structured(
        user,
        id,
        action,
        async |id| {
            user.state
                .store
                .investment_evaluation(&user.actor, id)
                .await
        },
        |v: &EvaluationView| &v.version,
        Problem::new(
            "not_an_evaluation",
            "この成果物は文書として書かれていて、投資効果の記録がありません",
            "this artifact is written as a document and has no record of the effect",
        ),
    )
    .await
}

/// Records the effect of an approved business case's option in one of its years: a new
/// draft version of the investment_evaluation artifact, made from the case.
#[utoipa::path(post, path = "/api/v1/business-cases/{id}/evaluations", tag = "business", request_body = NewEvaluationIn,
    params(("id" = String, Path, description = "The approved business case")),
    responses((status = 201, description = "Created", body = EvaluationOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "The evaluation already has an unapproved version", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn create_evaluation(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewEvaluationIn>,
) -> Result<(StatusCode, Json<EvaluationOut>), ApiError> {
    let c = super::business::load(&user, &id, Action::Write).await?;
    let v = user
        .state
        .store
        .new_investment_evaluation(&user.actor, c.id(), &body.title, record_in(body.record))
        .await
        .map_err(|e| user.fail(e))?;
    Ok((StatusCode::CREATED, Json(evaluation_out(&v))))
}

/// One evaluation with what the case expected.
#[utoipa::path(get, path = "/api/v1/investment-evaluations/{id}", tag = "business",
    params(("id" = String, Path, description = "The evaluation (its artifact version's id)")),
    responses((status = 200, description = "The evaluation", body = EvaluationOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Not an evaluation", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_evaluation(
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<EvaluationOut>, ApiError> {
    Ok(Json(evaluation_out(&load(&user, &id, Action::Read).await?)))
}

/// Changes a draft or rejected evaluation's record (a rejected one is revised).
#[utoipa::path(put, path = "/api/v1/investment-evaluations/{id}", tag = "business", request_body = EvaluationIn,
    params(("id" = String, Path, description = "The evaluation")),
    responses((status = 200, description = "Saved", body = EvaluationOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 409, description = "Submitted or approved: it does not change", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn save_evaluation(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EvaluationIn>,
) -> Result<Json<EvaluationOut>, ApiError> {
    let v = load(&user, &id, Action::Write).await?;
    let v = user
        .state
        .store
        .save_investment_evaluation(&user.actor, v.id(), record_in(body.record))
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(evaluation_out(&v)))
}
