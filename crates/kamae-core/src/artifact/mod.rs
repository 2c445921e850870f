//! The twelve artifacts of roles A–G (seed table 1-2) and how they feed each other
//! (figure 1-3). An artifact series is one kind at one scope (the group, or one company);
//! it has numbered versions, and each version records which approved versions of other
//! artifacts it was made from.

mod stale;

pub use stale::{StaleArtifact, StaleReason, VersionNode, stale_artifacts};

use serde::{Deserialize, Serialize};

use crate::Problem;

/// The seven roles that IPA's practice guide asks of a CISO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RoleArea {
    A,
    B,
    C,
    D,
    E,
    F,
    G,
}

impl RoleArea {
    pub const ALL: [RoleArea; 7] = [
        Self::A,
        Self::B,
        Self::C,
        Self::D,
        Self::E,
        Self::F,
        Self::G,
    ];

    pub fn letter(self) -> char {
        match self {
            Self::A => 'A',
            Self::B => 'B',
            Self::C => 'C',
            Self::D => 'D',
            Self::E => 'E',
            Self::F => 'F',
            Self::G => 'G',
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Self::A => "セキュリティガバナンス体制の構築・運営",
            Self::B => "セキュリティ戦略・計画の策定と評価",
            Self::C => "セキュリティ投資計画の策定・評価",
            Self::D => "セキュリティ対策・ルールの検討及び助言",
            Self::E => "リスクマネジメント",
            Self::F => "セキュリティインシデント発生時の事業継続計画策定",
            Self::G => "セキュリティインシデント発生時の危機管理",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::A => "Security governance",
            Self::B => "Security strategy and plan",
            Self::C => "Security investment",
            Self::D => "Measures, rules and advice",
            Self::E => "Risk management",
            Self::F => "IT-BCP for security incidents",
            Self::G => "Crisis management in an incident",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    ObjectivesAndTargets,
    AchievementEvaluation,
    StrategyAndPlan,
    StrategyEffectiveness,
    InvestmentPlan,
    InvestmentEvaluation,
    MeasuresAndRules,
    AdviceToDepartments,
    RiskAssessment,
    RiskTreatmentPlan,
    ItBcp,
    IncidentResponseReport,
}

use ArtifactKind as K;
use RoleArea::{A, B, C, D, E, F, G};

/// One row of seed table 1-2 with figure 1-3's arrows: (kind, role, snake_case name,
/// Japanese, English, the roles that take it as input).
type Row = (
    ArtifactKind,
    RoleArea,
    &'static str,
    &'static str,
    &'static str,
    &'static [RoleArea],
);

const TABLE: [Row; 12] = [
    (
        K::ObjectivesAndTargets,
        A,
        "objectives_and_targets",
        "情報セキュリティ目的・目標",
        "Security objectives and targets",
        &[B, C, D, E],
    ),
    (
        K::AchievementEvaluation,
        A,
        "achievement_evaluation",
        "情報セキュリティ目的・目標の達成度評価結果",
        "Achievement evaluation of objectives and targets",
        &[B],
    ),
    (
        K::StrategyAndPlan,
        B,
        "strategy_and_plan",
        "事業戦略と整合させたセキュリティ戦略・計画",
        "Security strategy and plan aligned with the business strategy",
        &[C, D, E, F],
    ),
    (
        K::StrategyEffectiveness,
        B,
        "strategy_effectiveness",
        "セキュリティ戦略・計画の有効性検証結果",
        "Effectiveness evaluation of the strategy and plan",
        &[C],
    ),
    (
        K::InvestmentPlan,
        C,
        "investment_plan",
        "セキュリティ投資計画",
        "Security investment plan",
        &[B],
    ),
    (
        K::InvestmentEvaluation,
        C,
        "investment_evaluation",
        "セキュリティ投資効果の評価結果",
        "Evaluation of the investment's effect",
        &[B],
    ),
    (
        K::MeasuresAndRules,
        D,
        "measures_and_rules",
        "セキュリティ対策・ルール",
        "Security measures and rules",
        &[B, C],
    ),
    (
        K::AdviceToDepartments,
        D,
        "advice_to_departments",
        "事業部門・コーポレート部門への助言",
        "Advice to business and corporate departments",
        &[B, C],
    ),
    (
        K::RiskAssessment,
        E,
        "risk_assessment",
        "リスクアセスメント結果",
        "Risk assessment results",
        &[A, B, C, D, F],
    ),
    (
        K::RiskTreatmentPlan,
        E,
        "risk_treatment_plan",
        "リスク対応計画・結果",
        "Risk treatment plan and results",
        &[A, B, C, D, F],
    ),
    (K::ItBcp, F, "it_bcp", "IT-BCP", "IT-BCP", &[A, B, C, G]),
    (
        K::IncidentResponseReport,
        G,
        "incident_response_report",
        "インシデント対応結果報告書",
        "Incident response report",
        &[A, B, C, E, F],
    ),
];

impl ArtifactKind {
    pub const ALL: [ArtifactKind; 12] = [
        K::ObjectivesAndTargets,
        K::AchievementEvaluation,
        K::StrategyAndPlan,
        K::StrategyEffectiveness,
        K::InvestmentPlan,
        K::InvestmentEvaluation,
        K::MeasuresAndRules,
        K::AdviceToDepartments,
        K::RiskAssessment,
        K::RiskTreatmentPlan,
        K::ItBcp,
        K::IncidentResponseReport,
    ];

    fn row(self) -> &'static Row {
        // TABLE is in the same order as ALL; the test below keeps them in step.
        &TABLE[self as usize]
    }

    pub fn role(self) -> RoleArea {
        self.row().1
    }
    pub fn as_str(self) -> &'static str {
        self.row().2
    }
    pub fn label_ja(self) -> &'static str {
        self.row().3
    }
    pub fn label_en(self) -> &'static str {
        self.row().4
    }
    /// The roles whose work starts from this artifact (figure 1-3's arrows).
    pub fn consumers(self) -> &'static [RoleArea] {
        self.row().5
    }

    /// Whether a version of `self` may record `input` as something it was made from.
    pub fn may_use(self, input: ArtifactKind) -> bool {
        input.consumers().contains(&self.role())
    }

    /// Artifacts the whole group works to, readable by every user of the group: the
    /// objectives and targets, and the group's measures and rules (its standard).
    pub fn published_group_wide(self) -> bool {
        matches!(self, K::ObjectivesAndTargets | K::MeasuresAndRules)
    }

    pub fn parse(s: &str) -> Result<Self, Problem> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<_> = Self::ALL.iter().map(|k| k.as_str()).collect();
                Problem::new(
                    "invalid_artifact_kind",
                    format!("成果物の種類 {s:?} は不明です（{}）", names.join(", ")),
                    format!(
                        "unknown artifact kind {s:?}; use one of {}",
                        names.join(", ")
                    ),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_in_step_with_the_enum() {
        for (i, k) in ArtifactKind::ALL.iter().enumerate() {
            assert_eq!(TABLE[i].0, *k);
            assert_eq!(ArtifactKind::parse(k.as_str()), Ok(*k));
        }
    }

    #[test]
    fn every_role_has_an_artifact_and_feeds_another() {
        for r in RoleArea::ALL {
            assert!(ArtifactKind::ALL.iter().any(|k| k.role() == r), "{r:?}");
        }
        // Figure 1-3's cycles.
        assert!(K::ObjectivesAndTargets.may_use(K::RiskAssessment));
        assert!(K::RiskAssessment.may_use(K::ObjectivesAndTargets));
        assert!(K::StrategyAndPlan.may_use(K::InvestmentPlan));
        assert!(K::InvestmentPlan.may_use(K::StrategyAndPlan));
        assert!(K::ItBcp.may_use(K::IncidentResponseReport));
        assert!(K::IncidentResponseReport.may_use(K::ItBcp));
        // No arrow from G to D in the figure.
        assert!(!K::MeasuresAndRules.may_use(K::IncidentResponseReport));
    }
}
