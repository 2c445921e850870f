//! Role E in the store: the risk matrices assessments rate against (kamae's own is built
//! in; imported ones are group reference, read by everyone in the group and replaced whole
//! by a newer import of the same code, the old one archived), and risk assessments with
//! their register. An assessment is a version of the risk_assessment artifact, so approval,
//! history and staleness are the artifact's; its document is written from the register.

use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::approval::ApprovalState;
use kamae_core::artifact::ArtifactKind;
use kamae_core::ids::{ArtifactVersionId, ContextFactorId, RiskMatrixId};
use kamae_core::risk::{
    BUILTIN_MATRIX, ContextFactor, Coverage, Criteria, Evaluation, ImpactDefinition,
    LinkedException, Method, Rating, RiskEntry, RiskMatrix, builtin_matrix, context_markdown,
    evaluate, register_markdown, treatment_order,
};
use kamae_core::rules::ExceptionStatus;
use kamae_core::text::{Code, required_text};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::artifact::{ArtifactVersion, VersionRef};
use crate::context::ContextFactorView;
use crate::db::{Row, args, ot, t};
use crate::write::{Change, Statement, Who, Write, stmt};
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

/// The statement that writes one risk of the register.
fn insert_risk(
    id: ArtifactVersionId,
    actor: &Actor,
    e: &RiskEntry,
    position: i64,
    to_confirm: bool,
) -> Result<Statement> {
    Ok(stmt(
        INSERT_RISK,
        args![
            t(id),
            t(actor.group()),
            e.code.as_str(),
            position,
            e.title.trim(),
            e.source.trim(),
            e.event.trim(),
            e.causes.trim(),
            e.consequences.trim(),
            serde_json::to_string(&e.assets)?,
            e.owner.trim(),
            rating_arg(&e.inherent)?,
            e.inherent_rationale.trim(),
            rating_arg(&e.residual)?,
            e.residual_rationale.trim(),
            serde_json::to_string(&e.items)?,
            serde_json::to_string(&e.exceptions)?,
            serde_json::to_string(&e.advice)?,
            to_confirm,
            e.scenario.as_ref().map(serde_json::to_string).transpose()?,
            e.scenario.as_ref().and(e.expected_loss_yen)
        ],
    ))
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

/// Where a risk assessment lives, as access sees it: the group's, or one company's.
const ASSESSMENT: RecordKind = RecordKind::Artifact(ArtifactKind::RiskAssessment);
const ASSESSMENT_WHAT: (&str, &str) = ("リスクアセスメント", "risk assessment");

/// A new assessment: its scope, year, method and criteria, and what it covers.
#[derive(Debug, Clone)]
pub struct NewAssessment {
    /// The company it assesses; none for the group's assessment.
    pub company: Option<Code>,
    pub fiscal_year: i32,
    pub title: String,
    pub method: Method,
    /// The matrix it rates against (copied into the criteria).
    pub matrix: String,
    /// The lowest risk level needing treatment; kamae's default (the middle level) if none.
    pub treat_from: Option<usize>,
    /// For the asset method: the lowest score (importance × threat × vulnerability) of each
    /// risk level above the first; kamae's default bands if none.
    pub asset_bands: Option<Vec<u32>>,
    pub tolerance: String,
    pub impact_definitions: Vec<ImpactDefinition>,
    pub loss_threshold_yen: Option<i64>,
    pub coverage: Coverage,
}

/// A risk as the register shows it: as written, and as evaluated today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskView {
    #[serde(flatten)]
    pub entry: RiskEntry,
    pub to_confirm: bool,
    pub evaluation: Evaluation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentView {
    pub version: ArtifactVersion,
    pub fiscal_year: i32,
    pub criteria: Criteria,
    pub coverage: Coverage,
    pub copied_from: Option<ArtifactVersionId>,
    /// The factors of the organisation's context it cites.
    pub context: Vec<ContextFactorView>,
    pub risks: Vec<RiskView>,
    /// Indices into `risks` of those needing treatment, the first to treat first.
    pub treatment_order: Vec<usize>,
}

impl AssessmentView {
    pub fn id(&self) -> ArtifactVersionId {
        self.version.reference.version
    }

    pub fn state(&self) -> ApprovalState {
        self.version.approval.state
    }

    pub fn to_confirm(&self) -> usize {
        self.risks.iter().filter(|r| r.to_confirm).count()
    }

    pub fn risk(&self, code: &str) -> Option<&RiskView> {
        self.risks
            .iter()
            .find(|r| r.entry.code.as_str().eq_ignore_ascii_case(code))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssessmentSummary {
    pub reference: VersionRef,
    pub title: String,
    pub fiscal_year: i32,
    pub state: ApprovalState,
    pub method: Method,
    pub risks: usize,
    pub needing_treatment: usize,
    pub to_confirm: usize,
}

fn json_list(r: &Row, col: &str) -> Result<Vec<String>> {
    Ok(serde_json::from_str(&r.text(col)?)?)
}

fn rating(r: &Row, col: &str) -> Result<Option<Rating>> {
    r.opt_text(col)?
        .map(|s| serde_json::from_str(&s))
        .transpose()
        .map_err(Into::into)
}

fn entry_from(r: &Row) -> Result<(RiskEntry, bool)> {
    Ok((
        RiskEntry {
            code: Code::parse(&r.text("code")?)?,
            title: r.text("title")?,
            source: r.text("source")?,
            event: r.text("event")?,
            causes: r.text("causes")?,
            consequences: r.text("consequences")?,
            assets: json_list(r, "assets")?,
            owner: r.text("owner")?,
            inherent: rating(r, "inherent")?,
            inherent_rationale: r.text("inherent_rationale")?,
            residual: rating(r, "residual")?,
            residual_rationale: r.text("residual_rationale")?,
            items: json_list(r, "items")?,
            exceptions: json_list(r, "exceptions")?,
            advice: json_list(r, "advice")?,
            scenario: r
                .opt_text("scenario")?
                .map(|s| serde_json::from_str(&s))
                .transpose()?,
            expected_loss_yen: r.opt_int("expected_loss_yen")?,
        },
        r.boolean("to_confirm")?,
    ))
}

fn rating_arg(r: &Option<Rating>) -> Result<Option<String>> {
    r.as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(Into::into)
}

macro_rules! risk_columns {
    () => {
        "code, position, title, source, event, causes, consequences, assets, owner, inherent, \
         inherent_rationale, residual, residual_rationale, items, exceptions, advice, to_confirm, \
         scenario, expected_loss_yen"
    };
}

const SELECT_RISKS: &str = concat!(
    "SELECT ",
    risk_columns!(),
    " FROM risks WHERE group_id = $1 AND assessment_id = $2 AND archived_at IS NULL ORDER BY position"
);

const INSERT_RISK: &str = concat!(
    "INSERT INTO risks (assessment_id, group_id, ",
    risk_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
);

impl Store {
    /// The assessments the actor can see, the newest year first.
    pub async fn assessments(&self, actor: &Actor) -> Result<Vec<AssessmentSummary>> {
        let rows = self
            .db
            .fetch_all(
                "SELECT id, fiscal_year FROM risk_assessments WHERE group_id = $1 ORDER BY fiscal_year DESC, created_at DESC",
                args![t(actor.group())],
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let id: ArtifactVersionId = r.parse("id")?;
            match self.assessment(actor, id).await {
                Ok(a) => out.push(AssessmentSummary {
                    reference: a.version.reference.clone(),
                    title: a.version.title.clone(),
                    fiscal_year: a.fiscal_year,
                    state: a.state(),
                    method: a.criteria.method,
                    risks: a.risks.len(),
                    needing_treatment: a.treatment_order.len(),
                    to_confirm: a.to_confirm(),
                }),
                Err(e) if matches!(e.code(), "not_found") => {}
                Err(e) => return Err(e),
            }
        }
        Ok(out)
    }

    /// One assessment with its register, evaluated today (expired exceptions raise the
    /// residual ratings they were to cover).
    pub async fn assessment(&self, actor: &Actor, id: ArtifactVersionId) -> Result<AssessmentView> {
        let version = self.artifact_version(actor, id).await?;
        let row = self
            .db
            .fetch_optional(
                "SELECT fiscal_year, criteria, coverage, copied_from FROM risk_assessments WHERE group_id = $1 AND id = $2",
                args![t(actor.group()), t(id)],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(ASSESSMENT_WHAT.0, ASSESSMENT_WHAT.1))?;
        let criteria: Criteria = serde_json::from_str(&row.text("criteria")?)?;
        let coverage: Coverage = serde_json::from_str(&row.text("coverage")?)?;
        let mut risks = Vec::new();
        for r in self
            .db
            .fetch_all(SELECT_RISKS, args![t(actor.group()), t(id)])
            .await?
        {
            let (entry, to_confirm) = entry_from(&r)?;
            let mut linked = Vec::new();
            for e in &entry.exceptions {
                let Ok(eid) = e.parse() else { continue };
                // An exception the reader cannot see does not change what they are shown.
                if let Ok(x) = self.exception(actor, eid).await {
                    linked.push(LinkedException {
                        id: e.clone(),
                        title: x.title.clone(),
                        expired_on: (x.status == ExceptionStatus::Expired).then_some(x.expires_on),
                    });
                }
            }
            let evaluation = evaluate(
                &criteria,
                entry.inherent.as_ref(),
                entry.residual.as_ref(),
                &linked,
                entry.expected_loss_yen,
            );
            risks.push(RiskView {
                entry,
                to_confirm,
                evaluation,
            });
        }
        let evaluations: Vec<Evaluation> = risks.iter().map(|r| r.evaluation.clone()).collect();
        Ok(AssessmentView {
            context: self.cited_context(actor, id).await?,
            treatment_order: treatment_order(&evaluations),
            fiscal_year: i32::try_from(row.int("fiscal_year")?).unwrap_or_default(),
            copied_from: row.opt_text("copied_from")?.and_then(|s| s.parse().ok()),
            version,
            criteria,
            coverage,
            risks,
        })
    }

    /// Starts an assessment: a new draft version of the risk_assessment artifact (the
    /// group's or the company's) with its criteria.
    pub async fn new_assessment(
        &self,
        actor: &Actor,
        new: NewAssessment,
    ) -> Result<AssessmentView> {
        let company = match &new.company {
            Some(code) => Some(self.company_by_code(actor, code).await?.id),
            None => None,
        };
        check(
            actor,
            Action::Write,
            ASSESSMENT,
            Scope::of_company(company),
            ASSESSMENT_WHAT,
        )?;
        let title = required_text(&new.title, "表題", "title")?;
        if !(2000..=2200).contains(&new.fiscal_year) {
            return Err(Problem::new(
                "invalid_year",
                format!("年度 {} は使えません", new.fiscal_year),
                format!("{} is not a fiscal year", new.fiscal_year),
            )
            .into());
        }
        let matrix = self.risk_matrix(actor, &new.matrix).await?;
        let mut criteria = Criteria::for_matrix(new.method, matrix);
        if let Some(t) = new.treat_from {
            criteria.treat_from = t;
        }
        if let Some(b) = new.asset_bands {
            criteria.asset_bands = b;
        }
        criteria.tolerance = new.tolerance.trim().to_owned();
        criteria.impact_definitions = new.impact_definitions;
        criteria.loss_threshold_yen = new.loss_threshold_yen;
        if let Some(p) = criteria.check().into_iter().next() {
            return Err(p.into());
        }
        let body = register_markdown(&criteria, &new.coverage, &[]);
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let series = Self::series_for(&mut w, actor, ArtifactKind::RiskAssessment, company).await?;
        let id = Self::insert_version(
            &mut w,
            actor,
            series,
            ArtifactKind::RiskAssessment,
            company,
            &title,
            &body,
            &[],
        )
        .await?;
        Self::insert_assessment(
            &mut w,
            actor,
            id,
            new.fiscal_year,
            &criteria,
            &new.coverage,
            None,
        )
        .await?;
        w.commit().await?;
        self.assessment(actor, id).await
    }

    async fn insert_assessment(
        w: &mut Write,
        actor: &Actor,
        id: ArtifactVersionId,
        fiscal_year: i32,
        criteria: &Criteria,
        coverage: &Coverage,
        copied_from: Option<ArtifactVersionId>,
    ) -> Result<()> {
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "create", "risk_assessment", id).after(&serde_json::json!({
                "fiscal_year": fiscal_year, "criteria": criteria, "coverage": coverage,
                "copied_from": copied_from,
            })),
            vec![stmt(
                "INSERT INTO risk_assessments (id, group_id, fiscal_year, criteria, coverage, copied_from, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                args![
                    t(id),
                    t(actor.group()),
                    i64::from(fiscal_year),
                    serde_json::to_string(criteria)?,
                    serde_json::to_string(coverage)?,
                    ot(copied_from),
                    now
                ],
            )],
        )
        .await?;
        Ok(())
    }

    /// Opens an assessment for a change of its register: the actor may write it, and it is a
    /// draft (a rejected one is revised first). A submitted or approved one is refused.
    async fn open_for_change(
        &self,
        w: &mut Write,
        actor: &Actor,
        a: &AssessmentView,
    ) -> Result<()> {
        check(
            actor,
            Action::Write,
            ASSESSMENT,
            Scope::of_company(a.version.reference.company),
            ASSESSMENT_WHAT,
        )?;
        crate::artifact::open_for_change(
            w,
            actor,
            a.id(),
            ASSESSMENT_WHAT,
            Problem::new(
                "approved_assessment",
                "承認済みのリスクアセスメントは変更できません。次の年度のアセスメントを始めてください",
                "an approved risk assessment does not change; start the next year's assessment",
            ),
        )
        .await
    }

    /// Writes the assessment's document again from its register, in the same transaction as
    /// the change, so that what is submitted and approved is the register as it stands.
    pub(crate) async fn rewrite_body(
        w: &mut Write,
        actor: &Actor,
        id: ArtifactVersionId,
    ) -> Result<Statement> {
        let row = w
            .fetch_optional(
                "SELECT criteria, coverage FROM risk_assessments WHERE group_id = $1 AND id = $2",
                args![t(actor.group()), t(id)],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(ASSESSMENT_WHAT.0, ASSESSMENT_WHAT.1))?;
        let criteria: Criteria = serde_json::from_str(&row.text("criteria")?)?;
        let coverage: Coverage = serde_json::from_str(&row.text("coverage")?)?;
        let entries = w
            .fetch_all(SELECT_RISKS, args![t(actor.group()), t(id)])
            .await?
            .iter()
            .map(|r| entry_from(r).map(|e| e.0))
            .collect::<Result<Vec<_>>>()?;
        let context = crate::context::cited_in_write(w, actor, id).await?;
        let body = assessment_body(&criteria, &coverage, &entries, &context);
        let now = w.now();
        Ok(stmt(
            "UPDATE artifact_versions SET body = $1, updated_at = $2 WHERE id = $3 AND group_id = $4",
            args![body, now, t(id), t(actor.group())],
        ))
    }

    /// Checks a risk's links: items of the standard, exceptions and advice the actor can see.
    async fn check_links(&self, actor: &Actor, entry: &RiskEntry) -> Result<()> {
        if !entry.items.is_empty() {
            let known: Vec<String> = match self.latest_standard(actor).await? {
                Some(s) => s.items.iter().map(|i| i.code.to_string()).collect(),
                None => Vec::new(),
            };
            let unknown: Vec<&str> = entry
                .items
                .iter()
                .filter(|c| !known.iter().any(|k| k.eq_ignore_ascii_case(c)))
                .map(String::as_str)
                .collect();
            if !unknown.is_empty() {
                return Err(Problem::new(
                    "unknown_item",
                    format!("基準にない項目です: {}", unknown.join(", ")),
                    format!("not items of the standard: {}", unknown.join(", ")),
                )
                .into());
            }
        }
        for e in &entry.exceptions {
            let id = e
                .parse()
                .map_err(|_| StoreError::not_found("例外・移行措置", "exception"))?;
            self.exception(actor, id).await?;
        }
        for a in &entry.advice {
            let id = a
                .parse()
                .map_err(|_| StoreError::not_found("助言", "advice"))?;
            self.advice(actor, id).await?;
        }
        Ok(())
    }

    /// Adds a risk to the register, or changes one (`replacing` its code, which may change).
    /// Saving a risk copied from last year confirms it.
    pub async fn save_risk(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        replacing: Option<&str>,
        mut entry: RiskEntry,
    ) -> Result<AssessmentView> {
        let a = self.assessment(actor, id).await?;
        if let Some(p) = Problem::all("invalid_risk", &entry.check(&a.criteria)) {
            return Err(p.into());
        }
        self.check_links(actor, &entry).await?;
        entry.expected_loss_yen = match &entry.scenario {
            Some(s) => Some(crate::quant::expected_loss(entry.code.as_str(), s).await?),
            None => None,
        };
        let old = match replacing {
            Some(code) => Some(
                a.risk(code)
                    .ok_or_else(|| StoreError::not_found("リスク", "risk"))?
                    .clone(),
            ),
            None => None,
        };
        let taken = a.risks.iter().any(|r| {
            r.entry.code == entry.code && old.as_ref().is_none_or(|o| o.entry.code != r.entry.code)
        });
        if taken {
            return Err(Problem::new(
                "duplicate",
                format!("リスク {} はもうあります", entry.code),
                format!("risk {} already exists", entry.code),
            )
            .into());
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        self.open_for_change(&mut w, actor, &a).await?;
        let position = match &old {
            Some(o) => a
                .risks
                .iter()
                .position(|r| r.entry.code == o.entry.code)
                .unwrap_or(0) as i64,
            None => {
                // Codes of archived risks stay taken, so the register's history stays
                // readable; new risks go after every row, archived ones included.
                let archived = w
                    .fetch_optional(
                        "SELECT COUNT(*) AS n FROM risks WHERE assessment_id = $1 AND code = $2",
                        args![t(id), entry.code.as_str()],
                    )
                    .await?
                    .map(|r| r.int("n"))
                    .transpose()?
                    .unwrap_or(0);
                if archived > 0 {
                    return Err(Problem::new(
                        "duplicate",
                        format!("リスク {} は以前に使われたIDです", entry.code),
                        format!("risk id {} was used before", entry.code),
                    )
                    .into());
                }
                w.fetch_optional(
                    "SELECT MAX(position) AS n FROM risks WHERE assessment_id = $1",
                    args![t(id)],
                )
                .await?
                .map(|r| r.opt_int("n"))
                .transpose()?
                .flatten()
                .map_or(0, |n| n + 1)
            }
        };
        let mut statements = Vec::new();
        if let Some(o) = &old {
            statements.push(stmt(
                "DELETE FROM risks WHERE assessment_id = $1 AND code = $2",
                args![t(id), o.entry.code.as_str()],
            ));
        }
        statements.push(insert_risk(id, actor, &entry, position, false)?);
        let mut change = Change::new(
            actor.group(),
            if old.is_some() { "update" } else { "create" },
            "risk",
            format!("{id}:{}", entry.code),
        )
        .after(&entry);
        if let Some(o) = &old {
            change =
                change.before(&serde_json::json!({"risk": o.entry, "to_confirm": o.to_confirm}));
        }
        w.apply(change, statements).await?;
        let body = Self::rewrite_body(&mut w, actor, id).await?;
        w.apply(
            Change::new(actor.group(), "update", "artifact_version", id)
                .after(&serde_json::json!({"body": "written from the register"})),
            vec![body],
        )
        .await?;
        w.commit().await?;
        self.assessment(actor, id).await
    }

    /// Confirms a risk copied from last year as it stands.
    pub async fn confirm_risk(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        code: &str,
    ) -> Result<AssessmentView> {
        let a = self.assessment(actor, id).await?;
        let r = a
            .risk(code)
            .ok_or_else(|| StoreError::not_found("リスク", "risk"))?;
        if !r.to_confirm {
            return Ok(a);
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        self.open_for_change(&mut w, actor, &a).await?;
        w.apply(
            Change::new(actor.group(), "confirm", "risk", format!("{id}:{}", r.entry.code))
                .before(&serde_json::json!({"to_confirm": true}))
                .after(&serde_json::json!({"to_confirm": false})),
            vec![stmt(
                "UPDATE risks SET to_confirm = $1 WHERE assessment_id = $2 AND code = $3 AND group_id = $4",
                args![false, t(id), r.entry.code.as_str(), t(actor.group())],
            )],
        )
        .await?;
        w.commit().await?;
        self.assessment(actor, id).await
    }

    /// Takes a risk off the register with a reason; the row stays, archived.
    pub async fn archive_risk(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        code: &str,
        reason: &str,
    ) -> Result<AssessmentView> {
        let a = self.assessment(actor, id).await?;
        let r = a
            .risk(code)
            .ok_or_else(|| StoreError::not_found("リスク", "risk"))?
            .clone();
        let mut w = Write::begin(self, Who::of(actor)).await?;
        self.open_for_change(&mut w, actor, &a).await?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "archive", "risk", format!("{id}:{}", r.entry.code))
                .reason(Some(reason))
                .before(&r.entry),
            vec![stmt(
                "UPDATE risks SET archived_at = $1 WHERE assessment_id = $2 AND code = $3 AND group_id = $4",
                args![now, t(id), r.entry.code.as_str(), t(actor.group())],
            )],
        )
        .await?;
        let body = Self::rewrite_body(&mut w, actor, id).await?;
        w.apply(
            Change::new(actor.group(), "update", "artifact_version", id)
                .after(&serde_json::json!({"body": "written from the register"})),
            vec![body],
        )
        .await?;
        w.commit().await?;
        self.assessment(actor, id).await
    }

    /// Starts this year's assessment from an approved earlier one: the same criteria, scope
    /// and risks with every link, and every rating marked to confirm.
    pub async fn copy_assessment(
        &self,
        actor: &Actor,
        from: ArtifactVersionId,
        fiscal_year: i32,
        title: &str,
    ) -> Result<AssessmentView> {
        let old = self.assessment(actor, from).await?;
        check(
            actor,
            Action::Write,
            ASSESSMENT,
            Scope::of_company(old.version.reference.company),
            ASSESSMENT_WHAT,
        )?;
        let title = required_text(title, "表題", "title")?;
        if fiscal_year <= old.fiscal_year {
            return Err(Problem::new(
                "invalid_year",
                format!("{} 年度より後の年度にしてください", old.fiscal_year),
                format!("the year must come after {}", old.fiscal_year),
            )
            .into());
        }
        let entries: Vec<RiskEntry> = old.risks.iter().map(|r| r.entry.clone()).collect();
        let context: Vec<ContextFactor> = old.context.iter().map(|f| f.factor.clone()).collect();
        let body = assessment_body(&old.criteria, &old.coverage, &entries, &context);
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let id = Self::insert_version(
            &mut w,
            actor,
            old.version.reference.series,
            ArtifactKind::RiskAssessment,
            old.version.reference.company,
            &title,
            &body,
            &[],
        )
        .await?;
        Self::insert_assessment(
            &mut w,
            actor,
            id,
            fiscal_year,
            &old.criteria,
            &old.coverage,
            Some(from),
        )
        .await?;
        for (position, e) in entries.iter().enumerate() {
            w.apply(
                Change::new(actor.group(), "create", "risk", format!("{id}:{}", e.code)).after(
                    &serde_json::json!({"risk": e, "to_confirm": true, "copied_from": from}),
                ),
                vec![insert_risk(id, actor, e, position as i64, true)?],
            )
            .await?;
        }
        for f in &old.context {
            Self::insert_citation(&mut w, actor, id, f.id).await?;
        }
        w.commit().await?;
        self.assessment(actor, id).await
    }

    async fn insert_citation(
        w: &mut Write,
        actor: &Actor,
        id: ArtifactVersionId,
        factor: ContextFactorId,
    ) -> Result<()> {
        w.apply(
            Change::new(actor.group(), "create", "assessment_context", format!("{id}:{factor}"))
                .after(&serde_json::json!({"assessment": id, "cites": factor})),
            vec![stmt(
                "INSERT INTO risk_assessment_context (group_id, assessment_id, factor_id) VALUES ($1, $2, $3)",
                args![t(actor.group()), t(id), t(factor)],
            )],
        )
        .await
    }

    /// Sets which factors of the context the assessment cites. Each must be current and the
    /// group's or the assessed company's; a factor already cited stays cited even once
    /// archived, until it is left out here.
    pub async fn cite_context(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        factors: &[ContextFactorId],
    ) -> Result<AssessmentView> {
        let a = self.assessment(actor, id).await?;
        let company = a.version.reference.company;
        let was: Vec<ContextFactorId> = a.context.iter().map(|f| f.id).collect();
        let mut wanted: Vec<ContextFactorId> = Vec::new();
        for f in factors {
            if wanted.contains(f) {
                continue;
            }
            let view = self.context_factor(actor, *f).await?;
            if !was.contains(f) && view.archived {
                return Err(Problem::new(
                    "archived_context_factor",
                    format!("「{}」はアーカイブ済みです", view.factor.title),
                    format!("“{}” is archived", view.factor.title),
                )
                .into());
            }
            if view.company.is_some() && view.company != company {
                return Err(Problem::new(
                    "context_of_another_company",
                    format!("「{}」は別の会社の状況です", view.factor.title),
                    format!("“{}” is another company's context", view.factor.title),
                )
                .into());
            }
            wanted.push(*f);
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        self.open_for_change(&mut w, actor, &a).await?;
        for gone in was.iter().filter(|f| !wanted.contains(f)) {
            w.apply(
                Change::new(actor.group(), "delete", "assessment_context", format!("{id}:{gone}"))
                    .before(&serde_json::json!({"assessment": id, "cites": gone})),
                vec![stmt(
                    "DELETE FROM risk_assessment_context WHERE group_id = $1 AND assessment_id = $2 AND factor_id = $3",
                    args![t(actor.group()), t(id), t(gone)],
                )],
            )
            .await?;
        }
        for new in wanted.iter().filter(|f| !was.contains(f)) {
            Self::insert_citation(&mut w, actor, id, *new).await?;
        }
        let body = Self::rewrite_body(&mut w, actor, id).await?;
        w.apply(
            Change::new(actor.group(), "update", "artifact_version", id)
                .after(&serde_json::json!({"body": "written from the register"})),
            vec![body],
        )
        .await?;
        w.commit().await?;
        self.assessment(actor, id).await
    }
}

/// The assessment's document: the context it cites, then the register.
fn assessment_body(
    criteria: &Criteria,
    coverage: &Coverage,
    entries: &[RiskEntry],
    context: &[ContextFactor],
) -> String {
    format!(
        "{}{}",
        context_markdown(context),
        register_markdown(criteria, coverage, entries)
    )
}

/// A risk assessment whose ratings are not all confirmed cannot go to approval.
pub(crate) async fn unconfirmed_risks(
    w: &mut Write,
    actor: &Actor,
    id: ArtifactVersionId,
) -> Result<i64> {
    Ok(w.fetch_optional(
        "SELECT COUNT(*) AS n FROM risks WHERE group_id = $1 AND assessment_id = $2 \
             AND archived_at IS NULL AND to_confirm = $3",
        args![t(actor.group()), t(id), true],
    )
    .await?
    .map(|r| r.int("n"))
    .transpose()?
    .unwrap_or(0))
}

/// Whether a version is a structured risk assessment (edited through its register).
pub(crate) async fn is_assessment(
    w: &mut Write,
    actor: &Actor,
    id: ArtifactVersionId,
) -> Result<bool> {
    Ok(w.fetch_optional(
        "SELECT id FROM risk_assessments WHERE group_id = $1 AND id = $2",
        args![t(actor.group()), t(id)],
    )
    .await?
    .is_some())
}
