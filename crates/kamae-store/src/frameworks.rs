//! Reference frameworks in the store: imported whole, replaced whole by a newer import of
//! the same code (the old one archived with its nodes), read by everyone in the group.

use chrono::{DateTime, Utc};
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::ids::ReferenceFrameworkId;
use kamae_core::rules::{FrameworkNode, FrameworkSource, NodeKind, ReferenceFramework};
use kamae_core::text::Code;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{Row, args, t};
use crate::write::{Change, Who, Write, stmt};
use crate::{ReferenceImport, Result, Store, StoreError, check};

const KIND: RecordKind = RecordKind::GroupReference;
const WHAT: (&str, &str) = ("参照する枠組み", "reference framework");

/// A framework as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameworkSummary {
    pub id: ReferenceFrameworkId,
    pub code: String,
    pub name: String,
    pub version: String,
    pub source: FrameworkSource,
    /// Controls and enhancements, or requirement nodes.
    pub controls: usize,
    pub assessable: usize,
    pub imported_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrameworkImport {
    pub dry_run: bool,
    pub outcome: ReferenceImport,
    pub code: String,
    pub name: String,
    pub version: String,
    pub source: FrameworkSource,
    pub controls: usize,
    pub assessable: usize,
    pub groups: usize,
}

fn hash_of(f: &ReferenceFramework) -> Result<String> {
    let mut h = Sha256::new();
    h.update(serde_json::to_vec(f)?);
    Ok(hex::encode(h.finalize()))
}

fn summary_from(r: &Row) -> Result<FrameworkSummary> {
    Ok(FrameworkSummary {
        id: r.parse("id")?,
        code: r.text("code")?,
        name: r.text("name")?,
        version: r.text("version")?,
        source: FrameworkSource::parse(&r.text("source")?)?,
        controls: usize::try_from(r.int("controls")?).unwrap_or(0),
        assessable: usize::try_from(r.int("assessable")?).unwrap_or(0),
        imported_at: r.instant("imported_at")?,
    })
}

impl Store {
    /// The group's reference frameworks in use, by code.
    pub async fn frameworks(&self, actor: &Actor) -> Result<Vec<FrameworkSummary>> {
        check(actor, Action::Read, KIND, Scope::Group, WHAT)?;
        self.db
            .fetch_all(
                "SELECT f.id, f.code, f.name, f.version, f.source, f.imported_at, \
                 (SELECT COUNT(*) FROM reference_nodes n WHERE n.framework_id = f.id AND n.kind <> 'group') AS controls, \
                 (SELECT COUNT(*) FROM reference_nodes n WHERE n.framework_id = f.id AND n.assessable) AS assessable \
                 FROM reference_frameworks f WHERE f.group_id = $1 AND f.archived_at IS NULL ORDER BY f.code",
                args![t(actor.group())],
            )
            .await?
            .iter()
            .map(summary_from)
            .collect()
    }

