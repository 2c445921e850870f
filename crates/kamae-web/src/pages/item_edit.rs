//! Editing the standard one item at a time (the CISO office): the change goes into the
//! standard's open draft, or a new draft after the approved version, and through approval
//! like an import. The form reads its fields exactly as a file's row is read.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use kamae_core::access::{Action, Actor};
use kamae_core::calendar::parse_date;
use kamae_core::rules::{ChangeReason, Tier};
use kamae_exchange::items::{COLUMNS, fields_of, item_from_fields};
use kamae_store::rules::{StandardMeta, StandardVersion};

use super::standard::{STANDARD, file_problem_lines, require};
use super::{Chrome, render};
use crate::ctx::{Ctx, PageError, SignedIn};
use crate::error::Failure;

/// One field of the form: (key, label, value, required, a long text).
type FieldRow = (&'static str, String, String, bool, bool);

#[derive(Template)]
#[template(path = "item_form.html")]
struct FormPage<'a> {
    chrome: Chrome<'a>,
    /// The code of the item being changed; none for a new item.
    editing: Option<String>,
    fields: Vec<FieldRow>,
    tiers: Vec<(char, String)>,
    reasons: Vec<(&'static str, String)>,
    reason: String,
    change_log: String,
    next_review_on: String,
    /// The version the change goes into, and whether it is the approved one (a new draft).
    base: Option<(u32, bool)>,
    errors: Vec<String>,
}

const LONG: [&str; 8] = [
    "requirement",
    "criterion",
    "rationale",
    "check",
    "alternative",
    "applicability",
    "options",
    "mappings",
];

fn page(
    ctx: &Ctx,
    editing: Option<String>,
    values: &[(String, String)],
    latest: Option<&StandardVersion>,
    errors: Vec<String>,
) -> Response {
    let t = ctx.t();
    let value = |k: &str| {
        values
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let fields = COLUMNS
        .iter()
        .map(|c| {
            (
                c.key,
                t.pick(c.ja, c.en).to_owned(),
                value(c.key),
                c.required,
                LONG.contains(&c.key),
            )
        })
        .collect();
    let open = latest.filter(|l| l.version.approval.state.as_str() != "approved");
    // A revision of the approved version starts with no reason or log of its own.
    let meta = open.and_then(|l| l.meta.as_ref());
    let given = |k: &str, fallback: String| {
        values
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or(fallback)
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let form = FormPage {
        chrome: Chrome::new(ctx, "standard"),
        editing,
        fields,
        tiers: Tier::ALL
            .iter()
            .map(|tier| {
                (
                    tier.letter(),
                    t.pick(tier.label_ja(), tier.label_en()).to_owned(),
                )
            })
            .collect(),
        reasons: ChangeReason::ALL
            .iter()
            .map(|r| (r.as_str(), t.pick(r.label_ja(), r.label_en()).to_owned()))
            .collect(),
        reason: given(
            "_reason",
            meta.map(|m| m.reason)
                .unwrap_or(ChangeReason::YearlyPlan)
                .as_str()
                .to_owned(),
        ),
        change_log: given(
            "_change_log",
            meta.map(|m| m.change_log.clone()).unwrap_or_default(),
        ),
        next_review_on: given(
            "_next_review_on",
            latest
                .and_then(|l| l.meta.as_ref())
                .and_then(|m| m.next_review_on)
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ),
        base: latest.map(|l| {
            (
                l.version.reference.number,
                l.version.approval.state.as_str() == "approved",
            )
        }),
        errors,
    };
    (status, render(&form)).into_response()
}

async fn latest(ctx: &Ctx, actor: &Actor) -> Result<Option<StandardVersion>, PageError> {
    ctx.state
        .store
        .latest_standard(actor)
        .await
        .map_err(|e| ctx.fail(e))
}

fn as_strings(fields: Vec<(&'static str, String)>) -> Vec<(String, String)> {
    fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

pub async fn edit_form(s: SignedIn, Path(code): Path<String>) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    require(&ctx, &actor, STANDARD, Action::Write)?;
    let latest = latest(&ctx, &actor).await?;
    let item = latest
        .as_ref()
        .and_then(|l| {
            l.items
                .iter()
                .find(|i| i.code.as_str().eq_ignore_ascii_case(code.trim()))
        })
        .ok_or_else(|| ctx.fail(Failure::not_found()))?;
    let values = as_strings(fields_of(item));
    Ok(page(
        &ctx,
        Some(item.code.to_string()),
        &values,
        latest.as_ref(),
        Vec::new(),
    ))
}

pub async fn new_form(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    require(&ctx, &actor, STANDARD, Action::Write)?;
    let latest = latest(&ctx, &actor).await?;
    Ok(page(&ctx, None, &[], latest.as_ref(), Vec::new()))
}

/// Saves one item into the next version: replacing `editing` (its code may change) or added.
async fn save(
    ctx: &Ctx,
    actor: &Actor,
    editing: Option<String>,
    form: Vec<(String, String)>,
) -> Result<Response, PageError> {
    require(ctx, actor, STANDARD, Action::Write)?;
    let latest = latest(ctx, actor).await?;
    let csrf = form
        .iter()
        .find(|(k, _)| k == "_csrf")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    ctx.check_csrf(&csrf)?;
    let value = |k: &str| {
        form.iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_default()
    };
    let columns: Vec<(String, String)> = COLUMNS
        .iter()
        .map(|c| (c.key.to_owned(), value(c.key)))
        .collect();
    let mut errors = Vec::new();
    let item = match item_from_fields(&columns) {
        Ok(i) => Some(i),
        Err(p) => {
            errors.extend(file_problem_lines(ctx, &p));
            None
        }
    };
    let reason = ChangeReason::parse(&value("_reason"))
        .map_err(|p| errors.push(ctx.t().pick(&p.ja, &p.en).to_owned()))
        .ok();
    let next_review_on = match value("_next_review_on").as_str() {
        "" => None,
        d => parse_date(d)
            .map_err(|p| errors.push(ctx.t().pick(&p.ja, &p.en).to_owned()))
            .ok(),
    };
    let (Some(item), Some(reason)) = (item, reason) else {
        return Ok(page(ctx, editing, &form, latest.as_ref(), errors));
    };
    if !errors.is_empty() {
        return Ok(page(ctx, editing, &form, latest.as_ref(), errors));
    }
    let meta = StandardMeta {
        reason,
        change_log: value("_change_log"),
        next_review_on,
    };
    let code = item.code.clone();
    match ctx
        .state
        .store
        .save_item(actor, editing.as_deref(), item, meta)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/standard/items/{code}?draft=1")).into_response()),
        Err(kamae_store::StoreError::Problem(p))
            if !matches!(p.code, "not_found" | "forbidden") =>
        {
            let f: Failure = p.into();
            let lines = f.message(ctx.lang).lines().map(str::to_owned).collect();
            Ok(page(ctx, editing, &form, latest.as_ref(), lines))
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

pub async fn edit(
    s: SignedIn,
    Path(code): Path<String>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    save(&ctx, &actor, Some(code.trim().to_owned()), form).await
}

pub async fn create(
    s: SignedIn,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    save(&ctx, &actor, None, form).await
}
