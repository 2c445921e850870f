//! Reading the audit trail: verifying the chain, the history of one record, and the
//! security event log.

use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::artifact::ArtifactKind;
use kamae_core::audit::{AuditRow, ChainBreak, ChainHead, ChainWalker};
use serde::Serialize;

use crate::db::{Row, args, t};
use crate::{Result, Store, StoreError, check};

/// One audit row as people read it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub record_kind: String,
    pub record_id: String,
    pub reason: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

fn row_from(r: &Row) -> Result<(AuditRow, String)> {
    Ok((
        AuditRow {
            seq: r.int("seq")?,
            at: r.text("at")?,
            group_id: r.opt_text("group_id")?,
            actor: r.text("actor")?,
            actor_label: r.text("actor_label")?,
            action: r.text("action")?,
            record_kind: r.text("record_kind")?,
            record_id: r.text("record_id")?,
            reason: r.opt_text("reason")?,
            before: r.opt_text("before")?,
            after: r.opt_text("after")?,
            security_event: r.boolean("security_event")?,
            prev_hash: r.text("prev_hash")?,
        },
        r.text("hash")?,
    ))
}

fn entry_from(r: &Row) -> Result<AuditEntry> {
    let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    Ok(AuditEntry {
        seq: r.int("seq")?,
        at: r.text("at")?,
        actor: r.text("actor_label")?,
        action: r.text("action")?,
        record_kind: r.text("record_kind")?,
        record_id: r.text("record_id")?,
        reason: r.opt_text("reason")?,
        before: json(r.opt_text("before")?),
        after: json(r.opt_text("after")?),
    })
}

const AUDIT_COLUMNS_SQL: &str = "SELECT seq, at, group_id, actor, actor_label, action, record_kind, record_id, reason, \
     before, after, security_event, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 5000";

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    Intact { head: ChainHead, rows: i64 },
    Broken(ChainBreak),
}

impl Store {
    /// Walks the whole chain of the store, in pages, and checks an earlier head if given.
    pub async fn verify(&self, expect: Option<&ChainHead>) -> Result<Verification> {
        let mut walker = ChainWalker::new();
        let mut after = 0i64;
        let mut rows = 0i64;
        let mut hash_at_expected: Option<String> = None;
        loop {
            let page = self.db.fetch_all(AUDIT_COLUMNS_SQL, args![after]).await?;
            if page.is_empty() {
                break;
            }
            for r in &page {
                let (row, hash) = row_from(r)?;
                if let Err(b) = walker.push(&row, &hash) {
                    return Ok(Verification::Broken(b));
                }
                if expect.is_some_and(|e| e.seq == row.seq) {
                    hash_at_expected = Some(hash.clone());
                }
                after = row.seq;
                rows += 1;
            }
        }
        if let Some(e) = expect
            && let Err(b) = walker.check_expected(e, hash_at_expected.as_deref())
        {
            return Ok(Verification::Broken(b));
        }
        Ok(Verification::Intact {
            head: walker.head(),
            rows,
        })
    }

