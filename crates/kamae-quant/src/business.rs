//! The security business case (role C), told in the business plan's own numbers: the plan's
//! years, lines and targets; options with their costs, timing, effects on the scenarios and
//! changes to the plan itself. Every option is set against doing nothing, year by year:
//! expected loss before and after, risk reduction, ROSI, NPV and payback, and the
//! risk-adjusted profit as a distribution with the probability of meeting each target.

use serde::{Deserialize, Serialize};

use crate::ModelProblem;
use crate::dist::Kind;
use crate::model::{Control, Model, Param, Scenario};

/// The plan as the business wrote it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The plan's years as it names them ("2026年度", "year 1").
    pub years: Vec<String>,
    /// Its lines (sales, operating profit, EC share…), one figure per year.
    pub lines: Vec<Line>,
    /// The line the losses and the options' costs come out of (operating profit).
    pub profit_line: String,
    #[serde(default)]
    pub targets: Vec<Target>,
    /// Where the plan's figures come from (the business plan, an assumption).
    #[serde(default)]
    pub basis: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub name: String,
    pub values: Vec<f64>,
}

/// "operating profit ≥ 0 in year 2".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub label: String,
    pub year: String,
    pub line: String,
    pub at_least: f64,
}

/// A change an option makes to the plan itself (launching 5 brands instead of 7 changes
/// sales and profit): a figure added to a line in each year.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanChange {
    pub line: String,
    pub deltas: Vec<f64>,
}

/// What an option does to one scenario, from its start (plus a delay) on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effect {
    pub scenario: String,
    pub frequency_factor: Option<Param>,
    pub magnitude_factor: Option<Param>,
    /// Years after the option's start before the effect holds (a patch budget needs a year
    /// to clear the backlog).
    #[serde(default)]
    pub delay_years: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessOption {
    pub name: String,
    /// Spent once, at the start of its first year.
    #[serde(default)]
    pub initial_cost: f64,
    /// Spent each year from its start (licences, services).
    #[serde(default)]
    pub yearly_cost: f64,
    /// People's cost each year from its start.
    #[serde(default)]
    pub staff_cost: f64,
    /// The plan year it starts in; the first if none.
    pub start: Option<String>,
    #[serde(default)]
    pub effects: Vec<Effect>,
    #[serde(default)]
    pub plan_changes: Vec<PlanChange>,
    /// Other options this one takes together with its own parts (the decision as a package).
    #[serde(default)]
    pub combines: Vec<String>,
    /// Who owns the risk left after this option.
    pub residual_owner: String,
    /// The risk left, in words (what is retained and why).
    #[serde(default)]
    pub residual_note: String,
    /// Where its figures come from (a quote, a public case, an assumption).
    #[serde(default)]
    pub basis: String,
    /// Cases of the library of public incidents its estimates rest on, by their codes.
    #[serde(default)]
    pub cites: Vec<String>,
}

