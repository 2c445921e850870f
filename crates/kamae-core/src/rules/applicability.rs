//! Which items of the standard bind a company: every group-mandatory (a) item, the
//! company-mandatory (b) items its applicability agreement names, and the recommended (c)
//! items it adopts. The agreement is the only place a tier-b item's companies are set.

use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::org::word_enum;
use crate::rules::{ItemChanges, StandardItem, Tier, compare_items};
use crate::text::Code;

word_enum! {
    /// What an item of the standard is to one company.
    Applies, "適用", "applicability" {
        GroupMandatory => "group_mandatory", "グループ必須", "group-mandatory";
        AgreedMandatory => "agreed_mandatory", "必須（合意）", "mandatory (agreed)";
        NotNamed => "not_named", "対象外（合意にない会社必須項目）", "not named (company-mandatory, not in the agreement)";
        Adopted => "adopted", "採用した推奨", "adopted recommendation";
        Recommended => "recommended", "推奨（未採用）", "recommended (not adopted)";
    }
}

impl Applies {
    /// Whether the company must meet it (and an exception is needed where it does not).
    pub fn binding(self) -> bool {
        matches!(self, Applies::GroupMandatory | Applies::AgreedMandatory)
    }

    /// Whether it is part of the company's own standard (binding, or adopted).
    pub fn in_force(self) -> bool {
        self.binding() || self == Applies::Adopted
    }
}

/// The choices of one agreement: item codes, as agreed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicability {
    /// Company-mandatory (b) items that bind the company.
    pub mandatory: Vec<String>,
    /// Recommended (c) items the company adopts.
    pub adopted: Vec<String>,
}

impl Applicability {
    pub fn of(&self, item: &StandardItem) -> Applies {
        let named = |list: &[String]| list.iter().any(|c| c == item.code.as_str());
        match item.tier {
            Tier::GroupMandatory => Applies::GroupMandatory,
            Tier::CompanyMandatory if named(&self.mandatory) => Applies::AgreedMandatory,
            Tier::CompanyMandatory => Applies::NotNamed,
            Tier::Recommended if named(&self.adopted) => Applies::Adopted,
            Tier::Recommended => Applies::Recommended,
        }
    }

    /// How many items bind the company in this set of items.
    pub fn binding_count(&self, items: &[StandardItem]) -> usize {
        items.iter().filter(|i| self.of(i).binding()).count()
    }

    /// The items in force for the company (binding or adopted), in the standard's order.
    pub fn in_force(&self, items: &[StandardItem]) -> Vec<StandardItem> {
        items
            .iter()
            .filter(|i| self.of(i).in_force())
            .cloned()
            .collect()
    }

    /// What a revision from `old` to `new` changes for the company: the changes among the
    /// items in force for it.
    pub fn changes(&self, old: &[StandardItem], new: &[StandardItem]) -> ItemChanges {
        compare_items(&self.in_force(old), &self.in_force(new))
    }

    /// Company-mandatory items of `new` that the agreement does not decide yet because they
    /// are new, or were another tier before: they need a new agreement to bind anyone.
    pub fn undecided(&self, old: &[StandardItem], new: &[StandardItem]) -> Vec<String> {
        new.iter()
            .filter(|n| n.tier == Tier::CompanyMandatory)
            .filter(|n| {
                !old.iter()
                    .any(|o| o.code == n.code && o.tier == Tier::CompanyMandatory)
            })
            .filter(|n| !self.mandatory.iter().any(|c| c == n.code.as_str()))
            .map(|n| n.code.to_string())
            .collect()
    }

