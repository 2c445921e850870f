//! Role C after the fact on the web: the evaluation of an investment's effect, recorded
//! against an approved business case (the option carried out, one of its years). Its
//! document and approval are the investment_evaluation artifact's own page.

use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use kamae_core::Problem;
use kamae_core::access::{Action, Actor};
use kamae_store::business::BusinessCaseView;
use kamae_store::evaluation::{EffectRecord, EvaluationView};
use serde::Deserialize;

use super::forms::{Field, FormAt, form_at, saved_or_refused};
use crate::ctx::{Ctx, PageError, SignedIn};

#[derive(Deserialize, Default)]
pub struct EvaluationForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    option: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    actual_cost_yen: String,
    #[serde(default)]
    blocked_attacks: String,
    #[serde(default)]
    incidents: String,
    #[serde(default)]
    actual_loss_yen: String,
    #[serde(default)]
    note: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

impl EvaluationForm {
    fn from_record(r: &EffectRecord) -> EvaluationForm {
        EvaluationForm {
            option: r.option.clone(),
            year: r.year.clone(),
            actual_cost_yen: r.actual_cost_yen.to_string(),
            blocked_attacks: r.blocked_attacks.to_string(),
            incidents: r.incidents.to_string(),
            actual_loss_yen: r.actual_loss_yen.to_string(),
            note: r.note.clone(),
            ..EvaluationForm::default()
        }
    }

    /// The record, or every field that is not a whole number, named.
    fn parse(&self) -> Result<EffectRecord, Problem> {
        let mut problems = Vec::new();
        let mut number = |field: &str, text: &str| -> i64 {
            super::forms::whole_number(field, text).unwrap_or_else(|p| {
                problems.push(p);
                0
            })
        };
        let record = EffectRecord {
            option: self.option.trim().to_owned(),
            year: self.year.trim().to_owned(),
            actual_cost_yen: number("actual_cost_yen", &self.actual_cost_yen),
            blocked_attacks: number("blocked_attacks", &self.blocked_attacks),
            incidents: number("incidents", &self.incidents),
            actual_loss_yen: number("actual_loss_yen", &self.actual_loss_yen),
            note: self.note.trim().to_owned(),
        };
        match Problem::all("invalid_evaluation", &problems) {
            Some(p) => Err(p),
            None => Ok(record),
        }
    }
}

/// Where an evaluation form is: its title, where it posts and goes back to, the case's
/// options and years to choose from, and whether it asks for a title (a new evaluation).
struct EvaluationFormAt {
    at: FormAt,
    options: Vec<String>,
    years: Vec<String>,
    with_title: bool,
}

fn form_at_new(ctx: &Ctx, c: &BusinessCaseView) -> EvaluationFormAt {
    EvaluationFormAt {
        at: FormAt {
            title: ctx.t().get("evaluation.new").to_owned(),
            action: format!("/business-cases/{}/evaluations", c.id()),
            back: format!("/business-cases/{}", c.id()),
        },
        options: c.outcome.options.iter().map(|o| o.name.clone()).collect(),
        years: c.outcome.years.clone(),
        with_title: true,
    }
}

fn evaluation_form_page(
    ctx: &Ctx,
    at: EvaluationFormAt,
    form: EvaluationForm,
    error: Option<String>,
) -> Response {
    let t = ctx.t();
    let choices = |names: Vec<String>| names.into_iter().map(|n| (n.clone(), n)).collect();
    let mut fields = Vec::new();
    if at.with_title {
        fields.push(
            Field::new("title", t.get("business.case_title"), "text")
                .required()
                .value(form.title),
        );
    }
    fields.extend([
        Field::new("option", t.get("evaluation.option"), "select")
            .options(choices(at.options))
            .value(form.option),
        Field::new("year", t.get("evaluation.year"), "select")
            .options(choices(at.years))
            .value(form.year),
        Field::new("actual_cost_yen", t.get("evaluation.actual_cost"), "text")
            .required()
            .value(form.actual_cost_yen),
        Field::new(
            "blocked_attacks",
            t.get("evaluation.blocked_attacks"),
            "text",
        )
        .required()
        .value(form.blocked_attacks)
        .hint(t.get("evaluation.blocked_attacks_hint")),
        Field::new("incidents", t.get("evaluation.incidents"), "text")
            .required()
            .value(form.incidents),
        Field::new("actual_loss_yen", t.get("evaluation.actual_loss"), "text")
            .required()
            .value(form.actual_loss_yen),
        Field::new("note", t.get("evaluation.note"), "textarea").value(form.note),
    ]);
    form_at(ctx, "roles", at.at, fields, error, t.get("evaluation.save"))
}

