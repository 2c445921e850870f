//! Advice to departments on the web: the list (follow-ups overdue first to the eye), one
//! request with its advice and follow-ups, and the form that records or changes it.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, Decision, Resource, Scope, authorize};
use kamae_core::calendar::parse_date;
use kamae_core::ids::AdviceId;
use kamae_core::rules::{DocumentRef, FollowUp, FollowUpStatus, RequestKind};
use kamae_core::text::Code;
use kamae_store::advice::{ADVICE, AdviceView, NewAdvice};
use serde::Deserialize;

use super::{Chrome, refusal, render};
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::error::Failure;

fn allowed(actor: &Actor, action: Action, a: &AdviceView) -> bool {
    authorize(
        actor,
        action,
        &Resource {
            group: actor.group(),
            kind: ADVICE,
            scope: Scope::Department {
                company: a.company,
                department: a.department,
            },
        },
    ) == Decision::Allow
}

fn parse_id(ctx: &Ctx, id: &str) -> Result<AdviceId, PageError> {
    id.parse().map_err(|_| ctx.fail(Failure::not_found()))
}

#[derive(Template)]
#[template(path = "advice_list.html")]
struct ListPage<'a> {
    chrome: Chrome<'a>,
    advice: Vec<AdviceView>,
}

pub async fn list(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let advice = ctx
        .state
        .store
        .advice_list(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(render(&ListPage {
        chrome: Chrome::new(&ctx, "advice"),
        advice,
    }))
}

#[derive(Template)]
#[template(path = "advice.html")]
struct ViewPage<'a> {
    chrome: Chrome<'a>,
    a: AdviceView,
    may_write: bool,
    today: chrono::NaiveDate,
    statuses: Vec<(&'static str, String)>,
    /// (code, title) of the items it touches, as the approved standard has them.
    items: Vec<(String, String)>,
}

pub async fn view(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let id = parse_id(&ctx, &id)?;
    let store = &ctx.state.store;
    let a = store.advice(&actor, id).await.map_err(|e| ctx.fail(e))?;
    let today = store.today(actor.group()).await.map_err(|e| ctx.fail(e))?;
    let titles = match store.current_standard(&actor).await {
        Ok(Some(s)) => s.items,
        Ok(None) | Err(kamae_store::StoreError::Problem(_)) => Vec::new(),
        Err(e) => return Err(ctx.fail(e)),
    };
    let items = a
        .items
        .iter()
        .map(|c| {
            let title = titles
                .iter()
                .find(|i| i.code.as_str() == c)
                .map(|i| i.title.clone())
                .unwrap_or_default();
            (c.clone(), title)
        })
        .collect();
    let t = ctx.t();
    let page = ViewPage {
        may_write: allowed(&actor, Action::Write, &a) && !a.archived,
        statuses: FollowUpStatus::ALL
            .iter()
            .map(|s| (s.as_str(), t.pick(s.label_ja(), s.label_en()).to_owned()))
            .collect(),
        chrome: Chrome::new(&ctx, "advice"),
        today,
        items,
        a,
    };
    Ok(render(&page))
}

#[derive(Deserialize, Default, Clone)]
pub struct AdviceForm {
    #[serde(default)]
    department: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    request: String,
    /// One document a line: `name | where it is kept`.
    #[serde(default)]
    documents: String,
    #[serde(default)]
    requested_on: String,
    #[serde(default)]
    advice: String,
    #[serde(default)]
    advised_on: String,
    /// Item codes, separated by commas or spaces.
    #[serde(default)]
    items: String,
    /// One risk a line.
    #[serde(default)]
    risks: String,
    /// One follow-up a line: `YYYY-MM-DD / owner / what`.
    #[serde(default)]
    follow_ups: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

impl AdviceForm {
    fn from_view(a: &AdviceView) -> AdviceForm {
        AdviceForm {
            department: a.department_code.clone(),
            kind: a.kind.as_str().to_owned(),
            title: a.title.clone(),
            request: a.request.clone(),
            documents: a
                .documents
                .iter()
                .map(|d| format!("{} | {}", d.title, d.location))
                .collect::<Vec<_>>()
                .join("\n"),
            requested_on: a.requested_on.to_string(),
            advice: a.advice.clone(),
            advised_on: a.advised_on.map(|d| d.to_string()).unwrap_or_default(),
            items: a.items.join(", "),
            risks: a.risks.join("\n"),
            follow_ups: a
                .follow_ups
                .iter()
                .map(|f| format!("{} / {} / {}", f.due_on, f.owner, f.what))
                .collect::<Vec<_>>()
                .join("\n"),
            csrf: String::new(),
        }
    }

    /// The form as a request to the store. Follow-ups already recorded keep their status and
    /// note when their line is unchanged.
    fn parse(&self, before: &[FollowUp]) -> Result<NewAdvice, Problem> {
        let mut ja = Vec::new();
        let mut en = Vec::new();
        let mut bad = |p: Problem| {
            ja.push(p.ja);
            en.push(p.en);
        };
        let department = Code::parse(&self.department).map_err(&mut bad).ok();
        let kind = RequestKind::parse(&self.kind).map_err(&mut bad).ok();
        let requested_on = parse_date(&self.requested_on).map_err(&mut bad).ok();
        let advised_on = match self.advised_on.trim() {
            "" => None,
            d => parse_date(d).map_err(&mut bad).ok(),
        };
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
        let documents = self
            .documents
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| {
                let (title, location) = l.split_once(['|', '｜']).unwrap_or((l, ""));
                DocumentRef {
                    title: title.trim().to_owned(),
                    location: location.trim().to_owned(),
                }
            })
            .collect();
        let follow_ups =
            super::forms::dated_lines(&self.follow_ups, ("フォローアップ", "follow-ups"), &mut bad)
                .into_iter()
                .map(|(due_on, owner, what)| {
                    let kept = before
                        .iter()
                        .find(|f| f.due_on == due_on && f.owner == owner && f.what == what);
                    FollowUp {
                        status: kept.map(|f| f.status).unwrap_or(FollowUpStatus::Open),
                        note: kept.map(|f| f.note.clone()).unwrap_or_default(),
                        what,
                        owner,
                        due_on,
                    }
                })
                .collect();
        match (department, kind, requested_on) {
            (Some(department), Some(kind), Some(requested_on)) if ja.is_empty() => Ok(NewAdvice {
                department,
                kind,
                title: self.title.clone(),
                request: self.request.clone(),
                documents,
                requested_on,
                advice: self.advice.clone(),
                advised_on,
                items,
                risks: self
                    .risks
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
                follow_ups,
            }),
            _ => Err(Problem::new("invalid_advice", ja.join("\n"), en.join("\n"))),
        }
    }
}

#[derive(Template)]
#[template(path = "advice_form.html")]
struct FormPage<'a> {
    chrome: Chrome<'a>,
    editing: Option<AdviceId>,
    form: AdviceForm,
    /// (code, "company — department") of the departments the writer may record advice for.
    departments: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    error: Option<String>,
}