    /// Checks the choices against the standard they are made for; every problem at once, each
    /// with its field (`mandatory` or `adopted`). Duplicates are dropped.
    pub fn checked(
        mandatory: &[Code],
        adopted: &[Code],
        items: &[StandardItem],
    ) -> Result<Applicability, Vec<(String, Problem)>> {
        let mut problems = Vec::new();
        let mut out = Applicability::default();
        for (field, codes, tier) in [
            ("mandatory", mandatory, Tier::CompanyMandatory),
            ("adopted", adopted, Tier::Recommended),
        ] {
            for code in codes {
                match items.iter().find(|i| i.code == *code) {
                    None => problems.push((
                        field.to_owned(),
                        Problem::new(
                            "unknown_item",
                            format!("項目 {code} は承認された基準にありません"),
                            format!("item {code} is not in the approved standard"),
                        ),
                    )),
                    Some(i) if i.tier != tier => problems.push((
                        field.to_owned(),
                        match tier {
                            Tier::CompanyMandatory => Problem::new(
                                "not_company_mandatory",
                                format!(
                                    "項目 {code} は{}です。合意で必須にできるのは会社必須（b）の項目です",
                                    i.tier.label_ja()
                                ),
                                format!(
                                    "item {code} is {}: only company-mandatory (b) items are made mandatory by an agreement",
                                    i.tier.label_en()
                                ),
                            ),
                            _ => Problem::new(
                                "not_recommended",
                                format!(
                                    "項目 {code} は{}です。採用を選べるのは推奨（c）の項目です",
                                    i.tier.label_ja()
                                ),
                                format!(
                                    "item {code} is {}: only recommended (c) items are adopted",
                                    i.tier.label_en()
                                ),
                            ),
                        },
                    )),
                    Some(_) => {
                        let list = if tier == Tier::CompanyMandatory {
                            &mut out.mandatory
                        } else {
                            &mut out.adopted
                        };
                        if !list.iter().any(|c| c == code.as_str()) {
                            list.push(code.to_string());
                        }
                    }
                }
            }
        }
        if problems.is_empty() {
            out.mandatory.sort();
            out.adopted.sort();
            Ok(out)
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Criterion;

    fn item(code: &str, tier: Tier) -> StandardItem {
        StandardItem {
            code: Code::parse(code).unwrap_or_else(|p| panic!("{p:?}")),
            title: format!("{code} title"),
            requirement: "r".into(),
            criterion: Criterion {
                text: "c".into(),
                value: None,
                unit: None,
            },
            rationale: "why".into(),
            check: "how".into(),
            alternative: None,
            category: "cat".into(),
            tier,
            applicability: None,
            options: Vec::new(),
            mappings: Vec::new(),
        }
    }

    fn codes(s: &[&str]) -> Vec<Code> {
        s.iter()
            .map(|c| Code::parse(c).unwrap_or_else(|p| panic!("{p:?}")))
            .collect()
    }

    #[test]
    fn only_named_b_items_bind_and_only_adopted_c_items_apply() {
        let items = vec![
            item("A-1", Tier::GroupMandatory),
            item("B-1", Tier::CompanyMandatory),
            item("B-2", Tier::CompanyMandatory),
            item("C-1", Tier::Recommended),
        ];
        let a = Applicability::checked(&codes(&["B-2", "B-2"]), &codes(&["C-1"]), &items)
            .unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(a.mandatory, vec!["B-2"]);
        let of: Vec<Applies> = items.iter().map(|i| a.of(i)).collect();
        assert_eq!(
            of,
            vec![
                Applies::GroupMandatory,
                Applies::NotNamed,
                Applies::AgreedMandatory,
                Applies::Adopted
            ]
        );
        assert_eq!(a.binding_count(&items), 2);
        assert_eq!(a.in_force(&items).len(), 3);
    }

    #[test]
    fn choices_of_the_wrong_tier_or_unknown_are_refused_together() {
        let items = vec![
            item("A-1", Tier::GroupMandatory),
            item("C-1", Tier::Recommended),
        ];
        let problems = Applicability::checked(&codes(&["A-1", "Q-9"]), &codes(&["A-1"]), &items)
            .err()
            .unwrap_or_default();
        let got: Vec<(&str, &str)> = problems.iter().map(|(f, p)| (f.as_str(), p.code)).collect();
        assert_eq!(
            got,
            vec![
                ("mandatory", "not_company_mandatory"),
                ("mandatory", "unknown_item"),
                ("adopted", "not_recommended")
            ]
        );
    }

    #[test]
    fn a_revision_shows_what_changes_for_the_company_and_what_is_undecided() {
        let old = vec![
            item("A-1", Tier::GroupMandatory),
            item("B-1", Tier::CompanyMandatory),
            item("C-1", Tier::Recommended),
        ];
        let mut changed = item("B-1", Tier::CompanyMandatory);
        changed.requirement = "stricter".into();
        let new = vec![
            item("A-1", Tier::GroupMandatory),
            changed,
            item("B-3", Tier::CompanyMandatory),
            item("A-2", Tier::GroupMandatory),
        ];
        let a = Applicability {
            mandatory: vec!["B-1".into()],
            adopted: vec!["C-1".into()],
        };
        let c = a.changes(&old, &new);
        assert_eq!(c.added, vec!["A-2"]);
        assert_eq!(c.archived, vec!["C-1"]);
        assert_eq!(c.changed.len(), 1);
        assert_eq!(a.undecided(&old, &new), vec!["B-3"]);
        assert_eq!((a.binding_count(&old), a.binding_count(&new)), (2, 3));
    }
}
