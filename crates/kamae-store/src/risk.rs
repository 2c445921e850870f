//! Role E in the store: the risk matrices assessments rate against. kamae's own matrix is
//! built in; imported ones are group reference, read by everyone in the group and replaced
//! whole by a newer import of the same code (the old one archived).

use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::ids::RiskMatrixId;
use kamae_core::risk::{BUILTIN_MATRIX, RiskMatrix, builtin_matrix};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{args, t};
use crate::write::{Change, Who, Write, stmt};
use crate::{ReferenceImport, Result, Store, StoreError, check};

const KIND: RecordKind = RecordKind::GroupReference;
const WHAT: (&str, &str) = ("リスクマトリクス", "risk matrix");

/// What importing one matrix did, or with `dry_run` would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixImport {
    pub dry_run: bool,
    pub outcome: ReferenceImport,
    pub code: String,
    pub name: String,
    pub probability_levels: usize,
    pub impact_levels: usize,
    pub risk_levels: usize,
}

fn hash_of(m: &RiskMatrix) -> Result<(String, String)> {
    let body = serde_json::to_string(m)?;
    let mut h = Sha256::new();
    h.update(body.as_bytes());
    Ok((body, hex::encode(h.finalize())))
}

impl Store {
    /// The matrices an assessment can use: kamae's own first, then the imported ones by code.
    pub async fn risk_matrices(&self, actor: &Actor) -> Result<Vec<RiskMatrix>> {
        check(actor, Action::Read, KIND, Scope::Group, WHAT)?;
        let mut out = vec![builtin_matrix()];
        for r in self
            .db
            .fetch_all(
                "SELECT body FROM risk_matrices WHERE group_id = $1 AND archived_at IS NULL ORDER BY code",
                args![t(actor.group())],
            )
            .await?
        {
            out.push(serde_json::from_str(&r.text("body")?)?);
        }
        Ok(out)
    }

    pub async fn risk_matrix(&self, actor: &Actor, code: &str) -> Result<RiskMatrix> {
        check(actor, Action::Read, KIND, Scope::Group, WHAT)?;
        if code.trim().eq_ignore_ascii_case(BUILTIN_MATRIX) {
            return Ok(builtin_matrix());
        }
        let r = self
            .db
            .fetch_optional(
                "SELECT body FROM risk_matrices WHERE group_id = $1 AND archived_at IS NULL AND code = $2",
                args![t(actor.group()), code.trim().to_ascii_uppercase()],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))?;
        Ok(serde_json::from_str(&r.text("body")?)?)
    }

    /// Imports the matrices of one file, all or none. The same content again changes
    /// nothing; other content under the same code replaces it (the old one is archived,
    /// and assessments that used it keep the copy they were rated against).
    pub async fn import_risk_matrices(
        &self,
        actor: &Actor,
        matrices: Vec<RiskMatrix>,
        dry_run: bool,
    ) -> Result<Vec<MatrixImport>> {
        check(actor, Action::Write, KIND, Scope::Group, WHAT)?;
        for m in &matrices {
            if let Some(p) = m.check().into_iter().next() {
                return Err(p.problem.into());
            }
            if m.code.as_str().eq_ignore_ascii_case(BUILTIN_MATRIX) {
                return Err(kamae_core::Problem::new(
                    "reserved_code",
                    format!("{BUILTIN_MATRIX} は kamae 標準のマトリクスのコードです"),
                    format!("{BUILTIN_MATRIX} is the code of kamae's own matrix"),
                )
                .into());
            }
        }
        let mut planned = Vec::new();
        for m in matrices {
            let (body, hash) = hash_of(&m)?;
            let existing = self
                .db
                .fetch_optional(
                    "SELECT id, content_hash, name FROM risk_matrices \
                     WHERE group_id = $1 AND archived_at IS NULL AND code = $2",
                    args![t(actor.group()), m.code.as_str()],
                )
                .await?;
            let outcome = match &existing {
                None => ReferenceImport::Added,
                Some(r) if r.text("content_hash")? == hash => ReferenceImport::Unchanged,
                Some(_) => ReferenceImport::Replaced,
            };
            let old = existing
                .map(|r| -> Result<(RiskMatrixId, String)> {
                    Ok((r.parse("id")?, r.text("name")?))
                })
                .transpose()?;
            planned.push((m, body, hash, outcome, old));
        }
        let reports = planned
            .iter()
            .map(|(m, _, _, outcome, _)| MatrixImport {
                dry_run,
                outcome: outcome.clone(),
                code: m.code.to_string(),
                name: m.name_en.clone(),
                probability_levels: m.probability.len(),
                impact_levels: m.impact.len(),
                risk_levels: m.risk.len(),
            })
            .collect();
        if dry_run || planned.iter().all(|p| p.3 == ReferenceImport::Unchanged) {
            return Ok(reports);
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        for (m, body, hash, outcome, old) in planned {
            if outcome == ReferenceImport::Unchanged {
                continue;
            }
            if let Some((old_id, old_name)) = old {
                w.apply(
                    Change::new(actor.group(), "archive", "risk_matrix", old_id)
                        .reason(Some(&format!(
                            "{} の取り込みで置き換え / replaced by importing {}",
                            m.name_ja, m.name_en
                        )))
                        .before(&serde_json::json!({"code": m.code, "name": old_name})),
                    vec![stmt(
                        "UPDATE risk_matrices SET archived_at = $1 WHERE id = $2 AND group_id = $3",
                        args![now, t(old_id), t(actor.group())],
                    )],
                )
                .await?;
            }
            let id = crate::new_id(RiskMatrixId::from_uuid);
            // The audit row carries the whole matrix: it is small, and it is what was agreed
            // to rate risks by.
            w.apply(
                Change::new(actor.group(), "create", "risk_matrix", id)
                    .after(&serde_json::json!({"matrix": m, "content_hash": hash})),
                vec![stmt(
                    "INSERT INTO risk_matrices (id, group_id, code, name, body, content_hash, imported_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    args![
                        t(id),
                        t(actor.group()),
                        m.code.as_str(),
                        m.name_en.clone(),
                        body,
                        hash,
                        now
                    ],
                )],
            )
            .await?;
        }
        w.commit().await?;
        Ok(reports)
    }
}
