//! How the command line talks: errors in Japanese and English, tables, JSON.

use kamae_store::StoreError;
use serde::Serialize;

pub fn print_error(e: &StoreError) {
    match e {
        StoreError::Problem(p) => eprintln!("エラー: {}\nerror: {}", p.ja, p.en),
        other => eprintln!("エラー / error: {other}"),
    }
}

pub fn print_json<T: Serialize>(value: &T) -> Result<(), StoreError> {
    println!(
        "{}",
        serde_json::to_string_pretty(value).map_err(StoreError::from)?
    );
    Ok(())
}

/// Long listings: stops quietly when the reader has gone (`kamae … | head`).
pub fn print_lines(lines: impl IntoIterator<Item = String>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for line in lines {
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
}

/// Left-aligned columns, counting East Asian wide characters as two.
pub fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let width = |s: &str| {
        s.chars()
            .map(|c| if is_wide(c) { 2 } else { 1 })
            .sum::<usize>()
    };
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for r in rows {
        for (i, cell) in r.iter().enumerate() {
            if i < widths.len() {
                widths[i] = widths[i].max(width(cell));
            }
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::from("  ");
        for (i, c) in cells.iter().enumerate() {
            out.push_str(c);
            if i + 1 < cells.len() {
                out.push_str(&" ".repeat(widths[i] - width(c) + 2));
            }
        }
        out.trim_end().to_owned()
    };
    let mut out = vec![line(headers.to_vec())];
    for r in rows {
        out.push(line(r.iter().map(String::as_str).collect()));
    }
    out.join("\n")
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF |
        0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 |
        0xFFE0..=0xFFE6)
}

#[cfg(test)]
mod tests {
    #[test]
    fn wide_characters_count_double() {
        let t = super::table(&["名前", "x"], &[vec!["A社".into(), "1".into()]]);
        assert_eq!(t, "  名前  x\n  A社   1");
    }
}
