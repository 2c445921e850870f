//! The information-asset inventory (step 3 of role E): information and systems per company
//! and department, with their owner, classification, confidentiality / integrity /
//! availability values, where they live and which business operations depend on them.

use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::org::word_enum;
use crate::text::Code;

word_enum! {
    AssetKind, "資産の種別", "asset kind" {
        Information => "information", "情報", "information";
        System => "system", "システム", "system";
        Service => "service", "サービス", "service";
        Device => "device", "機器", "device";
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InformationAsset {
    /// The asset's id, unique in the group.
    pub code: Code,
    pub company: Code,
    pub department: Option<Code>,
    pub name: String,
    pub kind: AssetKind,
    pub owner: String,
    /// The company's own label (社外秘, 機密, 公開 …).
    pub classification: String,
    /// Each 1 (low) to 3 (high), as IPA's inventory rates them.
    pub confidentiality: u8,
    pub integrity: u8,
    pub availability: u8,
    pub location: String,
    /// The business operations that depend on it.
    pub operations: Vec<String>,
    pub note: String,
}

impl InformationAsset {
    /// IPA's importance: the highest of the three values.
    pub fn importance(&self) -> u8 {
        self.confidentiality
            .max(self.integrity)
            .max(self.availability)
    }

    /// Every problem with the field it concerns.
    pub fn check(&self) -> Vec<(&'static str, Problem)> {
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push((
                "name",
                Problem::new("required", "名称が空です", "the name is empty"),
            ));
        }
        for (field, value) in [
            ("confidentiality", self.confidentiality),
            ("integrity", self.integrity),
            ("availability", self.availability),
        ] {
            if !(1..=3).contains(&value) {
                out.push((
                    field,
                    Problem::new(
                        "invalid_value",
                        format!("{value} は使えません。1〜3 で書いてください"),
                        format!("{value} is not a value; use 1 to 3"),
                    ),
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
    fn importance_is_the_highest_value_and_values_run_one_to_three() {
        let mut a = InformationAsset {
            code: Code::parse("AS-1").unwrap_or_else(|e| panic!("{e}")),
            company: Code::parse("X").unwrap_or_else(|e| panic!("{e}")),
            department: None,
            name: "顧客データベース".into(),
            kind: AssetKind::Information,
            owner: "営業部長".into(),
            classification: "機密".into(),
            confidentiality: 3,
            integrity: 2,
            availability: 1,
            location: "本社データセンター".into(),
            operations: vec!["受注".into()],
            note: String::new(),
        };
        assert_eq!(a.importance(), 3);
        assert!(a.check().is_empty());
        a.availability = 4;
        assert_eq!(a.check()[0].0, "availability");
    }
}
