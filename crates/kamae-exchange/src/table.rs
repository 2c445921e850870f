//! A table of text cells with its header, from CSV or XLSX alike.

use kamae_core::Problem;

use crate::text::{decode, neutralise};
use crate::{FileProblem, FileProblems, MAX_CELL_CHARS, MAX_FILE_BYTES, MAX_ROWS, too_large};

pub struct Table {
    pub header: Vec<String>,
    /// Each row with its number as a spreadsheet counts it (the header is row 1).
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    /// Checks the table's size and cells; drops rows that are wholly empty.
    pub fn checked(
        file: &str,
        header: Vec<String>,
        rows: Vec<(usize, Vec<String>)>,
    ) -> Result<Table, FileProblems> {
        if rows.len() > MAX_ROWS {
            return Err(FileProblems::one(FileProblem::new(
                file,
                Problem::new(
                    "too_many_rows",
                    format!("行が多すぎます（{} 行、上限 {MAX_ROWS} 行）", rows.len()),
                    format!("too many rows ({}; at most {MAX_ROWS})", rows.len()),
                ),
            )));
        }
        let mut problems = Vec::new();
        for (n, row) in &rows {
            for (i, cell) in row.iter().enumerate() {
                if cell.chars().count() > MAX_CELL_CHARS {
                    problems.push(
                        FileProblem::new(
                            file,
                            Problem::new(
                                "cell_too_long",
                                format!("セルが長すぎます（上限 {MAX_CELL_CHARS} 文字）"),
                                format!(
                                    "the cell is too long (at most {MAX_CELL_CHARS} characters)"
                                ),
                            ),
                        )
                        .row(*n)
                        .field(header.get(i).cloned().unwrap_or_default()),
                    );
                }
                if cell.contains('\0') {
                    problems.push(
                        FileProblem::new(
                            file,
                            Problem::new(
                                "invalid_text",
                                "使えない文字（NUL）が含まれています",
                                "the cell contains a NUL character",
                            ),
                        )
                        .row(*n)
                        .field(header.get(i).cloned().unwrap_or_default()),
                    );
                }
            }
        }
        if !problems.is_empty() {
            return Err(FileProblems(problems));
        }
        let rows = rows
            .into_iter()
            .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
            .collect();
        Ok(Table { header, rows })
    }
}

/// A column of a table kamae reads and writes: its key, its English and Japanese headers,
/// whether a row must fill it.
pub struct Column {
    pub key: &'static str,
    pub en: &'static str,
    pub ja: &'static str,
    pub required: bool,
}

pub const fn col(key: &'static str, en: &'static str, ja: &'static str, required: bool) -> Column {
    Column {
        key,
        en,
        ja,
        required,
    }
}

fn header_key(h: &str, columns: &[Column]) -> Option<&'static str> {
    let h = h.trim().trim_start_matches('\u{feff}');
    let folded: String = h
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .collect();
    columns
        .iter()
        .find(|c| c.ja == h || c.en.replace(' ', "") == folded || c.key.replace('_', "") == folded)
        .map(|c| c.key)
}

/// The column key of each header cell (Japanese or English headers, any case); unknown,
/// repeated and missing required columns are refused together.
pub fn keys_of(
    file: &str,
    header: &[String],
    columns: &[Column],
) -> Result<Vec<Option<&'static str>>, FileProblems> {
    let mut problems = Vec::new();
    let mut keys: Vec<Option<&'static str>> = Vec::new();
    for h in header {
        let k = header_key(h, columns);
        if k.is_none() && !h.trim().is_empty() {
            problems.push(
                FileProblem::new(
                    file,
                    Problem::new(
                        "unknown_column",
                        format!("列 {h:?} は使えません（docs/formats.md の列名を使ってください）"),
                        format!(
                            "column {h:?} is not one of this table's columns (see docs/formats.md)"
                        ),
                    ),
                )
                .row(1)
                .field(h.clone()),
            );
        }
        if let Some(k) = k
            && keys.contains(&Some(k))
        {
            problems.push(
                FileProblem::new(
                    file,
                    Problem::new(
                        "duplicate_column",
                        format!("列 {h:?} が2回あります"),
                        format!("column {h:?} appears twice"),
                    ),
                )
                .row(1)
                .field(h.clone()),
            );
        }
        keys.push(k);
    }
    for c in columns.iter().filter(|c| c.required) {
        if !keys.contains(&Some(c.key)) {
            problems.push(
                FileProblem::new(
                    file,
                    Problem::new(
                        "missing_column",
                        format!("必須の列「{}」（{}）がありません", c.ja, c.en),
                        format!("the required column {:?} ({}) is missing", c.en, c.ja),
                    ),
                )
                .row(1),
            );
        }
    }
    if problems.is_empty() {
        Ok(keys)
    } else {
        Err(FileProblems(problems))
    }
}

/// Reads a CSV table: UTF-8 (with or without a BOM) or Shift_JIS.
pub fn read_csv(file: &str, bytes: &[u8]) -> Result<Table, FileProblems> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(file, bytes.len()));
    }
    let text = decode(bytes).ok_or_else(|| {
        FileProblems::one(FileProblem::new(
            file,
            Problem::new(
                "unreadable_encoding",
                "文字コードを読めません（UTF-8 か Shift_JIS で保存してください）",
                "the text encoding cannot be read (save the file as UTF-8 or Shift_JIS)",
            ),
        ))
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut header = None;
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            FileProblems::one(
                FileProblem::new(
                    file,
                    Problem::new(
                        "malformed_csv",
                        format!("CSVとして読めません: {e}"),
                        format!("not readable as CSV: {e}"),
                    ),
                )
                .row(i + 1),
            )
        })?;
        let cells: Vec<String> = record.iter().map(str::to_owned).collect();
        match header {
            None => header = Some(cells),
            Some(_) => rows.push((i + 1, cells)),
        }
    }
    let Some(header) = header else {
        return Err(FileProblems::one(FileProblem::new(
            file,
            Problem::new(
                "empty_file",
                "ファイルが空です（見出しの行がありません）",
                "the file is empty (no header row)",
            ),
        )));
    };
    Table::checked(file, header, rows)
}

