//! The watch list in the store: laws, guidelines and technology changes the CISO office
//! follows, their impact on the standard's items, and what became of each — no change
//! needed, or taken into a revision of the standard (a draft version it links to).

use chrono::{DateTime, NaiveDate, Utc};
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::approval::ApprovalState;
use kamae_core::ids::{ArtifactVersionId, WatchEntryId};
use kamae_core::rules::{ChangeReason, WatchKind, WatchStatus};
use kamae_core::text::{Code, required_reason, required_text};
use serde::Serialize;

use crate::db::{Row, args, t};
use crate::rules::{StandardDraft, StandardMeta};
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check};

const KIND: RecordKind = RecordKind::GroupReference;
const STANDARD: RecordKind =
    RecordKind::Artifact(kamae_core::artifact::ArtifactKind::MeasuresAndRules);
const WHAT: (&str, &str) = ("動向", "watch list entry");

#[derive(Debug, Clone)]
pub struct NewWatchEntry {
    pub kind: WatchKind,
    pub title: String,
    /// Where it was read: the publisher, the document, a URL.
    pub source: String,
    pub published_on: NaiveDate,
    pub summary: String,
    /// What it means for the standard, in words.
    pub impact: String,
    /// The items it affects.
    pub items: Vec<Code>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchEntry {
    pub id: WatchEntryId,
    pub kind: WatchKind,
    pub title: String,
    pub source: String,
    pub published_on: NaiveDate,
    pub summary: String,
    pub impact: String,
    pub items: Vec<String>,
    pub status: WatchStatus,
    pub decision_note: String,
    /// The version of the standard it was taken into, with its number.
    pub revision: Option<(ArtifactVersionId, u32)>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub archived: bool,
}

impl Store {
    async fn check_watch(&self, actor: &Actor, new: &NewWatchEntry) -> Result<String> {
        check(actor, Action::Write, KIND, Scope::Group, WHAT)?;
        let mut ja = Vec::new();
        let mut en = Vec::new();
        let mut push = |field: &str, p: Problem| {
            ja.push(format!("{field}: {}", p.ja));
            en.push(format!("{field}: {}", p.en));
        };
        let title = required_text(&new.title, "件名", "title")
            .map_err(|p| push("title", p))
            .unwrap_or_default();
        if let Err(p) = required_text(&new.source, "出典", "source") {
            push("source", p);
        }
        if !new.items.is_empty() {
            // The items it affects may be new in a draft as well as in the approved version.
            let latest = self.latest_standard(actor).await?;
            let current = self.current_standard(actor).await?;
            for code in &new.items {
                let known = [&latest, &current].iter().any(|s| {
                    s.as_ref()
                        .is_some_and(|s| s.items.iter().any(|i| i.code == *code))
                });
                if !known {
                    push(
                        "items",
                        Problem::new(
                            "unknown_item",
                            format!("項目 {code} は基準にありません"),
                            format!("item {code} is not in the standard"),
                        ),
                    );
                }
            }
        }
        if ja.is_empty() {
            Ok(title)
        } else {
            Err(Problem::new("invalid_watch_entry", ja.join("\n"), en.join("\n")).into())
        }
    }

    fn watch_image(new: &NewWatchEntry, title: &str) -> serde_json::Value {
        serde_json::json!({
            "kind": new.kind.as_str(), "title": title, "source": new.source.trim(),
            "published_on": new.published_on, "summary": new.summary.trim(), "impact": new.impact.trim(),
            "items": new.items,
        })
    }

