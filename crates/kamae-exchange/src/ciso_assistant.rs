//! CISO Assistant library YAML: `objects.framework.requirement_nodes` read as a reference
//! framework, with the hierarchy its `parent_urn`s give.

use std::collections::HashMap;

use kamae_core::Problem;
use kamae_core::rules::{
    FrameworkNode, FrameworkSource, NodeKind, ReferenceFramework, code_from_name,
};
use kamae_core::text::Code;
use serde::Deserialize;

use crate::{FileProblem, FileProblems, MAX_CELL_CHARS, MAX_FILE_BYTES, MAX_ROWS, too_large};

#[derive(Debug, Deserialize)]
struct Library {
    name: Option<String>,
    ref_id: Option<String>,
    version: Option<serde_norway::Value>,
    objects: Objects,
}

#[derive(Debug, Deserialize)]
struct Objects {
    framework: Option<Framework>,
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

fn at(file: &str, path: String, code: &'static str, ja: String, en: String) -> FileProblem {
    FileProblem::new(file, Problem::new(code, ja, en)).path(path)
}

/// Reads a CISO Assistant library as a reference framework. `code` names it in mappings
/// (from the framework's ref_id otherwise).
pub fn read_framework(
    file: &str,
    bytes: &[u8],
    code: Option<Code>,
) -> Result<ReferenceFramework, FileProblems> {
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
    let library: Library = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = crate::doc_path(e.path());
        let inner = e.into_inner();
        FileProblems::one(at(
            file,
            path,
            "malformed_yaml",
            format!("CISO Assistant ライブラリとして読めません: {inner}"),
            format!("not readable as a CISO Assistant library: {inner}"),
        ))
    })?;
    let Some(framework) = library.objects.framework else {
        let mut held: Vec<&str> = library.objects.other.keys().map(String::as_str).collect();
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
}
