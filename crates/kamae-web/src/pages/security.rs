//! The security event log, for the CISO and auditors: sign-ins and their failures, second
//! factor changes, grants, tokens — and the grants of executive, CISO and administration.

use askama::Template;
use axum::response::Response;
use kamae_store::users::GrantView;

use super::history::{HistoryRow, action_key};
use super::{Chrome, render};
use crate::ctx::{PageError, SignedIn};
use crate::render::{field_changes, local, local_text};

#[derive(Template)]
#[template(path = "security.html")]
struct SecurityPage<'a> {
    chrome: Chrome<'a>,
    events: Vec<HistoryRow>,
    grants: Vec<(GrantView, String)>,
    tz: String,
}

pub async fn security(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let store = &ctx.state.store;
    let events = store
        .security_events(&actor, 300)
        .await
        .map_err(|e| ctx.fail(e))?;
    let grants = store
        .sensitive_grants(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let tz = store
        .group(&actor)
        .await
        .map_err(|e| ctx.fail(e))?
        .calendar
        .time_zone;
    let t = ctx.t();
    let page = SecurityPage {
        events: events
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
            .collect(),
        grants: grants
            .into_iter()
            .map(|g| {
                let at = local(g.created_at, tz);
                (g, at)
            })
            .collect(),
        tz: tz.name().to_owned(),
        chrome: Chrome::new(&ctx, "security"),
    };
    Ok(render(&page))
}
