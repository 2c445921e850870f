//! OSCAL catalog JSON: a NIST catalog (SP 800-53 and its baselines) read as a reference
//! framework, and the group's standard written and read as a catalog whose kamae fields are
//! props and parts in the kamae namespace (`docs/formats.md`).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use kamae_core::Problem;
use kamae_core::rules::{
    ChangeReason, Criterion, FrameworkNode, FrameworkRef, FrameworkSource, NodeKind, ProductOption,
    ReferenceFramework, StandardItem, Tier, check_items, code_from_name,
};
use kamae_core::text::Code;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    FileProblem, FileProblems, MAX_CELL_CHARS, MAX_FILE_BYTES, MAX_ROWS, StandardFile, too_large,
};

/// The namespace of kamae's own props and parts.
pub const KAMAE_NS: &str = "urn:kamae:oscal";
/// The OSCAL version kamae writes.
pub const OSCAL_VERSION: &str = "1.1.2";

#[derive(Debug, Deserialize)]
struct Document {
    catalog: Catalog,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Catalog {
    #[serde(default)]
    #[allow(dead_code)]
    uuid: String,
    metadata: Metadata,
    #[serde(default)]
    params: Vec<Param>,
    #[serde(default)]
    controls: Vec<Control>,
    #[serde(default)]
    groups: Vec<Group>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Metadata {
    title: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    props: Vec<Prop>,
    remarks: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Group {
    id: Option<String>,
    title: String,
    #[serde(default)]
    params: Vec<Param>,
    #[serde(default)]
    groups: Vec<Group>,
    #[serde(default)]
    controls: Vec<Control>,
}

#[derive(Debug, Deserialize)]
struct Control {
    id: String,
    title: String,
    #[serde(default)]
    params: Vec<Param>,
    #[serde(default)]
    props: Vec<Prop>,
    #[serde(default)]
    parts: Vec<Part>,
    #[serde(default)]
    controls: Vec<Control>,
}

#[derive(Debug, Deserialize)]
struct Part {
    name: String,
    ns: Option<String>,
    title: Option<String>,
    #[serde(default)]
    props: Vec<Prop>,
    prose: Option<String>,
    #[serde(default)]
    parts: Vec<Part>,
}

#[derive(Debug, Deserialize)]
struct Prop {
    name: String,
    ns: Option<String>,
    value: String,
    class: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Param {
    id: String,
    label: Option<String>,
    #[serde(default)]
    values: Vec<String>,
    select: Option<Select>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Select {
    how_many: Option<String>,
    #[serde(default)]
    choice: Vec<String>,
}

fn problem(file: &str, path: &str, code: &'static str, ja: String, en: String) -> FileProblem {
    FileProblem::new(file, Problem::new(code, ja, en)).path(path)
}

/// Parses the whole file; a structural problem names its JSON path.
fn parse(file: &str, bytes: &[u8]) -> Result<Catalog, FileProblems> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(too_large(file, bytes.len()));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| {
        FileProblems::one(FileProblem::new(
            file,
            Problem::new(
                "unreadable_encoding",
                "JSON は UTF-8 で保存してください",
                "JSON must be UTF-8",
            ),
        ))
    })?;
    let mut de = serde_json::Deserializer::from_str(text);
    let doc: Document = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = crate::doc_path(e.path());
        let inner = e.into_inner();
        FileProblems::one(problem(
            file,
            &path,
            "malformed_json",
            format!("OSCAL カタログとして読めません: {inner}"),
            format!("not readable as an OSCAL catalog: {inner}"),
        ))
    })?;
    Ok(doc.catalog)
}

fn is_kamae(ns: &Option<String>) -> bool {
    ns.as_deref() == Some(KAMAE_NS)
}

/// The label people write (`AC-2(1)`): the plain `label` prop, any `label`, or the id.
fn label_of(c: &Control) -> String {
    let labels = || {
        c.props
            .iter()
            .filter(|p| p.name == "label" && p.ns.is_none())
    };
    labels()
        .find(|p| p.class.is_none())
        .or_else(|| labels().next())
        .map(|p| p.value.clone())
        .unwrap_or_else(|| c.id.to_ascii_uppercase())
}

/// Writes the parameters into a prose: `{{ insert: param, ac-1_prm_1 }}` becomes its value,
/// or `[Assignment: label]`, or `[Selection (one or more): a; b]`.
fn insert_params(prose: &str, params: &HashMap<&str, &Param>, nested: bool) -> String {
    let mut out = String::new();
    let mut rest = prose;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &after[..end];
        let mut parts = inner.split(',').map(str::trim);
        let replaced = match (parts.next(), parts.next(), parts.next()) {
            (Some("insert: param"), Some(id), None) | (Some("insert:param"), Some(id), None) => {
                params.get(id).map(|p| {
                    if !p.values.is_empty() {
                        p.values.join(", ")
                    } else if let Some(s) = &p.select {
                        let choices: Vec<String> = s
                            .choice
                            .iter()
                            .map(|c| {
                                if nested {
                                    c.clone()
                                } else {
                                    insert_params(c, params, true)
                                }
                            })
                            .collect();
                        match s.how_many.as_deref() {
                            Some("one-or-more") => {
                                format!("[Selection (one or more): {}]", choices.join("; "))
                            }
                            _ => format!("[Selection: {}]", choices.join("; ")),
                        }
                    } else {
                        format!("[Assignment: {}]", p.label.as_deref().unwrap_or(id))
                    }
                })
            }
            _ => None,
        };
        match replaced {
            Some(r) => out.push_str(&r),
            None => {
                out.push_str("{{");
                out.push_str(inner);
                out.push_str("}}");
            }
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A statement part as text: its prose, then each sub-item on its own line with its label.
fn statement_text(
    part: &Part,
    params: &HashMap<&str, &Param>,
    indent: usize,
    out: &mut Vec<String>,
) {
    let label = part
        .props
        .iter()
        .find(|p| p.name == "label")
        .map(|p| format!("{} ", p.value))
        .unwrap_or_default();
    if let Some(prose) = &part.prose {
        let text = insert_params(prose.trim(), params, false);
        out.push(format!("{}{label}{text}", "  ".repeat(indent)));
    }
    let deeper = if part.prose.is_some() {
        indent + 1
    } else {
        indent
    };
    for p in part.parts.iter().filter(|p| p.name == "item") {
        statement_text(p, params, deeper, out);
    }
}

fn statement_of(c: &Control, params: &HashMap<&str, &Param>) -> String {
    let mut lines = Vec::new();
    for p in c
        .parts
        .iter()
        .filter(|p| p.name == "statement" && p.ns.is_none())
    {
        statement_text(p, params, 0, &mut lines);
    }
    lines.join("\n")
}

struct Walk<'a> {
    file: &'a str,
    params: HashMap<&'a str, &'a Param>,
    problems: Vec<FileProblem>,
}

fn collect_params(c: &Catalog) -> HashMap<&str, &Param> {
    fn control<'a>(c: &'a Control, out: &mut HashMap<&'a str, &'a Param>) {
        for p in &c.params {
            out.insert(p.id.as_str(), p);
        }
        for e in &c.controls {
            control(e, out);
        }
    }
    fn group<'a>(g: &'a Group, out: &mut HashMap<&'a str, &'a Param>) {
        for p in &g.params {
            out.insert(p.id.as_str(), p);
        }
        for c in &g.controls {
            control(c, out);
        }
        for s in &g.groups {
            group(s, out);
        }
    }
    let mut out = HashMap::new();
    for p in &c.params {
        out.insert(p.id.as_str(), p);
    }
    for c in &c.controls {
        control(c, &mut out);
    }
    for g in &c.groups {
        group(g, &mut out);
    }
    out
}

