//! Applicability agreements in the store: per company, which company-mandatory items bind
//! it and which recommended ones it adopts, drafted by the CISO office or the company's lead
//! and decided by the CISO; and the company's view of the standard that follows from it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, Decision, RecordKind, Resource, Scope, authorize};
use kamae_core::approval::{ApprovalState, ApprovalStep};
use kamae_core::ids::{AgreementId, ArtifactVersionId, CompanyId};
use kamae_core::org::Company;
use kamae_core::rules::{Applicability, Applies, ExceptionStatus, ItemChanges, StandardItem};
use kamae_core::text::Code;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::approval::{self, Approval};
use crate::artifact::VersionRef;
use crate::db::{Row, args, t};
use crate::exceptions::ExceptionView;
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check, may_read};

const KIND: RecordKind = RecordKind::Applicability;
const WHAT: (&str, &str) = ("適用範囲の合意", "applicability agreement");
const DOCUMENT_KIND: &str = "applicability_agreement";

/// One applicability agreement, as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agreement {
    pub id: AgreementId,
    pub company: CompanyId,
    pub company_code: String,
    pub company_name: String,
    /// The approved version of the standard it was made against.
    pub standard_version: ArtifactVersionId,
    pub choices: Applicability,
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    /// A newer agreement was approved in its place.
    pub superseded: bool,
    pub approval: Approval,
}

/// What the writer gives.
#[derive(Debug, Clone, Default)]
pub struct AgreementDraft {
    pub mandatory: Vec<Code>,
    pub adopted: Vec<Code>,
    pub note: String,
}

/// An exception of the company that covers an item, as the company's view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoveringException {
    pub id: kamae_core::ids::ExceptionId,
    pub title: String,
    pub status: ExceptionStatus,
    pub expires_on: chrono::NaiveDate,
    /// Site codes; empty for the whole company.
    pub sites: Vec<String>,
}

/// Where one item stands for one company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppliedItem {
    pub item: StandardItem,
    pub applies: Applies,
    /// Approved exceptions and transitional measures of the company that cover it.
    pub exceptions: Vec<CoveringException>,
    /// A binding item whose exception expired: not met, and no longer covered.
    pub non_compliance: bool,
}

/// What a revision of the standard (newer than the approved one) changes for the company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanyRevision {
    pub version: VersionRef,
    pub state: ApprovalState,
    pub changes: ItemChanges,
    pub binding_after: usize,
    /// New company-mandatory items that no agreement decides yet.
    pub undecided: Vec<String>,
}

/// The standard as one company sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanyStandard {
    pub company: Company,
    /// The approved standard the company works to (none before the first approval).
    pub standard: Option<VersionRef>,
    /// The agreement in force.
    pub agreement: Option<Agreement>,
    /// A newer agreement being drafted or decided.
    pub open: Option<Agreement>,
    /// Every agreement of the company, newest first.
    pub history: Vec<Agreement>,
    pub items: Vec<AppliedItem>,
    pub binding_now: usize,
    /// The previous approved version of the standard and how many items bound the company
    /// under it (with today's agreement).
    pub binding_before: Option<(VersionRef, usize)>,
    pub revision: Option<CompanyRevision>,
}

impl CompanyStandard {
    /// How many binding items are not met because their exception expired.
    pub fn non_compliance(&self) -> usize {
        self.items.iter().filter(|i| i.non_compliance).count()
    }
}

/// One line of the overview of every company's agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CompanyApplicability {
    pub company_code: String,
    pub company_name: String,
    pub in_force: Option<ApprovalState>,
    pub open: Option<ApprovalState>,
    pub binding: usize,
    pub non_compliance: usize,
}

fn content_hash(standard: ArtifactVersionId, choices: &Applicability, note: &str) -> String {
    let content = serde_json::json!({
        "standard_version": standard.to_string(), "mandatory": choices.mandatory,
        "adopted": choices.adopted, "note": note,
    });
    hex::encode(Sha256::digest(content.to_string().as_bytes()))
}

fn agreement_from(r: &Row, choices: Applicability) -> Result<Agreement> {
    Ok(Agreement {
        id: r.parse("id")?,
        company: r.parse("company_id")?,
        company_code: r.text("company_code")?,
        company_name: r.text("company_name")?,
        standard_version: r.parse("standard_version_id")?,
        choices,
        note: r.text("note")?,
        created_by: r.text("created_by")?,
        created_at: r.instant("created_at")?,
        superseded: r.opt_instant("superseded_at")?.is_some(),
        approval: approval::approval_from(r)?,
    })
}

