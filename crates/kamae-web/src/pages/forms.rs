//! One form page for the many small records of administration: it shows its fields, and on
//! a refusal shows them again with what was typed and the reason, so nothing is lost.

use askama::Template;
use axum::response::Response;

use super::{Chrome, render};

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

pub fn form_page(page: FormPage<'_>, status: axum::http::StatusCode) -> Response {
    use axum::response::IntoResponse;
    (status, render(&page)).into_response()
}
