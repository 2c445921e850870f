//! The audit trail's rules: what a row holds, how rows are chained, what never enters it.
//!
//! Each row's hash is SHA-256 over every stored column of the row (length-prefixed, so
//! that no two different rows can serialise alike) including the previous row's hash.
//! Changing any column of any row, or removing a row in the middle, breaks the chain at
//! that row; removing rows at the end is caught by comparing with a head noted earlier.

use std::fmt;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::Problem;

/// The previous-hash of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The marker that replaces secrets in before/after images.
pub const SECRET_MARKER: &str = "[secret]";

/// Field names whose values never enter the audit trail.
const SECRET_FIELDS: &[&str] = &[
    "password_hash",
    "password",
    "totp_secret",
    "token_hash",
    "token",
    "session_hash",
    "session_id",
    "recovery_codes",
];

/// Replaces every secret field, at any depth, with [`SECRET_MARKER`].
pub fn redact(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if SECRET_FIELDS.contains(&k.as_str()) {
                    if !v.is_null() {
                        *v = serde_json::Value::String(SECRET_MARKER.into());
                    }
                } else {
                    redact(v);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

/// One row of the audit table, column for column as stored (the row's own hash aside).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    pub seq: i64,
    /// RFC 3339 UTC, kept as the exact text that was hashed.
    pub at: String,
    pub group_id: Option<String>,
    /// A user id, or `system`.
    pub actor: String,
    /// The actor's e-mail at the time (or `system`), so that history reads without joins.
    pub actor_label: String,
    pub action: String,
    pub record_kind: String,
    pub record_id: String,
    pub reason: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub security_event: bool,
    pub prev_hash: String,
}

impl AuditRow {
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |v: Option<&str>| match v {
            None => h.update([0u8]),
            Some(s) => {
                h.update([1u8]);
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
        };
        let seq = self.seq.to_string();
        field(Some(&seq));
        field(Some(&self.at));
        field(self.group_id.as_deref());
        field(Some(&self.actor));
        field(Some(&self.actor_label));
        field(Some(&self.action));
        field(Some(&self.record_kind));
        field(Some(&self.record_id));
        field(self.reason.as_deref());
        field(self.before.as_deref());
        field(self.after.as_deref());
        field(Some(if self.security_event { "1" } else { "0" }));
        field(Some(&self.prev_hash));
        hex::encode(h.finalize())
    }
}

/// A point in the chain: `SEQ:HEX`, as `kamae verify` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub seq: i64,
    pub hash: String,
}

impl ChainHead {
    pub fn parse(s: &str) -> Result<Self, Problem> {
        let bad = || {
            Problem::new(
                "invalid_head",
                format!("ヘッドは SEQ:HEX の形式で指定してください（例: 42:ab12…）: {s:?}"),
                format!("a head is written SEQ:HEX (for example 42:ab12…): {s:?}"),
            )
        };
        let (seq, hash) = s.trim().split_once(':').ok_or_else(bad)?;
        let seq: i64 = seq.parse().map_err(|_| bad())?;
        let hash = hash.to_ascii_lowercase();
        if seq < 0 || hash.len() != 64 || !hash.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        Ok(Self { seq, hash })
    }
}

impl fmt::Display for ChainHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, self.hash)
    }
}

/// Where the chain no longer holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainBreak {
    /// The first row that does not match (for a cut-off tail: the first missing row).
    pub seq: i64,
    pub problem: Problem,
}

/// Walks the chain row by row in `seq` order, without holding the rows.
#[derive(Debug, Default)]
pub struct ChainWalker {
    last: Option<ChainHead>,
}

