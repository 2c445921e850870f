//! The standard's items as a table: the template, CSV and XLSX in, CSV and XLSX out. The
//! column headers are fixed, in Japanese or in English (`docs/formats.md`).

use kamae_core::Problem;
use kamae_core::rules::{Criterion, FrameworkRef, ProductOption, StandardItem, Tier, check_items};
use kamae_core::text::Code;

use crate::table::Table;
use crate::text::unneutralise;
use crate::{FileProblem, FileProblems};

pub use crate::table::Column;
use crate::table::col;

pub const COLUMNS: [Column; 14] = [
    col("code", "code", "項目ID", true),
    col("title", "title", "項目名", true),
    col("category", "category", "分類", true),
    col("tier", "tier", "区分", true),
    col("requirement", "requirement", "要求事項", true),
    col("criterion", "criterion", "基準", true),
    col("criterion_value", "criterion value", "基準値", false),
    col("criterion_unit", "criterion unit", "単位", false),
    col("rationale", "rationale", "なぜ必要か", true),
    col("check", "check", "確認方法", true),
    col("alternative", "alternative", "代替策", false),
    col("applicability", "applicability", "適用", false),
    col("options", "options", "推奨製品・サービス", false),
    col("mappings", "mappings", "外部基準との対応", false),
];

/// The formats a standard comes in or goes out as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Oscal,
}

impl Format {
    /// The format given, or the one the file's name says.
    pub fn of(file: &str, given: Option<&str>) -> Result<Format, Problem> {
        let given = given.map(|g| g.trim().to_ascii_lowercase());
        let by_name = || {
            let lower = file.to_ascii_lowercase();
            if lower.ends_with(".csv") {
                Some(Format::Csv)
            } else if lower.ends_with(".xlsx") {
                Some(Format::Xlsx)
            } else if lower.ends_with(".json") {
                Some(Format::Oscal)
            } else {
                None
            }
        };
        let found = match given.as_deref() {
            Some("csv") => Some(Format::Csv),
            Some("xlsx") => Some(Format::Xlsx),
            Some("oscal") | Some("json") => Some(Format::Oscal),
            Some(_) => None,
            None => by_name(),
        };
        found.ok_or_else(|| {
            Problem::new(
                "unknown_format",
                format!("{file} の形式がわかりません。--format csv|xlsx|oscal を指定してください"),
                format!("cannot tell the format of {file}: give --format csv|xlsx|oscal"),
            )
        })
    }
}

/// Splits a list cell: items separated by `;`, `；` or line breaks.
fn list(cell: &str) -> Vec<String> {
    cell.split(['\n', ';', '；'])
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Items from a table, every row checked; nothing comes back unless every row is right.
fn items_from(file: &str, table: Table) -> Result<Vec<StandardItem>, FileProblems> {
    let keys = crate::table::keys_of(file, &table.header, &COLUMNS)?;
    let mut problems = Vec::new();
    let mut items = Vec::new();
    let mut rows = Vec::new();
    // Duplicates are found among every row with a readable code, also rows that fail for
    // another reason, so that one pass reports them all.
    let mut first_row: std::collections::HashMap<Code, usize> = std::collections::HashMap::new();
    for (n, row) in &table.rows {
        let cell = |key: &str| -> String {
            keys.iter()
                .position(|k| *k == Some(key))
                .and_then(|i| row.get(i))
                .map(|c| unneutralise(c.trim()).to_owned())
                .unwrap_or_default()
        };
        let opt = |key: &str| Some(cell(key)).filter(|c| !c.is_empty());
        let here = |field: &str, p: Problem| FileProblem::new(file, p).row(*n).field(field);
        let code = match Code::parse(&cell("code")) {
            Ok(c) => Some(c),
            Err(p) => {
                problems.push(here("code", p));
                None
            }
        };
        if let Some(c) = &code {
            match first_row.get(c) {
                Some(first) => problems.push(here(
                    "code",
                    Problem::new(
                        "duplicate",
                        format!("項目ID {c} は {first}行目と重複しています"),
                        format!("item code {c} repeats row {first}"),
                    ),
                )),
                None => {
                    first_row.insert(c.clone(), *n);
                }
            }
        }
        let tier = match Tier::read(&cell("tier")) {
            Ok(t) => Some(t),
            Err(p) => {
                problems.push(here("tier", p));
                None
            }
        };
        let mut mappings = Vec::new();
        for m in list(&cell("mappings")) {
            match FrameworkRef::parse(&m) {
                Ok(r) => mappings.push(r),
                Err(p) => problems.push(here("mappings", p)),
            }
        }
        let (Some(code), Some(tier)) = (code, tier) else {
            continue;
        };
        items.push(StandardItem {
            code,
            title: cell("title"),
            requirement: cell("requirement"),
            criterion: Criterion {
                text: cell("criterion"),
                value: opt("criterion_value"),
                unit: opt("criterion_unit"),
            },
            rationale: cell("rationale"),
            check: cell("check"),
            alternative: opt("alternative"),
            category: cell("category"),
            tier,
            applicability: opt("applicability"),
            options: list(&cell("options"))
                .iter()
                .map(|o| ProductOption::read(o))
                .collect(),
            mappings,
        });
        rows.push(*n);
    }
    for (i, field, p) in check_items(&items) {
        if p.code == "duplicate" {
            continue;
        }
        let row = rows.get(i - 1).copied().unwrap_or(0);
        problems.push(FileProblem::new(file, p).row(row).field(field));
    }
    if problems.is_empty() {
        Ok(items)
    } else {
        problems.sort_by_key(|p| p.row);
        Err(FileProblems(problems))
    }
}

/// Reads items from CSV: UTF-8 (with or without a BOM) or Shift_JIS.
pub fn read_csv(file: &str, bytes: &[u8]) -> Result<Vec<StandardItem>, FileProblems> {
    items_from(file, crate::table::read_csv(file, bytes)?)
}

fn row_of(item: &StandardItem) -> Vec<String> {
    COLUMNS
        .iter()
        .map(|c| match c.key {
            "code" => item.code.to_string(),
            "title" => item.title.clone(),
            "category" => item.category.clone(),
            "tier" => item.tier.letter().to_string(),
            "requirement" => item.requirement.clone(),
            "criterion" => item.criterion.text.clone(),
            "criterion_value" => item.criterion.value.clone().unwrap_or_default(),
            "criterion_unit" => item.criterion.unit.clone().unwrap_or_default(),
            "rationale" => item.rationale.clone(),
            "check" => item.check.clone(),
            "alternative" => item.alternative.clone().unwrap_or_default(),
            "applicability" => item.applicability.clone().unwrap_or_default(),
            "options" => item
                .options
                .iter()
                .map(ProductOption::written)
                .collect::<Vec<_>>()
                .join("; "),
            "mappings" => item
                .mappings
                .iter()
                .map(FrameworkRef::written)
                .collect::<Vec<_>>()
                .join("; "),
            _ => String::new(),
        })
        .collect()
}

/// Which language the header row is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Headers {
    Japanese,
    English,
}

