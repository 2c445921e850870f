//! The organisation's context (role E, step 1): factors inside and outside the group or one
//! company, each with its source and date, and which of them each assessment cites.

use chrono::{DateTime, Utc};
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::artifact::ArtifactKind;
use kamae_core::ids::{ArtifactVersionId, CompanyId, ContextFactorId};
use kamae_core::risk::{ContextFactor, ContextKind};
use kamae_core::text::Code;
use serde::Serialize;

use crate::db::{Row, args, ot, t};
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check, may_read};

const WHAT: (&str, &str) = ("組織の状況", "context factor");

/// A factor as the pages show it: where it belongs, and whether it is still current.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextFactorView {
    pub id: ContextFactorId,
    /// The company it describes; none for the group.
    pub company: Option<CompanyId>,
    pub company_code: Option<String>,
    #[serde(flatten)]
    pub factor: ContextFactor,
    pub archived: bool,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT f.id, f.company_id, c.code AS company_code, f.kind, f.title, f.description, f.source, \
     f.noted_on, f.updated_at, f.archived_at FROM risk_context_factors f LEFT JOIN companies c ON c.id = f.company_id \
     WHERE f.group_id = $1 ORDER BY f.noted_on DESC, f.title";

const SELECT_ONE: &str = "SELECT f.id, f.company_id, c.code AS company_code, f.kind, f.title, f.description, f.source, \
     f.noted_on, f.updated_at, f.archived_at FROM risk_context_factors f LEFT JOIN companies c ON c.id = f.company_id \
     WHERE f.group_id = $1 AND f.id = $2";

const SELECT_CITED: &str = "SELECT f.id, f.company_id, c.code AS company_code, f.kind, f.title, f.description, f.source, \
     f.noted_on, f.updated_at, f.archived_at FROM risk_assessment_context x \
     JOIN risk_context_factors f ON f.id = x.factor_id LEFT JOIN companies c ON c.id = f.company_id \
     WHERE x.group_id = $1 AND x.assessment_id = $2 ORDER BY f.noted_on DESC, f.title";

pub(crate) fn factor_from(r: &Row) -> Result<ContextFactorView> {
    Ok(ContextFactorView {
        id: r.parse("id")?,
        company: r.opt_parse("company_id")?,
        company_code: r.opt_text("company_code")?,
        factor: ContextFactor {
            kind: ContextKind::parse(&r.text("kind")?)?,
            title: r.text("title")?,
            description: r.text("description")?,
            source: r.text("source")?,
            noted_on: r.date("noted_on")?,
        },
        archived: r.opt_instant("archived_at")?.is_some(),
        updated_at: r.instant("updated_at")?,
    })
}

/// The factors an assessment cites, read inside a write (to write its document).
pub(crate) async fn cited_in_write(
    w: &mut Write,
    actor: &Actor,
    assessment: ArtifactVersionId,
) -> Result<Vec<ContextFactor>> {
    w.fetch_all(SELECT_CITED, args![t(actor.group()), t(assessment)])
        .await?
        .iter()
        .map(|r| factor_from(r).map(|f| f.factor))
        .collect()
}

/// How access sees a factor. The group's context (the economy, the law, the market the
/// whole group works in) is reference for every company, read by everyone in the group and
/// kept by the CISO office; a company's own context lives with its risk assessment.
pub(crate) fn access_of(company: Option<CompanyId>) -> (RecordKind, Scope) {
    match company {
        None => (RecordKind::GroupReference, Scope::Group),
        Some(company) => (
            RecordKind::Artifact(ArtifactKind::RiskAssessment),
            Scope::Company { company },
        ),
    }
}

/// Whether the actor may record and change the context of the group (no company) or of
/// one company; pages use it to offer the forms.
pub fn may_write_context(actor: &Actor, company: Option<CompanyId>) -> bool {
    let (kind, scope) = access_of(company);
    kamae_core::access::authorize(
        actor,
        Action::Write,
        &kamae_core::access::Resource {
            group: actor.group(),
            kind,
            scope,
        },
    ) == kamae_core::access::Decision::Allow
}

fn may_read_factor(actor: &Actor, company: Option<CompanyId>) -> bool {
    let (kind, scope) = access_of(company);
    may_read(actor, kind, scope)
}

fn check_write(actor: &Actor, company: Option<CompanyId>) -> Result<()> {
    let (kind, scope) = access_of(company);
    check(actor, Action::Write, kind, scope, WHAT)
}

fn invalid(factor: &ContextFactor) -> Result<()> {
    match Problem::all("invalid_context_factor", &factor.check()) {
        Some(p) => Err(p.into()),
        None => Ok(()),
    }
}

impl Store {
    /// The current factors the actor can see: the group's and those of companies in reach.
    pub async fn context_factors(&self, actor: &Actor) -> Result<Vec<ContextFactorView>> {
        let mut out = Vec::new();
        for r in self.db.fetch_all(SELECT, args![t(actor.group())]).await? {
            let f = factor_from(&r)?;
            if !f.archived && may_read_factor(actor, f.company) {
                out.push(f);
            }
        }
        Ok(out)
    }