/// A business case: the plan, a discount rate, and the options.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub plan: Plan,
    /// A year's discount rate for the NPV (0.05 = 5%).
    pub discount_rate: f64,
    #[serde(default)]
    pub options: Vec<BusinessOption>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetOutcome {
    pub label: String,
    pub line: String,
    pub at_least: f64,
    /// The probability that the year meets it: over the simulated years for the profit
    /// line, 0 or 1 for a line the risks do not touch.
    pub probability: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearOutcome {
    pub year: String,
    /// The plan's lines with the option's changes.
    pub lines: Vec<(String, f64)>,
    /// What the option costs this year (its initial cost in its first year).
    pub cost: f64,
    pub expected_loss: f64,
    /// Doing nothing's expected loss less this one's.
    pub risk_reduction: f64,
    /// Profit after the option's cost and the year's loss: expected, median, and what one
    /// year in ten and one in a hundred fall below.
    pub profit_mean: f64,
    pub profit_p50: f64,
    pub profit_p10: f64,
    pub profit_p1: f64,
    pub targets: Vec<TargetOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptionOutcome {
    pub name: String,
    pub residual_owner: String,
    pub residual_note: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub cites: Vec<String>,
    pub years: Vec<YearOutcome>,
    /// Over the plan's years.
    pub expected_loss_before: f64,
    pub expected_loss_after: f64,
    pub risk_reduction: f64,
    pub cost: f64,
    /// (risk reduction − cost) / cost; none without cost.
    pub rosi: Option<f64>,
    /// Of the risk reduction and the plan changes less the costs, discounted.
    pub npv: f64,
    /// Years from its start until what it saved covers what it cost; none within the plan.
    pub payback_years: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseOutcome {
    pub trials: u64,
    pub seed: u64,
    pub discount_rate: f64,
    pub years: Vec<String>,
    #[serde(default)]
    pub plan_basis: String,
    /// Doing nothing: the plan as written, with every scenario as it stands.
    pub baseline: OptionOutcome,
    pub options: Vec<OptionOutcome>,
}

fn problem(path: String, ja: impl Into<String>, en: impl Into<String>) -> ModelProblem {
    ModelProblem::new(path, ja.into(), en.into())
}

/// One part of an option as it acts: its own costs, start, effects and plan changes. A
/// combined option is the list of its parts.
struct Part<'a> {
    option: &'a BusinessOption,
    start: usize,
}

impl Case {
    /// Reads a case from JSON; a malformed one is refused with the path of the problem.
    pub fn from_json(text: &str) -> Result<Case, Vec<ModelProblem>> {
        let mut de = serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner().to_string();
            vec![problem(
                if path == "." { String::new() } else { path },
                format!("ビジネスケースを読めません: {inner}"),
                format!("cannot read the business case: {inner}"),
            )]
        })
    }

    fn year_index(&self, name: &str) -> Option<usize> {
        self.plan.years.iter().position(|y| y == name)
    }

    fn line_index(&self, name: &str) -> Option<usize> {
        self.plan.lines.iter().position(|l| l.name == name)
    }

    /// Every problem of the case against the scenarios it will run, each with its path.
    pub fn check(&self, scenarios: &[Scenario]) -> Vec<ModelProblem> {
        let mut out = Vec::new();
        let years = self.plan.years.len();
        if years == 0 {
            out.push(problem(
                "plan.years".into(),
                "計画の年度が1つもありません",
                "the plan has no years",
            ));
        }
        for (i, y) in self.plan.years.iter().enumerate() {
            if y.trim().is_empty() || self.plan.years[..i].contains(y) {
                out.push(problem(
                    format!("plan.years[{i}]"),
                    format!("年度の名前が空か重複しています（{y:?}）"),
                    format!("a year's name is empty or repeated ({y:?})"),
                ));
            }
        }
        for (i, l) in self.plan.lines.iter().enumerate() {
            if l.name.trim().is_empty() || self.plan.lines[..i].iter().any(|m| m.name == l.name) {
                out.push(problem(
                    format!("plan.lines[{i}].name"),
                    format!("項目の名前が空か重複しています（{:?}）", l.name),
                    format!("a line's name is empty or repeated ({:?})", l.name),
                ));
            }
            if l.values.len() != years || l.values.iter().any(|v| !v.is_finite()) {
                out.push(problem(
                    format!("plan.lines[{i}].values"),
                    format!("年度の数（{years}）だけ数を書いてください"),
                    format!("give one number for each of the {years} years"),
                ));
            }
        }
        if self.line_index(&self.plan.profit_line).is_none() {
            out.push(problem(
                "plan.profit_line".into(),
                format!("項目 {:?} が計画にありません", self.plan.profit_line),
                format!("the plan has no line {:?}", self.plan.profit_line),
            ));
        }
        for (i, t) in self.plan.targets.iter().enumerate() {
            if self.year_index(&t.year).is_none() {
                out.push(problem(
                    format!("plan.targets[{i}].year"),
                    format!("年度 {:?} が計画にありません", t.year),
                    format!("the plan has no year {:?}", t.year),
                ));
            }
            if self.line_index(&t.line).is_none() {
                out.push(problem(
                    format!("plan.targets[{i}].line"),
                    format!("項目 {:?} が計画にありません", t.line),
                    format!("the plan has no line {:?}", t.line),
                ));
            }
            if !t.at_least.is_finite() {
                out.push(problem(
                    format!("plan.targets[{i}].at_least"),
                    "目標の値は数です",
                    "a target is a number",
                ));
            }
        }
        if !(self.discount_rate.is_finite() && (0.0..1.0).contains(&self.discount_rate)) {
            out.push(problem(
                "discount_rate".into(),
                format!("割引率は 0 以上 1 未満です（{}）", self.discount_rate),
                format!(
                    "the discount rate is at least 0 and below 1 ({})",
                    self.discount_rate
                ),
            ));
        }
        for (i, o) in self.options.iter().enumerate() {
            let at = format!("options[{i}]");
            if o.name.trim().is_empty() || self.options[..i].iter().any(|p| p.name == o.name) {
                out.push(problem(
                    format!("{at}.name"),
                    format!("選択肢の名前が空か重複しています（{:?}）", o.name),
                    format!("an option's name is empty or repeated ({:?})", o.name),
                ));
            }
            if o.residual_owner.trim().is_empty() {
                out.push(problem(
                    format!("{at}.residual_owner"),
                    "残るリスクの責任者を書いてください",
                    "name who owns the risk left",
                ));
            }
            for (name, v) in [
                ("initial_cost", o.initial_cost),
                ("yearly_cost", o.yearly_cost),
                ("staff_cost", o.staff_cost),
            ] {
                if !(v.is_finite() && v >= 0.0) {
                    out.push(problem(
                        format!("{at}.{name}"),
                        format!("費用は 0 以上の金額です（{v}）"),
                        format!("a cost is an amount of at least 0 ({v})"),
                    ));
                }
            }
            if let Some(s) = &o.start
                && self.year_index(s).is_none()
            {
                out.push(problem(
                    format!("{at}.start"),
                    format!("年度 {s:?} が計画にありません"),
                    format!("the plan has no year {s:?}"),
                ));
            }
            for (j, e) in o.effects.iter().enumerate() {
                let here = format!("{at}.effects[{j}]");
                if !scenarios.iter().any(|s| s.name == e.scenario) {
                    out.push(problem(
                        format!("{here}.scenario"),
                        format!("シナリオ {:?} がありません", e.scenario),
                        format!("there is no scenario {:?}", e.scenario),
                    ));
                }
                if e.frequency_factor.is_none() && e.magnitude_factor.is_none() {
                    out.push(problem(
                        here.clone(),
                        "frequency_factor か magnitude_factor を書いてください",
                        "give a frequency_factor or a magnitude_factor",
                    ));
                }
                for (name, f) in [
                    ("frequency_factor", &e.frequency_factor),
                    ("magnitude_factor", &e.magnitude_factor),
                ] {
                    if let Some(f) = f
                        && let Err(p) = f.compile(Kind::Factor, &format!("{here}.{name}"))
                    {
                        out.push(p);
                    }
                }
            }
            for (j, c) in o.plan_changes.iter().enumerate() {
                let here = format!("{at}.plan_changes[{j}]");
                if self.line_index(&c.line).is_none() {
                    out.push(problem(
                        format!("{here}.line"),
                        format!("項目 {:?} が計画にありません", c.line),
                        format!("the plan has no line {:?}", c.line),
                    ));
                }
                if c.deltas.len() != years || c.deltas.iter().any(|v| !v.is_finite()) {
                    out.push(problem(
                        format!("{here}.deltas"),
                        format!("年度の数（{years}）だけ数を書いてください"),
                        format!("give one number for each of the {years} years"),
                    ));
                }
            }
            for (j, name) in o.combines.iter().enumerate() {
                let ok = self
                    .options
                    .iter()
                    .any(|p| &p.name == name && p.name != o.name && p.combines.is_empty());
                if !ok {
                    out.push(problem(
                        format!("{at}.combines[{j}]"),
                        format!("{name:?} は、組み合わせられる（それ自体が組み合わせでない）別の選択肢ではありません"),
                        format!("{name:?} is not another option that can be combined (one that combines none itself)"),
                    ));
                }
            }
        }
        out
    }

    fn parts<'a>(&'a self, o: &'a BusinessOption) -> Vec<Part<'a>> {
        let start_of = |o: &BusinessOption| o.start.as_deref().and_then(|s| self.year_index(s));
        let mut parts = vec![Part {
            option: o,
            start: start_of(o).unwrap_or(0),
        }];
        for name in &o.combines {
            if let Some(p) = self.options.iter().find(|p| &p.name == name) {
                parts.push(Part {
                    option: p,
                    start: start_of(p).unwrap_or(0),
                });
            }
        }
        parts
    }

    /// Evaluates every option against doing nothing. Each (option, year) is one run of
    /// `trials` years with the same seed, so options differ by what they change, not by luck.
    pub fn evaluate(
        &self,
        scenarios: &[Scenario],
        trials: u64,
        seed: u64,
        threads: usize,
    ) -> Result<CaseOutcome, Vec<ModelProblem>> {
        let problems = self.check(scenarios);
        if !problems.is_empty() {
            return Err(problems);
        }
        let baseline = self.outcome(None, scenarios, trials, seed, threads, None)?;
        let mut options = Vec::new();
        for o in &self.options {
            options.push(self.outcome(
                Some(o),
                scenarios,
                trials,
                seed,
                threads,
                Some(&baseline),
            )?);
        }
        Ok(CaseOutcome {
            trials,
            seed,
            discount_rate: self.discount_rate,
            years: self.plan.years.clone(),
            plan_basis: self.plan.basis.clone(),
            baseline,
            options,
        })
    }

    fn outcome(
        &self,
        option: Option<&BusinessOption>,
        scenarios: &[Scenario],
        trials: u64,
        seed: u64,
        threads: usize,
        baseline: Option<&OptionOutcome>,
    ) -> Result<OptionOutcome, Vec<ModelProblem>> {
        let parts = option.map(|o| self.parts(o)).unwrap_or_default();
        let profit_line = self.line_index(&self.plan.profit_line).unwrap_or(0);
        let mut years = Vec::new();
        let mut flows = Vec::new();
        for (k, year) in self.plan.years.iter().enumerate() {
            let mut lines: Vec<(String, f64)> = self
                .plan
                .lines
                .iter()
                .map(|l| (l.name.clone(), l.values.get(k).copied().unwrap_or(0.0)))
                .collect();
            let mut cost = 0.0;
            let mut initial = 0.0;
            let mut year_scenarios = scenarios.to_vec();
            for p in &parts {
                for c in &p.option.plan_changes {
                    if let Some(line) = lines.iter_mut().find(|l| l.0 == c.line) {
                        line.1 += c.deltas.get(k).copied().unwrap_or(0.0);
                    }
                }
                if k < p.start {
                    continue;
                }
                if k == p.start {
                    initial += p.option.initial_cost;
                }
                cost += p.option.yearly_cost + p.option.staff_cost;
                for e in &p.option.effects {
                    if k < p.start + e.delay_years {
                        continue;
                    }
                    if let Some(s) = year_scenarios.iter_mut().find(|s| s.name == e.scenario) {
                        s.controls.push(Control {
                            name: p.option.name.clone(),
                            frequency_factor: e.frequency_factor.clone(),
                            magnitude_factor: e.magnitude_factor.clone(),
                        });
                    }
                }
            }
            let planned_profit = lines.get(profit_line).map_or(0.0, |l| l.1);
            let change = planned_profit
                - self
                    .plan
                    .lines
                    .get(profit_line)
                    .and_then(|l| l.values.get(k))
                    .copied()
                    .unwrap_or(0.0);
            let before_costs = planned_profit - cost - initial;
            // The margins at which each profit target is just met: the loss may be at most
            // this much. The run reports P(loss ≥ x); asked just above the margin, that is
            // P(loss > margin) even where a loss has an atom (a fixed amount).
            let margins: Vec<Option<f64>> = self
                .plan
                .targets
                .iter()
                .map(|t| {
                    (t.year == *year && t.line == self.plan.profit_line)
                        .then_some(before_costs - t.at_least)
                })
                .collect();
            let thresholds: Vec<f64> = margins
                .iter()
                .flatten()
                .filter(|m| **m >= 0.0)
                .map(|m| m.next_up())
                .collect();
            let out = if year_scenarios.is_empty() {
                None
            } else {
                Some(
                    Model {
                        trials: Some(trials),
                        seed: Some(seed),
                        thresholds: thresholds.clone(),
                        scenarios: year_scenarios,
                    }
                    .compile()?
                    .run(threads),
                )
            };
            let (mean, p50, p90, p99) = out
                .as_ref()
                .map_or((0.0, 0.0, 0.0, 0.0), |o| (o.mean, o.p50, o.p90, o.p99));
            let exceed = |x: f64| -> f64 {
                out.as_ref()
                    .and_then(|o| o.exceedance.iter().find(|p| p.amount == x))
                    .map_or(0.0, |p| p.probability)
            };
            let targets = self
                .plan
                .targets
                .iter()
                .zip(&margins)
                .filter(|(t, _)| t.year == *year)
                .map(|(t, margin)| TargetOutcome {
                    label: t.label.clone(),
                    line: t.line.clone(),
                    at_least: t.at_least,
                    probability: match margin {
                        Some(m) if *m < 0.0 => 0.0,
                        Some(m) => 1.0 - exceed(m.next_up()),
                        None => {
                            let value = lines.iter().find(|l| l.0 == t.line).map_or(0.0, |l| l.1);
                            if value >= t.at_least { 1.0 } else { 0.0 }
                        }
                    },
                })
                .collect();
            let before = baseline
                .and_then(|b| b.years.get(k))
                .map_or(mean, |y| y.expected_loss);
            let reduction = before - mean;
            flows.push((initial, reduction + change - cost));
            years.push(YearOutcome {
                year: year.clone(),
                lines,
                cost: cost + initial,
                expected_loss: mean,
                risk_reduction: reduction,
                profit_mean: before_costs - mean,
                profit_p50: before_costs - p50,
                profit_p10: before_costs - p90,
                profit_p1: before_costs - p99,
                targets,
            });
        }
        let start = parts.iter().map(|p| p.start).min().unwrap_or(0);
        let total = |f: fn(&YearOutcome) -> f64| years.iter().map(f).sum::<f64>();
        let cost = total(|y| y.cost);
        let risk_reduction = total(|y| y.risk_reduction);
        let expected_loss_after = total(|y| y.expected_loss);
        Ok(OptionOutcome {
            name: option.map(|o| o.name.clone()).unwrap_or_default(),
            residual_owner: option.map(|o| o.residual_owner.clone()).unwrap_or_default(),
            residual_note: option.map(|o| o.residual_note.clone()).unwrap_or_default(),
            basis: option.map(|o| o.basis.clone()).unwrap_or_default(),
            cites: option.map(|o| o.cites.clone()).unwrap_or_default(),
            expected_loss_before: expected_loss_after + risk_reduction,
            expected_loss_after,
            risk_reduction,
            rosi: (cost > 0.0).then(|| (risk_reduction - cost) / cost),
            npv: npv(self.discount_rate, &flows),
            // Without a cost there is nothing to pay back.
            payback_years: if cost > 0.0 {
                payback(&flows, start)
            } else {
                None
            },
            cost,
            years,
        })
    }
}

