//! One form page for the many small records of administration: it shows its fields, and on
//! a refusal shows them again with what was typed and the reason, so nothing is lost.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Chrome, refusal, render};
use crate::ctx::{Ctx, PageError};

pub struct Field {
    pub name: &'static str,
    pub label: String,
    /// `text`, `email`, `date`, `number`, `select`, `checkbox`, `password`, `textarea`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub hint: Option<String>,
}

impl Field {
    pub fn new(name: &'static str, label: &str, kind: &'static str) -> Field {
        Field {
            name,
            label: label.to_owned(),
            kind,
            value: String::new(),
            options: Vec::new(),
            required: false,
            hint: None,
        }
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn value(mut self, v: impl Into<String>) -> Field {
        self.value = v.into();
        self
    }

    pub fn options(mut self, o: Vec<(String, String)>) -> Field {
        self.options = o;
        self
    }

    pub fn hint(mut self, h: &str) -> Field {
        self.hint = Some(h.to_owned());
        self
    }

    pub fn checked(&self) -> bool {
        matches!(self.value.as_str(), "on" | "true" | "1")
    }
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage<'a> {
    pub chrome: Chrome<'a>,
    pub title: String,
    pub action: String,
    pub fields: Vec<Field>,
    pub error: Option<String>,
    pub submit: String,
    pub back: String,
}

pub fn form_page(page: FormPage<'_>, status: StatusCode) -> Response {
    (status, render(&page)).into_response()
}

/// Where a form stands: its heading, where it posts and where "back" leads.
pub struct FormAt {
    pub title: String,
    pub action: String,
    pub back: String,
}

/// A form in the part of the site `active` names. Shown again with a refusal it answers 422,
/// so that what was typed comes back with the reason while the answer still says that
/// nothing was saved.
pub fn form_at(
    ctx: &Ctx,
    active: &'static str,
    at: FormAt,
    fields: Vec<Field>,
    error: Option<String>,
    submit: &str,
) -> Response {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    form_page(
        FormPage {
            chrome: Chrome::new(ctx, active),
            title: at.title,
            action: at.action,
            fields,
            error,
            submit: submit.to_owned(),
            back: at.back,
        },
        status,
    )
}

/// After a save: on to the address `saved` gives the record, or the form again (`again`)
/// with why it was refused. Not found, forbidden and the database's errors are no refusal
/// of what was typed: they fail the request as on any other page.
pub fn saved_or_refused<T>(
    ctx: &Ctx,
    result: Result<T, kamae_store::StoreError>,
    saved: impl FnOnce(&T) -> String,
    again: impl FnOnce(String) -> Response,
) -> Result<Response, PageError> {
    match result {
        Ok(v) => Ok(Redirect::to(&saved(&v)).into_response()),
        Err(e) => Ok(again(refusal(ctx, e)?)),
    }
}

/// A whole number as people type it in a form ("1,200,000", "1200000円", "¥1,200,000"), or a
/// problem naming the field.
pub fn whole_number(field: &str, text: &str) -> Result<i64, kamae_core::Problem> {
    text.trim()
        .trim_start_matches('¥')
        .trim_end_matches('円')
        .replace([',', '_'], "")
        .parse::<i64>()
        .map_err(|_| {
            kamae_core::Problem::new(
                "invalid_number",
                format!("{field}: 整数で書いてください（{text:?}）"),
                format!("{field}: write a whole number ({text:?})"),
            )
        })
}

/// Reads "YYYY-MM-DD / who / what" lines (a migration plan, follow-ups): one entry a line,
/// blank lines skipped; a bad line is reported with its number and `list` (the list's name).
pub fn dated_lines(
    text: &str,
    list: (&str, &str),
    bad: &mut impl FnMut(kamae_core::Problem),
) -> Vec<(chrono::NaiveDate, String, String)> {
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let parts: Vec<&str> = line.splitn(3, ['/', '／', '\t']).map(str::trim).collect();
        match (
            parts.first().map(|d| kamae_core::calendar::parse_date(d)),
            parts.get(1),
            parts.get(2),
        ) {
            (Some(Ok(date)), Some(who), Some(what)) => {
                out.push((date, (*who).to_owned(), (*what).to_owned()))
            }
            _ => bad(kamae_core::Problem::new(
                "invalid_line",
                format!(
                    "{}の{}行目は「YYYY-MM-DD / 担当 / 内容」の形で書いてください",
                    list.0,
                    n + 1
                ),
                format!(
                    "line {} of the {}: write it as YYYY-MM-DD / owner / what",
                    n + 1,
                    list.1
                ),
            )),
        }
    }
    out
}
