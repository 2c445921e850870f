//! The one write path. A [`Write`] is a serialised transaction: every statement that changes
//! a record runs through [`Write::apply`], which appends the audit row (who, when, what
//! before and after, why) to the hash chain in the same transaction. Nothing else in the
//! store holds a transaction, so nothing else can write.

use chrono::{DateTime, SecondsFormat, Utc};
use kamae_core::Problem;
use kamae_core::access::Actor;
use kamae_core::audit::{AuditRow, GENESIS, redact};
use kamae_core::ids::GroupId;
use kamae_core::text::required_reason;
use serde::Serialize;

use crate::db::{Arg, Row, Tx, args, ot};
use crate::{Result, Store, StoreError};

/// Who the audit trail names.
#[derive(Debug, Clone)]
pub(crate) struct Who {
    pub actor: String,
    pub label: String,
}

impl Who {
    pub fn of(actor: &Actor) -> Self {
        match actor {
            Actor::User(p) => Who {
                actor: p.user.to_string(),
                label: p.email.clone(),
            },
            Actor::System { .. } => Self::system(),
        }
    }

    pub fn system() -> Self {
        Who {
            actor: "system".into(),
            label: "system".into(),
        }
    }
}

/// One statement of a change.
pub(crate) struct Statement {
    pub sql: &'static str,
    pub args: Vec<Arg>,
}

pub(crate) fn stmt(sql: &'static str, args: Vec<Arg>) -> Statement {
    Statement { sql, args }
}

/// What the audit trail says of a change.
pub(crate) struct Change<'a> {
    pub group: Option<GroupId>,
    /// `create`, `update`, `archive`, `submit`, `approve`, `reject`, `grant`, `revoke`, …
    pub action: &'static str,
    pub kind: &'static str,
    pub id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub reason: Option<&'a str>,
    pub security_event: bool,
}

impl<'a> Change<'a> {
    pub fn new(
        group: GroupId,
        action: &'static str,
        kind: &'static str,
        id: impl ToString,
    ) -> Self {
        Change {
            group: Some(group),
            action,
            kind,
            id: id.to_string(),
            before: None,
            after: None,
            reason: None,
            security_event: false,
        }
    }

    pub fn before(mut self, v: &impl Serialize) -> Self {
        self.before = Some(image(v));
        self
    }

    pub fn after(mut self, v: &impl Serialize) -> Self {
        self.after = Some(image(v));
        self
    }

    pub fn reason(mut self, r: Option<&'a str>) -> Self {
        self.reason = r;
        self
    }

    pub fn security(mut self) -> Self {
        self.security_event = true;
        self
    }
}

/// A record's JSON image; should serialising ever fail, the audit row says so rather than
/// silently leaving the image out.
fn image(v: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(v)
        .unwrap_or_else(|e| serde_json::json!({ "image_unavailable": e.to_string() }))
}

/// PostgreSQL cannot store NUL in text, SQLite can: refusing it here, on the one write path,
/// keeps both backends alike and gives the user a message instead of a database error.
fn refuse_nul(args: &[Arg]) -> Result<()> {
    let has_nul = args
        .iter()
        .any(|a| matches!(a, Arg::Text(Some(s)) if s.contains('\0')));
    if has_nul {
        return Err(Problem::new(
            "invalid_text",
            "入力に使えない文字（NUL）が含まれています",
            "the input contains a character that cannot be stored (NUL)",
        )
        .into());
    }
    Ok(())
}

/// Actions whose audit row must carry the user's reason.
const NEEDS_REASON: &[&str] = &["archive", "reject", "revoke", "disable"];

pub(crate) struct Write {
    tx: Tx,
    who: Who,
    now: DateTime<Utc>,
    head: Option<(i64, String)>,
}

