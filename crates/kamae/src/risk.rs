//! Role E on the command line: risk matrices and the information-asset inventory.

use std::process::ExitCode;

use kamae_store::ReferenceImport;

use crate::cli::{AssetCommand, Cli, RiskMatrixCommand};
use crate::commands::{Result, acting, open, problem};
use crate::output::{print_json, print_lines, table};
use crate::standard::{file_problems, name_of, read_file, write_file};

pub async fn risk_matrix(cli: &Cli, c: &RiskMatrixCommand) -> Result<ExitCode> {
    let store = open(cli, false).await?;
    let me = acting(cli, &store).await?;
    match c {
        RiskMatrixCommand::Import {
            file,
            format,
            dry_run,
            json,
        } => {
            if let Some(f) = format.as_deref()
                && !matches!(f.trim(), "ciso-assistant" | "ciso_assistant")
            {
                return Err(problem(
                    "unknown_format",
                    format!("リスクマトリクスの形式 {f:?} は読めません（ciso-assistant のみ）"),
                    format!("cannot read risk matrices as {f:?}; the format is ciso-assistant"),
                ));
            }
            let name = name_of(file);
            let bytes = read_file(file)?;
            let read = kamae_exchange::ciso_assistant::read_risk_matrices(&name, &bytes)
                .map_err(file_problems)?;
            let reports = store.import_risk_matrices(&me, read, *dry_run).await?;
            if *json {
                print_json(&reports)?;
            } else {
                print_lines(reports.iter().map(|r| {
                    let what = match (&r.outcome, *dry_run) {
                        (ReferenceImport::Unchanged, _) => "変更なし / unchanged",
                        (ReferenceImport::Added, true) => "追加される / would be added",
                        (ReferenceImport::Added, false) => "追加しました / added",
                        (ReferenceImport::Replaced, true) => {
                            "置き換えられる / would replace the current one"
                        }
                        (ReferenceImport::Replaced, false) => {
                            "置き換えました（以前のものは保管） / replaced (the old one archived)"
                        }
                    };
                    format!(
                        "{} {} ({}×{}, {} risk levels): {what}",
                        r.code, r.name, r.probability_levels, r.impact_levels, r.risk_levels
                    )
                }));
            }
        }
        RiskMatrixCommand::List(a) => {
            let list: Vec<_> = store
                .risk_matrices(&me)
                .await?
                .iter()
                .map(|m| m.summary())
                .collect();
            if a.json {
                print_json(&list)?;
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|m| {
                        vec![
                            m.code.clone(),
                            m.name_ja.clone(),
                            m.name_en.clone(),
                            m.likelihood_levels.to_string(),
                            m.impact_levels.to_string(),
                            m.risk_levels.to_string(),
                            m.source.as_str().to_owned(),
                        ]
                    })
                    .collect();
                println!(
                    "{}",
                    table(
                        &[
                            "code",
                            "名前",
                            "name",
                            "likelihood",
                            "impact",
                            "risk",
                            "source"
                        ],
                        &rows
                    )
                );
            }
        }
        RiskMatrixCommand::Show { code, json } => {
            let m = store.risk_matrix(&me, code).await?;
            if *json {
                print_json(&m)?;
            } else {
                println!("{} {} / {}", m.code, m.name_ja, m.name_en);
                let mut lines = Vec::new();
                // The highest likelihood on top, as a heat map reads.
                for (p, row) in m.grid.iter().enumerate().rev() {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|r| {
                            m.risk
                                .get(*r)
                                .map(|l| format!("{:>4}", l.abbreviation))
                                .unwrap_or_default()
                        })
                        .collect();
                    let level = m.probability.get(p);
                    lines.push(format!(
                        "{:>14} |{}",
                        level.map(|l| l.name_en.as_str()).unwrap_or(""),
                        cells.join("")
                    ));
                }
                lines.push(format!(
                    "{:>14} |{}",
                    "",
                    m.impact
                        .iter()
                        .map(|l| format!("{:>4}", l.abbreviation))
                        .collect::<String>()
                ));
                lines.extend(m.risk.iter().map(|l| {
                    format!(
                        "{}: {} / {} — {}",
                        l.abbreviation, l.name_ja, l.name_en, l.description_en
                    )
                }));
                print_lines(lines);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn asset(cli: &Cli, c: &AssetCommand) -> Result<ExitCode> {
    use kamae_exchange::items::Headers;
    let store = open(cli, false).await?;
    let me = acting(cli, &store).await?;
    match c {
        AssetCommand::Import {
            file,
            format,
            dry_run,
            json,
        } => {
            let name = name_of(file);
            let format = kamae_exchange::assets::format_of(&name, format.as_deref())?;
            let bytes = read_file(file)?;
            let read =
                kamae_exchange::assets::read(&name, &bytes, format).map_err(file_problems)?;
            let report = store.import_assets(&me, read, *dry_run).await?;
            if *json {
                print_json(&report)?;
            } else {
                let (added, changed) = if *dry_run {
                    ("追加される / would be added", "変更される / would change")
                } else {
                    ("追加しました / added", "変更しました / changed")
                };
                println!("{added}: {}", report.added.len());
                print_lines(report.added.iter().map(|c| format!("  + {c}")));
                println!("{changed}: {}", report.changed.len());
                print_lines(report.changed.iter().map(|c| format!("  ~ {c}")));
                println!("変更なし / unchanged: {}", report.unchanged);
            }
        }
        AssetCommand::Export {
            format,
            out,
            headers,
        } => {
            let format = kamae_exchange::assets::format_of(&name_of(out), Some(format))?;
            let headers = Headers::parse(headers)?;
            let assets = store.assets(&me).await?;
            let bytes = kamae_exchange::assets::write(&assets, format, headers)?;
            write_file(out, &bytes)?;
            eprintln!(
                "{} 件の資産を書き出しました / exported {} assets to {}",
                assets.len(),
                assets.len(),
                out.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
