//! The standard as each company sees it, and the applicability agreement that decides it:
//! the overview of every company, one company's view, and the agreement's form and steps.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kamae_core::access::{Action, Actor, Decision, RecordKind, Resource, Scope, authorize};
use kamae_core::approval::ApprovalStep;
use kamae_core::rules::{Applies, Tier};
use kamae_core::text::Code;
use kamae_store::applicability::{
    AgreementDraft, AppliedItem, CompanyApplicability, CompanyStandard,
};
use serde::Deserialize;

use super::{Chrome, refusal, render};
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::error::Failure;

fn company_code(ctx: &Ctx, code: &str) -> Result<Code, PageError> {
    Code::parse(code).map_err(|_| ctx.fail(Failure::not_found()))
}

fn allowed(actor: &Actor, action: Action, view: &CompanyStandard) -> bool {
    authorize(
        actor,
        action,
        &Resource {
            group: actor.group(),
            kind: RecordKind::Applicability,
            scope: Scope::Company {
                company: view.company.id,
            },
        },
    ) == Decision::Allow
}

#[derive(Template)]
#[template(path = "standard_companies.html")]
struct OverviewPage<'a> {
    chrome: Chrome<'a>,
    companies: Vec<CompanyApplicability>,
}

pub async fn overview(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let companies = ctx
        .state
        .store
        .applicability_overview(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(render(&OverviewPage {
        chrome: Chrome::new(&ctx, "standard"),
        companies,
    }))
}

#[derive(Template)]
#[template(path = "standard_company.html")]
struct CompanyPage<'a> {
    chrome: Chrome<'a>,
    view: CompanyStandard,
    /// (heading, items) for binding, adopted, and the rest.
    sections: Vec<(&'static str, String, Vec<AppliedItem>)>,
    may_write: bool,
    may_decide: bool,
    own_submission: bool,
    /// Who decided the agreement in force, and who submitted the open one.
    decided_by: Option<String>,
    submitted_by: Option<String>,
}

pub async fn company(s: SignedIn, Path(code): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let code = company_code(&ctx, &code)?;
    let view = ctx
        .state
        .store
        .company_standard(&actor, &code)
        .await
        .map_err(|e| ctx.fail(e))?;
    let t = ctx.t();
    let names = ctx
        .state
        .store
        .user_labels(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let name = |id: Option<&String>| id.map(|i| names.get(i).cloned().unwrap_or_else(|| i.clone()));
    let mut sections: Vec<(&'static str, String, Vec<AppliedItem>)> = vec![
        ("binding", t.get("applicability.binding").to_owned(), vec![]),
        ("adopted", t.get("applicability.adopted").to_owned(), vec![]),
        (
            "not-applied",
            t.get("applicability.not_applied").to_owned(),
            vec![],
        ),
    ];
    for i in &view.items {
        let at = if i.applies.binding() {
            0
        } else if i.applies == Applies::Adopted {
            1
        } else {
            2
        };
        sections[at].2.push(i.clone());
    }
    let me = actor.user().map(|u| u.to_string());
    let page = CompanyPage {
        may_write: allowed(&actor, Action::Write, &view),
        may_decide: allowed(&actor, Action::Approve, &view),
        own_submission: view
            .open
            .as_ref()
            .is_some_and(|o| o.approval.submitted_by.is_some() && o.approval.submitted_by == me),
        decided_by: name(
            view.agreement
                .as_ref()
                .and_then(|a| a.approval.decided_by.as_ref()),
        ),
        submitted_by: name(
            view.open
                .as_ref()
                .and_then(|a| a.approval.submitted_by.as_ref()),
        ),
        chrome: Chrome::new(&ctx, "standard"),
        sections,
        view,
    };
    Ok(render(&page))
}

#[derive(Deserialize, Default)]
pub struct AgreementForm {
    #[serde(default)]
    mandatory: Vec<String>,
    #[serde(default)]
    adopted: Vec<String>,
    #[serde(default)]
    note: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

/// One choice on the form: (code, title, for whom the item is meant, checked).
type Choice = (String, String, String, bool);

#[derive(Template)]
#[template(path = "agreement_form.html")]
struct FormPage<'a> {
    chrome: Chrome<'a>,
    view: CompanyStandard,
    mandatory: Vec<Choice>,
    adopted: Vec<Choice>,
    note: String,
    error: Option<String>,
}

fn form_page(
    ctx: &Ctx,
    view: CompanyStandard,
    form: &AgreementForm,
    error: Option<String>,
) -> Response {
    let choices = |tier: Tier, chosen: &[String]| -> Vec<Choice> {
        view.items
            .iter()
            .filter(|i| i.item.tier == tier)
            .map(|i| {
                let code = i.item.code.to_string();
                let checked = chosen.contains(&code);
                (
                    code,
                    i.item.title.clone(),
                    i.item.applicability.clone().unwrap_or_default(),
                    checked,
                )
            })
            .collect()
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = FormPage {
        chrome: Chrome::new(ctx, "standard"),
        mandatory: choices(Tier::CompanyMandatory, &form.mandatory),
        adopted: choices(Tier::Recommended, &form.adopted),
        note: form.note.clone(),
        error,
        view,
    };
    (status, render(&page)).into_response()
}

async fn writable_view(
    ctx: &Ctx,
    actor: &Actor,
    code: &Code,
) -> Result<CompanyStandard, PageError> {
    let view = ctx
        .state
        .store
        .company_standard(actor, code)
        .await
        .map_err(|e| ctx.fail(e))?;
    if !allowed(actor, Action::Write, &view) {
        return Err(ctx.fail(Failure::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "この会社の適用範囲を変える権限がありません",
            "you may not change this company's applicability",
        )));
    }
    Ok(view)
}

pub async fn agreement_form(s: SignedIn, Path(code): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let code = company_code(&ctx, &code)?;
    let view = writable_view(&ctx, &actor, &code).await?;
    // The form starts from the agreement being drafted, else from the one in force.
    let start = view.open.as_ref().or(view.agreement.as_ref());
    let form = AgreementForm {
        mandatory: start
            .map(|a| a.choices.mandatory.clone())
            .unwrap_or_default(),
        adopted: start.map(|a| a.choices.adopted.clone()).unwrap_or_default(),
        note: start.map(|a| a.note.clone()).unwrap_or_default(),
        csrf: String::new(),
    };
    Ok(form_page(&ctx, view, &form, None))
}

pub async fn save_agreement(
    s: SignedIn,
    Path(code): Path<String>,
    Form(form): Form<AgreementForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let code = company_code(&ctx, &code)?;
    let view = writable_view(&ctx, &actor, &code).await?;
    let codes = |list: &[String]| -> Result<Vec<Code>, kamae_core::Problem> {
        list.iter().map(|c| Code::parse(c)).collect()
    };
    let draft = codes(&form.mandatory).and_then(|mandatory| {
        Ok(AgreementDraft {
            mandatory,
            adopted: codes(&form.adopted)?,
            note: form.note.clone(),
        })
    });
    let result = match draft {
        Ok(d) => ctx.state.store.save_agreement(&actor, &code, d).await,
        Err(p) => Err(p.into()),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/standard/companies/{code}#agreement")).into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            Ok(form_page(&ctx, view, &form, Some(message)))
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

pub async fn agreement_step(
    s: SignedIn,
    Path((code, step)): Path<(String, String)>,
    Form(form): Form<StepForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let code = company_code(&ctx, &code)?;
    let step = match step.as_str() {
        "submit" => ApprovalStep::Submit,
        "withdraw" => ApprovalStep::Withdraw,
        "approve" => ApprovalStep::Approve,
        "reject" => ApprovalStep::Reject {
            reason: &form.reason,
        },
        _ => return Err(ctx.fail(Failure::not_found())),
    };
    ctx.state
        .store
        .agreement_step(&actor, &code, step)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Redirect::to(&format!("/standard/companies/{code}#agreement")).into_response())
}
