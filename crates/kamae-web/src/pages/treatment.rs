//! Role E on the web: treatment plans — how each risk needing treatment is treated, the plan
//! through approval (on its artifact's page), progress on actions and the review.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, Decision, RecordKind, Resource, Scope, authorize};
use kamae_core::artifact::ArtifactKind;
use kamae_core::ids::ArtifactVersionId;
use kamae_core::risk::{ActionStatus, MatrixLevel, Treatment, TreatmentAction, TreatmentDecision};
use kamae_store::treatment::PlanView;
use serde::Deserialize;

use super::forms::dated_lines;
use super::{Chrome, refusal, render};
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::error::Failure;
use crate::i18n::Lang;

const PLAN: RecordKind = RecordKind::Artifact(ArtifactKind::RiskTreatmentPlan);

fn may_write(actor: &Actor, p: &PlanView) -> bool {
    authorize(
        actor,
        Action::Write,
        &Resource {
            group: actor.group(),
            kind: PLAN,
            scope: Scope::of_company(p.version.reference.company),
        },
    ) == Decision::Allow
}

#[derive(Deserialize)]
pub struct NewPlanForm {
    #[serde(default)]
    title: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// Starts the treatment plan of an approved assessment.
pub async fn create(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<NewPlanForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let a = super::risk::load(&ctx, &actor, &id, Action::Write).await?;
    let store = &ctx.state.store;
    let plan = store
        .new_treatment_plan(&actor, a.id(), &form.title)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/risk/plans/{}", plan.id())).into_response())
}

/// One risk of the plan as the page shows it.
pub struct PlanRow<'a> {
    pub code: &'a str,
    pub title: &'a str,
    pub owner: &'a str,
    pub level: Option<MatrixLevel>,
    pub treatment: Option<&'a Treatment>,
    /// The actions as the form writes them, one a line.
    pub lines: String,
}

#[derive(Template)]
#[template(path = "risk_plan.html")]
struct PlanPage<'a> {
    chrome: Chrome<'a>,
    p: &'a PlanView,
    ja: bool,
    rows: Vec<PlanRow<'a>>,
    decisions: Vec<(String, String)>,
    can_write: bool,
    editable: bool,
    approved: bool,
    error: Option<String>,
}

impl PlanPage<'_> {
    fn yen(&self, n: &i64) -> String {
        super::risk_report::yen(self.ja, *n)
    }
}

fn action_line(a: &TreatmentAction) -> String {
    match a.cost_yen {
        Some(c) => format!("{} / {} / {} / {c}", a.due_on, a.owner, a.what),
        None => format!("{} / {} / {}", a.due_on, a.owner, a.what),
    }
}

