//! The risk report (step 9 of role E): what an assessment found and how its treatment goes,
//! for executives, and a shorter version for stakeholders outside the group. The outside
//! version never names people, never gives site addresses (it carries no sites at all) and
//! never describes a weakness that is not fixed yet: such risks are only counted.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{
    ActionStatus, Criteria, Evaluation, RiskEntry, RiskMatrix, Treatment, TreatmentDecision,
};
use crate::org::word_enum;

word_enum! {
    /// Who a report is for.
    Audience, "報告先", "audience" {
        Executive => "executive", "経営層向け", "for executives";
        External => "external", "社外向け", "for external stakeholders";
    }
}

/// How many risks a top list holds.
pub const TOP_RISKS: usize = 10;

/// One risk as the report reads it.
#[derive(Debug, Clone, Copy)]
pub struct ReportedInput<'a> {
    pub entry: &'a RiskEntry,
    pub evaluation: &'a Evaluation,
}

/// The treatment plan a report follows, if one was made from the assessment.
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    pub treatments: &'a [Treatment],
    pub approved: bool,
}

/// The assessment a report compares with: last year's.
#[derive(Debug, Clone, Copy)]
pub struct PreviousInput<'a> {
    pub fiscal_year: i32,
    pub risks: &'a [ReportedInput<'a>],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCount {
    /// Index into the matrix's risk levels, from the lowest.
    pub level: usize,
    pub inherent: usize,
    pub residual: usize,
}

/// A risk the report describes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportedRisk {
    /// Its place in the treatment order (1 = first), if it needs treatment.
    pub rank: Option<usize>,
    pub code: String,
    pub title: String,
    /// Who owns it; never in the outside version.
    pub owner: Option<String>,
    pub inherent_level: Option<usize>,
    pub residual_level: Option<usize>,
    pub needs_treatment: bool,
    pub decision: Option<TreatmentDecision>,
    pub actions_done: usize,
    pub actions_total: usize,
    pub actions_overdue: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub plan_approved: bool,
    pub risks_to_treat: usize,
    pub risks_decided: usize,
    pub actions: usize,
    pub done: usize,
    pub open: usize,
    pub overdue: usize,
    pub dropped: usize,
    pub cost_planned_yen: i64,
    pub cost_done_yen: i64,
}

