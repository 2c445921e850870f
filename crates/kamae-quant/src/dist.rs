//! Distributions checked and ready to draw from: what a trial samples.

use std::sync::{Arc, OnceLock};

use rand::RngExt;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::ModelProblem;
use crate::model::{DistSpec, Param};
use crate::table::Quantiles;

/// The z-score of the 95th percentile: a 90% interval spans ±Z95 standard deviations.
const Z95: f64 = 1.644_853_626_951_472_2;

pub type Rng = Xoshiro256PlusPlus;

#[derive(Debug, Clone)]
pub enum Draw {
    Const(f64),
    /// PERT(min, mode, max) with λ = 4: min + (max − min) · Beta(α, β), the Beta drawn by
    /// its quantile table (shared by the clones a run makes).
    Pert {
        min: f64,
        span: f64,
        beta: Arc<Quantiles>,
    },
    /// exp(μ + σ Z), μ and σ from the 5th and 95th percentiles; Z by the standard normal's
    /// quantile table.
    LogNormal {
        mu: f64,
        sigma: f64,
    },
    Uniform {
        min: f64,
        span: f64,
    },
    /// Ranges with cumulative probabilities; uniform inside each range.
    Bins {
        cumulative: Vec<f64>,
        ranges: Vec<(f64, f64)>,
    },
}

impl Draw {
    #[inline]
    pub fn sample(&self, rng: &mut Rng) -> f64 {
        match self {
            Draw::Const(v) => *v,
            Draw::Pert { min, span, beta } => min + span * beta.at(rng.random::<f64>()),
            Draw::LogNormal { mu, sigma } => {
                let z = standard_normal().at(rng.random::<f64>());
                (mu + sigma * z).exp()
            }
            Draw::Uniform { min, span } => min + span * rng.random::<f64>(),
            Draw::Bins { cumulative, ranges } => {
                let u: f64 = rng.random();
                let i = cumulative
                    .iter()
                    .position(|c| u < *c)
                    .unwrap_or(ranges.len().saturating_sub(1));
                let (lo, hi) = ranges.get(i).copied().unwrap_or((0.0, 0.0));
                lo + (hi - lo) * rng.random::<f64>()
            }
        }
    }
}

impl Draw {
    /// `out.len()` draws, in order: what as many calls of [`Draw::sample`] give, bit for
    /// bit. The kinds that take one uniform a draw take them all first, then turn them into
    /// values in loops without branches (no misprediction, the table's loads overlapping).
    pub fn fill(&self, rng: &mut Rng, out: &mut [f64]) {
        let mut uniforms = [0.0; FILL];
        for out in out.chunks_mut(FILL) {
            let us = &mut uniforms[..out.len()];
            match self {
                Draw::Const(v) => {
                    out.fill(*v);
                    continue;
                }
                Draw::Bins { .. } => {
                    for x in out.iter_mut() {
                        *x = self.sample(rng);
                    }
                    continue;
                }
                _ => {}
            }
            for u in us.iter_mut() {
                *u = rng.random::<f64>();
            }
            match self {
                Draw::Pert { min, span, beta } => {
                    beta.at_each(us, out);
                    for x in out.iter_mut() {
                        *x = min + span * *x;
                    }
                }
                Draw::LogNormal { mu, sigma } => {
                    standard_normal().at_each(us, out);
                    for x in out.iter_mut() {
                        *x = (mu + sigma * *x).exp();
                    }
                }
                Draw::Uniform { min, span } => {
                    for (x, u) in out.iter_mut().zip(us.iter()) {
                        *x = min + span * u;
                    }
                }
                Draw::Const(_) | Draw::Bins { .. } => {}
            }
        }
    }
}

/// Draws turned into values at a time by [`Draw::fill`].
const FILL: usize = 256;

/// The standard normal's quantile table, built once for every lognormal of every run.
pub(crate) fn standard_normal() -> &'static Quantiles {
    static TABLE: OnceLock<Quantiles> = OnceLock::new();
    TABLE.get_or_init(Quantiles::normal)
}

/// What a parameter stands for, which decides what it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Events per year: ≥ 0; a number, PERT or lognormal.
    Rate,
    /// Between 0 and 1; a number or PERT.
    Probability,
    /// A control's multiplier: ≥ 0; a number or PERT.
    Factor,
    /// Yen per loss event: ≥ 0; PERT, lognormal, uniform or bins.
    Magnitude,
}

fn bad(path: &str, ja: impl Into<String>, en: impl Into<String>) -> ModelProblem {
    ModelProblem::new(path.to_owned(), ja.into(), en.into())
}

fn finite(values: &[f64], path: &str) -> Result<(), ModelProblem> {
    if values.iter().all(|v| v.is_finite()) {
        Ok(())
    } else {
        Err(bad(
            path,
            "数値でない値があります",
            "a value is not a finite number",
        ))
    }
}

pub fn pert(min: f64, mode: f64, max: f64, path: &str) -> Result<Draw, ModelProblem> {
    finite(&[min, mode, max], path)?;
    if !(min <= mode && mode <= max) {
        return Err(bad(
            path,
            format!("最小 ≤ 最頻 ≤ 最大 になっていません（{min}, {mode}, {max}）"),
            format!("min ≤ mode ≤ max does not hold ({min}, {mode}, {max})"),
        ));
    }
    if min == max {
        return Ok(Draw::Const(min));
    }
    let span = max - min;
    let alpha = 1.0 + 4.0 * (mode - min) / span;
    let beta = 1.0 + 4.0 * (max - mode) / span;
    Ok(Draw::Pert {
        min,
        span,
        beta: Arc::new(Quantiles::beta(alpha, beta)),
    })
}

