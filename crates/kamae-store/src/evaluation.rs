//! Role C after the fact: the evaluation of an investment's effect. An evaluation is a
//! version of the investment_evaluation artifact made from an approved business case (its
//! input): for the option the business carried out and one plan year, the actual cost,
//! the attacks the measures stopped and the incidents with their loss, set against what the
//! case expected. Its document is written from those figures.

use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::approval::ApprovalState;
use kamae_core::artifact::ArtifactKind;
use kamae_core::ids::ArtifactVersionId;
use kamae_core::money::Yen;
use kamae_core::text::required_text;
use serde::{Deserialize, Serialize};

use crate::artifact::ArtifactVersion;
use crate::db::{args, t};
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check, visible};

const EVALUATION: RecordKind = RecordKind::Artifact(ArtifactKind::InvestmentEvaluation);
const WHAT: (&str, &str) = ("投資効果の評価", "evaluation of an investment's effect");

/// What happened in one plan year of the option carried out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EffectRecord {
    /// The option carried out, by its name in the case.
    pub option: String,
    /// The plan year evaluated, by its name in the case.
    pub year: String,
    pub actual_cost_yen: i64,
    /// Attacks the measures are known to have stopped (from the WAF's or the IPS's logs).
    pub blocked_attacks: i64,
    pub incidents: i64,
    /// What the incidents cost.
    pub actual_loss_yen: i64,
    #[serde(default)]
    pub note: String,
}

/// What the case expected of that option in that year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expected {
    pub cost: f64,
    pub expected_loss: f64,
    /// Doing nothing's expected loss that year: what the option was to save against.
    pub expected_loss_without: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvaluationView {
    pub version: ArtifactVersion,
    pub case: ArtifactVersionId,
    pub case_title: String,
    pub record: EffectRecord,
    pub expected: Expected,
}

impl EvaluationView {
    pub fn id(&self) -> ArtifactVersionId {
        self.version.reference.version
    }
}

fn yen(x: f64) -> String {
    Yen(x.round() as i64).grouped()
}

/// The evaluation as its document reads.
pub fn evaluation_markdown(case_title: &str, r: &EffectRecord, e: &Expected) -> String {
    let one_line = |s: &str| s.replace(['\n', '\r'], " ").replace('|', "／");
    let mut out = format!(
        "## 評価の対象 / What is evaluated\n\n- ビジネスケース / business case: {}\n- 選択肢 / option: {}\n- 年度 / year: {}\n\n\
         ## 見込みと実績 / Expected and actual\n\n| | 見込み / expected | 実績 / actual |\n| --- | ---: | ---: |\n",
        one_line(case_title),
        one_line(&r.option),
        one_line(&r.year),
    );
    out.push_str(&format!(
        "| 費用 / cost | {} | {} |\n",
        yen(e.cost),
        Yen(r.actual_cost_yen).grouped()
    ));
    out.push_str(&format!(
        "| 損失 / loss | {} | {} |\n",
        yen(e.expected_loss),
        Yen(r.actual_loss_yen).grouped()
    ));
    out.push_str(&format!(
        "| 対策がなければ見込まれた損失 / expected loss without it | {} | — |\n",
        yen(e.expected_loss_without)
    ));
    out.push_str(&format!(
        "| 防いだ攻撃 / attacks stopped | — | {} |\n| インシデント / incidents | — | {} |\n",
        r.blocked_attacks, r.incidents
    ));
    if !r.note.trim().is_empty() {
        out.push_str(&format!("\n## 所見 / Findings\n\n{}\n", r.note.trim()));
    }
    out
}