impl Headers {
    pub fn parse(s: &str) -> Result<Headers, Problem> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ja" | "japanese" => Ok(Headers::Japanese),
            "en" | "english" => Ok(Headers::English),
            other => Err(Problem::new(
                "unknown_language",
                format!("見出しの言語 {other:?} は ja か en で指定してください"),
                format!("header language {other:?}: use ja or en"),
            )),
        }
    }
}

fn header_row(h: Headers) -> Vec<&'static str> {
    COLUMNS
        .iter()
        .map(|c| match h {
            Headers::Japanese => c.ja,
            Headers::English => c.en,
        })
        .collect()
}

/// Items as CSV: UTF-8 with a BOM (so that Excel opens it as UTF-8), formulas neutralised.
pub fn write_csv(items: &[StandardItem], headers: Headers) -> Vec<u8> {
    crate::table::write_csv(&header_row(headers), items.iter().map(row_of))
}

/// One example row, for the template.
pub fn example_item() -> Result<StandardItem, Problem> {
    Ok(StandardItem {
        code: Code::parse("ACC-01")?,
        title: "退職者アカウントの無効化".into(),
        requirement: "退職・異動した者のアカウントを無効化する".into(),
        criterion: Criterion {
            text: "退職日から5営業日以内に無効化する".into(),
            value: Some("5".into()),
            unit: Some("営業日".into()),
        },
        rationale: "使われなくなったIDは、乗っ取られても誰も気づかない".into(),
        check: "人事の退職者一覧とアカウント一覧の月次突合記録".into(),
        alternative: Some("即日の無効化ができない場合は、パスワードを変更し利用を監視する".into()),
        category: "アクセス管理".into(),
        tier: Tier::GroupMandatory,
        applicability: None,
        options: vec![],
        mappings: vec![
            FrameworkRef::NistCsf2("PR.AA-05".into()),
            FrameworkRef::Iso27001("A.5.18".into()),
        ],
    })
}

/// The template: the header row in Japanese and one example row.
pub fn template_csv() -> Result<Vec<u8>, Problem> {
    Ok(write_csv(&[example_item()?], Headers::Japanese))
}

/// Items as an XLSX workbook (one sheet, 「基準項目」), formulas neutralised.
pub fn write_xlsx(items: &[StandardItem], headers: Headers) -> Result<Vec<u8>, Problem> {
    crate::table::write_xlsx(
        "基準項目",
        &header_row(headers),
        items.iter().map(row_of),
        2,
    )
}

pub fn template_xlsx() -> Result<Vec<u8>, Problem> {
    write_xlsx(&[example_item()?], Headers::Japanese)
}

/// Reads items from the first sheet of an XLSX workbook.
pub fn read_xlsx(file: &str, bytes: &[u8]) -> Result<Vec<StandardItem>, FileProblems> {
    items_from(file, crate::table::read_xlsx(file, bytes)?)
}

