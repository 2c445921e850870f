//! The message catalog: every label of every page, in Japanese and English, from
//! `locales/ja.toml` and `locales/en.toml` compiled into the binary. Japanese is the default.

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ja" | "ja-jp" => Some(Lang::Ja),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first of Japanese or English that an Accept-Language header asks for, by weight.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            let lang = if tag.starts_with("ja") {
                Lang::Ja
            } else if tag.starts_with("en") {
                Lang::En
            } else {
                continue;
            };
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l)
    }

    /// Picks the Japanese or the English of a bilingual pair.
    pub fn pick<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }
}

#[derive(Debug)]
pub struct Catalog {
    ja: BTreeMap<String, String>,
    en: BTreeMap<String, String>,
}

pub const JA_TOML: &str = include_str!("../locales/ja.toml");
pub const EN_TOML: &str = include_str!("../locales/en.toml");

fn flatten(
    prefix: &str,
    value: &toml::Value,
    out: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out)?;
            }
            Ok(())
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
            Ok(())
        }
        other => Err(format!(
            "{prefix}: expected text, found {}",
            other.type_str()
        )),
    }
}

pub fn parse_catalog(text: &str) -> Result<BTreeMap<String, String>, String> {
    let value: toml::Value = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    flatten("", &value, &mut out)?;
    Ok(out)
}

impl Catalog {
    pub fn load() -> Result<Catalog, String> {
        Ok(Catalog {
            ja: parse_catalog(JA_TOML).map_err(|e| format!("locales/ja.toml: {e}"))?,
            en: parse_catalog(EN_TOML).map_err(|e| format!("locales/en.toml: {e}"))?,
        })
    }

    /// The label, or the key itself if a label is missing (a test keeps that from shipping).
    pub fn get<'a>(&'a self, lang: Lang, key: &'a str) -> &'a str {
        let map = match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        };
        map.get(key).map(String::as_str).unwrap_or(key)
    }

    pub fn keys(&self, lang: Lang) -> impl Iterator<Item = &String> {
        match lang {
            Lang::Ja => self.ja.keys(),
            Lang::En => self.en.keys(),
        }
    }
}

/// The catalog in one language, as templates use it: `{{ t.get("nav.home") }}`.
#[derive(Clone, Copy)]
pub struct T<'a> {
    pub catalog: &'a Catalog,
    pub lang: Lang,
}

impl<'a> T<'a> {
    pub fn get(&self, key: &'a str) -> &'a str {
        self.catalog.get(self.lang, key)
    }

    /// A label with `{name}` placeholders filled in.
    pub fn fill(&self, key: &'a str, values: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_owned();
        for (k, v) in values {
            s = s.replace(&format!("{{{k}}}"), v);
        }
        s
    }

    /// "第3版" / "v3".
    pub fn version(&self, n: &u32) -> String {
        self.fill("artifact.version", &[("n", &n.to_string())])
    }

    pub fn lang(&self) -> &'static str {
        self.lang.code()
    }

    pub fn pick(&self, ja: &'a str, en: &'a str) -> &'a str {
        self.lang.pick(ja, en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,ja;q=0.8"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("ja,en-US;q=0.9"), Some(Lang::Ja));
        assert_eq!(
            Lang::from_accept_language("fr-FR, en;q=0.5"),
            Some(Lang::En)
        );
        assert_eq!(Lang::from_accept_language("fr-FR"), None);
    }
}