/// After a save: the evaluation's document (its artifact page), or the form again with what
/// was typed and why it was refused.
fn evaluation_saved_or_refused(
    ctx: &Ctx,
    at: EvaluationFormAt,
    form: EvaluationForm,
    result: Result<EvaluationView, kamae_store::StoreError>,
) -> Result<Response, PageError> {
    saved_or_refused(
        ctx,
        result,
        |v| format!("/artifacts/{}", v.id()),
        |refused| evaluation_form_page(ctx, at, form, Some(refused)),
    )
}

async fn case_for_evaluation(
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
) -> Result<BusinessCaseView, PageError> {
    // Writing an evaluation at the case's scope is writing an artifact there, as writing the
    // case is: the same decision.
    super::business::load(ctx, actor, id, Action::Write).await
}

async fn load(ctx: &Ctx, actor: &Actor, id: &str) -> Result<EvaluationView, PageError> {
    super::risk::load_structured(
        ctx,
        actor,
        id,
        Action::Write,
        async |id| ctx.state.store.investment_evaluation(actor, id).await,
        |v: &EvaluationView| &v.version,
        Problem::new(
            "not_an_evaluation",
            "この成果物は文書として書かれていて、投資効果の記録がありません",
            "this artifact is written as a document and has no record of the effect",
        ),
    )
    .await
}

pub async fn new_form(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let c = case_for_evaluation(&ctx, &actor, &id).await?;
    Ok(evaluation_form_page(
        &ctx,
        form_at_new(&ctx, &c),
        EvaluationForm::default(),
        None,
    ))
}

pub async fn create(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<EvaluationForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let c = case_for_evaluation(&ctx, &actor, &id).await?;
    let result = match form.parse() {
        Ok(record) => {
            ctx.state
                .store
                .new_investment_evaluation(&actor, c.id(), &form.title, record)
                .await
        }
        Err(p) => Err(p.into()),
    };
    evaluation_saved_or_refused(&ctx, form_at_new(&ctx, &c), form, result)
}

async fn form_at_edit(
    ctx: &Ctx,
    actor: &Actor,
    v: &EvaluationView,
) -> Result<EvaluationFormAt, PageError> {
    let c = ctx
        .state
        .store
        .business_case(actor, v.case)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(EvaluationFormAt {
        at: FormAt {
            title: format!("{} — {}", ctx.t().get("evaluation.edit"), v.version.title),
            action: format!("/investment-evaluations/{}/edit", v.id()),
            back: format!("/artifacts/{}", v.id()),
        },
        options: c.outcome.options.iter().map(|o| o.name.clone()).collect(),
        years: c.outcome.years.clone(),
        with_title: false,
    })
}

pub async fn edit_form(s: SignedIn, Path(id): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let v = load(&ctx, &actor, &id).await?;
    let at = form_at_edit(&ctx, &actor, &v).await?;
    Ok(evaluation_form_page(
        &ctx,
        at,
        EvaluationForm::from_record(&v.record),
        None,
    ))
}

pub async fn save(
    s: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<EvaluationForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let v = load(&ctx, &actor, &id).await?;
    let result = match form.parse() {
        Ok(record) => {
            ctx.state
                .store
                .save_investment_evaluation(&actor, v.id(), record)
                .await
        }
        Err(p) => Err(p.into()),
    };
    let at = form_at_edit(&ctx, &actor, &v).await?;
    evaluation_saved_or_refused(&ctx, at, form, result)
}
