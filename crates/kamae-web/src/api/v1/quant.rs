//! Risk quantification through the API: a model runs on the server, one simulation per core
//! at a time and with a cap on trials, so that no request can starve the others.

use axum::Json;
use axum::body::Bytes;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::{ApiError, ApiUser, ErrorBody, ErrorDetail};
use crate::i18n::Lang;

use crate::simulate::MAX_REQUEST_TRIALS as MAX_API_TRIALS;

#[derive(Serialize, Deserialize, ToSchema)]
pub struct PointOut {
    pub amount: f64,
    /// P(annual loss ≥ amount).
    pub probability: f64,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ScenarioShareOut {
    pub name: String,
    pub mean: f64,
    pub share: f64,
}

/// The result of a run (docs/formats.md).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct QuantOut {
    pub trials: u64,
    pub seed: u64,
    pub mean: f64,
    pub sd: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    /// The probability of a year without loss.
    pub p_zero: f64,
    pub exceedance: Vec<PointOut>,
    pub lec: Vec<PointOut>,
    pub scenarios: Vec<ScenarioShareOut>,
}

impl From<kamae_quant::Output> for QuantOut {
    fn from(o: kamae_quant::Output) -> Self {
        let points = |p: Vec<kamae_quant::Point>| {
            p.into_iter()
                .map(|p| PointOut {
                    amount: p.amount,
                    probability: p.probability,
                })
                .collect()
        };
        QuantOut {
            trials: o.trials,
            seed: o.seed,
            mean: o.mean,
            sd: o.sd,
            p50: o.p50,
            p90: o.p90,
            p95: o.p95,
            p99: o.p99,
            p_zero: o.p_zero,
            exceedance: points(o.exceedance),
            lec: points(o.lec),
            scenarios: o
                .scenarios
                .into_iter()
                .map(|s| ScenarioShareOut {
                    name: s.name,
                    mean: s.mean,
                    share: s.share,
                })
                .collect(),
        }
    }
}

fn refused(user: &ApiUser, problems: Vec<kamae_quant::ModelProblem>) -> ApiError {
    let ja: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", p.path, p.ja))
        .collect();
    let en: Vec<String> = problems
        .iter()
        .map(|p| format!("{}: {}", p.path, p.en))
        .collect();
    let mut e = user.fail(kamae_core::Problem::new(
        "invalid_model",
        ja.join("\n"),
        en.join("\n"),
    ));
    e.details = problems
        .into_iter()
        .map(|p| ErrorDetail {
            path: p.path,
            message: match user.lang {
                Lang::Ja => p.ja,
                Lang::En => p.en,
            },
        })
        .collect();
    e
}

