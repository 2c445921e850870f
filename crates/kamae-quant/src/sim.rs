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
use crate::table::ExpNeg;

/// Trials per chunk: the unit of work a thread takes, and of the generator's streams.
const CHUNK: usize = 1 << 14;
/// Trials whose counts are drawn before their losses.
const BLOCK: usize = 256;
/// Losses of a trial summed without a branch (in pairs, by `summed_by`).
const SUMMED: usize = 4;
const _: () = assert!(SUMMED == 4);
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
                scenarios.push(Scenario {
                    name: s.name.clone(),
                    frequency,
                    vulnerability,
                    magnitude,
                    secondary,
                    frequency_factors,
                    magnitude_factors,
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
const INVERSION_LIMIT: f64 = ExpNeg::LIMIT;

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

/// The first CDF values of a count, compared without branches.
const STRAIGHT: usize = 6;

/// A Poisson count by inversion of the uniform `u`, walking up the CDF from e^−rate (`p0`).
/// The first [`STRAIGHT`] steps are taken whatever the count: a loop that stopped at a
/// random count would be mispredicted about once a draw, which costs more than the steps.
#[inline(always)]
fn inverted(u: f64, rate: f64, p0: f64) -> u64 {
    let (mut k, mut p, mut cdf) = straight(u, rate, p0);
    if k < STRAIGHT as u64 {
        return k;
    }
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

/// The count below [`STRAIGHT`] that `u` falls on (or STRAIGHT), and the last term and CDF.
#[inline(always)]
fn straight(u: f64, rate: f64, p0: f64) -> (u64, f64, f64) {
    let (mut p, mut cdf, mut k) = (p0, p0, 0u64);
    for reciprocal in &RECIPROCALS[1..=STRAIGHT] {
        k += u64::from(u >= cdf);
        p *= rate * reciprocal;
        cdf += p;
    }
    (k, p, cdf)
}

/// A Poisson count: one uniform below [`INVERSION_LIMIT`] (a rate of 0 included, so that
/// every count there takes exactly one).
#[inline(always)]
fn poisson(rng: &mut Rng, rate: f64) -> u64 {
    if (0.0..INVERSION_LIMIT).contains(&rate) {
        let u = rng.random::<f64>();
        return inverted(u, rate, ExpNeg::shared().inside(rate));
    }
    poisson_large(rng, rate)
}

#[cold]
#[inline(never)]
fn poisson_large(rng: &mut Rng, rate: f64) -> u64 {
    match Poisson::new(rate) {
        Ok(p) => p.sample(rng) as u64,
        Err(_) => 0,
    }
}

/// A count for each of `rates`, in order: what [`poisson`] gives one by one, bit for bit.
/// When every rate is below [`INVERSION_LIMIT`] (one uniform each), the uniforms are taken
/// first and the counts found in a loop without branches (none mispredicted, the trials'
/// steps overlapping); the rare count at or past [`STRAIGHT`] walks on after it.
fn poisson_each(rng: &mut Rng, rates: &[f64], counts: &mut [u64]) {
    if !rates.iter().all(|r| (0.0..INVERSION_LIMIT).contains(r)) {
        for (c, &rate) in counts.iter_mut().zip(rates) {
            *c = poisson(rng, rate);
        }
        return;
    }
    let exp = ExpNeg::shared();
    let mut uniforms = [0.0; BLOCK];
    for (counts, rates) in counts.chunks_mut(BLOCK).zip(rates.chunks(BLOCK)) {
        let us = &mut uniforms[..rates.len()];
        for u in us.iter_mut() {
            *u = rng.random::<f64>();
        }
        let mut walk = false;
        for ((c, &u), &rate) in counts.iter_mut().zip(us.iter()).zip(rates) {
            let k = straight(u, rate, exp.inside(rate)).0;
            *c = k;
            walk |= k == STRAIGHT as u64;
        }
        if walk {
            for ((c, &u), &rate) in counts.iter_mut().zip(us.iter()).zip(rates) {
                if *c == STRAIGHT as u64 {
                    *c = inverted(u, rate, exp.inside(rate));
                }
            }
        }
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

/// One block's draws before its losses, one of each a trial.
struct Drawn {
    frequency_factor: [f64; BLOCK],
    magnitude_factor: [f64; BLOCK],
    vulnerability: [f64; BLOCK],
    rate: [f64; BLOCK],
    count: [u64; BLOCK],
}

impl Scenario {
    /// Adds a year of this scenario to each of `totals` (one a trial, in order) and returns
    /// the sum of its losses. A block of trials at a time, one kind of draw at a time: each
    /// trial's factors, then every trial's vulnerability, rate, count, and then losses. A
    /// kind drawn from one uniform is drawn for the whole block by [`Draw::fill`] and
    /// [`poisson_each`], in loops without branches; a chain's passes and counts, and losses
    /// with a secondary loss, are drawn trial by trial.
    fn add_years(&self, rng: &mut Rng, totals: &mut [f64]) -> f64 {
        let mut sum = 0.0;
        let mut d = Drawn {
            frequency_factor: [1.0; BLOCK],
            magnitude_factor: [1.0; BLOCK],
            vulnerability: [1.0; BLOCK],
            rate: [0.0; BLOCK],
            count: [0; BLOCK],
        };
        let mut losses: Vec<f64> = Vec::with_capacity(4 * BLOCK);
        for block in totals.chunks_mut(BLOCK) {
            let n = block.len();
            if !(self.frequency_factors.is_empty() && self.magnitude_factors.is_empty()) {
                for (f, m) in d.frequency_factor[..n]
                    .iter_mut()
                    .zip(&mut d.magnitude_factor[..n])
                {
                    *f = self
                        .frequency_factors
                        .iter()
                        .map(|f| f.sample(rng))
                        .product();
                    *m = self
                        .magnitude_factors
                        .iter()
                        .map(|f| f.sample(rng))
                        .product();
                }
            }
            if let Some(v) = &self.vulnerability {
                v.fill(rng, &mut d.vulnerability[..n]);
                for v in &mut d.vulnerability[..n] {
                    *v = v.clamp(0.0, 1.0);
                }
            }
            self.counts(rng, &mut d, n);
            let events: u64 = d.count[..n].iter().sum();
            if self.secondary.is_none() {
                losses.clear();
                losses.resize(events as usize + SUMMED, 0.0);
                self.magnitude.fill(rng, &mut losses[..events as usize]);
                sum += summed(block, &d.count[..n], &d.magnitude_factor[..n], &losses);
            } else {
                sum += self.losses_one_by_one(rng, block, &d);
            }
        }
        sum
    }

    /// The block's counts of loss events into `d.count`. The chance that a threat event
    /// becomes a loss event thins the events: loss events come at the thinned rate.
    fn counts(&self, rng: &mut Rng, d: &mut Drawn, n: usize) {
        match &self.frequency {
            Frequency::Poisson(rate) => {
                rate.fill(rng, &mut d.rate[..n]);
                for ((r, f), v) in d.rate[..n]
                    .iter_mut()
                    .zip(&d.frequency_factor[..n])
                    .zip(&d.vulnerability[..n])
                {
                    *r = *r * f * v;
                }
                poisson_each(rng, &d.rate[..n], &mut d.count[..n]);
            }
            Frequency::Chain { count, passes } => {
                for ((c, &f), &v) in d.count[..n]
                    .iter_mut()
                    .zip(&d.frequency_factor[..n])
                    .zip(&d.vulnerability[..n])
                {
                    let mut pass = v;
                    for p in passes {
                        pass *= p.sample(rng).clamp(0.0, 1.0);
                    }
                    let attempts = match count {
                        Count::Fixed(k) => {
                            // A fixed count cannot grow: a control thins its events instead.
                            pass *= f.min(1.0);
                            u64::from(*k)
                        }
                        Count::Rate(rate) => {
                            let rate = rate.sample(rng) * f;
                            poisson(rng, rate)
                        }
                    };
                    *c = binomial(rng, attempts, pass);
                }
            }
        }
    }

    /// The block's losses event by event, each followed by its secondary loss's draws.
    fn losses_one_by_one(&self, rng: &mut Rng, block: &mut [f64], d: &Drawn) -> f64 {
        let mut sum = 0.0;
        for ((total, &events), &factor) in block.iter_mut().zip(&d.count).zip(&d.magnitude_factor) {
            let mut loss = 0.0;
            for _ in 0..events {
                loss += self.magnitude.sample(rng) * factor;
                if let Some((p, m)) = &self.secondary
                    && rng.random::<f64>() < p.sample(rng)
                {
                    loss += m.sample(rng) * factor;
                }
            }
            *total += loss;
            sum += loss;
        }
        sum
    }
}

/// Adds each trial's losses (`counts[i]` of them, in order in `losses`, which has
/// [`SUMMED`] spare places at its end) times its factor to its total, and returns their sum.
/// A trial's first losses are added whatever its count, those past it masked to +0.0
/// (which adds nothing, bit for bit), in pairs: a loop would be mispredicted about once a
/// trial, and one long chain of additions would wait on itself.
fn summed(block: &mut [f64], counts: &[u64], factors: &[f64], losses: &[f64]) -> f64 {
    if factors.iter().all(|f| *f == 1.0) {
        // Without the factors' multiplications, which would change no bit.
        summed_by(block, counts, losses, |_| 1.0, |x, _| x)
    } else {
        summed_by(block, counts, losses, |i| factors[i], |x, f| x * f)
    }
}

#[inline(always)]
fn summed_by(
    block: &mut [f64],
    counts: &[u64],
    losses: &[f64],
    factor: impl Fn(usize) -> f64,
    times: impl Fn(f64, f64) -> f64,
) -> f64 {
    let mut sums = [0.0; 4];
    let mut at = 0;
    for (i, (total, &c)) in block.iter_mut().zip(counts).enumerate() {
        let f = factor(i);
        let mut first = [0.0; SUMMED];
        for (k, (m, x)) in first.iter_mut().zip(&losses[at..at + SUMMED]).enumerate() {
            let keep = u64::from((k as u64) < c).wrapping_neg();
            *m = times(f64::from_bits(x.to_bits() & keep), f);
        }
        let mut loss = (first[0] + first[1]) + (first[2] + first[3]);
        for x in losses.get(at + SUMMED..at + c as usize).unwrap_or(&[]) {
            loss += times(*x, f);
        }
        at += c as usize;
        *total += loss;
        sums[i % 4] += loss;
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3])
}

/// The sum of `f` of each of `values`, value i in running sum i mod 4: one chain of
/// additions would wait on itself. The order is fixed, so the same values give the same bits.
fn sum_of(values: &[f64], f: impl Fn(f64) -> f64) -> f64 {
    let mut sums = [0.0; 4];
    let fours = values.chunks_exact(4);
    let rest = fours.remainder();
    for four in fours {
        for (s, x) in sums.iter_mut().zip(four) {
            *s += f(*x);
        }
    }
    for (s, x) in sums.iter_mut().zip(rest) {
        *s += f(*x);
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3])
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

/// One chunk's trials, and what the summary needs of them that a thread can work out alone.
struct Chunk {
    totals: Vec<f64>,
    /// Each scenario's sum of losses over the chunk.
    sums: Vec<f64>,
    /// The sum of the totals, and of their squared distances from the chunk's own mean.
    sum: f64,
    m2: f64,
    zero: usize,
    /// The smallest and largest positive totals (∞ and −∞ without any).
    low: f64,
    high: f64,
}

impl Chunk {
    fn new(totals: Vec<f64>, sums: Vec<f64>) -> Chunk {
        let sum = sum_of(&totals, |x| x);
        let mean = sum / totals.len().max(1) as f64;
        let m2 = sum_of(&totals, |x| (x - mean) * (x - mean));
        // Without branches: about a third of the years may be without loss, at random.
        let (mut zero, mut low, mut high) = (0, f64::INFINITY, f64::NEG_INFINITY);
        for &x in &totals {
            let lost = x > 0.0;
            zero += usize::from(!lost);
            low = low.min(if lost { x } else { f64::INFINITY });
            high = high.max(x);
        }
        if zero == totals.len() {
            high = f64::NEG_INFINITY;
        }
        Chunk {
            totals,
            sums,
            sum,
            m2,
            zero,
            low,
            high,
        }
    }
}

/// Year totals grouped by the top 16 bits of their floats (the exponent and four bits of
/// mantissa, so a bucket spans at most 1/16 of its lower edge; the bits keep the values'
/// order), one more than those bits for a year with a loss; bucket 0 holds the years without.
/// The same buckets for every run, so each thread counts its chunks as it makes them.
const BUCKETS: usize = (1 << 15) + 1;

#[inline]
fn bucket_of(x: f64) -> usize {
    // A select, not a branch: whether a year lost anything is a coin toss. A positive
    // float's top bit is 0, so its top 16 bits are below 2^15.
    usize::from(x > 0.0) * ((x.to_bits() >> 48) as usize + 1)
}

/// The lower edge of the bucket that holds `x` (> 0): every total in a later bucket is
/// above it, every total in an earlier one below.
fn edge_of(x: f64) -> f64 {
    f64::from_bits((x.to_bits() >> 48) << 48)
}

/// Runs `f` on every chunk, on the run's threads when there are some.
fn each_chunk<T: Send>(
    chunks: &[Chunk],
    parallel: bool,
    f: impl Fn(&Chunk) -> T + Sync + Send,
) -> Vec<T> {
    if parallel {
        chunks.par_iter().map(f).collect()
    } else {
        chunks.iter().map(f).collect()
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
        // Each thread's count of totals by bucket (integers, so the order of chunks does not
        // matter), made while the chunk's totals are still in the cache.
        let threads_counting = match threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            t => t,
        };
        let counts: Vec<std::sync::Mutex<Vec<u32>>> = (0..threads_counting)
            .map(|_| std::sync::Mutex::new(Vec::new()))
            .collect();
        // Scenario by scenario over the chunk's trials: each scenario's loop stays on one
        // kind of draw, with its parameters at hand.
        let work = |(i, mut rng): (usize, Rng)| {
            let n = CHUNK.min(trials - i * CHUNK);
            // Zeros written, not only allocated: a chunk's totals are fresh pages, and pages
            // first read (as the first scenario's `+=` would) and then written fault twice.
            let mut totals = vec![0.0; n];
            totals.fill(std::hint::black_box(0.0));
            let sums = self
                .scenarios
                .iter()
                .map(|s| s.add_years(&mut rng, &mut totals))
                .collect();
            let thread = rayon::current_thread_index().unwrap_or(0) % counts.len();
            if let Ok(mut h) = counts[thread].lock() {
                if h.is_empty() {
                    h.resize(BUCKETS, 0);
                }
                for &x in &totals {
                    h[bucket_of(x)] += 1;
                }
            }
            let so_far = done.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed) + n as u64;
            progress(so_far);
            Chunk::new(totals, sums)
        };
        let counted = || {
            let mut all = vec![0usize; BUCKETS];
            all.fill(std::hint::black_box(0));
            for h in &counts {
                if let Ok(h) = h.lock() {
                    for (a, k) in all.iter_mut().zip(h.iter()) {
                        *a += *k as usize;
                    }
                }
            }
            all
        };
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            // The summary's passes run on the same threads.
            Ok(pool) => pool.install(|| {
                let chunks: Vec<Chunk> = streams.into_par_iter().enumerate().map(work).collect();
                self.summarise(&chunks, &counted(), true)
            }),
            // Without a pool (no threads to be had), the same chunks on this thread.
            Err(_) => {
                let chunks: Vec<Chunk> = streams.into_iter().enumerate().map(work).collect();
                self.summarise(&chunks, &counted(), false)
            }
        }
    }

    /// The output from the chunks, always combined in chunk order, so the figures do not
    /// depend on the thread count. Quantiles and exceedance probabilities come from counting
    /// the totals by bucket and looking inside only the buckets they fall in: the answers a
    /// sort would give, in linear passes.
    fn summarise(&self, chunks: &[Chunk], counts: &[usize], parallel: bool) -> Output {
        let count: usize = chunks.iter().map(|c| c.totals.len()).sum();
        let n = count as f64;
        let mean = chunks.iter().map(|c| c.sum).sum::<f64>() / n;
        // The chunks' squared distances from their own means, moved to the common mean.
        let m2: f64 = chunks
            .iter()
            .map(|c| {
                let k = c.totals.len() as f64;
                let d = c.sum / k.max(1.0) - mean;
                c.m2 + k * d * d
            })
            .sum();
        let variance = if count > 1 { m2 / (n - 1.0) } else { 0.0 };
        let zero: usize = chunks.iter().map(|c| c.zero).sum();
        let low = chunks.iter().map(|c| c.low).fold(f64::INFINITY, f64::min);
        let high = chunks
            .iter()
            .map(|c| c.high)
            .fold(f64::NEG_INFINITY, f64::max);
        // above[b]: how many totals lie in buckets after b.
        let mut above = vec![0usize; BUCKETS];
        let mut acc = 0;
        for b in (0..BUCKETS).rev() {
            above[b] = acc;
            acc += counts[b];
        }

        // The curve from the smallest positive total to the largest, its points between
        // them on a log scale, each moved down to its bucket's lower edge where that is a new
        // point: what lies at or above an edge is counted by the buckets alone. Other points
        // (where the totals are too close together for the buckets), the largest total, the
        // thresholds and the quantiles' ranks are looked up inside their buckets.
        let mut lec_amounts: Vec<f64> = Vec::with_capacity(LEC_POINTS);
        let mut edges: Vec<f64> = Vec::with_capacity(LEC_POINTS);
        if high >= low {
            lec_amounts.push(low);
            for i in 1..LEC_POINTS - 1 {
                let t = i as f64 / (LEC_POINTS - 1) as f64;
                let at = (low.ln() + t * (high.ln() - low.ln())).exp();
                let last = lec_amounts[lec_amounts.len() - 1];
                let edge = edge_of(at);
                if edge > last && edge < high {
                    lec_amounts.push(edge);
                    edges.push(edge);
                } else if at > last && at < high {
                    lec_amounts.push(at);
                }
            }
            if high > low {
                lec_amounts.push(high);
            }
        }
        let ranks = [0.50, 0.90, 0.95, 0.99].map(|q| rank_of(count, q));
        let rank_bucket = |rank: usize| {
            let mut start = 0;
            for (b, k) in counts.iter().enumerate() {
                if rank < start + k {
                    return (b, start);
                }
                start += k;
            }
            (BUCKETS - 1, start)
        };
        let rank_buckets = ranks.map(rank_bucket);
        // Amounts to look up: between the ends, those not on an edge.
        let looked_up: Vec<f64> = lec_amounts
            .iter()
            .chain(&self.thresholds)
            .copied()
            .filter(|a| *a > low && *a <= high && !edges.contains(a))
            .collect();
        // What to do in each bucket looked inside: the amounts to count at or above, the
        // quantiles to gather values for.
        let mut slot_of = vec![usize::MAX; BUCKETS];
        let mut slots: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
        let mut slot = |b: usize| {
            if slot_of[b] == usize::MAX {
                slot_of[b] = slots.len();
                slots.push((Vec::new(), Vec::new()));
            }
            slot_of[b]
        };
        let mut marks = Vec::new();
        for (a, amount) in looked_up.iter().enumerate() {
            marks.push((slot(bucket_of(*amount)), Some(a), None));
        }
        for (q, (b, _)) in rank_buckets.iter().enumerate() {
            if *b > 0 {
                marks.push((slot(*b), None, Some(q)));
            }
        }
        for (at, a, q) in marks {
            slots[at].0.extend(a);
            slots[at].1.extend(q);
        }
        let looked: Vec<(Vec<usize>, Vec<Vec<f64>>)> = each_chunk(chunks, parallel, |c| {
            let mut at_least = vec![0usize; looked_up.len()];
            let mut values: Vec<Vec<f64>> = vec![Vec::new(); ranks.len()];
            for &x in &c.totals {
                let Some((amount_list, quantile_list)) = slots.get(slot_of[bucket_of(x)]) else {
                    continue;
                };
                for &a in amount_list {
                    if x >= looked_up[a] {
                        at_least[a] += 1;
                    }
                }
                for &q in quantile_list {
                    values[q].push(x);
                }
            }
            (at_least, values)
        });
        let exceeding = |amount: f64| -> f64 {
            let k = if amount <= low {
                count - zero
            } else if amount > high {
                0
            } else if let Some(a) = looked_up.iter().position(|l| *l == amount) {
                above[bucket_of(amount)] + looked.iter().map(|(l, _)| l[a]).sum::<usize>()
            } else {
                // A bucket's edge: its bucket and all above.
                above[bucket_of(amount)] + counts[bucket_of(amount)]
            };
            k as f64 / n
        };
        let point = |amount: f64| Point {
            amount,
            probability: exceeding(amount),
        };
        let lec: Vec<Point> = lec_amounts.iter().map(|a| point(*a)).collect();
        let exceedance: Vec<Point> = self.thresholds.iter().map(|a| point(*a)).collect();
        let quantiles: Vec<f64> = rank_buckets
            .iter()
            .enumerate()
            .map(|(q, (b, start))| {
                if *b == 0 {
                    return 0.0;
                }
                let mut values: Vec<f64> = looked
                    .iter()
                    .flat_map(|(_, v)| v[q].iter().copied())
                    .collect();
                let at = (ranks[q] - start).min(values.len().saturating_sub(1));
                match values.get(at) {
                    Some(_) => *values.select_nth_unstable_by(at, f64::total_cmp).1,
                    None => 0.0,
                }
            })
            .collect();
        let sums = chunks
            .iter()
            .fold(vec![0.0; self.scenarios.len()], |mut all, c| {
                for (a, s) in all.iter_mut().zip(&c.sums) {
                    *a += s;
                }
                all
            });
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

    use std::sync::Arc;

    use crate::table::Quantiles;

    /// Draws taken a block at a time give what drawing them one by one gives, bit for bit,
    /// for every kind, in blocks longer than a fill's (the next test covers the uniforms
    /// beyond the quantile tables, too rare to meet here).
    #[test]
    fn a_block_of_draws_equals_the_draws_one_by_one() {
        let kinds = [
            Draw::Const(3.0),
            Draw::Pert {
                min: 1e6,
                span: 5e8 - 1e6,
                beta: Arc::new(Quantiles::beta(1.0727, 4.9273)),
            },
            Draw::Pert {
                min: 0.5,
                span: 5.5,
                beta: Arc::new(Quantiles::beta(1.0, 5.0)),
            },
            Draw::LogNormal {
                mu: 16.9,
                sigma: 1.9,
            },
            Draw::Uniform {
                min: 1.0,
                span: 2.0,
            },
            Draw::Bins {
                cumulative: vec![0.6, 1.0],
                ranges: vec![(1e8, 5e8), (1e6, 1e8)],
            },
        ];
        for (k, kind) in kinds.iter().enumerate() {
            let mut one = Rng::seed_from_u64(k as u64);
            let mut block = one.clone();
            let mut drawn = vec![0.0; 700];
            for _ in 0..600 {
                kind.fill(&mut block, &mut drawn);
                for (i, x) in drawn.iter().enumerate() {
                    let want = kind.sample(&mut one);
                    assert_eq!(x.to_bits(), want.to_bits(), "{kind:?}, draw {i}");
                }
            }
        }
    }

    #[test]
    fn a_block_of_quantiles_equals_them_one_by_one_beyond_the_table_too() {
        let q = Quantiles::beta(1.375, 3.625);
        let us = [
            0.0,
            1e-12,
            2f64.powi(-25),
            0.3,
            0.5,
            0.75,
            1.0 - 1e-12,
            0.999_999,
        ];
        let mut out = [0.0; 8];
        q.at_each(&us, &mut out);
        for (u, x) in us.iter().zip(out) {
            assert_eq!(x.to_bits(), q.at(*u).to_bits(), "u = {u}");
        }
        assert_eq!(out[0], 0.0);
        assert!(out[1] > 0.0 && out[1] < 1e-6, "{}", out[1]);
    }

    /// A block's counts equal the counts one by one: rates of 0, small, large enough to walk
    /// past the straight steps, and (in the second block) one beyond the inversion.
    #[test]
    fn a_block_of_counts_equals_the_counts_one_by_one() {
        for rates in [
            (0..BLOCK)
                .map(|i| (i % 40) as f64 * 0.7)
                .collect::<Vec<_>>(),
            (0..BLOCK)
                .map(|i| if i == 100 { 45.0 } else { 1.2 })
                .collect(),
        ] {
            let mut one = Rng::seed_from_u64(11);
            let mut block = one.clone();
            let mut counts = vec![0; rates.len()];
            for _ in 0..50 {
                poisson_each(&mut block, &rates, &mut counts);
                for (c, r) in counts.iter().zip(&rates) {
                    assert_eq!(*c, poisson(&mut one, *r), "rate {r}");
                }
            }
            assert_eq!(block, one);
        }
    }

    /// The summary by selection and counting gives what sorting the totals gives.
    #[test]
    fn the_summary_matches_a_sorted_reference() {
        let model = Model::from_json(
            r#"{"thresholds": [5.0, 50.0, 1000000.5, 1e9], "scenarios": [{"name": "s", "frequency": {"poisson": 1}, "magnitude": {"uniform": [1, 2]}}]}"#,
        )
        .unwrap_or_else(|p| panic!("{p:?}"));
        let c = model.compile().unwrap_or_else(|p| panic!("{p:?}"));
        let mut rng = Rng::seed_from_u64(7);
        // Totals spread over 14 octaves, whose curve sits on bucket edges, and totals within
        // a millionth of each other, whose buckets are too coarse for it.
        let spread: Vec<f64> = (0..10_007)
            .map(|i| {
                if i % 3 == 0 {
                    0.0
                } else {
                    (rng.random::<f64>() * 10.0).exp()
                }
            })
            .collect();
        let close: Vec<f64> = spread
            .iter()
            .map(|x| if *x > 0.0 { 1e6 + x / 22_026.0 } else { 0.0 })
            .collect();
        for totals in [spread, close] {
            let mut sorted = totals.clone();
            sorted.sort_unstable_by(f64::total_cmp);
            let n = sorted.len();
            let at_or_above =
                |amount: f64| sorted.iter().filter(|x| **x >= amount).count() as f64 / n as f64;
            // Uneven chunks, as a run's last one is.
            let chunks: Vec<Chunk> = totals
                .chunks(1_000)
                .map(|t| Chunk::new(t.to_vec(), vec![1.0]))
                .collect();
            let mut counts = vec![0; BUCKETS];
            for x in &totals {
                counts[bucket_of(*x)] += 1;
            }
            let out = c.summarise(&chunks, &counts, false);
            assert_eq!(out, c.summarise(&chunks, &counts, true));
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
            assert_eq!(Some(&out.lec[0].amount), sorted.iter().find(|x| **x > 0.0));
            assert_eq!(out.lec[out.lec.len() - 1].amount, sorted[n - 1]);
            assert!(out.lec.windows(2).all(|w| w[0].amount < w[1].amount));
            for p in out.lec.iter().chain(&out.exceedance) {
                assert_eq!(p.probability, at_or_above(p.amount), "at {}", p.amount);
            }
            assert_eq!(out.exceedance[3].probability, 0.0);
        }
    }
}
