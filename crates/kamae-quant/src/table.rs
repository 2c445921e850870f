//! Drawing by inverting a distribution's CDF from a table: one uniform, a few bit operations
//! and a cubic, where an exact sampler spends a logarithm, an exponential and a rejection
//! loop. The table holds exact quantiles (and the slopes 1/pdf) at knots that are dense
//! where the quantile function bends: each octave of the distance to the nearer end of
//! [0, 1] gets the same number of cells, so a cell is never wider than 1/8 of its distance
//! from the end. Between knots, cubic Hermite interpolation; its error is bounded by the
//! tests (quantiles within 1e-5 relative of the exact ones, ten times inside the 1e-4 that
//! issue 6 allows). Beyond the last octave (u or 1 − u below 2⁻²⁵, about once in 17 million
//! draws) the exact quantile is computed.

use std::f64::consts::{PI, SQRT_2};

/// Cells per octave.
const CELLS: usize = 8;
/// Octaves tabulated on each side: distances to the end from 2⁻² down to 2⁻²⁵.
const OCTAVES: usize = 24;
const KNOTS: usize = CELLS + 1;
/// Mantissa bits below the ones that pick the cell.
const FRACTION_BITS: u32 = 52 - CELLS.trailing_zeros();
/// Cells on both sides.
const ALL_CELLS: usize = 2 * OCTAVES * CELLS;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Exact {
    /// Beta(a, b) on [0, 1].
    Beta { a: f64, b: f64, ln_beta: f64 },
    /// The standard normal.
    Normal,
}

impl Exact {
    /// The quantile at `v` from the low end (`high`: from the high end, i.e. at 1 − v), and
    /// its slope d quantile / dv. Computing from the nearer end keeps the precision that
    /// 1 − v would lose.
    fn at(self, v: f64, high: bool) -> (f64, f64) {
        match self {
            Exact::Beta { a, b, ln_beta } => {
                let x = if high {
                    1.0 - puruspe::invbetai(v, b, a)
                } else {
                    puruspe::invbetai(v, a, b)
                };
                let ln_pdf = (a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln() - ln_beta;
                let slope = (-ln_pdf).exp();
                (x, if high { -slope } else { slope })
            }
            Exact::Normal => {
                let z = -SQRT_2 * puruspe::inverfc(2.0 * v);
                let z = if high { -z } else { z };
                let pdf = (-z * z / 2.0).exp() / (2.0 * PI).sqrt();
                (z, if high { -1.0 / pdf } else { 1.0 / pdf })
            }
        }
    }
}

/// A distribution's quantile function as a table.
#[derive(Debug, Clone)]
pub struct Quantiles {
    exact: Exact,
    /// Per side (low, high), per octave, per cell: the cubic's coefficients in the cell's
    /// own coordinate t ∈ [0, 1), lowest power first, so a draw is three fused steps. Of a
    /// fixed size, so that an index clamped to it needs no bounds check (and no branch).
    cells: Box<[[f64; 4]; ALL_CELLS]>,
}

impl Quantiles {
    /// Beta(a, b) with a, b ≥ 1 (as every PERT's are).
    pub fn beta(a: f64, b: f64) -> Quantiles {
        let ln_beta = puruspe::ln_gamma(a) + puruspe::ln_gamma(b) - puruspe::ln_gamma(a + b);
        Quantiles::build(Exact::Beta { a, b, ln_beta })
    }

    /// The standard normal.
    pub fn normal() -> Quantiles {
        Quantiles::build(Exact::Normal)
    }

    fn build(exact: Exact) -> Quantiles {
        let mut cells = Box::new([[0.0; 4]; ALL_CELLS]);
        let mut at = 0;
        for high in [false, true] {
            for octave in 0..OCTAVES {
                let start = 0.25 / f64::from(1u32 << octave);
                let width = start / CELLS as f64;
                let knots: Vec<(f64, f64)> = (0..KNOTS)
                    .map(|k| {
                        let (q, slope) = exact.at(start + k as f64 * width, high);
                        // The slope over a whole cell, as the cubic in t wants it.
                        (q, slope * width)
                    })
                    .collect();
                for pair in knots.windows(2) {
                    let [(q0, d0), (q1, d1)] = [pair[0], pair[1]];
                    // Cubic Hermite through (q0, d0) and (q1, d1), in powers of t.
                    cells[at] = [
                        q0,
                        d0,
                        3.0 * (q1 - q0) - 2.0 * d0 - d1,
                        2.0 * (q0 - q1) + d0 + d1,
                    ];
                    at += 1;
                }
            }
        }
        Quantiles { exact, cells }
    }

