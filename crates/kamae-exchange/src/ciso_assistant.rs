//! CISO Assistant library YAML: `objects.framework.requirement_nodes` read as a reference
//! framework, with the hierarchy its `parent_urn`s give; `objects.risk_matrix` read as risk
//! matrices.

use std::collections::HashMap;

use kamae_core::Problem;
use kamae_core::risk::{BUILTIN_MATRIX, MatrixLevel, MatrixSource, RiskMatrix};
use kamae_core::rules::{
    FrameworkNode, FrameworkSource, NodeKind, ReferenceFramework, code_from_name,
};
use kamae_core::text::Code;
use serde::Deserialize;

use crate::{FileProblem, FileProblems, MAX_CELL_CHARS, MAX_FILE_BYTES, MAX_ROWS, too_large};

#[derive(Debug, Deserialize)]
struct Library {
    locale: Option<String>,
    name: Option<String>,
    ref_id: Option<String>,
    version: Option<serde_norway::Value>,
    objects: Objects,
}

#[derive(Debug, Deserialize)]
struct Objects {
    framework: Option<Framework>,
    risk_matrix: Option<Vec<Matrix>>,
    #[serde(flatten)]
    other: HashMap<String, serde::de::IgnoredAny>,
}

#[derive(Debug, Deserialize)]
struct Framework {
    ref_id: Option<String>,
    name: Option<String>,
    #[serde(default)]
    requirement_nodes: Vec<Node>,
}

#[derive(Debug, Deserialize)]
struct Node {
    urn: String,
    ref_id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    depth: Option<u32>,
    parent_urn: Option<String>,
    #[serde(default)]
    assessable: bool,
}

#[derive(Debug, Deserialize)]
struct Matrix {
    urn: Option<String>,
    ref_id: Option<String>,
    name: Option<String>,
    description: Option<String>,
    #[serde(default)]
    translations: HashMap<String, Translation>,
    #[serde(default)]
    probability: Vec<Level>,
    #[serde(default)]
    impact: Vec<Level>,
    #[serde(default)]
    risk: Vec<Level>,
    #[serde(default)]
    grid: Vec<Vec<i64>>,
}

#[derive(Debug, Deserialize)]
struct Level {
    abbreviation: Option<String>,
    name: Option<String>,
    description: Option<String>,
    hexcolor: Option<String>,
    #[serde(default)]
    translations: HashMap<String, Translation>,
}

#[derive(Debug, Default, Deserialize)]
struct Translation {
    name: Option<String>,
    description: Option<String>,
}

/// A name and description in Japanese and English, from the file's own language and its
/// translations; what is missing in one language is taken from the file's own.
struct Words {
    name_ja: String,
    name_en: String,
    description_ja: String,
    description_en: String,
}

fn words(
    locale: &str,
    name: &Option<String>,
    description: &Option<String>,
    translations: &HashMap<String, Translation>,
) -> Words {
    let own = (
        name.clone().unwrap_or_default(),
        description.clone().unwrap_or_default(),
    );
    let pick = |lang: &str| -> (String, String) {
        if locale == lang {
            return own.clone();
        }
        let t = translations.get(lang);
        (
            t.and_then(|t| t.name.clone())
                .unwrap_or_else(|| own.0.clone()),
            t.and_then(|t| t.description.clone())
                .unwrap_or_else(|| own.1.clone()),
        )
    };
    let (name_ja, description_ja) = pick("ja");
    let (name_en, description_en) = pick("en");
    Words {
        name_ja,
        name_en,
        description_ja,
        description_en,
    }
}

fn at(file: &str, path: String, code: &'static str, ja: String, en: String) -> FileProblem {
    FileProblem::new(file, Problem::new(code, ja, en)).path(path)
}

fn parse_library(file: &str, bytes: &[u8]) -> Result<Library, FileProblems> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(file, bytes.len()));
    }
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(
        |_| {
            FileProblems::one(FileProblem::new(
                file,
                Problem::new(
                    "unreadable_encoding",
                    "YAML は UTF-8 で保存してください",
                    "YAML must be UTF-8",
                ),
            ))
        },
    )?;
    // serde_norway refuses documents whose aliases would expand past its repetition limit
    // and nesting past its recursion limit, so a "billion laughs" file stops here.
    let de = serde_norway::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = crate::doc_path(e.path());
        let inner = e.into_inner();
        FileProblems::one(at(
            file,
            path,
            "malformed_yaml",
            format!("CISO Assistant ライブラリとして読めません: {inner}"),
            format!("not readable as a CISO Assistant library: {inner}"),
        ))
    })
}