async fn form_page(
    ctx: &Ctx,
    actor: &Actor,
    editing: Option<AdviceId>,
    form: AdviceForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let store = &ctx.state.store;
    let companies = store.companies(actor).await.map_err(|e| ctx.fail(e))?;
    let departments = store
        .departments(actor)
        .await
        .map_err(|e| ctx.fail(e))?
        .into_iter()
        .filter(|d| {
            authorize(
                actor,
                Action::Write,
                &Resource {
                    group: actor.group(),
                    kind: ADVICE,
                    scope: Scope::Department {
                        company: d.company,
                        department: d.id,
                    },
                },
            ) == Decision::Allow
        })
        .map(|d| {
            let company = companies
                .iter()
                .find(|c| c.id == d.company)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            (d.code.to_string(), format!("{company} — {}", d.name))
        })
        .collect();
    let kinds = RequestKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_owned(),
                t.pick(k.label_ja(), k.label_en()).to_owned(),
            )
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = FormPage {
        chrome: Chrome::new(ctx, "advice"),
        editing,
        form,
        departments,
        kinds,
        error,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn new_form(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let today = ctx
        .state
        .store
        .today(actor.group())
        .await
        .map_err(|e| ctx.fail(e))?;
    let form = AdviceForm {
        kind: RequestKind::NewItService.as_str().to_owned(),
        requested_on: today.to_string(),
        ..AdviceForm::default()
    };
    form_page(&ctx, &actor, None, form, None).await
}

pub async fn create(s: SignedIn, Form(form): Form<AdviceForm>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let result = match form.parse(&[]) {
        Ok(new) => ctx.state.store.record_advice(&actor, new).await,
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(a) => Ok(Redirect::to(&format!("/advice/{}", a.id)).into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            form_page(&ctx, &actor, None, form, Some(message)).await
        }
    }
}

async fn writable(ctx: &Ctx, actor: &Actor, id: AdviceId) -> Result<AdviceView, PageError> {
    let a = ctx
        .state
        .store
        .advice(actor, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    if !allowed(actor, Action::Write, &a) {
        return Err(ctx.fail(Failure::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "この助言を変更する権限がありません",
            "you may not change this advice",
        )));
    }
    Ok(a)
}

pub async fn edit_form(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let id = parse_id(&ctx, &id)?;
    let a = writable(&ctx, &actor, id).await?;
    form_page(&ctx, &actor, Some(id), AdviceForm::from_view(&a), None).await
}

pub async fn edit(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<AdviceForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let id = parse_id(&ctx, &id)?;
    let current = writable(&ctx, &actor, id).await?;
    let result = match form.parse(&current.follow_ups) {
        Ok(new) => ctx.state.store.edit_advice(&actor, id, new).await,
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(a) => Ok(Redirect::to(&format!("/advice/{}", a.id)).into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            form_page(&ctx, &actor, Some(id), form, Some(message)).await
        }
    }
}

#[derive(Deserialize)]
pub struct FollowUpForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn follow_up(
    s: SignedIn,
    Path((id, position)): Path<(String, usize)>,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let id = parse_id(&ctx, &id)?;
    let status = FollowUpStatus::parse(&form.status).map_err(|p| ctx.fail(p))?;
    ctx.state
        .store
        .set_follow_up(&actor, id, position, status, &form.note)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/advice/{id}#follow-ups")).into_response())
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
    ctx.state
        .store
        .archive_advice(&actor, id, &form.reason)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/advice/{id}")).into_response())
}