impl Walk<'_> {
    fn text(&mut self, path: &str, field: &str, value: &str) -> bool {
        if value.trim().is_empty() {
            self.problems.push(
                problem(
                    self.file,
                    path,
                    "required",
                    format!("{field} が空です"),
                    format!("{field} is empty"),
                )
                .field(field),
            );
            return false;
        }
        if value.chars().count() > MAX_CELL_CHARS {
            self.problems.push(
                problem(
                    self.file,
                    path,
                    "too_long",
                    format!("{field} が長すぎます（上限 {MAX_CELL_CHARS} 文字）"),
                    format!("{field} is too long (at most {MAX_CELL_CHARS} characters)"),
                )
                .field(field),
            );
            return false;
        }
        true
    }

    fn group(
        &mut self,
        g: &Group,
        path: String,
        parent: Option<&str>,
        depth: u32,
        index: usize,
        out: &mut Vec<FrameworkNode>,
    ) {
        self.text(&path, "title", &g.title);
        let node_id =
            g.id.clone()
                .unwrap_or_else(|| format!("group-{}", out.len() + index + 1));
        out.push(FrameworkNode {
            node_id: node_id.clone(),
            ref_id: g.id.clone().unwrap_or_else(|| g.title.clone()),
            parent: parent.map(str::to_owned),
            depth,
            kind: NodeKind::Group,
            title: g.title.clone(),
            description: String::new(),
            assessable: false,
        });
        for (i, s) in g.groups.iter().enumerate() {
            self.group(
                s,
                format!("{path}.groups[{i}]"),
                Some(&node_id),
                depth + 1,
                i,
                out,
            );
        }
        for (i, c) in g.controls.iter().enumerate() {
            self.control(
                c,
                format!("{path}.controls[{i}]"),
                Some(&node_id),
                depth + 1,
                false,
                out,
            );
        }
    }

    fn control(
        &mut self,
        c: &Control,
        path: String,
        parent: Option<&str>,
        depth: u32,
        enhancement: bool,
        out: &mut Vec<FrameworkNode>,
    ) {
        self.text(&path, "id", &c.id);
        self.text(&path, "title", &c.title);
        out.push(FrameworkNode {
            node_id: c.id.clone(),
            ref_id: label_of(c),
            parent: parent.map(str::to_owned),
            depth,
            kind: if enhancement {
                NodeKind::Enhancement
            } else {
                NodeKind::Control
            },
            title: c.title.clone(),
            description: statement_of(c, &self.params),
            assessable: true,
        });
        for (i, e) in c.controls.iter().enumerate() {
            self.control(
                e,
                format!("{path}.controls[{i}]"),
                Some(&c.id),
                depth + 1,
                true,
                out,
            );
        }
    }
}

