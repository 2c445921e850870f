//! The history of any record: who changed what, when and why, as field-by-field changes.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;

use super::{Chrome, render};
use crate::ctx::{PageError, SignedIn};
use crate::render::{FieldChange, Readable, readable_changes};

pub struct HistoryRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// The action's code (`approve`), for machines, and its label, for people.
    pub action_code: String,
    pub action: String,
    pub record_kind: String,
    pub reason: Option<String>,
    /// (field label, before, after)
    pub changes: Vec<(String, Option<String>, Option<String>)>,
}

/// The catalog key of a field of an audit image, for the fields people read most.
pub fn field_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "title" => "field.title",
        "body" => "field.body",
        "inputs" | "made_from" => "field.inputs",
        "state" => "field.state",
        "submitted_by" => "field.submitted_by",
        "submitted_at" => "field.submitted_at",
        "decided_by" => "field.decided_by",
        "decided_at" => "field.decided_at",
        "decision_reason" => "field.decision_reason",
        "content_hash" => "field.content_hash",
        "document_kind" => "field.document_kind",
        "name" => "field.name",
        "code" => "field.code",
        "kind" => "field.kind",
        "in_reporting_scope" => "field.in_reporting_scope",
        "acquired_on" => "field.acquired_on",
        "address" => "field.address",
        "email" => "field.email",
        "position" => "field.position",
        "role" => "field.role",
        "weight" => "field.weight",
        "note" => "field.note",
        "number" => "field.number",
        "archived_at" => "field.archived_at",
        "until" => "field.until",
        _ => return None,
    })
}

/// The catalog key of a record kind.
pub fn kind_key(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "company" => "record.company",
        "site" => "record.site",
        "department" => "record.department",
        "person" => "record.person",
        "security_staff" => "record.security_staff",
        "business_relationship" => "record.business_relationship",
        "artifact_version" => "record.artifact_version",
        "artifact_series" => "record.artifact_series",
        "artifact_input" => "record.artifact_input",
        "approval" => "record.approval",
        "user" => "record.user",
        "grant" => "record.grant",
        "session" => "record.session",
        "api_token" => "record.api_token",
        "recovery_code" => "record.recovery_code",
        "group" => "record.group",
        _ => return None,
    })
}

/// An audit entry as people read it.
pub fn row(
    t: crate::i18n::T<'_>,
    e: kamae_store::audit::AuditEntry,
    r: &crate::render::Readable<'_>,
) -> HistoryRow {
    let label = |key: Option<&'static str>, raw: &str| {
        key.map(|k| t.get(k).to_owned())
            .unwrap_or_else(|| raw.to_owned())
    };
    HistoryRow {
        seq: e.seq,
        at: crate::render::local_text(&e.at, r.tz),
        actor: r.names.get(&e.actor).cloned().unwrap_or(e.actor.clone()),
        action: label(action_key(&e.action), &e.action),
        action_code: e.action.clone(),
        record_kind: label(kind_key(&e.record_kind), &e.record_kind),
        reason: e.reason.clone(),
        changes: readable_changes(e.before.as_ref(), e.after.as_ref(), r)
            .into_iter()
            .map(|c: FieldChange| (label(field_key(&c.field), &c.field), c.before, c.after))
            .collect(),
    }
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
    let mut names = store.user_labels(&actor).await.map_err(|e| ctx.fail(e))?;
    // The audit trail names actors by e-mail address; people read names.
    let by_email = store
        .user_names_by_email(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    names.extend(by_email);
    let readable = Readable { names: &names, tz };
    let t = ctx.t();
    let rows = entries.into_iter().map(|e| row(t, e, &readable)).collect();
    let page = HistoryPage {
        chrome: Chrome::new(&ctx, "history"),
        kind: kind_key(&kind).map(|k| t.get(k).to_owned()).unwrap_or(kind),
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
    fn every_field_and_kind_label_is_in_the_catalog() {
        let catalog = Catalog::load().unwrap_or_else(|e| panic!("{e}"));
        let fields = [
            "title",
            "body",
            "inputs",
            "state",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "content_hash",
            "document_kind",
            "name",
            "code",
            "kind",
            "in_reporting_scope",
            "acquired_on",
            "address",
            "email",
            "position",
            "role",
            "weight",
            "note",
            "number",
            "archived_at",
            "until",
        ];
        let kinds = [
            "company",
            "site",
            "department",
            "person",
            "security_staff",
            "business_relationship",
            "artifact_version",
            "artifact_series",
            "artifact_input",
            "approval",
            "user",
            "grant",
            "session",
            "api_token",
            "recovery_code",
            "group",
        ];
        for lang in [Lang::Ja, Lang::En] {
            for f in fields {
                let key = field_key(f).unwrap_or_else(|| panic!("{f}"));
                assert!(catalog.keys(lang).any(|k| k == key), "{key}");
            }
            for k in kinds {
                let key = kind_key(k).unwrap_or_else(|| panic!("{k}"));
                assert!(catalog.keys(lang).any(|x| x == key), "{key}");
            }
        }
    }

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