impl Param {
    /// Checks a parameter for what it stands for; `path` is where it is in the model.
    pub fn compile(&self, kind: Kind, path: &str) -> Result<Draw, ModelProblem> {
        match self {
            Param::Fixed(v) => {
                finite(&[*v], path)?;
                check_range(kind, *v, *v, path)?;
                Ok(Draw::Const(*v))
            }
            Param::Dist(d) => d.compile(kind, path),
        }
    }
}

fn check_range(kind: Kind, low: f64, high: f64, path: &str) -> Result<(), ModelProblem> {
    if low < 0.0 {
        return Err(bad(
            path,
            format!("負の値は使えません（{low}）"),
            format!("a negative value is not allowed ({low})"),
        ));
    }
    if kind == Kind::Probability && high > 1.0 {
        return Err(bad(
            path,
            format!("確率は 0 から 1 の間です（{high}）"),
            format!("a probability is between 0 and 1 ({high})"),
        ));
    }
    Ok(())
}

impl DistSpec {
    pub fn compile(&self, kind: Kind, path: &str) -> Result<Draw, ModelProblem> {
        let given = [
            self.pert.is_some(),
            self.lognormal90.is_some(),
            self.uniform.is_some(),
            self.bins.is_some(),
        ]
        .iter()
        .filter(|g| **g)
        .count();
        if given != 1 {
            return Err(bad(
                path,
                "分布は pert・lognormal90・uniform・bins のどれか1つで書いてください",
                "write exactly one distribution: pert, lognormal90, uniform or bins",
            ));
        }
        let allowed = |name: &str, ok: bool| -> Result<(), ModelProblem> {
            if ok {
                Ok(())
            } else {
                Err(bad(
                    &format!("{path}.{name}"),
                    format!("ここでは {name} は使えません"),
                    format!("{name} is not allowed here"),
                ))
            }
        };
        if let Some([min, mode, max]) = self.pert {
            let at = format!("{path}.pert");
            let d = pert(min, mode, max, &at)?;
            check_range(kind, min, max, &at)?;
            return Ok(d);
        }
        if let Some([low, high]) = self.lognormal90 {
            allowed("lognormal90", matches!(kind, Kind::Rate | Kind::Magnitude))?;
            let at = format!("{path}.lognormal90");
            finite(&[low, high], &at)?;
            if !(0.0 < low && low < high) {
                return Err(bad(
                    &at,
                    format!("0 < 5%点 < 95%点 になっていません（{low}, {high}）"),
                    format!("0 < 5th percentile < 95th percentile does not hold ({low}, {high})"),
                ));
            }
            let mu = (low.ln() + high.ln()) / 2.0;
            let sigma = (high.ln() - low.ln()) / (2.0 * Z95);
            return Ok(Draw::LogNormal { mu, sigma });
        }
        if let Some([min, max]) = self.uniform {
            allowed("uniform", kind == Kind::Magnitude)?;
            let at = format!("{path}.uniform");
            finite(&[min, max], &at)?;
            if min > max {
                return Err(bad(
                    &at,
                    format!("最小 ≤ 最大 になっていません（{min}, {max}）"),
                    format!("min ≤ max does not hold ({min}, {max})"),
                ));
            }
            check_range(kind, min, max, &at)?;
            return Ok(Draw::Uniform {
                min,
                span: max - min,
            });
        }
        let bins = self.bins.as_deref().unwrap_or(&[]);
        allowed("bins", kind == Kind::Magnitude)?;
        if bins.is_empty() {
            return Err(bad(
                &format!("{path}.bins"),
                "範囲が1つもありません",
                "there are no ranges",
            ));
        }
        let mut cumulative = Vec::with_capacity(bins.len());
        let mut ranges = Vec::with_capacity(bins.len());
        let mut total = 0.0;
        for (i, [low, high, p]) in bins.iter().copied().enumerate() {
            let at = format!("{path}.bins[{i}]");
            finite(&[low, high, p], &at)?;
            if !(0.0 <= low && low <= high && (0.0..=1.0).contains(&p)) {
                return Err(bad(
                    &at,
                    format!(
                        "[下限, 上限, 確率] は 0 ≤ 下限 ≤ 上限、0 ≤ 確率 ≤ 1 です（{low}, {high}, {p}）"
                    ),
                    format!(
                        "[low, high, probability] needs 0 ≤ low ≤ high and 0 ≤ probability ≤ 1 ({low}, {high}, {p})"
                    ),
                ));
            }
            total += p;
            cumulative.push(total);
            ranges.push((low, high));
        }
        if (total - 1.0).abs() > 1e-9 {
            return Err(bad(
                &format!("{path}.bins"),
                format!("確率の合計が 1 になりません（{total}）"),
                format!("the probabilities do not sum to 1 ({total})"),
            ));
        }
        Ok(Draw::Bins { cumulative, ranges })
    }
}
