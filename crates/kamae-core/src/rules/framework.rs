//! Reference frameworks: published catalogs (NIST SP 800-53 as OSCAL, CISO Assistant
//! libraries) that the standard's items map to. kamae keeps their hierarchy as read; it
//! never edits them.

use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::org::word_enum;
use crate::text::Code;

word_enum! {
    /// The file a reference framework came from.
    FrameworkSource, "形式", "format" {
        Oscal => "oscal", "OSCAL カタログ", "OSCAL catalog";
        CisoAssistant => "ciso_assistant", "CISO Assistant ライブラリ", "CISO Assistant library";
    }
}

word_enum! {
    /// What a node of a framework is.
    NodeKind, "種類", "kind" {
        Group => "group", "グループ", "group";
        Control => "control", "管理策", "control";
        Enhancement => "enhancement", "管理策の強化", "control enhancement";
        Requirement => "requirement", "要求事項", "requirement";
    }
}

/// One group, control or requirement node, with its place in the hierarchy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkNode {
    /// Unique in the framework: the OSCAL id (`ac-2.1`) or the CISO Assistant urn.
    pub node_id: String,
    /// What people write: `AC-2(1)`, `PR.AA-01`.
    pub ref_id: String,
    pub parent: Option<String>,
    /// 1 for the top level.
    pub depth: u32,
    pub kind: NodeKind,
    pub title: String,
    /// The statement, with OSCAL parameters written in as `[Assignment: …]`.
    pub description: String,
    /// Whether an assessment answers to it (controls and enhancements; CISO Assistant's
    /// `assessable`).
    pub assessable: bool,
}

/// A framework as imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferenceFramework {
    /// How mappings name it: `SP800-53-LOW:AC-2`.
    pub code: Code,
    pub name: String,
    pub version: String,
    pub source: FrameworkSource,
    pub nodes: Vec<FrameworkNode>,
}

impl ReferenceFramework {
    /// Controls and enhancements (OSCAL) or requirement nodes (CISO Assistant).
    pub fn counted(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| n.kind != NodeKind::Group)
            .count()
    }

    pub fn assessable(&self) -> usize {
        self.nodes.iter().filter(|n| n.assessable).count()
    }

    /// The node a mapping names, by its written id or its node id, ignoring case.
    pub fn find(&self, control: &str) -> Option<&FrameworkNode> {
        let c = control.trim();
        self.nodes
            .iter()
            .find(|n| n.ref_id.eq_ignore_ascii_case(c) || n.node_id.eq_ignore_ascii_case(c))
    }

    /// Checks what no reader may let through: ids unique, parents present and above.
    pub fn check(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut seen = std::collections::HashMap::new();
        for n in &self.nodes {
            if seen.insert(n.node_id.as_str(), n.depth).is_some() {
                out.push(Problem::new(
                    "duplicate",
                    format!("ID {} が重複しています", n.node_id),
                    format!("id {} appears twice", n.node_id),
                ));
            }
        }
        for n in &self.nodes {
            if let Some(p) = &n.parent {
                match seen.get(p.as_str()) {
                    None => out.push(Problem::new(
                        "unknown_parent",
                        format!("{} の親 {p} がありません", n.node_id),
                        format!("the parent {p} of {} is not in the file", n.node_id),
                    )),
                    Some(d) if *d >= n.depth => out.push(Problem::new(
                        "bad_depth",
                        format!(
                            "{} の深さ {} が親 {p} の深さ {d} 以下です",
                            n.node_id, n.depth
                        ),
                        format!(
                            "{} has depth {}, not below its parent {p} at {d}",
                            n.node_id, n.depth
                        ),
                    )),
                    Some(_) => {}
                }
            }
        }
        out
    }
}

/// A code for mappings made from a name: ASCII letters and digits, the rest as hyphens,
/// at most 32 characters (`NIST Special Publication 800-53` → `NIST-SPECIAL-PUBLICATION-800-53`).
pub fn code_from_name(name: &str) -> Option<Code> {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let cut: String = out.chars().take(Code::MAX_LEN).collect();
    Code::parse(cut.trim_end_matches('-')).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_from_names() {
        let c = code_from_name("NIST Special Publication 800-53 Revision 5.1.1 LOW");
        assert_eq!(
            c.map(|c| c.to_string()).as_deref(),
            Some("NIST-SPECIAL-PUBLICATION-800-53")
        );
        assert!(code_from_name("日本語だけ").is_none());
    }
}
