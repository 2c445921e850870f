//! The twelve artifacts of roles A–G: series per kind and scope, numbered versions, the
//! versions each was made from, approval, and what has gone stale.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::approval::{ApprovalState, ApprovalStep, editable};
use kamae_core::artifact::{ArtifactKind, StaleReason, VersionNode, stale_artifacts};
use kamae_core::ids::{ArtifactSeriesId, ArtifactVersionId, CompanyId};
use kamae_core::text::{Code, required_text};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::approval::{self, Approval};
use crate::db::{Row, args, ot, t};
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check, may_read, new_id};

const ARTIFACT: (&str, &str) = ("成果物", "artifact");

/// A version as people refer to it: `E risk_assessment (X) v2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionRef {
    pub version: ArtifactVersionId,
    pub series: ArtifactSeriesId,
    pub kind: ArtifactKind,
    /// The company whose own series this is; none for the group's.
    pub company: Option<CompanyId>,
    pub company_code: Option<String>,
    pub number: u32,
}

impl VersionRef {
    pub fn label_ja(&self) -> String {
        let at = self
            .company_code
            .as_deref()
            .map(|c| format!("（{c}）"))
            .unwrap_or_default();
        format!(
            "{} {}{} 第{}版",
            self.kind.role().letter(),
            self.kind.label_ja(),
            at,
            self.number
        )
    }
    pub fn label_en(&self) -> String {
        let at = self
            .company_code
            .as_deref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default();
        format!(
            "{} {}{} v{}",
            self.kind.role().letter(),
            self.kind.label_en(),
            at,
            self.number
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArtifactVersion {
    pub reference: VersionRef,
    pub title: String,
    pub body: String,
    pub inputs: Vec<VersionRef>,
    pub approval: Approval,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArtifactSummary {
    pub series: ArtifactSeriesId,
    pub kind: ArtifactKind,
    pub company_code: Option<String>,
    pub latest: VersionRef,
    pub latest_title: String,
    /// Who wrote the latest version (their e-mail address).
    pub latest_created_by: String,
    pub latest_state: ApprovalState,
    /// The highest-numbered approved version, if any.
    pub current: Option<VersionRef>,
    pub current_title: Option<String>,
}

/// One version in the list of its series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionSummary {
    pub reference: VersionRef,
    pub title: String,
    pub state: ApprovalState,
}

/// One stale artifact and why, in words: the change, and the chain it travelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleView {
    pub artifact: VersionRef,
    pub reasons: Vec<StaleExplained>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleExplained {
    pub used: VersionRef,
    pub newer: VersionRef,
    pub via: Vec<VersionRef>,
    pub ja: String,
    pub en: String,
}

#[derive(Debug, Clone)]
pub struct NewArtifactDraft {
    pub kind: ArtifactKind,
    pub company: Option<Code>,
    pub title: String,
    pub body: String,
    pub inputs: Vec<ArtifactVersionId>,
}

fn document_kind(kind: ArtifactKind) -> String {
    format!("artifact:{}", kind.as_str())
}

fn scope_of(company: Option<CompanyId>) -> Scope {
    Scope::of_company(company)
}

fn content_hash(title: &str, body: &str, inputs: &[ArtifactVersionId]) -> String {
    let mut sorted: Vec<String> = inputs.iter().map(|i| i.to_string()).collect();
    sorted.sort();
    let mut h = Sha256::new();
    for part in [title, body, &sorted.join(",")] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Every version of the group with what lists, authorization and staleness need, read in
/// one query per request: pages that show several views of the artifacts derive them all
/// from one reading.
struct VersionRow {
    reference: VersionRef,
    company: Option<CompanyId>,
    state: ApprovalState,
    title: String,
    created_by: String,
    submitted_by: Option<String>,
}

fn version_row_from(r: &Row) -> Result<VersionRow> {
    let number = r.int("number")?;
    Ok(VersionRow {
        reference: VersionRef {
            version: r.parse("id")?,
            series: r.parse("series_id")?,
            kind: ArtifactKind::parse(&r.text("kind")?)?,
            company: r.opt_parse("company_id")?,
            company_code: r.opt_text("company_code")?,
            number: u32::try_from(number).unwrap_or(0),
        },
        company: r.opt_parse("company_id")?,
        state: ApprovalState::parse(&r.text("state")?)?,
        title: r.text("title")?,
        created_by: r.text("created_by")?,
        submitted_by: r.opt_text("submitted_by")?,
    })
}

/// What the home page shows of the artifacts, from one reading.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArtifactOverview {
    pub artifacts: Vec<ArtifactSummary>,
    pub inbox: Vec<ArtifactSummary>,
    pub stale: Vec<StaleView>,
}

impl Store {
    async fn version_rows(&self, actor: &Actor) -> Result<Vec<VersionRow>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT v.id, v.series_id, v.number, v.title, v.created_by, s.kind, s.company_id, \
                 c.code AS company_code, a.state, a.submitted_by \
                 FROM artifact_versions v JOIN artifact_series s ON s.id = v.series_id \
                 JOIN approvals a ON a.document_id = v.id \
                 LEFT JOIN companies c ON c.id = s.company_id \
                 WHERE v.group_id = $1 ORDER BY s.kind, c.code, v.number",
                args![t(actor.group())],
            )
            .await?;
        let mut out: Vec<VersionRow> = rows.iter().map(version_row_from).collect::<Result<_>>()?;
        // Sorted here, not by the database: NULL companies sort differently on the two.
        out.sort_by(|a, b| {
            let key = |v: &VersionRow| {
                (
                    v.reference.kind,
                    v.reference.company_code.clone(),
                    v.reference.number,
                )
            };
            key(a).cmp(&key(b))
        });
        Ok(out)
    }

    /// The ids of every artifact version the actor may see.
    pub(crate) async fn readable_version_ids(
        &self,
        actor: &Actor,
    ) -> Result<std::collections::HashSet<String>> {
        Ok(self
            .version_rows(actor)
            .await?
            .iter()
            .filter(|v| Self::readable(actor, v))
            .map(|v| v.reference.version.to_string())
            .collect())
    }

    fn readable(actor: &Actor, v: &VersionRow) -> bool {
        may_read(
            actor,
            RecordKind::Artifact(v.reference.kind),
            scope_of(v.company),
        )
    }

    /// The versions of a series, newest first.
    pub async fn series_versions(
        &self,
        actor: &Actor,
        series: ArtifactSeriesId,
    ) -> Result<Vec<VersionSummary>> {
        let rows = self.version_rows(actor).await?;
        let mut out: Vec<VersionSummary> = rows
            .into_iter()
            .filter(|v| v.reference.series == series && Self::readable(actor, v))
            .map(|v| VersionSummary {
                title: v.title,
                reference: v.reference,
                state: v.state,
            })
            .collect();
        if out.is_empty() {
            return Err(StoreError::not_found(ARTIFACT.0, ARTIFACT.1));
        }
        out.sort_by_key(|v| std::cmp::Reverse(v.reference.number));
        Ok(out)
    }

    /// Every artifact series the actor may see, with its latest and current versions.
    pub async fn artifacts(&self, actor: &Actor) -> Result<Vec<ArtifactSummary>> {
        Ok(summaries(actor, &self.version_rows(actor).await?))
    }

    /// The artifacts, the approvals inbox and what is stale, from one reading of the
    /// versions (the home page shows all three).
    pub async fn artifact_overview(&self, actor: &Actor) -> Result<ArtifactOverview> {
        let rows = self.version_rows(actor).await?;
        let edges = self.input_edges(actor).await?;
        let artifacts = summaries(actor, &rows);
        Ok(ArtifactOverview {
            inbox: inbox(actor, &rows, &artifacts),
            stale: stale_views(actor, &rows, edges),
            artifacts,
        })
    }

    async fn input_edges(
        &self,
        actor: &Actor,
    ) -> Result<HashMap<ArtifactVersionId, Vec<ArtifactVersionId>>> {
        let edges = self
            .db
            .fetch_all(
                "SELECT version_id, input_version_id FROM artifact_inputs WHERE group_id = $1",
                args![t(actor.group())],
            )
            .await?;
        let mut inputs: HashMap<ArtifactVersionId, Vec<ArtifactVersionId>> = HashMap::new();
        for e in &edges {
            inputs
                .entry(e.parse("version_id")?)
                .or_default()
                .push(e.parse("input_version_id")?);
        }
        Ok(inputs)
    }

    pub async fn artifact_version(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
    ) -> Result<ArtifactVersion> {
        let row = self
            .db
            .fetch_optional(
                "SELECT v.id, v.series_id, v.number, v.title, v.body, v.created_by, v.created_at, s.kind, \
                 s.company_id, c.code AS company_code, a.document_id, a.document_kind, a.state, a.content_hash, \
                 a.submitted_by, a.submitted_at, a.decided_by, a.decided_at, a.decision_reason \
                 FROM artifact_versions v JOIN artifact_series s ON s.id = v.series_id \
                 JOIN approvals a ON a.document_id = v.id LEFT JOIN companies c ON c.id = s.company_id \
                 WHERE v.group_id = $1 AND v.id = $2",
                args![t(actor.group()), t(id)],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(ARTIFACT.0, ARTIFACT.1))?;
        let head = version_row_from(&row)?;
        check(
            actor,
            Action::Read,
            RecordKind::Artifact(head.reference.kind),
            scope_of(head.company),
            ARTIFACT,
        )?;
        let all = self.version_rows(actor).await?;
        let input_ids: Vec<String> = self
            .db
            .fetch_all(
                "SELECT input_version_id FROM artifact_inputs WHERE group_id = $1 AND version_id = $2 \
                 ORDER BY input_version_id",
                args![t(actor.group()), t(id)],
            )
            .await?
            .iter()
            .map(|r| r.text("input_version_id"))
            .collect::<Result<_>>()?;
        let inputs = all
            .iter()
            .filter(|v| {
                input_ids.contains(&v.reference.version.to_string()) && Self::readable(actor, v)
            })
            .map(|v| v.reference.clone())
            .collect();
        Ok(ArtifactVersion {
            reference: head.reference,
            title: row.text("title")?,
            body: row.text("body")?,
            inputs,
            approval: approval::approval_from(&row)?,
            created_by: row.text("created_by")?,
            created_at: row.instant("created_at")?,
        })
    }

    /// Checks the versions a new version says it was made from: each must be an approved
    /// version the actor can see, of a kind that figure 1-3 feeds into this one.
    async fn checked_inputs(
        &self,
        actor: &Actor,
        kind: ArtifactKind,
        inputs: &[ArtifactVersionId],
    ) -> Result<Vec<ArtifactVersionId>> {
        let all = self.version_rows(actor).await?;
        let mut out = Vec::new();
        for id in inputs {
            let v = all
                .iter()
                .find(|v| v.reference.version == *id && Self::readable(actor, v))
                .ok_or_else(|| StoreError::not_found("入力の成果物", "input artifact"))?;
            if v.state != ApprovalState::Approved {
                return Err(Problem::new(
                    "input_not_approved",
                    format!(
                        "入力 {} はまだ承認されていません。承認済みの版だけを入力にできます",
                        v.reference.label_ja()
                    ),
                    format!(
                        "input {} is not approved; only approved versions can be inputs",
                        v.reference.label_en()
                    ),
                )
                .into());
            }
            if !kind.may_use(v.reference.kind) {
                return Err(Problem::new(
                    "input_not_in_figure",
                    format!(
                        "{}は役割{}の入力になりません（図1-3）",
                        v.reference.kind.label_ja(),
                        kind.role().letter()
                    ),
                    format!(
                        "{} is not an input of role {} (figure 1-3)",
                        v.reference.kind.label_en(),
                        kind.role().letter()
                    ),
                )
                .into());
            }
            if !out.contains(id) {
                out.push(*id);
            }
        }
        Ok(out)
    }

    /// Starts a new draft version of an artifact (creating its series on first use).
    pub async fn draft_artifact(
        &self,
        actor: &Actor,
        new: NewArtifactDraft,
    ) -> Result<ArtifactVersion> {
        let company = match &new.company {
            Some(code) => Some(self.company_by_code(actor, code).await?.id),
            None => None,
        };
        check(
            actor,
            Action::Write,
            RecordKind::Artifact(new.kind),
            scope_of(company),
            ARTIFACT,
        )?;
        let title = required_text(&new.title, "表題", "title")?;
        let inputs = self.checked_inputs(actor, new.kind, &new.inputs).await?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let series = Self::series_for(&mut w, actor, new.kind, company).await?;
        let id = Self::insert_version(
            &mut w, actor, series, new.kind, company, &title, &new.body, &inputs,
        )
        .await?;
        w.commit().await?;
        self.artifact_version(actor, id).await
    }

    /// The series of a kind at a scope (the group's, or a company's), made on first use.
    pub(crate) async fn series_for(
        w: &mut Write,
        actor: &Actor,
        kind: ArtifactKind,
        company: Option<CompanyId>,
    ) -> Result<ArtifactSeriesId> {
        let scope_key = company
            .map(|c| c.to_string())
            .unwrap_or_else(|| "group".into());
        let series = w
            .fetch_optional(
                "SELECT id FROM artifact_series WHERE group_id = $1 AND kind = $2 AND scope_key = $3",
                args![t(actor.group()), kind.as_str(), scope_key.clone()],
            )
            .await?;
        match series {
            Some(r) => r.parse("id"),
            None => {
                let id = new_id(ArtifactSeriesId::from_uuid);
                let now = w.now();
                w.apply(
                    Change::new(actor.group(), "create", "artifact_series", id).after(&serde_json::json!({
                        "kind": kind.as_str(), "company": company
                    })),
                    vec![stmt(
                        "INSERT INTO artifact_series (id, group_id, kind, company_id, scope_key, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                        args![t(id), t(actor.group()), kind.as_str(), ot(company), scope_key, now],
                    )],
                )
                .await?;
                Ok(id)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn insert_version(
        w: &mut Write,
        actor: &Actor,
        series: ArtifactSeriesId,
        kind: ArtifactKind,
        company: Option<CompanyId>,
        title: &str,
        body: &str,
        inputs: &[ArtifactVersionId],
    ) -> Result<ArtifactVersionId> {
        let open = w
            .fetch_optional(
                "SELECT v.number FROM artifact_versions v JOIN approvals a ON a.document_id = v.id \
                 WHERE v.series_id = $1 AND a.state <> 'approved'",
                args![t(series)],
            )
            .await?;
        if let Some(r) = open {
            let n = r.int("number")?;
            return Err(Problem::new(
                "open_version_exists",
                format!("この成果物には未承認の第{n}版があります。その版を編集してください"),
                format!("this artifact already has an unapproved version {n}; edit that one"),
            )
            .into());
        }
        let number = w
            .fetch_optional(
                "SELECT MAX(number) AS n FROM artifact_versions WHERE series_id = $1",
                args![t(series)],
            )
            .await?
            .map(|r| r.opt_int("n"))
            .transpose()?
            .flatten()
            .unwrap_or(0)
            + 1;
        let id = new_id(ArtifactVersionId::from_uuid);
        let now = w.now();
        let who = Who::of(actor);
        w.apply(
            Change::new(actor.group(), "create", "artifact_version", id).after(&serde_json::json!({
                "series": series, "kind": kind.as_str(), "number": number, "title": title, "body": body,
                "inputs": inputs,
            })),
            vec![stmt(
                "INSERT INTO artifact_versions (id, group_id, series_id, number, title, body, created_by, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
                args![t(id), t(actor.group()), t(series), number, title, body, who.label, now],
            )],
        )
        .await?;
        Self::write_inputs(w, actor, id, inputs).await?;
        approval::open_draft(w, actor, &document_kind(kind), &id.to_string(), company).await?;
        Ok(id)
    }

    async fn write_inputs(
        w: &mut Write,
        actor: &Actor,
        id: ArtifactVersionId,
        inputs: &[ArtifactVersionId],
    ) -> Result<()> {
        for input in inputs {
            w.apply(
                Change::new(actor.group(), "create", "artifact_input", format!("{id}:{input}"))
                    .after(&serde_json::json!({"version": id, "made_from": input})),
                vec![stmt(
                    "INSERT INTO artifact_inputs (group_id, version_id, input_version_id) VALUES ($1, $2, $3)",
                    args![t(actor.group()), t(id), t(input)],
                )],
            )
            .await?;
        }
        Ok(())
    }

    /// Edits a version. A draft is changed in place; a rejected version is revised (a draft
    /// again); an approved version stays as it was approved and the edit becomes a new draft
    /// version; a submitted version waits for its decision. Inputs the editor cannot see are
    /// kept: nobody removes what they were not shown.
    pub async fn edit_artifact(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        title: &str,
        body: &str,
        inputs: &[ArtifactVersionId],
    ) -> Result<ArtifactVersion> {
        let visible = self.artifact_version(actor, id).await?;
        let kind = visible.reference.kind;
        let company = visible.reference.company;
        check(
            actor,
            Action::Write,
            RecordKind::Artifact(kind),
            scope_of(company),
            ARTIFACT,
        )?;
        let title = required_text(title, "表題", "title")?;
        let mut inputs = self.checked_inputs(actor, kind, inputs).await?;
        let all = self.version_rows(actor).await?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let stored = stored_version(&mut w, actor, id).await?;
        if w.fetch_optional(
            "SELECT version_id FROM standard_versions WHERE group_id = $1 AND version_id = $2",
            args![t(actor.group()), t(id)],
        )
        .await?
        .is_some()
        {
            // The body of a structured standard is written from its items; editing the
            // text alone would leave the two saying different things.
            return Err(Problem::new(
                "edit_standard_items",
                "基準は項目として編集します（基準の画面、または kamae standard import）",
                "the standard is edited as items (on the standard's page, or with kamae standard import)",
            )
            .into());
        }
        if crate::risk::is_assessment(&mut w, actor, id).await?
            || crate::treatment::is_plan(&mut w, actor, id).await?
        {
            // Like the standard, an assessment's and a plan's documents are written from their
            // records.
            return Err(Problem::new(
                "edit_assessment_register",
                "リスクアセスメントと対応計画は、リスク登録簿・対応として編集します（役割Eの画面）",
                "a risk assessment or treatment plan is edited as its register or treatments (on role E's pages)",
            )
            .into());
        }
        if crate::evaluation::is_evaluation(&mut w, actor, id).await? {
            return Err(Problem::new(
                "edit_investment_evaluation",
                "投資効果の評価は、記録として編集します（役割Cの画面）",
                "an evaluation of an investment's effect is edited as its record (on role C's pages)",
            )
            .into());
        }
        if crate::business::is_case(&mut w, actor, id).await? {
            return Err(Problem::new(
                "edit_business_case",
                "ビジネスケースは、計画と選択肢として編集します（役割Cの画面）",
                "a business case is edited as its plan and options (on role C's pages)",
            )
            .into());
        }
        for hidden in &stored.inputs {
            let readable = all
                .iter()
                .any(|v| v.reference.version == *hidden && Self::readable(actor, v));
            if !readable && !inputs.contains(hidden) {
                inputs.push(*hidden);
            }
        }
        let edited = if stored.state == ApprovalState::Approved {
            Self::insert_version(
                &mut w,
                actor,
                stored.series,
                kind,
                company,
                &title,
                body,
                &inputs,
            )
            .await?
        } else if editable(stored.state) {
            if stored.state == ApprovalState::Rejected {
                approval::take_step(&mut w, actor, &id.to_string(), &ApprovalStep::Revise, "")
                    .await?;
            }
            let now = w.now();
            w.apply(
                Change::new(actor.group(), "update", "artifact_version", id)
                    .before(&serde_json::json!({"title": stored.title, "body": stored.body, "inputs": stored.inputs}))
                    .after(&serde_json::json!({"title": title, "body": body, "inputs": inputs})),
                vec![stmt(
                    "UPDATE artifact_versions SET title = $1, body = $2, updated_at = $3 \
                     WHERE id = $4 AND group_id = $5 AND \
                     (SELECT state FROM approvals WHERE document_id = $6) = 'draft'",
                    args![title.clone(), body, now, t(id), t(actor.group()), t(id)],
                )],
            )
            .await?;
            for gone in stored.inputs.iter().filter(|i| !inputs.contains(i)) {
                w.apply(
                    Change::new(actor.group(), "remove", "artifact_input", format!("{id}:{gone}"))
                        .before(&serde_json::json!({"version": id, "made_from": gone})),
                    vec![stmt(
                        "DELETE FROM artifact_inputs WHERE version_id = $1 AND input_version_id = $2",
                        args![t(id), t(gone)],
                    )],
                )
                .await?;
            }
            let added: Vec<ArtifactVersionId> = inputs
                .iter()
                .filter(|i| !stored.inputs.contains(i))
                .copied()
                .collect();
            Self::write_inputs(&mut w, actor, id, &added).await?;
            id
        } else {
            return Err(Problem::new(
                "awaiting_decision",
                "承認待ちの版は編集できません。取り下げるか、判断を待ってください",
                "a submitted version cannot be edited; withdraw it or wait for the decision",
            )
            .into());
        };
        w.commit().await?;
        self.artifact_version(actor, edited).await
    }

    /// Moves a version through approval. The content that is submitted and approved is read
    /// inside the write, with every input (also those the actor cannot see), so that an
    /// approval is of exactly the stored version.
    async fn artifact_step(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        step: ApprovalStep<'_>,
    ) -> Result<ArtifactVersion> {
        let visible = self.artifact_version(actor, id).await?;
        let action = match step {
            ApprovalStep::Approve | ApprovalStep::Reject { .. } => Action::Approve,
            _ => Action::Write,
        };
        check(
            actor,
            action,
            RecordKind::Artifact(visible.reference.kind),
            scope_of(visible.reference.company),
            ARTIFACT,
        )?;
        if matches!(step, ApprovalStep::Submit)
            && let Some(open) = crate::treatment::untreated_risks(self, actor, id).await?
            && open > 0
        {
            return Err(Problem::new(
                "risks_untreated",
                format!("対応が必要なリスクのうち {open} 件の方針がまだ決まっていません"),
                format!("{open} risks needing treatment have no treatment decided yet"),
            )
            .into());
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let stored = stored_version(&mut w, actor, id).await?;
        if matches!(step, ApprovalStep::Submit) {
            let open = crate::risk::unconfirmed_risks(&mut w, actor, id).await?;
            if open > 0 {
                return Err(Problem::new(
                    "ratings_to_confirm",
                    format!("前年度から写した評価のうち {open} 件がまだ確認されていません。確認してから承認に回してください"),
                    format!("{open} ratings copied from last year are not confirmed yet; confirm them before submitting"),
                )
                .into());
            }
        }
        let hash = content_hash(&stored.title, &stored.body, &stored.inputs);
        approval::take_step(&mut w, actor, &id.to_string(), &step, &hash).await?;
        w.commit().await?;
        self.artifact_version(actor, id).await
    }

    pub async fn submit_artifact(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
    ) -> Result<ArtifactVersion> {
        self.artifact_step(actor, id, ApprovalStep::Submit).await
    }

    pub async fn withdraw_artifact(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
    ) -> Result<ArtifactVersion> {
        self.artifact_step(actor, id, ApprovalStep::Withdraw).await
    }

    pub async fn approve_artifact(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
    ) -> Result<ArtifactVersion> {
        self.artifact_step(actor, id, ApprovalStep::Approve).await
    }

    pub async fn reject_artifact(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        reason: &str,
    ) -> Result<ArtifactVersion> {
        self.artifact_step(actor, id, ApprovalStep::Reject { reason })
            .await
    }

    /// Submitted versions that the actor may decide: the approvals inbox.
    pub async fn approvals_inbox(&self, actor: &Actor) -> Result<Vec<ArtifactSummary>> {
        let rows = self.version_rows(actor).await?;
        Ok(inbox(actor, &rows, &summaries(actor, &rows)))
    }

    /// What is stale, and why, among the artifacts the actor may see.
    pub async fn stale_artifacts(&self, actor: &Actor) -> Result<Vec<StaleView>> {
        let rows = self.version_rows(actor).await?;
        let edges = self.input_edges(actor).await?;
        Ok(stale_views(actor, &rows, edges))
    }
}

fn summaries(actor: &Actor, rows: &[VersionRow]) -> Vec<ArtifactSummary> {
    // Series in the order their first version comes in the sorted rows.
    let mut order: Vec<ArtifactSeriesId> = Vec::new();
    let mut by_series: HashMap<ArtifactSeriesId, Vec<&VersionRow>> = HashMap::new();
    for v in rows.iter().filter(|v| Store::readable(actor, v)) {
        let list = by_series.entry(v.reference.series).or_default();
        if list.is_empty() {
            order.push(v.reference.series);
        }
        list.push(v);
    }
    order
        .into_iter()
        .filter_map(|series| {
            let list = by_series.get(&series)?;
            let latest = list.iter().max_by_key(|v| v.reference.number)?;
            let current = list
                .iter()
                .filter(|v| v.state == ApprovalState::Approved)
                .max_by_key(|v| v.reference.number);
            Some(ArtifactSummary {
                series,
                kind: latest.reference.kind,
                company_code: latest.reference.company_code.clone(),
                latest_title: latest.title.clone(),
                latest_created_by: latest.created_by.clone(),
                latest: latest.reference.clone(),
                latest_state: latest.state,
                current_title: current.map(|c| c.title.clone()),
                current: current.map(|c| c.reference.clone()),
            })
        })
        .collect()
}

fn inbox(
    actor: &Actor,
    rows: &[VersionRow],
    summaries: &[ArtifactSummary],
) -> Vec<ArtifactSummary> {
    let me = actor.user().map(|u| u.to_string());
    let by_id: HashMap<ArtifactVersionId, &VersionRow> =
        rows.iter().map(|v| (v.reference.version, v)).collect();
    summaries
        .iter()
        .filter(|s| {
            s.latest_state == ApprovalState::Submitted
                && by_id.get(&s.latest.version).is_some_and(|v| {
                    v.submitted_by != me
                        && kamae_core::access::authorize(
                            actor,
                            Action::Approve,
                            &kamae_core::access::Resource {
                                group: actor.group(),
                                kind: RecordKind::Artifact(v.reference.kind),
                                scope: scope_of(v.company),
                            },
                        ) == kamae_core::access::Decision::Allow
                })
        })
        .cloned()
        .collect()
}

fn stale_views(
    actor: &Actor,
    rows: &[VersionRow],
    mut inputs: HashMap<ArtifactVersionId, Vec<ArtifactVersionId>>,
) -> Vec<StaleView> {
    let nodes: Vec<VersionNode> = rows
        .iter()
        .map(|v| VersionNode {
            id: v.reference.version,
            series: v.reference.series,
            number: v.reference.number,
            approved: v.state == ApprovalState::Approved,
            inputs: inputs.remove(&v.reference.version).unwrap_or_default(),
        })
        .collect();
    let by_id: HashMap<ArtifactVersionId, &VersionRow> =
        rows.iter().map(|v| (v.reference.version, v)).collect();
    let hidden = || VersionRef {
        version: ArtifactVersionId::from_uuid(uuid::Uuid::nil()),
        series: ArtifactSeriesId::from_uuid(uuid::Uuid::nil()),
        kind: ArtifactKind::ObjectivesAndTargets,
        company: None,
        company_code: None,
        number: 0,
    };
    let describe = |id: &ArtifactVersionId| -> Option<VersionRef> {
        by_id
            .get(id)
            .filter(|v| Store::readable(actor, v))
            .map(|v| v.reference.clone())
    };
    let mut out = Vec::new();
    for s in stale_artifacts(&nodes) {
        let Some(artifact) = describe(&s.version) else {
            continue;
        };
        let reasons = s
            .reasons
            .iter()
            .map(|r: &StaleReason| {
                let used = describe(&r.used);
                let newer = describe(&r.newer);
                let via: Vec<VersionRef> = r
                    .via
                    .iter()
                    .map(|v| describe(v).unwrap_or_else(hidden))
                    .collect();
                let (ja, en) = match (&used, &newer) {
                    (Some(u), Some(n)) => explain(&artifact, u, n, &via),
                    _ => (
                        "見る権限のない成果物が新しい版になりました".to_owned(),
                        "an artifact outside your scope has a newer approved version".to_owned(),
                    ),
                };
                StaleExplained {
                    used: used.unwrap_or_else(hidden),
                    newer: newer.unwrap_or_else(hidden),
                    via,
                    ja,
                    en,
                }
            })
            .collect();
        out.push(StaleView { artifact, reasons });
    }
    out
}

fn explain(
    artifact: &VersionRef,
    used: &VersionRef,
    newer: &VersionRef,
    via: &[VersionRef],
) -> (String, String) {
    if via.is_empty() {
        (
            format!(
                "{} は {} をもとに作られましたが、{} が承認されました",
                artifact.label_ja(),
                used.label_ja(),
                newer.label_ja()
            ),
            format!(
                "{} was made from {}, and {} has since been approved",
                artifact.label_en(),
                used.label_en(),
                newer.label_en()
            ),
        )
    } else {
        let chain_ja: Vec<String> = via.iter().rev().map(VersionRef::label_ja).collect();
        let chain_en: Vec<String> = via.iter().rev().map(VersionRef::label_en).collect();
        (
            format!(
                "{} のもとになった {} が古くなっています（{} に代わり {} が承認されました）",
                artifact.label_ja(),
                chain_ja.join(" ← "),
                used.label_ja(),
                newer.label_ja()
            ),
            format!(
                "{} was made from {}, which is stale: {} replaced {}",
                artifact.label_en(),
                chain_en.join(" ← "),
                newer.label_en(),
                used.label_en()
            ),
        )
    }
}

/// A version as stored, read inside a write: what approval binds to.
pub(crate) struct StoredVersion {
    series: ArtifactSeriesId,
    title: String,
    body: String,
    pub(crate) inputs: Vec<ArtifactVersionId>,
    pub(crate) state: ApprovalState,
}

pub(crate) async fn stored_version(
    w: &mut Write,
    actor: &Actor,
    id: ArtifactVersionId,
) -> Result<StoredVersion> {
    let row = w
        .fetch_optional(
            "SELECT v.series_id, v.title, v.body, a.state FROM artifact_versions v \
             JOIN approvals a ON a.document_id = v.id WHERE v.group_id = $1 AND v.id = $2",
            args![t(actor.group()), t(id)],
        )
        .await?
        .ok_or_else(|| StoreError::not_found(ARTIFACT.0, ARTIFACT.1))?;
    let mut inputs: Vec<ArtifactVersionId> = w
        .fetch_all(
            "SELECT input_version_id FROM artifact_inputs WHERE group_id = $1 AND version_id = $2",
            args![t(actor.group()), t(id)],
        )
        .await?
        .iter()
        .map(|r| r.parse("input_version_id"))
        .collect::<Result<_>>()?;
    inputs.sort();
    Ok(StoredVersion {
        series: row.parse("series_id")?,
        title: row.text("title")?,
        body: row.text("body")?,
        inputs,
        state: ApprovalState::parse(&row.text("state")?)?,
    })
}

impl Store {
    /// The structured versions (plans, business cases, evaluations) whose ids `select` lists,
    /// in its order, as the actor may read them: each is loaded as if opened on its own, so
    /// the same decision stands, and one the actor may not see is left out of the list.
    pub(crate) async fn readable_versions<T, F>(
        &self,
        select: &'static str,
        args: Vec<crate::db::Arg>,
        load: impl Fn(ArtifactVersionId) -> F,
    ) -> Result<Vec<T>>
    where
        F: std::future::Future<Output = Result<T>>,
    {
        let mut out = Vec::new();
        for r in self.db.fetch_all(select, args).await? {
            if let Some(v) = crate::visible(load(r.parse("id")?).await)? {
                out.push(v);
            }
        }
        Ok(out)
    }
}

/// Saves a structured version's own record and the document written from it, as one audited
/// change: the version is opened for change first (see `open_for_change`, `approved` saying
/// what to do instead), and its document follows the record in the same transaction so that
/// what is submitted and approved is what was saved. Checks the caller makes inside the
/// write, such as a business case's citations, come before it in `w`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn save_structured(
    mut w: Write,
    actor: &Actor,
    id: ArtifactVersionId,
    what: (&str, &str),
    approved: Problem,
    change: Change<'_>,
    record: crate::write::Statement,
    body: String,
) -> Result<()> {
    open_for_change(&mut w, actor, id, what, approved).await?;
    let now = w.now();
    w.apply(
        change,
        vec![
            record,
            stmt(
                "UPDATE artifact_versions SET body = $1, updated_at = $2 WHERE id = $3 AND group_id = $4",
                args![body, now, t(id), t(actor.group())],
            ),
        ],
    )
    .await?;
    w.commit().await
}

/// Opens a structured version (an assessment's register, a plan's treatments) for a change
/// of its records, inside the write: a draft as it is, a rejected one revised back to a
/// draft; a submitted one waits for its decision; an approved one is refused with
/// `approved`, which says what to do instead.
pub(crate) async fn open_for_change(
    w: &mut Write,
    actor: &Actor,
    id: ArtifactVersionId,
    what: (&str, &str),
    approved: Problem,
) -> Result<()> {
    let stored = stored_version(w, actor, id).await?;
    match stored.state {
        ApprovalState::Draft => Ok(()),
        ApprovalState::Rejected => {
            approval::take_step(w, actor, &id.to_string(), &ApprovalStep::Revise, "").await?;
            Ok(())
        }
        ApprovalState::Submitted => Err(Problem::new(
            "awaiting_decision",
            format!(
                "承認待ちの{}は変更できません。取り下げるか、判断を待ってください",
                what.0
            ),
            format!(
                "a submitted {} cannot be changed; withdraw it or wait for the decision",
                what.1
            ),
        )
        .into()),
        ApprovalState::Approved => Err(approved.into()),
    }
}
