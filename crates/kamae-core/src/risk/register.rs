//! The risk register of one assessment: risks rated against the assessment's criteria,
//! evaluated (which need treatment, in which order), and the heat maps' cells.

use serde::{Deserialize, Serialize};

use super::matrix::RiskMatrix;
use crate::Problem;
use crate::org::word_enum;
use crate::text::Code;

word_enum! {
    /// How an assessment rates its risks (step 2 of role E).
    Method, "評価の方法", "method" {
        Matrix => "matrix", "起こりやすさ × 影響（リスクマトリクス）", "likelihood × impact (risk matrix)";
        AssetBased => "asset_based", "資産ベース（IPA：重要度 × 脅威 × 脆弱性）", "asset-based (IPA: importance × threat × vulnerability)";
    }
}

word_enum! {
    /// The kinds of impact a risk's consequences are rated on.
    ImpactKind, "影響の種類", "impact kind" {
        Money => "money", "金銭", "money";
        Interruption => "interruption", "事業の中断", "business interruption";
        Reputation => "reputation", "評判・信用", "reputation";
        Legal => "legal", "法令・規制", "legal and regulatory";
        Safety => "safety", "安全", "safety";
    }
}

/// What one impact level means for one kind of impact (e.g. money, level 3: "10–100 million
/// yen").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpactDefinition {
    pub kind: ImpactKind,
    /// One text per impact level of the matrix, from the lowest.
    pub levels: Vec<String>,
}

/// The criteria an assessment rates against: a copy of its matrix (so that replacing the
/// matrix later does not change what was rated), what each impact level means, where
/// treatment starts, and the tolerance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criteria {
    pub method: Method,
    pub matrix: RiskMatrix,
    pub impact_definitions: Vec<ImpactDefinition>,
    /// The lowest risk level (index into `matrix.risk`) that needs treatment.
    pub treat_from: usize,
    /// The risk the company accepts, in words (from role A's risk-management policy once it
    /// exists).
    pub tolerance: String,
    /// For the asset-based method: the lowest score (importance × threat × vulnerability,
    /// 1–27) of each risk level above the first.
    pub asset_bands: Vec<u32>,
    /// The expected annual loss (yen) from which a risk needs treatment, for the quantitative
    /// view (role C's engine).
    pub loss_threshold_yen: Option<i64>,
}

/// kamae's bands for the asset method: geometric over 1–27, since the score is a product.
pub fn default_asset_bands(levels: usize) -> Vec<u32> {
    (1..levels)
        .map(|k| {
            let t = 27f64.powf(k as f64 / levels as f64).round();
            // Scores are whole numbers from 1 to 27.
            (t as u32).clamp(2, 27)
        })
        .collect()
}

impl Criteria {
    /// Criteria for a matrix with kamae's defaults: treatment from the middle level up, no
    /// impact definitions yet.
    pub fn for_matrix(method: Method, matrix: RiskMatrix) -> Criteria {
        let levels = matrix.risk.len();
        Criteria {
            method,
            treat_from: levels / 2,
            asset_bands: default_asset_bands(levels),
            matrix,
            impact_definitions: Vec::new(),
            tolerance: String::new(),
            loss_threshold_yen: None,
        }
    }

    pub fn check(&self) -> Vec<Problem> {
        let mut out: Vec<Problem> = self.matrix.check().into_iter().map(|p| p.problem).collect();
        if self.treat_from >= self.matrix.risk.len() {
            out.push(Problem::new(
                "invalid_treat_from",
                "対応が必要になるリスクの段階が、マトリクスにありません",
                "the risk level from which treatment is needed is not in the matrix",
            ));
        }
        for d in &self.impact_definitions {
            if d.levels.len() != self.matrix.impact.len() {
                out.push(Problem::new(
                    "impact_definition_levels",
                    format!(
                        "影響の定義（{}）は影響の段階と同じ {} 個にしてください",
                        d.kind.label_ja(),
                        self.matrix.impact.len()
                    ),
                    format!(
                        "the impact definition ({}) needs one text per impact level ({})",
                        d.kind.label_en(),
                        self.matrix.impact.len()
                    ),
                ));
            }
        }
        let bands_ok = self.asset_bands.len() + 1 == self.matrix.risk.len()
            && self.asset_bands.windows(2).all(|w| w[0] < w[1])
            && self.asset_bands.iter().all(|b| (2..=27).contains(b));
        if self.method == Method::AssetBased && !bands_ok {
            out.push(Problem::new(
                "invalid_asset_bands",
                format!(
                    "資産ベースの区切りは、2〜27 の増えていく {} 個の数にしてください",
                    self.matrix.risk.len().saturating_sub(1)
                ),
                format!(
                    "the asset-based bands must be {} increasing numbers from 2 to 27",
                    self.matrix.risk.len().saturating_sub(1)
                ),
            ));
        }
        if self.loss_threshold_yen.is_some_and(|y| y < 0) {
            out.push(Problem::new(
                "negative_amount",
                "金額は 0 以上にしてください",
                "the amount must not be negative",
            ));
        }
        out
    }