impl ChainWalker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, row: &AuditRow, stored_hash: &str) -> Result<(), ChainBreak> {
        let (expected_seq, expected_prev) = match &self.last {
            None => (1, GENESIS),
            Some(h) => (h.seq + 1, h.hash.as_str()),
        };
        let broken = |ja: String, en: String| ChainBreak {
            seq: row.seq,
            problem: Problem::new("audit_chain_broken", ja, en),
        };
        if row.seq != expected_seq {
            return Err(ChainBreak {
                seq: expected_seq,
                problem: Problem::new(
                    "audit_chain_broken",
                    format!(
                        "監査証跡の行 {expected_seq} がありません（次は行 {}）",
                        row.seq
                    ),
                    format!(
                        "audit row {expected_seq} is missing (the next row is {})",
                        row.seq
                    ),
                ),
            });
        }
        if row.prev_hash != expected_prev {
            return Err(broken(
                format!(
                    "監査証跡の行 {} の「前の行のハッシュ」が前の行と一致しません",
                    row.seq
                ),
                format!(
                    "audit row {}: its previous-row hash does not match the previous row",
                    row.seq
                ),
            ));
        }
        if row.hash() != stored_hash {
            return Err(broken(
                format!(
                    "監査証跡の行 {} の内容が記録時のハッシュと一致しません（改ざんの可能性）",
                    row.seq
                ),
                format!(
                    "audit row {}: its contents no longer match the hash recorded with it (tampered?)",
                    row.seq
                ),
            ));
        }
        self.last = Some(ChainHead {
            seq: row.seq,
            hash: stored_hash.to_owned(),
        });
        Ok(())
    }

    /// The last row walked so far (`0:GENESIS` for an empty trail).
    pub fn head(&self) -> ChainHead {
        self.last.clone().unwrap_or(ChainHead {
            seq: 0,
            hash: GENESIS.to_owned(),
        })
    }

    /// Checks a head noted earlier against the chain just walked: the row must still be
    /// there, with the same hash.
    pub fn check_expected(
        &self,
        expected: &ChainHead,
        hash_at_seq: Option<&str>,
    ) -> Result<(), ChainBreak> {
        let head = self.head();
        if expected.seq > head.seq {
            return Err(ChainBreak {
                seq: head.seq + 1,
                problem: Problem::new(
                    "audit_chain_truncated",
                    format!(
                        "監査証跡が行 {} で終わっていますが、行 {} まであるはずです（末尾が削除されています）",
                        head.seq, expected.seq
                    ),
                    format!(
                        "the audit trail ends at row {} but should reach row {}: rows were removed from the end",
                        head.seq, expected.seq
                    ),
                ),
            });
        }
        let found = if expected.seq == 0 {
            Some(GENESIS)
        } else {
            hash_at_seq
        };
        if found != Some(expected.hash.as_str()) {
            return Err(ChainBreak {
                seq: expected.seq,
                problem: Problem::new(
                    "audit_chain_diverged",
                    format!(
                        "監査証跡の行 {} のハッシュが控えと一致しません",
                        expected.seq
                    ),
                    format!(
                        "audit row {} does not have the hash noted earlier",
                        expected.seq
                    ),
                ),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<(AuditRow, String)> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let row = AuditRow {
                    seq,
                    at: format!("2026-11-28T00:00:{seq:02}Z"),
                    group_id: Some("g".into()),
                    actor: "system".into(),
                    actor_label: "system".into(),
                    action: "create".into(),
                    record_kind: "company".into(),
                    record_id: format!("c{seq}"),
                    reason: None,
                    before: None,
                    after: Some(format!("{{\"n\":{seq}}}")),
                    security_event: false,
                    prev_hash: prev.clone(),
                };
                let h = row.hash();
                prev = h.clone();
                (row, h)
            })
            .collect()
    }

    fn walk(rows: &[(AuditRow, String)]) -> Result<ChainHead, ChainBreak> {
        let mut w = ChainWalker::new();
        for (r, h) in rows {
            w.push(r, h)?;
        }
        Ok(w.head())
    }

    #[test]
    fn an_intact_chain_verifies() {
        let rows = chain(5);
        assert_eq!(walk(&rows).map(|h| h.seq), Ok(5));
    }

    #[test]
    fn any_changed_column_is_found_at_its_row() {
        let base = chain(5);
        let edits: Vec<fn(&mut AuditRow)> = vec![
            |r| r.at.push(' '),
            |r| r.group_id = None,
            |r| r.actor = "u".into(),
            |r| r.actor_label = "x@y.z".into(),
            |r| r.action = "archive".into(),
            |r| r.record_kind = "site".into(),
            |r| r.record_id = "c9".into(),
            |r| r.reason = Some("".into()),
            |r| r.before = Some("{}".into()),
            |r| r.after = None,
            |r| r.security_event = true,
            |r| r.prev_hash = GENESIS.into(),
        ];
        for edit in edits {
            let mut rows = base.clone();
            edit(&mut rows[2].0);
            assert_eq!(walk(&rows).map_err(|b| b.seq), Err(3));
        }
        let mut rows = base.clone();
        rows[2].1 = GENESIS.into();
        assert_eq!(walk(&rows).map_err(|b| b.seq), Err(3));
        let mut rows = base.clone();
        rows.remove(1);
        assert_eq!(walk(&rows).map_err(|b| b.seq), Err(2));
    }

    #[test]
    fn a_cut_tail_is_found_by_the_expected_head() {
        let rows = chain(5);
        let full = walk(&rows).unwrap_or_else(|b| panic!("{b:?}"));
        let mut w = ChainWalker::new();
        for (r, h) in &rows[..3] {
            w.push(r, h).unwrap_or_else(|b| panic!("{b:?}"));
        }
        let err = w.check_expected(&full, None);
        assert_eq!(
            err.map_err(|b| b.problem.code),
            Err("audit_chain_truncated")
        );
        let mut w = ChainWalker::new();
        for (r, h) in &rows {
            w.push(r, h).unwrap_or_else(|b| panic!("{b:?}"));
        }
        assert!(w.check_expected(&full, Some(&rows[4].1)).is_ok());
    }

    #[test]
    fn heads_parse() {
        let h = ChainHead::parse(&format!("12:{}", "AB".repeat(32)));
        assert_eq!(
            h.map(|h| h.to_string()),
            Ok(format!("12:{}", "ab".repeat(32)))
        );
        assert!(ChainHead::parse("12").is_err());
        assert!(ChainHead::parse("x:00").is_err());
    }

    #[test]
    fn secrets_never_enter() {
        let mut v = serde_json::json!({
            "email": "a@b.example",
            "password_hash": "$argon2id$...",
            "nested": [{"token_hash": "abc", "totp_secret": null}],
        });
        redact(&mut v);
        assert_eq!(v["password_hash"], SECRET_MARKER);
        assert_eq!(v["nested"][0]["token_hash"], SECRET_MARKER);
        assert!(v["nested"][0]["totp_secret"].is_null());
        assert_eq!(v["email"], "a@b.example");
    }
}