fn finish<T>(value: T, mut problems: Vec<FileProblem>) -> Result<T, FileProblems> {
    if problems.is_empty() {
        Ok(value)
    } else {
        problems.truncate(200);
        Err(FileProblems(problems))
    }
}

/// Reads an OSCAL catalog as a reference framework: every group, control and control
/// enhancement, with its hierarchy. `code` names it in mappings (from its title otherwise).
pub fn read_framework(
    file: &str,
    bytes: &[u8],
    code: Option<Code>,
) -> Result<ReferenceFramework, FileProblems> {
    let catalog = parse(file, bytes)?;
    let mut walk = Walk {
        file,
        params: collect_params(&catalog),
        problems: Vec::new(),
    };
    walk.text("$.catalog.metadata", "title", &catalog.metadata.title);
    let mut nodes = Vec::new();
    for (i, g) in catalog.groups.iter().enumerate() {
        walk.group(g, format!("$.catalog.groups[{i}]"), None, 1, i, &mut nodes);
    }
    for (i, c) in catalog.controls.iter().enumerate() {
        walk.control(
            c,
            format!("$.catalog.controls[{i}]"),
            None,
            1,
            false,
            &mut nodes,
        );
    }
    if nodes.len() > MAX_ROWS {
        walk.problems.push(problem(
            file,
            "$.catalog",
            "too_many",
            format!(
                "管理策が多すぎます（{} 件、上限 {MAX_ROWS} 件）",
                nodes.len()
            ),
            format!("too many controls ({}; at most {MAX_ROWS})", nodes.len()),
        ));
    }
    if !nodes.iter().any(|n| n.kind != NodeKind::Group) {
        walk.problems.push(problem(
            file,
            "$.catalog",
            "empty_catalog",
            "カタログに管理策がありません".into(),
            "the catalog has no controls".into(),
        ));
    }
    let code = match code.or_else(|| code_from_name(&catalog.metadata.title)) {
        Some(c) => c,
        None => {
            walk.problems.push(problem(
                file,
                "$.catalog.metadata.title",
                "code_required",
                "表題からコードを作れません。--code で指定してください".into(),
                "no code can be made from the title; give one with --code".into(),
            ));
            return Err(FileProblems(walk.problems));
        }
    };
    let framework = ReferenceFramework {
        code,
        name: catalog.metadata.title.clone(),
        version: catalog.metadata.version.clone(),
        source: FrameworkSource::Oscal,
        nodes,
    };
    let mut problems = walk.problems;
    problems.extend(
        framework
            .check()
            .into_iter()
            .map(|p| FileProblem::new(file, p).path("$.catalog")),
    );
    finish(framework, problems)
}

