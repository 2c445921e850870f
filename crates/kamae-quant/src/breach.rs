//! The damages a personal-data breach may cost, by JNSA's published per-person model: an
//! estimate that a scenario's magnitude can cite (issue 6, point 10). Per person,
//! 500 × (10^(x−1) + 5^(y−1)) × identifiability × social responsibility × response, with x the
//! economic-loss level and y the mental-distress level of the leaked data (1–3 each); times
//! the number of people.

use serde::{Deserialize, Serialize};

use crate::ModelProblem;

/// How easily a person is identified from what leaked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Identifiability {
    /// Identified at once (a name with an address or a phone number): × 6.
    Easy,
    /// Identified with some effort: × 3.
    WithEffort,
    /// Hard to identify: × 1.
    Hard,
}

impl Identifiability {
    pub fn factor(self) -> f64 {
        match self {
            Identifiability::Easy => 6.0,
            Identifiability::WithEffort => 3.0,
            Identifiability::Hard => 1.0,
        }
    }
}

/// One breach as the model reads it.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Breach {
    pub people: u64,
    /// Economic-loss level of the data, 1–3 (x).
    pub economic_loss: u8,
    /// Mental-distress level of the data, 1–3 (y).
    pub mental_distress: u8,
    pub identifiability: Identifiability,
    /// The holder bears a heavy social responsibility (a large company, public body): × 2.
    pub high_social_responsibility: bool,
    /// The response after the breach was poor: × 2.
    pub poor_response: bool,
}

/// The estimate: per person and in all, in yen.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BreachEstimate {
    pub per_person: f64,
    pub total: f64,
}

impl Breach {
    /// The estimate, or every out-of-range level with its field.
    pub fn estimate(&self) -> Result<BreachEstimate, Vec<ModelProblem>> {
        let mut problems = Vec::new();
        for (level, field, ja) in [
            (self.economic_loss, "economic_loss", "経済的損失レベル"),
            (self.mental_distress, "mental_distress", "精神的苦痛レベル"),
        ] {
            if !(1..=3).contains(&level) {
                problems.push(ModelProblem::new(
                    field.into(),
                    format!("{ja}は 1 から 3 です（{level}）"),
                    format!("{field} is a level from 1 to 3 ({level})"),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let base = 10f64.powi(i32::from(self.economic_loss) - 1)
            + 5f64.powi(i32::from(self.mental_distress) - 1);
        let twice = |yes: bool| if yes { 2.0 } else { 1.0 };
        let per_person = 500.0
            * base
            * self.identifiability.factor()
            * twice(self.high_social_responsibility)
            * twice(self.poor_response);
        Ok(BreachEstimate {
            per_person,
            total: per_person * self.people as f64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breach(x: u8, y: u8) -> Breach {
        Breach {
            people: 1,
            economic_loss: x,
            mental_distress: y,
            identifiability: Identifiability::Easy,
            high_social_responsibility: false,
            poor_response: false,
        }
    }

    #[test]
    fn a_name_and_address_cost_6000_yen_a_person() {
        let e = breach(1, 1).estimate().unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!(e.per_person, 6_000.0);
        let mut card = breach(3, 1);
        card.people = 10_000;
        card.high_social_responsibility = true;
        card.poor_response = true;
        // 500 × (100 + 1) × 6 × 2 × 2 = 1,212,000 yen a person.
        let e = card.estimate().unwrap_or_else(|p| panic!("{p:?}"));
        assert_eq!((e.per_person, e.total), (1_212_000.0, 12_120_000_000.0));
        let mut hard = breach(2, 3);
        hard.identifiability = Identifiability::Hard;
        // 500 × (10 + 25) × 1.
        assert_eq!(hard.estimate().map(|e| e.per_person).ok(), Some(17_500.0));
        let bad = breach(0, 4).estimate().err().unwrap_or_default();
        assert_eq!(
            bad.iter().map(|p| p.path.as_str()).collect::<Vec<_>>(),
            ["economic_loss", "mental_distress"]
        );
        assert!(
            serde_json::from_str::<Breach>(r#"{"people": 1, "economic_loss": 1, "mental_distress": 1, "identifiability": "easy", "high_social_responsibility": false, "poor_response": false, "extra": 1}"#)
                .is_err(),
            "unknown fields are refused"
        );
    }
}
