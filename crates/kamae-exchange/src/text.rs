//! Text as files bring it: UTF-8 with or without a BOM, or Shift_JIS (CP932) from Excel on
//! Japanese Windows; and cells that a spreadsheet must not run as formulas.

use encoding_rs::SHIFT_JIS;

/// Decodes a CSV file: UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), otherwise
/// Shift_JIS (CP932). `None` when neither reads cleanly.
pub fn decode(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_owned());
    }
    let (text, _, had_errors) = SHIFT_JIS.decode(bytes);
    if had_errors {
        None
    } else {
        Some(text.into_owned())
    }
}

/// A cell as a spreadsheet may show it: text that starts like a formula (`=`, `+`, `-`, `@`,
/// a tab or a carriage return) gets a leading apostrophe, so that it stays text.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// The inverse of [`neutralise`] on reading kamae's own exports back.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest)
            if matches!(
                rest.chars().next(),
                Some('=' | '+' | '-' | '@' | '\t' | '\r')
            ) =>
        {
            rest
        }
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_and_shift_jis() {
        assert_eq!(
            decode("項目ID,title".as_bytes()).as_deref(),
            Some("項目ID,title")
        );
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice("分類".as_bytes());
        assert_eq!(decode(&with_bom).as_deref(), Some("分類"));
        let (sjis, _, _) = SHIFT_JIS.encode("要求事項,区分");
        assert_eq!(decode(&sjis).as_deref(), Some("要求事項,区分"));
        assert_eq!(decode(&[0x81, 0x39, 0xff, 0xfe]), None);
    }

    #[test]
    fn formulas_stay_text() {
        for f in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx"] {
            let n = neutralise(f);
            assert!(n.starts_with('\''), "{f}");
            assert_eq!(unneutralise(&n), f);
        }
        assert_eq!(neutralise("退職者"), "退職者");
        assert_eq!(unneutralise("'quoted"), "'quoted");
    }
}
