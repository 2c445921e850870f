//! Role E on the web: the risk matrices assessments rate against — kamae's own 5 × 5 and
//! those imported from CISO Assistant libraries.

use askama::Template;
use axum::extract::{Path, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kamae_core::access::{Action, RecordKind};
use kamae_core::risk::{MatrixLevel, RiskMatrix};
use kamae_store::risk::MatrixImport;

use super::heatmap::{CellText, heat_map};
use super::standard::{file_problem_lines, may, read_upload, refused_lines, require};
use super::{Chrome, render};
use crate::ctx::{PageError, SignedIn};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "risk_matrices.html")]
struct MatricesPage<'a> {
    chrome: Chrome<'a>,
    matrices: Vec<RiskMatrix>,
    ja: bool,
    can_write: bool,
    reports: Vec<MatrixImport>,
    problems: Vec<String>,
    file_name: String,
}

async fn matrices_page(
    s: SignedIn,
    reports: Vec<MatrixImport>,
    problems: Vec<String>,
    file_name: String,
    status: StatusCode,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let matrices = ctx
        .state
        .store
        .risk_matrices(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = MatricesPage {
        chrome: Chrome::new(&ctx, "risk"),
        ja: ctx.lang == Lang::Ja,
        matrices,
        can_write: may(&actor, RecordKind::GroupReference, Action::Write),
        reports,
        problems,
        file_name,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn matrices(s: SignedIn) -> Result<Response, PageError> {
    matrices_page(s, Vec::new(), Vec::new(), String::new(), StatusCode::OK).await
}

/// Imports a CISO Assistant library's matrices: all of them or, with any problem, none.
pub async fn import_matrices(s: SignedIn, req: Request) -> Result<Response, PageError> {
    require(&s.ctx, &s.actor, RecordKind::GroupReference, Action::Write)?;
    let upload = read_upload(&s.ctx, &s.ctx.state, req).await?;
    let dry_run = upload.field("dry_run").is_some();
    let outcome =
        match kamae_exchange::ciso_assistant::read_risk_matrices(&upload.file_name, &upload.file) {
            Err(problems) => Err((
                file_problem_lines(&s.ctx, &problems),
                StatusCode::UNPROCESSABLE_ENTITY,
            )),
            Ok(read) => s
                .ctx
                .state
                .store
                .import_risk_matrices(&s.actor, read, dry_run)
                .await
                .map_err(|e| refused_lines(&s.ctx, e)),
        };
    let file_name = upload.file_name.clone();
    match outcome {
        Ok(reports) => matrices_page(s, reports, Vec::new(), file_name, StatusCode::OK).await,
        Err((problems, status)) => matrices_page(s, Vec::new(), problems, file_name, status).await,
    }
}

#[derive(Template)]
#[template(path = "risk_matrix.html")]
struct MatrixPage<'a> {
    chrome: Chrome<'a>,
    m: &'a RiskMatrix,
    ja: bool,
    levels: Vec<(&'a str, &'a [MatrixLevel])>,
    grid: String,
}

pub async fn matrix(s: SignedIn, Path(code): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let m = ctx
        .state
        .store
        .risk_matrix(&actor, &code)
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.t();
    let ja = t.lang == Lang::Ja;
    let grid = heat_map(
        &m,
        ja,
        "matrix",
        t.get("risk_matrix.grid_caption"),
        (t.get("risk_matrix.likelihood"), t.get("risk_matrix.impact")),
        |p, i| CellText {
            text: m
                .risk_of(p, i)
                .and_then(|r| m.risk.get(r))
                .map(|l| l.name(ja).to_owned())
                .unwrap_or_default(),
            href: None,
        },
    );
    let page = MatrixPage {
        chrome: Chrome::new(&ctx, "risk"),
        levels: vec![
            ("risk_matrix.likelihood", &m.probability),
            ("risk_matrix.impact", &m.impact),
            ("risk_matrix.risk", &m.risk),
        ],
        grid,
        ja,
        m: &m,
    };
    Ok(render(&page))
}