    /// Where a record lives, for deciding who may read its history.
    async fn record_resource(
        &self,
        actor: &Actor,
        kind: &str,
        id: &str,
    ) -> Result<(RecordKind, Scope)> {
        let g = t(actor.group());
        let missing = || StoreError::not_found("記録", "record");
        let company_scope = |r: &Row| -> Result<Scope> {
            Ok(Scope::Company {
                company: r.parse("company_id")?,
            })
        };
        // Each lookup is bounded by the actor's group: another group's record is not found.
        let exists = |sql: &'static str| {
            let g = t(actor.group());
            async move {
                self.db
                    .fetch_optional(sql, args![g, id])
                    .await?
                    .map(|_| ())
                    .ok_or_else(missing)
            }
        };
        Ok(match kind {
            "group" => {
                if id != actor.group().to_string() {
                    return Err(missing());
                }
                (RecordKind::GroupReference, Scope::Group)
            }
            "company" => {
                exists("SELECT id FROM companies WHERE group_id = $1 AND id = $2").await?;
                (
                    RecordKind::Organisation,
                    Scope::Company {
                        company: id.parse()?,
                    },
                )
            }
            "site" => {
                let r = self
                    .db
                    .fetch_optional(
                        "SELECT company_id FROM sites WHERE group_id = $1 AND id = $2",
                        args![g, id],
                    )
                    .await?
                    .ok_or_else(missing)?;
                (
                    RecordKind::Organisation,
                    Scope::Site {
                        company: r.parse("company_id")?,
                        site: id.parse()?,
                    },
                )
            }
            "department" => {
                let r = self
                    .db
                    .fetch_optional(
                        "SELECT company_id FROM departments WHERE group_id = $1 AND id = $2",
                        args![g, id],
                    )
                    .await?
                    .ok_or_else(missing)?;
                (
                    RecordKind::Organisation,
                    Scope::Department {
                        company: r.parse("company_id")?,
                        department: id.parse()?,
                    },
                )
            }
            "person" => {
                let r = self
                    .db
                    .fetch_optional(
                        "SELECT company_id, department_id FROM people WHERE group_id = $1 AND id = $2",
                        args![g, id],
                    )
                    .await?
                    .ok_or_else(missing)?;
                let scope = match r.opt_parse("department_id")? {
                    Some(department) => Scope::Department {
                        company: r.parse("company_id")?,
                        department,
                    },
                    None => company_scope(&r)?,
                };
                (RecordKind::Organisation, scope)
            }
            "security_staff" => {
                let r = self
                    .db
                    .fetch_optional(
                        "SELECT company_id FROM security_staff WHERE group_id = $1 AND id = $2",
                        args![g, id],
                    )
                    .await?
                    .ok_or_else(missing)?;
                (RecordKind::Organisation, company_scope(&r)?)
            }
            "business_relationship" => {
                exists("SELECT id FROM business_relationships WHERE group_id = $1 AND id = $2")
                    .await?;
                (RecordKind::Organisation, Scope::Group)
            }
            "artifact_version"
            | "approval"
            | "risk_assessment"
            | "risk"
            | "risk_treatment_plan"
            | "risk_treatment"
            | "assessment_context" => {
                // A risk is `ASSESSMENT:CODE`; it lives where its assessment does.
                let version = id.split(':').next().unwrap_or_default();
                let r = self
                    .db
                    .fetch_optional(
                        "SELECT s.kind, s.company_id FROM artifact_versions v JOIN artifact_series s ON s.id = v.series_id \
                         WHERE v.group_id = $1 AND v.id = $2",
                        args![g, version],
                    )
                    .await?
                    .ok_or_else(missing)?;
                let scope = match r.opt_parse("company_id")? {
                    Some(company) => Scope::Company { company },
                    None => Scope::Group,
                };
                (
                    RecordKind::Artifact(ArtifactKind::parse(&r.text("kind")?)?),
                    scope,
                )
            }
            "exception" => {
                let r = self
                    .db
                    .fetch_optional(
                        "SELECT company_id, group_mandatory FROM exceptions WHERE group_id = $1 AND id = $2",
                        args![g, id],
                    )
                    .await?
                    .ok_or_else(missing)?;
                (
                    RecordKind::Exception {
                        group_mandatory: r.boolean("group_mandatory")?,
                    },
                    company_scope(&r)?,
                )
            }
            "applicability_agreement" => {
                let r = self
                    .db
                    .fetch_optional(
                        "SELECT company_id FROM applicability_agreements WHERE group_id = $1 AND id = $2",
                        args![g, id],
                    )
                    .await?
                    .ok_or_else(missing)?;
                (RecordKind::Applicability, company_scope(&r)?)
            }
            "advice" => {
                let r = self
                    .db
                    .fetch_optional(
                        "SELECT company_id, department_id FROM advice WHERE group_id = $1 AND id = $2",
                        args![g, id],
                    )
                    .await?
                    .ok_or_else(missing)?;
                (
                    crate::advice::ADVICE,
                    Scope::Department {
                        company: r.parse("company_id")?,
                        department: r.parse("department_id")?,
                    },
                )
            }
            "watch_entry" => {
                exists("SELECT id FROM watch_entries WHERE group_id = $1 AND id = $2").await?;
                (RecordKind::GroupReference, Scope::Group)
            }
            "glossary_term" => {
                exists("SELECT id FROM glossary_terms WHERE group_id = $1 AND id = $2").await?;
                (RecordKind::GroupReference, Scope::Group)
            }
            "context_factor" => {
                let r = self
                    .db
                    .fetch_optional(
                        "SELECT company_id FROM risk_context_factors WHERE group_id = $1 AND id = $2",
                        args![g, id],
                    )
                    .await?
                    .ok_or_else(missing)?;
                crate::context::access_of(r.opt_parse("company_id")?)
            }
            "information_asset" => {
                let r = self
                    .db
                    .fetch_optional(
                        "SELECT company_id, department_id FROM information_assets WHERE group_id = $1 AND id = $2",
                        args![g, id],
                    )
                    .await?
                    .ok_or_else(missing)?;
                let scope = match r.opt_parse("department_id")? {
                    Some(department) => Scope::Department {
                        company: r.parse("company_id")?,
                        department,
                    },
                    None => company_scope(&r)?,
                };
                (RecordKind::Artifact(ArtifactKind::RiskAssessment), scope)
            }
            "risk_matrix" => {
                exists("SELECT id FROM risk_matrices WHERE group_id = $1 AND id = $2").await?;
                (RecordKind::GroupReference, Scope::Group)
            }
            "reference_framework" => {
                exists("SELECT id FROM reference_frameworks WHERE group_id = $1 AND id = $2")
                    .await?;
                (RecordKind::GroupReference, Scope::Group)
            }
            "user" => {
                exists("SELECT id FROM users WHERE group_id = $1 AND id = $2").await?;
                (RecordKind::Administration, Scope::Group)
            }
            "grant" => {
                exists("SELECT id FROM grants WHERE group_id = $1 AND id = $2").await?;
                (RecordKind::Administration, Scope::Group)
            }
            "api_token" => {
                exists("SELECT id FROM api_tokens WHERE group_id = $1 AND id = $2").await?;
                (RecordKind::Administration, Scope::Group)
            }
            other => {
                return Err(Problem::new(
                    "unknown_record_kind",
                    format!("記録の種類 {other:?} は不明です"),
                    format!("unknown record kind {other:?}"),
                )
                .into());
            }
        })
    }

    /// Who changed a record, when, what and why, oldest first. For an artifact version this
    /// includes its approval steps and the versions it was made from.
    pub async fn history(&self, actor: &Actor, kind: &str, id: &str) -> Result<Vec<AuditEntry>> {
        let (record_kind, scope) = self.record_resource(actor, kind, id).await?;
        check(actor, Action::Read, record_kind, scope, ("記録", "record"))?;
        if record_kind != RecordKind::Administration {
            check(
                actor,
                Action::Read,
                RecordKind::RecordHistory,
                scope,
                ("記録の履歴", "record history"),
            )?;
        }
        let rows = if kind == "advice" {
            self.db
                .fetch_all(
                    "SELECT seq, at, actor_label, action, record_kind, record_id, reason, before, after FROM audit_log \
                     WHERE group_id = $1 AND ((record_kind IN ('advice', 'advice_follow_ups') AND record_id = $2) \
                     OR (record_kind = 'advice_follow_up' AND record_id LIKE $3)) ORDER BY seq",
                    args![t(actor.group()), id, format!("{id}:%")],
                )
                .await?
        } else if kind == "applicability_agreement" {
            self.db
                .fetch_all(
                    "SELECT seq, at, actor_label, action, record_kind, record_id, reason, before, after FROM audit_log \
                     WHERE group_id = $1 AND record_kind IN ('applicability_agreement', 'applicability_items', 'approval') \
                     AND record_id = $2 ORDER BY seq",
                    args![t(actor.group()), id],
                )
                .await?
        } else if kind == "exception" {
            self.db
                .fetch_all(
                    "SELECT seq, at, actor_label, action, record_kind, record_id, reason, before, after FROM audit_log \
                     WHERE group_id = $1 AND ((record_kind IN ('exception', 'exception_parts', 'approval') AND record_id = $2) \
                     OR (record_kind = 'exception_milestone' AND record_id LIKE $3)) ORDER BY seq",
                    args![t(actor.group()), id, format!("{id}:%")],
                )
                .await?
        } else if kind == "artifact_version" || kind == "approval" {
            self.db
                .fetch_all(
                    "SELECT seq, at, actor_label, action, record_kind, record_id, reason, before, after FROM audit_log \
                     WHERE group_id = $1 AND ((record_kind IN ('artifact_version', 'approval', 'standard_version') AND record_id = $2) \
                     OR (record_kind IN ('artifact_input', 'standard_item') AND record_id LIKE $3)) ORDER BY seq",
                    args![t(actor.group()), id, format!("{id}:%")],
                )
                .await?
        } else {
            self.db
                .fetch_all(
                    "SELECT seq, at, actor_label, action, record_kind, record_id, reason, before, after FROM audit_log \
                     WHERE group_id = $1 AND record_kind = $2 AND record_id = $3 ORDER BY seq",
                    args![t(actor.group()), kind, id],
                )
                .await?
        };
        let mut entries: Vec<AuditEntry> = rows.iter().map(entry_from).collect::<Result<_>>()?;
        if kind == "artifact_version" || kind == "approval" {
            // What a version was made from may lie outside the reader's scope: those ids
            // are left out, as everywhere else.
            let readable = self.readable_version_ids(actor).await?;
            entries.retain(|e| {
                e.record_kind != "artifact_input"
                    || e.record_id
                        .split(':')
                        .nth(1)
                        .is_some_and(|input| readable.contains(input))
            });
            for e in &mut entries {
                for image in [&mut e.before, &mut e.after].into_iter().flatten() {
                    if let Some(inputs) = image.get_mut("inputs").and_then(|i| i.as_array_mut()) {
                        inputs.retain(|i| i.as_str().is_some_and(|i| readable.contains(i)));
                    }
                }
            }
        }
        Ok(entries)
    }

    /// The security event log of the actor's group, newest first.
    pub async fn security_events(&self, actor: &Actor, limit: i64) -> Result<Vec<AuditEntry>> {
        check(
            actor,
            Action::Read,
            RecordKind::SecurityEvents,
            Scope::Group,
            ("セキュリティイベント", "security event log"),
        )?;
        let rows = self
            .db
            .fetch_all(
                "SELECT seq, at, actor_label, action, record_kind, record_id, reason, before, after FROM audit_log \
                 WHERE group_id = $1 AND security_event = TRUE ORDER BY seq DESC LIMIT $2",
                args![t(actor.group()), limit.clamp(1, 10_000)],
            )
            .await?;
        rows.iter().map(entry_from).collect()
    }
}
