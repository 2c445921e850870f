//! The history of any record: who changed what, when and why, as field-by-field changes.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;

use super::{Chrome, render};
use crate::ctx::{PageError, SignedIn};
use crate::render::{FieldChange, field_changes, local_text};

pub struct HistoryRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record_kind: String,
    pub reason: Option<String>,
    pub changes: Vec<FieldChange>,
}

#[derive(Template)]
#[template(path = "history.html")]
struct HistoryPage<'a> {
    chrome: Chrome<'a>,
    kind: String,
    rows: Vec<HistoryRow>,
    tz: String,
}

/// The catalog key of an audit action, for the actions kamae writes.
pub fn action_key(action: &str) -> Option<&'static str> {
    Some(match action {
        "create" => "action.create",
        "update" => "action.update",
        "archive" => "action.archive",
        "open" => "action.open",
        "submit" => "action.submit",
        "withdraw" => "action.withdraw",
        "approve" => "action.approve",
        "reject" => "action.reject",
        "revise" => "action.revise",
        "remove" => "action.remove",
        "grant" => "action.grant",
        "confirm" => "action.confirm",
        "revoke" => "action.revoke",
        "request_revocation" => "action.request_revocation",
        "disable" => "action.disable",
        "end" => "action.end",
        "sign_in" => "action.sign_in",
        "sign_out" => "action.sign_out",
        "sign_in_failed" => "action.sign_in_failed",
        "mfa_enabled" => "action.mfa_enabled",
        "mfa_disabled" => "action.mfa_disabled",
        "mfa_enrolment_started" => "action.mfa_enrolment_started",
        "mfa_passed" => "action.mfa_passed",
        "mfa_failed" => "action.mfa_failed",
        "recovery_code_used" => "action.recovery_code_used",
        "password_changed" => "action.password_changed",
        "touch" => "action.touch",
        _ => return None,
    })
}

pub async fn history(
    s: SignedIn,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let store = &ctx.state.store;
    let entries = store
        .history(&actor, &kind, &id)
        .await
        .map_err(|e| ctx.fail(e))?;
    let tz = store
        .group(&actor)
        .await
        .map_err(|e| ctx.fail(e))?
        .calendar
        .time_zone;
    let t = ctx.t();
    let rows = entries
        .into_iter()
        .map(|e| HistoryRow {
            seq: e.seq,
            at: local_text(&e.at, tz),
            actor: e.actor.clone(),
            action: action_key(&e.action)
                .map(|k| t.get(k).to_owned())
                .unwrap_or(e.action.clone()),
            record_kind: e.record_kind.clone(),
            reason: e.reason.clone(),
            changes: field_changes(e.before.as_ref(), e.after.as_ref()),
        })
        .collect();
    let page = HistoryPage {
        chrome: Chrome::new(&ctx, "history"),
        kind,
        rows,
        tz: tz.name().to_owned(),
    };
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Catalog, Lang};

    #[test]
    fn every_action_label_is_in_the_catalog() {
        let catalog = Catalog::load().unwrap_or_else(|e| panic!("{e}"));
        for action in [
            "create",
            "update",
            "archive",
            "open",
            "submit",
            "withdraw",
            "approve",
            "reject",
            "revise",
            "remove",
            "grant",
            "confirm",
            "revoke",
            "request_revocation",
            "disable",
            "end",
            "sign_in",
            "sign_out",
            "sign_in_failed",
            "mfa_enabled",
            "mfa_disabled",
            "mfa_enrolment_started",
            "mfa_passed",
            "mfa_failed",
            "recovery_code_used",
            "password_changed",
            "touch",
        ] {
            let key = action_key(action).unwrap_or_else(|| panic!("{action}"));
            for lang in [Lang::Ja, Lang::En] {
                assert!(catalog.keys(lang).any(|k| k == key), "{key}");
            }
        }
    }
}
