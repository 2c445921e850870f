//! The information-asset inventory as a table: CSV (UTF-8 or Shift_JIS) and XLSX in, CSV
//! and XLSX out, with Japanese or English headers (`docs/formats.md`). Each row names its
//! company by code.

use kamae_core::Problem;
use kamae_core::risk::{AssetKind, InformationAsset};
use kamae_core::text::Code;

use crate::items::{Format, Headers};
use crate::table::{Column, Table, col};
use crate::text::unneutralise;
use crate::{FileProblem, FileProblems};

pub const COLUMNS: [Column; 13] = [
    col("code", "asset id", "資産ID", true),
    col("company", "company", "会社", true),
    col("department", "department", "部門", false),
    col("name", "name", "名称", true),
    col("kind", "kind", "種別", true),
    col("owner", "owner", "管理責任者", true),
    col("classification", "classification", "分類", false),
    col("confidentiality", "confidentiality", "機密性", true),
    col("integrity", "integrity", "完全性", true),
    col("availability", "availability", "可用性", true),
    col("location", "location", "保管場所", false),
    col("operations", "operations", "依存する業務", false),
    col("note", "note", "備考", false),
];

/// A kind as a file may write it: its key, or its name in either language.
fn kind_of(cell: &str) -> Result<AssetKind, Problem> {
    let c = cell.trim();
    AssetKind::ALL
        .iter()
        .copied()
        .find(|k| {
            k.as_str() == c.to_ascii_lowercase()
                || k.label_ja() == c
                || k.label_en().eq_ignore_ascii_case(c)
        })
        .map_or_else(|| AssetKind::parse(c), Ok)
}

fn value_of(cell: &str) -> Result<u8, Problem> {
    // A spreadsheet may hold 3 as "3" or "3.0", or the words 高・中・低.
    match cell.trim() {
        "高" | "high" | "High" => Ok(3),
        "中" | "medium" | "Medium" => Ok(2),
        "低" | "low" | "Low" => Ok(1),
        other => other
            .trim_end_matches(".0")
            .parse::<u8>()
            .ok()
            .filter(|v| (1..=3).contains(v))
            .ok_or_else(|| {
                Problem::new(
                    "invalid_value",
                    format!("{other:?} は使えません。1〜3（または 高・中・低）で書いてください"),
                    format!("{other:?} is not a value; use 1 to 3 (or high, medium, low)"),
                )
            }),
    }
}

/// Assets from a table, every row checked; nothing comes back unless every row is right.
fn assets_from(file: &str, table: Table) -> Result<Vec<InformationAsset>, FileProblems> {
    let keys = crate::table::keys_of(file, &table.header, &COLUMNS)?;
    let mut problems = Vec::new();
    let mut out = Vec::new();
    let mut first_row: std::collections::HashMap<Code, usize> = std::collections::HashMap::new();
    for (n, row) in &table.rows {
        let cell = |key: &str| -> String {
            keys.iter()
                .position(|k| *k == Some(key))
                .and_then(|i| row.get(i))
                .map(|c| unneutralise(c.trim()).to_owned())
                .unwrap_or_default()
        };
        let mut here =
            |field: &str, p: Problem| problems.push(FileProblem::new(file, p).row(*n).field(field));
        let code = Code::parse(&cell("code")).map_err(|p| here("code", p)).ok();
        if let Some(c) = &code {
            match first_row.get(c) {
                Some(first) => here(
                    "code",
                    Problem::new(
                        "duplicate",
                        format!("資産ID {c} は {first}行目と重複しています"),
                        format!("asset id {c} repeats row {first}"),
                    ),
                ),
                None => {
                    first_row.insert(c.clone(), *n);
                }
            }
        }
        let company = Code::parse(&cell("company"))
            .map_err(|p| here("company", p))
            .ok();
        let department = match cell("department").as_str() {
            "" => Some(None),
            d => Code::parse(d)
                .map(Some)
                .map_err(|p| here("department", p))
                .ok(),
        };
        let kind = kind_of(&cell("kind")).map_err(|p| here("kind", p)).ok();
        let mut value = |key: &'static str| value_of(&cell(key)).map_err(|p| here(key, p)).ok();
        let (c, i, a) = (
            value("confidentiality"),
            value("integrity"),
            value("availability"),
        );
        let (Some(code), Some(company), Some(department), Some(kind), Some(c), Some(i), Some(a)) =
            (code, company, department, kind, c, i, a)
        else {
            continue;
        };
        let asset = InformationAsset {
            code,
            company,
            department,
            name: cell("name"),
            kind,
            owner: cell("owner"),
            classification: cell("classification"),
            confidentiality: c,
            integrity: i,
            availability: a,
            location: cell("location"),
            operations: cell("operations")
                .split(['\n', ';', '；'])
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            note: cell("note"),
        };
        for (field, p) in asset.check() {
            problems.push(FileProblem::new(file, p).row(*n).field(field));
        }
        if asset.owner.trim().is_empty() {
            problems.push(
                FileProblem::new(
                    file,
                    Problem::new("required", "管理責任者が空です", "the owner is empty"),
                )
                .row(*n)
                .field("owner"),
            );
        }
        out.push(asset);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        problems.sort_by_key(|p| p.row);
        problems.truncate(200);
        Err(FileProblems(problems))
    }
}