    pub async fn record_watch(&self, actor: &Actor, new: NewWatchEntry) -> Result<WatchEntry> {
        let title = self.check_watch(actor, &new).await?;
        let id = crate::new_id(WatchEntryId::from_uuid);
        let who = actor
            .user()
            .map(|u| u.to_string())
            .unwrap_or_else(|| "system".to_owned());
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "create", "watch_entry", id).after(&Self::watch_image(&new, &title)),
            vec![stmt(
                "INSERT INTO watch_entries (id, group_id, kind, title, source, published_on, summary, impact, items, \
                 status, decision_note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'open', '', $10, $11)",
                args![
                    t(id),
                    t(actor.group()),
                    new.kind.as_str(),
                    title,
                    new.source.trim().to_owned(),
                    new.published_on,
                    new.summary.trim().to_owned(),
                    new.impact.trim().to_owned(),
                    serde_json::to_string(&new.items)?,
                    who,
                    now
                ],
            )],
        )
        .await?;
        w.commit().await?;
        self.watch_entry(actor, id).await
    }

    pub async fn edit_watch(
        &self,
        actor: &Actor,
        id: WatchEntryId,
        new: NewWatchEntry,
    ) -> Result<WatchEntry> {
        let old = self.watch_entry(actor, id).await?;
        let title = self.check_watch(actor, &new).await?;
        if old.archived {
            return Err(
                Problem::new("archived", "終了した記録です", "this entry has ended").into(),
            );
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        w.apply(
            Change::new(actor.group(), "update", "watch_entry", id)
                .before(&serde_json::json!({
                    "kind": old.kind.as_str(), "title": old.title, "source": old.source, "published_on": old.published_on,
                    "summary": old.summary, "impact": old.impact, "items": old.items,
                }))
                .after(&Self::watch_image(&new, &title)),
            vec![stmt(
                "UPDATE watch_entries SET kind = $1, title = $2, source = $3, published_on = $4, summary = $5, impact = $6, \
                 items = $7 WHERE id = $8 AND group_id = $9",
                args![
                    new.kind.as_str(),
                    title,
                    new.source.trim().to_owned(),
                    new.published_on,
                    new.summary.trim().to_owned(),
                    new.impact.trim().to_owned(),
                    serde_json::to_string(&new.items)?,
                    t(id),
                    t(actor.group())
                ],
            )],
        )
        .await?;
        w.commit().await?;
        self.watch_entry(actor, id).await
    }

    /// Decides that the standard needs no change for it, with why.
    pub async fn watch_no_change(
        &self,
        actor: &Actor,
        id: WatchEntryId,
        reason: &str,
    ) -> Result<WatchEntry> {
        let old = self.watch_entry(actor, id).await?;
        check(actor, Action::Write, KIND, Scope::Group, WHAT)?;
        let reason = required_reason(Some(reason))?;
        self.set_watch_status(actor, &old, WatchStatus::NoChange, &reason, None)
            .await
    }

    /// Takes it into a revision of the standard: into the open draft if there is one, else a
    /// new draft version made from the newest one, for the reason "new law or technology".
    pub async fn watch_into_revision(
        &self,
        actor: &Actor,
        id: WatchEntryId,
        note: &str,
    ) -> Result<WatchEntry> {
        let old = self.watch_entry(actor, id).await?;
        check(actor, Action::Write, KIND, Scope::Group, WHAT)?;
        check(
            actor,
            Action::Write,
            STANDARD,
            Scope::Group,
            ("基準", "standard"),
        )?;
        let latest = self.latest_standard(actor).await?.ok_or_else(|| {
            Problem::new(
                "no_standard",
                "基準はまだありません",
                "there is no standard yet",
            )
        })?;
        let version = match latest.version.approval.state {
            ApprovalState::Draft | ApprovalState::Rejected => latest.version.reference.version,
            ApprovalState::Submitted => {
                return Err(Problem::new(
                    "awaiting_decision",
                    "承認待ちの改訂があります。判断が出てから、次の改訂に取り込んでください",
                    "a revision is awaiting decision; take this into the next one once it is decided",
                )
                .into());
            }
            ApprovalState::Approved => {
                let change_log = format!("動向「{}」を反映する。", old.title);
                let saved = self
                    .save_standard(
                        actor,
                        StandardDraft {
                            title: latest.version.title.clone(),
                            meta: StandardMeta {
                                reason: ChangeReason::NewLawOrTechnology,
                                change_log,
                                next_review_on: latest.meta.as_ref().and_then(|m| m.next_review_on),
                            },
                            items: latest.items.clone(),
                        },
                    )
                    .await?;
                match saved {
                    Some((v, _)) => v,
                    None => latest.version.reference.version,
                }
            }
        };
        self.set_watch_status(
            actor,
            &old,
            WatchStatus::Revision,
            note.trim(),
            Some(version),
        )
        .await
    }

    pub(crate) async fn set_watch_status(
        &self,
        actor: &Actor,
        old: &WatchEntry,
        status: WatchStatus,
        note: &str,
        version: Option<ArtifactVersionId>,
    ) -> Result<WatchEntry> {
        if old.archived {
            return Err(
                Problem::new("archived", "終了した記録です", "this entry has ended").into(),
            );
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        w.apply(
            Change::new(actor.group(), status.as_str(), "watch_entry", old.id)
                .reason(Some(note).filter(|n| !n.is_empty()))
                .before(&serde_json::json!({"status": old.status.as_str(), "decision_note": old.decision_note,
                    "revision": old.revision.map(|(v, _)| v.to_string())}))
                .after(&serde_json::json!({"status": status.as_str(), "decision_note": note,
                    "revision": version.map(|v| v.to_string())})),
            vec![stmt(
                "UPDATE watch_entries SET status = $1, decision_note = $2, revision_version_id = $3 WHERE id = $4 AND group_id = $5",
                args![status.as_str(), note.to_owned(), version.map(|v| v.to_string()), t(old.id), t(actor.group())],
            )],
        )
        .await?;
        w.commit().await?;
        self.watch_entry(actor, old.id).await
    }

    pub async fn archive_watch(&self, actor: &Actor, id: WatchEntryId, reason: &str) -> Result<()> {
        let old = self.watch_entry(actor, id).await?;
        check(actor, Action::Write, KIND, Scope::Group, WHAT)?;
        let reason = required_reason(Some(reason))?;
        if old.archived {
            return Ok(());
        }
        self.archive_record(
            actor,
            "watch_entry",
            id,
            "UPDATE watch_entries SET archived_at = $1 WHERE id = $2 AND group_id = $3",
            serde_json::json!({"title": old.title}),
            &reason,
        )
        .await
    }

    pub async fn watch_entry(&self, actor: &Actor, id: WatchEntryId) -> Result<WatchEntry> {
        self.watch_entries(actor, Some(id))
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))
    }

    /// The watch list, those still to assess first, then the newest.
    pub async fn watch_list(&self, actor: &Actor) -> Result<Vec<WatchEntry>> {
        let mut all = self.watch_entries(actor, None).await?;
        all.sort_by_key(|e| {
            (
                e.archived,
                e.status != WatchStatus::Open,
                std::cmp::Reverse(e.published_on),
            )
        });
        Ok(all)
    }

    async fn watch_entries(
        &self,
        actor: &Actor,
        only: Option<WatchEntryId>,
    ) -> Result<Vec<WatchEntry>> {
        check(actor, Action::Read, KIND, Scope::Group, WHAT)?;
        let filter = only.map(|i| i.to_string()).unwrap_or_default();
        let rows = self
            .db
            .fetch_all(
                "SELECT w.id, w.kind, w.title, w.source, w.published_on, w.summary, w.impact, w.items, w.status, \
                 w.decision_note, w.revision_version_id, v.number AS revision_number, w.created_by, w.created_at, w.archived_at \
                 FROM watch_entries w LEFT JOIN artifact_versions v ON v.id = w.revision_version_id \
                 WHERE w.group_id = $1 AND ($2 = '' OR w.id = $2)",
                args![t(actor.group()), filter],
            )
            .await?;
        rows.iter().map(watch_from).collect()
    }
}

fn watch_from(r: &Row) -> Result<WatchEntry> {
    let revision = match r.opt_parse::<ArtifactVersionId>("revision_version_id")? {
        Some(v) => Some((
            v,
            u32::try_from(r.int("revision_number")?).unwrap_or_default(),
        )),
        None => None,
    };
    Ok(WatchEntry {
        id: r.parse("id")?,
        kind: WatchKind::parse(&r.text("kind")?)?,
        title: r.text("title")?,
        source: r.text("source")?,
        published_on: r.opt_date("published_on")?.unwrap_or_default(),
        summary: r.text("summary")?,
        impact: r.text("impact")?,
        items: serde_json::from_str(&r.text("items")?)?,
        status: WatchStatus::parse(&r.text("status")?)?,
        decision_note: r.text("decision_note")?,
        revision,
        created_by: r.text("created_by")?,
        created_at: r.instant("created_at")?,
        archived: r.opt_instant("archived_at")?.is_some(),
    })
}
