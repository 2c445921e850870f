//! Small validated texts: short codes, e-mail addresses, names.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Problem;

/// A short code people type on the command line and see in reports: `A`, `X-Y1`, `ec`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Code(String);

impl Code {
    pub const MAX_LEN: usize = 32;

    pub fn parse(s: &str) -> Result<Self, Problem> {
        let s = s.trim();
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if s.is_empty() || s.len() > Self::MAX_LEN || !ok_chars {
            return Err(Problem::new(
                "invalid_code",
                format!(
                    "コード {s:?} は使えません。半角英数字・ハイフン・下線で1〜32文字にしてください"
                ),
                format!("code {s:?} is not allowed: use 1–32 ASCII letters, digits, '-' or '_'"),
            ));
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Code {
    type Error = Problem;
    fn try_from(s: String) -> Result<Self, Problem> {
        Self::parse(&s)
    }
}

impl From<Code> for String {
    fn from(c: Code) -> String {
        c.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An e-mail address, kept in lower case so that sign-in does not depend on how it was typed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(s: &str) -> Result<Self, Problem> {
        let s = s.trim().to_lowercase();
        let bad = || {
            Problem::new(
                "invalid_email",
                format!("メールアドレスとして正しくありません: {s:?}"),
                format!("not a valid e-mail address: {s:?}"),
            )
        };
        let (local, domain) = s.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || s.len() > 254
            || s.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(bad());
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = Problem;
    fn try_from(s: String) -> Result<Self, Problem> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A required, single-line, human-readable name or title.
pub fn required_text(value: &str, field_ja: &str, field_en: &str) -> Result<String, Problem> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Problem::new(
            "required",
            format!("{field_ja}を入力してください"),
            format!("{field_en} is required"),
        ));
    }
    if v.chars().count() > 200 || v.chars().any(|c| c.is_control()) {
        return Err(Problem::new(
            "invalid_text",
            format!("{field_ja}は改行なしの200文字以内にしてください"),
            format!("{field_en} must be one line of at most 200 characters"),
        ));
    }
    Ok(v.to_owned())
}

/// The reason a user gives for an archive, a rejection or a revocation: the audit trail
/// keeps it, so it may not be blank.
pub fn required_reason(reason: Option<&str>) -> Result<String, Problem> {
    match reason.map(str::trim) {
        Some(r) if !r.is_empty() => Ok(r.to_owned()),
        _ => Err(Problem::new(
            "reason_required",
            "理由を入力してください（監査証跡に残ります）",
            "a reason is required (it is kept in the audit trail)",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(Code::parse("X-Y1").is_ok());
        assert!(Code::parse("").is_err());
        assert!(Code::parse("A社").is_err());
        assert!(Code::parse("a b").is_err());
        assert_eq!(Code::parse(" ec ").map(|c| c.0), Ok("ec".into()));
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" CISO@A-sha.Example ").map(|e| e.0),
            Ok("ciso@a-sha.example".into())
        );
        for bad in ["", "a", "a@b", "@b.c", "a@.c", "a@b.", "a b@c.d", "a@b@c.d"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reasons_are_required() {
        assert!(required_reason(None).is_err());
        assert!(required_reason(Some("  ")).is_err());
        assert_eq!(required_reason(Some(" 退職 ")), Ok("退職".into()));
    }
}