impl Store {
    /// Records the effect of an approved case's option in one of its years: a new draft
    /// version of the investment_evaluation artifact at the case's scope, made from it.
    pub async fn new_investment_evaluation(
        &self,
        actor: &Actor,
        case: ArtifactVersionId,
        title: &str,
        record: EffectRecord,
    ) -> Result<EvaluationView> {
        let c = self.business_case(actor, case).await?;
        let company = c.version.reference.company;
        check(
            actor,
            Action::Write,
            EVALUATION,
            Scope::of_company(company),
            WHAT,
        )?;
        let title = required_text(title, "表題", "title")?;
        if c.state() != ApprovalState::Approved {
            return Err(Problem::new(
                "case_not_approved",
                "投資効果は、承認されたビジネスケースについて評価します",
                "an investment's effect is evaluated against an approved business case",
            )
            .into());
        }
        let expected = expected_of(&c.outcome, &record)?;
        let body = evaluation_markdown(&c.version.title, &record, &expected);
        let mut w = Write::begin(self, Who::of(actor)).await?;
        let series =
            Self::series_for(&mut w, actor, ArtifactKind::InvestmentEvaluation, company).await?;
        let id = Self::insert_version(
            &mut w,
            actor,
            series,
            ArtifactKind::InvestmentEvaluation,
            company,
            &title,
            &body,
            &[case],
        )
        .await?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "create", "investment_evaluation", id)
                .after(&serde_json::json!({"case": case, "record": record})),
            vec![stmt(
                "INSERT INTO investment_evaluations (id, group_id, case_id, record, expected, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                args![
                    t(id),
                    t(actor.group()),
                    t(case),
                    serde_json::to_string(&record)?,
                    serde_json::to_string(&expected)?,
                    now
                ],
            )],
        )
        .await?;
        w.commit().await?;
        self.investment_evaluation(actor, id).await
    }

    /// Changes a draft (or rejected, which revises it) evaluation's record.
    pub async fn save_investment_evaluation(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        record: EffectRecord,
    ) -> Result<EvaluationView> {
        let old = self.investment_evaluation(actor, id).await?;
        check(
            actor,
            Action::Write,
            EVALUATION,
            Scope::of_company(old.version.reference.company),
            WHAT,
        )?;
        let c = self.business_case(actor, old.case).await?;
        let expected = expected_of(&c.outcome, &record)?;
        let body = evaluation_markdown(&c.version.title, &record, &expected);
        let w = Write::begin(self, Who::of(actor)).await?;
        crate::artifact::save_structured(
            w,
            actor,
            id,
            WHAT,
            Problem::new(
                "approved_evaluation",
                "承認済みの評価は変更できません",
                "an approved evaluation does not change",
            ),
            Change::new(actor.group(), "update", "investment_evaluation", id)
                .before(&serde_json::json!({"record": old.record}))
                .after(&serde_json::json!({"record": record})),
            stmt(
                "UPDATE investment_evaluations SET record = $1, expected = $2 WHERE group_id = $3 AND id = $4",
                args![
                    serde_json::to_string(&record)?,
                    serde_json::to_string(&expected)?,
                    t(actor.group()),
                    t(id)
                ],
            ),
            body,
        )
        .await?;
        self.investment_evaluation(actor, id).await
    }

    pub async fn investment_evaluation(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
    ) -> Result<EvaluationView> {
        let version = self.artifact_version(actor, id).await?;
        let row = self
            .db
            .fetch_optional(
                "SELECT case_id, record, expected FROM investment_evaluations WHERE group_id = $1 AND id = $2",
                args![t(actor.group()), t(id)],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))?;
        let case: ArtifactVersionId = row.parse("case_id")?;
        let case_title = visible(self.artifact_version(actor, case).await)?
            .map(|v| v.title)
            .unwrap_or_default();
        Ok(EvaluationView {
            case,
            case_title,
            record: serde_json::from_str(&row.text("record")?)?,
            expected: serde_json::from_str(&row.text("expected")?)?,
            version,
        })
    }

    /// The evaluations made from a case that the actor can see, newest first.
    pub async fn investment_evaluations_of(
        &self,
        actor: &Actor,
        case: ArtifactVersionId,
    ) -> Result<Vec<EvaluationView>> {
        self.readable_versions(
            "SELECT id FROM investment_evaluations WHERE group_id = $1 AND case_id = $2 ORDER BY created_at DESC",
            args![t(actor.group()), t(case)],
            |id| self.investment_evaluation(actor, id),
        )
        .await
    }
}

/// What the case expected of the record's option and year; a name the case does not have,
/// or a negative figure, is refused with its field.
fn expected_of(o: &kamae_quant::business::CaseOutcome, r: &EffectRecord) -> Result<Expected> {
    let mut problems = Vec::new();
    let option = o.options.iter().find(|x| x.name == r.option);
    if option.is_none() {
        problems.push(Problem::new(
            "unknown_option",
            format!("option: 選択肢 {:?} はビジネスケースにありません", r.option),
            format!("option: the business case has no option {:?}", r.option),
        ));
    }
    let year = o.years.iter().position(|y| *y == r.year);
    if year.is_none() {
        problems.push(Problem::new(
            "unknown_year",
            format!("year: 年度 {:?} はビジネスケースの計画にありません", r.year),
            format!("year: the business case's plan has no year {:?}", r.year),
        ));
    }
    for (field, v) in [
        ("actual_cost_yen", r.actual_cost_yen),
        ("blocked_attacks", r.blocked_attacks),
        ("incidents", r.incidents),
        ("actual_loss_yen", r.actual_loss_yen),
    ] {
        if v < 0 {
            problems.push(Problem::new(
                "negative_amount",
                format!("{field}: 0 以上にしてください"),
                format!("{field}: must not be negative"),
            ));
        }
    }
    if let Some(p) = Problem::all("invalid_evaluation", &problems) {
        return Err(p.into());
    }
    match (option, year) {
        (Some(x), Some(k)) => {
            let this = x.years.get(k);
            let without = o.baseline.years.get(k);
            Ok(Expected {
                cost: this.map_or(0.0, |y| y.cost),
                expected_loss: this.map_or(0.0, |y| y.expected_loss),
                expected_loss_without: without.map_or(0.0, |y| y.expected_loss),
            })
        }
        // Both were checked above.
        _ => Err(Problem::new(
            "invalid_evaluation",
            "評価の対象がビジネスケースにありません",
            "the business case has no such option or year",
        )
        .into()),
    }
}

/// Whether a version is an evaluation (written from its record, not as text).
pub(crate) async fn is_evaluation(
    w: &mut Write,
    actor: &Actor,
    id: ArtifactVersionId,
) -> Result<bool> {
    Ok(w.fetch_optional(
        "SELECT id FROM investment_evaluations WHERE group_id = $1 AND id = $2",
        args![t(actor.group()), t(id)],
    )
    .await?
    .is_some())
}
