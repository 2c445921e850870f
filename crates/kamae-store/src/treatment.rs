//! Role E in the store: risk treatment plans. A plan is a version of the
//! risk_treatment_plan artifact at the scope of the approved assessment it treats, so its
//! approval (rejected → revised → resubmitted) is the artifact's; its document is written
//! from its treatments. Progress on actions and the review are recorded once approved.

use chrono::NaiveDate;
use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::approval::ApprovalState;
use kamae_core::artifact::ArtifactKind;
use kamae_core::ids::ArtifactVersionId;
use kamae_core::risk::{
    ActionStatus, Treatment, TreatmentAction, TreatmentDecision, plan_markdown,
};
use kamae_core::text::required_text;
use serde::Serialize;

use crate::artifact::ArtifactVersion;
use crate::db::{args, t};
use crate::risk::RiskView;
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check};

const PLAN: RecordKind = RecordKind::Artifact(ArtifactKind::RiskTreatmentPlan);
const WHAT: (&str, &str) = ("リスク対応計画", "risk treatment plan");

/// A risk needing treatment, and how the plan treats it (if it does yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedRisk {
    pub risk: RiskView,
    pub treatment: Option<Treatment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanView {
    pub version: ArtifactVersion,
    pub assessment: ArtifactVersionId,
    pub assessment_title: String,
    /// The risks needing treatment, in treatment order.
    pub risks: Vec<PlannedRisk>,
    pub review_worked: String,
    pub review_carry_over: String,
    pub reviewed_by: Option<String>,
    pub today: NaiveDate,
}

impl PlanView {
    pub fn id(&self) -> ArtifactVersionId {
        self.version.reference.version
    }

    pub fn state(&self) -> ApprovalState {
        self.version.approval.state
    }

    pub fn untreated(&self) -> usize {
        self.risks.iter().filter(|r| r.treatment.is_none()).count()
    }

    pub fn overdue(&self) -> usize {
        self.risks
            .iter()
            .flat_map(|r| r.treatment.iter().flat_map(|t| &t.actions))
            .filter(|a| a.overdue(self.today))
            .count()
    }

    pub fn planned(&self, code: &str) -> Option<&PlannedRisk> {
        self.risks
            .iter()
            .find(|r| r.risk.entry.code.as_str().eq_ignore_ascii_case(code))
    }
}

/// An open action of an approved plan, for its owner's home page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnedAction {
    pub plan: ArtifactVersionId,
    pub plan_title: String,
    pub risk: String,
    pub action: TreatmentAction,
    pub overdue: bool,
}

async fn load_treatments(
    db: &crate::db::Db,
    actor: &Actor,
    id: ArtifactVersionId,
) -> Result<Vec<Treatment>> {
    let mut out: Vec<Treatment> = Vec::new();
    for r in db
        .fetch_all(
            "SELECT risk_code, decision, note, accepted_by FROM risk_treatments \
             WHERE group_id = $1 AND plan_id = $2 ORDER BY risk_code",
            args![t(actor.group()), t(id)],
        )
        .await?
    {
        out.push(Treatment {
            risk: r.text("risk_code")?,
            decision: TreatmentDecision::parse(&r.text("decision")?)?,
            note: r.text("note")?,
            accepted_by: r.text("accepted_by")?,
            actions: Vec::new(),
        });
    }
    for r in db
        .fetch_all(
            "SELECT risk_code, what, owner, due_on, cost_yen, status, done_on, note FROM treatment_actions \
             WHERE group_id = $1 AND plan_id = $2 ORDER BY risk_code, position",
            args![t(actor.group()), t(id)],
        )
        .await?
    {
        let code = r.text("risk_code")?;
        if let Some(tr) = out.iter_mut().find(|x| x.risk == code) {
            tr.actions.push(TreatmentAction {
                what: r.text("what")?,
                owner: r.text("owner")?,
                due_on: r.opt_date("due_on")?.unwrap_or_default(),
                cost_yen: r.opt_int("cost_yen")?,
                status: ActionStatus::parse(&r.text("status")?)?,
                done_on: r.opt_date("done_on")?,
                note: r.text("note")?,
            });
        }
    }
    Ok(out)
}

