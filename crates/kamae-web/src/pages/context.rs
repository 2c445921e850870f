//! The organisation's context on the web (role E, step 1): the factors inside and outside
//! the group and its companies, each with its source and date, that assessments cite.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kamae_core::Problem;
use kamae_core::access::{Action, Actor};
use kamae_core::calendar::parse_date;
use kamae_core::ids::{ArtifactVersionId, ContextFactorId};
use kamae_core::risk::{ContextFactor, ContextKind};
use kamae_core::text::Code;
use kamae_store::context::{ContextFactorView, may_write_context};
use serde::Deserialize;

use super::{Chrome, refusal, render};
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::error::Failure;

#[derive(Deserialize, Default, Clone)]
pub struct FactorForm {
    /// The company's code; empty for the group.
    #[serde(default)]
    company: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    noted_on: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

impl FactorForm {
    fn from_view(f: &ContextFactorView) -> FactorForm {
        FactorForm {
            company: f.company_code.clone().unwrap_or_default(),
            kind: f.factor.kind.as_str().to_owned(),
            title: f.factor.title.clone(),
            description: f.factor.description.clone(),
            source: f.factor.source.clone(),
            noted_on: f.factor.noted_on.to_string(),
            csrf: String::new(),
        }
    }

    /// The factor as typed, every problem named at once (the store checks the words).
    fn parse(&self) -> Result<(Option<Code>, ContextFactor), Problem> {
        let mut problems = Vec::new();
        let company = match self.company.trim() {
            "" => None,
            c => Code::parse(c).map_err(|p| problems.push(p)).ok(),
        };
        let kind = ContextKind::parse(&self.kind)
            .map_err(|p| problems.push(p))
            .ok();
        let noted_on = parse_date(&self.noted_on)
            .map_err(|p| problems.push(p.at("日付", "date")))
            .ok();
        match (kind, noted_on) {
            (Some(kind), Some(noted_on)) if problems.is_empty() => Ok((
                company,
                ContextFactor {
                    kind,
                    title: self.title.clone(),
                    description: self.description.clone(),
                    source: self.source.clone(),
                    noted_on,
                },
            )),
            _ => Err(
                Problem::all("invalid_context_factor", &problems).unwrap_or_else(|| {
                    Problem::new(
                        "invalid_context_factor",
                        "入力を確かめてください",
                        "check the input",
                    )
                }),
            ),
        }
    }
}

fn kinds(ctx: &Ctx) -> Vec<(String, String)> {
    let t = ctx.t();
    ContextKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_owned(),
                format!(
                    "{}・{}",
                    t.pick(k.side_ja(), k.side_en()),
                    t.pick(k.label_ja(), k.label_en())
                ),
            )
        })
        .collect()
}

/// Where the actor may record factors: the group (empty code) and companies in reach.
async fn scopes(ctx: &Ctx, actor: &Actor) -> Vec<(String, String)> {
    let t = ctx.t();
    let mut out = Vec::new();
    if may_write_context(actor, None) {
        out.push((String::new(), t.get("risk.whole_group").to_owned()));
    }
    for c in ctx.state.store.companies(actor).await.unwrap_or_default() {
        if may_write_context(actor, Some(c.id)) {
            out.push((c.code.to_string(), format!("{} {}", c.code, c.name)));
        }
    }
    out
}

#[derive(Template)]
#[template(path = "risk_context.html")]
struct ListPage<'a> {
    chrome: Chrome<'a>,
    external: Vec<ContextFactorView>,
    internal: Vec<ContextFactorView>,
    scopes: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    form: FactorForm,
    error: Option<String>,
}

async fn list_page(
    ctx: &Ctx,
    actor: &Actor,
    form: FactorForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let (external, internal) = ctx
        .state
        .store
        .context_factors(actor)
        .await
        .map_err(|e| ctx.fail(e))?
        .into_iter()
        .partition(|f| f.factor.kind.is_external());
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ListPage {
        chrome: Chrome::new(ctx, "risk"),
        external,
        internal,
        scopes: scopes(ctx, actor).await,
        kinds: kinds(ctx),
        form,
        error,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn list(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let today = ctx
        .state
        .store
        .today(actor.group())
        .await
        .map_err(|e| ctx.fail(e))?;
    let form = FactorForm {
        kind: ContextKind::Law.as_str().to_owned(),
        noted_on: today.to_string(),
        ..FactorForm::default()
    };
    list_page(&ctx, &actor, form, None).await
}

pub async fn create(s: SignedIn, Form(form): Form<FactorForm>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let result = match form.parse() {
        Ok((company, factor)) => {
            ctx.state
                .store
                .add_context_factor(&actor, company.as_ref(), factor)
                .await
        }
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(f) => Ok(Redirect::to(&format!("/risk/context/{}", f.id)).into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            list_page(&ctx, &actor, form, Some(message)).await
        }
    }
}

#[derive(Template)]
#[template(path = "risk_context_factor.html")]
struct ViewPage<'a> {
    chrome: Chrome<'a>,
    f: ContextFactorView,
    can_write: bool,
    kinds: Vec<(String, String)>,
    form: FactorForm,
    error: Option<String>,
}

fn parse_id(ctx: &Ctx, id: &str) -> Result<ContextFactorId, PageError> {
    id.parse().map_err(|_| ctx.fail(Failure::not_found()))
}

async fn view_page(
    ctx: &Ctx,
    actor: &Actor,
    id: ContextFactorId,
    form: Option<FactorForm>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let f = ctx
        .state
        .store
        .context_factor(actor, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ViewPage {
        chrome: Chrome::new(ctx, "risk"),
        can_write: may_write_context(actor, f.company) && !f.archived,
        kinds: kinds(ctx),
        form: form.unwrap_or_else(|| FactorForm::from_view(&f)),
        error,
        f,
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
    Form(form): Form<FactorForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let id = parse_id(&ctx, &id)?;
    let result = match form.parse() {
        Ok((_, factor)) => {
            ctx.state
                .store
                .change_context_factor(&actor, id, factor)
                .await
        }
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/risk/context/{id}")).into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            view_page(&ctx, &actor, id, Some(form), Some(message)).await
        }
    }
}

#[derive(Deserialize)]
pub struct ArchiveForm {
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn archive(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ArchiveForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let id = parse_id(&ctx, &id)?;
    match ctx
        .state
        .store
        .archive_context_factor(&actor, id, &form.reason)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/risk/context/{id}")).into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            view_page(&ctx, &actor, id, None, Some(message)).await
        }
    }
}

#[derive(Deserialize)]
pub struct CiteForm {
    /// The cited factors' ids, one field per ticked box.
    #[serde(default)]
    factor: Vec<String>,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// Sets which factors an assessment cites, from the ticked boxes on its page.
pub async fn cite(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<CiteForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let id: ArtifactVersionId = super::risk::load(&ctx, &actor, &id, Action::Write)
        .await?
        .id();
    let mut factors = Vec::new();
    for f in &form.factor {
        factors.push(parse_id(&ctx, f)?);
    }
    ctx.state
        .store
        .cite_context(&actor, id, &factors)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/risk/assessments/{id}#context")).into_response())
}
