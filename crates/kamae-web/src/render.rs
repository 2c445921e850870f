//! Turning records into what people read: Markdown as HTML, differences between versions,
//! instants in the group's time zone, before/after images as field changes.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use pulldown_cmark::{Event, Options, Parser, html};
use similar::{ChangeTag, TextDiff};

/// Markdown as HTML. Raw HTML in the text is shown as text, never passed through: a
/// document is data, not markup that could carry a script.
pub fn markdown(text: &str) -> String {
    let parser =
        Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|e| {
            match e {
                Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
                other => other,
            }
        });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

/// Markdown as HTML (raw HTML shown as text) with every glossary term marked: the term
/// shows its explanation on hover, on focus and on tap, without JavaScript. Terms inside
/// links and code are left alone. `terms` are (term, explanation) pairs.
pub fn markdown_with_terms(text: &str, terms: &[(&str, &str)]) -> String {
    use pulldown_cmark::{CowStr, Tag, TagEnd};
    let names: Vec<&str> = terms.iter().map(|t| t.0).collect();
    let mut inside_link_or_code = 0usize;
    let events = Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
        .flat_map(|e| {
            let mut out: Vec<Event> = Vec::new();
            match e {
                Event::Start(tag @ (Tag::Link { .. } | Tag::CodeBlock(_))) => {
                    inside_link_or_code += 1;
                    out.push(Event::Start(tag));
                }
                Event::End(end @ (TagEnd::Link | TagEnd::CodeBlock)) => {
                    inside_link_or_code = inside_link_or_code.saturating_sub(1);
                    out.push(Event::End(end));
                }
                Event::Html(h) | Event::InlineHtml(h) => out.push(Event::Text(h)),
                Event::Text(t) if inside_link_or_code == 0 && !names.is_empty() => {
                    for piece in kamae_core::rules::find_terms(&t, &names) {
                        match piece {
                            kamae_core::rules::Piece::Text(p) => {
                                out.push(Event::Text(CowStr::from(p.to_owned())))
                            }
                            kamae_core::rules::Piece::Term(p, i) => {
                                let mut html = String::from("<span class=\"term\" tabindex=\"0\">");
                                let _ = pulldown_cmark_escape::escape_html(&mut html, p);
                                html.push_str("<span class=\"explain\" role=\"tooltip\">");
                                let _ = pulldown_cmark_escape::escape_html(&mut html, terms[i].1);
                                html.push_str("</span></span>");
                                out.push(Event::InlineHtml(CowStr::from(html)));
                            }
                        }
                    }
                }
                other => out.push(other),
            }
            out
        });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// `add`, `del` or `same`.
    pub tag: &'static str,
    pub text: String,
}

/// A line-by-line comparison of two texts.
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let diff = TextDiff::from_lines(old, new);
    diff.iter_all_changes()
        .map(|c| DiffLine {
            tag: match c.tag() {
                ChangeTag::Insert => "add",
                ChangeTag::Delete => "del",
                ChangeTag::Equal => "same",
            },
            text: c.value().trim_end_matches('\n').to_owned(),
        })
        .collect()
}

/// An instant as the group reads it: `2026-11-29 01:20`.
pub fn local(t: DateTime<Utc>, tz: Tz) -> String {
    t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string()
}

/// The audit trail's text instant, in the group's time zone.
pub fn local_text(at: &str, tz: Tz) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| local(t.with_timezone(&Utc), tz))
        .unwrap_or_else(|_| at.to_owned())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// How a value reads: user ids as names, instants in the group's time zone.
pub struct Readable<'a> {
    pub names: &'a std::collections::HashMap<String, String>,
    pub tz: Tz,
}

impl Readable<'_> {
    pub fn value(&self, v: &str) -> String {
        if let Some(name) = self.names.get(v) {
            return name.clone();
        }
        if v.len() >= 20
            && v.as_bytes().get(4) == Some(&b'-')
            && let Ok(t) = DateTime::parse_from_rfc3339(v)
        {
            return local(t.with_timezone(&Utc), self.tz);
        }
        v.to_owned()
    }
}

/// The fields that differ between two images, made readable.
pub fn readable_changes(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
    r: &Readable<'_>,
) -> Vec<FieldChange> {
    field_changes(before, after)
        .into_iter()
        .map(|c| FieldChange {
            before: c.before.map(|v| r.value(&v)),
            after: c.after.map(|v| r.value(&v)),
            field: c.field,
        })
        .collect()
}

/// The fields that differ between a before and an after image (every field when one side
/// is missing), in the order of the after image.
pub fn field_changes(
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let b = before.and_then(|v| v.as_object()).unwrap_or(&empty);
    let a = after.and_then(|v| v.as_object()).unwrap_or(&empty);
    let mut keys: Vec<&String> = a.keys().collect();
    for k in b.keys() {
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| FieldChange {
            field: k.clone(),
            before: b.get(k).map(show),
            after: a.get(k).map(show),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glossary_terms_are_marked_outside_links_and_code_and_escaped() {
        let out = markdown_with_terms(
            "EDRを入れる。[EDR](/x) と `EDR`\n\n```\nEDR\n```\n\nOTとROTATE",
            &[("EDR", "端末の<監視>"), ("OT", "工場の制御系")],
        );
        assert_eq!(out.matches("class=\"term\"").count(), 2, "{out}");
        assert!(out.contains("<span class=\"term\" tabindex=\"0\">EDR<span class=\"explain\" role=\"tooltip\">端末の&lt;監視&gt;</span></span>を入れる"), "{out}");
        assert!(
            out.contains("<a href=\"/x\">EDR</a>") && out.contains("<code>EDR</code>"),
            "{out}"
        );
        assert!(out.contains("とROTATE</p>"), "{out}");
        assert!(
            markdown_with_terms("<script>x</script>", &[("x", "y")]).contains("&lt;script&gt;")
        );
    }

    #[test]
    fn markdown_never_passes_html_through() {
        let out = markdown("# 目的\n\n<script>alert(1)</script>\n\n**重要** <b>x</b>");
        assert!(out.contains("<h1>目的</h1>"));
        assert!(out.contains("<strong>重要</strong>"));
        assert!(!out.contains("<script>"), "{out}");
        assert!(out.contains("&lt;script&gt;"), "{out}");
        assert!(!out.contains("<b>"), "{out}");
    }

    #[test]
    fn diffs_and_changes() {
        let d = line_diff("a\nb\nc\n", "a\nB\nc\n");
        let tags: Vec<_> = d.iter().map(|l| (l.tag, l.text.as_str())).collect();
        assert_eq!(
            tags,
            vec![("same", "a"), ("del", "b"), ("add", "B"), ("same", "c")]
        );
        let before = serde_json::json!({"name": "X社", "in_reporting_scope": true});
        let after = serde_json::json!({"name": "X社", "in_reporting_scope": false});
        let c = field_changes(Some(&before), Some(&after));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].field, "in_reporting_scope");
        assert_eq!(c[0].after.as_deref(), Some("false"));
    }
}
