//! Role C's case library on the web: public incidents that estimates cite, read by the whole
//! group and kept by the CISO office; a case is changed in place and archived with a reason.

use askama::Template;
use axum::Form;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kamae_core::Problem;
use kamae_core::access::{Action, RecordKind};
use kamae_core::calendar::parse_date;
use kamae_core::cases::IncidentCase;
use kamae_core::text::Code;
use serde::Deserialize;

use super::forms::{Field, FormAt, form_at, saved_or_refused};
use super::risk_report::{count, yen};
use super::standard::may;
use super::{Chrome, refusal, render};
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::i18n::Lang;

#[derive(Template)]
#[template(path = "cases.html")]
struct ListPage<'a> {
    chrome: Chrome<'a>,
    cases: Vec<IncidentCase>,
    can_write: bool,
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage<'a> {
    chrome: Chrome<'a>,
    c: IncidentCase,
    archived: bool,
    damage_yen: Option<String>,
    /// People affected, grouped as a reader writes a count.
    people: Option<String>,
    can_write: bool,
    error: Option<String>,
}

#[derive(Deserialize, Default)]
pub struct CaseForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    size: String,
    #[serde(default)]
    cause: String,
    #[serde(default)]
    damage: String,
    #[serde(default)]
    damage_yen: String,
    #[serde(default)]
    people: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    occurred_on: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

#[derive(Deserialize, Default)]
pub struct ArchiveForm {
    #[serde(default)]
    reason: String,
    #[serde(default, rename = "_csrf")]
    csrf: String,
}

impl CaseForm {
    fn from_case(c: &IncidentCase) -> CaseForm {
        CaseForm {
            code: c.code.to_string(),
            title: c.title.clone(),
            sector: c.sector.clone(),
            size: c.size.clone(),
            cause: c.cause.clone(),
            damage: c.damage.clone(),
            damage_yen: c.damage_yen.map(|y| y.to_string()).unwrap_or_default(),
            people: c.people.map(|p| p.to_string()).unwrap_or_default(),
            source: c.source.clone(),
            occurred_on: c.occurred_on.to_string(),
            csrf: String::new(),
        }
    }

    /// The case, or every field that does not read, named.
    fn parse(&self) -> Result<IncidentCase, Problem> {
        let mut problems = Vec::new();
        let mut amount = |field: &str, text: &str| -> Option<i64> {
            let t = text.trim().replace([',', '_'], "");
            if t.is_empty() {
                return None;
            }
            match t.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    problems.push(Problem::new(
                        "invalid_number",
                        format!("{field}: 整数で書いてください（{text:?}）"),
                        format!("{field}: write a whole number ({text:?})"),
                    ));
                    None
                }
            }
        };
        let damage_yen = amount("damage_yen", &self.damage_yen);
        let people = amount("people", &self.people);
        let code = Code::parse(&self.code).map_err(|p| p.at("code", "code"));
        let occurred_on =
            parse_date(&self.occurred_on).map_err(|p| p.at("occurred_on", "occurred_on"));
        for p in [code.as_ref().err(), occurred_on.as_ref().err()]
            .into_iter()
            .flatten()
        {
            problems.push(p.clone());
        }
        if let Some(p) = Problem::all("invalid_case", &problems) {
            return Err(p);
        }
        match (code, occurred_on) {
            (Ok(code), Ok(occurred_on)) => Ok(IncidentCase {
                code,
                title: self.title.trim().to_owned(),
                sector: self.sector.trim().to_owned(),
                size: self.size.trim().to_owned(),
                cause: self.cause.trim().to_owned(),
                damage: self.damage.trim().to_owned(),
                damage_yen,
                people,
                source: self.source.trim().to_owned(),
                occurred_on,
            }),
            (Err(p), _) | (_, Err(p)) => Err(p),
        }
    }
}

