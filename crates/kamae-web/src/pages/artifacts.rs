//! The twelve artifacts as documents: list, write, edit, submit, approve or reject, compare
//! versions; and the approvals inbox.

use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kamae_core::access::{Action, Actor, Decision, RecordKind, Resource, Scope, authorize};
use kamae_core::artifact::ArtifactKind;
use kamae_core::ids::{ArtifactVersionId, CompanyId};
use kamae_core::text::Code;
use kamae_store::artifact::{ArtifactSummary, ArtifactVersion, NewArtifactDraft, VersionSummary};
use serde::Deserialize;

use super::{Chrome, render};
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::error::Failure;
use crate::render::{DiffLine, line_diff, markdown};

pub fn may(actor: &Actor, action: Action, kind: ArtifactKind, company: Option<CompanyId>) -> bool {
    let scope = match company {
        Some(company) => Scope::Company { company },
        None => Scope::Group,
    };
    authorize(
        actor,
        action,
        &Resource {
            group: actor.group(),
            kind: RecordKind::Artifact(kind),
            scope,
        },
    ) == Decision::Allow
}

fn parse_id(ctx: &Ctx, id: &str) -> Result<ArtifactVersionId, PageError> {
    id.parse().map_err(|_| ctx.fail(Failure::not_found()))
}

#[derive(Template)]
#[template(path = "artifacts.html")]
struct ListPage<'a> {
    chrome: Chrome<'a>,
    artifacts: Vec<ArtifactSummary>,
    kinds: Vec<(String, String, char)>,
}

fn kind_options(ctx: &Ctx) -> Vec<(String, String, char)> {
    let t = ctx.t();
    ArtifactKind::ALL
        .iter()
        .map(|k| {
            (
                k.as_str().to_owned(),
                t.pick(k.label_ja(), k.label_en()).to_owned(),
                k.role().letter(),
            )
        })
        .collect()
}

pub async fn list(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let artifacts = ctx
        .state
        .store
        .artifacts(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = ListPage {
        kinds: kind_options(&ctx),
        chrome: Chrome::new(&ctx, "artifacts"),
        artifacts,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "artifact_form.html")]
struct FormPage<'a> {
    chrome: Chrome<'a>,
    /// The version being edited, or none for a new draft.
    editing: Option<ArtifactVersion>,
    kind: String,
    kind_label: String,
    company: String,
    companies: Vec<(String, String)>,
    title: String,
    body: String,
    /// Approved versions this one may be made from: (id, label, checked).
    candidates: Vec<(String, String, bool)>,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    kind: Option<String>,
    company: Option<String>,
}

