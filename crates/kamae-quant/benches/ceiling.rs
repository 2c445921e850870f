//! The ceiling of issue 6 point 4, and where the engine's time goes (docs/benchmarks.md,
//! "Monte Carlo engine (role C)"; run by `scripts/bench-quant`).
//!
//! The model is the pyfair comparison's: one scenario, threat events Poisson with a rate
//! PERT(0.5, 2, 6) thinned by a vulnerability PERT(0.3, 0.5, 0.7), loss magnitude
//! PERT(1e6, 1e7, 5e8). The benchmark
//!
//! 1. counts the uniform random numbers the engine draws for it: the engine takes the
//!    concrete `Xoshiro256PlusPlus`, so it cannot be handed a counting generator; instead a
//!    copy of its sampling (`sim.rs`, `Scenario::add_years`, for this model only) runs
//!    on a generator that counts the 64-bit words it gives, on the engine's own streams (one
//!    per chunk of 16,384 trials, the generator jumped 2^128 steps per chunk). The copy's
//!    mean and its number of years without loss must equal the engine's bit for bit, which
//!    shows that it draws exactly what the engine draws;
//! 2. times drawing that many uniforms (`RngExt::random::<f64>()` on `Xoshiro256PlusPlus`)
//!    on one thread: the ceiling;
//! 3. times the engine in process (`Compiled::run`, 1 and 2 threads; no process start, no
//!    JSON), the copy's sampling alone, the sort of the year totals that the summary does, and
//!    each kind of draw alone, to show where the time goes.
//!
//! `cargo bench -p kamae-quant --bench ceiling` runs 1,000,000 trials, each timing
//! `BENCH_RUNS` times (default 7) after one untimed run, and prints a table and a last line
//! of JSON. Without `--bench` (as `cargo test --all-targets` runs it) it only checks the copy
//! against the engine on 40,000 trials and draws a few of everything, so the suite stays fast.
//! Nothing here asserts on time.

use std::convert::Infallible;
use std::hint::black_box;
use std::time::Instant;

use kamae_quant::table::{ExpNeg, Quantiles};
use kamae_quant::{Compiled, Model};
use rand::{Rng, RngExt, SeedableRng, TryRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The engine's chunk size (`sim.rs`, `CHUNK`); if it changes, the check below fails.
const CHUNK: usize = 1 << 14;
const SEED: u64 = 42;
const TEF: [f64; 3] = [0.5, 2.0, 6.0];
const VULNERABILITY: [f64; 3] = [0.3, 0.5, 0.7];
const MAGNITUDE: [f64; 3] = [1e6, 1e7, 5e8];

fn model_json() -> String {
    format!(
        r#"{{"scenarios": [{{"name": "pyfair inputs", "frequency": {{"poisson": {{"pert": {TEF:?}}}}}, "vulnerability": {{"pert": {VULNERABILITY:?}}}, "magnitude": {{"pert": {MAGNITUDE:?}}}}}]}}"#
    )
}

fn compiled(trials: u64) -> Compiled {
    let mut model = Model::from_json(&model_json()).unwrap_or_else(|p| panic!("{p:?}"));
    model.trials = Some(trials);
    model.seed = Some(SEED);
    model.compile().unwrap_or_else(|p| panic!("{p:?}"))
}

/// A generator that counts the 64-bit words it hands out (a `random::<f64>()` and an
/// `Open01` sample each take one).
struct Counting {
    inner: Xoshiro256PlusPlus,
    words: u64,
}

impl TryRng for Counting {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.words += 1;
        Ok(self.inner.next_u32())
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.words += 1;
        Ok(self.inner.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.words += dst.len().div_ceil(8) as u64;
        self.inner.fill_bytes(dst);
        Ok(())
    }
}

/// Words drawn so far: counted by `Counting`, not at all (0) by the plain generator, so the
/// same sampling code is timed without the counting.
trait Words: Rng {
    fn words(&self) -> u64;
}

impl Words for Counting {
    fn words(&self) -> u64 {
        self.words
    }
}

impl Words for Xoshiro256PlusPlus {
    #[inline(always)]
    fn words(&self) -> u64 {
        0
    }
}

/// Uniforms drawn, by what they were drawn for.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    vulnerability: u64,
    rate: u64,
    poisson: u64,
    magnitude: u64,
    events: u64,
}

impl Tally {
    fn total(&self) -> u64 {
        self.vulnerability + self.rate + self.poisson + self.magnitude
    }
}

/// A PERT as the engine compiles it (`dist.rs`, `pert`): min + span · Beta(α, β), the Beta
/// by its quantile table.
struct Pert {
    min: f64,
    span: f64,
    beta: Quantiles,
}