/// What a version of the standard is exported with.
pub struct StandardDocument<'a> {
    /// The version's id: an OSCAL catalog needs a UUID, and this one says which version.
    pub uuid: String,
    pub title: &'a str,
    /// `3 (approved)`: the version number and its state.
    pub version: String,
    pub last_modified: DateTime<Utc>,
    pub reason: ChangeReason,
    pub change_log: &'a str,
    pub next_review_on: Option<NaiveDate>,
    pub items: &'a [StandardItem],
}

fn kamae_prop(name: &str, value: &str) -> Value {
    json!({"name": name, "ns": KAMAE_NS, "value": value})
}

fn kamae_part(name: &str, prose: &str) -> Value {
    json!({"name": name, "ns": KAMAE_NS, "prose": prose})
}

/// An OSCAL token (a control's id) must start with a letter or `_`.
fn control_id(code: &Code) -> String {
    let s = code.as_str();
    if s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        s.to_owned()
    } else {
        format!("item-{s}")
    }
}

/// The standard as an OSCAL catalog: a group per category, a control per item.
pub fn write_standard(doc: &StandardDocument) -> Vec<u8> {
    let mut categories: Vec<&str> = Vec::new();
    for i in doc.items {
        if !categories.contains(&i.category.as_str()) {
            categories.push(&i.category);
        }
    }
    let groups: Vec<Value> = categories
        .iter()
        .enumerate()
        .map(|(n, category)| {
            let controls: Vec<Value> = doc
                .items
                .iter()
                .filter(|i| i.category == *category)
                .map(|i| {
                    let mut props = vec![json!({"name": "label", "value": i.code.as_str()}), kamae_prop("tier", i.tier.as_str())];
                    if let Some(a) = &i.applicability {
                        props.push(kamae_prop("applicability", a));
                    }
                    if let Some(v) = &i.criterion.value {
                        props.push(kamae_prop("criterion-value", v));
                    }
                    if let Some(u) = &i.criterion.unit {
                        props.push(kamae_prop("criterion-unit", u));
                    }
                    for m in &i.mappings {
                        props.push(kamae_prop("mapping", &m.written()));
                    }
                    let id = control_id(&i.code);
                    let mut parts = vec![
                        json!({"id": format!("{id}_smt"), "name": "statement", "prose": i.requirement}),
                        kamae_part("criterion", &i.criterion.text),
                        kamae_part("rationale", &i.rationale),
                        kamae_part("check", &i.check),
                    ];
                    if let Some(a) = &i.alternative {
                        parts.push(kamae_part("alternative", a));
                    }
                    for o in &i.options {
                        let mut part = json!({"name": "option", "ns": KAMAE_NS, "title": o.name});
                        if let Some(c) = &o.cost_note {
                            part["prose"] = json!(c);
                        }
                        parts.push(part);
                    }
                    json!({"id": id, "class": "kamae-item", "title": i.title, "props": props, "parts": parts})
                })
                .collect();
            json!({"id": format!("category-{}", n + 1), "class": "kamae-category", "title": category, "controls": controls})
        })
        .collect();
    let mut metadata_props = vec![kamae_prop("reason", doc.reason.as_str())];
    if let Some(d) = doc.next_review_on {
        metadata_props.push(kamae_prop("next-review", &d.to_string()));
    }
    let mut metadata = json!({
        "title": doc.title,
        "last-modified": doc.last_modified.to_rfc3339_opts(SecondsFormat::Secs, true),
        "version": doc.version,
        "oscal-version": OSCAL_VERSION,
        "props": metadata_props,
    });
    if !doc.change_log.is_empty() {
        metadata["remarks"] = json!(doc.change_log);
    }
    let value = json!({"catalog": {"uuid": doc.uuid, "metadata": metadata, "groups": groups}});
    serde_json::to_vec_pretty(&value).unwrap_or_default()
}

