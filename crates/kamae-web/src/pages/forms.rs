//! One form page for the many small records of administration: it shows its fields, and on
//! a refusal shows them again with what was typed and the reason, so nothing is lost.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Chrome, refusal, render};
use crate::ctx::{Ctx, PageError};

pub struct Field {
    /// Owned, so that rows repeated in a form can be told apart (`effects[0].scenario`).
    pub name: String,
    pub label: String,
    /// `text`, `email`, `date`, `number`, `select`, `checkbox`, `password`, `textarea`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub hint: Option<String>,
}

impl Field {
    pub fn new(name: impl Into<String>, label: &str, kind: &'static str) -> Field {
        Field {
            name: name.into(),
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

/// A list a form edits row by row (an option's effects): a table whose columns are the
/// fields of each row, the labels its headings.
pub struct Rows {
    pub legend: String,
    pub hint: Option<String>,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Field>>,
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage<'a> {
    pub chrome: Chrome<'a>,
    pub title: String,
    pub action: String,
    pub fields: Vec<Field>,
    /// Shown after the fields.
    pub lists: Vec<Rows>,
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
    form_with_rows(ctx, active, at, fields, Vec::new(), error, submit)
}

/// [`form_at`] with lists edited row by row after its fields.
pub fn form_with_rows(
    ctx: &Ctx,
    active: &'static str,
    at: FormAt,
    fields: Vec<Field>,
    lists: Vec<Rows>,
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
            lists,
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

/// A figure as people type it in a form: "1,200,000", "1200000円", "¥1,200,000", full-width
/// digits, "△1,200,000" or "▲…" for a negative (as Japanese accounts write one), decimals; or
/// a problem naming the field.
pub fn figure(field: &str, text: &str) -> Result<f64, kamae_core::Problem> {
    let plain: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '－' | '−' | '△' | '▲' => '-',
            '＋' => '+',
            '，' => ',',
            '￥' => '¥',
            c => c,
        })
        .collect();
    let bare = plain
        .trim_start_matches('¥')
        .trim_end_matches('円')
        .replace('_', "")
        .replace("-¥", "-");
    // Commas only group thousands: "0,005" (a decimal comma) or "12,34" would otherwise be
    // read as another number without a word. Nor is "1e3" a figure anyone types.
    let unsigned = bare.trim_start_matches(['-', '+']);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let groups: Vec<&str> = whole.split(',').collect();
    let grouped = groups.len() == 1
        || (matches!(groups[0].len(), 1..=3)
            && !groups[0].starts_with('0')
            && groups[1..].iter().all(|g| g.len() == 3));
    let plain_figure = bare
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+'));
    Some(bare.replace(',', ""))
        .filter(|_| grouped && plain_figure && !fraction.contains(','))
        .and_then(|b| b.parse::<f64>().ok())
        .filter(|x| x.is_finite())
        .ok_or_else(|| {
            kamae_core::Problem::new(
                "invalid_number",
                format!("{field}: 数で書いてください（{text:?}）"),
                format!("{field}: write a number ({text:?})"),
            )
        })
}

/// A whole number as people type it in a form ([`figure`]), or a problem naming the field.
pub fn whole_number(field: &str, text: &str) -> Result<i64, kamae_core::Problem> {
    figure(field, text)
        .ok()
        .filter(|x| x.fract() == 0.0 && x.abs() < 9.0e15)
        .map(|x| x as i64)
        .ok_or_else(|| {
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

#[cfg(test)]
mod tests {
    use super::{figure, whole_number};

    #[test]
    fn figures_are_read_as_people_write_them() {
        for (text, x) in [
            ("1,200,000", 1_200_000.0),
            ("¥1,200,000", 1_200_000.0),
            ("1200000円", 1_200_000.0),
            ("-1,200,000", -1_200_000.0),
            ("-¥1,200,000", -1_200_000.0),
            ("△1,200,000", -1_200_000.0),
            ("１，２００，０００円", 1_200_000.0),
            ("－０．００５", -0.005),
            (" 0.4 ", 0.4),
        ] {
            assert_eq!(figure("f", text).ok(), Some(x), "{text}");
        }
        for text in [
            "",
            "x",
            "月100万円",
            "NaN",
            "inf",
            "1.2.3",
            "0,005",
            "1,5",
            "12,34",
            "1e3",
            "1,2345",
        ] {
            assert!(figure("f", text).is_err(), "{text}");
        }
        assert_eq!(whole_number("f", "¥24,000,000").ok(), Some(24_000_000));
        let refused = whole_number("yearly_cost", "1.5").err();
        assert!(refused.is_some_and(|p| p.en.starts_with("yearly_cost:")));
    }
}