/// One item as a form gives it: column keys (those of [`COLUMNS`]) with their text, read
/// exactly as a row of a file is, so that a form and a file accept the same things.
pub fn item_from_fields(fields: &[(String, String)]) -> Result<StandardItem, FileProblems> {
    let table = Table {
        header: fields.iter().map(|(k, _)| k.clone()).collect(),
        rows: vec![(2, fields.iter().map(|(_, v)| v.clone()).collect())],
    };
    items_from("form", table)?
        .into_iter()
        .next()
        .ok_or_else(|| {
            FileProblems::one(FileProblem::new(
                "form",
                Problem::new("no_item", "項目がありません", "there is no item"),
            ))
        })
}

/// An item's fields as a form shows them: each column's key and the text a file would have.
pub fn fields_of(item: &StandardItem) -> Vec<(&'static str, String)> {
    COLUMNS.iter().map(|c| c.key).zip(row_of(item)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_round_trip_in_both_header_languages() {
        let example = example_item().unwrap_or_else(|e| panic!("{e}"));
        let mut tricky = example.clone();
        tricky.code = Code::parse("ACC-02").unwrap_or_else(|e| panic!("{e}"));
        tricky.title = "=HYPERLINK(\"http://evil\")".into();
        tricky.options = vec![
            ProductOption {
                name: "製品A".into(),
                cost_note: Some("年額約120万円".into()),
            },
            ProductOption {
                name: "Product B".into(),
                cost_note: None,
            },
        ];
        let items = vec![example, tricky];
        for h in [Headers::Japanese, Headers::English] {
            let csv = write_csv(&items, h);
            assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]));
            let text = String::from_utf8_lossy(&csv);
            assert!(text.contains("'=HYPERLINK"), "{text}");
            let back = read_csv("x.csv", &csv).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(back, items);
        }
    }

    #[test]
    fn xlsx_round_trip() {
        let items = vec![example_item().unwrap_or_else(|e| panic!("{e}"))];
        let bytes = write_xlsx(&items, Headers::Japanese).unwrap_or_else(|e| panic!("{e}"));
        let back = read_xlsx("x.xlsx", &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, items);
    }

    #[test]
    fn every_problem_of_a_file_is_reported_with_its_row_and_field() {
        let csv = "項目ID,項目名,分類,区分,要求事項,基準,基準値,単位,なぜ必要か,確認方法\n\
                   A-1,名前,分類,a,要求,基準,5,日,理由,確認\n\
                   A 2,,分類,z,要求,基準,five,,理由,確認\n\
                   A-1,名前,分類,a,要求,基準,,,理由,確認\n";
        let err = read_csv("standard.csv", csv.as_bytes())
            .err()
            .unwrap_or_default();
        let found: Vec<(Option<usize>, Option<String>)> =
            err.0.iter().map(|p| (p.row, p.field.clone())).collect();
        assert!(found.contains(&(Some(3), Some("code".into()))), "{found:?}");
        assert!(found.contains(&(Some(3), Some("tier".into()))), "{found:?}");
        assert!(
            found.contains(&(Some(4), Some("code".into()))),
            "duplicate: {found:?}"
        );
        let msg = err.to_problem();
        assert!(
            msg.ja.contains("standard.csv 3行目") && msg.en.contains("standard.csv, row 3"),
            "{}",
            msg.en
        );
    }

    #[test]
    fn columns_are_required_and_known() {
        let err = read_csv("s.csv", "項目ID,colour\nA-1,red\n".as_bytes())
            .err()
            .unwrap_or_default();
        let codes: Vec<&str> = err.0.iter().map(|p| p.problem.code).collect();
        assert!(
            codes.contains(&"unknown_column") && codes.contains(&"missing_column"),
            "{codes:?}"
        );
        assert_eq!(
            read_csv("s.csv", b"").err().map(|e| e.0[0].problem.code),
            Some("empty_file")
        );
        // An unterminated quote swallows the rest of the file into one header cell.
        assert_eq!(
            read_csv("s.csv", "a,\"b\nc".as_bytes())
                .err()
                .map(|e| e.0[0].problem.code),
            Some("unknown_column")
        );
        assert_eq!(
            read_xlsx("s.xlsx", b"not a zip")
                .err()
                .map(|e| e.0[0].problem.code),
            Some("malformed_xlsx")
        );
    }

    #[test]
    fn formats_by_name_or_flag() {
        assert_eq!(Format::of("a.CSV", None), Ok(Format::Csv));
        assert_eq!(Format::of("a.xlsx", None), Ok(Format::Xlsx));
        assert_eq!(Format::of("catalog.json", None), Ok(Format::Oscal));
        assert_eq!(Format::of("a.txt", Some("csv")), Ok(Format::Csv));
        assert!(Format::of("a.txt", None).is_err());
    }
}
