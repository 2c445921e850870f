//! A table of text cells with its header, from CSV or XLSX alike.

use kamae_core::Problem;

use crate::{FileProblem, FileProblems, MAX_CELL_CHARS, MAX_ROWS};

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
