//! The glossary: the terms and abbreviations of the standard, explained in plain words in
//! Japanese and English, and where they occur in a text.

use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::text::required_text;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GlossaryTerm {
    /// As it is written in the standard's texts: `EDR`, 「脆弱性」.
    pub term: String,
    /// The explanation in Japanese.
    pub ja: String,
    /// The term in English.
    pub en_term: String,
    /// The explanation in English.
    pub en: String,
}

impl GlossaryTerm {
    /// Checks each part, with the field named in the message.
    pub fn checked(self) -> Result<GlossaryTerm, Problem> {
        let term = required_text(&self.term, "用語", "term")?;
        if term.chars().count() > 80 {
            return Err(Problem::new(
                "too_long",
                "用語は80文字までにしてください",
                "a term is at most 80 characters",
            ));
        }
        Ok(GlossaryTerm {
            term,
            ja: explanation(&self.ja, "日本語の説明", "explanation in Japanese")?,
            en_term: required_text(&self.en_term, "英語の用語", "term in English")?,
            en: explanation(&self.en, "英語の説明", "explanation in English")?,
        })
    }
}

/// A plain explanation: one paragraph of at most 1,000 characters.
fn explanation(value: &str, field_ja: &str, field_en: &str) -> Result<String, Problem> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Problem::new(
            "required",
            format!("{field_ja}を入力してください"),
            format!("{field_en} is required"),
        ));
    }
    if v.chars().count() > 1000 || v.chars().any(char::is_control) {
        return Err(Problem::new(
            "invalid_text",
            format!("{field_ja}は改行なしの1000文字以内にしてください"),
            format!("{field_en}: one paragraph of at most 1000 characters"),
        ));
    }
    Ok(v.to_owned())
}

/// A stretch of text: plain, or the occurrence of the glossary term at this index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Term(&'a str, usize),
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// Splits a text at every occurrence of a term: the longest term wins where several start
/// at one place (「脆弱性診断」 before 「脆弱性」), and a term written in ASCII only counts as a
/// whole word (`OT` is not found in `ROTATE`).
pub fn find_terms<'a>(text: &'a str, terms: &[&str]) -> Vec<Piece<'a>> {
    let mut order: Vec<usize> = (0..terms.len()).filter(|i| !terms[*i].is_empty()).collect();
    order.sort_by_key(|i| std::cmp::Reverse(terms[*i].len()));
    let mut out = Vec::new();
    let mut plain_from = 0;
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let found = order.iter().copied().find(|i| {
            let term = terms[*i];
            if !rest.starts_with(term) {
                return false;
            }
            if !term.is_ascii() {
                return true;
            }
            let before = text[..at].chars().next_back();
            let after = rest[term.len()..].chars().next();
            !before.is_some_and(is_word) && !after.is_some_and(is_word)
        });
        match found {
            Some(i) => {
                if plain_from < at {
                    out.push(Piece::Text(&text[plain_from..at]));
                }
                let end = at + terms[i].len();
                out.push(Piece::Term(&text[at..end], i));
                at = end;
                plain_from = end;
            }
            None => {
                at += rest.chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    if plain_from < text.len() {
        out.push(Piece::Text(&text[plain_from..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_term_wins_and_ascii_terms_are_whole_words() {
        let terms = ["脆弱性", "脆弱性診断", "OT", "EDR"];
        let pieces = find_terms(
            "年1回の脆弱性診断で脆弱性を探す。OT機器とROTATEとEDR。",
            &terms,
        );
        assert_eq!(
            pieces,
            vec![
                Piece::Text("年1回の"),
                Piece::Term("脆弱性診断", 1),
                Piece::Text("で"),
                Piece::Term("脆弱性", 0),
                Piece::Text("を探す。"),
                Piece::Term("OT", 2),
                Piece::Text("機器とROTATEと"),
                Piece::Term("EDR", 3),
                Piece::Text("。"),
            ]
        );
        assert_eq!(find_terms("", &terms), vec![]);
        assert_eq!(find_terms("なし", &[]), vec![Piece::Text("なし")]);
    }

    #[test]
    fn every_part_of_a_term_is_required() {
        let t = GlossaryTerm {
            term: "EDR".into(),
            ja: " ".into(),
            en_term: "EDR".into(),
            en: "x".into(),
        };
        assert!(t.checked().is_err());
    }
}
