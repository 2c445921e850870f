//! Files in and out of kamae. Every reader checks the whole file before anything is used
//! and reports each problem with where it is (file, row or JSON path, field) in Japanese and
//! English; every writer neutralises what a spreadsheet would run as a formula.

pub mod assets;
pub mod business;
pub mod ciso_assistant;
pub mod items;
pub mod oscal;
pub mod report;
mod table;
pub mod text;

use std::fmt;

use kamae_core::Problem;
use serde::Serialize;

/// The largest file kamae reads (20 MiB): a standard or a catalog is far smaller.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;
/// The most rows a table may have.
pub const MAX_ROWS: usize = 20_000;
/// The longest text one cell may hold.
pub const MAX_CELL_CHARS: usize = 20_000;

/// The standard as a file gives it: the items, and from an OSCAL catalog also what the
/// version says of itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StandardFile {
    pub title: Option<String>,
    pub reason: Option<kamae_core::rules::ChangeReason>,
    pub change_log: Option<String>,
    pub next_review_on: Option<chrono::NaiveDate>,
    pub items: Vec<kamae_core::rules::StandardItem>,
}

/// Reads the standard in any of its formats.
pub fn read_standard(
    file: &str,
    bytes: &[u8],
    format: items::Format,
) -> Result<StandardFile, FileProblems> {
    let items = match format {
        items::Format::Csv => items::read_csv(file, bytes)?,
        items::Format::Xlsx => items::read_xlsx(file, bytes)?,
        items::Format::Oscal => return oscal::read_standard(file, bytes),
    };
    Ok(StandardFile {
        items,
        ..StandardFile::default()
    })
}

/// The standard as a file of the given format.
pub fn write_standard(
    format: items::Format,
    headers: items::Headers,
    doc: &oscal::StandardDocument,
) -> Result<Vec<u8>, Problem> {
    match format {
        items::Format::Csv => Ok(items::write_csv(doc.items, headers)),
        items::Format::Xlsx => items::write_xlsx(doc.items, headers),
        items::Format::Oscal => Ok(oscal::write_standard(doc)),
    }
}

/// The formats a reference framework comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameworkFormat {
    Oscal,
    CisoAssistant,
}

impl FrameworkFormat {
    /// The format given, or the one the file's name says (`.json`, `.yaml`, `.yml`).
    pub fn of(file: &str, given: Option<&str>) -> Result<FrameworkFormat, Problem> {
        let lower = file.to_ascii_lowercase();
        let found = match given.map(|g| g.trim().to_ascii_lowercase()).as_deref() {
            Some("oscal") => Some(FrameworkFormat::Oscal),
            Some("ciso-assistant") | Some("ciso_assistant") => Some(FrameworkFormat::CisoAssistant),
            Some(_) => None,
            None if lower.ends_with(".json") => Some(FrameworkFormat::Oscal),
            None if lower.ends_with(".yaml") || lower.ends_with(".yml") => {
                Some(FrameworkFormat::CisoAssistant)
            }
            None => None,
        };
        found.ok_or_else(|| {
            Problem::new(
                "unknown_format",
                format!(
                    "{file} の形式がわかりません。--format oscal|ciso-assistant を指定してください"
                ),
                format!("cannot tell the format of {file}: give --format oscal|ciso-assistant"),
            )
        })
    }
}

/// Reads a reference framework in either of its formats.
pub fn read_framework(
    file: &str,
    bytes: &[u8],
    format: FrameworkFormat,
    code: Option<kamae_core::text::Code>,
) -> Result<kamae_core::rules::ReferenceFramework, FileProblems> {
    match format {
        FrameworkFormat::Oscal => oscal::read_framework(file, bytes, code),
        FrameworkFormat::CisoAssistant => ciso_assistant::read_framework(file, bytes, code),
    }
}

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileProblem {
    pub file: String,
    /// The row as a spreadsheet counts it (the header is row 1).
    pub row: Option<usize>,
    /// For JSON and YAML: where in the document.
    pub path: Option<String>,
    pub field: Option<String>,
    pub problem: Problem,
}

impl FileProblem {
    pub fn new(file: &str, problem: Problem) -> FileProblem {
        FileProblem {
            file: file.to_owned(),
            row: None,
            path: None,
            field: None,
            problem,
        }
    }

    pub fn row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }

    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    fn place(&self, ja: bool) -> String {
        let mut p = self.file.clone();
        if let Some(r) = self.row {
            p.push_str(&if ja {
                format!(" {r}行目")
            } else {
                format!(", row {r}")
            });
        }
        if let Some(path) = &self.path {
            p.push_str(&format!(" {path}"));
        }
        if let Some(f) = &self.field {
            p.push_str(&if ja {
                format!(" 「{f}」")
            } else {
                format!(", field {f}")
            });
        }
        p
    }

    pub fn ja(&self) -> String {
        format!("{}: {}", self.place(true), self.problem.ja)
    }

    pub fn en(&self) -> String {
        format!("{}: {}", self.place(false), self.problem.en)
    }
}

/// Everything wrong with a file: it is used only when this is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct FileProblems(pub Vec<FileProblem>);

impl FileProblems {
    pub fn one(p: FileProblem) -> FileProblems {
        FileProblems(vec![p])
    }

    /// One bilingual message listing every problem.
    pub fn to_problem(&self) -> Problem {
        let ja: Vec<String> = self.0.iter().map(FileProblem::ja).collect();
        let en: Vec<String> = self.0.iter().map(FileProblem::en).collect();
        Problem::new("invalid_file", ja.join("\n"), en.join("\n"))
    }
}

impl fmt::Display for FileProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_problem())
    }
}

/// `$.catalog.groups[0]` for a place in a JSON or YAML document, `$` for the whole.
pub(crate) fn doc_path(p: &serde_path_to_error::Path) -> String {
    let p = p.to_string();
    if p == "." {
        "$".to_owned()
    } else {
        format!("$.{p}")
    }
}

pub(crate) fn too_large(file: &str, bytes: usize) -> FileProblems {
    FileProblems::one(FileProblem::new(
        file,
        Problem::new(
            "file_too_large",
            format!("ファイルが大きすぎます（{bytes} バイト、上限 {MAX_FILE_BYTES} バイト）"),
            format!("the file is too large ({bytes} bytes; at most {MAX_FILE_BYTES})"),
        ),
    ))
}

/// Refuses an archive whose parts would unpack to more than `limit` bytes in all, or that
/// compresses one part more than a thousandfold (a "zip bomb"), before anyone unpacks it.
pub(crate) fn zip_guard(file: &str, bytes: &[u8], limit: u64) -> Result<(), FileProblems> {
    let broken = |ja: String, en: String| {
        FileProblems::one(FileProblem::new(
            file,
            Problem::new("malformed_xlsx", ja, en),
        ))
    };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| {
        broken(
            format!("XLSXとして読めません: {e}"),
            format!("not readable as XLSX: {e}"),
        )
    })?;
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let part = archive.by_index_raw(i).map_err(|e| {
            broken(
                format!("XLSXとして読めません: {e}"),
                format!("not readable as XLSX: {e}"),
            )
        })?;
        let (size, packed) = (part.size(), part.compressed_size().max(1));
        total = total.saturating_add(size);
        if size / packed > 1000 || total > limit {
            return Err(FileProblems::one(FileProblem::new(
                file,
                Problem::new(
                    "xlsx_too_large",
                    format!("展開すると大きすぎるXLSXです（上限 {limit} バイト）"),
                    format!("the XLSX file unpacks to too much (at most {limit} bytes)"),
                ),
            )));
        }
    }
    Ok(())
}