    /// The quantile at `u` ∈ [0, 1).
    #[inline(always)]
    pub fn at(&self, u: f64) -> f64 {
        let (q, tabled) = self.tabled(u);
        if tabled { q } else { self.exact_at(u) }
    }

    /// The quantiles at each of `us`, into `out` (as long): what [`Quantiles::at`] gives,
    /// bit for bit. The table's loop has no branch, so the compiler can draw several lanes
    /// at once; the rare `u` beyond the table get their exact quantiles after it.
    pub fn at_each(&self, us: &[f64], out: &mut [f64]) {
        let mut beyond = false;
        for (q, &u) in out.iter_mut().zip(us) {
            let (tabled_q, tabled) = self.tabled(u);
            *q = tabled_q;
            beyond |= !tabled;
        }
        if beyond {
            for (q, &u) in out.iter_mut().zip(us) {
                if !self.tabled(u).1 {
                    *q = self.exact_at(u);
                }
            }
        }
    }

    /// The table's quantile at `u`, and whether `u` is inside the table (if not, the
    /// quantile is of a clamped cell and must not be used). No branch: which side is a coin
    /// toss, and a mispredicted branch would cost as much as the rest of the draw.
    #[inline(always)]
    fn tabled(&self, u: f64) -> (f64, bool) {
        let high = u >= 0.5;
        let v = u.min(1.0 - u);
        let bits = v.to_bits();
        // v ∈ [2^e, 2^(e+1)) with e ≤ −2, so the octave −2 − e counts from 0. v = 0.5 (octave
        // −1, wrapped), v = 0 and v below the last octave fall outside.
        let octave = 1021u64.wrapping_sub(bits >> 52);
        let tabled = octave < OCTAVES as u64;
        let octave = octave.min(OCTAVES as u64 - 1) as usize;
        let mantissa = bits & ((1u64 << 52) - 1);
        let cell = (mantissa >> FRACTION_BITS) as usize;
        // t = the bits below the cell's as a fraction, exactly: put in the mantissa of 1.0,
        // less 1.0.
        let below = mantissa & ((1u64 << FRACTION_BITS) - 1);
        let t = f64::from_bits(1f64.to_bits() | (below << (52 - FRACTION_BITS))) - 1.0;
        let index = (usize::from(high) * OCTAVES + octave) * CELLS + cell;
        let [c0, c1, c2, c3] = self.cells[index.min(ALL_CELLS - 1)];
        (c0 + t * (c1 + t * (c2 + t * c3)), tabled)
    }

    #[cold]
    #[inline(never)]
    fn exact_at(&self, u: f64) -> f64 {
        let high = u >= 0.5;
        self.exact.at(u.min(1.0 - u), high).0
    }
}

/// e^−x for 0 ≤ x < [`ExpNeg::LIMIT`] (a Poisson count's start, e^−rate, once a trial):
/// e^−k/64 from a table times e^−r for the rest, r < 1/64, by its series to r⁵ (the first
/// term left out is below 3e-14 of the whole), without a call to exp.
#[derive(Debug, Clone)]
pub struct ExpNeg {
    /// e^−k/64 for k = 0 ..= 64·LIMIT; of a fixed size, so that a clamped index needs no
    /// bounds check (and no branch).
    steps: Box<[f64; ExpNeg::SIZE]>,
}

impl ExpNeg {
    /// The largest x (exclusive) the table covers.
    pub const LIMIT: f64 = 30.0;
    const STEPS: f64 = 64.0;
    const SIZE: usize = 30 * 64 + 1;

