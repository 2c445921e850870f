//! Role E on the web: the information-asset inventory — the assets the reader can see,
//! imported from CSV or XLSX (dry run first), exported in either.

use askama::Template;
use axum::extract::{Query, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kamae_core::risk::InformationAsset;
use kamae_exchange::items::Headers;
use kamae_store::assets::AssetImport;
use serde::Deserialize;

use super::standard::{download, file_problem_lines, read_upload, refused_lines};
use super::{Chrome, render};
use crate::ctx::{Ctx, PageError, SignedIn};

#[derive(Template)]
#[template(path = "risk_assets.html")]
struct AssetsPage<'a> {
    chrome: Chrome<'a>,
    assets: Vec<InformationAsset>,
    report: Option<AssetImport>,
    problems: Vec<String>,
    file_name: String,
}

async fn page(
    ctx: &Ctx,
    actor: &kamae_core::access::Actor,
    report: Option<AssetImport>,
    problems: Vec<String>,
    file_name: String,
    status: StatusCode,
) -> Result<Response, PageError> {
    let assets = ctx
        .state
        .store
        .assets(actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = AssetsPage {
        chrome: Chrome::new(ctx, "risk"),
        assets,
        report,
        problems,
        file_name,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn assets(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    page(
        &ctx,
        &actor,
        None,
        Vec::new(),
        String::new(),
        StatusCode::OK,
    )
    .await
}

/// Imports an inventory: each row must name a company the importer keeps assets for; with
/// any problem, nothing is written.
pub async fn import(s: SignedIn, req: Request) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let upload = read_upload(&ctx, &ctx.state, req).await?;
    let dry_run = upload.field("dry_run").is_some();
    let outcome = async {
        let format = kamae_exchange::assets::format_of(&upload.file_name, upload.field("format"))
            .map_err(|p| refused_lines(&ctx, p))?;
        let read = kamae_exchange::assets::read(&upload.file_name, &upload.file, format).map_err(
            |problems| {
                (
                    file_problem_lines(&ctx, &problems),
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
            },
        )?;
        ctx.state
            .store
            .import_assets(&actor, read, dry_run)
            .await
            .map_err(|e| refused_lines(&ctx, e))
    }
    .await;
    let file_name = upload.file_name.clone();
    match outcome {
        Ok(r) => page(&ctx, &actor, Some(r), Vec::new(), file_name, StatusCode::OK).await,
        Err((lines, status)) => page(&ctx, &actor, None, lines, file_name, status).await,
    }
}

#[derive(Deserialize)]
pub struct ExportQuery {
    format: String,
    headers: Option<String>,
}

pub async fn export(s: SignedIn, Query(q): Query<ExportQuery>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let format = kamae_exchange::assets::format_of("", Some(&q.format)).map_err(|p| ctx.fail(p))?;
    let headers = Headers::parse(q.headers.as_deref().unwrap_or("ja")).map_err(|p| ctx.fail(p))?;
    let assets = ctx
        .state
        .store
        .assets(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let bytes = kamae_exchange::assets::write(&assets, format, headers).map_err(|p| ctx.fail(p))?;
    let name = match format {
        kamae_exchange::items::Format::Xlsx => "assets.xlsx",
        _ => "assets.csv",
    };
    Ok(download(name, format, bytes))
}