    /// The risk level a rating gives, if the rating fits these criteria.
    pub fn level_of(&self, r: &Rating) -> Option<usize> {
        match (self.method, r) {
            (Method::Matrix, Rating::Matrix { likelihood, impact }) => {
                self.matrix.risk_of(*likelihood, *impact)
            }
            (
                Method::AssetBased,
                Rating::Asset {
                    importance,
                    threat,
                    vulnerability,
                },
            ) => {
                let score = u32::from(*importance) * u32::from(*threat) * u32::from(*vulnerability);
                Some(self.asset_bands.iter().filter(|b| score >= **b).count())
            }
            _ => None,
        }
    }

    /// Whether a rating is on these criteria's scales.
    pub fn check_rating(&self, r: &Rating, field_ja: &str, field_en: &str) -> Result<(), Problem> {
        let fits = match (self.method, r) {
            (Method::Matrix, Rating::Matrix { likelihood, impact }) => {
                *likelihood < self.matrix.probability.len() && *impact < self.matrix.impact.len()
            }
            (
                Method::AssetBased,
                Rating::Asset {
                    importance,
                    threat,
                    vulnerability,
                },
            ) => [importance, threat, vulnerability]
                .iter()
                .all(|v| (1..=3).contains(*v)),
            _ => false,
        };
        if fits {
            Ok(())
        } else {
            Err(Problem::new(
                "invalid_rating",
                format!("{field_ja}の評価が、この評価の基準の段階にありません"),
                format!("the {field_en} rating is not on this assessment's scales"),
            ))
        }
    }

    /// Where a rating sits on the heat map: (likelihood, impact). The asset method puts the
    /// asset's importance on the impact axis and threat × vulnerability on the likelihood
    /// axis, each spread over the matrix's levels.
    pub fn cell_of(&self, r: &Rating) -> Option<(usize, usize)> {
        match r {
            Rating::Matrix { likelihood, impact } => Some((*likelihood, *impact)),
            Rating::Asset {
                importance,
                threat,
                vulnerability,
            } => {
                let spread = |value: f64, max: f64, levels: usize| -> usize {
                    let at = ((value - 1.0) / (max - 1.0) * (levels as f64 - 1.0)).round();
                    (at.max(0.0) as usize).min(levels.saturating_sub(1))
                };
                let exposure = f64::from(*threat) * f64::from(*vulnerability);
                Some((
                    spread(exposure, 9.0, self.matrix.probability.len()),
                    spread(f64::from(*importance), 3.0, self.matrix.impact.len()),
                ))
            }
        }
    }
}

/// A risk's rating: on the matrix's axes (indices from the lowest level), or by the asset
/// method (each 1–3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Rating {
    Matrix {
        likelihood: usize,
        impact: usize,
    },
    #[serde(rename = "asset_based")]
    Asset {
        importance: u8,
        threat: u8,
        vulnerability: u8,
    },
}

/// What an assessment covers: companies, sites and departments by code, and systems by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    pub companies: Vec<String>,
    pub sites: Vec<String>,
    pub departments: Vec<String>,
    pub systems: Vec<String>,
}