fn kamae_props<'a>(props: &'a [Prop], name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    props
        .iter()
        .filter(move |p| p.name == name && is_kamae(&p.ns))
        .map(|p| p.value.as_str())
}

fn kamae_part_prose<'a>(parts: &'a [Part], name: &str) -> Option<&'a str> {
    parts
        .iter()
        .find(|p| p.name == name && is_kamae(&p.ns))
        .map(|p| p.prose.as_deref().unwrap_or(""))
}

/// Reads the group's standard from an OSCAL catalog written by kamae (or by hand in the same
/// shape). A catalog without kamae's fields is a reference framework, and says so.
pub fn read_standard(file: &str, bytes: &[u8]) -> Result<StandardFile, FileProblems> {
    let catalog = parse(file, bytes)?;
    let params = collect_params(&catalog);
    let mut problems = Vec::new();
    let mut found: Vec<(String, StandardItem)> = Vec::new();

    fn controls<'a>(
        list: &'a [Control],
        path: &str,
        category: Option<&'a str>,
        out: &mut Vec<(String, &'a Control, Option<&'a str>)>,
    ) {
        for (i, c) in list.iter().enumerate() {
            let p = format!("{path}.controls[{i}]");
            out.push((p.clone(), c, category));
            controls(&c.controls, &p, category, out);
        }
    }
    fn groups<'a>(
        list: &'a [Group],
        path: &str,
        out: &mut Vec<(String, &'a Control, Option<&'a str>)>,
    ) {
        for (i, g) in list.iter().enumerate() {
            let p = format!("{path}.groups[{i}]");
            controls(&g.controls, &p, Some(&g.title), out);
            groups(&g.groups, &p, out);
        }
    }
    let mut all = Vec::new();
    controls(&catalog.controls, "$.catalog", None, &mut all);
    groups(&catalog.groups, "$.catalog", &mut all);
    if all.len() > MAX_ROWS {
        return Err(FileProblems::one(problem(
            file,
            "$.catalog",
            "too_many",
            format!("項目が多すぎます（{} 件、上限 {MAX_ROWS} 件）", all.len()),
            format!("too many items ({}; at most {MAX_ROWS})", all.len()),
        )));
    }
    if !all.is_empty()
        && all
            .iter()
            .all(|(_, c, _)| kamae_props(&c.props, "tier").next().is_none())
    {
        return Err(FileProblems::one(problem(
            file,
            "$.catalog",
            "not_a_kamae_standard",
            "このカタログには kamae の区分（tier）がありません。参照する枠組みなら kamae framework import で取り込んでください".into(),
            "this catalog has no kamae tiers; if it is a reference framework, import it with kamae framework import".into(),
        )));
    }
    for (path, c, category) in &all {
        let here =
            |field: &str, p: Problem| FileProblem::new(file, p).path(path.clone()).field(field);
        let code = match Code::parse(&label_of(c)) {
            Ok(code) => code,
            Err(p) => {
                problems.push(here("label", p));
                continue;
            }
        };
        let tier = match kamae_props(&c.props, "tier").next().map(Tier::read) {
            Some(Ok(t)) => t,
            Some(Err(p)) => {
                problems.push(here("tier", p));
                continue;
            }
            None => {
                problems.push(here(
                    "tier",
                    Problem::new(
                        "required",
                        "区分（tier）がありません",
                        "the tier is missing",
                    ),
                ));
                continue;
            }
        };
        let mut mappings = Vec::new();
        for m in kamae_props(&c.props, "mapping") {
            match FrameworkRef::parse(m) {
                Ok(r) => mappings.push(r),
                Err(p) => problems.push(here("mapping", p)),
            }
        }
        let requirement = {
            let text = statement_of(c, &params);
            text.trim().to_owned()
        };
        let category = match category {
            Some(c) => (*c).to_owned(),
            None => {
                problems.push(here(
                    "category",
                    Problem::new(
                        "required",
                        "グループ（分類）の外にある項目です",
                        "the item is outside every group (its category)",
                    ),
                ));
                continue;
            }
        };
        let optional = |name: &str| kamae_props(&c.props, name).next().map(str::to_owned);
        let item = StandardItem {
            code,
            title: c.title.trim().to_owned(),
            requirement,
            criterion: Criterion {
                text: kamae_part_prose(&c.parts, "criterion")
                    .unwrap_or("")
                    .to_owned(),
                value: optional("criterion-value"),
                unit: optional("criterion-unit"),
            },
            rationale: kamae_part_prose(&c.parts, "rationale")
                .unwrap_or("")
                .to_owned(),
            check: kamae_part_prose(&c.parts, "check").unwrap_or("").to_owned(),
            alternative: kamae_part_prose(&c.parts, "alternative").map(str::to_owned),
            category,
            tier,
            applicability: optional("applicability"),
            options: c
                .parts
                .iter()
                .filter(|p| p.name == "option" && is_kamae(&p.ns))
                .map(|p| ProductOption {
                    name: p.title.clone().unwrap_or_default(),
                    cost_note: p.prose.clone(),
                })
                .collect(),
            mappings,
        };
        for o in &item.options {
            if o.name.trim().is_empty() {
                problems.push(here(
                    "option",
                    Problem::new(
                        "required",
                        "推奨製品の名前（title）が空です",
                        "a recommended option has no title",
                    ),
                ));
            }
        }
        found.push((path.clone(), item));
    }
    let items: Vec<StandardItem> = found.iter().map(|(_, i)| i.clone()).collect();
    for (row, field, p) in check_items(&items) {
        let path = found
            .get(row - 1)
            .map(|(p, _)| p.clone())
            .unwrap_or_default();
        problems.push(FileProblem::new(file, p).path(path).field(field));
    }
    let metadata = &catalog.metadata;
    let reason = match kamae_props(&metadata.props, "reason")
        .next()
        .map(ChangeReason::parse)
    {
        Some(Ok(r)) => Some(r),
        Some(Err(p)) => {
            problems.push(
                FileProblem::new(file, p)
                    .path("$.catalog.metadata.props")
                    .field("reason"),
            );
            None
        }
        None => None,
    };
    let next_review_on = match kamae_props(&metadata.props, "next-review")
        .next()
        .map(kamae_core::calendar::parse_date)
    {
        Some(Ok(d)) => Some(d),
        Some(Err(p)) => {
            problems.push(
                FileProblem::new(file, p)
                    .path("$.catalog.metadata.props")
                    .field("next-review"),
            );
            None
        }
        None => None,
    };
    finish(
        StandardFile {
            title: Some(metadata.title.trim().to_owned()).filter(|t| !t.is_empty()),
            reason,
            change_log: metadata.remarks.clone(),
            next_review_on,
            items,
        },
        problems,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{"catalog": {"uuid": "00000000-0000-4000-8000-000000000001",
      "metadata": {"title": "Tiny Catalog", "version": "1.0", "oscal-version": "1.1.2", "last-modified": "2026-01-01T00:00:00Z"},
      "groups": [{"id": "ac", "title": "Access Control", "controls": [
        {"id": "ac-1", "title": "Policy", "params": [{"id": "ac-1_prm_1", "label": "organization-defined personnel"},
            {"id": "ac-1_prm_2", "select": {"how-many": "one-or-more", "choice": ["organization-level", "system-level"]}}],
         "props": [{"name": "label", "value": "AC-1"}],
         "parts": [{"id": "ac-1_smt", "name": "statement", "parts": [
            {"id": "ac-1_smt.a", "name": "item", "props": [{"name": "label", "value": "a."}], "prose": "Develop a {{ insert: param, ac-1_prm_2 }} policy and give it to {{ insert: param, ac-1_prm_1 }};"}]},
           {"name": "guidance", "prose": "Why."}],
         "controls": [{"id": "ac-1.1", "title": "Enhancement", "props": [{"name": "label", "value": "AC-1(1)"}]}]}
      ]}]}}"#;

    #[test]
    fn a_catalog_reads_with_its_hierarchy_and_parameters() {
        let f =
            read_framework("tiny.json", SMALL.as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.code.as_str(), "TINY-CATALOG");
        assert_eq!(f.nodes.len(), 3);
        assert_eq!(f.counted(), 2);
        let ac1 = f.find("AC-1").unwrap_or_else(|| panic!("AC-1"));
        assert_eq!(ac1.parent.as_deref(), Some("ac"));
        assert_eq!(
            ac1.description,
            "a. Develop a [Selection (one or more): organization-level; system-level] policy and give it to [Assignment: organization-defined personnel];"
        );
        let e = f.find("ac-1.1").unwrap_or_else(|| panic!("enhancement"));
        assert_eq!(
            (e.depth, e.kind, e.parent.as_deref()),
            (3, NodeKind::Enhancement, Some("ac-1"))
        );
    }

    #[test]
    fn broken_catalogs_say_where() {
        let cases: &[(&str, &str)] = &[
            ("{", "$."),
            (
                r#"{"catalog": {"metadata": {"title": "x"}, "groups": [{"id": "g"}]}}"#,
                "$.catalog.groups[0]",
            ),
            (
                r#"{"catalog": {"metadata": {"title": "x"}, "groups": [{"title": "g", "controls": [{"id": "c", "title": 5}]}]}}"#,
                "$.catalog.groups[0].controls[0].title",
            ),
            (
                r#"{"catalog": {"metadata": {"title": "x"}, "groups": []}}"#,
                "$.catalog",
            ),
            (
                r#"{"catalog": {"metadata": {"title": "x"}, "controls": [{"id": "a", "title": "A"}, {"id": "a", "title": "B"}]}}"#,
                "$.catalog",
            ),
            (
                r#"{"catalog": {"metadata": {"title": "x"}, "controls": [{"id": "a", "title": " "}]}}"#,
                "$.catalog.controls[0]",
            ),
        ];
        for (json, path) in cases {
            let e = read_framework("bad.json", json.as_bytes(), None).expect_err(json);
            assert!(
                e.0.iter()
                    .any(|p| p.path.as_deref().is_some_and(|p| p.starts_with(path))),
                "{json}: {e}"
            );
        }
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(read_framework("deep.json", deep.as_bytes(), None).is_err());
        assert!(read_framework("latin1.json", b"{\"catalog\": \xff}", None).is_err());
    }

    #[test]
    fn the_standard_goes_out_and_comes_back_the_same() {
        let mut first = crate::items::example_item().unwrap_or_else(|e| panic!("{e}"));
        first.options = vec![
            ProductOption {
                name: "UTM アプライアンス".into(),
                cost_note: Some("1拠点 年額約30万円".into()),
            },
            ProductOption {
                name: "クラウド型プロキシ".into(),
                cost_note: None,
            },
        ];
        first.applicability = Some("全社".into());
        let mut second = first.clone();
        second.code = Code::parse("01-NUMERIC").unwrap_or_else(|e| panic!("{e}"));
        second.category = "データ保護".into();
        second.tier = Tier::CompanyMandatory;
        second.alternative = None;
        second.criterion = Criterion {
            text: "四半期ごとに確認".into(),
            value: None,
            unit: None,
        };
        second.mappings = vec![
            FrameworkRef::Meti3(5),
            FrameworkRef::Reference {
                framework: "sp800-53".into(),
                control: "AC-2(1)".into(),
            },
        ];
        let items = vec![first, second];
        let bytes = write_standard(&StandardDocument {
            uuid: "01900000-0000-7000-8000-000000000000".into(),
            title: "グループ情報セキュリティ基準",
            version: "2 (approved)".into(),
            last_modified: DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
            reason: ChangeReason::NewItService,
            change_log: "クラウド利用の項目を追加",
            next_review_on: NaiveDate::from_ymd_opt(2027, 4, 1),
            items: &items,
        });
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains(KAMAE_NS) && text.contains("\"item-01-NUMERIC\""),
            "{text}"
        );
        let back = read_standard("standard.json", &bytes).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back.items, items);
        assert_eq!(back.title.as_deref(), Some("グループ情報セキュリティ基準"));
        assert_eq!(back.reason, Some(ChangeReason::NewItService));
        assert_eq!(back.change_log.as_deref(), Some("クラウド利用の項目を追加"));
        assert_eq!(back.next_review_on, NaiveDate::from_ymd_opt(2027, 4, 1));
        // The same file read as a reference framework is a catalog like any other.
        let f = read_framework("standard.json", &bytes, Code::parse("GROUP-STD").ok())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(f.counted(), 2);
    }

    #[test]
    fn a_broken_standard_names_each_control() {
        let json = format!(
            r#"{{"catalog": {{"uuid": "u", "metadata": {{"title": "t", "props": [{{"name": "reason", "ns": "{KAMAE_NS}", "value": "whim"}}]}},
            "groups": [{{"title": "分類", "controls": [
              {{"id": "a", "title": "A", "props": [{{"name": "tier", "ns": "{KAMAE_NS}", "value": "z"}}]}},
              {{"id": "b", "title": "", "props": [{{"name": "tier", "ns": "{KAMAE_NS}", "value": "a"}}, {{"name": "mapping", "ns": "{KAMAE_NS}", "value": "ISO27001:A.9.9"}}]}}
            ]}}]}}}}"#
        );
        let e = read_standard("s.json", json.as_bytes()).expect_err("broken");
        let places: Vec<(Option<&str>, Option<&str>)> =
            e.0.iter()
                .map(|p| (p.path.as_deref(), p.field.as_deref()))
                .collect();
        assert!(
            places.contains(&(Some("$.catalog.groups[0].controls[0]"), Some("tier"))),
            "{e}"
        );
        assert!(
            places.contains(&(Some("$.catalog.groups[0].controls[1]"), Some("mapping"))),
            "{e}"
        );
        assert!(
            places.contains(&(Some("$.catalog.groups[0].controls[1]"), Some("title"))),
            "{e}"
        );
        assert!(
            places.contains(&(Some("$.catalog.groups[0].controls[1]"), Some("requirement"))),
            "{e}"
        );
        assert!(
            places.contains(&(Some("$.catalog.metadata.props"), Some("reason"))),
            "{e}"
        );
    }

    #[test]
    fn a_foreign_catalog_is_not_a_standard() {
        let e = read_standard("tiny.json", SMALL.as_bytes()).expect_err("no tiers");
        assert_eq!(e.0[0].problem.code, "not_a_kamae_standard");
    }
}
