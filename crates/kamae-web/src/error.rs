//! What a failed request answers: a page in the user's language, or (for the API) a JSON
//! error. A record outside the caller's scope answers exactly like one that does not exist,
//! and no response carries a stack trace, SQL or a path on the server.

use axum::http::StatusCode;
use kamae_core::Problem;
use kamae_store::StoreError;

use crate::i18n::Lang;

/// An error on its way to the user: the HTTP status, a stable code, and the message in both
/// languages (the response picks one).
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: StatusCode,
    pub code: &'static str,
    pub ja: String,
    pub en: String,
}

impl Failure {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        ja: impl Into<String>,
        en: impl Into<String>,
    ) -> Self {
        Failure {
            status,
            code,
            ja: ja.into(),
            en: en.into(),
        }
    }

    pub fn not_found() -> Self {
        Failure::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "指定されたページや記録は見つかりません",
            "no such page or record",
        )
    }

    /// The server cannot take the work now (shutting down); the request may be repeated.
    pub fn unavailable() -> Self {
        Failure::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "今は処理できません。しばらくしてからやり直してください",
            "this cannot be done right now; try again shortly",
        )
    }

    pub fn csrf() -> Self {
        Failure::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "フォームの有効期限が切れました。ページを読み込み直してやり直してください",
            "the form has expired; reload the page and try again",
        )
    }

    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.ja, &self.en)
    }
}

fn status_for(code: &str) -> StatusCode {
    match code {
        // Not found and "outside your scope" are the same answer, with the same body.
        "not_found" => StatusCode::NOT_FOUND,
        "forbidden" | "user_disabled" => StatusCode::FORBIDDEN,
        "sign_in_failed" | "session_ended" | "invalid_token" | "unknown_user" => {
            StatusCode::UNAUTHORIZED
        }
        "too_many_attempts" => StatusCode::TOO_MANY_REQUESTS,
        "duplicate"
        | "changed_meanwhile"
        | "open_version_exists"
        | "awaiting_decision"
        | "approved_case"
        | "approved_exception"
        | "nothing_open"
        | "not_approved"
        | "unchanged"
        | "archived"
        | "has_dependants"
        | "already_revoked"
        | "revocation_pending"
        | "nothing_to_confirm"
        | "content_changed"
        | "last_administrator"
        | "store_not_empty" => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

impl From<Problem> for Failure {
    fn from(p: Problem) -> Self {
        let status = status_for(p.code);
        if status == StatusCode::NOT_FOUND {
            return Failure::not_found();
        }
        Failure::new(status, p.code, p.ja, p.en)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Problem(p) => p.into(),
            other => {
                // The details go to the log with the request id, never to the user.
                tracing::error!(error = %other, "store error");
                Failure::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_error",
                    "サーバーで問題が起きました。時間をおいてやり直してください",
                    "something went wrong on the server; please try again later",
                )
            }
        }
    }
}
