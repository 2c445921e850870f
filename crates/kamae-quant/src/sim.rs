//! The simulation: a year is one trial; each trial draws its parameters, then a count of
//! events, then a loss for each event. Trials run in fixed chunks, each with its own stream of
//! the generator, so the same seed gives the same numbers whatever the thread count.

use rand::{RngExt, SeedableRng};
use rand_distr::{Binomial, Distribution, Poisson};
use rayon::prelude::*;
use serde::Serialize;

use crate::ModelProblem;
use crate::dist::{Draw, Kind, Rng};
use crate::model::{DEFAULT_TRIALS, MAX_TRIALS, Model};

/// Trials per chunk: the unit of work a thread takes, and of the generator's streams.
const CHUNK: usize = 1 << 14;
/// The loss exceedance curve has at least this many points.
const LEC_POINTS: usize = 60;

#[derive(Debug, Clone)]
enum Count {
    Fixed(u32),
    Rate(Draw),
}

#[derive(Debug, Clone)]
enum Frequency {
    Poisson(Draw),
    Chain { count: Count, passes: Vec<Draw> },
}

#[derive(Debug, Clone)]
struct Scenario {
    name: String,
    frequency: Frequency,
    vulnerability: Option<Draw>,
    magnitude: Draw,
    secondary: Option<(Draw, Draw)>,
    frequency_factors: Vec<Draw>,
    magnitude_factors: Vec<Draw>,
    /// The event count's rate and e^−rate computed once, when nothing in the rate varies by
    /// year (it draws exactly what the per-year path would).
    fixed_count: Option<(f64, f64)>,
}

/// A model checked whole and ready to run.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub trials: u64,
    pub seed: u64,
    pub thresholds: Vec<f64>,
    scenarios: Vec<Scenario>,
}

