//! Role E through the API: treatment plans. Submitting and approving a plan is its
//! artifact's (`/api/v1/artifacts/{id}/submit`, `/api/v1/approvals/{id}/approve`).

use axum::Json;
use axum::extract::Path;
use axum::http::StatusCode;
use chrono::NaiveDate;
use kamae_core::Problem;
use kamae_core::access::Action;
use kamae_core::calendar::parse_date;
use kamae_core::risk::{ActionStatus, Treatment, TreatmentAction, TreatmentDecision};
use kamae_store::treatment::PlanView;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::artifacts::VersionRefOut;
use crate::api::{ApiError, ApiJson, ApiUser, ErrorBody};

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ActionIo {
    pub what: String,
    /// A name, or a kamae user's e-mail address (their home page shows it).
    pub owner: String,
    /// YYYY-MM-DD.
    pub due_on: String,
    pub cost_yen: Option<i64>,
    /// open, done or dropped (open when absent).
    pub status: Option<String>,
    /// YYYY-MM-DD.
    pub done_on: Option<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct TreatmentIn {
    /// reduce, retain, avoid or transfer.
    pub decision: String,
    #[serde(default)]
    pub note: String,
    /// Who accepted a retained risk.
    #[serde(default)]
    pub accepted_by: String,
    #[serde(default)]
    pub actions: Vec<ActionIo>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct PlannedRiskOut {
    pub code: String,
    pub title: String,
    pub owner: String,
    /// The residual risk level in force (or the inherent one when not rated).
    pub level: Option<usize>,
    /// null while undecided.
    pub treatment: Option<TreatmentIn>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct PlanOut {
    pub artifact: VersionRefOut,
    pub title: String,
    pub state: String,
    pub assessment_id: String,
    /// The risks needing treatment, in treatment order.
    pub risks: Vec<PlannedRiskOut>,
    pub untreated: usize,
    pub overdue_actions: usize,
    pub review_worked: String,
    pub review_carry_over: String,
    pub reviewed_by: Option<String>,
}

fn action_out(a: &TreatmentAction) -> ActionIo {
    ActionIo {
        what: a.what.clone(),
        owner: a.owner.clone(),
        due_on: a.due_on.to_string(),
        cost_yen: a.cost_yen,
        status: Some(a.status.as_str().to_owned()),
        done_on: a.done_on.map(|d| d.to_string()),
        note: a.note.clone(),
    }
}

fn plan_out(p: PlanView) -> PlanOut {
    PlanOut {
        artifact: (&p.version.reference).into(),
        title: p.version.title.clone(),
        state: p.state().as_str().to_owned(),
        assessment_id: p.assessment.to_string(),
        untreated: p.untreated(),
        overdue_actions: p.overdue(),
        risks: p
            .risks
            .iter()
            .map(|r| PlannedRiskOut {
                code: r.risk.entry.code.to_string(),
                title: r.risk.entry.title.clone(),
                owner: r.risk.entry.owner.clone(),
                level: r
                    .risk
                    .evaluation
                    .residual_level
                    .or(r.risk.evaluation.inherent_level),
                treatment: r.treatment.as_ref().map(|t| TreatmentIn {
                    decision: t.decision.as_str().to_owned(),
                    note: t.note.clone(),
                    accepted_by: t.accepted_by.clone(),
                    actions: t.actions.iter().map(action_out).collect(),
                }),
            })
            .collect(),
        review_worked: p.review_worked,
        review_carry_over: p.review_carry_over,
        reviewed_by: p.reviewed_by,
    }
}

/// The plan an address names, for `action`; a plan written as a plain document is refused
/// as such after its artifact's access decision.
async fn load(user: &ApiUser, id: &str, action: Action) -> Result<PlanView, ApiError> {
    super::risk::load_structured(
        user,
        id,
        action,
        async |id| user.state.store.treatment_plan(&user.actor, id).await,
        |p: &PlanView| &p.version,
        Problem::new(
            "not_a_plan",
            "この成果物は文書として書かれていて、リスク対応の記録がありません",
            "this artifact is written as a document and has no treatments",
        ),
    )
    .await
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct PlanIn {
    pub title: String,
}

/// Starts the treatment plan of an approved assessment.
#[utoipa::path(post, path = "/api/v1/risk/assessments/{id}/plans", tag = "risk", request_body = PlanIn,
    params(("id" = String, Path, description = "The approved assessment")),
    responses((status = 201, description = "Created", body = PlanOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused (see message)", body = ErrorBody)))]
pub async fn create_plan(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PlanIn>,
) -> Result<(StatusCode, Json<PlanOut>), ApiError> {
    let a = super::risk::load(&user, &id, Action::Write).await?;
    let p = user
        .state
        .store
        .new_treatment_plan(&user.actor, a.id(), &body.title)
        .await
        .map_err(|e| user.fail(e))?;
    Ok((StatusCode::CREATED, Json(plan_out(p))))
}

/// One plan: the risks needing treatment in order, how each is treated, progress, review.
#[utoipa::path(get, path = "/api/v1/risk/plans/{id}", tag = "risk",
    params(("id" = String, Path, description = "The plan (its artifact version's id)")),
    responses((status = 200, description = "The result", body = PlanOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "A plan written as a plain document", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_plan(user: ApiUser, Path(id): Path<String>) -> Result<Json<PlanOut>, ApiError> {
    Ok(Json(plan_out(load(&user, &id, Action::Read).await?)))
}

/// Decides how one risk is treated, with its actions (a draft or rejected plan).
#[utoipa::path(put, path = "/api/v1/risk/plans/{id}/treatments/{code}", tag = "risk", request_body = TreatmentIn,
    params(("id" = String, Path, description = "The plan"), ("code" = String, Path, description = "The risk's id")),
    responses((status = 200, description = "The result", body = PlanOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn put_treatment(
    user: ApiUser,
    Path((id, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<TreatmentIn>,
) -> Result<Json<PlanOut>, ApiError> {
    let p = load(&user, &id, Action::Write).await?;
    let decision =
        TreatmentDecision::parse(&body.decision).map_err(|e| user.fail(e).at("decision"))?;
    let mut actions = Vec::new();
    for (n, a) in body.actions.into_iter().enumerate() {
        let status = match a.status.as_deref() {
            None => ActionStatus::Open,
            Some(s) => ActionStatus::parse(s)
                .map_err(|e| user.fail(e).at(&format!("actions[{n}].status")))?,
        };
        let date = |d: &str, field: &str| -> Result<NaiveDate, ApiError> {
            parse_date(d).map_err(|e| user.fail(e).at(&format!("actions[{n}].{field}")))
        };
        actions.push(TreatmentAction {
            due_on: date(&a.due_on, "due_on")?,
            done_on: a
                .done_on
                .as_deref()
                .map(|d| date(d, "done_on"))
                .transpose()?,
            what: a.what,
            owner: a.owner,
            cost_yen: a.cost_yen,
            status,
            note: a.note,
        });
    }
    let p = user
        .state
        .store
        .save_treatment(
            &user.actor,
            p.id(),
            Treatment {
                risk: code,
                decision,
                note: body.note,
                accepted_by: body.accepted_by,
                actions,
            },
        )
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(plan_out(p)))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ProgressIn {
    /// open, done or dropped.
    pub status: String,
    #[serde(default)]
    pub note: String,
}

/// Records the progress of one action of an approved plan (`n` counts from 0).
#[utoipa::path(post, path = "/api/v1/risk/plans/{id}/treatments/{code}/actions/{n}", tag = "risk", request_body = ProgressIn,
    params(("id" = String, Path, description = "The plan"), ("code" = String, Path, description = "The risk's id"), ("n" = usize, Path, description = "The action, from 0")),
    responses((status = 200, description = "The result", body = PlanOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused (see message)", body = ErrorBody)))]
pub async fn action_progress(
    user: ApiUser,
    Path((id, code, n)): Path<(String, String, usize)>,
    ApiJson(body): ApiJson<ProgressIn>,
) -> Result<Json<PlanOut>, ApiError> {
    let p = load(&user, &id, Action::Write).await?;
    let status = ActionStatus::parse(&body.status).map_err(|e| user.fail(e).at("status"))?;
    let p = user
        .state
        .store
        .set_action_status(&user.actor, p.id(), &code, n, status, &body.note)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(plan_out(p)))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ReviewIn {
    pub worked: String,
    #[serde(default)]
    pub carry_over: String,
}

/// The review after the cycle: what worked, what carries over (an approved plan).
#[utoipa::path(post, path = "/api/v1/risk/plans/{id}/review", tag = "risk", request_body = ReviewIn,
    params(("id" = String, Path, description = "The plan")),
    responses((status = 200, description = "The result", body = PlanOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused (see message)", body = ErrorBody)))]
pub async fn review_plan(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReviewIn>,
) -> Result<Json<PlanOut>, ApiError> {
    let p = load(&user, &id, Action::Write).await?;
    let p = user
        .state
        .store
        .review_plan(&user.actor, p.id(), &body.worked, &body.carry_over)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(plan_out(p)))
}
