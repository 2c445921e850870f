//! The risk report as an XLSX workbook (role E, step 9): a summary, the two heat maps, the
//! top risks, treatment progress, retained risks and the comparison with last year, in the
//! reader's language. The caller decides what the summary's first lines say (title, scope,
//! state); everything else comes from the report, which already leaves out for outsiders
//! what must stay inside.

use kamae_core::Problem;
use kamae_core::risk::{Audience, MatrixLevel, RiskReport};

use crate::table::{Sheet, pick, summary_sheet, write_workbook};

fn level_name(levels: &[MatrixLevel], l: Option<usize>, ja: bool) -> String {
    l.and_then(|l| levels.get(l))
        .map(|x| x.name(ja).to_owned())
        .unwrap_or_default()
}

fn heat_rows(
    title: String,
    grid: &[Vec<usize>],
    r: &RiskReport,
    ja: bool,
    out: &mut Vec<Vec<String>>,
) {
    let mut head = vec![title];
    head.extend(r.matrix.impact.iter().map(|l| l.name(ja).to_owned()));
    out.push(head);
    // The highest likelihood first, as the maps are drawn.
    for (p, row) in grid.iter().enumerate().rev() {
        let mut line = vec![
            r.matrix
                .probability
                .get(p)
                .map(|l| l.name(ja).to_owned())
                .unwrap_or_default(),
        ];
        line.extend(row.iter().map(|n| n.to_string()));
        out.push(line);
    }
}