impl Model {
    /// Checks every part of the model; every problem comes back at once, each with its path.
    pub fn compile(&self) -> Result<Compiled, Vec<ModelProblem>> {
        let mut problems = Vec::new();
        let mut keep = |r: Result<Draw, ModelProblem>| match r {
            Ok(d) => Some(d),
            Err(p) => {
                problems.push(p);
                None
            }
        };
        let mut scenarios = Vec::new();
        for (i, s) in self.scenarios.iter().enumerate() {
            let at = format!("scenarios[{i}]");
            let frequency = match (&s.frequency.poisson, &s.frequency.chain) {
                (Some(rate), None) => {
                    keep(rate.compile(Kind::Rate, &format!("{at}.frequency.poisson")))
                        .map(Frequency::Poisson)
                }
                (None, Some(chain)) => {
                    let count = match (chain.count, &chain.rate) {
                        (Some(n), None) => Some(Count::Fixed(n)),
                        (None, Some(rate)) => keep(
                            rate.compile(Kind::Rate, &format!("{at}.frequency.chain.rate")),
                        )
                        .map(Count::Rate),
                        _ => keep(Err(ModelProblem::new(
                            format!("{at}.frequency.chain"),
                            "count（年間の件数）か rate（年間の発生率）のどちらか1つを書いてください".into(),
                            "give exactly one of count (events a year) and rate (events a year, Poisson)".into(),
                        )))
                        .and(None),
                    };
                    let passes: Vec<Option<Draw>> = chain
                        .probabilities
                        .iter()
                        .enumerate()
                        .map(|(j, p)| {
                            keep(p.compile(
                                Kind::Probability,
                                &format!("{at}.frequency.chain.probabilities[{j}]"),
                            ))
                        })
                        .collect();
                    match (count, passes.into_iter().collect::<Option<Vec<_>>>()) {
                        (Some(count), Some(passes)) => Some(Frequency::Chain { count, passes }),
                        _ => None,
                    }
                }
                _ => keep(Err(ModelProblem::new(
                    format!("{at}.frequency"),
                    "頻度は poisson か chain のどちらか1つで書いてください".into(),
                    "write the frequency as exactly one of poisson and chain".into(),
                )))
                .and(None),
            };
            let vulnerability = match &s.vulnerability {
                Some(v) => keep(v.compile(Kind::Probability, &format!("{at}.vulnerability"))),
                None => Some(Draw::Const(1.0)),
            };
            let magnitude = keep(
                s.magnitude
                    .compile(Kind::Magnitude, &format!("{at}.magnitude")),
            );
            let secondary = match &s.secondary {
                Some(sec) => {
                    let p = keep(
                        sec.probability
                            .compile(Kind::Probability, &format!("{at}.secondary.probability")),
                    );
                    let m = keep(
                        sec.magnitude
                            .compile(Kind::Magnitude, &format!("{at}.secondary.magnitude")),
                    );
                    p.zip(m).map(Some)
                }
                None => Some(None),
            };
            let mut frequency_factors = Vec::new();
            let mut magnitude_factors = Vec::new();
            let mut factors_ok = true;
            for (j, c) in s.controls.iter().enumerate() {
                for (factor, list, name) in [
                    (
                        &c.frequency_factor,
                        &mut frequency_factors,
                        "frequency_factor",
                    ),
                    (
                        &c.magnitude_factor,
                        &mut magnitude_factors,
                        "magnitude_factor",
                    ),
                ] {
                    if let Some(f) = factor {
                        match keep(f.compile(Kind::Factor, &format!("{at}.controls[{j}].{name}"))) {
                            Some(d) => list.push(d),
                            None => factors_ok = false,
                        }
                    }
                }
            }
            if let (Some(frequency), Some(vulnerability), Some(magnitude), Some(secondary), true) =
                (frequency, vulnerability, magnitude, secondary, factors_ok)
            {
                let vulnerability =
                    Some(vulnerability).filter(|v| !matches!(v, Draw::Const(c) if *c == 1.0));
                let fixed_count = match (&frequency, &vulnerability) {
                    (Frequency::Poisson(Draw::Const(rate)), None)
                        if frequency_factors.is_empty() && *rate > 0.0 =>
                    {
                        Some((*rate, (-*rate).exp()))
                    }
                    _ => None,
                };
                scenarios.push(Scenario {
                    name: s.name.clone(),
                    frequency,
                    vulnerability,
                    magnitude,
                    secondary,
                    frequency_factors,
                    magnitude_factors,
                    fixed_count,
                });
            }
        }
        if self.scenarios.is_empty() {
            problems.push(ModelProblem::new(
                "scenarios".into(),
                "シナリオが1つもありません".into(),
                "there are no scenarios".into(),
            ));
        }
        let trials = self.trials.unwrap_or(DEFAULT_TRIALS);
        if trials == 0 || trials > MAX_TRIALS {
            problems.push(ModelProblem::new(
                "trials".into(),
                format!("試行回数は 1 から {MAX_TRIALS} までです（{trials}）"),
                format!("trials are 1 to {MAX_TRIALS} ({trials})"),
            ));
        }
        for (i, t) in self.thresholds.iter().enumerate() {
            if !(t.is_finite() && *t > 0.0) {
                problems.push(ModelProblem::new(
                    format!("thresholds[{i}]"),
                    format!("しきい値は正の金額です（{t}）"),
                    format!("a threshold is a positive amount ({t})"),
                ));
            }
        }
        if problems.is_empty() {
            Ok(Compiled {
                trials,
                seed: self.seed.unwrap_or(0),
                thresholds: self.thresholds.clone(),
                scenarios,
            })
        } else {
            Err(problems)
        }
    }
}

/// Below this rate a count is drawn by inversion; above it e^−rate loses too much precision
/// and the walk grows long, and rand_distr's sampler draws it.
const INVERSION_LIMIT: f64 = 30.0;

/// 1/k for the walk's first steps: a multiplication where a division would wait.
const RECIPROCALS: [f64; 64] = {
    let mut r = [0.0; 64];
    let mut k = 1;
    while k < 64 {
        r[k] = 1.0 / k as f64;
        k += 1;
    }
    r
};