/// Reads a CISO Assistant library as a reference framework. `code` names it in mappings
/// (from the framework's ref_id otherwise).
pub fn read_framework(
    file: &str,
    bytes: &[u8],
    code: Option<Code>,
) -> Result<ReferenceFramework, FileProblems> {
    let library = parse_library(file, bytes)?;
    let Some(framework) = library.objects.framework else {
        let mut held: Vec<&str> = library.objects.other.keys().map(String::as_str).collect();
        if library.objects.risk_matrix.is_some() {
            held.push("risk_matrix");
        }
        held.sort_unstable();
        return Err(FileProblems::one(at(
            file,
            "$.objects".into(),
            "no_framework",
            format!(
                "このライブラリには framework がありません（あるのは: {}）",
                held.join(", ")
            ),
            format!(
                "this library holds no framework (it holds: {})",
                held.join(", ")
            ),
        )));
    };
    let mut problems = Vec::new();
    if framework.requirement_nodes.is_empty() {
        problems.push(at(
            file,
            "$.objects.framework.requirement_nodes".into(),
            "empty_framework",
            "requirement_nodes が空です".into(),
            "requirement_nodes is empty".into(),
        ));
    }
    if framework.requirement_nodes.len() > MAX_ROWS {
        return Err(FileProblems::one(at(
            file,
            "$.objects.framework.requirement_nodes".into(),
            "too_many",
            format!(
                "要求事項が多すぎます（{} 件、上限 {MAX_ROWS} 件）",
                framework.requirement_nodes.len()
            ),
            format!(
                "too many requirement nodes ({}; at most {MAX_ROWS})",
                framework.requirement_nodes.len()
            ),
        )));
    }
    let depth_of: HashMap<&str, Option<u32>> = framework
        .requirement_nodes
        .iter()
        .map(|n| (n.urn.as_str(), n.depth))
        .collect();
    let mut nodes = Vec::with_capacity(framework.requirement_nodes.len());
    let mut computed: HashMap<&str, u32> = HashMap::new();
    for (i, n) in framework.requirement_nodes.iter().enumerate() {
        let path = format!("$.objects.framework.requirement_nodes[{i}]");
        if n.urn.trim().is_empty() {
            problems.push(
                at(
                    file,
                    path.clone(),
                    "required",
                    "urn が空です".into(),
                    "urn is empty".into(),
                )
                .field("urn"),
            );
        }
        let long = [&n.name, &n.description]
            .into_iter()
            .flatten()
            .any(|t| t.chars().count() > MAX_CELL_CHARS);
        if long {
            problems.push(at(
                file,
                path.clone(),
                "too_long",
                format!("文が長すぎます（上限 {MAX_CELL_CHARS} 文字）"),
                format!("a text is too long (at most {MAX_CELL_CHARS} characters)"),
            ));
        }
        // A node without its depth sits one below its parent (parents come first).
        let depth = n.depth.unwrap_or_else(|| {
            n.parent_urn
                .as_deref()
                .and_then(|p| {
                    computed
                        .get(p)
                        .copied()
                        .or_else(|| depth_of.get(p).copied().flatten())
                })
                .map_or(1, |d| d + 1)
        });
        computed.insert(n.urn.as_str(), depth);
        let ref_id = n
            .ref_id
            .clone()
            .or_else(|| n.name.clone())
            .unwrap_or_else(|| n.urn.rsplit(':').next().unwrap_or(&n.urn).to_owned());
        nodes.push(FrameworkNode {
            node_id: n.urn.clone(),
            ref_id: ref_id.clone(),
            parent: n.parent_urn.clone(),
            depth,
            kind: NodeKind::Requirement,
            title: n.name.clone().unwrap_or(ref_id),
            description: n.description.clone().unwrap_or_default(),
            assessable: n.assessable,
        });
    }
    let name = framework
        .name
        .or(library.name)
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "CISO Assistant framework".to_owned());
    let version = match library.version {
        Some(serde_norway::Value::Number(n)) => n.to_string(),
        Some(serde_norway::Value::String(s)) => s,
        _ => String::new(),
    };
    let code = code
        .or_else(|| framework.ref_id.as_deref().and_then(code_from_name))
        .or_else(|| library.ref_id.as_deref().and_then(code_from_name))
        .or_else(|| code_from_name(&name));
    let Some(code) = code else {
        problems.push(at(
            file,
            "$.objects.framework.ref_id".into(),
            "code_required",
            "ref_id からコードを作れません。--code で指定してください".into(),
            "no code can be made from the ref_id; give one with --code".into(),
        ));
        return Err(FileProblems(problems));
    };
    let framework = ReferenceFramework {
        code,
        name,
        version,
        source: FrameworkSource::CisoAssistant,
        nodes,
    };
    problems.extend(
        framework
            .check()
            .into_iter()
            .map(|p| FileProblem::new(file, p).path("$.objects.framework.requirement_nodes")),
    );
    if problems.is_empty() {
        Ok(framework)
    } else {
        problems.truncate(200);
        Err(FileProblems(problems))
    }
}