impl Store {
    /// Every agreement of one company (or of every company the actor may see), newest first.
    pub(crate) async fn agreements_of(
        &self,
        actor: &Actor,
        company: Option<CompanyId>,
    ) -> Result<Vec<Agreement>> {
        let g = t(actor.group());
        let filter = company.map(|c| c.to_string()).unwrap_or_default();
        let rows = self
            .db
            .fetch_all(
                "SELECT g.id, g.company_id, c.code AS company_code, c.name AS company_name, g.standard_version_id, \
                 g.note, g.created_by, g.created_at, g.superseded_at, a.document_id, a.document_kind, a.state, \
                 a.content_hash, a.submitted_by, a.submitted_at, a.decided_by, a.decided_at, a.decision_reason \
                 FROM applicability_agreements g JOIN companies c ON c.id = g.company_id \
                 JOIN approvals a ON a.document_id = g.id \
                 WHERE g.group_id = $1 AND ($2 = '' OR g.company_id = $2) ORDER BY g.created_at DESC, g.id DESC",
                args![g.clone(), filter.clone()],
            )
            .await?;
        let mut choices: HashMap<String, Applicability> = HashMap::new();
        for r in self
            .db
            .fetch_all(
                "SELECT i.agreement_id, i.item_code, i.choice FROM applicability_items i \
                 JOIN applicability_agreements g ON g.id = i.agreement_id \
                 WHERE i.group_id = $1 AND ($2 = '' OR g.company_id = $2) ORDER BY i.item_code",
                args![g, filter],
            )
            .await?
        {
            let entry = choices.entry(r.text("agreement_id")?).or_default();
            match r.text("choice")?.as_str() {
                "mandatory" => entry.mandatory.push(r.text("item_code")?),
                _ => entry.adopted.push(r.text("item_code")?),
            }
        }
        let mut out = Vec::new();
        for r in &rows {
            let company: CompanyId = r.parse("company_id")?;
            if !may_read(actor, KIND, Scope::Company { company }) {
                continue;
            }
            let id = r.text("id")?;
            out.push(agreement_from(r, choices.remove(&id).unwrap_or_default())?);
        }
        Ok(out)
    }

    /// The agreement in force (the newest approved) and the open one, if any.
    pub(crate) fn split_agreements(
        history: &[Agreement],
    ) -> (Option<Agreement>, Option<Agreement>) {
        let in_force = history
            .iter()
            .find(|a| a.approval.state == ApprovalState::Approved && !a.superseded)
            .cloned();
        let open = history
            .iter()
            .find(|a| a.approval.state != ApprovalState::Approved)
            .cloned();
        (in_force, open)
    }

    /// The standard as one company sees it: what binds it, what it adopted, where an
    /// exception covers an item or has expired, and what a pending revision changes for it.
    pub async fn company_standard(&self, actor: &Actor, code: &Code) -> Result<CompanyStandard> {
        let company = self.company_by_code(actor, code).await?;
        check(
            actor,
            Action::Read,
            KIND,
            Scope::Company {
                company: company.id,
            },
            WHAT,
        )?;
        let history = self.agreements_of(actor, Some(company.id)).await?;
        let (agreement, open) = Self::split_agreements(&history);
        let choices = agreement
            .as_ref()
            .map(|a| a.choices.clone())
            .unwrap_or_default();
        let versions = self.standard_versions(actor).await?;
        let mut approved = versions
            .iter()
            .filter(|v| v.state == ApprovalState::Approved);
        let current = approved.next();
        let previous = approved.next();
        let exceptions: Vec<ExceptionView> = self
            .exceptions(actor)
            .await?
            .into_iter()
            .filter(|e| e.company == company.id && e.approval.state == ApprovalState::Approved)
            .collect();
        let mut items = Vec::new();
        let mut current_items: Vec<StandardItem> = Vec::new();
        if let Some(v) = current {
            current_items = self
                .standard_version(actor, v.reference.version)
                .await?
                .items;
            for item in &current_items {
                let applies = choices.of(item);
                let covering: Vec<CoveringException> = exceptions
                    .iter()
                    .filter(|e| e.items.iter().any(|i| i.code == item.code.as_str()))
                    .filter(|e| {
                        matches!(
                            e.status,
                            ExceptionStatus::Active
                                | ExceptionStatus::NotStarted
                                | ExceptionStatus::Expired
                        )
                    })
                    .map(|e| CoveringException {
                        id: e.id,
                        title: e.title.clone(),
                        status: e.status,
                        expires_on: e.expires_on,
                        sites: e.sites.iter().map(|(c, _)| c.clone()).collect(),
                    })
                    .collect();
                let non_compliance = applies.binding()
                    && covering
                        .iter()
                        .any(|e| e.status == ExceptionStatus::Expired);
                items.push(AppliedItem {
                    item: item.clone(),
                    applies,
                    exceptions: covering,
                    non_compliance,
                });
            }
        }
        let binding_now = choices.binding_count(&current_items);
        let binding_before = match previous {
            Some(v) => {
                let old = self.standard_version(actor, v.reference.version).await?;
                Some((v.reference.clone(), choices.binding_count(&old.items)))
            }
            None => None,
        };
        // A version newer than the approved one (a draft, or one awaiting the CISO).
        let revision = match versions.first() {
            Some(v) if v.state != ApprovalState::Approved => {
                let new = self.standard_version(actor, v.reference.version).await?;
                Some(CompanyRevision {
                    version: v.reference.clone(),
                    state: v.state,
                    changes: choices.changes(&current_items, &new.items),
                    binding_after: choices.binding_count(&new.items),
                    undecided: choices.undecided(&current_items, &new.items),
                })
            }
            _ => None,
        };
        Ok(CompanyStandard {
            company,
            standard: current.map(|v| v.reference.clone()),
            agreement,
            open,
            history,
            items,
            binding_now,
            binding_before,
            revision,
        })
    }