async fn plan_page(
    ctx: &Ctx,
    actor: &Actor,
    id: ArtifactVersionId,
    error: Option<String>,
) -> Result<Response, PageError> {
    let store = &ctx.state.store;
    let p = match store.treatment_plan(actor, id).await {
        Ok(p) => p,
        Err(e) if e.code() == "not_found" => {
            // A treatment plan written as a document: its own page shows it.
            store
                .artifact_version(actor, id)
                .await
                .map_err(|e| ctx.fail(e))?;
            return Ok(Redirect::to(&format!("/artifacts/{id}")).into_response());
        }
        Err(e) => return Err(ctx.fail(e)),
    };
    let a = store
        .assessment(actor, p.assessment)
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.t();
    let rows = p
        .risks
        .iter()
        .map(|r| PlanRow {
            code: r.risk.entry.code.as_str(),
            title: &r.risk.entry.title,
            owner: &r.risk.entry.owner,
            level: r
                .risk
                .evaluation
                .residual_level
                .or(r.risk.evaluation.inherent_level)
                .and_then(|l| a.criteria.matrix.risk.get(l).cloned()),
            treatment: r.treatment.as_ref(),
            lines: r
                .treatment
                .iter()
                .flat_map(|t| &t.actions)
                .map(action_line)
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect();
    let state = p.state().as_str();
    let page = PlanPage {
        chrome: Chrome::new(ctx, "risk"),
        ja: ctx.lang == Lang::Ja,
        rows,
        decisions: TreatmentDecision::ALL
            .iter()
            .map(|d| {
                (
                    d.as_str().to_owned(),
                    t.pick(d.label_ja(), d.label_en()).to_owned(),
                )
            })
            .collect(),
        can_write: may_write(actor, &p),
        editable: matches!(state, "draft" | "rejected"),
        approved: state == "approved",
        error: error.clone(),
        p: &p,
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

pub async fn plan(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let id = id.parse().map_err(|_| ctx.fail(Failure::not_found()))?;
    plan_page(&ctx, &actor, id, None).await
}

/// The plan an address names, for a change: a plan written as a plain document is refused
/// as such after its artifact's access decision.
async fn load(ctx: &Ctx, actor: &Actor, id: &str) -> Result<PlanView, PageError> {
    super::risk::load_structured(
        ctx,
        actor,
        id,
        Action::Write,
        async |id| ctx.state.store.treatment_plan(actor, id).await,
        |p: &PlanView| &p.version,
        Problem::new(
            "not_a_plan",
            "この成果物は文書として書かれていて、リスク対応の記録がありません",
            "this artifact is written as a document and has no treatments",
        ),
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct TreatmentForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    accepted_by: String,
    #[serde(default)]
    note: String,
    /// One action a line: `YYYY-MM-DD / owner / what [/ cost in yen]`.
    #[serde(default)]
    actions: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

fn parse_treatment(code: &str, form: &TreatmentForm) -> Result<Treatment, Problem> {
    let mut ja = Vec::new();
    let mut en = Vec::new();
    let mut bad = |p: Problem| {
        ja.push(p.ja);
        en.push(p.en);
    };
    let decision = TreatmentDecision::parse(&form.decision)
        .map_err(&mut bad)
        .ok();
    let mut actions = Vec::new();
    for (due_on, owner, rest) in dated_lines(&form.actions, ("対応", "actions"), &mut bad) {
        // A last part that is a number is the cost in yen.
        let (what, cost_yen) = match rest.rsplit_once(['/', '／']) {
            Some((what, cost)) => match cost
                .trim()
                .replace([',', '_', '¥', '円'], "")
                .parse::<i64>()
            {
                Ok(c) => (what.trim().to_owned(), Some(c)),
                Err(_) => (rest.clone(), None),
            },
            None => (rest.clone(), None),
        };
        actions.push(TreatmentAction {
            what,
            owner,
            due_on,
            cost_yen,
            status: ActionStatus::Open,
            done_on: None,
            note: String::new(),
        });
    }
    match decision {
        Some(decision) if ja.is_empty() => Ok(Treatment {
            risk: code.to_owned(),
            decision,
            note: form.note.clone(),
            accepted_by: form.accepted_by.clone(),
            actions,
        }),
        _ => Err(Problem::new(
            "invalid_treatment",
            ja.join("\n"),
            en.join("\n"),
        )),
    }
}

pub async fn save_treatment(
    s: SignedIn,
    Path((id, code)): Path<(String, String)>,
    Form(form): Form<TreatmentForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let p = load(&ctx, &actor, &id).await?;
    let result = match parse_treatment(&code, &form) {
        Ok(t) => ctx.state.store.save_treatment(&actor, p.id(), t).await,
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/risk/plans/{}#treat-{code}", p.id())).into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            plan_page(&ctx, &actor, p.id(), Some(message)).await
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ProgressForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn action_progress(
    s: SignedIn,
    Path((id, code, n)): Path<(String, String, usize)>,
    Form(form): Form<ProgressForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let p = load(&ctx, &actor, &id).await?;
    let status = ActionStatus::parse(&form.status).map_err(|e| ctx.fail(e))?;
    ctx.state
        .store
        .set_action_status(&actor, p.id(), &code, n, status, &form.note)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/risk/plans/{}#treat-{code}", p.id())).into_response())
}

#[derive(Deserialize, Default)]
pub struct ReviewForm {
    #[serde(default)]
    worked: String,
    #[serde(default)]
    carry_over: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

pub async fn review(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let p = load(&ctx, &actor, &id).await?;
    match ctx
        .state
        .store
        .review_plan(&actor, p.id(), &form.worked, &form.carry_over)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/risk/plans/{}#review", p.id())).into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            plan_page(&ctx, &actor, p.id(), Some(message)).await
        }
    }
}
