//! Role E through the API: the risk matrices, and the assessments with their register.
//! Submitting and approving an assessment is its artifact's (`/api/v1/artifacts/{id}/submit`,
//! `/api/v1/approvals/{id}/approve`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use kamae_core::Problem;
use kamae_core::access::{Action, RecordKind, Scope};
use kamae_core::artifact::ArtifactKind;
use kamae_core::ids::ArtifactVersionId;
use kamae_core::risk::{
    Coverage, ImpactDefinition, ImpactKind, MatrixLevel, Method, Rating, RiskEntry, RiskMatrix,
};
use kamae_core::text::Code;
use kamae_store::risk::{AssessmentView, MatrixImport, NewAssessment};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::artifacts::VersionRefOut;
use super::standard::{file_error, require, require_at};
use crate::api::{ApiError, ApiJson, ApiUser, ErrorBody};

#[derive(Serialize, Deserialize, ToSchema)]
pub struct MatrixSummaryOut {
    pub code: String,
    pub name_ja: String,
    pub name_en: String,
    /// builtin (kamae's own) or ciso_assistant.
    pub source: String,
    pub version: String,
    pub likelihood_levels: usize,
    pub impact_levels: usize,
    pub risk_levels: usize,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct MatrixList {
    pub items: Vec<MatrixSummaryOut>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct MatrixLevelOut {
    pub abbreviation: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    /// `#RRGGBB`, or null.
    pub color: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct MatrixOut {
    #[serde(flatten)]
    pub summary: MatrixSummaryOut,
    pub description: String,
    /// The library's URN, for imported matrices.
    pub urn: String,
    /// Likelihood levels from the lowest.
    pub probability: Vec<MatrixLevelOut>,
    pub impact: Vec<MatrixLevelOut>,
    pub risk: Vec<MatrixLevelOut>,
    /// `grid[likelihood][impact]` is the index of a risk level.
    pub grid: Vec<Vec<usize>>,
}

fn summary_out(m: &RiskMatrix) -> MatrixSummaryOut {
    let s = m.summary();
    MatrixSummaryOut {
        code: s.code,
        name_ja: s.name_ja,
        name_en: s.name_en,
        source: s.source.as_str().to_owned(),
        version: s.version,
        likelihood_levels: s.likelihood_levels,
        impact_levels: s.impact_levels,
        risk_levels: s.risk_levels,
    }
}

fn levels_out(levels: Vec<MatrixLevel>) -> Vec<MatrixLevelOut> {
    levels
        .into_iter()
        .map(|l| MatrixLevelOut {
            abbreviation: l.abbreviation,
            name_ja: l.name_ja,
            name_en: l.name_en,
            description_ja: l.description_ja,
            description_en: l.description_en,
            color: l.color,
        })
        .collect()
}

/// The risk matrices: kamae's own 5 × 5 first, then the imported ones, each with the
/// numbers of its likelihood, impact and risk levels.
#[utoipa::path(get, path = "/api/v1/risk/matrices", tag = "risk",
    responses((status = 200, description = "The result", body = MatrixList), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_risk_matrices(user: ApiUser) -> Result<Json<MatrixList>, ApiError> {
    let list = user
        .state
        .store
        .risk_matrices(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(MatrixList {
        items: list.iter().map(summary_out).collect(),
    }))
}

/// One matrix: its levels in both languages, their colours, and the grid.
#[utoipa::path(get, path = "/api/v1/risk/matrices/{matrix}", tag = "risk",
    params(("matrix" = String, Path, description = "The matrix's code")),
    responses((status = 200, description = "The result", body = MatrixOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_risk_matrix(
    user: ApiUser,
    Path(code): Path<String>,
) -> Result<Json<MatrixOut>, ApiError> {
    let m = user
        .state
        .store
        .risk_matrix(&user.actor, &code)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(matrix_out(m)))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatrixImportQuery {
    #[serde(default)]
    dry_run: bool,
    /// The file's name, for messages.
    file_name: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct MatrixImportOut {
    pub dry_run: bool,
    /// added, replaced (the old one archived) or unchanged.
    pub outcome: String,
    pub code: String,
    pub name: String,
    pub likelihood_levels: usize,
    pub impact_levels: usize,
    pub risk_levels: usize,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct MatrixImportList {
    pub items: Vec<MatrixImportOut>,
}

fn import_out(r: MatrixImport) -> MatrixImportOut {
    MatrixImportOut {
        dry_run: r.dry_run,
        outcome: match r.outcome {
            kamae_store::ReferenceImport::Added => "added",
            kamae_store::ReferenceImport::Replaced => "replaced",
            kamae_store::ReferenceImport::Unchanged => "unchanged",
        }
        .to_owned(),
        code: r.code,
        name: r.name,
        likelihood_levels: r.probability_levels,
        impact_levels: r.impact_levels,
        risk_levels: r.risk_levels,
    }
}

/// Imports the risk matrices of a CISO Assistant library (YAML, the request body): all of
/// them, or with any problem none. The same file again changes nothing.
#[utoipa::path(post, path = "/api/v1/risk/matrices/import", tag = "risk", params(MatrixImportQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The CISO Assistant library (YAML)"),
    responses((status = 200, description = "The result", body = MatrixImportList), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn import_risk_matrices(
    user: ApiUser,
    Query(q): Query<MatrixImportQuery>,
    body: Bytes,
) -> Result<Json<MatrixImportList>, ApiError> {
    require(&user, RecordKind::GroupReference, Action::Write)?;
    let name = q.file_name.clone().unwrap_or_else(|| "upload".to_owned());
    let read = kamae_exchange::ciso_assistant::read_risk_matrices(&name, &body)
        .map_err(|p| file_error(&user, &p))?;
    let reports = user
        .state
        .store
        .import_risk_matrices(&user.actor, read, q.dry_run)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(MatrixImportList {
        items: reports.into_iter().map(import_out).collect(),
    }))
}

/// A rating: on the matrix (`likelihood` and `impact`, indices from the lowest level), or by
/// the asset method (`importance`, `threat`, `vulnerability`, each 1–3).
#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct RatingIo {
    /// matrix or asset_based.
    pub method: String,
    pub likelihood: Option<usize>,
    pub impact: Option<usize>,
    pub importance: Option<u8>,
    pub threat: Option<u8>,
    pub vulnerability: Option<u8>,
}

impl From<Rating> for RatingIo {
    fn from(r: Rating) -> Self {
        match r {
            Rating::Matrix { likelihood, impact } => RatingIo {
                method: "matrix".into(),
                likelihood: Some(likelihood),
                impact: Some(impact),
                importance: None,
                threat: None,
                vulnerability: None,
            },
            Rating::Asset {
                importance,
                threat,
                vulnerability,
            } => RatingIo {
                method: "asset_based".into(),
                likelihood: None,
                impact: None,
                importance: Some(importance),
                threat: Some(threat),
                vulnerability: Some(vulnerability),
            },
        }
    }
}

fn rating_in(user: &ApiUser, r: Option<&RatingIo>, at: &str) -> Result<Option<Rating>, ApiError> {
    let Some(r) = r else { return Ok(None) };
    let bad = || {
        user.fail(Problem::new(
            "invalid_rating",
            "評価は method と、その方法の値（likelihood と impact、または importance・threat・vulnerability）で書いてください",
            "a rating needs its method and that method's values (likelihood and impact, or importance, threat and vulnerability)",
        ))
        .at(at)
    };
    match (
        r.method.as_str(),
        r.likelihood,
        r.impact,
        r.importance,
        r.threat,
        r.vulnerability,
    ) {
        ("matrix", Some(likelihood), Some(impact), None, None, None) => {
            Ok(Some(Rating::Matrix { likelihood, impact }))
        }
        ("asset_based", None, None, Some(importance), Some(threat), Some(vulnerability)) => {
            Ok(Some(Rating::Asset {
                importance,
                threat,
                vulnerability,
            }))
        }
        _ => Err(bad()),
    }
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct RiskIn {
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub event: String,
    #[serde(default)]
    pub causes: String,
    #[serde(default)]
    pub consequences: String,
    #[serde(default)]
    pub assets: Vec<String>,
    #[serde(default)]
    pub owner: String,
    pub inherent: Option<RatingIo>,
    #[serde(default)]
    pub inherent_rationale: String,
    pub residual: Option<RatingIo>,
    #[serde(default)]
    pub residual_rationale: String,
    /// Codes of the standard's items that control it.
    #[serde(default)]
    pub items: Vec<String>,
    /// Ids of exceptions.
    #[serde(default)]
    pub exceptions: Vec<String>,
    /// Ids of advice records.
    #[serde(default)]
    pub advice: Vec<String>,
    /// How the risk is quantified: a scenario of the model file (docs/formats.md) without
    /// its `name`; the engine works out its expected annual loss when the risk is saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub scenario: Option<serde_json::Value>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct RiskOut {
    #[serde(flatten)]
    pub risk: RiskIn,
    /// Copied from last year and not confirmed yet.
    pub to_confirm: bool,
    /// The risk level (index into the matrix's risk levels) of the inherent rating.
    pub inherent_level: Option<usize>,
    /// The residual level in force: back at the inherent one when an exception expired.
    pub residual_level: Option<usize>,
    /// Expired exceptions that raised the residual level (their ids).
    pub raised_by: Vec<String>,
    /// The scenario's expected annual loss in yen (100,000 trials, a fixed seed).
    pub expected_loss_yen: Option<i64>,
    /// Whether that loss reaches the criteria's `loss_threshold_yen`.
    pub over_loss_threshold: bool,
    pub needs_treatment: bool,
    /// Its place in the treatment order (1 = first), if it needs treatment.
    pub treatment_rank: Option<usize>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CoverageIo {
    #[serde(default)]
    pub companies: Vec<String>,
    #[serde(default)]
    pub sites: Vec<String>,
    #[serde(default)]
    pub departments: Vec<String>,
    #[serde(default)]
    pub systems: Vec<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ImpactDefinitionIo {
    /// money, interruption, reputation, legal or safety.
    pub kind: String,
    /// One text per impact level, from the lowest.
    pub levels: Vec<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AssessmentOut {
    pub artifact: VersionRefOut,
    pub title: String,
    /// draft, submitted, approved or rejected.
    pub state: String,
    pub fiscal_year: i32,
    /// matrix or asset_based.
    pub method: String,
    pub matrix: MatrixOut,
    /// The lowest risk level needing treatment.
    pub treat_from: usize,
    pub tolerance: String,
    pub impact_definitions: Vec<ImpactDefinitionIo>,
    /// For the asset method: the lowest score of each risk level above the first.
    pub asset_bands: Vec<u32>,
    pub loss_threshold_yen: Option<i64>,
    pub coverage: CoverageIo,
    pub copied_from: Option<String>,
    /// The factors of the organisation's context it cites.
    pub context: Vec<super::context::ContextFactorOut>,
    pub risks: Vec<RiskOut>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AssessmentSummaryOut {
    pub artifact: VersionRefOut,
    pub title: String,
    pub state: String,
    pub fiscal_year: i32,
    pub method: String,
    pub risks: usize,
    pub needing_treatment: usize,
    pub to_confirm: usize,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AssessmentList {
    pub items: Vec<AssessmentSummaryOut>,
}

fn risk_io(e: &RiskEntry) -> RiskIn {
    RiskIn {
        code: e.code.to_string(),
        title: e.title.clone(),
        source: e.source.clone(),
        event: e.event.clone(),
        causes: e.causes.clone(),
        consequences: e.consequences.clone(),
        assets: e.assets.clone(),
        owner: e.owner.clone(),
        inherent: e.inherent.map(Into::into),
        inherent_rationale: e.inherent_rationale.clone(),
        residual: e.residual.map(Into::into),
        residual_rationale: e.residual_rationale.clone(),
        items: e.items.clone(),
        exceptions: e.exceptions.clone(),
        advice: e.advice.clone(),
        scenario: e.scenario.clone(),
    }
}

fn matrix_out(m: RiskMatrix) -> MatrixOut {
    MatrixOut {
        summary: summary_out(&m),
        description: m.description,
        urn: m.urn,
        probability: levels_out(m.probability),
        impact: levels_out(m.impact),
        risk: levels_out(m.risk),
        grid: m.grid,
    }
}

pub(super) fn assessment_out(a: AssessmentView) -> AssessmentOut {
    let risks = a
        .risks
        .iter()
        .enumerate()
        .map(|(n, r)| RiskOut {
            risk: risk_io(&r.entry),
            to_confirm: r.to_confirm,
            inherent_level: r.evaluation.inherent_level,
            residual_level: r.evaluation.residual_level,
            raised_by: r.evaluation.raised_by.iter().map(|x| x.0.clone()).collect(),
            expected_loss_yen: r.evaluation.expected_loss_yen,
            over_loss_threshold: r.evaluation.over_loss_threshold,
            needs_treatment: r.evaluation.needs_treatment,
            treatment_rank: a
                .treatment_order
                .iter()
                .position(|i| *i == n)
                .map(|p| p + 1),
        })
        .collect();
    let c = a.criteria;
    AssessmentOut {
        artifact: (&a.version.reference).into(),
        title: a.version.title,
        state: a.version.approval.state.as_str().to_owned(),
        fiscal_year: a.fiscal_year,
        method: c.method.as_str().to_owned(),
        treat_from: c.treat_from,
        tolerance: c.tolerance,
        impact_definitions: c
            .impact_definitions
            .into_iter()
            .map(|d| ImpactDefinitionIo {
                kind: d.kind.as_str().to_owned(),
                levels: d.levels,
            })
            .collect(),
        asset_bands: c.asset_bands,
        loss_threshold_yen: c.loss_threshold_yen,
        matrix: matrix_out(c.matrix),
        coverage: CoverageIo {
            companies: a.coverage.companies,
            sites: a.coverage.sites,
            departments: a.coverage.departments,
            systems: a.coverage.systems,
        },
        copied_from: a.copied_from.map(|c| c.to_string()),
        context: a.context.iter().map(super::context::factor_out).collect(),
        risks,
    }
}

const ASSESSMENT: RecordKind = RecordKind::Artifact(ArtifactKind::RiskAssessment);

/// The assessment an address names, for `action`; a risk_assessment written as a plain
/// document is refused as such after its artifact's access decision.
/// A version that is not the structured record its address expects (written as a plain
/// document): the access decision its artifact gets, then refused as such.
pub(super) async fn refuse_plain_document(
    user: &ApiUser,
    id: ArtifactVersionId,
    action: Action,
    problem: Problem,
) -> ApiError {
    let v = match user.state.store.artifact_version(&user.actor, id).await {
        Ok(v) => v,
        Err(e) => return user.fail(e),
    };
    match require_at(
        user,
        RecordKind::Artifact(v.reference.kind),
        action,
        Scope::of_company(v.reference.company),
    ) {
        Err(e) => e,
        Ok(()) => user.fail(problem),
    }
}

/// The structured record behind an artifact version's address (an assessment, a plan, a
/// business case), for `action`: when found, the decision on its artifact at its scope; when
/// the version is a document of another shape, the decision its artifact gets, then
/// `not_this`.
pub(super) async fn load_structured<T>(
    user: &ApiUser,
    id: &str,
    action: Action,
    fetch: impl AsyncFnOnce(ArtifactVersionId) -> Result<T, kamae_store::StoreError>,
    version: impl Fn(&T) -> &kamae_store::artifact::ArtifactVersion,
    not_this: Problem,
) -> Result<T, ApiError> {
    let id: ArtifactVersionId = id
        .parse()
        .map_err(|_| user.fail(crate::error::Failure::not_found()))?;
    match fetch(id).await {
        Ok(found) => {
            let r = &version(&found).reference;
            require_at(
                user,
                RecordKind::Artifact(r.kind),
                action,
                Scope::of_company(r.company),
            )?;
            Ok(found)
        }
        Err(e) if e.code() == "not_found" => {
            Err(refuse_plain_document(user, id, action, not_this).await)
        }
        Err(e) => Err(user.fail(e)),
    }
}

pub(super) async fn load(
    user: &ApiUser,
    id: &str,
    action: Action,
) -> Result<AssessmentView, ApiError> {
    load_structured(
        user,
        id,
        action,
        async |id| user.state.store.assessment(&user.actor, id).await,
        |a: &AssessmentView| &a.version,
        Problem::new(
            "not_an_assessment",
            "この成果物は文書として書かれていて、リスク登録簿がありません",
            "this artifact is written as a document and has no risk register",
        ),
    )
    .await
}

/// The risk assessments the caller can see, the newest year first.
#[utoipa::path(get, path = "/api/v1/risk/assessments", tag = "risk",
    responses((status = 200, description = "The result", body = AssessmentList), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn list_assessments(user: ApiUser) -> Result<Json<AssessmentList>, ApiError> {
    let all = user
        .state
        .store
        .assessments(&user.actor)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(AssessmentList {
        items: all
            .into_iter()
            .map(|a| AssessmentSummaryOut {
                artifact: (&a.reference).into(),
                title: a.title,
                state: a.state.as_str().to_owned(),
                fiscal_year: a.fiscal_year,
                method: a.method.as_str().to_owned(),
                risks: a.risks,
                needing_treatment: a.needing_treatment,
                to_confirm: a.to_confirm,
            })
            .collect(),
    }))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AssessmentIn {
    /// The company assessed; absent for the group's assessment.
    pub company_code: Option<String>,
    pub fiscal_year: i32,
    pub title: String,
    /// matrix or asset_based.
    pub method: String,
    /// The matrix's code (KAMAE-5X5, or an imported one).
    pub matrix: String,
    pub treat_from: Option<usize>,
    /// For the asset method: the lowest score of each risk level above the first
    /// (increasing, 2–27, one fewer than the matrix's risk levels); kamae's default if absent.
    pub asset_bands: Option<Vec<u32>>,
    #[serde(default)]
    pub tolerance: String,
    #[serde(default)]
    pub impact_definitions: Vec<ImpactDefinitionIo>,
    pub loss_threshold_yen: Option<i64>,
    pub coverage: Option<CoverageIo>,
}

/// Starts a risk assessment: a new draft version of the risk_assessment artifact with its
/// criteria (the matrix is copied in).
#[utoipa::path(post, path = "/api/v1/risk/assessments", tag = "risk", request_body = AssessmentIn,
    responses((status = 201, description = "Created", body = AssessmentOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn create_assessment(
    user: ApiUser,
    ApiJson(body): ApiJson<AssessmentIn>,
) -> Result<(StatusCode, Json<AssessmentOut>), ApiError> {
    let company = match body.company_code.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => {
            let c = Code::parse(c).map_err(|p| user.fail(p).at("company_code"))?;
            Some(
                user.state
                    .store
                    .company_by_code(&user.actor, &c)
                    .await
                    .map_err(|e| user.fail(e))?,
            )
        }
    };
    require_at(
        &user,
        ASSESSMENT,
        Action::Write,
        Scope::of_company(company.as_ref().map(|c| c.id)),
    )?;
    let method = Method::parse(&body.method).map_err(|p| user.fail(p).at("method"))?;
    let mut impact_definitions = Vec::new();
    for (n, d) in body.impact_definitions.into_iter().enumerate() {
        impact_definitions.push(ImpactDefinition {
            kind: ImpactKind::parse(&d.kind)
                .map_err(|p| user.fail(p).at(&format!("impact_definitions[{n}].kind")))?,
            levels: d.levels,
        });
    }
    let coverage = body.coverage.unwrap_or(CoverageIo {
        companies: vec![],
        sites: vec![],
        departments: vec![],
        systems: vec![],
    });
    let a = user
        .state
        .store
        .new_assessment(
            &user.actor,
            NewAssessment {
                company: company.map(|c| c.code),
                fiscal_year: body.fiscal_year,
                title: body.title,
                method,
                matrix: body.matrix,
                treat_from: body.treat_from,
                asset_bands: body.asset_bands,
                tolerance: body.tolerance,
                impact_definitions,
                loss_threshold_yen: body.loss_threshold_yen,
                coverage: Coverage {
                    companies: coverage.companies,
                    sites: coverage.sites,
                    departments: coverage.departments,
                    systems: coverage.systems,
                },
            },
        )
        .await
        .map_err(|e| user.fail(e))?;
    Ok((StatusCode::CREATED, Json(assessment_out(a))))
}

/// One assessment: its criteria, its register as evaluated today, and the treatment order.
#[utoipa::path(get, path = "/api/v1/risk/assessments/{id}", tag = "risk",
    params(("id" = String, Path, description = "The assessment (its artifact version's id)")),
    responses((status = 200, description = "The result", body = AssessmentOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "A risk_assessment written as a plain document", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_assessment(
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Json<AssessmentOut>, ApiError> {
    Ok(Json(assessment_out(load(&user, &id, Action::Read).await?)))
}

fn entry_in(user: &ApiUser, r: RiskIn) -> Result<RiskEntry, ApiError> {
    Ok(RiskEntry {
        code: Code::parse(&r.code).map_err(|p| user.fail(p).at("code"))?,
        inherent: rating_in(user, r.inherent.as_ref(), "inherent")?,
        residual: rating_in(user, r.residual.as_ref(), "residual")?,
        title: r.title,
        source: r.source,
        event: r.event,
        causes: r.causes,
        consequences: r.consequences,
        assets: r.assets,
        owner: r.owner,
        inherent_rationale: r.inherent_rationale,
        residual_rationale: r.residual_rationale,
        items: r
            .items
            .into_iter()
            .map(|c| c.to_ascii_uppercase())
            .collect(),
        exceptions: r.exceptions,
        advice: r.advice,
        scenario: r.scenario,
        expected_loss_yen: None,
    })
}

/// Adds a risk to a draft assessment's register.
#[utoipa::path(post, path = "/api/v1/risk/assessments/{id}/risks", tag = "risk", request_body = RiskIn,
    params(("id" = String, Path, description = "The assessment")),
    responses((status = 201, description = "Created", body = AssessmentOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn add_risk(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RiskIn>,
) -> Result<(StatusCode, Json<AssessmentOut>), ApiError> {
    let a = load(&user, &id, Action::Write).await?;
    let entry = entry_in(&user, body)?;
    let a = user
        .state
        .store
        .save_risk(&user.actor, a.id(), None, entry)
        .await
        .map_err(|e| user.fail(e))?;
    Ok((StatusCode::CREATED, Json(assessment_out(a))))
}

/// Changes a risk (its code may change); saving a risk copied from last year confirms it.
#[utoipa::path(put, path = "/api/v1/risk/assessments/{id}/risks/{code}", tag = "risk", request_body = RiskIn,
    params(("id" = String, Path, description = "The assessment"), ("code" = String, Path, description = "The risk's id")),
    responses((status = 200, description = "The result", body = AssessmentOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody)))]
pub async fn put_risk(
    user: ApiUser,
    Path((id, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<RiskIn>,
) -> Result<Json<AssessmentOut>, ApiError> {
    let a = load(&user, &id, Action::Write).await?;
    let entry = entry_in(&user, body)?;
    let a = user
        .state
        .store
        .save_risk(&user.actor, a.id(), Some(&code), entry)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(assessment_out(a)))
}

/// Confirms a risk copied from last year as it stands.
#[utoipa::path(post, path = "/api/v1/risk/assessments/{id}/risks/{code}/confirm", tag = "risk",
    params(("id" = String, Path, description = "The assessment"), ("code" = String, Path, description = "The risk's id")),
    responses((status = 200, description = "The result", body = AssessmentOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused (see message)", body = ErrorBody)))]
pub async fn confirm_risk(
    user: ApiUser,
    Path((id, code)): Path<(String, String)>,
) -> Result<Json<AssessmentOut>, ApiError> {
    let a = load(&user, &id, Action::Write).await?;
    let a = user
        .state
        .store
        .confirm_risk(&user.actor, a.id(), &code)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(assessment_out(a)))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ReasonIn {
    pub reason: String,
}

/// Takes a risk off a draft register, with a reason (the row stays, archived).
#[utoipa::path(post, path = "/api/v1/risk/assessments/{id}/risks/{code}/archive", tag = "risk", request_body = ReasonIn,
    params(("id" = String, Path, description = "The assessment"), ("code" = String, Path, description = "The risk's id")),
    responses((status = 200, description = "The result", body = AssessmentOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused (see message)", body = ErrorBody)))]
pub async fn archive_risk(
    user: ApiUser,
    Path((id, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<ReasonIn>,
) -> Result<Json<AssessmentOut>, ApiError> {
    let a = load(&user, &id, Action::Write).await?;
    let reason = kamae_core::text::required_reason(Some(&body.reason))
        .map_err(|p| user.fail(p).at("reason"))?;
    let a = user
        .state
        .store
        .archive_risk(&user.actor, a.id(), &code, &reason)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(Json(assessment_out(a)))
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct CopyIn {
    pub fiscal_year: i32,
    pub title: String,
}

/// Starts next year's assessment from an approved one: the same criteria, scope and risks
/// with every link, every rating to confirm.
#[utoipa::path(post, path = "/api/v1/risk/assessments/{id}/copy", tag = "risk", request_body = CopyIn,
    params(("id" = String, Path, description = "The approved assessment to start from")),
    responses((status = 201, description = "Created", body = AssessmentOut), (status = 403, description = "Visible, but not allowed to the caller", body = ErrorBody), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused (see message)", body = ErrorBody)))]
pub async fn copy_assessment(
    user: ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CopyIn>,
) -> Result<(StatusCode, Json<AssessmentOut>), ApiError> {
    let a = load(&user, &id, Action::Write).await?;
    let a = user
        .state
        .store
        .copy_assessment(&user.actor, a.id(), body.fiscal_year, &body.title)
        .await
        .map_err(|e| user.fail(e))?;
    Ok((StatusCode::CREATED, Json(assessment_out(a))))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// executive (the default) or external: the shorter version for outsiders, without
    /// people's names, site addresses or weaknesses not yet fixed.
    audience: Option<String>,
    /// json (the default) or xlsx.
    format: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ReportOut {
    pub assessment: String,
    pub title: String,
    pub fiscal_year: i32,
    pub state: String,
    /// The assessed company; null for the group.
    pub company_code: Option<String>,
    pub audience: String,
    pub as_of: String,
    /// The treatment plan the report follows (the approved one, else the newest).
    pub plan: Option<String>,
    /// The assessment it compares with (last year's).
    pub previous: Option<String>,
    /// The report as docs/formats.md describes it: counts by level, the two heat maps
    /// (`[likelihood][impact]` counts), the top risks, progress, retained risks, the
    /// comparison with last year.
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

/// An assessment's risk report for executives or for outsiders, as JSON or an XLSX workbook.
#[utoipa::path(get, path = "/api/v1/risk/assessments/{id}/report", tag = "risk", params(("id" = String, Path, description = "The assessment"), ReportQuery),
    responses((status = 200, description = "The report (JSON), or the workbook with format=xlsx", body = ReportOut), (status = 404, description = "Not found, or outside the caller's scope (the same answer)", body = ErrorBody), (status = 422, description = "Refused input (see message and details)", body = ErrorBody), (status = 401, description = "No valid API token", body = ErrorBody)))]
pub async fn get_report(
    user: ApiUser,
    Path(id): Path<String>,
    Query(q): Query<ReportQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let audience = kamae_core::risk::Audience::parse(q.audience.as_deref().unwrap_or("executive"))
        .map_err(|p| user.fail(p).at("audience"))?;
    let xlsx = user.wants_workbook(q.format.as_deref())?;
    let a = load(&user, &id, Action::Read).await?;
    let v = user
        .state
        .store
        .risk_report(&user.actor, a.id(), audience)
        .await
        .map_err(|e| user.fail(e))?;
    if xlsx {
        return user.workbook(&crate::files::risk_report_name(&v), |t| {
            crate::files::risk_report_xlsx(&v, t)
        });
    }
    let out = ReportOut {
        assessment: v.assessment.to_string(),
        title: v.title.clone(),
        fiscal_year: v.fiscal_year,
        state: v.state.as_str().to_owned(),
        company_code: v.company_code.clone(),
        audience: audience.as_str().to_owned(),
        as_of: v.today.to_string(),
        plan: v.plan.as_ref().map(|p| p.id.to_string()),
        previous: v.previous.map(|p| p.to_string()),
        report: serde_json::to_value(&v.report).map_err(|e| {
            user.fail(Problem::new(
                "report_failed",
                format!("報告書を作れませんでした: {e}"),
                format!("could not make the report: {e}"),
            ))
        })?,
    };
    Ok(Json(out).into_response())
}
