use std::fmt;

use serde::Serialize;

/// A problem the user can act on: a stable machine-readable code (snake_case, never
/// renamed once shipped, because scripts and the UI key on it) and the same message in
/// Japanese and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub code: &'static str,
    pub ja: String,
    pub en: String,
}

impl Problem {
    pub fn new(code: &'static str, ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self {
            code,
            ja: ja.into(),
            en: en.into(),
        }
    }

    /// Prefixes both messages with where the problem was found (a field, a row, a file).
    /// Several problems as one, each on its own line; none when there are none.
    pub fn all(code: &'static str, problems: &[Problem]) -> Option<Self> {
        if problems.is_empty() {
            return None;
        }
        let lines =
            |pick: fn(&Problem) -> &str| problems.iter().map(pick).collect::<Vec<_>>().join("\n");
        Some(Problem::new(code, lines(|p| &p.ja), lines(|p| &p.en)))
    }

    pub fn at(mut self, where_ja: &str, where_en: &str) -> Self {
        self.ja = format!("{where_ja}: {}", self.ja);
        self.en = format!("{where_en}: {}", self.en);
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\n{}", self.ja, self.en)
    }
}

impl std::error::Error for Problem {}