/// One risk of the register as it is written (step 4): where it comes from, what happens,
/// why and with what consequence, what it touches, who owns it, and its ratings with their
/// rationale; links to the standard's items, exceptions and advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskEntry {
    pub code: Code,
    pub title: String,
    pub source: String,
    pub event: String,
    pub causes: String,
    pub consequences: String,
    pub assets: Vec<String>,
    pub owner: String,
    pub inherent: Option<Rating>,
    pub inherent_rationale: String,
    pub residual: Option<Rating>,
    pub residual_rationale: String,
    /// Codes of the standard's items that control it.
    pub items: Vec<String>,
    /// Ids of exceptions to those items.
    pub exceptions: Vec<String>,
    /// Ids of advice records.
    pub advice: Vec<String>,
    /// How the risk is quantified (role C): a scenario of the model file without its name,
    /// checked by kamae-quant where it is saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<serde_json::Value>,
    /// The scenario's expected annual loss (yen), worked out by the store when the risk is
    /// saved (a fixed number of trials and seed, so the same scenario gives the same figure);
    /// whatever a caller puts here is replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_loss_yen: Option<i64>,
}

impl RiskEntry {
    /// Every problem, each naming its field.
    pub fn check(&self, criteria: &Criteria) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.title.trim().is_empty() {
            out.push(Problem::new(
                "required",
                "「リスク」が空です",
                "the risk's title is empty",
            ));
        }
        for (rating, rationale, ja, en) in [
            (
                &self.inherent,
                &self.inherent_rationale,
                "固有リスク",
                "inherent",
            ),
            (
                &self.residual,
                &self.residual_rationale,
                "残留リスク",
                "residual",
            ),
        ] {
            if let Some(r) = rating {
                if let Err(p) = criteria.check_rating(r, ja, en) {
                    out.push(p);
                }
                if rationale.trim().is_empty() {
                    out.push(Problem::new(
                        "rationale_required",
                        format!("{ja}の評価には根拠を書いてください"),
                        format!("the {en} rating needs its rationale"),
                    ));
                }
            }
        }
        if self.residual.is_some() && self.inherent.is_none() {
            out.push(Problem::new(
                "inherent_first",
                "残留リスクの前に固有リスクを評価してください",
                "rate the inherent risk before the residual one",
            ));
        }
        out
    }
}

/// The register as the assessment's document reads (its artifact body): what is approved is
/// this text, so it says everything the ratings say.
pub fn register_markdown(criteria: &Criteria, coverage: &Coverage, risks: &[RiskEntry]) -> String {
    let level = |r: &Option<Rating>| -> String {
        r.as_ref()
            .and_then(|r| criteria.level_of(r))
            .and_then(|l| criteria.matrix.risk.get(l))
            .map(|l| format!("{} / {}", l.name_ja, l.name_en))
            .unwrap_or_else(|| "—".into())
    };
    let cell = |r: &Option<Rating>| -> String {
        match r {
            Some(Rating::Matrix { likelihood, impact }) => format!(
                "{}×{}",
                criteria
                    .matrix
                    .probability
                    .get(*likelihood)
                    .map_or("?", |l| l.abbreviation.as_str()),
                criteria
                    .matrix
                    .impact
                    .get(*impact)
                    .map_or("?", |l| l.abbreviation.as_str())
            ),
            Some(Rating::Asset {
                importance,
                threat,
                vulnerability,
            }) => format!("{importance}×{threat}×{vulnerability}"),
            None => "—".into(),
        }
    };
    let one_line = |s: &str| s.replace(['\n', '\r'], " ").replace('|', "／");
    let mut out = format!(
        "## 基準 / Criteria\n\n- {} / {}\n- {} {} / {}\n- 対応が必要 / treatment from: {}\n",
        criteria.method.label_ja(),
        criteria.method.label_en(),
        criteria.matrix.code,
        criteria.matrix.name_ja,
        criteria.matrix.name_en,
        criteria
            .matrix
            .risk
            .get(criteria.treat_from)
            .map(|l| format!("{} / {}", l.name_ja, l.name_en))
            .unwrap_or_default(),
    );
    if !criteria.tolerance.trim().is_empty() {
        out.push_str(&format!(
            "- 許容 / tolerance: {}\n",
            one_line(&criteria.tolerance)
        ));
    }
    if let Some(y) = criteria.loss_threshold_yen {
        out.push_str(&format!(
            "- 年間予想損失額がこれ以上なら対応 / treatment from an expected annual loss of: {}\n",
            crate::money::Yen(y).grouped()
        ));
    }
    for (ja, en, list) in [
        ("会社", "companies", &coverage.companies),
        ("拠点", "sites", &coverage.sites),
        ("部門", "departments", &coverage.departments),
        ("システム", "systems", &coverage.systems),
    ] {
        if !list.is_empty() {
            out.push_str(&format!("- {ja} / {en}: {}\n", list.join(", ")));
        }
    }
    out.push_str("\n## リスク登録簿 / Risk register\n\n| ID | リスク / risk | 責任者 / owner | 固有 / inherent | 残留 / residual |\n| --- | --- | --- | --- | --- |\n");
    for r in risks {
        out.push_str(&format!(
            "| {} | {} | {} | {} {} | {} {} |\n",
            r.code,
            one_line(&r.title),
            one_line(&r.owner),
            cell(&r.inherent),
            level(&r.inherent),
            cell(&r.residual),
            level(&r.residual),
        ));
    }
    let quantified: Vec<&RiskEntry> = risks.iter().filter(|r| r.scenario.is_some()).collect();
    if !quantified.is_empty() {
        out.push_str("\n## 定量評価 / Quantitative view\n\n| ID | リスク / risk | 年間予想損失額 / expected annual loss | 基準以上 / at or over the threshold |\n| --- | --- | ---: | --- |\n");
        for r in quantified {
            let over = r
                .expected_loss_yen
                .zip(criteria.loss_threshold_yen)
                .is_some_and(|(loss, threshold)| loss >= threshold);
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                r.code,
                one_line(&r.title),
                r.expected_loss_yen
                    .map_or_else(|| "—".into(), |y| crate::money::Yen(y).grouped()),
                if over { "はい / yes" } else { "—" },
            ));
        }
    }
    out
}