/// Largest total size the parts of an XLSX file may unpack to.
pub const MAX_XLSX_UNPACKED: u64 = 200 * 1024 * 1024;

/// Reads the first sheet of an XLSX workbook as a table.
pub fn read_xlsx(file: &str, bytes: &[u8]) -> Result<Table, FileProblems> {
    use calamine::{Data, Reader, Xlsx};
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(file, bytes.len()));
    }
    let broken = |e: String| {
        FileProblems::one(FileProblem::new(
            file,
            Problem::new(
                "malformed_xlsx",
                format!("XLSXとして読めません: {e}"),
                format!("not readable as XLSX: {e}"),
            ),
        ))
    };
    crate::zip_guard(file, bytes, MAX_XLSX_UNPACKED)?;
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| broken(e.to_string()))?;
    let sheet = book
        .worksheet_range_at(0)
        .ok_or_else(|| broken("シートがありません / no sheet".into()))?
        .map_err(|e| broken(e.to_string()))?;
    let mut rows_iter = sheet.rows();
    let header: Vec<String> = match rows_iter.next() {
        Some(r) => r.iter().map(|c| c.to_string()).collect(),
        None => {
            return Err(FileProblems::one(FileProblem::new(
                file,
                Problem::new(
                    "empty_file",
                    "シートが空です（見出しの行がありません）",
                    "the sheet is empty (no header row)",
                ),
            )));
        }
    };
    let mut rows = Vec::new();
    for (i, r) in rows_iter.enumerate() {
        let cells: Vec<String> = r
            .iter()
            .map(|c| match c {
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                other => other.to_string(),
            })
            .collect();
        rows.push((i + 2, cells));
    }
    Table::checked(file, header, rows)
}

/// A table as CSV: UTF-8 with a BOM (so that Excel opens it as UTF-8), formulas neutralised.
pub fn write_csv(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = vec![0xEF, 0xBB, 0xBF];
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(row.iter().map(|c| neutralise(c)));
    }
    out.extend(w.into_inner().unwrap_or_default());
    out
}

/// A table as an XLSX workbook of one sheet, cells written as text (never formulas), the
/// header and the first `frozen` columns frozen.
pub fn write_xlsx(
    sheet_name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
    frozen: u16,
) -> Result<Vec<u8>, Problem> {
    write_workbook(&[Sheet {
        name: sheet_name.to_owned(),
        header: header.iter().map(|h| (*h).to_owned()).collect(),
        rows: rows.collect(),
        frozen,
        numbers: false,
    }])
}

/// One sheet of a workbook.
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns frozen beside the header row.
    pub frozen: u16,
    /// Whether whole numbers are written as numbers (a report's counts and amounts); codes
    /// that look like numbers stay text elsewhere.
    pub numbers: bool,
}

/// A label in the reader's language.
pub(crate) fn pick(ja: bool, j: &str, e: &str) -> String {
    if ja { j.to_owned() } else { e.to_owned() }
}

/// A workbook's opening sheet: the caller's lines as (label, value), which say what the
/// workbook is about (title, scope, state), then the workbook's own `lines`.
pub(crate) fn summary_sheet(
    summary: &[(String, String)],
    lines: Vec<Vec<String>>,
    frozen: u16,
    ja: bool,
) -> Sheet {
    let mut rows: Vec<Vec<String>> = summary
        .iter()
        .map(|(k, v)| vec![k.clone(), v.clone()])
        .collect();
    rows.extend(lines);
    Sheet {
        name: pick(ja, "概要", "Summary"),
        header: vec![pick(ja, "項目", "Item"), pick(ja, "内容", "Value")],
        rows,
        frozen,
        numbers: true,
    }
}

/// Sheets as one XLSX workbook: text never becomes a formula, each header row is bold and
/// frozen.
pub fn write_workbook(sheets: &[Sheet]) -> Result<Vec<u8>, Problem> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| {
        Problem::new(
            "xlsx_failed",
            format!("XLSXを書けませんでした: {e}"),
            format!("could not write XLSX: {e}"),
        )
    };
    let mut book = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let wrap = CellFormat::new().set_text_wrap();
    for s in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(&s.name).map_err(fail)?;
        for (i, h) in s.header.iter().enumerate() {
            sheet
                .write_string_with_format(0, i as u16, h, &bold)
                .map_err(fail)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            for (i, cell) in row.iter().enumerate() {
                let (r, i) = (r as u32 + 1, i as u16);
                let number = cell
                    .parse::<i64>()
                    .ok()
                    .filter(|_| s.numbers && (cell == "0" || !cell.starts_with(['0', '+'])));
                match number {
                    Some(n) => {
                        sheet.write_number(r, i, n as f64).map_err(fail)?;
                    }
                    // The apostrophe keeps Excel from reading a leading = + - @ as a formula
                    // when the cell is edited.
                    None => {
                        sheet
                            .write_string_with_format(r, i, neutralise(cell), &wrap)
                            .map_err(fail)?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(1, s.frozen).map_err(fail)?;
    }
    book.save_to_buffer().map_err(fail)
}
