//! A risk matrix: likelihood (probability) levels, impact levels, risk levels, and the grid
//! that gives the risk level of each likelihood and impact. Levels are ordered from the
//! lowest to the highest, as CISO Assistant's libraries order them.

use serde::{Deserialize, Serialize};

use crate::Problem;
use crate::text::Code;

/// The most levels on one axis: beyond this a matrix stops being a matrix people can read.
pub const MAX_LEVELS: usize = 10;

/// One level of an axis, or one risk level, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixLevel {
    pub abbreviation: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    /// `#RRGGBB`, for heat maps; none leaves the cell uncoloured.
    pub color: Option<String>,
}

impl MatrixLevel {
    pub fn name(&self, ja: bool) -> &str {
        if ja { &self.name_ja } else { &self.name_en }
    }

    pub fn description(&self, ja: bool) -> &str {
        if ja {
            &self.description_ja
        } else {
            &self.description_en
        }
    }

    /// Black or white, whichever reads better on the level's colour.
    pub fn ink(&self) -> &'static str {
        let Some(rgb) = self.color.as_deref().and_then(parse_color) else {
            return "#000000";
        };
        let [r, g, b] = rgb.map(f64::from);
        if 0.299 * r + 0.587 * g + 0.114 * b > 140.0 {
            "#000000"
        } else {
            "#ffffff"
        }
    }
}

fn parse_color(c: &str) -> Option<[u8; 3]> {
    let hex = c.strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// Where a matrix came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatrixSource {
    /// Shipped with kamae, so that a first assessment needs no file.
    Builtin,
    CisoAssistant,
}