/// A Poisson count by inversion: one uniform, walking up the CDF from e^−rate (`p0`).
#[inline]
fn poisson_inverted(rng: &mut Rng, rate: f64, p0: f64) -> u64 {
    let u: f64 = rng.random();
    let (mut p, mut cdf, mut k) = (p0, p0, 0u64);
    while u >= cdf {
        k += 1;
        p *= rate
            * RECIPROCALS
                .get(k as usize)
                .copied()
                .unwrap_or(1.0 / k as f64);
        cdf += p;
        // The CDF no longer grows in floating point: u is within rounding of 1.
        if p <= cdf * f64::EPSILON {
            break;
        }
    }
    k
}

fn poisson(rng: &mut Rng, rate: f64) -> u64 {
    if rate <= 0.0 {
        return 0;
    }
    if rate < INVERSION_LIMIT {
        return poisson_inverted(rng, rate, (-rate).exp());
    }
    match Poisson::new(rate) {
        Ok(p) => p.sample(rng) as u64,
        Err(_) => 0,
    }
}

fn binomial(rng: &mut Rng, n: u64, p: f64) -> u64 {
    if n == 0 || p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if n <= 32 {
        return (0..n).filter(|_| rng.random::<f64>() < p).count() as u64;
    }
    Binomial::new(n, p).map(|b| b.sample(rng)).unwrap_or(0)
}