impl Pert {
    fn new([min, mode, max]: [f64; 3]) -> Pert {
        let span = max - min;
        let alpha = 1.0 + 4.0 * (mode - min) / span;
        let beta = 1.0 + 4.0 * (max - mode) / span;
        Pert {
            min,
            span,
            beta: Quantiles::beta(alpha, beta),
        }
    }

    #[inline]
    fn sample<R: Rng>(&self, rng: &mut R) -> f64 {
        self.min + self.span * self.beta.at(rng.random::<f64>())
    }

    /// `out.len()` draws as the engine takes a block of them (`dist.rs`, `Draw::fill`): the
    /// uniforms of up to 256 draws first, then their quantiles, then the scaling.
    fn fill<R: Rng>(&self, rng: &mut R, out: &mut [f64]) {
        let mut uniforms = [0.0; BLOCK];
        for out in out.chunks_mut(BLOCK) {
            let us = &mut uniforms[..out.len()];
            for u in us.iter_mut() {
                *u = rng.random::<f64>();
            }
            self.beta.at_each(us, out);
            for x in out.iter_mut() {
                *x = self.min + self.span * *x;
            }
        }
    }
}

/// The engine's first CDF values compared without branches (`sim.rs`, `STRAIGHT`).
const STRAIGHT: usize = 6;
/// The engine's block of trials whose counts are drawn before their losses (`sim.rs`).
const BLOCK: usize = 256;
/// The engine's losses of a trial summed without a branch (`sim.rs`, `SUMMED`).
const SUMMED: usize = 4;

/// The engine's event count below its inversion limit, from its uniform `u` (`sim.rs`,
/// `inverted`).
#[inline]
fn inverted(u: f64, rate: f64) -> u64 {
    let p0 = ExpNeg::shared().inside(rate);
    let (mut p, mut cdf, mut k) = (p0, p0, 0u64);
    for j in 1..=STRAIGHT {
        k += u64::from(u >= cdf);
        p *= rate * (1.0 / j as f64);
        cdf += p;
    }
    if k < STRAIGHT as u64 {
        return k;
    }
    while u >= cdf {
        k += 1;
        p *= rate * (1.0 / k as f64);
        cdf += p;
        if p <= cdf * f64::EPSILON {
            break;
        }
    }
    k
}

/// The copy of the engine's years for this model (`sim.rs`, `Scenario::add_years` with no
/// controls and no secondary loss): a block of trials at a time, every trial's
/// vulnerability, then every trial's rate, then every count, then the losses.
struct Year {
    tef: Pert,
    vulnerability: Pert,
    magnitude: Pert,
}

impl Year {
    fn new() -> Year {
        Year {
            tef: Pert::new(TEF),
            vulnerability: Pert::new(VULNERABILITY),
            magnitude: Pert::new(MAGNITUDE),
        }
    }

    /// One chunk's year totals.
    fn chunk<R: Words>(&self, rng: &mut R, totals: &mut [f64], tally: &mut Tally) {
        let mut vulnerability = [0.0; BLOCK];
        let mut rate = [0.0; BLOCK];
        let mut us = [0.0; BLOCK];
        let mut counts = [0u64; BLOCK];
        let mut losses: Vec<f64> = Vec::with_capacity(4 * BLOCK);
        for block in totals.chunks_mut(BLOCK) {
            let n = block.len();
            let w0 = rng.words();
            self.vulnerability.fill(rng, &mut vulnerability[..n]);
            for v in &mut vulnerability[..n] {
                *v = v.clamp(0.0, 1.0);
            }
            let w1 = rng.words();
            self.tef.fill(rng, &mut rate[..n]);
            for (r, v) in rate[..n].iter_mut().zip(&vulnerability[..n]) {
                *r *= v;
            }
            let w2 = rng.words();
            // The rate stays under 6, far below the engine's inversion limit: one uniform a
            // count.
            for u in &mut us[..n] {
                *u = rng.random::<f64>();
            }
            for ((c, u), r) in counts[..n].iter_mut().zip(&us[..n]).zip(&rate[..n]) {
                *c = inverted(*u, *r);
            }
            let w3 = rng.words();
            tally.vulnerability += w1 - w0;
            tally.rate += w2 - w1;
            tally.poisson += w3 - w2;
            let events: u64 = counts[..n].iter().sum();
            losses.clear();
            losses.resize(events as usize + SUMMED, 0.0);
            self.magnitude.fill(rng, &mut losses[..events as usize]);
            tally.magnitude += rng.words() - w3;
            tally.events += events;
            let mut at = 0;
            for (total, &c) in block.iter_mut().zip(counts.iter()) {
                let mut first = [0.0; SUMMED];
                for (k, (m, x)) in first.iter_mut().zip(&losses[at..at + SUMMED]).enumerate() {
                    let keep = u64::from((k as u64) < c).wrapping_neg();
                    *m = f64::from_bits(x.to_bits() & keep);
                }
                let mut loss = (first[0] + first[1]) + (first[2] + first[3]);
                for x in losses.get(at + SUMMED..at + c as usize).unwrap_or(&[]) {
                    loss += x;
                }
                at += c as usize;
                *total += loss;
            }
        }
    }
}