/// What the register needs to know of a linked exception to judge the residual rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedException {
    pub id: String,
    pub title: String,
    pub expired_on: Option<chrono::NaiveDate>,
}

/// A risk as evaluated: its levels, whether it needs treatment, and why the residual rating
/// is what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub inherent_level: Option<usize>,
    /// The residual level in force: the rated one, or the inherent one when an exception
    /// that was to cover the risk has expired.
    pub residual_level: Option<usize>,
    pub residual_cell: Option<(usize, usize)>,
    /// Expired exceptions that raised the residual rating, each as (id, title, expiry).
    pub raised_by: Vec<(String, String, chrono::NaiveDate)>,
    /// The expected annual loss (yen) of the risk's scenario, when it has one.
    pub expected_loss_yen: Option<i64>,
    /// Whether that loss reaches the criteria's quantitative threshold.
    pub over_loss_threshold: bool,
    pub needs_treatment: bool,
}

/// Evaluates one risk. An expired exception means the compensating measures it allowed no
/// longer count, so the residual rating goes back to the inherent one. A risk whose expected
/// annual loss reaches the quantitative threshold needs treatment whatever its level.
pub fn evaluate(
    criteria: &Criteria,
    inherent: Option<&Rating>,
    residual: Option<&Rating>,
    exceptions: &[LinkedException],
    expected_loss_yen: Option<i64>,
) -> Evaluation {
    let inherent_level = inherent.and_then(|r| criteria.level_of(r));
    let raised_by: Vec<(String, String, chrono::NaiveDate)> = exceptions
        .iter()
        .filter_map(|e| e.expired_on.map(|d| (e.id.clone(), e.title.clone(), d)))
        .collect();
    let rated = residual.and_then(|r| criteria.level_of(r));
    let (residual_level, residual_cell) = if raised_by.is_empty() {
        (rated, residual.and_then(|r| criteria.cell_of(r)))
    } else {
        (
            rated.max(inherent_level),
            inherent.or(residual).and_then(|r| criteria.cell_of(r)),
        )
    };
    let over_loss_threshold = expected_loss_yen
        .zip(criteria.loss_threshold_yen)
        .is_some_and(|(loss, threshold)| loss >= threshold);
    let needs_treatment = over_loss_threshold
        || residual_level
            .or(inherent_level)
            .is_some_and(|l| l >= criteria.treat_from);
    Evaluation {
        inherent_level,
        residual_level,
        residual_cell,
        raised_by,
        expected_loss_yen,
        over_loss_threshold,
        needs_treatment,
    }
}

