//! Exceptions and transitional measures on the web: the lists of whoever must act, one
//! exception with its approval and plan, and the form that writes or changes one.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, Decision, RecordKind, Resource, Scope, authorize};
use kamae_core::calendar::parse_date;
use kamae_core::ids::ExceptionId;
use kamae_core::rules::{ExceptionKind, ExceptionList, Milestone, Tier};
use kamae_core::text::Code;
use kamae_store::exceptions::{ExceptionView, NewException};
use serde::Deserialize;

use super::{Chrome, refusal, render};
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::error::Failure;
use crate::i18n::T;

fn allowed(actor: &Actor, action: Action, e: &ExceptionView) -> bool {
    authorize(
        actor,
        action,
        &Resource {
            group: actor.group(),
            kind: RecordKind::Exception {
                group_mandatory: e.group_mandatory,
            },
            scope: Scope::Company { company: e.company },
        },
    ) == Decision::Allow
}

pub fn list_label<'a>(t: &T<'a>, l: ExceptionList) -> &'a str {
    match l {
        ExceptionList::Within30 => t.get("exception.list.within_30"),
        ExceptionList::Within60 => t.get("exception.list.within_60"),
        ExceptionList::Within90 => t.get("exception.list.within_90"),
        ExceptionList::Expired => t.get("exception.list.expired"),
        ExceptionList::WithoutPlan => t.get("exception.list.without_plan"),
        ExceptionList::MilestonesOverdue => t.get("exception.list.milestones_overdue"),
    }
}