    /// One framework with every node, in the order of its file.
    pub async fn framework(&self, actor: &Actor, code: &str) -> Result<ReferenceFramework> {
        check(actor, Action::Read, KIND, Scope::Group, WHAT)?;
        let f = self
            .db
            .fetch_optional(
                "SELECT id, code, name, version, source FROM reference_frameworks \
                 WHERE group_id = $1 AND archived_at IS NULL AND LOWER(code) = LOWER($2)",
                args![t(actor.group()), code.trim()],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))?;
        let id: ReferenceFrameworkId = f.parse("id")?;
        let nodes = self
            .db
            .fetch_all(
                "SELECT node_id, ref_id, parent_id, depth, kind, title, description, assessable \
                 FROM reference_nodes WHERE group_id = $1 AND framework_id = $2 ORDER BY position",
                args![t(actor.group()), t(id)],
            )
            .await?
            .iter()
            .map(|r| {
                Ok(FrameworkNode {
                    node_id: r.text("node_id")?,
                    ref_id: r.text("ref_id")?,
                    parent: r.opt_text("parent_id")?,
                    depth: u32::try_from(r.int("depth")?).unwrap_or(0),
                    kind: NodeKind::parse(&r.text("kind")?)?,
                    title: r.text("title")?,
                    description: r.text("description")?,
                    assessable: r.boolean("assessable")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ReferenceFramework {
            code: Code::parse(&f.text("code")?)?,
            name: f.text("name")?,
            version: f.text("version")?,
            source: FrameworkSource::parse(&f.text("source")?)?,
            nodes,
        })
    }

    /// Imports a framework as read from its file. The same content again changes nothing;
    /// other content under the same code replaces it (the old one is archived).
    pub async fn import_framework(
        &self,
        actor: &Actor,
        framework: ReferenceFramework,
        dry_run: bool,
    ) -> Result<FrameworkImport> {
        check(actor, Action::Write, KIND, Scope::Group, WHAT)?;
        let problems = framework.check();
        if let Some(p) = problems.into_iter().next() {
            return Err(p.into());
        }
        let hash = hash_of(&framework)?;
        let existing = self
            .db
            .fetch_optional(
                "SELECT id, content_hash, name, version FROM reference_frameworks \
                 WHERE group_id = $1 AND archived_at IS NULL AND LOWER(code) = LOWER($2)",
                args![t(actor.group()), framework.code.as_str()],
            )
            .await?;
        let outcome = match &existing {
            None => ReferenceImport::Added,
            Some(r) if r.text("content_hash")? == hash => ReferenceImport::Unchanged,
            Some(_) => ReferenceImport::Replaced,
        };
        let report = FrameworkImport {
            dry_run,
            outcome: outcome.clone(),
            code: framework.code.to_string(),
            name: framework.name.clone(),
            version: framework.version.clone(),
            source: framework.source,
            controls: framework.counted(),
            assessable: framework.assessable(),
            groups: framework
                .nodes
                .iter()
                .filter(|n| n.kind == NodeKind::Group)
                .count(),
        };
        if dry_run || outcome == ReferenceImport::Unchanged {
            return Ok(report);
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        let replaced_by = format!(
            "{} {} の取り込みで置き換え / replaced by importing {} {}",
            framework.name, framework.version, framework.name, framework.version
        );
        if let Some(old) = &existing {
            let old_id: ReferenceFrameworkId = old.parse("id")?;
            w.apply(
                Change::new(actor.group(), "archive", "reference_framework", old_id)
                    .reason(Some(&replaced_by))
                    .before(&serde_json::json!({"code": framework.code, "name": old.text("name")?, "version": old.text("version")?})),
                vec![stmt(
                    "UPDATE reference_frameworks SET archived_at = $1 WHERE id = $2 AND group_id = $3",
                    args![now, t(old_id), t(actor.group())],
                )],
            )
            .await?;
        }
        let id = crate::new_id(ReferenceFrameworkId::from_uuid);
        let mut statements = vec![stmt(
            "INSERT INTO reference_frameworks (id, group_id, code, name, version, source, content_hash, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            args![
                t(id),
                t(actor.group()),
                framework.code.as_str(),
                framework.name.clone(),
                framework.version.clone(),
                framework.source.as_str(),
                hash.clone(),
                now
            ],
        )];
        for (position, n) in framework.nodes.iter().enumerate() {
            statements.push(stmt(
                "INSERT INTO reference_nodes (framework_id, group_id, position, node_id, ref_id, parent_id, depth, kind, \
                 title, description, assessable) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                args![
                    t(id),
                    t(actor.group()),
                    position as i64,
                    n.node_id.clone(),
                    n.ref_id.clone(),
                    n.parent.clone(),
                    i64::from(n.depth),
                    n.kind.as_str(),
                    n.title.clone(),
                    n.description.clone(),
                    n.assessable
                ],
            ));
        }
        // One audit entry for the whole file: its nodes are what the file says, and the
        // hash lets anyone check a copy of the file against what was imported.
        w.apply(
            Change::new(actor.group(), "create", "reference_framework", id).after(
                &serde_json::json!({
                    "code": framework.code,
                    "name": framework.name,
                    "version": framework.version,
                    "source": framework.source.as_str(),
                    "nodes": framework.nodes.len(),
                    "content_hash": hash,
                }),
            ),
            statements,
        )
        .await?;
        w.commit().await?;
        Ok(report)
    }
}