/// The engine's streams: the generator seeded from `seed`, then jumped once per chunk.
fn streams(seed: u64, trials: usize) -> Vec<Xoshiro256PlusPlus> {
    let mut base = Xoshiro256PlusPlus::seed_from_u64(seed);
    (0..trials.div_ceil(CHUNK))
        .map(|_| {
            let s = base.clone();
            base.jump();
            s
        })
        .collect()
}

/// All trials of the copy on one thread, chunk by chunk as the engine runs them: each
/// chunk's totals.
fn copy_totals<R: Words>(
    year: &Year,
    trials: usize,
    wrap: impl Fn(Xoshiro256PlusPlus) -> R,
) -> (Vec<Vec<f64>>, Tally) {
    let mut tally = Tally::default();
    let chunks = streams(SEED, trials)
        .into_iter()
        .enumerate()
        .map(|(i, stream)| {
            let mut rng = wrap(stream);
            let mut totals = vec![0.0; CHUNK.min(trials - i * CHUNK)];
            year.chunk(&mut rng, &mut totals, &mut tally);
            totals
        })
        .collect();
    (chunks, tally)
}

/// Median of `runs` timings in milliseconds, after one untimed run.
fn time_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let n = times.len();
    if n % 2 == 1 {
        times[n / 2]
    } else {
        (times[n / 2 - 1] + times[n / 2]) / 2.0
    }
}