/// Reads every risk matrix of a CISO Assistant library. Each is checked whole: every grid
/// cell must name an existing risk level, and the grid must have one row per probability
/// level and one cell per impact level.
pub fn read_risk_matrices(file: &str, bytes: &[u8]) -> Result<Vec<RiskMatrix>, FileProblems> {
    let library = parse_library(file, bytes)?;
    let locale = library
        .locale
        .as_deref()
        .unwrap_or("en")
        .to_ascii_lowercase();
    let matrices = match library.objects.risk_matrix {
        Some(m) if !m.is_empty() => m,
        _ => {
            return Err(FileProblems::one(at(
                file,
                "$.objects.risk_matrix".into(),
                "no_risk_matrix",
                "このライブラリには risk_matrix がありません".into(),
                "this library holds no risk_matrix".into(),
            )));
        }
    };
    let version = match &library.version {
        Some(serde_norway::Value::Number(n)) => n.to_string(),
        Some(serde_norway::Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    let mut problems = Vec::new();
    let mut out = Vec::new();
    for (m_at, m) in matrices.iter().enumerate() {
        let base = format!("$.objects.risk_matrix[{m_at}]");
        let long = std::iter::once((&m.name, &m.description))
            .chain(
                [&m.probability, &m.impact, &m.risk]
                    .into_iter()
                    .flatten()
                    .map(|l| (&l.name, &l.description)),
            )
            .flat_map(|(a, b)| [a, b])
            .flatten()
            .any(|t| t.chars().count() > MAX_CELL_CHARS);
        if long {
            problems.push(at(
                file,
                base.clone(),
                "too_long",
                format!("文が長すぎます（上限 {MAX_CELL_CHARS} 文字）"),
                format!("a text is too long (at most {MAX_CELL_CHARS} characters)"),
            ));
            continue;
        }
        let level = |l: &Level| {
            let w = words(&locale, &l.name, &l.description, &l.translations);
            MatrixLevel {
                abbreviation: l.abbreviation.clone().unwrap_or_default(),
                name_ja: w.name_ja,
                name_en: w.name_en,
                description_ja: w.description_ja,
                description_en: w.description_en,
                color: l.hexcolor.clone().filter(|c| !c.trim().is_empty()),
            }
        };
        let mut grid = Vec::with_capacity(m.grid.len());
        for (p, row) in m.grid.iter().enumerate() {
            let mut cells = Vec::with_capacity(row.len());
            for (i, cell) in row.iter().enumerate() {
                match usize::try_from(*cell) {
                    Ok(c) => cells.push(c),
                    Err(_) => problems.push(at(
                        file,
                        format!("{base}.grid[{p}][{i}]"),
                        "unknown_risk_level",
                        format!("リスクの段階 {cell} はありません"),
                        format!("risk level {cell} does not exist"),
                    )),
                }
            }
            grid.push(cells);
        }
        let w = words(&locale, &m.name, &m.description, &m.translations);
        let code = m
            .ref_id
            .as_deref()
            .and_then(code_from_name)
            .or_else(|| m.name.as_deref().and_then(code_from_name))
            .or_else(|| library.ref_id.as_deref().and_then(code_from_name));
        let Some(code) = code else {
            problems.push(at(
                file,
                format!("{base}.ref_id"),
                "code_required",
                "ref_id からコードを作れません".into(),
                "no code can be made from the ref_id".into(),
            ));
            continue;
        };
        if code.as_str().eq_ignore_ascii_case(BUILTIN_MATRIX) {
            problems.push(at(
                file,
                format!("{base}.ref_id"),
                "reserved_code",
                format!("{code} は kamae 標準のマトリクスのコードです"),
                format!("{code} is the code of kamae's own matrix"),
            ));
            continue;
        }
        if out.iter().any(|o: &RiskMatrix| o.code == code) {
            problems.push(at(
                file,
                format!("{base}.ref_id"),
                "duplicate",
                format!("コード {code} のマトリクスが二つあります"),
                format!("two matrices have the code {code}"),
            ));
            continue;
        }
        let matrix = RiskMatrix {
            code,
            name_ja: if w.name_ja.trim().is_empty() {
                w.name_en.clone()
            } else {
                w.name_ja
            },
            name_en: w.name_en,
            description: m.description.clone().unwrap_or_default(),
            source: MatrixSource::CisoAssistant,
            urn: m.urn.clone().unwrap_or_default(),
            version: version.clone(),
            probability: m.probability.iter().map(level).collect(),
            impact: m.impact.iter().map(level).collect(),
            risk: m.risk.iter().map(level).collect(),
            grid,
        };
        problems.extend(
            matrix
                .check()
                .into_iter()
                .map(|p| FileProblem::new(file, p.problem).path(format!("{base}.{}", p.path))),
        );
        out.push(matrix);
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        problems.truncate(200);
        Err(FileProblems(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "urn: urn:test:library:tiny
ref_id: TINY-1
name: Tiny library
version: 2
objects:
  framework:
    urn: urn:test:framework:tiny
    ref_id: TINY-1
    name: Tiny framework
    requirement_nodes:
    - urn: urn:test:req:gv
      assessable: false
      depth: 1
      ref_id: GV
      name: GOVERN
    - urn: urn:test:req:gv.oc
      assessable: false
      parent_urn: urn:test:req:gv
      ref_id: GV.OC
      name: Context
    - urn: urn:test:req:gv.oc-01
      assessable: true
      depth: 3
      parent_urn: urn:test:req:gv.oc
      ref_id: GV.OC-01
      description: The mission is understood
";

    #[test]
    fn a_library_reads_with_its_hierarchy() {
        let f =
            read_framework("tiny.yaml", SMALL.as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (f.code.as_str(), f.name.as_str(), f.version.as_str()),
            ("TINY-1", "Tiny framework", "2")
        );
        assert_eq!((f.counted(), f.assessable()), (3, 1));
        let oc = f.find("GV.OC").unwrap_or_else(|| panic!("GV.OC"));
        assert_eq!(oc.depth, 2, "computed from the parent");
        let leaf = f.find("gv.oc-01").unwrap_or_else(|| panic!("leaf"));
        assert_eq!(
            (leaf.title.as_str(), leaf.parent.as_deref()),
            ("GV.OC-01", Some("urn:test:req:gv.oc"))
        );
    }

    #[test]
    fn hostile_and_broken_libraries_are_refused() {
        let laughs =
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
version: *i
objects: {framework: {ref_id: T, requirement_nodes: [{urn: x}]}}
";
        let cases: Vec<(String, &str)> = vec![
            (laughs.to_owned(), "$"),
            ("objects: [".to_owned(), "$"),
            ("name: x\n".to_owned(), "$"),
            ("objects:\n  risk_matrix: []\n".to_owned(), "$.objects"),
            ("objects:\n  framework:\n    requirement_nodes:\n    - ref_id: X\n".to_owned(), "$.objects.framework.requirement_nodes[0]"),
            (
                "objects:\n  framework:\n    ref_id: T\n    requirement_nodes:\n    - {urn: a}\n    - {urn: a}\n".to_owned(),
                "$.objects.framework.requirement_nodes",
            ),
            (
                "objects:\n  framework:\n    ref_id: T\n    requirement_nodes:\n    - {urn: a, parent_urn: nowhere}\n".to_owned(),
                "$.objects.framework.requirement_nodes",
            ),
            (format!("objects:\n  framework:\n    ref_id: T\n    requirement_nodes:\n{}", "    - [\n".repeat(200)), "$"),
        ];
        for (yaml, path) in cases {
            let e = read_framework("bad.yaml", yaml.as_bytes(), None).expect_err(&yaml);
            assert!(
                e.0.iter()
                    .any(|p| p.path.as_deref().is_some_and(|p| p.starts_with(path))),
                "{yaml}: {e}"
            );
        }
    }

    const MATRIX: &str = "urn: urn:test:library:m
locale: en
ref_id: M-LIB
version: 1
objects:
  risk_matrix:
  - urn: urn:test:matrix:m
    ref_id: small_2x3
    name: Small
    description: two by three
    translations:
      ja: {name: 小さな表, description: 二行三列}
    probability:
    - {abbreviation: L, name: Low, hexcolor: '#BBF7D0', translations: {ja: {name: 低}}}
    - {abbreviation: H, name: High, hexcolor: '#F87171'}
    impact:
    - {abbreviation: 1, name: One}
    - {abbreviation: 2, name: Two}
    - {abbreviation: 3, name: Three}
    risk:
    - {abbreviation: A, name: Accept, description: fine}
    - {abbreviation: T, name: Treat, description: act}
    grid:
    - [0, 0, 1]
    - [0, 1, 1]
";

    #[test]
    fn a_risk_matrix_reads_in_both_languages() {
        let m = read_risk_matrices("m.yaml", MATRIX.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let m = &m[0];
        assert_eq!(m.code.as_str(), "SMALL-2X3");
        assert_eq!(
            (m.name_ja.as_str(), m.name_en.as_str()),
            ("小さな表", "Small")
        );
        assert_eq!(
            (
                m.probability[0].name_ja.as_str(),
                m.probability[0].name_en.as_str()
            ),
            ("低", "Low")
        );
        assert_eq!(
            m.probability[1].name_ja, "High",
            "no translation: the file's own words"
        );
        assert_eq!(m.impact[1].abbreviation, "2");
        assert_eq!(m.risk_of(1, 2), Some(1));
        assert_eq!(m.version, "1");
    }

    #[test]
    fn a_malformed_risk_matrix_is_refused_with_its_place() {
        let cases = [
            (
                MATRIX.replace("- [0, 1, 1]", "- [0, 1, 2]"),
                "$.objects.risk_matrix[0].grid[1][2]",
                "unknown_risk_level",
            ),
            (
                MATRIX.replace("- [0, 1, 1]", "- [0, 1]"),
                "$.objects.risk_matrix[0].grid[1]",
                "grid_shape",
            ),
            (
                MATRIX.replace("- [0, 1, 1]\n", ""),
                "$.objects.risk_matrix[0].grid",
                "grid_shape",
            ),
            (
                MATRIX.replace("- [0, 1, 1]", "- [0, -1, 1]"),
                "$.objects.risk_matrix[0].grid[1][1]",
                "unknown_risk_level",
            ),
            (
                MATRIX.replace("'#F87171'", "red"),
                "$.objects.risk_matrix[0].probability[1].hexcolor",
                "invalid_color",
            ),
            (
                MATRIX.replace("ref_id: small_2x3", "ref_id: kamae 5x5"),
                "$.objects.risk_matrix[0].ref_id",
                "reserved_code",
            ),
            (
                MATRIX.replace("- [0, 0, 1]", "- [0, zero, 1]"),
                "$.objects.risk_matrix[0].grid[0][1]",
                "malformed_yaml",
            ),
            (
                "objects:\n  framework: {}\n".to_owned(),
                "$.objects.risk_matrix",
                "no_risk_matrix",
            ),
        ];
        for (yaml, path, code) in cases {
            let e = read_risk_matrices("bad.yaml", yaml.as_bytes()).expect_err(path);
            assert!(
                e.0.iter()
                    .any(|p| p.path.as_deref() == Some(path) && p.problem.code == code),
                "{path} {code}: {e}"
            );
        }
    }
}
