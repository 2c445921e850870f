//! Every label comes from the message catalog, in both languages.

use std::collections::BTreeSet;
use std::path::Path;

use kamae_web::i18n::{EN_TOML, JA_TOML, parse_catalog};

fn templates() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut out = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
                out.push((path.display().to_string(), text));
            }
        }
    }
    out
}

/// Keys used as `t.get("…")` or `t.fill("…"` in templates and in the Rust sources of pages.
fn used_keys() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut texts = templates();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut stack = vec![src];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{e}")) {
            let path = entry.unwrap_or_else(|e| panic!("{e}")).path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                texts.push((
                    path.display().to_string(),
                    std::fs::read_to_string(&path).unwrap_or_default(),
                ));
            }
        }
    }
    for (_, text) in texts {
        for marker in ["t.get(\"", "t().get(\"", "t.fill(\"", "\"role.purpose."] {
            for part in text.split(marker).skip(1) {
                if let Some(end) = part.find('"') {
                    let key = if marker.starts_with("\"role") {
                        format!("role.purpose.{}", &part[..end])
                    } else {
                        part[..end].to_owned()
                    };
                    keys.insert(key);
                }
            }
        }
    }
    keys
}

#[test]
fn both_languages_have_the_same_keys() {
    let ja = parse_catalog(JA_TOML).unwrap_or_else(|e| panic!("ja.toml: {e}"));
    let en = parse_catalog(EN_TOML).unwrap_or_else(|e| panic!("en.toml: {e}"));
    let ja_keys: BTreeSet<_> = ja.keys().cloned().collect();
    let en_keys: BTreeSet<_> = en.keys().cloned().collect();
    let only_ja: Vec<_> = ja_keys.difference(&en_keys).collect();
    let only_en: Vec<_> = en_keys.difference(&ja_keys).collect();
    assert!(only_ja.is_empty(), "missing in en.toml: {only_ja:?}");
    assert!(only_en.is_empty(), "missing in ja.toml: {only_en:?}");
    for (k, v) in ja.iter().chain(en.iter()) {
        assert!(!v.trim().is_empty(), "empty label {k}");
    }
}

#[test]
fn every_key_used_exists() {
    let ja = parse_catalog(JA_TOML).unwrap_or_else(|e| panic!("{e}"));
    let used = used_keys();
    assert!(
        used.len() > 20,
        "found only {} keys: the scan is broken",
        used.len()
    );
    let missing: Vec<_> = used.iter().filter(|k| !ja.contains_key(*k)).collect();
    assert!(
        missing.is_empty(),
        "keys used but not in the catalog: {missing:?}"
    );
}

/// Templates hold markup and expressions only: any word outside `{{ }}`, `{% %}` and tags
/// would be a label that does not come from the catalog.
#[test]
fn no_label_is_written_into_a_template() {
    for (path, text) in templates() {
        let mut rest = text.as_str();
        let mut visible = String::new();
        while !rest.is_empty() {
            let next = ["{{", "{%", "{#", "<"]
                .iter()
                .filter_map(|m| rest.find(m).map(|i| (i, *m)))
                .min();
            match next {
                None => {
                    visible.push_str(rest);
                    break;
                }
                Some((i, open)) => {
                    visible.push_str(&rest[..i]);
                    let close = match open {
                        "{{" => "}}",
                        "{%" => "%}",
                        "{#" => "#}",
                        _ => ">",
                    };
                    let after = &rest[i + open.len()..];
                    rest = match after.find(close) {
                        Some(j) => &after[j + close.len()..],
                        None => "",
                    };
                }
            }
        }
        let words: Vec<&str> = visible
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .collect();
        assert!(
            words.is_empty(),
            "{path} has text outside the catalog: {words:?}"
        );
    }
}