/// The workbook of a report. `summary` is the caller's opening lines as (label, value).
pub fn write_report_xlsx(
    summary: &[(String, String)],
    r: &RiskReport,
    ja: bool,
) -> Result<Vec<u8>, Problem> {
    let external = r.audience == Audience::External;
    let levels = &r.matrix.risk;
    let mut sheets = Vec::new();

    let mut rows = vec![vec![pick(ja, "リスクの数", "Risks"), r.risks.to_string()]];
    rows.push(vec![
        pick(ja, "対応が必要なリスク", "Risks needing treatment"),
        r.needing_treatment.to_string(),
    ]);
    if external {
        rows.push(vec![
            pick(
                ja,
                "対応中のため個別に記載しないリスク",
                "Risks under treatment, not described one by one",
            ),
            r.withheld.to_string(),
        ]);
    }
    rows.push(vec![]);
    rows.push(vec![
        pick(ja, "リスクレベル", "Risk level"),
        pick(ja, "固有リスク", "Inherent"),
        pick(ja, "残留リスク", "Residual"),
    ]);
    for c in r.by_level.iter().rev() {
        rows.push(vec![
            level_name(levels, Some(c.level), ja),
            c.inherent.to_string(),
            c.residual.to_string(),
        ]);
    }
    sheets.push(summary_sheet(summary, rows, 1, ja));

    let mut rows = Vec::new();
    heat_rows(
        pick(
            ja,
            "固有リスク（発生可能性＼影響）",
            "Inherent (likelihood \\ impact)",
        ),
        &r.inherent_map,
        r,
        ja,
        &mut rows,
    );
    rows.push(vec![]);
    heat_rows(
        pick(
            ja,
            "残留リスク（発生可能性＼影響）",
            "Residual (likelihood \\ impact)",
        ),
        &r.residual_map,
        r,
        ja,
        &mut rows,
    );
    sheets.push(Sheet {
        name: pick(ja, "ヒートマップ", "Heat maps"),
        header: vec![r.matrix.name(ja).to_owned()],
        rows,
        frozen: 1,
        numbers: true,
    });

    let mut header = vec![
        pick(ja, "順位", "Rank"),
        pick(ja, "ID", "ID"),
        pick(ja, "リスク", "Risk"),
    ];
    if !external {
        header.push(pick(ja, "リスクオーナー", "Owner"));
    }
    header.extend([
        pick(ja, "固有リスク", "Inherent"),
        pick(ja, "残留リスク", "Residual"),
        pick(ja, "対応の方針", "Treatment"),
        pick(ja, "完了した対応", "Actions done"),
        pick(ja, "対応の数", "Actions"),
        pick(ja, "期限切れ", "Overdue"),
    ]);
    let rows = r
        .top
        .iter()
        .map(|t| {
            let mut row = vec![
                t.rank.map(|n| n.to_string()).unwrap_or_default(),
                t.code.clone(),
                t.title.clone(),
            ];
            if !external {
                row.push(t.owner.clone().unwrap_or_default());
            }
            row.extend([
                level_name(levels, t.inherent_level, ja),
                level_name(levels, t.residual_level, ja),
                t.decision
                    .map(|d| pick(ja, d.label_ja(), d.label_en()))
                    .unwrap_or_default(),
                t.actions_done.to_string(),
                t.actions_total.to_string(),
                t.actions_overdue.to_string(),
            ]);
            row
        })
        .collect();
    sheets.push(Sheet {
        name: pick(ja, "上位リスク", "Top risks"),
        header,
        rows,
        frozen: 3,
        numbers: true,
    });

    let mut rows = Vec::new();
    match &r.progress {
        None => rows.push(vec![pick(
            ja,
            "この評価から作った対応計画はまだありません",
            "No treatment plan has been made from this assessment yet",
        )]),
        Some(p) => {
            for (j, e, v) in [
                (
                    "計画の承認",
                    "Plan approved",
                    pick(
                        ja,
                        if p.plan_approved {
                            "承認済み"
                        } else {
                            "未承認"
                        },
                        if p.plan_approved { "yes" } else { "not yet" },
                    ),
                ),
                (
                    "対応が必要なリスク",
                    "Risks to treat",
                    p.risks_to_treat.to_string(),
                ),
                (
                    "方針を決めたリスク",
                    "Risks decided",
                    p.risks_decided.to_string(),
                ),
                ("対応の数", "Actions", p.actions.to_string()),
                ("完了", "Done", p.done.to_string()),
                ("未完了", "Open", p.open.to_string()),
                ("期限切れ", "Overdue", p.overdue.to_string()),
                ("取りやめ", "Dropped", p.dropped.to_string()),
                ("完了率（%）", "Done (%)", p.percent_done().to_string()),
            ] {
                rows.push(vec![pick(ja, j, e), v]);
            }
            if !external {
                rows.push(vec![
                    pick(ja, "計画した費用（円）", "Planned cost (yen)"),
                    p.cost_planned_yen.to_string(),
                ]);
                rows.push(vec![
                    pick(ja, "完了した対応の費用（円）", "Cost of actions done (yen)"),
                    p.cost_done_yen.to_string(),
                ]);
            }
        }
    }
    sheets.push(Sheet {
        name: pick(ja, "対応の進捗", "Progress"),
        header: vec![pick(ja, "項目", "Item"), pick(ja, "内容", "Value")],
        rows,
        frozen: 1,
        numbers: true,
    });

    if external {
        sheets.push(Sheet {
            name: pick(ja, "保有リスク", "Retained risks"),
            header: vec![pick(ja, "項目", "Item"), pick(ja, "内容", "Value")],
            rows: vec![vec![
                pick(
                    ja,
                    "経営層が受容した保有リスクの数",
                    "Risks retained, each accepted by management",
                ),
                r.retained_count.to_string(),
            ]],
            frozen: 1,
            numbers: true,
        });
    } else {
        sheets.push(Sheet {
            name: pick(ja, "保有リスク", "Retained risks"),
            header: vec![
                pick(ja, "ID", "ID"),
                pick(ja, "リスク", "Risk"),
                pick(ja, "残留リスク", "Residual"),
                pick(ja, "受容した人", "Accepted by"),
                pick(ja, "理由・備考", "Note"),
            ],
            rows: r
                .retained
                .iter()
                .map(|x| {
                    vec![
                        x.code.clone(),
                        x.title.clone(),
                        level_name(levels, x.residual_level, ja),
                        x.accepted_by.clone(),
                        x.note.clone(),
                    ]
                })
                .collect(),
            frozen: 2,
            numbers: false,
        });
    }

    let mut rows = Vec::new();
    match &r.comparison {
        None => rows.push(vec![pick(
            ja,
            "比べる前年度のアセスメントがありません",
            "There is no earlier year's assessment to compare with",
        )]),
        Some(c) => {
            rows.push(vec![
                pick(ja, "リスクレベル", "Risk level"),
                format!("{}{}", c.previous_year, pick(ja, "年度", "")),
                pick(ja, "今年度", "This year"),
            ]);
            for l in (0..levels.len()).rev() {
                rows.push(vec![
                    level_name(levels, Some(l), ja),
                    c.previous_by_level.get(l).copied().unwrap_or(0).to_string(),
                    c.current_by_level.get(l).copied().unwrap_or(0).to_string(),
                ]);
            }
            if !c.movements.is_empty() {
                rows.push(vec![]);
                rows.push(vec![
                    pick(ja, "ID", "ID"),
                    pick(ja, "リスク", "Risk"),
                    pick(ja, "前年度", "Last year"),
                    pick(ja, "今年度", "This year"),
                    pick(ja, "変化", "Change"),
                ]);
                for m in &c.movements {
                    rows.push(vec![
                        m.code.clone(),
                        m.title.clone(),
                        level_name(levels, m.before, ja),
                        level_name(levels, m.after, ja),
                        pick(ja, m.movement.label_ja(), m.movement.label_en()),
                    ]);
                }
            }
        }
    }
    sheets.push(Sheet {
        name: pick(ja, "前年比較", "Last year"),
        header: vec![pick(ja, "前年度との比較", "Compared with last year")],
        rows,
        frozen: 0,
        numbers: true,
    });
    write_workbook(&sheets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use kamae_core::risk::{
        Criteria, Evaluation, Method, PlanInput, Rating, ReportedInput, RiskEntry, Treatment,
        TreatmentDecision, build_report, builtin_matrix, evaluate,
    };
    use kamae_core::text::Code;

    fn sheets_of(bytes: Vec<u8>) -> Vec<(String, String)> {
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
        let names = book.sheet_names();
        names
            .into_iter()
            .map(|n| {
                let range = book.worksheet_range(&n).unwrap_or_else(|e| panic!("{e}"));
                let text = range
                    .rows()
                    .map(|r| {
                        r.iter()
                            .map(|c| match c {
                                Data::Float(f) => format!("{f}"),
                                other => other.to_string(),
                            })
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .collect::<Vec<_>>()
                    .join("\n");
                (n, text)
            })
            .collect()
    }

    #[test]
    fn the_workbook_holds_every_part_and_the_outside_one_no_names() {
        let c = Criteria::for_matrix(Method::Matrix, builtin_matrix());
        let day = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap_or_default();
        let entry = RiskEntry {
            code: Code::parse("R-01").unwrap_or_else(|p| panic!("{p}")),
            title: "標的型メール".into(),
            source: String::new(),
            event: String::new(),
            causes: String::new(),
            consequences: String::new(),
            assets: vec![],
            owner: "総務部長 田中".into(),
            inherent: Some(Rating::Matrix {
                likelihood: 4,
                impact: 3,
            }),
            inherent_rationale: String::new(),
            residual: None,
            residual_rationale: String::new(),
            items: vec![],
            exceptions: vec![],
            advice: vec![],
            scenario: None,
            expected_loss_yen: None,
        };
        let evaluation: Evaluation = evaluate(&c, entry.inherent.as_ref(), None, &[], None);
        let risks = [ReportedInput {
            entry: &entry,
            evaluation: &evaluation,
        }];
        let treatments = [Treatment {
            risk: "R-01".into(),
            decision: TreatmentDecision::Retain,
            note: "訓練は来年度".into(),
            accepted_by: "社長 山田".into(),
            actions: vec![],
        }];
        let plan = PlanInput {
            treatments: &treatments,
            approved: true,
        };
        let summary = vec![("表題".to_owned(), "A社グループ 2026".to_owned())];
        let exec = build_report(Audience::Executive, &c, &risks, Some(plan), None, day);
        let sheets = sheets_of(write_report_xlsx(&summary, &exec, true).unwrap_or_default());
        let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "概要",
                "ヒートマップ",
                "上位リスク",
                "対応の進捗",
                "保有リスク",
                "前年比較"
            ]
        );
        let all: String = sheets.iter().map(|(_, t)| t.as_str()).collect();
        assert!(
            all.contains("A社グループ 2026")
                && all.contains("社長 山田")
                && all.contains("総務部長 田中")
        );
        assert!(
            sheets[1].1.contains("ほぼ確実|0|0|0|1|0"),
            "{}",
            sheets[1].1
        );
        let outside = build_report(Audience::External, &c, &risks, Some(plan), None, day);
        let sheets = sheets_of(write_report_xlsx(&summary, &outside, false).unwrap_or_default());
        let all: String = sheets.iter().map(|(_, t)| t.as_str()).collect();
        assert!(sheets[0].0 == "Summary" && sheets[4].0 == "Retained risks");
        assert!(
            sheets[4]
                .1
                .contains("Risks retained, each accepted by management|1"),
            "{}",
            sheets[4].1
        );
        assert!(
            !all.contains("山田") && !all.contains("田中") && !all.contains("標的型メール"),
            "{all}"
        );
    }
}
