//! `kamae standard` and `kamae framework`: the group's standard and the reference
//! frameworks its items map to, in and out as files.

use std::path::Path;
use std::process::ExitCode;

use kamae_core::calendar::parse_date;
use kamae_core::ids::ArtifactVersionId;
use kamae_core::rules::{ChangeReason, ItemChanges, NodeKind};
use kamae_core::text::Code;
use kamae_exchange::items::{Format, Headers};
use kamae_exchange::{FileProblems, FrameworkFormat};
use kamae_store::rules::{ImportChoices, StandardVersion};

use crate::cli::Cli;
use crate::cli::{FrameworkCommand, StandardCommand};
use crate::commands::{Result, acting, open, problem};
use crate::output::{print_json, print_lines, table};

pub(crate) fn name_of(path: &Path) -> String {
    path.display().to_string()
}

pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>> {
    // Read at most one byte more than any reader accepts, so that a huge file is refused
    // without being read whole.
    use std::io::Read;
    let limit = kamae_exchange::MAX_FILE_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit).read_to_end(&mut bytes))
        .map_err(|e| {
            problem(
                "io_error",
                format!("{} を読めません: {e}", path.display()),
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
    Ok(bytes)
}

/// Writes next to the target and renames, so that a failed export leaves no half a file.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".part");
    let tmp = std::path::PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            problem(
                "io_error",
                format!("{} に書けません: {e}", path.display()),
                format!("cannot write {}: {e}", path.display()),
            )
        })
}

pub(crate) fn file_problems(p: FileProblems) -> kamae_store::StoreError {
    p.to_problem().into()
}

fn version_id(s: Option<&str>) -> Result<Option<ArtifactVersionId>> {
    Ok(s.map(str::parse).transpose()?)
}

fn print_changes(changes: &ItemChanges) {
    println!(
        "  追加 added: {}  変更 changed: {}  廃止 archived: {}  変更なし unchanged: {}{}",
        changes.added.len(),
        changes.changed.len(),
        changes.archived.len(),
        changes.unchanged,
        if changes.reordered {
            "  並べ替え reordered"
        } else {
            ""
        }
    );
    for a in &changes.added {
        println!("  + {a}");
    }
    for c in &changes.changed {
        println!("  ~ {} ({})", c.code, c.fields.join(", "));
    }
    for a in &changes.archived {
        println!("  - {a}");
    }
}

fn print_items(v: &StandardVersion) {
    println!(
        "{} v{} ({} / {})",
        v.version.title,
        v.version.reference.number,
        v.version.approval.state.label_ja(),
        v.version.approval.state.label_en()
    );
    if let Some(m) = &v.meta {
        println!(
            "  改訂の理由 reason: {} / {}",
            m.reason.label_ja(),
            m.reason.label_en()
        );
        if let Some(d) = m.next_review_on {
            println!("  次回見直し next review: {d}");
        }
    }
    let rows: Vec<Vec<String>> = v
        .items
        .iter()
        .map(|i| {
            vec![
                i.code.to_string(),
                i.tier.letter().to_string(),
                i.category.clone(),
                i.title.clone(),
                i.criterion.text.clone(),
            ]
        })
        .collect();
    println!(
        "{}",
        table(&["code", "tier", "category", "title", "criterion"], &rows)
    );
}