/// (list, its label, how many are on it)
pub type ListCount = (&'static str, String, usize);

pub fn list_counts(t: &T, all: &[ExceptionView]) -> Vec<ListCount> {
    ExceptionList::ALL
        .iter()
        .map(|l| {
            (
                l.as_str(),
                list_label(t, *l).to_owned(),
                all.iter().filter(|e| e.lists.contains(l)).count(),
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "exceptions.html")]
struct ListPage<'a> {
    chrome: Chrome<'a>,
    exceptions: Vec<ExceptionView>,
    counts: Vec<ListCount>,
    list: String,
    list_label: String,
    can_write: bool,
}

#[derive(Deserialize)]
pub struct ListQuery {
    list: Option<String>,
}

pub async fn list(s: SignedIn, Query(q): Query<ListQuery>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let all = ctx
        .state
        .store
        .exceptions(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.t();
    let chosen = match q.list.as_deref().filter(|l| !l.is_empty()) {
        Some(l) => Some(ExceptionList::parse(l).map_err(|e| ctx.fail(e))?),
        None => None,
    };
    let counts = list_counts(&t, &all);
    let exceptions = match chosen {
        Some(l) => all.into_iter().filter(|e| e.lists.contains(&l)).collect(),
        None => all,
    };
    let page = ListPage {
        list: chosen.map(|l| l.as_str().to_owned()).unwrap_or_default(),
        list_label: chosen
            .map(|l| list_label(&t, l).to_owned())
            .unwrap_or_default(),
        can_write: may_write_somewhere(&actor),
        chrome: Chrome::new(&ctx, "exceptions"),
        exceptions,
        counts,
    };
    Ok(render(&page))
}

/// Whether the actor may write an exception at some company (a company or group grant with
/// write on the artifacts column).
fn may_write_somewhere(actor: &Actor) -> bool {
    match actor {
        Actor::System { .. } => true,
        Actor::User(p) => p.active_grants().any(|g| {
            matches!(g.scope, Scope::Group | Scope::Company { .. })
                && kamae_core::access::permits(g.role, kamae_core::access::MatrixColumn::Artifacts)
                    .contains('W')
        }),
    }
}

#[derive(Template)]
#[template(path = "exception.html")]
struct ViewPage<'a> {
    chrome: Chrome<'a>,
    e: ExceptionView,
    may_write: bool,
    may_decide: bool,
    own_submission: bool,
    lists: Vec<String>,
    accepted_by: Option<String>,
    submitted_by: Option<String>,
}

fn parse_id(ctx: &Ctx, id: &str) -> Result<ExceptionId, PageError> {
    id.parse().map_err(|_| ctx.fail(Failure::not_found()))
}

pub async fn view(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let id = parse_id(&ctx, &id)?;
    let e = ctx
        .state
        .store
        .exception(&actor, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.t();
    let me = actor.user().map(|u| u.to_string());
    let names = ctx
        .state
        .store
        .user_labels(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let name = |id: &Option<String>| {
        id.as_ref()
            .map(|i| names.get(i).cloned().unwrap_or_else(|| i.clone()))
    };
    let page = ViewPage {
        may_write: allowed(&actor, Action::Write, &e) && !e.archived,
        may_decide: allowed(&actor, Action::Approve, &e),
        own_submission: e.approval.submitted_by.is_some() && e.approval.submitted_by == me,
        lists: e
            .lists
            .iter()
            .map(|l| list_label(&t, *l).to_owned())
            .collect(),
        accepted_by: name(&e.accepted_by().map(str::to_owned)),
        submitted_by: name(&e.approval.submitted_by),
        chrome: Chrome::new(&ctx, "exceptions"),
        e,
    };
    Ok(render(&page))
}

#[derive(Deserialize, Default, Clone)]
pub struct ExceptionForm {
    #[serde(default)]
    company: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    items: Vec<String>,
    #[serde(default)]
    sites: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    compensating: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    expires_on: String,
    /// One milestone a line: `YYYY-MM-DD / owner / what`.
    #[serde(default)]
    plan: String,
    #[serde(default)]
    renews: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

impl ExceptionForm {
    fn from_view(e: &ExceptionView) -> ExceptionForm {
        ExceptionForm {
            company: e.company_code.clone(),
            kind: e.kind.as_str().to_owned(),
            title: e.title.clone(),
            items: e.items.iter().map(|i| i.code.clone()).collect(),
            sites: e
                .sites
                .iter()
                .map(|s| s.0.clone())
                .collect::<Vec<_>>()
                .join(", "),
            reason: e.reason.clone(),
            compensating: e.compensating.clone(),
            starts_on: e.starts_on.to_string(),
            expires_on: e.expires_on.to_string(),
            plan: e
                .milestones
                .iter()
                .map(|m| format!("{} / {} / {}", m.due_on, m.owner, m.what))
                .collect::<Vec<_>>()
                .join("\n"),
            renews: e.renews.map(|r| r.to_string()).unwrap_or_default(),
            csrf: String::new(),
        }
    }

    /// The form as a request to the store; each problem names its field.
    fn parse(&self) -> Result<NewException, Problem> {
        let mut ja = Vec::new();
        let mut en = Vec::new();
        let mut bad = |p: Problem| {
            ja.push(p.ja);
            en.push(p.en);
        };
        let company = Code::parse(&self.company).map_err(&mut bad).ok();
        let kind = ExceptionKind::parse(&self.kind).map_err(&mut bad).ok();
        let mut items = Vec::new();
        for i in &self.items {
            match Code::parse(i) {
                Ok(c) => items.push(c),
                Err(p) => bad(p),
            }
        }
        let mut sites = Vec::new();
        for s in self
            .sites
            .split([',', '、', ' ', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            match Code::parse(s) {
                Ok(c) => sites.push(c),
                Err(p) => bad(p),
            }
        }
        let starts_on = parse_date(&self.starts_on).map_err(&mut bad).ok();
        let expires_on = parse_date(&self.expires_on).map_err(&mut bad).ok();
        let milestones = super::forms::dated_lines(&self.plan, ("移行計画", "plan"), &mut bad)
            .into_iter()
            .map(|(due_on, owner, what)| Milestone {
                what,
                owner,
                due_on,
                done_on: None,
            })
            .collect();
        let renews = match self.renews.trim() {
            "" => None,
            r => r.parse().map_err(&mut bad).ok(),
        };
        match (company, kind, starts_on, expires_on) {
            (Some(company), Some(kind), Some(starts_on), Some(expires_on)) if ja.is_empty() => {
                Ok(NewException {
                    company,
                    kind,
                    title: self.title.clone(),
                    items,
                    sites,
                    reason: self.reason.clone(),
                    compensating: self.compensating.clone(),
                    starts_on,
                    expires_on,
                    milestones,
                    renews,
                })
            }
            _ => Err(Problem::new(
                "invalid_exception",
                ja.join("\n"),
                en.join("\n"),
            )),
        }
    }
}

#[derive(Template)]
#[template(path = "exception_form.html")]
struct FormPage<'a> {
    chrome: Chrome<'a>,
    editing: Option<ExceptionId>,
    form: ExceptionForm,
    companies: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
    /// (code, tier letter, title, checked)
    items: Vec<(String, char, String, bool)>,
    error: Option<String>,
}

async fn form_page(
    ctx: &Ctx,
    actor: &Actor,
    editing: Option<ExceptionId>,
    form: ExceptionForm,
    error: Option<String>,
) -> Result<Response, PageError> {
    let t = ctx.t();
    let companies = match ctx.state.store.companies(actor).await {
        Ok(list) => list
            .into_iter()
            .map(|c| (c.code.to_string(), c.name))
            .collect(),
        // Nobody's companies to offer: the form says so by being empty.
        Err(kamae_store::StoreError::Problem(_)) => Vec::new(),
        Err(e) => return Err(ctx.fail(e)),
    };
    // Someone who may not read the standard gets an empty list of items, not an error.
    let standard = match ctx.state.store.current_standard(actor).await {
        Ok(s) => s,
        Err(kamae_store::StoreError::Problem(_)) => None,
        Err(e) => return Err(ctx.fail(e)),
    };
    let items = standard
        .map(|s| s.items)
        .unwrap_or_default()
        .into_iter()
        .filter(|i| i.tier != Tier::Recommended)
        .map(|i| {
            let code = i.code.to_string();
            let checked = form.items.contains(&code);
            (code, i.tier.letter(), i.title, checked)
        })
        .collect();
    let kinds = ExceptionKind::ALL
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
        chrome: Chrome::new(ctx, "exceptions"),
        editing,
        form,
        companies,
        kinds,
        items,
        error,
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    renews: Option<String>,
}

pub async fn new_form(s: SignedIn, Query(q): Query<NewQuery>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let mut form = ExceptionForm {
        kind: "transitional".into(),
        ..ExceptionForm::default()
    };
    // A renewal starts from the exception it continues, from its expiry on.
    if let Some(r) = q
        .renews
        .as_deref()
        .and_then(|r| r.parse::<ExceptionId>().ok())
    {
        let old = ctx
            .state
            .store
            .exception(&actor, r)
            .await
            .map_err(|e| ctx.fail(e))?;
        form = ExceptionForm::from_view(&old);
        form.renews = r.to_string();
        form.starts_on = (old.expires_on + chrono::Duration::days(1)).to_string();
        form.expires_on = String::new();
    }
    form_page(&ctx, &actor, None, form, None).await
}

fn not_allowed(ctx: &Ctx) -> PageError {
    ctx.fail(Failure::new(
        StatusCode::FORBIDDEN,
        "forbidden",
        "この例外を記録・変更する権限がありません",
        "you may not record or change this exception",
    ))
}

pub async fn create(s: SignedIn, Form(form): Form<ExceptionForm>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let result = match form.parse() {
        Ok(new) => ctx.state.store.draft_exception(&actor, new).await,
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(e) => Ok(Redirect::to(&format!("/exceptions/{}", e.id)).into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            form_page(&ctx, &actor, None, form, Some(message)).await
        }
    }
}

pub async fn edit_form(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let id = parse_id(&ctx, &id)?;
    let e = ctx
        .state
        .store
        .exception(&actor, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    if !allowed(&actor, Action::Write, &e) {
        return Err(not_allowed(&ctx));
    }
    form_page(&ctx, &actor, Some(id), ExceptionForm::from_view(&e), None).await
}

pub async fn edit(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ExceptionForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let id = parse_id(&ctx, &id)?;
    let current = ctx
        .state
        .store
        .exception(&actor, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    if !allowed(&actor, Action::Write, &current) {
        return Err(not_allowed(&ctx));
    }
    let result = match form.parse() {
        Ok(new) => ctx.state.store.edit_exception(&actor, id, new).await,
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(e) => Ok(Redirect::to(&format!("/exceptions/{}", e.id)).into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            form_page(&ctx, &actor, Some(id), form, Some(message)).await
        }
    }
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    reason: String,
    /// For a milestone: the date it was done (empty: not done after all).
    #[serde(default)]
    done_on: String,
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
        "submit" => store.submit_exception(&actor, id).await.map(|_| ()),
        "withdraw" => store.withdraw_exception(&actor, id).await.map(|_| ()),
        "approve" => store.approve_exception(&actor, id).await.map(|_| ()),
        "reject" => store
            .reject_exception(&actor, id, &form.reason)
            .await
            .map(|_| ()),
        "archive" => store.archive_exception(&actor, id, &form.reason).await,
        _ => return Err(ctx.fail(Failure::not_found())),
    };
    result.map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/exceptions/{id}")).into_response())
}

pub async fn milestone(
    s: SignedIn,
    Path((id, position)): Path<(String, usize)>,
    Form(form): Form<StepForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let id = parse_id(&ctx, &id)?;
    let done_on = match form.done_on.trim() {
        "" => None,
        d => Some(parse_date(d).map_err(|e| ctx.fail(e))?),
    };
    ctx.state
        .store
        .record_milestone(&actor, id, position, done_on)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/exceptions/{id}#plan")).into_response())
}