fn case_form_page(ctx: &Ctx, title: String, form: CaseForm, error: Option<String>) -> Response {
    let t = ctx.t();
    let fields = vec![
        Field::new("code", t.get("cases.code"), "text")
            .required()
            .value(form.code)
            .hint(t.get("cases.code_hint")),
        Field::new("title", t.get("cases.title_field"), "text")
            .required()
            .value(form.title),
        Field::new("occurred_on", t.get("cases.occurred_on"), "date")
            .required()
            .value(form.occurred_on),
        Field::new("sector", t.get("cases.sector"), "text")
            .required()
            .value(form.sector),
        Field::new("size", t.get("cases.size"), "text").value(form.size),
        Field::new("cause", t.get("cases.cause"), "textarea")
            .required()
            .value(form.cause),
        Field::new("damage", t.get("cases.damage"), "textarea")
            .required()
            .value(form.damage),
        Field::new("damage_yen", t.get("cases.damage_yen"), "text").value(form.damage_yen),
        Field::new("people", t.get("cases.people"), "text").value(form.people),
        Field::new("source", t.get("cases.source"), "textarea")
            .required()
            .value(form.source),
    ];
    let at = FormAt {
        title,
        action: "/cases".into(),
        back: "/cases".into(),
    };
    form_at(ctx, "roles", at, fields, error, t.get("cases.save"))
}

pub async fn list(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let cases = ctx
        .state
        .store
        .incident_cases(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(render(&ListPage {
        chrome: Chrome::new(&ctx, "roles"),
        cases,
        can_write: may(&actor, RecordKind::GroupReference, Action::Write),
    }))
}

async fn case_page(
    ctx: &Ctx,
    actor: &kamae_core::access::Actor,
    code: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    let (c, archived) = ctx
        .state
        .store
        .incident_case(actor, code)
        .await
        .map_err(|e| ctx.fail(e))?;
    let ja = ctx.lang == Lang::Ja;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = CasePage {
        chrome: Chrome::new(ctx, "roles"),
        damage_yen: c.damage_yen.map(|y| yen(ja, y)),
        people: c.people.map(count),
        c,
        archived,
        can_write: may(actor, RecordKind::GroupReference, Action::Write),
        error,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn show(s: SignedIn, Path(code): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    case_page(&ctx, &actor, &code, None).await
}

/// The library is group reference: only who may write that at the group's scope gets its
/// forms (the store decides again when they are sent).
fn may_keep_the_library(ctx: &Ctx, actor: &kamae_core::access::Actor) -> Result<(), PageError> {
    super::standard::require_at(
        ctx,
        actor,
        RecordKind::GroupReference,
        Action::Write,
        kamae_core::access::Scope::Group,
    )
}

pub async fn new_form(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    may_keep_the_library(&ctx, &actor)?;
    let title = ctx.t().get("cases.new").to_owned();
    Ok(case_form_page(&ctx, title, CaseForm::default(), None))
}

pub async fn edit_form(s: SignedIn, Path(code): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    may_keep_the_library(&ctx, &actor)?;
    let (c, _) = ctx
        .state
        .store
        .incident_case(&actor, &code)
        .await
        .map_err(|e| ctx.fail(e))?;
    let title = format!("{} — {}", ctx.t().get("cases.edit"), c.code);
    Ok(case_form_page(&ctx, title, CaseForm::from_case(&c), None))
}

pub async fn save(s: SignedIn, Form(form): Form<CaseForm>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    let result = match form.parse() {
        Ok(c) => ctx.state.store.save_incident_case(&actor, c).await,
        Err(p) => Err(p.into()),
    };
    saved_or_refused(
        &ctx,
        result,
        |c| format!("/cases/{}", c.code),
        |refused| {
            let title = ctx.t().get("cases.new").to_owned();
            case_form_page(&ctx, title, form, Some(refused))
        },
    )
}

pub async fn archive(
    s: SignedIn,
    Path(code): Path<String>,
    Form(form): Form<ArchiveForm>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    ctx.check_csrf(&form.csrf)?;
    match ctx
        .state
        .store
        .archive_incident_case(&actor, &code, &form.reason)
        .await
    {
        Ok(()) => Ok(Redirect::to("/cases").into_response()),
        Err(e) => {
            let message = refusal(&ctx, e)?;
            case_page(&ctx, &actor, &code, Some(message)).await
        }
    }
}
