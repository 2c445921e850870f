//! The watch list on the web: laws, guidelines and technology changes, each settled as no
//! change needed or taken into a revision of the standard.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kamae_core::Problem;
use kamae_core::access::{Action, RecordKind};
use kamae_core::calendar::parse_date;
use kamae_core::ids::WatchEntryId;
use kamae_core::rules::WatchKind;
use kamae_core::text::Code;
use kamae_store::watch::{NewWatchEntry, WatchEntry};
use serde::Deserialize;

use super::standard::may;
use super::{Chrome, refusal, render};
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::error::Failure;

#[derive(Deserialize, Default, Clone)]
pub struct WatchForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    published_on: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    impact: String,
    /// Item codes, separated by commas or spaces.
    #[serde(default)]
    items: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

impl WatchForm {
    fn from_entry(e: &WatchEntry) -> WatchForm {
        WatchForm {
            kind: e.kind.as_str().to_owned(),
            title: e.title.clone(),
            source: e.source.clone(),
            published_on: e.published_on.to_string(),
            summary: e.summary.clone(),
            impact: e.impact.clone(),
            items: e.items.join(", "),
            csrf: String::new(),
        }
    }

    fn parse(&self) -> Result<NewWatchEntry, Problem> {
        let mut ja = Vec::new();
        let mut en = Vec::new();
        let mut bad = |p: Problem| {
            ja.push(p.ja);
            en.push(p.en);
        };
        let kind = WatchKind::parse(&self.kind).map_err(&mut bad).ok();
        let published_on = parse_date(&self.published_on).map_err(&mut bad).ok();
        let mut items = Vec::new();
        for c in self
            .items
            .split([',', '、', ' ', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match Code::parse(c) {
                Ok(c) => items.push(c),
                Err(p) => bad(p),
            }
        }
        match (kind, published_on) {
            (Some(kind), Some(published_on)) if ja.is_empty() => Ok(NewWatchEntry {
                kind,
                title: self.title.clone(),
                source: self.source.clone(),
                published_on,
                summary: self.summary.clone(),
                impact: self.impact.clone(),
                items,
            }),
            _ => Err(Problem::new(
                "invalid_watch_entry",
                ja.join("\n"),
                en.join("\n"),
            )),
        }
    }
}

fn kinds(ctx: &Ctx) -> Vec<(String, String)> {
    let t = ctx.t();
    WatchKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_owned(),
                t.pick(k.label_ja(), k.label_en()).to_owned(),
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "watch_list.html")]
struct ListPage<'a> {
    chrome: Chrome<'a>,
    entries: Vec<WatchEntry>,
    can_write: bool,
    form: WatchForm,
    kinds: Vec<(String, String)>,
    error: Option<String>,
}

async fn list_page(
    ctx: &Ctx,
    actor: &kamae_core::access::Actor,
    form: WatchForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let entries = ctx
        .state
        .store
        .watch_list(actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ListPage {
        chrome: Chrome::new(ctx, "standard"),
        entries,
        can_write: may(actor, RecordKind::GroupReference, Action::Write),
        form,
        kinds: kinds(ctx),
        error,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn list(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let form = WatchForm {
        kind: WatchKind::Law.as_str().to_owned(),
        ..WatchForm::default()
    };
    list_page(&ctx, &actor, form, None).await
}

pub async fn create(s: SignedIn, Form(form): Form<WatchForm>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let result = match form.parse() {
        Ok(new) => ctx.state.store.record_watch(&actor, new).await,
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(e) => Ok(Redirect::to(&format!("/standard/watch/{}", e.id)).into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            list_page(&ctx, &actor, form, Some(message)).await
        }
    }
}

#[derive(Template)]
#[template(path = "watch.html")]
struct ViewPage<'a> {
    chrome: Chrome<'a>,
    e: WatchEntry,
    can_write: bool,
    form: WatchForm,
    kinds: Vec<(String, String)>,
    error: Option<String>,
}

fn parse_id(ctx: &Ctx, id: &str) -> Result<WatchEntryId, PageError> {
    id.parse().map_err(|_| ctx.fail(Failure::not_found()))
}

async fn view_page(
    ctx: &Ctx,
    actor: &kamae_core::access::Actor,
    id: WatchEntryId,
    form: Option<WatchForm>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let e = ctx
        .state
        .store
        .watch_entry(actor, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ViewPage {
        chrome: Chrome::new(ctx, "standard"),
        can_write: may(actor, RecordKind::GroupReference, Action::Write) && !e.archived,
        form: form.unwrap_or_else(|| WatchForm::from_entry(&e)),
        kinds: kinds(ctx),
        error,
        e,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn view(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let id = parse_id(&ctx, &id)?;
    view_page(&ctx, &actor, id, None, None).await
}

pub async fn edit(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<WatchForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let id = parse_id(&ctx, &id)?;
    let result = match form.parse() {
        Ok(new) => ctx.state.store.edit_watch(&actor, id, new).await,
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/standard/watch/{id}")).into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            view_page(&ctx, &actor, id, Some(form), Some(message)).await
        }
    }
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn step(
    s: SignedIn,
    Path((id, step)): Path<(String, String)>,
    Form(form): Form<StepForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let id = parse_id(&ctx, &id)?;
    let store = &ctx.state.store;
    let result = match step.as_str() {
        "no-change" => store
            .watch_no_change(&actor, id, &form.reason)
            .await
            .map(|_| ()),
        "revision" => store
            .watch_into_revision(&actor, id, &form.reason)
            .await
            .map(|_| ()),
        "archive" => store.archive_watch(&actor, id, &form.reason).await,
        _ => return Err(ctx.fail(Failure::not_found())),
    };
    result.map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/standard/watch/{id}")).into_response())
}