/// The format of an asset file: csv or xlsx, given or from the file's name.
pub fn format_of(file: &str, given: Option<&str>) -> Result<Format, Problem> {
    match Format::of(file, given) {
        Ok(f @ (Format::Csv | Format::Xlsx)) => Ok(f),
        _ => Err(Problem::new(
            "unknown_format",
            format!("{file} の形式がわかりません。--format csv|xlsx を指定してください"),
            format!("cannot tell the format of {file}: give --format csv|xlsx"),
        )),
    }
}

pub fn read(
    file: &str,
    bytes: &[u8],
    format: Format,
) -> Result<Vec<InformationAsset>, FileProblems> {
    let table = match format {
        Format::Xlsx => crate::table::read_xlsx(file, bytes)?,
        _ => crate::table::read_csv(file, bytes)?,
    };
    assets_from(file, table)
}

fn row_of(a: &InformationAsset) -> Vec<String> {
    COLUMNS
        .iter()
        .map(|c| match c.key {
            "code" => a.code.to_string(),
            "company" => a.company.to_string(),
            "department" => a
                .department
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            "name" => a.name.clone(),
            "kind" => a.kind.as_str().to_owned(),
            "owner" => a.owner.clone(),
            "classification" => a.classification.clone(),
            "confidentiality" => a.confidentiality.to_string(),
            "integrity" => a.integrity.to_string(),
            "availability" => a.availability.to_string(),
            "location" => a.location.clone(),
            "operations" => a.operations.join("; "),
            "note" => a.note.clone(),
            _ => String::new(),
        })
        .collect()
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

pub fn write(
    assets: &[InformationAsset],
    format: Format,
    headers: Headers,
) -> Result<Vec<u8>, Problem> {
    match format {
        Format::Xlsx => crate::table::write_xlsx(
            "情報資産",
            &header_row(headers),
            assets.iter().map(row_of),
            4,
        ),
        _ => Ok(crate::table::write_csv(
            &header_row(headers),
            assets.iter().map(row_of),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str =
        "資産ID,会社,部門,名称,種別,管理責任者,分類,機密性,完全性,可用性,保管場所,依存する業務,備考
AS-001,X,X-SEC,顧客データベース,情報,営業部長,機密,3,3,2,本社DC,受注; 出荷,
AS-002,X,,生産管理システム,システム,工場長,社外秘,高,中,高,X1工場,生産,
";

    #[test]
    fn an_inventory_reads_and_round_trips_in_both_formats() {
        let read = read("a.csv", GOOD.as_bytes(), Format::Csv).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read.len(), 2);
        assert_eq!(read[1].availability, 3);
        assert_eq!(read[0].operations, ["受注", "出荷"]);
        assert_eq!(
            read[0].department.as_ref().map(|d| d.as_str()),
            Some("X-SEC")
        );
        for (format, headers) in [
            (Format::Csv, Headers::English),
            (Format::Xlsx, Headers::Japanese),
        ] {
            let bytes = write(&read, format, headers).unwrap_or_else(|e| panic!("{e}"));
            let again = super::read("b", &bytes, format).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(again, read);
        }
        let sjis = encoding_rs::SHIFT_JIS.encode(GOOD).0;
        assert_eq!(
            super::read("s.csv", &sjis, Format::Csv).unwrap_or_else(|e| panic!("{e}")),
            read
        );
    }

    #[test]
    fn every_bad_cell_is_named_with_its_row_and_field() {
        let bad = GOOD
            .replace(
                "顧客データベース,情報,営業部長,機密,3,3,2",
                ",書類,営業部長,機密,4,3,2",
            )
            .replace("AS-002,X", "AS-001,X");
        let e = read("bad.csv", bad.as_bytes(), Format::Csv).expect_err("refused");
        let found: Vec<(Option<usize>, Option<&str>, &str)> =
            e.0.iter()
                .map(|p| (p.row, p.field.as_deref(), p.problem.code))
                .collect();
        assert!(
            found.contains(&(Some(2), Some("kind"), "invalid_choice")),
            "{found:?}"
        );
        assert!(
            found.contains(&(Some(2), Some("confidentiality"), "invalid_value")),
            "{found:?}"
        );
        assert!(
            found.contains(&(Some(3), Some("code"), "duplicate")),
            "{found:?}"
        );
        let missing = "資産ID,会社,名称\nA,X,y\n";
        let e = read("m.csv", missing.as_bytes(), Format::Csv).expect_err("refused");
        assert!(e.0.iter().any(|p| p.problem.code == "missing_column"));
    }
}
