//! One approval workflow for every document the seed sends to 「経営層への説明・承認獲得」:
//! draft → submitted → approved, or rejected with a reason → revised (a draft again) →
//! resubmitted. An approval is of one specific version; an approved version is never
//! edited (a change makes a new draft version).

use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::access::Role;
use crate::artifact::ArtifactKind;
use crate::ids::UserId;
use crate::org::word_enum;

/// Everything that goes through approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "of", rename_all = "snake_case")]
pub enum DocumentKind {
    Artifact(ArtifactKind),
    /// An exception to a group-mandatory item of the standard (role D).
    ExceptionToGroupMandatoryItem,
    /// An exception to a company-mandatory item (role D): the company's own lead decides.
    ExceptionToCompanyMandatoryItem,
    /// Which company-mandatory items bind a company and which recommended ones it adopts
    /// (role D): agreed with the company, decided by the CISO.
    ApplicabilityAgreement,
}

/// Who approves each kind of document — the one table, also written in `docs/access.md`.
/// The approver must hold this role over a scope that covers the document.
pub const fn approver(kind: DocumentKind) -> Role {
    use ArtifactKind as K;
    match kind {
        // The standard and advice are the CISO's own call; the rest are the executives'.
        DocumentKind::Artifact(K::MeasuresAndRules | K::AdviceToDepartments) => Role::Ciso,
        DocumentKind::Artifact(_) => Role::Executive,
        DocumentKind::ExceptionToGroupMandatoryItem => Role::Ciso,
        DocumentKind::ExceptionToCompanyMandatoryItem => Role::SecurityLead,
        DocumentKind::ApplicabilityAgreement => Role::Ciso,
    }
}

word_enum! {
    ApprovalState, "承認状態", "approval state" {
        Draft => "draft", "下書き", "draft";
        Submitted => "submitted", "承認待ち", "submitted";
        Approved => "approved", "承認済み", "approved";
        Rejected => "rejected", "差し戻し", "rejected";
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApprovalStep<'a> {
    Submit,
    /// The submitter takes a submission back to draft.
    Withdraw,
    Approve,
    Reject {
        reason: &'a str,
    },
    /// A rejected document is edited: it becomes a draft again.
    Revise,
}

impl ApprovalStep<'_> {
    pub fn as_str(&self) -> &'static str {
        match self {
            ApprovalStep::Submit => "submit",
            ApprovalStep::Withdraw => "withdraw",
            ApprovalStep::Approve => "approve",
            ApprovalStep::Reject { .. } => "reject",
            ApprovalStep::Revise => "revise",
        }
    }
}

/// The next state, or why the step is not possible. `submitted_by` is who submitted the
/// version now under review.
pub fn next_state(
    state: ApprovalState,
    step: &ApprovalStep<'_>,
    actor: UserId,
    submitted_by: Option<UserId>,
) -> Result<ApprovalState, Problem> {
    use ApprovalState as S;
    let not_now = || {
        Problem::new(
            "invalid_approval_step",
            format!(
                "「{}」の文書にはこの操作（{}）はできません",
                state.label_ja(),
                step.as_str()
            ),
            format!(
                "a {} document cannot be {}",
                state.label_en(),
                past_tense(step)
            ),
        )
    };
    match (state, step) {
        (S::Draft, ApprovalStep::Submit) => Ok(S::Submitted),
        (S::Submitted, ApprovalStep::Withdraw) => {
            if submitted_by == Some(actor) {
                Ok(S::Draft)
            } else {
                Err(Problem::new(
                    "not_the_submitter",
                    "取り下げられるのは申請した本人だけです",
                    "only the submitter can withdraw a submission",
                ))
            }
        }
        (S::Submitted, ApprovalStep::Approve | ApprovalStep::Reject { .. }) => {
            if submitted_by == Some(actor) {
                return Err(Problem::new(
                    "own_submission",
                    "自分が申請した文書は承認・差し戻しできません（別の承認者が必要です）",
                    "you cannot approve or reject your own submission; another approver must",
                ));
            }
            match step {
                ApprovalStep::Reject { reason } if reason.trim().is_empty() => Err(Problem::new(
                    "reason_required",
                    "差し戻しには理由が必要です",
                    "a rejection needs a reason",
                )),
                ApprovalStep::Reject { .. } => Ok(S::Rejected),
                _ => Ok(S::Approved),
            }
        }
        (S::Rejected, ApprovalStep::Revise) => Ok(S::Draft),
        _ => Err(not_now()),
    }
}

fn past_tense(step: &ApprovalStep<'_>) -> &'static str {
    match step {
        ApprovalStep::Submit => "submitted",
        ApprovalStep::Withdraw => "withdrawn",
        ApprovalStep::Approve => "approved",
        ApprovalStep::Reject { .. } => "rejected",
        ApprovalStep::Revise => "revised",
    }
}

/// Whether a version in this state may be edited in place. Submitted versions wait for a
/// decision; approved versions are kept as approved (a change makes a new version).
pub fn editable(state: ApprovalState) -> bool {
    matches!(state, ApprovalState::Draft | ApprovalState::Rejected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn user() -> UserId {
        UserId::from_uuid(Uuid::now_v7())
    }

    #[test]
    fn the_loop_of_the_seed() {
        let (author, exec) = (user(), user());
        let s = next_state(ApprovalState::Draft, &ApprovalStep::Submit, author, None);
        assert_eq!(s, Ok(ApprovalState::Submitted));
        let s = next_state(
            ApprovalState::Submitted,
            &ApprovalStep::Reject {
                reason: "予算根拠が不足",
            },
            exec,
            Some(author),
        );
        assert_eq!(s, Ok(ApprovalState::Rejected));
        let s = next_state(
            ApprovalState::Rejected,
            &ApprovalStep::Revise,
            author,
            Some(author),
        );
        assert_eq!(s, Ok(ApprovalState::Draft));
        let s = next_state(
            ApprovalState::Submitted,
            &ApprovalStep::Approve,
            exec,
            Some(author),
        );
        assert_eq!(s, Ok(ApprovalState::Approved));
    }

    #[test]
    fn nobody_approves_their_own_submission() {
        let author = user();
        let e = next_state(
            ApprovalState::Submitted,
            &ApprovalStep::Approve,
            author,
            Some(author),
        );
        assert_eq!(e.map_err(|p| p.code), Err("own_submission"));
    }

    #[test]
    fn rejection_needs_a_reason() {
        let e = next_state(
            ApprovalState::Submitted,
            &ApprovalStep::Reject { reason: " " },
            user(),
            Some(user()),
        );
        assert_eq!(e.map_err(|p| p.code), Err("reason_required"));
    }

    #[test]
    fn approved_is_final() {
        for step in [
            ApprovalStep::Submit,
            ApprovalStep::Approve,
            ApprovalStep::Revise,
            ApprovalStep::Withdraw,
            ApprovalStep::Reject { reason: "x" },
        ] {
            assert!(next_state(ApprovalState::Approved, &step, user(), Some(user())).is_err());
        }
        assert!(!editable(ApprovalState::Approved));
        assert!(!editable(ApprovalState::Submitted));
    }

    #[test]
    fn only_the_submitter_withdraws() {
        let author = user();
        assert_eq!(
            next_state(
                ApprovalState::Submitted,
                &ApprovalStep::Withdraw,
                author,
                Some(author)
            ),
            Ok(ApprovalState::Draft)
        );
        assert!(
            next_state(
                ApprovalState::Submitted,
                &ApprovalStep::Withdraw,
                user(),
                Some(author)
            )
            .is_err()
        );
    }
}