impl MatrixSource {
    pub fn as_str(self) -> &'static str {
        match self {
            MatrixSource::Builtin => "builtin",
            MatrixSource::CisoAssistant => "ciso_assistant",
        }
    }

    pub fn parse(s: &str) -> Result<Self, Problem> {
        match s {
            "builtin" => Ok(MatrixSource::Builtin),
            "ciso_assistant" => Ok(MatrixSource::CisoAssistant),
            other => Err(Problem::new(
                "invalid_choice",
                format!("リスクマトリクスの出所として {other:?} は使えません"),
                format!("{other:?} is not a risk matrix source"),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskMatrix {
    pub code: Code,
    pub name_ja: String,
    pub name_en: String,
    pub description: String,
    pub source: MatrixSource,
    /// The library's URN and version, so a copy of the file can be matched to it.
    pub urn: String,
    pub version: String,
    pub probability: Vec<MatrixLevel>,
    pub impact: Vec<MatrixLevel>,
    pub risk: Vec<MatrixLevel>,
    /// `grid[probability][impact]` is the index of a risk level.
    pub grid: Vec<Vec<usize>>,
}

/// Where in a matrix a problem is: a JSON-like path, so that an import can name the place in
/// its file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixProblem {
    pub path: String,
    pub problem: Problem,
}

/// A matrix as lists show it: its name and the size of each axis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatrixSummary {
    pub code: String,
    pub name_ja: String,
    pub name_en: String,
    pub source: MatrixSource,
    pub version: String,
    pub likelihood_levels: usize,
    pub impact_levels: usize,
    pub risk_levels: usize,
}

impl RiskMatrix {
    pub fn name(&self, ja: bool) -> &str {
        if ja { &self.name_ja } else { &self.name_en }
    }

    pub fn summary(&self) -> MatrixSummary {
        MatrixSummary {
            code: self.code.to_string(),
            name_ja: self.name_ja.clone(),
            name_en: self.name_en.clone(),
            source: self.source,
            version: self.version.clone(),
            likelihood_levels: self.probability.len(),
            impact_levels: self.impact.len(),
            risk_levels: self.risk.len(),
        }
    }

    /// The risk level of a likelihood and an impact (indices from the lowest).
    pub fn risk_of(&self, probability: usize, impact: usize) -> Option<usize> {
        self.grid.get(probability)?.get(impact).copied()
    }

    /// Every problem, each with the path of its place (`grid[2][4]`, `risk[1].hexcolor`).
    pub fn check(&self) -> Vec<MatrixProblem> {
        let mut out = Vec::new();
        let mut at = |path: String, problem: Problem| out.push(MatrixProblem { path, problem });
        for (axis, levels) in [
            ("probability", &self.probability),
            ("impact", &self.impact),
            ("risk", &self.risk),
        ] {
            if levels.is_empty() {
                at(
                    axis.into(),
                    Problem::new(
                        "empty_axis",
                        format!("{axis} の段階がありません"),
                        format!("{axis} has no levels"),
                    ),
                );
            }
            if levels.len() > MAX_LEVELS {
                at(
                    axis.into(),
                    Problem::new(
                        "too_many_levels",
                        format!(
                            "{axis} の段階が多すぎます（{} 段階、上限 {MAX_LEVELS}）",
                            levels.len()
                        ),
                        format!(
                            "{axis} has too many levels ({}; at most {MAX_LEVELS})",
                            levels.len()
                        ),
                    ),
                );
            }
            for (i, l) in levels.iter().enumerate() {
                if l.name_en.trim().is_empty() && l.name_ja.trim().is_empty() {
                    at(
                        format!("{axis}[{i}].name"),
                        Problem::new("required", "名前が空です", "the name is empty"),
                    );
                }
                if let Some(c) = &l.color
                    && parse_color(c).is_none()
                {
                    at(
                        format!("{axis}[{i}].hexcolor"),
                        Problem::new(
                            "invalid_color",
                            format!("色 {c:?} は #RRGGBB の形で書いてください"),
                            format!("colour {c:?} must be written #RRGGBB"),
                        ),
                    );
                }
            }
        }
        if self.grid.len() != self.probability.len() {
            at(
                "grid".into(),
                Problem::new(
                    "grid_shape",
                    format!(
                        "grid の行は起こりやすさの段階と同じ {} 行にしてください（{} 行あります）",
                        self.probability.len(),
                        self.grid.len()
                    ),
                    format!(
                        "grid must have one row per probability level ({}); it has {}",
                        self.probability.len(),
                        self.grid.len()
                    ),
                ),
            );
        }
        for (p, row) in self.grid.iter().enumerate() {
            if row.len() != self.impact.len() {
                at(
                    format!("grid[{p}]"),
                    Problem::new(
                        "grid_shape",
                        format!(
                            "grid の各行は影響の段階と同じ {} 列にしてください（{} 列あります）",
                            self.impact.len(),
                            row.len()
                        ),
                        format!(
                            "each grid row must have one cell per impact level ({}); it has {}",
                            self.impact.len(),
                            row.len()
                        ),
                    ),
                );
            }
            for (i, cell) in row.iter().enumerate() {
                if *cell >= self.risk.len() {
                    at(
                        format!("grid[{p}][{i}]"),
                        Problem::new(
                            "unknown_risk_level",
                            format!(
                                "リスクの段階 {cell} はありません（0 から {} まで）",
                                self.risk.len().saturating_sub(1)
                            ),
                            format!(
                                "risk level {cell} does not exist (levels are 0 to {})",
                                self.risk.len().saturating_sub(1)
                            ),
                        ),
                    );
                }
            }
        }
        out
    }
}

fn level(abbr: &str, ja: (&str, &str), en: (&str, &str), color: &str) -> MatrixLevel {
    MatrixLevel {
        abbreviation: abbr.into(),
        name_ja: ja.0.into(),
        name_en: en.0.into(),
        description_ja: ja.1.into(),
        description_en: en.1.into(),
        color: Some(color.into()),
    }
}

/// The code of kamae's own matrix; imported matrices cannot take it.
pub const BUILTIN_MATRIX: &str = "KAMAE-5X5";

/// kamae's own 5 × 5 matrix, so that a CISO office with no file of its own can rate risks
/// on its first day. The wording is kamae's; the shape is the common 5 × 5 with a risk
/// level that rises one step with each step of either axis, from the lowest corner.
pub fn builtin_matrix() -> RiskMatrix {
    let colors = ["#BBF7D0", "#BEF264", "#FEF08A", "#FBBF24", "#F87171"];
    let probability = vec![
        level(
            "1",
            ("まれ", "10年に1回未満"),
            ("Rare", "less than once in 10 years"),
            colors[0],
        ),
        level(
            "2",
            ("低い", "数年に1回"),
            ("Unlikely", "once in a few years"),
            colors[1],
        ),
        level(
            "3",
            ("中程度", "年に1回程度"),
            ("Possible", "about once a year"),
            colors[2],
        ),
        level(
            "4",
            ("高い", "年に数回"),
            ("Likely", "a few times a year"),
            colors[3],
        ),
        level(
            "5",
            ("ほぼ確実", "月に1回以上"),
            ("Almost certain", "monthly or more"),
            colors[4],
        ),
    ];
    let impact = vec![
        level(
            "1",
            ("軽微", "業務への影響はほぼない"),
            ("Negligible", "hardly felt by the business"),
            colors[0],
        ),
        level(
            "2",
            ("小", "一部業務が短時間止まる"),
            ("Minor", "some work stops for a short time"),
            colors[1],
        ),
        level(
            "3",
            ("中", "取引先・顧客に影響が及ぶ"),
            ("Moderate", "customers or partners are affected"),
            colors[2],
        ),
        level(
            "4",
            ("大", "事業の継続や法令順守に影響"),
            ("Major", "business continuity or compliance is at stake"),
            colors[3],
        ),
        level(
            "5",
            ("甚大", "経営の存続に関わる"),
            ("Severe", "the company's survival is at stake"),
            colors[4],
        ),
    ];
    let risk = vec![
        level(
            "VL",
            ("非常に低い", "受容できる"),
            ("Very low", "acceptable"),
            colors[0],
        ),
        level(
            "L",
            ("低い", "監視して受容"),
            ("Low", "accepted and watched"),
            colors[1],
        ),
        level(
            "M",
            ("中", "計画的に対応"),
            ("Medium", "treated in the plan"),
            colors[2],
        ),
        level(
            "H",
            ("高い", "優先して対応"),
            ("High", "treated first"),
            colors[3],
        ),
        level(
            "VH",
            ("非常に高い", "直ちに対応"),
            ("Very high", "treated at once"),
            colors[4],
        ),
    ];
    // Risk rises with the sum of the two steps: 0–1 very low, 2–3 low, 4–5 medium, 6–7 high,
    // 8 very high.
    let grid = (0..5)
        .map(|p: usize| (0..5).map(|i: usize| (p + i) / 2).collect())
        .collect();
    RiskMatrix {
        code: Code::parse(BUILTIN_MATRIX).unwrap_or_else(|_| unreachable!("a valid code")),
        name_ja: "kamae 標準 5×5".into(),
        name_en: "kamae standard 5 × 5".into(),
        description: String::new(),
        source: MatrixSource::Builtin,
        urn: String::new(),
        version: "1".into(),
        probability,
        impact,
        risk,
        grid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_matrix_is_whole_and_rises_with_both_axes() {
        let m = builtin_matrix();
        assert!(m.check().is_empty(), "{:?}", m.check());
        assert_eq!(m.risk_of(0, 0), Some(0));
        assert_eq!(m.risk_of(4, 4), Some(4));
        for p in 0..5 {
            for i in 0..4 {
                assert!(m.risk_of(p, i) <= m.risk_of(p, i + 1));
                assert!(m.risk_of(i, p) <= m.risk_of(i + 1, p));
            }
        }
    }

    #[test]
    fn a_grid_cell_naming_a_missing_level_is_found_with_its_place() {
        let mut m = builtin_matrix();
        m.grid[2][4] = 7;
        m.grid[1].pop();
        m.risk[3].color = Some("orange".into());
        let found: Vec<(String, &str)> = m
            .check()
            .into_iter()
            .map(|p| (p.path, p.problem.code))
            .collect();
        assert!(
            found.contains(&("grid[2][4]".into(), "unknown_risk_level")),
            "{found:?}"
        );
        assert!(
            found.contains(&("grid[1]".into(), "grid_shape")),
            "{found:?}"
        );
        assert!(
            found.contains(&("risk[3].hexcolor".into(), "invalid_color")),
            "{found:?}"
        );
    }

    #[test]
    fn ink_contrasts_with_the_colour() {
        let m = builtin_matrix();
        assert_eq!(m.risk[0].ink(), "#000000");
        let dark = MatrixLevel {
            color: Some("#1F2937".into()),
            ..m.risk[0].clone()
        };
        assert_eq!(dark.ink(), "#ffffff");
    }
}
