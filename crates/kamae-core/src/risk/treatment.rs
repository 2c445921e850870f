//! Treatment of the risks an assessment found needing it (steps 5–8 of role E): for each,
//! reduce, retain, avoid or transfer, with actions (owner, due date, cost, status); a
//! retained risk names who accepted it. After the cycle, a review of what worked and what
//! carries over.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::org::word_enum;

word_enum! {
    /// The four treatments of the seed's step 5.
    TreatmentDecision, "対応の方針", "treatment" {
        Reduce => "reduce", "低減", "reduce";
        Retain => "retain", "保有（受容）", "retain (accept)";
        Avoid => "avoid", "回避", "avoid";
        Transfer => "transfer", "移転", "transfer";
    }
}

word_enum! {
    ActionStatus, "対応の状態", "action status" {
        Open => "open", "未完了", "open";
        Done => "done", "完了", "done";
        Dropped => "dropped", "取りやめ", "dropped";
    }
}

/// One action of a treatment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreatmentAction {
    pub what: String,
    /// Who does it: a name, or the e-mail address of a kamae user (whose home page then
    /// shows it).
    pub owner: String,
    pub due_on: NaiveDate,
    pub cost_yen: Option<i64>,
    pub status: ActionStatus,
    pub done_on: Option<NaiveDate>,
    pub note: String,
}

impl TreatmentAction {
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.status == ActionStatus::Open && self.due_on < today
    }
}

/// How one risk is treated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Treatment {
    pub risk: String,
    pub decision: TreatmentDecision,
    pub note: String,
    /// For a retained risk: who accepted it (name and position).
    pub accepted_by: String,
    pub actions: Vec<TreatmentAction>,
}

impl Treatment {
    /// Every problem, each in both languages.
    pub fn check(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.decision == TreatmentDecision::Retain && self.accepted_by.trim().is_empty() {
            out.push(Problem::new(
                "accepted_by_required",
                format!(
                    "リスク {} を保有するなら、受容した人を書いてください",
                    self.risk
                ),
                format!("a retained risk ({}) names who accepted it", self.risk),
            ));
        }
        if matches!(
            self.decision,
            TreatmentDecision::Reduce | TreatmentDecision::Avoid | TreatmentDecision::Transfer
        ) && self.actions.is_empty()
        {
            out.push(Problem::new(
                "actions_required",
                format!(
                    "リスク {} の対応には、実施することを一つ以上書いてください",
                    self.risk
                ),
                format!(
                    "the treatment of risk {} needs at least one action",
                    self.risk
                ),
            ));
        }
        for (n, a) in self.actions.iter().enumerate() {
            if a.what.trim().is_empty() || a.owner.trim().is_empty() {
                out.push(Problem::new(
                    "action_incomplete",
                    format!("{}行目の対応には、内容と担当を書いてください", n + 1),
                    format!("action {} needs what and who", n + 1),
                ));
            }
            if a.cost_yen.is_some_and(|c| c < 0) {
                out.push(Problem::new(
                    "negative_amount",
                    format!("{}行目の費用は 0 以上にしてください", n + 1),
                    format!("the cost of action {} must not be negative", n + 1),
                ));
            }
        }
        out
    }
}

/// The plan's document: what the executives approve.
pub fn plan_markdown(treatments: &[(String, String, Treatment)]) -> String {
    let one_line = |s: &str| s.replace(['\n', '\r'], " ").replace('|', "／");
    let mut out = String::from(
        "## リスク対応計画 / Risk treatment plan\n\n| ID | リスク / risk | 方針 / treatment | 受容者 / accepted by | 対応 / actions |\n| --- | --- | --- | --- | --- |\n",
    );
    for (code, title, t) in treatments {
        let actions: Vec<String> = t
            .actions
            .iter()
            .map(|a| {
                let cost = a.cost_yen.map(|c| format!(" ¥{c}")).unwrap_or_default();
                format!(
                    "{} {} {}{cost}",
                    a.due_on,
                    one_line(&a.owner),
                    one_line(&a.what)
                )
            })
            .collect();
        out.push_str(&format!(
            "| {code} | {} | {} / {} | {} | {} |\n",
            one_line(title),
            t.decision.label_ja(),
            t.decision.label_en(),
            one_line(&t.accepted_by),
            actions.join("<br>")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(due: NaiveDate) -> TreatmentAction {
        TreatmentAction {
            what: "WAFを導入する".into(),
            owner: "システム管理課".into(),
            due_on: due,
            cost_yen: Some(3_000_000),
            status: ActionStatus::Open,
            done_on: None,
            note: String::new(),
        }
    }

    #[test]
    fn a_retained_risk_names_who_accepted_it_and_a_reduction_has_actions() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap_or_default();
        let mut t = Treatment {
            risk: "R-01".into(),
            decision: TreatmentDecision::Retain,
            note: String::new(),
            accepted_by: String::new(),
            actions: vec![],
        };
        assert_eq!(t.check()[0].code, "accepted_by_required");
        t.accepted_by = "室井田 事業推進室長".into();
        assert!(t.check().is_empty());
        t.decision = TreatmentDecision::Reduce;
        assert_eq!(t.check()[0].code, "actions_required");
        t.actions.push(action(day));
        assert!(t.check().is_empty());
        assert!(t.actions[0].overdue(day.succ_opt().unwrap_or(day)));
        assert!(!t.actions[0].overdue(day));
        let md = plan_markdown(&[("R-01".into(), "脆弱性".into(), t)]);
        assert!(md.contains("R-01") && md.contains("¥3000000") && md.contains("低減"));
    }
}
