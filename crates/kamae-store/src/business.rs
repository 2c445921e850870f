//! Role C in the store: business cases. A case is a version of the investment_plan artifact
//! at the scope of the risk assessment whose scenarios it weighs (recorded as its input), so
//! its approval (rejected → revised → resubmitted) is the artifact's. Saving a case works out
//! its outcome with the engine and writes the document from it in the same transaction.

use kamae_core::Problem;
use kamae_core::access::{Action, Actor, RecordKind, Scope};
use kamae_core::approval::ApprovalState;
use kamae_core::artifact::ArtifactKind;
use kamae_core::ids::ArtifactVersionId;
use kamae_core::money::Yen;
use kamae_core::text::required_text;
use kamae_quant::business::{Case, CaseOutcome, OptionOutcome};
use serde::Serialize;

use crate::artifact::ArtifactVersion;
use crate::db::{args, t};
use crate::quant::{
    REGISTER_SEED, REGISTER_TRIALS, model_problem, register_scenarios, simulation_stopped,
};
use crate::risk::AssessmentView;
use crate::write::{Change, Who, Write, stmt};
use crate::{Result, Store, StoreError, check, visible};

const CASE: RecordKind = RecordKind::Artifact(ArtifactKind::InvestmentPlan);
const WHAT: (&str, &str) = ("ビジネスケース", "business case");

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BusinessCaseView {
    pub version: ArtifactVersion,
    pub assessment: ArtifactVersionId,
    pub assessment_title: String,
    /// The case as written: plan, discount rate, options (docs/formats.md).
    pub case: serde_json::Value,
    /// What the engine worked out when the case was last saved.
    pub outcome: CaseOutcome,
}

impl BusinessCaseView {
    pub fn id(&self) -> ArtifactVersionId {
        self.version.reference.version
    }

    pub fn state(&self) -> ApprovalState {
        self.version.approval.state
    }
}

/// Reads and works out a case against the register's scenarios (off the async threads: a
/// run per option and year).
async fn evaluate(a: &AssessmentView, case: &serde_json::Value) -> Result<CaseOutcome> {
    let parsed = Case::from_json(&case.to_string())
        .map_err(|p| model_problem("invalid_business_case", &p))?;
    let scenarios = register_scenarios(a)?;
    tokio::task::spawn_blocking(move || {
        parsed.evaluate(&scenarios, REGISTER_TRIALS, REGISTER_SEED, 1)
    })
    .await
    .map_err(simulation_stopped)?
    .map_err(|p| model_problem("invalid_business_case", &p).into())
}

/// Every case the options cite, each with its path in the case.
fn cited(o: &CaseOutcome) -> Vec<(String, String)> {
    o.options
        .iter()
        .enumerate()
        .flat_map(|(i, x)| {
            x.cites
                .iter()
                .enumerate()
                .map(move |(j, code)| (format!("options[{i}].cites[{j}]"), code.clone()))
        })
        .collect()
}

fn yen(x: f64) -> String {
    Yen(x.round() as i64).grouped()
}

fn percent(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ").replace('|', "／")
}