/// The approved versions the actor sees of the kinds that feed `kind` (figure 1-3).
async fn candidates(
    ctx: &Ctx,
    actor: &Actor,
    kind: ArtifactKind,
    checked: &[ArtifactVersionId],
) -> Result<Vec<(String, String, bool)>, PageError> {
    let t = ctx.t();
    let all = ctx
        .state
        .store
        .artifacts(actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(all
        .into_iter()
        .filter(|a| kind.may_use(a.kind))
        .filter_map(|a| {
            a.current
                .clone()
                .map(|c| (c, a.current_title.clone().unwrap_or_default()))
        })
        .map(|(c, title)| {
            let label = format!("{} — {title}", t.pick(&c.label_ja(), &c.label_en()));
            (c.version.to_string(), label, checked.contains(&c.version))
        })
        .collect())
}

pub async fn new_form(s: SignedIn, Query(q): Query<NewQuery>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let Some(kind) = q.kind.as_deref().and_then(|k| ArtifactKind::parse(k).ok()) else {
        return Ok(Redirect::to("/artifacts").into_response());
    };
    let companies = ctx
        .state
        .store
        .companies(&actor)
        .await
        .map_err(|e| ctx.fail(e))?
        .into_iter()
        .filter(|c| may(&actor, Action::Write, kind, Some(c.id)))
        .map(|c| (c.code.to_string(), c.name))
        .collect();
    let t = ctx.t();
    let page = FormPage {
        editing: None,
        kind: kind.as_str().to_owned(),
        kind_label: t.pick(kind.label_ja(), kind.label_en()).to_owned(),
        company: q.company.unwrap_or_default(),
        companies,
        title: String::new(),
        body: String::new(),
        candidates: candidates(&ctx, &actor, kind, &[]).await?,
        error: None,
        chrome: Chrome::new(&ctx, "artifacts"),
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct DraftForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    from: Vec<String>,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

fn version_ids(list: &[String]) -> Vec<ArtifactVersionId> {
    list.iter().filter_map(|i| i.parse().ok()).collect()
}

pub async fn create(s: SignedIn, Form(form): Form<DraftForm>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let kind = ArtifactKind::parse(&form.kind).map_err(|e| ctx.fail(e))?;
    let company = match form.company.trim() {
        "" => None,
        c => Some(Code::parse(c).map_err(|e| ctx.fail(e))?),
    };
    let inputs = version_ids(&form.from);
    let result = ctx
        .state
        .store
        .draft_artifact(
            &actor,
            NewArtifactDraft {
                kind,
                company,
                title: form.title.clone(),
                body: form.body.clone(),
                inputs: inputs.clone(),
            },
        )
        .await;
    match result {
        Ok(v) => Ok(Redirect::to(&format!("/artifacts/{}", v.reference.version)).into_response()),
        Err(e) => {
            // The form comes back with what was typed and the message: nothing is lost.
            let f: Failure = e.into();
            if f.status == axum::http::StatusCode::NOT_FOUND {
                return Err(ctx.fail(f));
            }
            let t = ctx.t();
            let companies = ctx
                .state
                .store
                .companies(&actor)
                .await
                .map_err(|e| ctx.fail(e))?
                .into_iter()
                .map(|c| (c.code.to_string(), c.name))
                .collect();
            let page = FormPage {
                editing: None,
                kind: kind.as_str().to_owned(),
                kind_label: t.pick(kind.label_ja(), kind.label_en()).to_owned(),
                company: form.company.clone(),
                companies,
                title: form.title.clone(),
                body: form.body.clone(),
                candidates: candidates(&ctx, &actor, kind, &inputs).await?,
                error: Some(f.message(ctx.lang).to_owned()),
                chrome: Chrome::new(&ctx, "artifacts"),
            };
            Ok((f.status, render(&page)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "artifact.html")]
struct VersionPage<'a> {
    chrome: Chrome<'a>,
    v: ArtifactVersion,
    body_html: String,
    versions: Vec<VersionSummary>,
    previous: Option<String>,
    may_write: bool,
    may_decide: bool,
    own_submission: bool,
    submitted_by: Option<String>,
    decided_by: Option<String>,
}

pub async fn view(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let id = parse_id(&ctx, &id)?;
    let store = &ctx.state.store;
    let v = store
        .artifact_version(&actor, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let versions = store
        .series_versions(&actor, v.reference.series)
        .await
        .map_err(|e| ctx.fail(e))?;
    let previous = versions
        .iter()
        .find(|x| x.reference.number < v.reference.number)
        .map(|x| x.reference.version.to_string());
    let me = actor.user().map(|u| u.to_string());
    let own_submission = v.approval.submitted_by.is_some() && v.approval.submitted_by == me;
    let users = store.user_labels(&actor).await.map_err(|e| ctx.fail(e))?;
    let label = |id: &Option<String>| {
        id.as_ref()
            .map(|i| users.get(i).cloned().unwrap_or_else(|| i.clone()))
    };
    let page = VersionPage {
        body_html: markdown(&v.body),
        may_write: may(&actor, Action::Write, v.reference.kind, v.reference.company),
        may_decide: may(
            &actor,
            Action::Approve,
            v.reference.kind,
            v.reference.company,
        ),
        own_submission,
        submitted_by: label(&v.approval.submitted_by),
        decided_by: label(&v.approval.decided_by),
        previous,
        versions,
        v,
        chrome: Chrome::new(&ctx, "artifacts"),
    };
    Ok(render(&page))
}

pub async fn edit_form(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let id = parse_id(&ctx, &id)?;
    let v = ctx
        .state
        .store
        .artifact_version(&actor, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    if !may(&actor, Action::Write, v.reference.kind, v.reference.company) {
        return Err(ctx.fail(Failure::new(
            axum::http::StatusCode::FORBIDDEN,
            "forbidden",
            "この成果物を編集する権限がありません",
            "you may not edit this artifact",
        )));
    }
    let t = ctx.t();
    let checked: Vec<ArtifactVersionId> = v.inputs.iter().map(|i| i.version).collect();
    let page = FormPage {
        kind: v.reference.kind.as_str().to_owned(),
        kind_label: t
            .pick(v.reference.kind.label_ja(), v.reference.kind.label_en())
            .to_owned(),
        company: v.reference.company_code.clone().unwrap_or_default(),
        companies: Vec::new(),
        title: v.title.clone(),
        body: v.body.clone(),
        candidates: candidates(&ctx, &actor, v.reference.kind, &checked).await?,
        error: None,
        editing: Some(v),
        chrome: Chrome::new(&ctx, "artifacts"),
    };
    Ok(render(&page))
}

pub async fn edit(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<DraftForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let id = parse_id(&ctx, &id)?;
    let inputs = version_ids(&form.from);
    match ctx
        .state
        .store
        .edit_artifact(&actor, id, &form.title, &form.body, &inputs)
        .await
    {
        Ok(v) => Ok(Redirect::to(&format!("/artifacts/{}", v.reference.version)).into_response()),
        Err(e) => {
            let f: Failure = e.into();
            let v = ctx
                .state
                .store
                .artifact_version(&actor, id)
                .await
                .map_err(|e| ctx.fail(e))?;
            let t = ctx.t();
            let page = FormPage {
                kind: v.reference.kind.as_str().to_owned(),
                kind_label: t
                    .pick(v.reference.kind.label_ja(), v.reference.kind.label_en())
                    .to_owned(),
                company: v.reference.company_code.clone().unwrap_or_default(),
                companies: Vec::new(),
                title: form.title.clone(),
                body: form.body.clone(),
                candidates: candidates(&ctx, &actor, v.reference.kind, &inputs).await?,
                error: Some(f.message(ctx.lang).to_owned()),
                editing: Some(v),
                chrome: Chrome::new(&ctx, "artifacts"),
            };
            Ok((f.status, render(&page)).into_response())
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
        "submit" => store.submit_artifact(&actor, id).await,
        "withdraw" => store.withdraw_artifact(&actor, id).await,
        "approve" => store.approve_artifact(&actor, id).await,
        "reject" => store.reject_artifact(&actor, id, &form.reason).await,
        _ => return Err(ctx.fail(Failure::not_found())),
    };
    result.map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/artifacts/{id}")).into_response())
}

#[derive(Template)]
#[template(path = "diff.html")]
struct DiffPage<'a> {
    chrome: Chrome<'a>,
    old: ArtifactVersion,
    new: ArtifactVersion,
    title_changed: bool,
    lines: Vec<DiffLine>,
    inputs_added: Vec<String>,
    inputs_removed: Vec<String>,
}

#[derive(Deserialize)]
pub struct DiffQuery {
    against: Option<String>,
}

pub async fn diff(
    s: SignedIn,
    Path(id): Path<String>,
    Query(q): Query<DiffQuery>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let id = parse_id(&ctx, &id)?;
    let store = &ctx.state.store;
    let new = store
        .artifact_version(&actor, id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let against = match q.against.as_deref() {
        Some(a) => parse_id(&ctx, a)?,
        None => {
            let versions = store
                .series_versions(&actor, new.reference.series)
                .await
                .map_err(|e| ctx.fail(e))?;
            versions
                .iter()
                .find(|x| x.reference.number < new.reference.number)
                .map(|x| x.reference.version)
                .ok_or_else(|| ctx.fail(Failure::not_found()))?
        }
    };
    let old = store
        .artifact_version(&actor, against)
        .await
        .map_err(|e| ctx.fail(e))?;
    if old.reference.series != new.reference.series {
        return Err(ctx.fail(Failure::not_found()));
    }
    let t = ctx.t();
    let label =
        |r: &kamae_store::artifact::VersionRef| t.pick(&r.label_ja(), &r.label_en()).to_owned();
    let inputs_added = new
        .inputs
        .iter()
        .filter(|i| !old.inputs.iter().any(|o| o.version == i.version))
        .map(label)
        .collect();
    let inputs_removed = old
        .inputs
        .iter()
        .filter(|i| !new.inputs.iter().any(|o| o.version == i.version))
        .map(label)
        .collect();
    let page = DiffPage {
        title_changed: old.title != new.title,
        lines: line_diff(&old.body, &new.body),
        inputs_added,
        inputs_removed,
        old,
        new,
        chrome: Chrome::new(&ctx, "artifacts"),
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "approvals.html")]
struct InboxPage<'a> {
    chrome: Chrome<'a>,
    inbox: Vec<ArtifactSummary>,
}

pub async fn inbox(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let inbox = ctx
        .state
        .store
        .approvals_inbox(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = InboxPage {
        chrome: Chrome::new(&ctx, "approvals"),
        inbox,
    };
    Ok(render(&page))
}