    /// One factor, archived or not.
    pub async fn context_factor(
        &self,
        actor: &Actor,
        id: ContextFactorId,
    ) -> Result<ContextFactorView> {
        let r = self
            .db
            .fetch_optional(SELECT_ONE, args![t(actor.group()), t(id)])
            .await?
            .ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))?;
        let f = factor_from(&r)?;
        // A factor out of reach reads as unknown, not as forbidden.
        if !may_read_factor(actor, f.company) {
            return Err(StoreError::not_found(WHAT.0, WHAT.1));
        }
        Ok(f)
    }

    /// Records a new factor of the group (no company) or of one company.
    pub async fn add_context_factor(
        &self,
        actor: &Actor,
        company: Option<&Code>,
        factor: ContextFactor,
    ) -> Result<ContextFactorView> {
        let company = match company {
            Some(code) => Some(self.company_by_code(actor, code).await?.id),
            None => None,
        };
        check_write(actor, company)?;
        invalid(&factor)?;
        let id = crate::new_id(ContextFactorId::from_uuid);
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "create", "context_factor", id)
                .after(&serde_json::json!({"company": company, "factor": factor})),
            vec![stmt(
                "INSERT INTO risk_context_factors (id, group_id, company_id, kind, title, description, source, noted_on, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                args![
                    t(id),
                    t(actor.group()),
                    ot(company),
                    factor.kind.as_str(),
                    factor.title.trim(),
                    factor.description.trim(),
                    factor.source.trim(),
                    factor.noted_on,
                    now
                ],
            )],
        )
        .await?;
        w.commit().await?;
        self.context_factor(actor, id).await
    }

    /// Changes what a current factor says. The documents of draft (or rejected) assessments
    /// citing it are written again with the new words; submitted and approved ones keep the
    /// words they went to the executives with.
    pub async fn change_context_factor(
        &self,
        actor: &Actor,
        id: ContextFactorId,
        factor: ContextFactor,
    ) -> Result<ContextFactorView> {
        let before = self.current_for_change(actor, id).await?;
        invalid(&factor)?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "update", "context_factor", id)
                .before(&before.factor)
                .after(&factor),
            vec![stmt(
                "UPDATE risk_context_factors SET kind = $1, title = $2, description = $3, source = $4, noted_on = $5, updated_at = $6 \
                 WHERE id = $7 AND group_id = $8",
                args![
                    factor.kind.as_str(),
                    factor.title.trim(),
                    factor.description.trim(),
                    factor.source.trim(),
                    factor.noted_on,
                    now,
                    t(id),
                    t(actor.group())
                ],
            )],
        )
        .await?;
        let open = w
            .fetch_all(
                "SELECT x.assessment_id FROM risk_assessment_context x \
                 JOIN approvals a ON a.document_id = x.assessment_id \
                 WHERE x.group_id = $1 AND x.factor_id = $2 AND a.state IN ('draft', 'rejected')",
                args![t(actor.group()), t(id)],
            )
            .await?;
        for r in open {
            let assessment: ArtifactVersionId = r.parse("assessment_id")?;
            let body = Store::rewrite_body(&mut w, actor, assessment).await?;
            w.apply(
                Change::new(actor.group(), "update", "artifact_version", assessment)
                    .after(&serde_json::json!({"body": "written from the register"})),
                vec![body],
            )
            .await?;
        }
        w.commit().await?;
        self.context_factor(actor, id).await
    }

    /// Retires a factor that no longer holds, with the reason. Assessments that cite it
    /// still show it, marked as archived.
    pub async fn archive_context_factor(
        &self,
        actor: &Actor,
        id: ContextFactorId,
        reason: &str,
    ) -> Result<()> {
        let before = self.current_for_change(actor, id).await?;
        let reason = kamae_core::text::required_text(reason, "理由", "reason")?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "archive", "context_factor", id)
                .reason(Some(&reason))
                .before(&before.factor),
            vec![stmt(
                "UPDATE risk_context_factors SET archived_at = $1 WHERE id = $2 AND group_id = $3",
                args![now, t(id), t(actor.group())],
            )],
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    async fn current_for_change(
        &self,
        actor: &Actor,
        id: ContextFactorId,
    ) -> Result<ContextFactorView> {
        let f = self.context_factor(actor, id).await?;
        check_write(actor, f.company)?;
        if f.archived {
            return Err(Problem::new(
                "archived_context_factor",
                "アーカイブ済みの状況は変更できません。新しく記録してください",
                "an archived factor does not change; record a new one",
            )
            .into());
        }
        Ok(f)
    }

    /// The factors an assessment cites.
    pub async fn cited_context(
        &self,
        actor: &Actor,
        assessment: ArtifactVersionId,
    ) -> Result<Vec<ContextFactorView>> {
        self.db
            .fetch_all(SELECT_CITED, args![t(actor.group()), t(assessment)])
            .await?
            .iter()
            .map(factor_from)
            .collect()
    }
}
