//! The risk report of an assessment (role E, step 9): the assessment, the treatment plan
//! made from it (the approved one, else the newest) and last year's assessment (the one it
//! was copied from, else the newest approved earlier year of the same artifact), read with
//! the reader's access and put together by the core's report.

use chrono::NaiveDate;
use kamae_core::access::Actor;
use kamae_core::approval::ApprovalState;
use kamae_core::ids::ArtifactVersionId;
use kamae_core::risk::{
    Audience, Coverage, Method, PlanInput, PreviousInput, ReportedInput, RiskReport, Treatment,
    build_report,
};
use serde::Serialize;

use crate::context::ContextFactorView;
use crate::risk::AssessmentView;
use crate::{Result, Store};

/// The plan a report follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportedPlan {
    pub id: ArtifactVersionId,
    pub title: String,
    pub state: ApprovalState,
    /// The effectiveness review; empty in the outside version.
    pub review_worked: String,
    pub review_carry_over: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportView {
    pub assessment: ArtifactVersionId,
    pub title: String,
    pub fiscal_year: i32,
    pub state: ApprovalState,
    /// The assessed company's code; none for the group's assessment.
    pub company_code: Option<String>,
    pub method: Method,
    /// What the assessment covers; the outside version keeps companies and systems only.
    pub coverage: Coverage,
    /// The context it starts from; empty in the outside version (the inside of the
    /// organisation is not for outsiders).
    pub context: Vec<ContextFactorView>,
    pub plan: Option<ReportedPlan>,
    pub previous: Option<ArtifactVersionId>,
    pub today: NaiveDate,
    pub report: RiskReport,
}

fn inputs(a: &AssessmentView) -> Vec<ReportedInput<'_>> {
    a.risks
        .iter()
        .map(|r| ReportedInput {
            entry: &r.entry,
            evaluation: &r.evaluation,
        })
        .collect()
}

impl Store {
    /// The report of an assessment for an audience, as the actor may read it.
    pub async fn risk_report(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        audience: Audience,
    ) -> Result<ReportView> {
        let a = self.assessment(actor, id).await?;
        let plans = self.treatment_plans_of(actor, id).await?;
        let plan = plans
            .iter()
            .find(|p| p.state() == ApprovalState::Approved)
            .or(plans.first());
        let previous_id = match a.copied_from {
            Some(from) => Some(from),
            None => self
                .assessments(actor)
                .await?
                .into_iter()
                .filter(|s| {
                    s.reference.series == a.version.reference.series
                        && s.fiscal_year < a.fiscal_year
                        && s.state == ApprovalState::Approved
                })
                .max_by_key(|s| s.fiscal_year)
                .map(|s| s.reference.version),
        };
        let previous = match previous_id {
            Some(p) => Some(self.assessment(actor, p).await?),
            None => None,
        };
        let today = self.today(actor.group()).await?;
        let treatments: Vec<Treatment> = plan
            .map(|p| p.risks.iter().filter_map(|r| r.treatment.clone()).collect())
            .unwrap_or_default();
        let current = inputs(&a);
        let before = previous.as_ref().map(inputs).unwrap_or_default();
        let report = build_report(
            audience,
            &a.criteria,
            &current,
            plan.map(|p| PlanInput {
                treatments: &treatments,
                approved: p.state() == ApprovalState::Approved,
            }),
            previous.as_ref().map(|p| PreviousInput {
                fiscal_year: p.fiscal_year,
                risks: &before,
            }),
            today,
        );
        let external = audience == Audience::External;
        let mut coverage = a.coverage.clone();
        if external {
            coverage.sites.clear();
            coverage.departments.clear();
        }
        Ok(ReportView {
            assessment: id,
            title: a.version.title.clone(),
            fiscal_year: a.fiscal_year,
            state: a.state(),
            company_code: a.version.reference.company_code.clone(),
            method: a.criteria.method,
            coverage,
            context: if external { vec![] } else { a.context.clone() },
            plan: plan.map(|p| ReportedPlan {
                id: p.id(),
                title: p.version.title.clone(),
                state: p.state(),
                review_worked: if external {
                    String::new()
                } else {
                    p.review_worked.clone()
                },
                review_carry_over: if external {
                    String::new()
                } else {
                    p.review_carry_over.clone()
                },
            }),
            previous: previous_id,
            today,
            report,
        })
    }
}