impl Progress {
    /// Actions done out of those not dropped, in whole percent.
    pub fn percent_done(&self) -> usize {
        let live = self.actions.saturating_sub(self.dropped);
        (self.done * 100).checked_div(live).unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetainedRisk {
    pub code: String,
    pub title: String,
    pub residual_level: Option<usize>,
    pub accepted_by: String,
    pub note: String,
}

word_enum! {
    /// How a risk moved since last year.
    Movement, "前年からの変化", "change since last year" {
        New => "new", "新規", "new";
        Gone => "gone", "なくなった", "no longer assessed";
        Up => "up", "上昇", "higher";
        Down => "down", "低下", "lower";
        Same => "same", "変わらず", "unchanged";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskMovement {
    pub code: String,
    pub title: String,
    pub before: Option<usize>,
    pub after: Option<usize>,
    pub movement: Movement,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub previous_year: i32,
    /// Risks at each residual level (index = level) last year and this year.
    pub previous_by_level: Vec<usize>,
    pub current_by_level: Vec<usize>,
    /// Risk by risk; empty in the outside version.
    pub movements: Vec<RiskMovement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskReport {
    pub audience: Audience,
    pub matrix: RiskMatrix,
    pub risks: usize,
    pub needing_treatment: usize,
    pub by_level: Vec<LevelCount>,
    /// Risks in each cell, `[likelihood][impact]`.
    pub inherent_map: Vec<Vec<usize>>,
    pub residual_map: Vec<Vec<usize>>,
    pub top: Vec<ReportedRisk>,
    /// Risks the outside version does not describe (weaknesses not fixed yet).
    pub withheld: usize,
    pub progress: Option<Progress>,
    /// Retained risks with who accepted them; empty in the outside version.
    pub retained: Vec<RetainedRisk>,
    pub retained_count: usize,
    pub comparison: Option<Comparison>,
}

/// Where a risk sits on a heat map. A risk whose residual risk is not rated has no control
/// counted yet, so it sits on the residual map where its inherent rating puts it.
pub fn map_cell(
    criteria: &Criteria,
    entry: &RiskEntry,
    evaluation: &Evaluation,
    residual: bool,
) -> Option<(usize, usize)> {
    let inherent = entry.inherent.as_ref().and_then(|r| criteria.cell_of(r));
    if residual {
        evaluation.residual_cell.or(inherent)
    } else {
        inherent
    }
}

fn treatment_of<'a>(plan: Option<PlanInput<'a>>, code: &str) -> Option<&'a Treatment> {
    plan.and_then(|p| {
        p.treatments
            .iter()
            .find(|t| t.risk.eq_ignore_ascii_case(code))
    })
}

/// Whether a weakness is fixed as far as outsiders may be told: the risk needs no
/// treatment, or its treatment (not retention) is carried out, every action done or dropped
/// and at least one done.
fn settled(r: &ReportedInput<'_>, t: Option<&Treatment>) -> bool {
    if !r.evaluation.needs_treatment {
        return true;
    }
    let Some(t) = t else { return false };
    t.decision != TreatmentDecision::Retain
        && t.actions.iter().any(|a| a.status == ActionStatus::Done)
        && t.actions.iter().all(|a| a.status != ActionStatus::Open)
}

fn residual_or_inherent(e: &Evaluation) -> Option<usize> {
    e.residual_level.or(e.inherent_level)
}

fn by_residual_level(levels: usize, risks: &[ReportedInput<'_>]) -> Vec<usize> {
    let mut out = vec![0; levels];
    for r in risks {
        if let Some(slot) = residual_or_inherent(r.evaluation).and_then(|l| out.get_mut(l)) {
            *slot += 1;
        }
    }
    out
}

/// Builds the report of an assessment for an audience.
pub fn build_report(
    audience: Audience,
    criteria: &Criteria,
    risks: &[ReportedInput<'_>],
    plan: Option<PlanInput<'_>>,
    previous: Option<PreviousInput<'_>>,
    today: NaiveDate,
) -> RiskReport {
    let external = audience == Audience::External;
    let m = &criteria.matrix;
    let levels = m.risk.len();
    let mut by_level: Vec<LevelCount> = (0..levels)
        .map(|level| LevelCount {
            level,
            inherent: 0,
            residual: 0,
        })
        .collect();
    let grid = || vec![vec![0usize; m.impact.len()]; m.probability.len()];
    let (mut inherent_map, mut residual_map) = (grid(), grid());
    for r in risks {
        if let Some(c) = r
            .evaluation
            .inherent_level
            .and_then(|l| by_level.get_mut(l))
        {
            c.inherent += 1;
        }
        if let Some(c) = residual_or_inherent(r.evaluation).and_then(|l| by_level.get_mut(l)) {
            c.residual += 1;
        }
        for (map, residual) in [(&mut inherent_map, false), (&mut residual_map, true)] {
            if let Some((l, i)) = map_cell(criteria, r.entry, r.evaluation, residual)
                && let Some(cell) = map.get_mut(l).and_then(|row| row.get_mut(i))
            {
                *cell += 1;
            }
        }
    }

    let evaluations: Vec<Evaluation> = risks.iter().map(|r| r.evaluation.clone()).collect();
    let order = super::treatment_order(&evaluations);
    // Those needing treatment in treatment order, then the rest by residual level.
    let mut ranked: Vec<usize> = order.clone();
    let mut rest: Vec<usize> = (0..risks.len()).filter(|i| !order.contains(i)).collect();
    rest.sort_by_key(|i| {
        (
            std::cmp::Reverse(residual_or_inherent(risks[*i].evaluation)),
            *i,
        )
    });
    ranked.extend(rest);
    let mut withheld = 0;
    let mut top = Vec::new();
    for i in ranked {
        let r = &risks[i];
        let t = treatment_of(plan, r.entry.code.as_str());
        if external && !settled(r, t) {
            withheld += 1;
            continue;
        }
        if top.len() == TOP_RISKS {
            continue;
        }
        let actions = t.map(|t| t.actions.as_slice()).unwrap_or_default();
        top.push(ReportedRisk {
            rank: order.iter().position(|o| *o == i).map(|p| p + 1),
            code: r.entry.code.to_string(),
            title: r.entry.title.clone(),
            owner: (!external && !r.entry.owner.trim().is_empty()).then(|| r.entry.owner.clone()),
            inherent_level: r.evaluation.inherent_level,
            residual_level: r.evaluation.residual_level,
            needs_treatment: r.evaluation.needs_treatment,
            decision: t.map(|t| t.decision),
            actions_done: actions
                .iter()
                .filter(|a| a.status == ActionStatus::Done)
                .count(),
            actions_total: actions.len(),
            actions_overdue: actions.iter().filter(|a| a.overdue(today)).count(),
        });
    }

    let progress = plan.map(|p| {
        let mut out = Progress {
            plan_approved: p.approved,
            risks_to_treat: order.len(),
            ..Progress::default()
        };
        for t in p.treatments {
            let needed = risks.iter().any(|r| {
                r.evaluation.needs_treatment && r.entry.code.as_str().eq_ignore_ascii_case(&t.risk)
            });
            if needed {
                out.risks_decided += 1;
            }
            for a in &t.actions {
                out.actions += 1;
                let cost = a.cost_yen.unwrap_or(0);
                match a.status {
                    ActionStatus::Done => {
                        out.done += 1;
                        out.cost_done_yen += cost;
                    }
                    ActionStatus::Open => out.open += 1,
                    ActionStatus::Dropped => out.dropped += 1,
                }
                if a.status != ActionStatus::Dropped {
                    out.cost_planned_yen += cost;
                }
                if a.overdue(today) {
                    out.overdue += 1;
                }
            }
        }
        out
    });

    let mut retained = Vec::new();
    for r in risks {
        if let Some(t) = treatment_of(plan, r.entry.code.as_str())
            && t.decision == TreatmentDecision::Retain
        {
            retained.push(RetainedRisk {
                code: r.entry.code.to_string(),
                title: r.entry.title.clone(),
                residual_level: residual_or_inherent(r.evaluation),
                accepted_by: t.accepted_by.clone(),
                note: t.note.clone(),
            });
        }
    }
    let retained_count = retained.len();
    if external {
        retained.clear();
    }

    let comparison = previous.map(|p| {
        let mut movements = Vec::new();
        if !external {
            for r in risks {
                let after = residual_or_inherent(r.evaluation);
                let before = p
                    .risks
                    .iter()
                    .find(|o| o.entry.code == r.entry.code)
                    .map(|o| residual_or_inherent(o.evaluation));
                let movement = match before {
                    None => Movement::New,
                    Some(b) if after > b => Movement::Up,
                    Some(b) if after < b => Movement::Down,
                    Some(_) => Movement::Same,
                };
                movements.push(RiskMovement {
                    code: r.entry.code.to_string(),
                    title: r.entry.title.clone(),
                    before: before.flatten(),
                    after,
                    movement,
                });
            }
            for o in p.risks {
                if !risks.iter().any(|r| r.entry.code == o.entry.code) {
                    movements.push(RiskMovement {
                        code: o.entry.code.to_string(),
                        title: o.entry.title.clone(),
                        before: residual_or_inherent(o.evaluation),
                        after: None,
                        movement: Movement::Gone,
                    });
                }
            }
        }
        Comparison {
            previous_year: p.fiscal_year,
            previous_by_level: by_residual_level(levels, p.risks),
            current_by_level: by_residual_level(levels, risks),
            movements,
        }
    });

    RiskReport {
        audience,
        matrix: m.clone(),
        risks: risks.len(),
        needing_treatment: order.len(),
        by_level,
        inherent_map,
        residual_map,
        top,
        withheld,
        progress,
        retained,
        retained_count,
        comparison,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::{Method, Rating, TreatmentAction, builtin_matrix, evaluate};
    use crate::text::Code;

    fn entry(
        code: &str,
        title: &str,
        inherent: (usize, usize),
        residual: Option<(usize, usize)>,
    ) -> RiskEntry {
        let rating = |(likelihood, impact)| Rating::Matrix { likelihood, impact };
        RiskEntry {
            code: Code::parse(code).unwrap_or_else(|p| panic!("{p}")),
            title: title.into(),
            source: String::new(),
            event: String::new(),
            causes: String::new(),
            consequences: String::new(),
            assets: vec![],
            owner: "情報システム課長 菅".into(),
            inherent: Some(rating(inherent)),
            inherent_rationale: String::new(),
            residual: residual.map(rating),
            residual_rationale: String::new(),
            items: vec![],
            exceptions: vec![],
            advice: vec![],
            scenario: None,
            expected_loss_yen: None,
        }
    }

    fn action(status: ActionStatus, due_on: NaiveDate, cost: i64) -> TreatmentAction {
        TreatmentAction {
            what: "WAFを導入する".into(),
            owner: "ciso@a-group.example".into(),
            due_on,
            cost_yen: Some(cost),
            status,
            done_on: None,
            note: String::new(),
        }
    }

    #[test]
    fn executives_see_everything_and_outsiders_only_what_is_fixed() {
        let c = Criteria::for_matrix(Method::Matrix, builtin_matrix());
        let day = NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default();
        let entries = [
            entry("R-01", "公開後の脆弱性", (4, 4), Some((3, 3))),
            entry("R-02", "標的型メール", (3, 3), None),
            entry("R-03", "委託先からの漏えい", (3, 4), Some((3, 3))),
            entry("R-04", "設定の誤り", (0, 1), None),
        ];
        let evals: Vec<Evaluation> = entries
            .iter()
            .map(|e| evaluate(&c, e.inherent.as_ref(), e.residual.as_ref(), &[], None))
            .collect();
        let risks: Vec<ReportedInput<'_>> = entries
            .iter()
            .zip(&evals)
            .map(|(entry, evaluation)| ReportedInput { entry, evaluation })
            .collect();
        let treatments = [
            Treatment {
                risk: "R-01".into(),
                decision: TreatmentDecision::Reduce,
                note: String::new(),
                accepted_by: String::new(),
                actions: vec![
                    action(ActionStatus::Open, day.pred_opt().unwrap_or(day), 1_000_000),
                    action(ActionStatus::Done, day, 500_000),
                ],
            },
            Treatment {
                risk: "R-02".into(),
                decision: TreatmentDecision::Retain,
                note: "訓練は来年度".into(),
                accepted_by: "EC推進部長 押尾".into(),
                actions: vec![],
            },
            Treatment {
                risk: "R-03".into(),
                decision: TreatmentDecision::Transfer,
                note: String::new(),
                accepted_by: String::new(),
                actions: vec![action(ActionStatus::Done, day, 200_000)],
            },
        ];
        let plan = PlanInput {
            treatments: &treatments,
            approved: true,
        };
        let old_entries = [
            entry("R-01", "公開後の脆弱性", (2, 2), None),
            entry("R-09", "廃止したサーバ", (3, 3), None),
        ];
        let old_evals: Vec<Evaluation> = old_entries
            .iter()
            .map(|e| evaluate(&c, e.inherent.as_ref(), e.residual.as_ref(), &[], None))
            .collect();
        let old: Vec<ReportedInput<'_>> = old_entries
            .iter()
            .zip(&old_evals)
            .map(|(entry, evaluation)| ReportedInput { entry, evaluation })
            .collect();
        let previous = PreviousInput {
            fiscal_year: 2025,
            risks: &old,
        };

        let exec = build_report(
            Audience::Executive,
            &c,
            &risks,
            Some(plan),
            Some(previous),
            day,
        );
        assert_eq!(
            (exec.risks, exec.needing_treatment, exec.withheld),
            (4, 3, 0)
        );
        assert_eq!(exec.top[0].code, "R-01");
        assert_eq!(exec.top[0].owner.as_deref(), Some("情報システム課長 菅"));
        assert_eq!(
            (
                exec.top[0].actions_done,
                exec.top[0].actions_total,
                exec.top[0].actions_overdue
            ),
            (1, 2, 1)
        );
        assert_eq!(exec.inherent_map[4][4], 1);
        assert_eq!(
            exec.residual_map[3][3], 3,
            "R-02 unrated sits at its inherent cell"
        );
        let p = exec.progress.clone().unwrap_or_default();
        assert_eq!((p.actions, p.done, p.open, p.overdue), (3, 2, 1, 1));
        assert_eq!(
            (p.cost_planned_yen, p.cost_done_yen, p.percent_done()),
            (1_700_000, 700_000, 66)
        );
        assert_eq!((p.risks_to_treat, p.risks_decided), (3, 3));
        assert_eq!(exec.retained.len(), 1);
        assert_eq!(exec.retained[0].accepted_by, "EC推進部長 押尾");
        let cmp = exec
            .comparison
            .clone()
            .unwrap_or_else(|| panic!("comparison"));
        let moved = |code: &str| {
            cmp.movements
                .iter()
                .find(|m| m.code == code)
                .map(|m| m.movement)
        };
        assert_eq!(moved("R-01"), Some(Movement::Up));
        assert_eq!(moved("R-02"), Some(Movement::New));
        assert_eq!(moved("R-09"), Some(Movement::Gone));
        assert_eq!(cmp.previous_by_level.iter().sum::<usize>(), 2);

        let outside = build_report(
            Audience::External,
            &c,
            &risks,
            Some(plan),
            Some(previous),
            day,
        );
        // R-01 has an open action and R-02 is retained: neither is described.
        let codes: Vec<&str> = outside.top.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["R-03", "R-04"]);
        assert_eq!(outside.withheld, 2);
        assert!(outside.top.iter().all(|r| r.owner.is_none()));
        assert!(outside.retained.is_empty() && outside.retained_count == 1);
        let cmp = outside.comparison.unwrap_or_else(|| panic!("comparison"));
        assert!(cmp.movements.is_empty() && cmp.current_by_level.iter().sum::<usize>() == 4);
        let words = serde_json::to_string(&outside.top).unwrap_or_default();
        assert!(
            !words.contains("押尾") && !words.contains("菅") && !words.contains("公開後の脆弱性")
        );
        // Without a plan, every risk needing treatment is an unfixed weakness.
        let bare = build_report(Audience::External, &c, &risks, None, None, day);
        assert_eq!((bare.withheld, bare.top.len()), (3, 1));
    }
}
