//! The home page: what awaits this person.

use askama::Template;
use axum::response::Response;
use kamae_core::access::{Action, Decision, RecordKind, Resource, Scope, authorize};
use kamae_store::artifact::{ArtifactSummary, StaleView};
use kamae_store::users::GrantView;

use super::{Chrome, render};
use crate::ctx::{PageError, SignedIn};

/// How many stale artifacts the home page lists before pointing to the map.
const HOME_STALE: usize = 20;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    chrome: Chrome<'a>,
    inbox: Vec<ArtifactSummary>,
    my_open: Vec<ArtifactSummary>,
    stale: Vec<StaleView>,
    stale_total: usize,
    /// Grants of executive, ciso and administration: for the CISO and auditors only.
    sensitive: Option<Vec<GrantView>>,
    /// The standard's next review when it nears: the date, and the words for how near.
    review: Option<(String, String, bool)>,
    /// The exception lists of someone who must act on them (writes or approves them).
    exception_lists: Vec<super::exceptions::ListCount>,
    /// Exceptions waiting for this person's decision.
    exception_inbox: Vec<kamae_store::exceptions::ExceptionView>,
    /// Applicability agreements waiting for this person's decision.
    agreement_inbox: Vec<kamae_store::applicability::Agreement>,
    /// The companies this person works for (company grants): their view of the standard.
    my_companies: Vec<kamae_store::applicability::CompanyStandard>,
    /// Open actions of approved risk treatment plans that this person owns.
    my_actions: Vec<kamae_store::treatment::OwnedAction>,
}

pub async fn home(s: SignedIn) -> Result<Response, PageError> {
    let SignedIn { ctx, actor } = s;
    let store = &ctx.state.store;
    let overview = store
        .artifact_overview(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let inbox = overview.inbox;
    let all = overview.artifacts;
    let email = ctx.actor.as_ref().and_then(|a| match a {
        kamae_core::access::Actor::User(p) => Some(p.email.clone()),
        _ => None,
    });
    let my_open = all
        .into_iter()
        .filter(|a| {
            matches!(a.latest_state.as_str(), "draft" | "rejected")
                && email.as_deref() == Some(a.latest_created_by.as_str())
        })
        .collect();
    // The first few; the map lists them all.
    let stale_total = overview.stale.len();
    let stale: Vec<StaleView> = overview.stale.into_iter().take(HOME_STALE).collect();
    let may_see_security = authorize(
        &actor,
        Action::Read,
        &Resource {
            group: actor.group(),
            kind: RecordKind::SecurityEvents,
            scope: Scope::Group,
        },
    ) == Decision::Allow;
    let sensitive = if may_see_security {
        Some(
            store
                .sensitive_grants(&actor)
                .await
                .map_err(|e| ctx.fail(e))?,
        )
    } else {
        None
    };
    // Only those who may read the standard are told of its review.
    let review = match store.standard_review_due(&actor).await {
        Ok(Some((on, days))) => {
            let t = ctx.t();
            let when = if days >= 0 {
                t.fill("home.review_in", &[("days", &days.to_string())])
            } else {
                t.fill("home.review_overdue", &[("days", &(-days).to_string())])
            };
            Some((on.to_string(), when, days < 0))
        }
        Ok(None) | Err(kamae_store::StoreError::Problem(_)) => None,
        Err(e) => return Err(ctx.fail(e)),
    };
    let (exception_lists, exception_inbox) = match store.exceptions(&actor).await {
        Ok(all) => {
            let mine: Vec<_> = all
                .into_iter()
                .filter(|e| {
                    let resource = Resource {
                        group: actor.group(),
                        kind: RecordKind::Exception {
                            group_mandatory: e.group_mandatory,
                        },
                        scope: Scope::Company { company: e.company },
                    };
                    authorize(&actor, Action::Write, &resource) == Decision::Allow
                        || authorize(&actor, Action::Approve, &resource) == Decision::Allow
                })
                .collect();
            let lists = super::exceptions::list_counts(&ctx.t(), &mine)
                .into_iter()
                .filter(|(_, _, n)| *n > 0)
                .collect();
            let inbox = store
                .exception_inbox(&actor)
                .await
                .map_err(|e| ctx.fail(e))?;
            (lists, inbox)
        }
        Err(kamae_store::StoreError::Problem(_)) => (Vec::new(), Vec::new()),
        Err(e) => return Err(ctx.fail(e)),
    };
    let agreement_inbox = store
        .agreement_inbox(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    // Someone who works for a company (not the whole group) is told what the standard asks of
    // it, and what a pending revision would change for it.
    let mut my_companies = Vec::new();
    if let kamae_core::access::Actor::User(p) = &actor {
        let companies: Vec<_> = p
            .active_grants()
            .filter_map(|g| match g.scope {
                Scope::Company { company } => Some(company),
                _ => None,
            })
            .collect();
        if !companies.is_empty() && !p.active_grants().any(|g| g.scope == Scope::Group) {
            for c in store.companies(&actor).await.map_err(|e| ctx.fail(e))? {
                if companies.contains(&c.id) {
                    match store.company_standard(&actor, &c.code).await {
                        Ok(view) if view.standard.is_some() => my_companies.push(view),
                        Ok(_) | Err(kamae_store::StoreError::Problem(_)) => {}
                        Err(e) => return Err(ctx.fail(e)),
                    }
                }
            }
        }
    }
    let my_actions = store
        .my_treatment_actions(&actor)
        .await
        .map_err(|e| ctx.fail(e))?;
    let page = HomePage {
        my_actions,
        agreement_inbox,
        my_companies,
        exception_lists,
        exception_inbox,
        review,
        chrome: Chrome::new(&ctx, "home"),
        inbox,
        my_open,
        stale,
        stale_total,
        sensitive,
    };
    Ok(render(&page))
}