pub async fn standard(cli: &Cli, c: &StandardCommand) -> Result<ExitCode> {
    if let StandardCommand::Template {
        format,
        out,
        headers,
    } = c
    {
        let bytes = match Format::of(&name_of(out), Some(format))? {
            Format::Csv => {
                let h = Headers::parse(headers)?;
                kamae_exchange::items::write_csv(&[kamae_exchange::items::example_item()?], h)
            }
            Format::Xlsx => kamae_exchange::items::write_xlsx(
                &[kamae_exchange::items::example_item()?],
                Headers::parse(headers)?,
            )?,
            Format::Oscal => {
                return Err(problem(
                    "no_oscal_template",
                    "テンプレートは csv か xlsx です（OSCAL は kamae standard export で）",
                    "templates are csv or xlsx (OSCAL: kamae standard export)",
                ));
            }
        };
        write_file(out, &bytes)?;
        println!(
            "テンプレートを書きました / wrote the template to {}",
            out.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let store = open(cli, false).await?;
    let me = acting(cli, &store).await?;
    match c {
        StandardCommand::Template { .. } => {}
        StandardCommand::Import {
            file,
            format,
            dry_run,
            json,
            reason,
            change_log,
            next_review,
            title,
        } => {
            let name = name_of(file);
            let format = Format::of(&name, format.as_deref())?;
            let bytes = read_file(file)?;
            let read =
                kamae_exchange::read_standard(&name, &bytes, format).map_err(file_problems)?;
            let choices = ImportChoices {
                title: title.clone().or(read.title),
                reason: match reason {
                    Some(r) => Some(ChangeReason::parse(r)?),
                    None => read.reason,
                },
                change_log: change_log.clone().or(read.change_log),
                next_review_on: match next_review {
                    Some(d) => Some(parse_date(d)?),
                    None => read.next_review_on,
                },
            };
            let outcome = store
                .import_standard(&me, read.items, choices, *dry_run)
                .await?;
            if *json {
                print_json(&outcome)?;
            } else {
                if *dry_run {
                    println!(
                        "取り込みの試行（書き込んでいません） / dry run (nothing written): {name}"
                    );
                } else {
                    println!("取り込みました / imported: {name}");
                }
                print_changes(&outcome.changes);
                match (outcome.version, *dry_run) {
                    (Some(v), _) => println!(
                        "  下書きの版 draft version: {v}\n  承認に回すには / to send it for approval: kamae artifact submit {v}"
                    ),
                    (None, false) => println!("  変更はありません / nothing changed"),
                    (None, true) => {}
                }
            }
        }
        StandardCommand::Export {
            format,
            out,
            draft,
            version,
            headers,
        } => {
            let format = Format::of(&name_of(out), Some(format))?;
            let v = store
                .chosen_standard(&me, version_id(version.as_deref())?, *draft)
                .await?;
            let bytes = kamae_web::files::export_standard(&v, format, Headers::parse(headers)?)?;
            write_file(out, &bytes)?;
            println!(
                "基準 v{}（{} 項目）を書き出しました / exported the standard v{} ({} items) to {}",
                v.version.reference.number,
                v.items.len(),
                v.version.reference.number,
                v.items.len(),
                out.display()
            );
        }
        StandardCommand::Versions(a) => {
            let versions = store.standard_versions(&me).await?;
            if a.json {
                print_json(&versions)?;
            } else if versions.is_empty() {
                println!("基準はまだありません / there is no standard yet");
            } else {
                let rows: Vec<Vec<String>> = versions
                    .iter()
                    .map(|v| {
                        vec![
                            format!("v{}", v.reference.number),
                            v.state.as_str().to_owned(),
                            v.title.clone(),
                            v.reference.version.to_string(),
                        ]
                    })
                    .collect();
                println!("{}", table(&["version", "state", "title", "id"], &rows));
            }
        }
        StandardCommand::Show {
            version,
            draft,
            json,
        } => {
            let v = store
                .chosen_standard(&me, version_id(version.as_deref())?, *draft)
                .await?;
            if *json {
                print_json(&v)?;
            } else {
                print_items(&v);
            }
        }
        StandardCommand::Compare { from, to, json } => {
            let changes = store
                .compare_standard(&me, from.parse()?, to.parse()?)
                .await?;
            if *json {
                print_json(&changes)?;
            } else {
                print_changes(&changes);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn framework(cli: &Cli, c: &FrameworkCommand) -> Result<ExitCode> {
    let store = open(cli, false).await?;
    let me = acting(cli, &store).await?;
    match c {
        FrameworkCommand::Import {
            file,
            format,
            code,
            dry_run,
            json,
        } => {
            let name = name_of(file);
            let format = FrameworkFormat::of(&name, format.as_deref())?;
            let code = code.as_deref().map(Code::parse).transpose()?;
            let bytes = read_file(file)?;
            let read = kamae_exchange::read_framework(&name, &bytes, format, code)
                .map_err(file_problems)?;
            let report = store.import_framework(&me, read, *dry_run).await?;
            if *json {
                print_json(&report)?;
            } else {
                let what = match (&report.outcome, *dry_run) {
                    (kamae_store::ReferenceImport::Unchanged, _) => "変更なし / unchanged",
                    (kamae_store::ReferenceImport::Added, true) => "追加される / would be added",
                    (kamae_store::ReferenceImport::Added, false) => "追加しました / added",
                    (kamae_store::ReferenceImport::Replaced, true) => {
                        "置き換えられる / would replace the current one"
                    }
                    (kamae_store::ReferenceImport::Replaced, false) => {
                        "置き換えました（以前のものは保管） / replaced (the old one archived)"
                    }
                };
                println!("{} {} {}: {what}", report.code, report.name, report.version);
                println!(
                    "  グループ groups: {}  管理策・要求事項 controls or requirement nodes: {}  評価対象 assessable: {}",
                    report.groups, report.controls, report.assessable
                );
            }
        }
        FrameworkCommand::List(a) => {
            let list = store.frameworks(&me).await?;
            if a.json {
                print_json(&list)?;
            } else if list.is_empty() {
                println!(
                    "参照する枠組みはまだありません / no reference framework yet (kamae framework import FILE)"
                );
            } else {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|f| {
                        vec![
                            f.code.clone(),
                            f.name.clone(),
                            f.version.clone(),
                            f.source.as_str().to_owned(),
                            f.controls.to_string(),
                            f.assessable.to_string(),
                        ]
                    })
                    .collect();
                println!(
                    "{}",
                    table(
                        &[
                            "code",
                            "name",
                            "version",
                            "format",
                            "controls",
                            "assessable"
                        ],
                        &rows
                    )
                );
            }
        }
        FrameworkCommand::Show { code, json } => {
            let f = store.framework(&me, code).await?;
            if *json {
                print_json(&f)?;
            } else {
                println!(
                    "{} {} {} ({})",
                    f.code,
                    f.name,
                    f.version,
                    f.source.as_str()
                );
                print_lines(f.nodes.iter().map(|n| {
                    let mark = match (n.kind, n.assessable) {
                        (NodeKind::Group, _) => "#",
                        (_, true) => "*",
                        (_, false) => "-",
                    };
                    format!(
                        "{}{mark} {} {}",
                        "  ".repeat(n.depth as usize),
                        n.ref_id,
                        n.title
                    )
                }));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