impl Write {
    pub async fn begin(store: &Store, who: Who) -> Result<Write> {
        Ok(Write {
            tx: store.db.begin_serialised().await?,
            who,
            now: store.now(),
            head: None,
        })
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Runs the statements, each of which must change at least one row, and records the
    /// change. Either all of it happens, with its audit row, or none (when the caller drops
    /// the `Write` without committing).
    pub async fn apply(&mut self, change: Change<'_>, statements: Vec<Statement>) -> Result<()> {
        for s in &statements {
            refuse_nul(&s.args)?;
        }
        if change.reason.is_some_and(|r| r.contains('\0')) {
            refuse_nul(&[Arg::Text(change.reason.map(str::to_owned))])?;
        }
        for s in statements {
            let n = self.tx.execute(s.sql, s.args).await?;
            if n == 0 {
                return Err(Problem::new(
                    "changed_meanwhile",
                    "対象の記録が見つからないか、他の人が同時に変更しました。画面を更新してやり直してください",
                    "the record was not found or was changed by someone else meanwhile; reload and try again",
                )
                .into());
            }
        }
        self.record(change).await
    }

    /// Appends an audit row without changing a record: sign-ins, failed sign-ins, exports.
    pub async fn record(&mut self, change: Change<'_>) -> Result<()> {
        let reason = if NEEDS_REASON.contains(&change.action) {
            Some(required_reason(change.reason)?)
        } else {
            change.reason.map(str::to_owned)
        };
        let (prev_seq, prev_hash) = match self.head.take() {
            Some(h) => h,
            None => {
                let row = self
                    .tx
                    .fetch_optional(
                        "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                        vec![],
                    )
                    .await?;
                match row {
                    Some(r) => (r.int("seq")?, r.text("hash")?),
                    None => (0, GENESIS.to_owned()),
                }
            }
        };
        let image = |v: Option<serde_json::Value>| {
            v.map(|mut v| {
                redact(&mut v);
                v.to_string()
            })
        };
        let row = AuditRow {
            seq: prev_seq + 1,
            at: self.now.to_rfc3339_opts(SecondsFormat::Micros, true),
            group_id: change.group.map(|g| g.to_string()),
            actor: self.who.actor.clone(),
            actor_label: self.who.label.clone(),
            action: change.action.to_owned(),
            record_kind: change.kind.to_owned(),
            record_id: change.id,
            reason,
            before: image(change.before),
            after: image(change.after),
            security_event: change.security_event,
            prev_hash,
        };
        let hash = row.hash();
        self.tx
            .execute(
                "INSERT INTO audit_log (seq, at, group_id, actor, actor_label, action, record_kind, record_id, \
                 reason, before, after, security_event, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
                args![
                    row.seq,
                    row.at.clone(),
                    ot(row.group_id.clone()),
                    row.actor.clone(),
                    row.actor_label.clone(),
                    row.action.clone(),
                    row.record_kind.clone(),
                    row.record_id.clone(),
                    ot(row.reason.clone()),
                    ot(row.before.clone()),
                    ot(row.after.clone()),
                    row.security_event,
                    row.prev_hash.clone(),
                    hash.clone(),
                ],
            )
            .await?;
        self.head = Some((row.seq, hash));
        Ok(())
    }

    pub async fn fetch_all(&mut self, sql: &'static str, args: Vec<Arg>) -> Result<Vec<Row>> {
        self.tx.fetch_all(sql, args).await
    }

    pub async fn fetch_optional(
        &mut self,
        sql: &'static str,
        args: Vec<Arg>,
    ) -> Result<Option<Row>> {
        self.tx.fetch_optional(sql, args).await
    }

    pub async fn fetch_one(&mut self, sql: &'static str, args: Vec<Arg>) -> Result<Row> {
        self.tx
            .fetch_optional(sql, args)
            .await?
            .ok_or(StoreError::Database(sqlx::Error::RowNotFound))
    }

    pub async fn commit(self) -> Result<()> {
        self.tx.commit().await
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        Problem::new(
            "serialisation",
            format!("記録をJSONにできませんでした: {e}"),
            format!("could not write the record as JSON: {e}"),
        )
        .into()
    }
}

impl Store {
    /// Archives one record in its own audited write, with the reason; the row stays. `sql`
    /// sets its `archived_at`: `$1` the time, `$2` the record's id, `$3` the group.
    pub(crate) async fn archive_record(
        &self,
        actor: &Actor,
        kind: &'static str,
        id: impl ToString,
        sql: &'static str,
        before: serde_json::Value,
        reason: &str,
    ) -> Result<()> {
        let id = id.to_string();
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "archive", kind, &id)
                .reason(Some(reason))
                .before(&before),
            vec![stmt(sql, args![now, id, crate::db::t(actor.group())])],
        )
        .await?;
        w.commit().await
    }
}
