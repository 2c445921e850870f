//! Role C's evidence for estimates: a library of public incidents (sector, size, cause,
//! damage, source, date) that business cases cite where their figures come from.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::text::Code;

/// One public incident, written from public facts with its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentCase {
    /// The library's own id for it (`CASE-2017-01`): what a business case cites.
    pub code: Code,
    pub title: String,
    /// The victim's sector (retail, finance, public sector…).
    pub sector: String,
    /// Its size as reported (employees, revenue, customers).
    pub size: String,
    /// How it happened.
    pub cause: String,
    /// What it cost, in words (people affected, money, executives who left).
    pub damage: String,
    /// The damage in yen where a figure was published.
    pub damage_yen: Option<i64>,
    /// People whose data was affected, where published.
    pub people: Option<i64>,
    /// Where the facts come from (a report, an official statement).
    pub source: String,
    pub occurred_on: NaiveDate,
}

impl IncidentCase {
    /// Every problem, each naming its field.
    pub fn check(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (value, ja, en) in [
            (&self.title, "表題", "title"),
            (&self.sector, "業種", "sector"),
            (&self.cause, "原因", "cause"),
            (&self.damage, "被害", "damage"),
            (&self.source, "出典", "source"),
        ] {
            if value.trim().is_empty() {
                out.push(Problem::new(
                    "required",
                    format!("「{ja}」が空です"),
                    format!("the {en} is empty"),
                ));
            }
        }
        for (value, ja, en) in [
            (self.damage_yen, "被害額", "damage in yen"),
            (self.people, "影響を受けた人数", "people affected"),
        ] {
            if value.is_some_and(|v| v < 0) {
                out.push(Problem::new(
                    "negative_amount",
                    format!("「{ja}」は 0 以上にしてください"),
                    format!("the {en} must not be negative"),
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_names_each_missing_field() {
        let c = IncidentCase {
            code: Code::parse("CASE-1").unwrap_or_else(|p| panic!("{p}")),
            title: " ".into(),
            sector: "小売".into(),
            size: String::new(),
            cause: "未適用の修正プログラム".into(),
            damage: String::new(),
            damage_yen: Some(-1),
            people: None,
            source: "公表資料".into(),
            occurred_on: NaiveDate::from_ymd_opt(2017, 7, 29).unwrap_or_default(),
        };
        let en: Vec<String> = c.check().into_iter().map(|p| p.en).collect();
        assert_eq!(
            en,
            [
                "the title is empty",
                "the damage is empty",
                "the damage in yen must not be negative"
            ]
        );
    }
}
