//! The business case as an XLSX workbook (role C): the plan, the options compared with doing
//! nothing, each option year by year (cost, expected loss, risk-adjusted profit, targets),
//! and the residual risks with their owners, in the reader's language. Amounts are whole
//! yen; probabilities are percentages with one decimal.

use kamae_core::Problem;
use kamae_quant::business::{CaseOutcome, OptionOutcome};

use crate::table::{Sheet, pick, summary_sheet, write_workbook};

fn yen(x: f64) -> String {
    format!("{}", x.round() as i64)
}

fn percent(p: f64) -> String {
    format!("{:.1}%", p * 100.0)
}

fn named<'a>(o: &'a OptionOutcome, baseline: &'a str) -> &'a str {
    if o.name.is_empty() { baseline } else { &o.name }
}

/// The workbook of a case. `summary` is the caller's opening lines as (label, value).
pub fn write_case_xlsx(
    summary: &[(String, String)],
    o: &CaseOutcome,
    ja: bool,
) -> Result<Vec<u8>, Problem> {
    let baseline = pick(ja, "何もしない（基準）", "Do nothing (baseline)");
    let all: Vec<&OptionOutcome> = std::iter::once(&o.baseline).chain(&o.options).collect();
    let opening = summary_sheet(
        summary,
        vec![
            vec![pick(ja, "試行", "Trials"), o.trials.to_string()],
            vec![pick(ja, "乱数の種", "Seed"), o.seed.to_string()],
            vec![
                pick(ja, "割引率", "Discount rate"),
                percent(o.discount_rate),
            ],
        ],
        0,
        ja,
    );

    let mut header = vec![pick(ja, "項目", "Line")];
    header.extend(o.years.iter().cloned());
    let plan_rows = o
        .baseline
        .years
        .first()
        .map(|first| {
            (0..first.lines.len())
                .map(|i| {
                    let mut row = vec![first.lines[i].0.clone()];
                    row.extend(o.baseline.years.iter().map(|y| {
                        let v = y.lines.get(i).map_or(0.0, |l| l.1);
                        if v.abs() < 1.0 && v != 0.0 {
                            percent(v)
                        } else {
                            yen(v)
                        }
                    }));
                    row
                })
                .collect()
        })
        .unwrap_or_default();
    let plan = Sheet {
        name: pick(ja, "事業計画", "Plan"),
        header,
        rows: plan_rows,
        frozen: 1,
        numbers: true,
    };

    let mut header = vec![
        pick(ja, "選択肢", "Option"),
        pick(ja, "費用（円）", "Cost (yen)"),
        pick(ja, "予想損失・前（円）", "Expected loss before (yen)"),
        pick(ja, "予想損失・後（円）", "Expected loss after (yen)"),
        pick(ja, "リスク低減（円）", "Risk reduction (yen)"),
        "ROSI".to_owned(),
        "NPV".to_owned(),
        pick(ja, "回収年数", "Payback (years)"),
    ];
    for y in &o.baseline.years {
        for t in &y.targets {
            header.push(format!("{} ({})", t.label, y.year));
        }
    }
    header.push(pick(ja, "残るリスクの責任者", "Owner of the risk left"));
    let compared = Sheet {
        name: pick(ja, "選択肢の比較", "Options"),
        header,
        rows: all
            .iter()
            .map(|x| {
                let mut row = vec![
                    named(x, &baseline).to_owned(),
                    yen(x.cost),
                    yen(x.expected_loss_before),
                    yen(x.expected_loss_after),
                    yen(x.risk_reduction),
                    x.rosi.map(percent).unwrap_or_default(),
                    yen(x.npv),
                    x.payback_years
                        .map(|p| format!("{p:.1}"))
                        .unwrap_or_default(),
                ];
                for y in &x.years {
                    row.extend(y.targets.iter().map(|t| percent(t.probability)));
                }
                row.push(x.residual_owner.clone());
                row
            })
            .collect(),
        frozen: 1,
        numbers: true,
    };

    let yearly = Sheet {
        name: pick(ja, "年度ごと", "By year"),
        header: vec![
            pick(ja, "選択肢", "Option"),
            pick(ja, "年度", "Year"),
            pick(ja, "費用（円）", "Cost (yen)"),
            pick(ja, "予想損失（円）", "Expected loss (yen)"),
            pick(ja, "リスク低減（円）", "Risk reduction (yen)"),
            pick(ja, "利益の期待値（円）", "Expected profit (yen)"),
            pick(ja, "利益の中央値（円）", "Median profit (yen)"),
            pick(ja, "10年に1度の利益（円）", "Profit one year in ten (yen)"),
            pick(
                ja,
                "100年に1度の利益（円）",
                "Profit one year in a hundred (yen)",
            ),
        ],
        rows: all
            .iter()
            .flat_map(|x| {
                x.years.iter().map(|y| {
                    vec![
                        named(x, &baseline).to_owned(),
                        y.year.clone(),
                        yen(y.cost),
                        yen(y.expected_loss),
                        yen(y.risk_reduction),
                        yen(y.profit_mean),
                        yen(y.profit_p50),
                        yen(y.profit_p10),
                        yen(y.profit_p1),
                    ]
                })
            })
            .collect(),
        frozen: 2,
        numbers: true,
    };

    let residual = Sheet {
        name: pick(ja, "残るリスク", "Residual risk"),
        header: vec![
            pick(ja, "選択肢", "Option"),
            pick(ja, "責任者", "Owner"),
            pick(ja, "予想損失・後（円）", "Expected loss after (yen)"),
            pick(ja, "内容", "What is left"),
        ],
        rows: o
            .options
            .iter()
            .map(|x| {
                vec![
                    x.name.clone(),
                    x.residual_owner.clone(),
                    yen(x.expected_loss_after),
                    x.residual_note.clone(),
                ]
            })
            .collect(),
        frozen: 1,
        numbers: true,
    };
    write_workbook(&[opening, plan, compared, yearly, residual])
}