impl Store {
    /// The plans of an assessment the actor can see, newest first.
    pub async fn treatment_plans_of(
        &self,
        actor: &Actor,
        assessment: ArtifactVersionId,
    ) -> Result<Vec<PlanView>> {
        self.readable_versions(
            "SELECT id FROM risk_treatment_plans WHERE group_id = $1 AND assessment_id = $2 ORDER BY created_at DESC",
            args![t(actor.group()), t(assessment)],
            |id| self.treatment_plan(actor, id),
        )
        .await
    }

    pub async fn treatment_plan(&self, actor: &Actor, id: ArtifactVersionId) -> Result<PlanView> {
        let version = self.artifact_version(actor, id).await?;
        let row = self
            .db
            .fetch_optional(
                "SELECT assessment_id, review_worked, review_carry_over, reviewed_by FROM risk_treatment_plans \
                 WHERE group_id = $1 AND id = $2",
                args![t(actor.group()), t(id)],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))?;
        let assessment = self.assessment(actor, row.parse("assessment_id")?).await?;
        let treatments = load_treatments(&self.db, actor, id).await?;
        Ok(PlanView {
            risks: assessment
                .treatment_order
                .iter()
                .filter_map(|i| assessment.risks.get(*i))
                .map(|r| PlannedRisk {
                    treatment: treatments
                        .iter()
                        .find(|x| x.risk == r.entry.code.as_str())
                        .cloned(),
                    risk: r.clone(),
                })
                .collect(),
            assessment: assessment.id(),
            assessment_title: assessment.version.title.clone(),
            review_worked: row.text("review_worked")?,
            review_carry_over: row.text("review_carry_over")?,
            reviewed_by: row.opt_text("reviewed_by")?,
            today: self.today(actor.group()).await?,
            version,
        })
    }

    /// Starts the treatment plan of an approved assessment (a new draft version of the
    /// plan artifact at the assessment's scope).
    pub async fn new_treatment_plan(
        &self,
        actor: &Actor,
        assessment: ArtifactVersionId,
        title: &str,
    ) -> Result<PlanView> {
        let a = self.assessment(actor, assessment).await?;
        let company = a.version.reference.company;
        check(actor, Action::Write, PLAN, Scope::of_company(company), WHAT)?;
        let title = required_text(title, "表題", "title")?;
        if a.state() != ApprovalState::Approved {
            return Err(Problem::new(
                "assessment_not_approved",
                "対応計画は承認されたリスクアセスメントから作ります",
                "a treatment plan is made from an approved risk assessment",
            )
            .into());
        }
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let series =
            Self::series_for(&mut w, actor, ArtifactKind::RiskTreatmentPlan, company).await?;
        let body = plan_markdown(&[]);
        let id = Self::insert_version(
            &mut w,
            actor,
            series,
            ArtifactKind::RiskTreatmentPlan,
            company,
            &title,
            &body,
            &[assessment],
        )
        .await?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "create", "risk_treatment_plan", id)
                .after(&serde_json::json!({"assessment": assessment})),
            vec![stmt(
                "INSERT INTO risk_treatment_plans (id, group_id, assessment_id, review_worked, review_carry_over, created_at) \
                 VALUES ($1, $2, $3, '', '', $4)",
                args![t(id), t(actor.group()), t(assessment), now],
            )],
        )
        .await?;
        w.commit().await?;
        self.treatment_plan(actor, id).await
    }

    async fn plan_for_change(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
    ) -> Result<(PlanView, Write)> {
        let p = self.treatment_plan(actor, id).await?;
        check(
            actor,
            Action::Write,
            PLAN,
            Scope::of_company(p.version.reference.company),
            WHAT,
        )?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        crate::artifact::open_for_change(
            &mut w,
            actor,
            id,
            WHAT,
            Problem::new(
                "approved_plan",
                "承認済みの対応計画は変更できません。進捗と振り返りを記録してください",
                "an approved treatment plan does not change; record progress and the review",
            ),
        )
        .await?;
        Ok((p, w))
    }

    /// Decides how one risk is treated, with its actions (replacing what the plan said).
    pub async fn save_treatment(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        treatment: Treatment,
    ) -> Result<PlanView> {
        let (p, mut w) = self.plan_for_change(actor, id).await?;
        let Some(planned) = p.planned(&treatment.risk) else {
            return Err(Problem::new(
                "risk_not_needing_treatment",
                format!(
                    "リスク {} は、この計画で対応するリスクではありません",
                    treatment.risk
                ),
                format!("risk {} is not one this plan treats", treatment.risk),
            )
            .into());
        };
        let mut treatment = treatment;
        treatment.risk = planned.risk.entry.code.to_string();
        if let Some(p) = Problem::all("invalid_treatment", &treatment.check()) {
            return Err(p.into());
        }
        let code = treatment.risk.clone();
        let mut statements = Vec::new();
        if planned.treatment.is_some() {
            statements.push(stmt(
                "DELETE FROM treatment_actions WHERE plan_id = $1 AND risk_code = $2 AND group_id = $3",
                args![t(id), code.clone(), t(actor.group())],
            ));
            statements.push(stmt(
                "DELETE FROM risk_treatments WHERE plan_id = $1 AND risk_code = $2 AND group_id = $3",
                args![t(id), code.clone(), t(actor.group())],
            ));
        }
        statements.push(stmt(
            "INSERT INTO risk_treatments (plan_id, group_id, risk_code, decision, note, accepted_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
            args![
                t(id),
                t(actor.group()),
                code.clone(),
                treatment.decision.as_str(),
                treatment.note.trim(),
                treatment.accepted_by.trim()
            ],
        ));
        for (n, a) in treatment.actions.iter().enumerate() {
            statements.push(stmt(
                "INSERT INTO treatment_actions (plan_id, group_id, risk_code, position, what, owner, due_on, cost_yen, \
                 status, done_on, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                args![
                    t(id),
                    t(actor.group()),
                    code.clone(),
                    n as i64,
                    a.what.trim(),
                    a.owner.trim(),
                    a.due_on,
                    a.cost_yen,
                    a.status.as_str(),
                    a.done_on,
                    a.note.trim()
                ],
            ));
        }
        let mut change = Change::new(
            actor.group(),
            if planned.treatment.is_some() {
                "update"
            } else {
                "create"
            },
            "risk_treatment",
            format!("{id}:{code}"),
        )
        .after(&treatment);
        if let Some(old) = &planned.treatment {
            change = change.before(old);
        }
        w.apply(change, statements).await?;
        // The document is what the executives approve: written again from the treatments.
        let mut all: Vec<(String, String, Treatment)> = p
            .risks
            .iter()
            .filter_map(|r| {
                let t = if r.risk.entry.code.as_str() == code {
                    Some(treatment.clone())
                } else {
                    r.treatment.clone()
                };
                t.map(|t| (r.risk.entry.code.to_string(), r.risk.entry.title.clone(), t))
            })
            .collect();
        all.sort_by_key(|x| {
            p.risks
                .iter()
                .position(|r| r.risk.entry.code.as_str() == x.0)
        });
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "update", "artifact_version", id)
                .after(&serde_json::json!({"body": "written from the treatments"})),
            vec![stmt(
                "UPDATE artifact_versions SET body = $1, updated_at = $2 WHERE id = $3 AND group_id = $4",
                args![plan_markdown(&all), now, t(id), t(actor.group())],
            )],
        )
        .await?;
        w.commit().await?;
        self.treatment_plan(actor, id).await
    }

    /// An approved plan the actor may write, for what is recorded after approval; `ja` and
    /// `en` say what is refused on a plan not approved yet.
    async fn approved_plan(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        ja: &str,
        en: &str,
    ) -> Result<PlanView> {
        let p = self.treatment_plan(actor, id).await?;
        check(
            actor,
            Action::Write,
            PLAN,
            Scope::of_company(p.version.reference.company),
            WHAT,
        )?;
        if p.state() != ApprovalState::Approved {
            return Err(Problem::new("plan_not_approved", ja, en).into());
        }
        Ok(p)
    }

    /// Records the progress of one action of an approved plan.
    pub async fn set_action_status(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        risk: &str,
        position: usize,
        status: ActionStatus,
        note: &str,
    ) -> Result<PlanView> {
        let p = self
            .approved_plan(
                actor,
                id,
                "進捗は承認された対応計画に記録します",
                "progress is recorded on an approved treatment plan",
            )
            .await?;
        let planned = p
            .planned(risk)
            .and_then(|r| r.treatment.as_ref())
            .ok_or_else(|| StoreError::not_found("リスク対応", "treatment"))?;
        let before = planned
            .actions
            .get(position)
            .ok_or_else(|| StoreError::not_found("対応", "action"))?;
        let done_on = (status == ActionStatus::Done).then_some(p.today);
        let mut w = Write::begin(self, Who::of(actor)).await?;
        w.apply(
            Change::new(
                actor.group(),
                "progress",
                "risk_treatment",
                format!("{id}:{}", planned.risk),
            )
            .before(&serde_json::json!({"action": position, "status": before.status.as_str(), "note": before.note}))
            .after(&serde_json::json!({"action": position, "status": status.as_str(), "note": note.trim(), "done_on": done_on})),
            vec![stmt(
                "UPDATE treatment_actions SET status = $1, done_on = $2, note = $3 \
                 WHERE plan_id = $4 AND risk_code = $5 AND position = $6 AND group_id = $7",
                args![
                    status.as_str(),
                    done_on,
                    note.trim(),
                    t(id),
                    planned.risk.clone(),
                    position as i64,
                    t(actor.group())
                ],
            )],
        )
        .await?;
        w.commit().await?;
        self.treatment_plan(actor, id).await
    }

    /// The review after the cycle (step 8): what worked, and what carries over to next year.
    pub async fn review_plan(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        worked: &str,
        carry_over: &str,
    ) -> Result<PlanView> {
        let p = self
            .approved_plan(
                actor,
                id,
                "振り返りは承認された対応計画に記録します",
                "the review is recorded on an approved treatment plan",
            )
            .await?;
        let worked = required_text(worked, "効果があったこと", "what worked")?;
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let now = w.now();
        let who = Who::of(actor).label;
        w.apply(
            Change::new(actor.group(), "review", "risk_treatment_plan", id)
                .before(&serde_json::json!({"worked": p.review_worked, "carry_over": p.review_carry_over}))
                .after(&serde_json::json!({"worked": worked, "carry_over": carry_over.trim()})),
            vec![stmt(
                "UPDATE risk_treatment_plans SET review_worked = $1, review_carry_over = $2, reviewed_by = $3, \
                 reviewed_at = $4 WHERE id = $5 AND group_id = $6",
                args![worked, carry_over.trim(), who, now, t(id), t(actor.group())],
            )],
        )
        .await?;
        w.commit().await?;
        self.treatment_plan(actor, id).await
    }

    /// Open actions of approved plans owned by the actor (by their e-mail address).
    pub async fn my_treatment_actions(&self, actor: &Actor) -> Result<Vec<OwnedAction>> {
        let mail = match actor {
            Actor::User(p) => p.email.as_str(),
            Actor::System { .. } => return Ok(Vec::new()),
        };
        let rows = self
            .db
            .fetch_all(
                "SELECT DISTINCT plan_id FROM treatment_actions WHERE group_id = $1 AND LOWER(owner) = LOWER($2) \
                 AND status = 'open'",
                args![t(actor.group()), mail.to_owned()],
            )
            .await?;
        let mut out = Vec::new();
        for r in rows {
            let Ok(p) = self.treatment_plan(actor, r.parse("plan_id")?).await else {
                continue;
            };
            if p.state() != ApprovalState::Approved {
                continue;
            }
            for planned in &p.risks {
                for a in planned.treatment.iter().flat_map(|t| &t.actions) {
                    if a.owner.eq_ignore_ascii_case(mail) && a.status == ActionStatus::Open {
                        out.push(OwnedAction {
                            plan: p.id(),
                            plan_title: p.version.title.clone(),
                            risk: planned.risk.entry.code.to_string(),
                            action: a.clone(),
                            overdue: a.overdue(p.today),
                        });
                    }
                }
            }
        }
        out.sort_by_key(|a| a.action.due_on);
        Ok(out)
    }
}

/// A plan that does not decide every risk needing treatment cannot go to approval.
pub(crate) async fn untreated_risks(
    store: &Store,
    actor: &Actor,
    id: ArtifactVersionId,
) -> Result<Option<usize>> {
    match store.treatment_plan(actor, id).await {
        Ok(p) => Ok(Some(p.untreated())),
        Err(e) if e.code() == "not_found" => Ok(None),
        Err(e) => Err(e),
    }
}

/// Whether a version is a structured treatment plan (edited through its treatments).
pub(crate) async fn is_plan(w: &mut Write, actor: &Actor, id: ArtifactVersionId) -> Result<bool> {
    Ok(w.fetch_optional(
        "SELECT id FROM risk_treatment_plans WHERE group_id = $1 AND id = $2",
        args![t(actor.group()), t(id)],
    )
    .await?
    .is_some())
}