/// Net present value of yearly flows `(spent at the year's start, net flow at its end)`,
/// year 0 being the plan's first: the start of year k is discounted k times, its end k + 1.
pub fn npv(rate: f64, flows: &[(f64, f64)]) -> f64 {
    flows
        .iter()
        .enumerate()
        .map(|(k, (initial, net))| {
            let at_start = (1.0 + rate).powi(k as i32);
            -initial / at_start + net / (at_start * (1.0 + rate))
        })
        .sum()
}

/// Years from `start` until the cumulative flow (undiscounted) is no longer negative,
/// assuming each year's net flow comes evenly through the year; none if not within the plan.
pub fn payback(flows: &[(f64, f64)], start: usize) -> Option<f64> {
    let mut cumulative = 0.0;
    for (k, (initial, net)) in flows.iter().enumerate().skip(start) {
        cumulative -= initial;
        if cumulative >= 0.0 && *net >= 0.0 {
            return Some((k - start) as f64);
        }
        if *net > 0.0 && cumulative + net >= 0.0 {
            return Some((k - start) as f64 + (-cumulative / net));
        }
        cumulative += net;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(json: serde_json::Value, name: &str) -> Scenario {
        Scenario::from_value(&json, name, "scenario").unwrap_or_else(|p| panic!("{p:?}"))
    }

    /// A loss of exactly 100 million yen every year: the figures below are exact.
    fn certain_loss() -> Scenario {
        scenario(
            serde_json::json!({"frequency": {"chain": {"count": 1, "probabilities": [1.0]}},
                "magnitude": {"uniform": [1e8, 1e8]}}),
            "R-01",
        )
    }

    fn case(options: serde_json::Value) -> Case {
        let text = serde_json::json!({
            "discount_rate": 0.1,
            "plan": {"years": ["Y1", "Y2", "Y3"], "profit_line": "profit",
                "lines": [{"name": "sales", "values": [3e9, 4.45e9, 5.78e9]},
                          {"name": "profit", "values": [0.0, 2.7e8, 8.6e8]}],
                "targets": [{"label": "Y2 profit ≥ 200 million", "year": "Y2", "line": "profit", "at_least": 2e8},
                            {"label": "Y3 sales ≥ 5.5 billion", "year": "Y3", "line": "sales", "at_least": 5.5e9}]},
            "options": options
        })
        .to_string();
        Case::from_json(&text).unwrap_or_else(|p| panic!("{p:?}"))
    }

    #[test]
    fn npv_and_payback_by_hand() {
        let flows = [(100.0, 50.0), (0.0, 50.0), (0.0, 50.0)];
        // −100 + 50/1.1 + 50/1.21 + 50/1.331
        assert!((npv(0.1, &flows) - 24.342_599_549_211_1).abs() < 1e-9);
        assert_eq!(payback(&flows, 0), Some(2.0));
        assert_eq!(
            payback(&[(0.0, -10.0), (0.0, 30.0)], 0).map(|y| (y * 3.0).round()),
            Some(4.0)
        );
        assert_eq!(payback(&[(100.0, 10.0)], 0), None);
        assert_eq!(payback(&[(0.0, 0.0), (5.0, 10.0)], 1), Some(0.5));
    }

    #[test]
    fn options_against_doing_nothing_with_exact_figures() {
        let c = case(serde_json::json!([
            {"name": "half", "yearly_cost": 1e7, "residual_owner": "EC事業部長",
             "effects": [{"scenario": "R-01", "magnitude_factor": 0.5}]},
            {"name": "5 brands", "residual_owner": "EC事業部長",
             "plan_changes": [{"line": "sales", "deltas": [0.0, -2e8, -4e8]},
                              {"line": "profit", "deltas": [0.0, 3e7, 3e7]}]},
            {"name": "patch later", "initial_cost": 2e7, "start": "Y2", "residual_owner": "情報システム課",
             "effects": [{"scenario": "R-01", "magnitude_factor": 0.0, "delay_years": 1}]},
            {"name": "decision", "combines": ["half", "5 brands"], "residual_owner": "社長"}
        ]));
        let out = c
            .evaluate(&[certain_loss()], 1_000, 7, 1)
            .unwrap_or_else(|p| panic!("{p:?}"));
        let base = &out.baseline;
        assert_eq!(base.expected_loss_after, 3e8);
        assert_eq!(base.risk_reduction, 0.0);
        // Y2: 270 − 100 = 170 million < 200 million, every year.
        assert_eq!(base.years[1].targets[0].probability, 0.0);
        assert_eq!(
            base.years[2].targets[0].probability, 1.0,
            "sales 5.78 billion ≥ 5.5"
        );
        let half = &out.options[0];
        assert_eq!(half.expected_loss_after, 1.5e8);
        assert_eq!(half.risk_reduction, 1.5e8);
        assert_eq!(half.cost, 3e7);
        assert_eq!(half.rosi, Some(4.0));
        assert_eq!(half.payback_years, Some(0.0));
        assert!((half.npv - 4e7 * (1.0 / 1.1 + 1.0 / 1.21 + 1.0 / 1.331)).abs() < 1e-3);
        // Y2: 270 − 10 − 50 = 210 million ≥ 200 million.
        assert_eq!(half.years[1].targets[0].probability, 1.0);
        assert_eq!(half.years[1].profit_mean, 2.1e8);
        let brands = &out.options[1];
        assert_eq!(brands.years[2].lines[0], ("sales".to_owned(), 5.38e9));
        assert_eq!(
            brands.years[2].targets[0].probability, 0.0,
            "5.38 billion < 5.5"
        );
        assert_eq!(brands.rosi, None);
        assert_eq!(brands.years[1].profit_mean, 2e8);
        assert_eq!(
            brands.years[1].targets[0].probability, 1.0,
            "exactly on target"
        );
        let patch = &out.options[2];
        assert_eq!(patch.years[0].cost, 0.0);
        assert_eq!(patch.years[1].cost, 2e7);
        assert_eq!(patch.years[1].expected_loss, 1e8, "a year's delay");
        assert_eq!(patch.years[2].expected_loss, 0.0);
        // Spent 20 million at the start of Y2; Y2 saves nothing, Y3 saves 100 million.
        assert_eq!(patch.payback_years, Some(1.2));
        let decision = &out.options[3];
        assert_eq!(decision.cost, 3e7);
        assert_eq!(decision.risk_reduction, 1.5e8);
        assert_eq!(decision.years[1].profit_mean, 2.4e8);
        assert_eq!(decision.residual_owner, "社長");
    }

    #[test]
    fn a_waf_on_story_twos_chain_within_five_standard_errors() {
        let chain = scenario(
            serde_json::json!({"frequency": {"chain": {"count": 1, "probabilities": [0.5, 0.7]}},
                "magnitude": {"bins": [[1e8, 5e8, 0.6], [1e6, 1e8, 0.4]]}}),
            "R-01",
        );
        let c = case(serde_json::json!([
            {"name": "WAF", "yearly_cost": 4e6, "residual_owner": "EC事業部長",
             "effects": [{"scenario": "R-01", "frequency_factor": 0.4}]}]));
        let out = c
            .evaluate(&[chain], 100_000, 42, 2)
            .unwrap_or_else(|p| panic!("{p:?}"));
        // Before: 0.35 × 200.2 million = 70.07 million a year (standard error 415,500 yen);
        // after: 0.14 × 200.2 million = 28.028 million (standard error 284,000 yen).
        for y in &out.baseline.years {
            assert!(
                (y.expected_loss - 70_070_000.0).abs() < 5.0 * 415_500.0,
                "{}",
                y.expected_loss
            );
        }
        for y in &out.options[0].years {
            assert!(
                (y.expected_loss - 28_028_000.0).abs() < 5.0 * 284_000.0,
                "{}",
                y.expected_loss
            );
        }
    }

    #[test]
    fn a_case_that_does_not_hold_names_each_place() {
        let c = case(serde_json::json!([
            {"name": "x", "yearly_cost": -1, "residual_owner": "",
             "effects": [{"scenario": "R-09", "frequency_factor": 0.5}],
             "plan_changes": [{"line": "nope", "deltas": [1.0]}]},
            {"name": "y", "combines": ["y"], "residual_owner": "a", "start": "Y9"}
        ]));
        let paths: Vec<String> = c
            .check(&[certain_loss()])
            .into_iter()
            .map(|p| p.path)
            .collect();
        assert_eq!(
            paths,
            [
                "options[0].residual_owner",
                "options[0].yearly_cost",
                "options[0].effects[0].scenario",
                "options[0].plan_changes[0].line",
                "options[0].plan_changes[0].deltas",
                "options[1].start",
                "options[1].combines[0]",
            ]
        );
        let unknown = Case::from_json(
            r#"{"discount_rate": 0.1, "plan": {"years": [], "lines": [], "profit_line": "p", "colour": 1}}"#,
        );
        assert_eq!(
            unknown.err().map(|p| p[0].path.clone()).as_deref(),
            Some("plan.colour")
        );
    }
}