/// The case as its document reads (what the executives approve): the plan, the options side
/// by side with doing nothing, each one's residual risk and its owner, and the basis.
pub fn case_markdown(assessment_title: &str, o: &CaseOutcome) -> String {
    let mut out = String::from("## 事業計画 / Business plan\n\n| 項目 / line |");
    for y in &o.years {
        out.push_str(&format!(" {} |", one_line(y)));
    }
    out.push_str("\n| --- |");
    out.push_str(&" ---: |".repeat(o.years.len()));
    out.push('\n');
    let lines: Vec<&str> = o
        .baseline
        .years
        .first()
        .map(|y| y.lines.iter().map(|l| l.0.as_str()).collect())
        .unwrap_or_default();
    for (i, name) in lines.iter().enumerate() {
        out.push_str(&format!("| {} |", one_line(name)));
        for y in &o.baseline.years {
            let v = y.lines.get(i).map_or(0.0, |l| l.1);
            out.push_str(&format!(" {} |", figure(v)));
        }
        out.push('\n');
    }
    let targets: Vec<(String, String)> = o
        .baseline
        .years
        .iter()
        .flat_map(|y| y.targets.iter().map(|t| (y.year.clone(), t.label.clone())))
        .collect();
    out.push_str(
        "\n## 選択肢の比較 / Options compared\n\n| 選択肢 / option | 費用 / cost | 予想損失（前） / expected loss before | 予想損失（後） / after | 低減 / reduction | ROSI | NPV | 回収 / payback |",
    );
    for (year, label) in &targets {
        out.push_str(&format!(" {} ({}) |", one_line(label), one_line(year)));
    }
    out.push_str("\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    out.push_str(&" ---: |".repeat(targets.len()));
    out.push('\n');
    let row = |name: &str, x: &OptionOutcome| -> String {
        let mut s = format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            one_line(name),
            yen(x.cost),
            yen(x.expected_loss_before),
            yen(x.expected_loss_after),
            yen(x.risk_reduction),
            x.rosi.map_or_else(|| "—".into(), percent),
            yen(x.npv),
            x.payback_years
                .map_or_else(|| "—".into(), |y| format!("{y:.1} 年 / years")),
        );
        for y in &x.years {
            for t in &y.targets {
                s.push_str(&format!(" {} |", percent(t.probability)));
            }
        }
        s.push('\n');
        s
    };
    out.push_str(&row(
        "何もしない（基準） / do nothing (baseline)",
        &o.baseline,
    ));
    for x in &o.options {
        out.push_str(&row(&x.name, x));
    }
    let citing: Vec<&OptionOutcome> = o.options.iter().filter(|x| !x.cites.is_empty()).collect();
    if !citing.is_empty() {
        out.push_str("\n## 根拠とした公開事例 / Public cases cited\n\n");
        for x in citing {
            out.push_str(&format!(
                "- {}: {}\n",
                one_line(&x.name),
                x.cites.join(", ")
            ));
        }
    }
    out.push_str("\n## 残るリスクと責任者 / Residual risk and its owner\n\n");
    for x in &o.options {
        out.push_str(&format!(
            "- {}: {} — {}{}\n",
            one_line(&x.name),
            one_line(&x.residual_owner),
            yen(x.expected_loss_after),
            if x.residual_note.trim().is_empty() {
                String::new()
            } else {
                format!("（{}）", one_line(&x.residual_note))
            }
        ));
    }
    if !o.plan_basis.trim().is_empty() {
        out.push_str(&format!(
            "\n計画の数字の出どころ / where the plan's figures come from: {}\n",
            one_line(&o.plan_basis)
        ));
    }
    out.push_str(&format!(
        "\n## 前提 / Basis\n\n- リスクアセスメント / risk assessment: {}\n- 試行 / trials: {}、乱数の種 / seed: {}\n- 割引率 / discount rate: {}\n",
        one_line(assessment_title),
        o.trials,
        o.seed,
        percent(o.discount_rate),
    ));
    out
}

/// A plan figure: yen as yen, a share (below 1 in size) as a percentage.
fn figure(v: f64) -> String {
    if v.abs() < 1.0 && v != 0.0 {
        percent(v)
    } else {
        yen(v)
    }
}

impl Store {
    /// The business cases the actor can see, newest first.
    pub async fn business_cases(&self, actor: &Actor) -> Result<Vec<BusinessCaseView>> {
        self.readable_versions(
            "SELECT id FROM business_cases WHERE group_id = $1 ORDER BY created_at DESC",
            args![t(actor.group())],
            |id| self.business_case(actor, id),
        )
        .await
    }

    pub async fn business_case(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
    ) -> Result<BusinessCaseView> {
        let version = self.artifact_version(actor, id).await?;
        let row = self
            .db
            .fetch_optional(
                "SELECT assessment_id, case_json, outcome FROM business_cases WHERE group_id = $1 AND id = $2",
                args![t(actor.group()), t(id)],
            )
            .await?
            .ok_or_else(|| StoreError::not_found(WHAT.0, WHAT.1))?;
        let assessment: ArtifactVersionId = row.parse("assessment_id")?;
        // The assessment's title as the reader may see it; the case stands on its own.
        let assessment_title = visible(self.artifact_version(actor, assessment).await)?
            .map(|v| v.title)
            .unwrap_or_default();
        Ok(BusinessCaseView {
            assessment,
            assessment_title,
            case: serde_json::from_str(&row.text("case_json")?)?,
            outcome: serde_json::from_str(&row.text("outcome")?)?,
            version,
        })
    }