    /// The one table, built on first use.
    pub fn shared() -> &'static ExpNeg {
        static TABLE: std::sync::OnceLock<ExpNeg> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            let mut steps = Box::new([0.0; ExpNeg::SIZE]);
            for (k, step) in steps.iter_mut().enumerate() {
                *step = (-(k as f64) / ExpNeg::STEPS).exp();
            }
            ExpNeg { steps }
        })
    }

    /// e^−x (outside [0, LIMIT), exp itself answers).
    #[inline(always)]
    pub fn at(&self, x: f64) -> f64 {
        if (0.0..ExpNeg::LIMIT).contains(&x) {
            self.inside(x)
        } else {
            (-x).exp()
        }
    }

    /// e^−x for x in [0, LIMIT), without a branch (outside, a wrong value).
    #[inline(always)]
    pub fn inside(&self, x: f64) -> f64 {
        debug_assert!(
            (0.0..ExpNeg::LIMIT).contains(&x),
            "e^-{x} is outside the table"
        );
        let scaled = x * ExpNeg::STEPS;
        let k = scaled as i32;
        let step = self.steps[(k.max(0) as usize).min(ExpNeg::SIZE - 1)];
        // Both exact: a multiple of 1/64 taken from x, then divided by a power of 2.
        let r = (scaled - f64::from(k)) / ExpNeg::STEPS;
        // In pairs of terms (Estrin's scheme), so that fewer steps wait on each other.
        let r2 = r * r;
        let series =
            (1.0 - r) + r2 * ((0.5 - r * (1.0 / 6.0)) + r2 * (1.0 / 24.0 - r * (1.0 / 120.0)));
        step * series
    }
}

// The table reaches LIMIT: a LIMIT changed alone would clamp e^−x to a wrong value.
const _: () = assert!(ExpNeg::SIZE == (ExpNeg::LIMIT * ExpNeg::STEPS) as usize + 1);

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(e: Exact, u: f64) -> f64 {
        if u < 0.5 {
            e.at(u, false).0
        } else {
            e.at(1.0 - u, true).0
        }
    }

    fn worst(q: &Quantiles, scale: impl Fn(f64) -> f64) -> (f64, f64) {
        let mut worst = (0.0, 0.0);
        let mut probes: Vec<f64> = (1..200_000).map(|i| i as f64 / 200_000.0).collect();
        for k in 3..45 {
            let v = 2f64.powi(-k) * 1.37;
            probes.extend([v, 1.0 - v]);
        }
        for u in probes {
            let want = exact(q.exact, u);
            let got = q.at(u);
            let err = (got - want).abs() / scale(want);
            if err > worst.0 {
                worst = (err, u);
            }
        }
        worst
    }

    #[test]
    fn beta_quantiles_are_within_1e_5_relative_of_the_exact_ones() {
        // The PERTs of the benchmark, and the extremes of λ = 4: the mode at an end.
        for (a, b) in [
            (1.375, 3.625),
            (3.0, 3.0),
            (1.0727, 4.9273),
            (1.0, 5.0),
            (5.0, 1.0),
        ] {
            let q = Quantiles::beta(a, b);
            let (err, at) = worst(&q, |x| x.abs().max(1e-300));
            assert!(
                err < 1e-5,
                "Beta({a}, {b}): relative error {err} at u = {at}"
            );
            // The exact quantiles themselves are the inverse of the CDF.
            for p in [1e-9, 0.01, 0.3, 0.5, 0.97] {
                let x = puruspe::invbetai(p, a, b);
                assert!((puruspe::betai(a, b, x) - p).abs() < 1e-9 * p.max(1e-3));
            }
        }
    }

    #[test]
    fn normal_quantiles_are_within_1e_5() {
        let q = Quantiles::normal();
        // Relative for the lognormal it makes: exp(μ + σ z) moves by σ·Δz.
        let (err, at) = worst(&q, |_| 1.0);
        assert!(err < 1e-5, "normal: error {err} at u = {at}");
        assert!((q.at(0.975) - 1.959_963_984_540_054).abs() < 1e-7);
        assert!((q.at(0.5)).abs() < 1e-12);
    }

    #[test]
    fn exp_neg_is_within_1e_13_of_exp() {
        let e = ExpNeg::shared();
        let mut worst = 0.0f64;
        for i in 0..3_000_000 {
            let x = i as f64 * 1e-5 + (i % 7) as f64 * 1.3e-9;
            let want = (-x).exp();
            worst = worst.max((e.at(x) - want).abs() / want);
        }
        assert!(worst < 1e-13, "worst relative error {worst:e}");
        assert_eq!(e.at(0.0), 1.0);
        assert_eq!(e.at(45.0), (-45.0f64).exp());
    }
}
