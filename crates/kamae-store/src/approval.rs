//! The approval state of document versions, shared by every kind of document: one row per
//! version in `approvals`, moved only by [`kamae_core::approval::next_state`].

use chrono::{DateTime, Utc};
use kamae_core::access::Actor;
use kamae_core::approval::{ApprovalState, ApprovalStep, next_state};
use kamae_core::ids::{CompanyId, UserId};
use serde::Serialize;

use crate::db::{Row, args, ot, t};
use crate::write::{Change, Write, stmt};
use crate::{Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approval {
    pub document_id: String,
    pub document_kind: String,
    pub state: ApprovalState,
    pub content_hash: Option<String>,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
}

pub(crate) fn approval_from(r: &Row) -> Result<Approval> {
    Ok(Approval {
        document_id: r.text("document_id")?,
        document_kind: r.text("document_kind")?,
        state: ApprovalState::parse(&r.text("state")?)?,
        content_hash: r.opt_text("content_hash")?,
        submitted_by: r.opt_text("submitted_by")?,
        submitted_at: r.opt_instant("submitted_at")?,
        decided_by: r.opt_text("decided_by")?,
        decided_at: r.opt_instant("decided_at")?,
        decision_reason: r.opt_text("decision_reason")?,
    })
}

/// Opens the approval of a new document version, as a draft.
pub(crate) async fn open_draft(
    w: &mut Write,
    actor: &Actor,
    document_kind: &str,
    document_id: &str,
    company: Option<CompanyId>,
) -> Result<()> {
    let now = w.now();
    w.apply(
        Change::new(actor.group(), "open", "approval", document_id)
            .after(&serde_json::json!({"document_kind": document_kind, "state": "draft"})),
        vec![stmt(
            "INSERT INTO approvals (document_id, group_id, document_kind, company_id, state, updated_at) \
             VALUES ($1, $2, $3, $4, 'draft', $5)",
            args![document_id, t(actor.group()), document_kind, ot(company), now],
        )],
    )
    .await
}

pub(crate) async fn load(w: &mut Write, actor: &Actor, document_id: &str) -> Result<Approval> {
    let row = w
        .fetch_optional(
            "SELECT document_id, document_kind, state, content_hash, submitted_by, submitted_at, decided_by, \
             decided_at, decision_reason FROM approvals WHERE group_id = $1 AND document_id = $2",
            args![t(actor.group()), document_id],
        )
        .await?
        .ok_or_else(|| StoreError::not_found("承認記録", "approval"))?;
    approval_from(&row)
}

/// Moves a document version one step, recording the step (and any reason) in the audit
/// trail. `content_hash` binds a submission and an approval to the exact content.
pub(crate) async fn take_step(
    w: &mut Write,
    actor: &Actor,
    document_id: &str,
    step: &ApprovalStep<'_>,
    content_hash: &str,
) -> Result<Approval> {
    let before = load(w, actor, document_id).await?;
    let me: UserId = actor.user().ok_or_else(|| {
        StoreError::from(kamae_core::Problem::new(
            "user_required",
            "承認の操作はユーザーとして行ってください（--as）",
            "approval steps are taken by a user (--as)",
        ))
    })?;
    let submitted_by = before.submitted_by.as_deref().and_then(|s| s.parse().ok());
    let state = next_state(before.state, step, me, submitted_by)?;
    let now = w.now();
    let mut after = Approval {
        state,
        ..before.clone()
    };
    match step {
        ApprovalStep::Submit => {
            after.content_hash = Some(content_hash.to_owned());
            after.submitted_by = Some(me.to_string());
            after.submitted_at = Some(now);
            after.decided_by = None;
            after.decided_at = None;
            after.decision_reason = None;
        }
        ApprovalStep::Approve | ApprovalStep::Reject { .. } => {
            if before.content_hash.as_deref() != Some(content_hash) {
                return Err(kamae_core::Problem::new(
                    "content_changed",
                    "申請後に内容が変わっています。もう一度申請してください",
                    "the content changed after it was submitted; submit it again",
                )
                .into());
            }
            after.decided_by = Some(me.to_string());
            after.decided_at = Some(now);
            after.decision_reason = match step {
                ApprovalStep::Reject { reason } => Some(reason.trim().to_owned()),
                _ => None,
            };
        }
        ApprovalStep::Withdraw | ApprovalStep::Revise => {}
    }
    let reason = match step {
        ApprovalStep::Reject { reason } => Some(*reason),
        _ => None,
    };
    w.apply(
        Change::new(actor.group(), step.as_str(), "approval", document_id)
            .before(&before)
            .after(&after)
            .reason(reason),
        vec![stmt(
            "UPDATE approvals SET state = $1, content_hash = $2, submitted_by = $3, submitted_at = $4, \
             decided_by = $5, decided_at = $6, decision_reason = $7, updated_at = $8 \
             WHERE group_id = $9 AND document_id = $10 AND state = $11",
            args![
                after.state.as_str(),
                after.content_hash.clone(),
                after.submitted_by.clone(),
                after.submitted_at,
                after.decided_by.clone(),
                after.decided_at,
                after.decision_reason.clone(),
                now,
                t(actor.group()),
                document_id,
                before.state.as_str()
            ],
        )],
    )
    .await?;
    Ok(after)
}