    /// Starts a business case on an assessment's scenarios: a new draft version of the
    /// investment_plan artifact at the assessment's scope, with the assessment as its input.
    pub async fn new_business_case(
        &self,
        actor: &Actor,
        assessment: ArtifactVersionId,
        title: &str,
        case: serde_json::Value,
    ) -> Result<BusinessCaseView> {
        let a = self.assessment(actor, assessment).await?;
        let company = a.version.reference.company;
        check(actor, Action::Write, CASE, Scope::of_company(company), WHAT)?;
        let title = required_text(title, "表題", "title")?;
        let outcome = evaluate(&a, &case).await?;
        let body = case_markdown(&a.version.title, &outcome);
        let mut w = Write::begin(self, Who::of(actor)).await?;
        crate::cases::check_cited(&mut w, actor, &cited(&outcome)).await?;
        let series = Self::series_for(&mut w, actor, ArtifactKind::InvestmentPlan, company).await?;
        let id = Self::insert_version(
            &mut w,
            actor,
            series,
            ArtifactKind::InvestmentPlan,
            company,
            &title,
            &body,
            &[assessment],
        )
        .await?;
        let now = w.now();
        w.apply(
            Change::new(actor.group(), "create", "business_case", id)
                .after(&serde_json::json!({"assessment": assessment, "case": case})),
            vec![stmt(
                "INSERT INTO business_cases (id, group_id, assessment_id, case_json, outcome, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                args![
                    t(id),
                    t(actor.group()),
                    t(assessment),
                    case.to_string(),
                    serde_json::to_string(&outcome)?,
                    now
                ],
            )],
        )
        .await?;
        w.commit().await?;
        self.business_case(actor, id).await
    }

    /// Changes a draft (or rejected, which revises it) case; the outcome and the document
    /// are worked out again from the assessment's scenarios as they are now.
    pub async fn save_business_case(
        &self,
        actor: &Actor,
        id: ArtifactVersionId,
        case: serde_json::Value,
    ) -> Result<BusinessCaseView> {
        let old = self.business_case(actor, id).await?;
        check(
            actor,
            Action::Write,
            CASE,
            Scope::of_company(old.version.reference.company),
            WHAT,
        )?;
        let a = self.assessment(actor, old.assessment).await?;
        let outcome = evaluate(&a, &case).await?;
        let body = case_markdown(&a.version.title, &outcome);
        let mut w = Write::begin(self, Who::of(actor)).await?;
        crate::cases::check_cited(&mut w, actor, &cited(&outcome)).await?;
        crate::artifact::save_structured(
            w,
            actor,
            id,
            WHAT,
            Problem::new(
                "approved_case",
                "承認済みのビジネスケースは変更できません。新しい版を作ってください",
                "an approved business case does not change; start a new version",
            ),
            Change::new(actor.group(), "update", "business_case", id)
                .before(&serde_json::json!({"case": old.case}))
                .after(&serde_json::json!({"case": case})),
            stmt(
                "UPDATE business_cases SET case_json = $1, outcome = $2 WHERE group_id = $3 AND id = $4",
                args![
                    case.to_string(),
                    serde_json::to_string(&outcome)?,
                    t(actor.group()),
                    t(id)
                ],
            ),
            body,
        )
        .await?;
        self.business_case(actor, id).await
    }
}

/// Whether a version is a business case (edited as its case, not as text).
pub(crate) async fn is_case(w: &mut Write, actor: &Actor, id: ArtifactVersionId) -> Result<bool> {
    Ok(w.fetch_optional(
        "SELECT id FROM business_cases WHERE group_id = $1 AND id = $2",
        args![t(actor.group()), t(id)],
    )
    .await?
    .is_some())
}
