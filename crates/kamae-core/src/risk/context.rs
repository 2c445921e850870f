//! The organisation's context (step 1 of role E): the internal and external factors an
//! assessment starts from, each a record with where it was learnt and when, so that a
//! rating can be traced to what the office knew at the time.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::org::word_enum;

word_enum! {
    /// The seed's list of what to understand about the organisation, outside and inside.
    ContextKind, "状況の区分", "kind of factor" {
        Politics => "politics", "政治", "politics";
        Economy => "economy", "経済", "economy";
        Law => "law", "法律・規制", "law and regulation";
        Finance => "finance", "財務", "finance";
        Technology => "technology", "技術", "technology";
        Market => "market", "市場", "market";
        Stakeholders => "stakeholders", "利害関係者", "stakeholders";
        Organisation => "organisation", "組織体制", "organisation";
        PolicyStrategy => "policy_strategy", "方針・戦略", "policy and strategy";
        Culture => "culture", "組織文化", "culture";
        InformationSystems => "information_systems", "情報システム", "information systems";
    }
}

impl ContextKind {
    /// Whether the factor lies outside the organisation (the seed's first seven).
    pub fn is_external(self) -> bool {
        matches!(
            self,
            Self::Politics
                | Self::Economy
                | Self::Law
                | Self::Finance
                | Self::Technology
                | Self::Market
                | Self::Stakeholders
        )
    }

    pub fn side_ja(self) -> &'static str {
        if self.is_external() {
            "外部"
        } else {
            "内部"
        }
    }

    pub fn side_en(self) -> &'static str {
        if self.is_external() {
            "external"
        } else {
            "internal"
        }
    }
}

/// One factor of the context, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextFactor {
    pub kind: ContextKind,
    pub title: String,
    pub description: String,
    /// Where it was learnt: a report, a law, a meeting, a survey.
    pub source: String,
    /// When it was learnt or last checked.
    pub noted_on: NaiveDate,
}

impl ContextFactor {
    /// Every problem, each naming its field in both languages.
    pub fn check(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        for (value, ja, en) in [
            (&self.title, "表題", "title"),
            (&self.description, "内容", "description"),
            (&self.source, "出典", "source"),
        ] {
            if value.trim().is_empty() {
                out.push(
                    Problem::new(
                        "required",
                        format!("{ja}を入力してください"),
                        format!("{en} is required"),
                    )
                    .at(ja, en),
                );
            }
        }
        out
    }
}

/// The context section of an assessment's document: the factors it cites, outside first.
pub fn context_markdown(factors: &[ContextFactor]) -> String {
    if factors.is_empty() {
        return String::new();
    }
    let one_line = |s: &str| s.replace(['\n', '\r'], " ").replace('|', "／");
    let mut sorted: Vec<&ContextFactor> = factors.iter().collect();
    sorted.sort_by_key(|f| (!f.kind.is_external(), f.kind, f.noted_on));
    let mut out = String::from(
        "## 組織の状況 / Context\n\n| 区分 / kind | 表題 / title | 内容 / description | 出典 / source | 日付 / date |\n| --- | --- | --- | --- | --- |\n",
    );
    for f in sorted {
        out.push_str(&format!(
            "| {}・{} / {} {} | {} | {} | {} | {} |\n",
            f.kind.side_ja(),
            f.kind.label_ja(),
            f.kind.side_en(),
            f.kind.label_en(),
            one_line(&f.title),
            one_line(&f.description),
            one_line(&f.source),
            f.noted_on
        ));
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_factor_needs_its_words_and_the_document_lists_outside_first() {
        let day = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default();
        let mut f = ContextFactor {
            kind: ContextKind::Culture,
            title: " ".into(),
            description: "現場は手順より納期を優先する".into(),
            source: String::new(),
            noted_on: day,
        };
        let problems = f.check();
        assert_eq!(problems.len(), 2);
        assert!(problems[0].ja.contains("表題") && problems[1].en.contains("source"));
        f.title = "納期優先の文化".into();
        f.source = "2026年度 従業員意識調査".into();
        assert!(f.check().is_empty());
        let law = ContextFactor {
            kind: ContextKind::Law,
            title: "改正個人情報保護法".into(),
            description: "漏えい時の報告義務".into(),
            source: "個人情報保護委員会".into(),
            noted_on: day,
        };
        assert!(law.kind.is_external() && !f.kind.is_external());
        let md = context_markdown(&[f, law]);
        assert!(md.find("改正個人情報保護法") < md.find("納期優先の文化"));
        assert!(md.contains("外部・法律・規制"));
        assert_eq!(context_markdown(&[]), "");
        assert_eq!(
            ContextKind::parse("policy_strategy").ok(),
            Some(ContextKind::PolicyStrategy)
        );
        assert!(ContextKind::parse("weather").is_err());
    }
}