/// The ceiling's loop: `count` uniforms from one generator, nothing else.
fn draw_uniforms(count: u64) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
    for _ in 0..count {
        black_box(rng.random::<f64>());
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let trials: usize = if full { 1_000_000 } else { 40_000 };
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|r| *r > 0)
        .unwrap_or(if full { 7 } else { 1 });
    let model = compiled(trials as u64);
    let year = Year::new();

    // 1. The count, on the engine's streams, checked against the engine itself.
    let engine = model.run(1);
    let (chunks, tally) = copy_totals(&year, trials, |inner| Counting { inner, words: 0 });
    // As the engine adds them: each chunk's totals (value i in running sum i mod 4), then the
    // chunks in order.
    let chunk_sum = |c: &[f64]| {
        let mut sums = [0.0; 4];
        for (i, x) in c.iter().enumerate() {
            sums[i % 4] += x;
        }
        (sums[0] + sums[1]) + (sums[2] + sums[3])
    };
    let copy_mean = chunks.iter().map(|c| chunk_sum(c)).sum::<f64>() / trials as f64;
    let copy_zero = chunks.iter().flatten().filter(|x| **x <= 0.0).count() as f64 / trials as f64;
    assert_eq!(
        (copy_mean.to_bits(), copy_zero.to_bits()),
        (engine.mean.to_bits(), engine.p_zero.to_bits()),
        "the copy ({copy_mean}, p_zero {copy_zero}) no longer draws what the engine draws ({}, p_zero {})",
        engine.mean,
        engine.p_zero
    );
    let uniforms = tally.total();
    let per_trial = uniforms as f64 / trials as f64;
    let per = |n: u64, of: u64| n as f64 / of.max(1) as f64;

    // 2. The ceiling.
    let ceiling_ms = time_ms(runs, || draw_uniforms(uniforms));

    // 3. The engine in process, the copy's sampling alone, the summary's sort, each draw.
    let engine_1_ms = time_ms(runs, || {
        black_box(model.run(1));
    });
    let engine_2_ms = time_ms(runs, || {
        black_box(model.run(2));
    });
    let sampling_ms = time_ms(runs, || {
        black_box(copy_totals(&year, trials, |r| r));
    });
    // The summary (selection and counting, no sort) and the rest of the run.
    let rest_ms = engine_1_ms - sampling_ms;
    let draws = trials as u64;
    // The mean thinned rate: E[TEF] · E[vulnerability] = 2.4166667 · 0.5.
    let mean_rate = 2.416_666_7 * 0.5;
    // A lognormal from the 90% interval [1e6, 1e8], as in `dist.rs`.
    let (mu, sigma) = (
        (1e6f64.ln() + 1e8f64.ln()) / 2.0,
        (1e8f64.ln() - 1e6f64.ln()) / (2.0 * 1.644_853_626_951_472_2),
    );
    let single = |what: &str, f: &dyn Fn(&mut Xoshiro256PlusPlus) -> f64| {
        let ms = time_ms(runs, || {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
            let mut acc = 0.0;
            for _ in 0..draws {
                acc += f(&mut rng);
            }
            black_box(acc);
        });
        (what.to_owned(), ms * 1e6 / draws as f64)
    };
    let normal = Quantiles::normal();
    let singles = [
        single(
            "PERT draw (quantile table), vulnerability PERT(0.3, 0.5, 0.7)",
            &|r| year.vulnerability.sample(r),
        ),
        single("PERT draw (quantile table), TEF PERT(0.5, 2, 6)", &|r| {
            year.tef.sample(r)
        }),
        single(
            "PERT draw (quantile table), magnitude PERT(1e6, 1e7, 5e8)",
            &|r| year.magnitude.sample(r),
        ),
        single(
            "Poisson(1.2083) by inversion (e^-λ from a table and a series, one uniform, the first 6 steps without branches; one a trial)",
            &|r| inverted(r.random::<f64>(), black_box(mean_rate)) as f64,
        ),
        single(
            "lognormal90 draw, as the portfolio's (normal quantile table, exp)",
            &|r| (mu + sigma * normal.at(r.random::<f64>())).exp(),
        ),
        single(
            "one uniform, random::<f64>(), in the same loop (what the loop itself costs)",
            &|r| r.random::<f64>(),
        ),
    ];

    let ns = |ms: f64| ms * 1e6 / trials as f64;
    let rate = |ms: f64| uniforms as f64 / (ms / 1000.0) / 1e6;
    println!("ceiling bench: {trials} trials, seed {SEED}, medians of {runs} runs after 1 untimed");
    println!(
        "the copy of the engine's sampling gives the engine's mean ({}) and p_zero ({}) bit for bit",
        engine.mean, engine.p_zero
    );
    println!();
    println!("| uniforms drawn | in all | per trial | per draw |");
    println!("| --- | ---: | ---: | ---: |");
    println!(
        "| vulnerability, PERT (quantile table) | {} | {:.3} | {:.3} |",
        tally.vulnerability,
        per(tally.vulnerability, draws),
        per(tally.vulnerability, draws)
    );
    println!(
        "| TEF, PERT (quantile table) | {} | {:.3} | {:.3} |",
        tally.rate,
        per(tally.rate, draws),
        per(tally.rate, draws)
    );
    println!(
        "| event count, Poisson (inversion) | {} | {:.3} | {:.3} |",
        tally.poisson,
        per(tally.poisson, draws),
        per(tally.poisson, draws)
    );
    println!(
        "| magnitudes, PERT (quantile table), {} events ({:.4} a trial) | {} | {:.3} | {:.3} |",
        tally.events,
        per(tally.events, draws),
        tally.magnitude,
        per(tally.magnitude, draws),
        per(tally.magnitude, tally.events)
    );
    println!("| all | {uniforms} | {per_trial:.3} | |");
    println!();
    println!("| one thread unless said | ms | ns a trial | million uniforms/s |");
    println!("| --- | ---: | ---: | ---: |");
    for (what, ms) in [
        ("ceiling: the same uniforms alone", ceiling_ms),
        ("engine, Compiled::run(1)", engine_1_ms),
        ("engine, Compiled::run(2), two threads", engine_2_ms),
        ("the copy's sampling alone (no summary)", sampling_ms),
        (
            "the engine less the copy's sampling: summary and the rest",
            rest_ms,
        ),
    ] {
        println!("| {what} | {ms:.1} | {:.1} | {:.0} |", ns(ms), rate(ms));
    }
    println!();
    println!("| one draw alone | ns |");
    println!("| --- | ---: |");
    for (what, ns) in &singles {
        println!("| {what} | {ns:.1} |");
    }
    println!(
        "\nengine on one thread at {:.1}% of the ceiling's rate (target: at least 50%)",
        100.0 * ceiling_ms / engine_1_ms
    );
    let json = serde_json::json!({
        "trials": trials,
        "seed": SEED,
        "runs": runs,
        "engine_mean": engine.mean,
        "engine_p_zero": engine.p_zero,
        "uniforms": uniforms,
        "uniforms_per_trial": per_trial,
        "uniforms_vulnerability": tally.vulnerability,
        "uniforms_rate": tally.rate,
        "uniforms_poisson": tally.poisson,
        "uniforms_magnitude": tally.magnitude,
        "events": tally.events,
        "ceiling_ms": ceiling_ms,
        "engine_1_ms": engine_1_ms,
        "engine_2_ms": engine_2_ms,
        "sampling_ms": sampling_ms,
        "summary_and_rest_ms": rest_ms,
        "single_draw_ns": singles.iter().map(|(w, n)| serde_json::json!({"what": w, "ns": n})).collect::<Vec<_>>(),
        "engine_share_of_ceiling_rate": ceiling_ms / engine_1_ms,
    });
    println!("{json}");
}