/// The order in which risks are treated: the highest residual level first, then the highest
/// inherent level, then the largest expected annual loss, then the register's own order.
pub fn treatment_order(evaluations: &[Evaluation]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..evaluations.len())
        .filter(|i| evaluations[*i].needs_treatment)
        .collect();
    order.sort_by_key(|i| {
        let e = &evaluations[*i];
        (
            std::cmp::Reverse(e.residual_level.or(e.inherent_level)),
            std::cmp::Reverse(e.inherent_level),
            std::cmp::Reverse(e.expected_loss_yen),
            *i,
        )
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::builtin_matrix;

    fn m(l: usize, i: usize) -> Rating {
        Rating::Matrix {
            likelihood: l,
            impact: i,
        }
    }

    #[test]
    fn levels_come_from_the_matrix_and_the_asset_bands() {
        let c = Criteria::for_matrix(Method::Matrix, builtin_matrix());
        assert_eq!(c.level_of(&m(4, 4)), Some(4));
        assert_eq!(c.level_of(&m(0, 1)), Some(0));
        assert!(c.check().is_empty());
        assert!(c.check_rating(&m(5, 0), "固有", "inherent").is_err());
        let a = Criteria::for_matrix(Method::AssetBased, builtin_matrix());
        assert_eq!(a.asset_bands, [2, 4, 7, 14]);
        let asset = |i, t, v| Rating::Asset {
            importance: i,
            threat: t,
            vulnerability: v,
        };
        assert_eq!(a.level_of(&asset(1, 1, 1)), Some(0));
        assert_eq!(a.level_of(&asset(2, 2, 1)), Some(2));
        assert_eq!(a.level_of(&asset(3, 3, 3)), Some(4));
        assert_eq!(a.cell_of(&asset(3, 3, 3)), Some((4, 4)));
        assert_eq!(a.cell_of(&asset(1, 1, 1)), Some((0, 0)));
        assert!(a.check_rating(&asset(0, 1, 1), "固有", "inherent").is_err());
        assert!(a.check_rating(&m(1, 1), "固有", "inherent").is_err());
    }

    #[test]
    fn an_expired_exception_raises_the_residual_rating_and_says_so() {
        let c = Criteria::for_matrix(Method::Matrix, builtin_matrix());
        let day = chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap_or_default();
        let covered = evaluate(&c, Some(&m(4, 3)), Some(&m(1, 1)), &[], None);
        assert_eq!(
            (covered.residual_level, covered.needs_treatment),
            (Some(1), false)
        );
        let lapsed = evaluate(
            &c,
            Some(&m(4, 3)),
            Some(&m(1, 1)),
            &[LinkedException {
                id: "e1".into(),
                title: "Z社の移行措置".into(),
                expired_on: Some(day),
            }],
            None,
        );
        assert_eq!(lapsed.residual_level, Some(3));
        assert_eq!(lapsed.residual_cell, Some((4, 3)));
        assert!(lapsed.needs_treatment);
        assert_eq!(lapsed.raised_by[0].2, day);
    }

    #[test]
    fn treatment_goes_highest_first() {
        let c = Criteria::for_matrix(Method::Matrix, builtin_matrix());
        let evals: Vec<Evaluation> = [m(2, 2), m(4, 4), m(0, 0), m(3, 4)]
            .iter()
            .map(|r| evaluate(&c, Some(r), None, &[], None))
            .collect();
        assert_eq!(treatment_order(&evals), [1, 3, 0]);
    }

    #[test]
    fn an_expected_loss_at_the_threshold_needs_treatment_at_any_level() {
        let mut c = Criteria::for_matrix(Method::Matrix, builtin_matrix());
        let low = m(0, 0);
        assert!(!evaluate(&c, Some(&low), None, &[], Some(80_000_000)).needs_treatment);
        c.loss_threshold_yen = Some(50_000_000);
        let over = evaluate(&c, Some(&low), None, &[], Some(50_000_000));
        assert!(over.over_loss_threshold && over.needs_treatment);
        let under = evaluate(&c, Some(&low), None, &[], Some(49_999_999));
        assert!(!under.over_loss_threshold && !under.needs_treatment);
        assert!(!evaluate(&c, Some(&low), None, &[], None).needs_treatment);
        // Among equal levels, the larger loss is treated first.
        let evals = [
            evaluate(&c, Some(&low), None, &[], Some(60_000_000)),
            evaluate(&c, Some(&low), None, &[], Some(90_000_000)),
        ];
        assert_eq!(treatment_order(&evals), [1, 0]);
    }
}
