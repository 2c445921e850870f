//! The security event log, for the CISO and auditors: sign-ins and their failures, second
//! factor changes, grants, tokens — and the grants of executive, CISO and administration.

use askama::Template;
use axum::response::Response;
use kamae_store::users::GrantView;

use super::history::{HistoryRow, row};
use super::{Chrome, render};
use crate::ctx::{PageError, SignedIn};
use crate::render::{Readable, local};

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
    let mut names = store.user_labels(&actor).await.map_err(|e| ctx.fail(e))?;
    names.extend(
        store
            .user_names_by_email(&actor)
            .await
            .map_err(|e| ctx.fail(e))?,
    );
    let readable = Readable { names: &names, tz };
    let page = SecurityPage {
        events: events.into_iter().map(|e| row(t, e, &readable)).collect(),
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