/// Runs a model (the body, as in docs/formats.md) and returns the result. A malformed model
/// is refused with the JSON path of every problem.
#[utoipa::path(post, path = "/api/v1/quant/run", tag = "quant",
    request_body(content = Vec<u8>, content_type = "application/json", description = "The model (docs/formats.md)"),
    responses((status = 200, description = "The result", body = QuantOut), (status = 422, description = "Refused input (see message and details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn run(user: ApiUser, body: Bytes) -> Result<Json<QuantOut>, ApiError> {
    let text = String::from_utf8_lossy(&body).into_owned();
    let model = kamae_quant::Model::from_json(&text).map_err(|p| refused(&user, p))?;
    if model.trials.is_some_and(|t| t > MAX_API_TRIALS) {
        return Err(refused(
            &user,
            vec![kamae_quant::ModelProblem::new(
                "trials".into(),
                format!(
                    "API で一度に実行できる試行回数は {MAX_API_TRIALS} までです（コマンドラインではもっと多く実行できます）"
                ),
                format!(
                    "a request runs at most {MAX_API_TRIALS} trials (the command line runs more)"
                ),
            )],
        ));
    }
    let compiled = model.compile().map_err(|p| refused(&user, p))?;
    let out = crate::simulate::run(&user.state, compiled)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(out.into()))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreachIn {
    pub people: u64,
    /// Economic-loss level of the leaked data, 1–3 (JNSA's x).
    pub economic_loss: u8,
    /// Mental-distress level of the leaked data, 1–3 (JNSA's y).
    pub mental_distress: u8,
    /// easy (× 6), with_effort (× 3) or hard (× 1).
    pub identifiability: String,
    #[serde(default)]
    pub high_social_responsibility: bool,
    #[serde(default)]
    pub poor_response: bool,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct BreachOut {
    /// Yen a person.
    pub per_person: f64,
    /// Yen in all.
    pub total: f64,
}

/// The damages of a personal-data breach by JNSA's per-person model, for a scenario's
/// magnitude to cite: 500 × (10^(x−1) + 5^(y−1)) × identifiability × social responsibility ×
/// response, per person.
#[utoipa::path(post, path = "/api/v1/quant/breach", tag = "quant", request_body = BreachIn,
    responses((status = 200, description = "The estimate", body = BreachOut), (status = 422, description = "Refused input (see message and details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn breach(
    user: ApiUser,
    crate::api::ApiJson(body): crate::api::ApiJson<BreachIn>,
) -> Result<Json<BreachOut>, ApiError> {
    use kamae_quant::breach::{Breach, Identifiability};
    let identifiability = match body.identifiability.as_str() {
        "easy" => Identifiability::Easy,
        "with_effort" => Identifiability::WithEffort,
        "hard" => Identifiability::Hard,
        other => {
            return Err(refused(
                &user,
                vec![kamae_quant::ModelProblem::new(
                    "identifiability".into(),
                    format!("本人特定の容易さ {other:?} は easy・with_effort・hard のどれかです"),
                    format!("identifiability {other:?} is one of easy, with_effort, hard"),
                )],
            ));
        }
    };
    let estimate = Breach {
        people: body.people,
        economic_loss: body.economic_loss,
        mental_distress: body.mental_distress,
        identifiability,
        high_social_responsibility: body.high_social_responsibility,
        poor_response: body.poor_response,
    }
    .estimate()
    .map_err(|p| refused(&user, p))?;
    Ok(Json(BreachOut {
        per_person: estimate.per_person,
        total: estimate.total,
    }))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct QuantifiedRiskOut {
    pub code: String,
    pub title: String,
    /// As the quantitative criterion judged it (worked out when the risk was saved).
    pub expected_loss_yen: i64,
    /// Its part of the register's expected annual loss.
    pub share: f64,
    pub over_loss_threshold: bool,
}

/// The register's quantitative view (docs/formats.md).
#[derive(Serialize, Deserialize, ToSchema)]
pub struct RegisterQuantOut {
    pub loss_threshold_yen: Option<i64>,
    /// The sum of the risks' expected annual losses.
    pub expected_loss_yen: i64,
    pub risks: Vec<QuantifiedRiskOut>,
    /// Codes of the risks without a scenario, left out of the figures.
    pub unquantified: Vec<String>,
    /// Every scenario run together: the distribution of the year's total and its loss
    /// exceedance curve; `scenarios` names each by its risk's code. None when no risk
    /// carries a scenario.
    pub portfolio: Option<QuantOut>,
}

/// An assessment's quantitative view: each risk's expected annual loss and the portfolio
/// of their scenarios as one run (100,000 trials, a fixed seed).
#[utoipa::path(get, path = "/api/v1/risk/assessments/{id}/quant", tag = "quant",
    params(("id" = String, Path, description = "The assessment")),
    responses((status = 200, description = "The view", body = RegisterQuantOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn register(
    user: ApiUser,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<RegisterQuantOut>, ApiError> {
    let a = super::risk::load(&user, &id, kamae_core::access::Action::Read).await?;
    let q = crate::simulate::register_quant(&user.state, &a)
        .await
        .map_err(|e| user.fail(e))?;
    let Some(q) = q else {
        return Ok(Json(RegisterQuantOut {
            loss_threshold_yen: a.criteria.loss_threshold_yen,
            expected_loss_yen: 0,
            risks: Vec::new(),
            unquantified: a.risks.iter().map(|r| r.entry.code.to_string()).collect(),
            portfolio: None,
        }));
    };
    Ok(Json(RegisterQuantOut {
        loss_threshold_yen: a.criteria.loss_threshold_yen,
        expected_loss_yen: q.total_yen,
        risks: q
            .risks
            .iter()
            .map(|r| QuantifiedRiskOut {
                code: r.risk.entry.code.to_string(),
                title: r.risk.entry.title.clone(),
                expected_loss_yen: r.expected_loss_yen,
                share: r.share,
                over_loss_threshold: r.risk.evaluation.over_loss_threshold,
            })
            .collect(),
        unquantified: q
            .unquantified
            .iter()
            .map(|r| r.entry.code.to_string())
            .collect(),
        portfolio: Some(q.portfolio.into()),
    }))
}
