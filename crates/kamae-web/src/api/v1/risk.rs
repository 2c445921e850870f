//! Role E through the API: the risk matrices assessments rate against.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use kamae_core::access::{Action, RecordKind};
use kamae_core::risk::{MatrixLevel, RiskMatrix};
use kamae_store::risk::MatrixImport;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::standard::{file_error, require};
use crate::api::{ApiError, ApiUser, ErrorBody};

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
    let summary = summary_out(&m);
    Ok(Json(MatrixOut {
        summary,
        description: m.description,
        urn: m.urn,
        probability: levels_out(m.probability),
        impact: levels_out(m.impact),
        risk: levels_out(m.risk),
        grid: m.grid,
    }))
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