impl Scenario {
    /// One year of this scenario: the loss, drawn event by event.
    fn year(&self, rng: &mut Rng) -> f64 {
        let frequency_factor: f64 = self
            .frequency_factors
            .iter()
            .map(|f| f.sample(rng))
            .product();
        let magnitude_factor: f64 = self
            .magnitude_factors
            .iter()
            .map(|f| f.sample(rng))
            .product();
        let vulnerability = self
            .vulnerability
            .as_ref()
            .map(|v| v.sample(rng).clamp(0.0, 1.0))
            .unwrap_or(1.0);
        let events = match &self.frequency {
            // Threat events thinned by the vulnerability are loss events of the thinned rate.
            Frequency::Poisson(_) if self.fixed_count.is_some() => match self.fixed_count {
                Some((rate, p0)) if rate < INVERSION_LIMIT => poisson_inverted(rng, rate, p0),
                Some((rate, _)) => poisson(rng, rate),
                None => 0,
            },
            Frequency::Poisson(rate) => {
                let rate = rate.sample(rng) * frequency_factor * vulnerability;
                poisson(rng, rate)
            }
            Frequency::Chain { count, passes } => {
                let mut pass = vulnerability;
                for p in passes {
                    pass *= p.sample(rng).clamp(0.0, 1.0);
                }
                let attempts = match count {
                    Count::Fixed(n) => {
                        // A fixed count cannot grow: a control thins its events instead.
                        pass *= frequency_factor.min(1.0);
                        u64::from(*n)
                    }
                    Count::Rate(rate) => {
                        let rate = rate.sample(rng) * frequency_factor;
                        poisson(rng, rate)
                    }
                };
                binomial(rng, attempts, pass)
            }
        };
        let mut loss = 0.0;
        for _ in 0..events {
            loss += self.magnitude.sample(rng) * magnitude_factor;
            if let Some((p, m)) = &self.secondary
                && rng.random::<f64>() < p.sample(rng)
            {
                loss += m.sample(rng) * magnitude_factor;
            }
        }
        loss
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Point {
    pub amount: f64,
    /// The probability that the year's total loss is at least `amount`.
    pub probability: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioShare {
    pub name: String,
    pub mean: f64,
    /// Its part of the portfolio's expected annual loss.
    pub share: f64,
}

/// The result of a run (the same JSON from the CLI and the API).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Output {
    pub trials: u64,
    pub seed: u64,
    pub mean: f64,
    pub sd: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    /// The probability of a year without loss.
    pub p_zero: f64,
    pub exceedance: Vec<Point>,
    pub lec: Vec<Point>,
    pub scenarios: Vec<ScenarioShare>,
}

/// The index of rank ⌈q·n⌉ (1-based) among n totals, as a sorted list would hold it.
fn rank_of(n: usize, q: f64) -> usize {
    ((q * n as f64).ceil() as usize).clamp(1, n) - 1
}

/// A year total's bucket: the top 16 bits of a positive f64 (its exponent and four bits of
/// mantissa, so a bucket spans at most 1/16 of its lower bound) keep the order of the
/// values; a year without loss is bucket 0.
#[inline]
fn bucket_of(x: f64) -> usize {
    if x > 0.0 {
        (x.to_bits() >> 48) as usize
    } else {
        0
    }
}

const BUCKETS: usize = 1 << 16;

/// The year totals grouped by bucket, buckets in order: what the quantiles and the
/// exceedance probabilities need of a sort, in two linear passes.
struct Grouped {
    values: Vec<f64>,
    /// `start[b]..start[b + 1]` is bucket b in `values`.
    start: Vec<usize>,
}

impl Grouped {
    fn new(totals: &[f64]) -> Grouped {
        let mut count = vec![0usize; BUCKETS];
        for &x in totals {
            count[bucket_of(x)] += 1;
        }
        let mut start = Vec::with_capacity(BUCKETS + 1);
        let mut at = 0;
        for c in &count {
            start.push(at);
            at += c;
        }
        start.push(at);
        let mut next = start.clone();
        let mut values = vec![0.0; totals.len()];
        for &x in totals {
            let b = bucket_of(x);
            values[next[b]] = x;
            next[b] += 1;
        }
        Grouped { values, start }
    }

    /// The value a sorted list holds at `rank` (0-based).
    fn at_rank(&mut self, rank: usize) -> f64 {
        let b = self.start.partition_point(|s| *s <= rank) - 1;
        let (from, to) = (self.start[b], self.start[b + 1]);
        let (_, v, _) = self.values[from..to].select_nth_unstable_by(rank - from, f64::total_cmp);
        *v
    }

    /// How many totals are at least `amount` (> 0).
    fn at_least(&self, amount: f64) -> usize {
        let b = bucket_of(amount);
        let (from, to) = (self.start[b], self.start[b + 1]);
        let above = self.values.len() - to;
        above
            + self.values[from..to]
                .iter()
                .filter(|x| **x >= amount)
                .count()
    }
}

impl Compiled {
    /// Runs the model on `threads` threads (0: as many as there are cores).
    pub fn run(&self, threads: usize) -> Output {
        self.run_with_progress(threads, &|_| {})
    }

    /// Runs the model, telling `progress` how many trials are done after each chunk (from
    /// any thread, in any order of chunks; the count only grows).
    pub fn run_with_progress(&self, threads: usize, progress: &(dyn Fn(u64) + Sync)) -> Output {
        let done = std::sync::atomic::AtomicU64::new(0);
        let trials = usize::try_from(self.trials).unwrap_or(usize::MAX);
        let chunks = trials.div_ceil(CHUNK);
        // Each chunk gets its own non-overlapping stream: the generator jumped 2^128 steps
        // per chunk from the seed.
        let mut base = Rng::seed_from_u64(self.seed);
        let mut streams = Vec::with_capacity(chunks);
        for _ in 0..chunks {
            streams.push(base.clone());
            base.jump();
        }
        let work = |(i, mut rng): (usize, Rng)| {
            let n = CHUNK.min(trials - i * CHUNK);
            let mut totals = Vec::with_capacity(n);
            let mut sums = vec![0.0; self.scenarios.len()];
            for _ in 0..n {
                let mut total = 0.0;
                for (s, sum) in self.scenarios.iter().zip(sums.iter_mut()) {
                    let loss = s.year(&mut rng);
                    *sum += loss;
                    total += loss;
                }
                totals.push(total);
            }
            let so_far = done.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed) + n as u64;
            progress(so_far);
            (totals, sums)
        };
        let merge = |parts: Vec<(Vec<f64>, Vec<f64>)>| {
            let mut totals = Vec::with_capacity(trials);
            let mut sums = vec![0.0; self.scenarios.len()];
            for (t, s) in parts {
                totals.extend(t);
                for (a, b) in sums.iter_mut().zip(s) {
                    *a += b;
                }
            }
            self.summarise(totals, sums)
        };
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            // The summary counts in parallel too, on the same threads.
            Ok(pool) => {
                pool.install(|| merge(streams.into_par_iter().enumerate().map(work).collect()))
            }
            // Without a pool (no threads to be had), the same chunks on this thread.
            Err(_) => merge(streams.into_iter().enumerate().map(work).collect()),
        }
    }