    /// Every company the actor may see, with its agreement's state and how many items bind it.
    pub async fn applicability_overview(&self, actor: &Actor) -> Result<Vec<CompanyApplicability>> {
        let mut out = Vec::new();
        for c in self.companies(actor).await? {
            if !may_read(actor, KIND, Scope::Company { company: c.id }) {
                continue;
            }
            let view = self.company_standard(actor, &c.code).await?;
            out.push(CompanyApplicability {
                company_code: c.code.to_string(),
                company_name: c.name.clone(),
                in_force: view.agreement.as_ref().map(|a| a.approval.state),
                open: view.open.as_ref().map(|a| a.approval.state),
                binding: view.binding_now,
                non_compliance: view.non_compliance(),
            });
        }
        Ok(out)
    }

    /// Saves the company's agreement: into its open draft (a sent-back one is revised), or as
    /// a new draft against the approved standard. Checked whole before anything is written.
    pub async fn save_agreement(
        &self,
        actor: &Actor,
        code: &Code,
        draft: AgreementDraft,
    ) -> Result<Agreement> {
        let company = self.company_by_code(actor, code).await?;
        let scope = Scope::Company {
            company: company.id,
        };
        check(actor, Action::Write, KIND, scope, WHAT)?;
        let standard = self.current_standard(actor).await?.ok_or_else(|| {
            Problem::new(
                "no_approved_standard",
                "承認された基準がまだないため、適用範囲を合意できません",
                "there is no approved standard to agree the applicability of yet",
            )
        })?;
        let choices = Applicability::checked(&draft.mandatory, &draft.adopted, &standard.items)
            .map_err(|problems| {
                let ja: Vec<String> = problems
                    .iter()
                    .map(|(f, p)| format!("{f}: {}", p.ja))
                    .collect();
                let en: Vec<String> = problems
                    .iter()
                    .map(|(f, p)| format!("{f}: {}", p.en))
                    .collect();
                Problem::new("invalid_agreement", ja.join("\n"), en.join("\n"))
            })?;
        let note = draft.note.trim().to_owned();
        let standard_version = standard.version.reference.version;
        let history = self.agreements_of(actor, Some(company.id)).await?;
        let (in_force, open) = Self::split_agreements(&history);
        if open.is_none()
            && in_force.as_ref().is_some_and(|a| {
                a.choices == choices && a.note == note && a.standard_version == standard_version
            })
        {
            return Err(Problem::new(
                "unchanged",
                "承認済みの合意と同じ内容です",
                "this is the agreement already approved",
            )
            .into());
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let after = serde_json::json!({
            "company": code, "standard_version": standard_version.to_string(),
            "mandatory": choices.mandatory, "adopted": choices.adopted, "note": note,
        });
        let id = match open {
            Some(o) if o.approval.state == ApprovalState::Submitted => {
                return Err(Problem::new(
                    "awaiting_decision",
                    "承認待ちの合意は変更できません。取り下げるか、判断を待ってください",
                    "a submitted agreement cannot be changed; withdraw it or wait for the decision",
                )
                .into());
            }
            Some(o) => {
                if o.approval.state == ApprovalState::Rejected {
                    approval::take_step(
                        &mut w,
                        actor,
                        &o.id.to_string(),
                        &ApprovalStep::Revise,
                        "",
                    )
                    .await?;
                }
                w.apply(
                    Change::new(actor.group(), "update", "applicability_agreement", o.id)
                        .before(&serde_json::json!({
                            "standard_version": o.standard_version.to_string(),
                            "mandatory": o.choices.mandatory, "adopted": o.choices.adopted, "note": o.note,
                        }))
                        .after(&after),
                    vec![
                        stmt(
                            "UPDATE applicability_agreements SET standard_version_id = $1, note = $2 WHERE id = $3 AND group_id = $4",
                            args![t(standard_version), note.clone(), t(o.id), t(actor.group())],
                        ),
                        stmt(
                            "DELETE FROM applicability_items WHERE agreement_id = $1 AND group_id = $2",
                            args![t(o.id), t(actor.group())],
                        ),
                    ],
                )
                .await?;
                o.id
            }
            None => {
                let id = crate::new_id(AgreementId::from_uuid);
                let who = actor
                    .user()
                    .map(|u| u.to_string())
                    .unwrap_or_else(|| "system".to_owned());
                let now = w.now();
                w.apply(
                    Change::new(actor.group(), "create", "applicability_agreement", id).after(&after),
                    vec![stmt(
                        "INSERT INTO applicability_agreements (id, group_id, company_id, standard_version_id, note, created_by, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                        args![t(id), t(actor.group()), t(company.id), t(standard_version), note.clone(), who, now],
                    )],
                )
                .await?;
                approval::open_draft(
                    &mut w,
                    actor,
                    DOCUMENT_KIND,
                    &id.to_string(),
                    Some(company.id),
                )
                .await?;
                id
            }
        };
        let mut rows = Vec::new();
        for (choice, list) in [
            ("mandatory", &choices.mandatory),
            ("adopted", &choices.adopted),
        ] {
            for item in list {
                rows.push(stmt(
                    "INSERT INTO applicability_items (agreement_id, group_id, item_code, choice) VALUES ($1, $2, $3, $4)",
                    args![t(id), t(actor.group()), item.clone(), choice],
                ));
            }
        }
        if !rows.is_empty() {
            w.apply(
                Change::new(actor.group(), "set", "applicability_items", id).after(&after),
                rows,
            )
            .await?;
        }
        w.commit().await?;
        self.agreement(actor, id).await
    }

    /// One agreement.
    pub async fn agreement(&self, actor: &Actor, id: AgreementId) -> Result<Agreement> {
        let company: Option<CompanyId> = self
            .db
            .fetch_optional(
                "SELECT company_id FROM applicability_agreements WHERE group_id = $1 AND id = $2",
                args![t(actor.group()), t(id)],
            )
            .await?
            .map(|r| r.parse("company_id"))
            .transpose()?;
        let company = company.ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))?;
        self.agreements_of(actor, Some(company))
            .await?
            .into_iter()
            .find(|a| a.id == id)
            .ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))
    }

    /// Moves the company's open agreement one step. Approving it puts it in force in place of
    /// the one before, which stays in history as superseded.
    pub async fn agreement_step(
        &self,
        actor: &Actor,
        code: &Code,
        step: ApprovalStep<'_>,
    ) -> Result<Agreement> {
        let company = self.company_by_code(actor, code).await?;
        let action = match step {
            ApprovalStep::Approve | ApprovalStep::Reject { .. } => Action::Approve,
            _ => Action::Write,
        };
        check(
            actor,
            action,
            KIND,
            Scope::Company {
                company: company.id,
            },
            WHAT,
        )?;
        let history = self.agreements_of(actor, Some(company.id)).await?;
        let (in_force, open) = Self::split_agreements(&history);
        let open = open.ok_or_else(|| {
            Problem::new(
                "nothing_open",
                "この会社に、手続き中の適用範囲の合意はありません",
                "this company has no applicability agreement in progress",
            )
        })?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        approval::take_step(
            &mut w,
            actor,
            &open.id.to_string(),
            &step,
            &content_hash(open.standard_version, &open.choices, &open.note),
        )
        .await?;
        if step == ApprovalStep::Approve
            && let Some(old) = in_force
        {
            let now = w.now();
            w.apply(
                Change::new(actor.group(), "supersede", "applicability_agreement", old.id)
                    .after(&serde_json::json!({"superseded_by": open.id.to_string()})),
                vec![stmt(
                    "UPDATE applicability_agreements SET superseded_at = $1 WHERE id = $2 AND group_id = $3",
                    args![now, t(old.id), t(actor.group())],
                )],
            )
            .await?;
        }
        w.commit().await?;
        self.agreement(actor, open.id).await
    }

    /// Submitted agreements the actor may decide (not their own submissions).
    pub async fn agreement_inbox(&self, actor: &Actor) -> Result<Vec<Agreement>> {
        let me = actor.user().map(|u| u.to_string());
        Ok(self
            .agreements_of(actor, None)
            .await?
            .into_iter()
            .filter(|a| {
                a.approval.state == ApprovalState::Submitted
                    && a.approval.submitted_by != me
                    && authorize(
                        actor,
                        Action::Approve,
                        &Resource {
                            group: actor.group(),
                            kind: KIND,
                            scope: Scope::Company { company: a.company },
                        },
                    ) == Decision::Allow
            })
            .collect())
    }
}