    fn summarise(&self, totals: Vec<f64>, sums: Vec<f64>) -> Output {
        let count = totals.len();
        let n = count as f64;
        let mean = totals.iter().sum::<f64>() / n;
        let variance = if count > 1 {
            totals.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
        } else {
            0.0
        };
        let mut zero = 0usize;
        let (mut low, mut high) = (f64::INFINITY, f64::NEG_INFINITY);
        for &x in &totals {
            if x <= 0.0 {
                zero += 1;
            } else {
                low = low.min(x);
                high = high.max(x);
            }
        }
        let mut grouped = Grouped::new(&totals);
        drop(totals);
        let exceeding = |amount: f64| grouped.at_least(amount) as f64 / n;
        let lec: Vec<Point> = if high > low {
            (0..LEC_POINTS)
                .map(|i| {
                    let t = i as f64 / (LEC_POINTS - 1) as f64;
                    let amount = (low.ln() + t * (high.ln() - low.ln())).exp();
                    Point {
                        amount,
                        probability: exceeding(amount),
                    }
                })
                .collect()
        } else if high == low {
            vec![Point {
                amount: low,
                probability: exceeding(low),
            }]
        } else {
            Vec::new()
        };
        let exceedance: Vec<Point> = self
            .thresholds
            .iter()
            .map(|&amount| Point {
                amount,
                probability: exceeding(amount),
            })
            .collect();
        let quantiles = [0.50, 0.90, 0.95, 0.99].map(|q| grouped.at_rank(rank_of(count, q)));
        let means: Vec<f64> = sums.iter().map(|s| s / n).collect();
        let all: f64 = means.iter().sum();
        Output {
            trials: self.trials,
            seed: self.seed,
            mean,
            sd: variance.sqrt(),
            p50: quantiles[0],
            p90: quantiles[1],
            p95: quantiles[2],
            p99: quantiles[3],
            p_zero: zero as f64 / n,
            exceedance,
            lec,
            scenarios: self
                .scenarios
                .iter()
                .zip(means)
                .map(|(s, m)| ScenarioShare {
                    name: s.name.clone(),
                    mean: m,
                    share: if all > 0.0 { m / all } else { 0.0 },
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The summary by selection and counting gives what sorting the totals gives.
    #[test]
    fn the_summary_matches_a_sorted_reference() {
        let model = Model::from_json(
            r#"{"thresholds": [5.0, 50.0, 1e9], "scenarios": [{"name": "s", "frequency": {"poisson": 1}, "magnitude": {"uniform": [1, 2]}}]}"#,
        )
        .unwrap_or_else(|p| panic!("{p:?}"));
        let c = model.compile().unwrap_or_else(|p| panic!("{p:?}"));
        let mut rng = Rng::seed_from_u64(7);
        let totals: Vec<f64> = (0..10_007)
            .map(|i| {
                if i % 3 == 0 {
                    0.0
                } else {
                    (rng.random::<f64>() * 10.0).exp()
                }
            })
            .collect();
        let mut sorted = totals.clone();
        sorted.sort_unstable_by(f64::total_cmp);
        let n = sorted.len();
        let at_or_above =
            |amount: f64| sorted.iter().filter(|x| **x >= amount).count() as f64 / n as f64;
        let out = c.summarise(totals, vec![1.0]);
        for (q, got) in [
            (0.5, out.p50),
            (0.9, out.p90),
            (0.95, out.p95),
            (0.99, out.p99),
        ] {
            let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
            assert_eq!(got, sorted[rank - 1], "quantile {q}");
        }
        assert_eq!(
            out.p_zero,
            sorted.iter().filter(|x| **x <= 0.0).count() as f64 / n as f64
        );
        assert_eq!(out.lec.len(), LEC_POINTS);
        for p in out.lec.iter().chain(&out.exceedance) {
            assert_eq!(p.probability, at_or_above(p.amount), "at {}", p.amount);
        }
        assert_eq!(out.exceedance[2].probability, 0.0);
    }
}
