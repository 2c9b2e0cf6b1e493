//! The loss along one weight, for figure 6: E at equally spaced values of w1, the bias and w2
//! held, in one pass over the data and with no logarithm or exponential per row and value.
//!
//! Along w1 = start + k·step each row's score against its label is mₖ = a + k·d (with
//! a = s·(b + start·x1 + w2·x2), d = s·step·x1 and s = 1 − 2y), so its loss is
//! max(mₖ, 0) + ln(1 + e^−|mₖ|) and e^−|mₖ| = min(uₖ, 1/uₖ) with uₖ = e^mₖ, a geometric
//! sequence: one exponential starts it and multiplications continue it (restarted every
//! [`RESTART`] values so that rounding cannot build up). The logarithms of a block become one:
//! Σ ln(1 + tₙ) = ln Π (1 + tₙ), each factor in (1, 2], the product renormalised by its binary
//! exponent every [`RENORMALISE_ROWS`] rows so that it neither overflows nor loses more than one
//! rounding per factor. Rows whose score leaves ±[`FAST_LIMIT`] on the line (where the
//! exponentials would saturate) are summed term by term instead.
//!
//! Rows are taken in blocks of [`CHUNK_ROWS`] and eight lanes, the blocks on all cores and
//! added in order, so the result is the same whatever the number of threads or the vector
//! width (the AVX2 build of the loop does the same operations in the same order).

use rayon::prelude::*;

use super::blocks::{CHUNK_ROWS, LANES, PARALLEL_MIN_ROWS, add_lanes, has_avx2, neumaier, rows_of};
use crate::data::{Dataset, visits};
use crate::fastmath::{exp_neg, logistic_parts};

/// Values of the line between two fresh exponentials of a row.
const RESTART: usize = 25;
/// Rows multiplied into a lane's products before they are renormalised: 2⁵¹² is far from
/// overflow.
const RENORMALISE_ROWS: usize = 512;
/// Scores within ±this keep e^m and e^−m normal numbers.
const FAST_LIMIT: f64 = 600.0;

/// Equally spaced values `start + k·step`, `k = 0 … count − 1`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Line {
    /// The first value.
    pub start: f64,
    /// The spacing.
    pub step: f64,
    /// How many values.
    pub count: usize,
}

impl Line {
    /// `count` values from `lo` to `hi`, both included (NumPy's linspace).
    pub fn spanning(lo: f64, hi: f64, count: usize) -> Line {
        Line {
            start: lo,
            step: (hi - lo) / (count.max(2) - 1) as f64,
            count,
        }
    }

    /// The k-th value.
    pub fn at(&self, k: usize) -> f64 {
        self.start + k as f64 * self.step
    }
}

/// E(b, w1, w2) with L2 strength `lambda` for every w1 of `line`.
pub fn loss_along_w1(data: &Dataset, lambda: f64, b: f64, w2: f64, line: Line) -> Vec<f64> {
    let (x1, x2, y) = (data.x1(), data.x2(), data.labels());
    let block = |index: usize| {
        visits::visit(&visits::CURVE);
        let r = rows_of(index, y.len());
        // The data part of the loss of one block of rows at every value of the line.
        let (x1, x2, y) = (&x1[r.clone()], &x2[r.clone()], &y[r]);
        #[cfg(target_arch = "x86_64")]
        if has_avx2() {
            // SAFETY: the CPU supports AVX2, checked just above.
            return unsafe { block_sums_avx2(x1, x2, y, b, w2, line) };
        }
        block_sums_portable(x1, x2, y, b, w2, line)
    };
    let blocks = y.len().div_ceil(CHUNK_ROWS);
    let sums: Vec<Vec<f64>> = if y.len() >= PARALLEL_MIN_ROWS {
        (0..blocks).into_par_iter().map(block).collect()
    } else {
        (0..blocks).map(block).collect()
    };
    (0..line.count)
        .map(|k| {
            // Neumaier's compensated sum over the blocks, in order.
            let (mut sum, mut compensation) = (0.0f64, 0.0f64);
            for s in &sums {
                neumaier(&mut sum, &mut compensation, s[k]);
            }
            let w1 = line.at(k);
            let penalty = if lambda > 0.0 {
                lambda * (b * b + w1 * w1 + w2 * w2)
            } else {
                0.0
            };
            (sum + compensation) + penalty
        })
        .collect()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
pub(super) fn block_sums_avx2(
    x1: &[f64],
    x2: &[f64],
    y: &[u8],
    b: f64,
    w2: f64,
    line: Line,
) -> Vec<f64> {
    block_sums_portable(x1, x2, y, b, w2, line)
}

/// What a block accumulates per lane and value of the line.
struct Accumulators {
    /// Σ max(m, 0).
    relu: Vec<[f64; LANES]>,
    /// Π (1 + e^−|m|) since the last renormalisation, in [1, 2) after it.
    product: Vec<[f64; LANES]>,
    /// The binary exponents taken out of `product`.
    exponent: Vec<[i64; LANES]>,
}

#[inline(always)]
pub(super) fn block_sums_portable(
    x1: &[f64],
    x2: &[f64],
    y: &[u8],
    b: f64,
    w2: f64,
    line: Line,
) -> Vec<f64> {
    let count = line.count;
    let mut acc = Accumulators {
        relu: vec![[0.0; LANES]; count],
        product: vec![[1.0; LANES]; count],
        exponent: vec![[0; LANES]; count],
    };
    // Scores against the label along the line, per row: mₖ = a + k·d.
    let score = |i: usize| {
        let sign = 1.0 - 2.0 * f64::from(y[i]);
        let a = sign * (b + line.start * x1[i] + w2 * x2[i]);
        let d = sign * (line.step * x1[i]);
        (a, d)
    };
    let last = (count.max(1) - 1) as f64;
    let full = y.len() / LANES * LANES;
    let mut since_renormalised = 0;
    let group =
        |start: usize| -> [(f64, f64); LANES] { std::array::from_fn(|lane| score(start + lane)) };
    let fast = |rows: &[(f64, f64); LANES]| {
        rows.iter()
            .all(|&(a, d)| a.abs() <= FAST_LIMIT && (a + last * d).abs() <= FAST_LIMIT)
    };
    let mut start = 0;
    while start < full {
        // Two groups at once where both can take the fast path (and the renormalisation,
        // every RENORMALISE_ROWS rows, an even number of groups, falls after both).
        let pair = start + 2 * LANES <= full
            && (since_renormalised + 2) * LANES <= RENORMALISE_ROWS
            && fast(&group(start))
            && fast(&group(start + LANES));
        if pair {
            add_groups::<2>(&mut acc, &[group(start), group(start + LANES)], count);
        } else {
            let rows = group(start);
            if fast(&rows) {
                add_groups::<1>(&mut acc, &[rows], count);
            } else {
                for (lane, &row) in rows.iter().enumerate() {
                    add_row_exactly(&mut acc, lane, row, count);
                }
            }
        }
        let groups = if pair { 2 } else { 1 };
        start += groups * LANES;
        since_renormalised += groups;
        if since_renormalised * LANES >= RENORMALISE_ROWS {
            renormalise(&mut acc);
            since_renormalised = 0;
        }
    }
    for (k, i) in (full..y.len()).enumerate() {
        add_row_exactly(&mut acc, k % LANES, score(i), count);
    }
    renormalise(&mut acc);
    (0..count)
        .map(|k| {
            // Lanes in a fixed tree, as the fused pass adds them.
            add_lanes(&std::array::from_fn(|lane| {
                acc.relu[k][lane]
                    + (libm::log(acc.product[k][lane])
                        + acc.exponent[k][lane] as f64 * std::f64::consts::LN_2)
            }))
        })
        .collect()
}

/// `G` groups of eight rows whose scores stay within ±[`FAST_LIMIT`]: the geometric
/// sequences. Several groups side by side give the processor independent chains of
/// multiplications to overlap; each accumulator still receives the groups' terms in group
/// order, so the bits are those of one group after the other.
#[inline(always)]
fn add_groups<const G: usize>(
    acc: &mut Accumulators,
    groups: &[[(f64, f64); LANES]; G],
    count: usize,
) {
    // Columns rather than pairs, so that the lane loops below are plain vector arithmetic.
    let a: [[f64; LANES]; G] = std::array::from_fn(|g| std::array::from_fn(|l| groups[g][l].0));
    let d: [[f64; LANES]; G] = std::array::from_fn(|g| std::array::from_fn(|l| groups[g][l].1));
    let ratio: [[f64; LANES]; G] = std::array::from_fn(|g| d[g].map(|d| exp_neg(-d)));
    let inverse: [[f64; LANES]; G] = std::array::from_fn(|g| d[g].map(exp_neg));
    let mut k0 = 0;
    while k0 < count {
        let start = |g: usize, l: usize| a[g][l] + k0 as f64 * d[g][l];
        let mut up: [[f64; LANES]; G] =
            std::array::from_fn(|g| std::array::from_fn(|l| exp_neg(-start(g, l))));
        let mut down: [[f64; LANES]; G] =
            std::array::from_fn(|g| std::array::from_fn(|l| exp_neg(start(g, l))));
        let end = (k0 + RESTART).min(count);
        for ((relu, product), k) in acc.relu[k0..end]
            .iter_mut()
            .zip(&mut acc.product[k0..end])
            .zip(k0..end)
        {
            let kf = k as f64;
            for g in 0..G {
                for lane in 0..LANES {
                    let m = a[g][lane] + kf * d[g][lane];
                    relu[lane] += positive_part(m);
                    let t = smaller(up[g][lane], down[g][lane]);
                    product[lane] *= 1.0 + t;
                    up[g][lane] *= ratio[g][lane];
                    down[g][lane] *= inverse[g][lane];
                }
            }
        }
        k0 += RESTART;
    }
}

/// `m` where it is positive, else 0 (NaN and −0 too, which `f64::max` does not promise).
#[inline(always)]
fn positive_part(m: f64) -> f64 {
    if m > 0.0 { m } else { 0.0 }
}

/// The smaller of `a` and `b` by one comparison: `b` on a tie or a NaN, unlike `f64::min`.
#[inline(always)]
fn smaller(a: f64, b: f64) -> f64 {
    if a < b { a } else { b }
}

/// One row, value by value, with the fused pass's own terms: for scores so large that the
/// sequences would saturate, and for the rows that do not fill a group of eight.
fn add_row_exactly(acc: &mut Accumulators, lane: usize, (a, d): (f64, f64), count: usize) {
    for k in 0..count {
        let m = a + k as f64 * d;
        acc.relu[k][lane] += positive_part(m);
        // ln(1 + e^−|m|) enters as a factor e^(that) ∈ (1, 2]: kept exact by adding it to the
        // relu sum instead, where it belongs just as well.
        acc.relu[k][lane] += logistic_parts(m).log1p_exp;
    }
}

/// Moves the binary exponent of every product into `exponent`, leaving a mantissa in [1, 2).
#[inline(always)]
fn renormalise(acc: &mut Accumulators) {
    const MANTISSA: u64 = (1 << 52) - 1;
    const ONE: u64 = 1023 << 52;
    for (product, exponent) in acc.product.iter_mut().zip(acc.exponent.iter_mut()) {
        for lane in 0..LANES {
            // Products are ≥ 1 and far below overflow: always normal numbers.
            let bits = product[lane].to_bits();
            exponent[lane] += ((bits >> 52) & 0x7ff) as i64 - 1023;
            product[lane] = f64::from_bits((bits & MANTISSA) | ONE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::study_rng;
    use crate::model::{Lambda, LogisticObjective};

    fn each_value(data: &Dataset, lambda: f64, b: f64, w2: f64, line: Line) -> Vec<f64> {
        let objective = LogisticObjective::new(data, Lambda::new(lambda).unwrap());
        (0..line.count)
            .map(|k| objective.value([b, line.at(k), w2]))
            .collect()
    }

    #[test]
    fn agrees_with_the_fused_pass_at_every_value() {
        for (n, lambda) in [(2, 0.1), (13, 0.0), (1000, 0.1), (50_000, 1.0)] {
            let data = Dataset::fuzzy(n, &mut study_rng(n as u64)).unwrap();
            let line = Line::spanning(-4.0, 0.5, 100);
            let curve = loss_along_w1(&data, lambda, 0.3, -2.0, line);
            let exact = each_value(&data, lambda, 0.3, -2.0, line);
            for (k, (c, e)) in curve.iter().zip(&exact).enumerate() {
                assert!(
                    (c - e).abs() <= 1e-12 * e.abs().max(1.0),
                    "N = {n}, k = {k}: {c} vs {e}"
                );
            }
        }
    }

    #[test]
    fn scores_too_large_for_the_sequences_are_summed_exactly() {
        let data = Dataset::new(
            vec![300.0, -280.0, 0.5, 1.0, 2.0, -1.0, 0.1, 3.0, 4.0],
            vec![1.0, 2.0, 3.0, -1.0, 0.0, 0.5, 0.2, 0.1, -2.0],
            &[1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
        )
        .unwrap();
        let line = Line::spanning(-3.0, 3.0, 100);
        let curve = loss_along_w1(&data, 0.5, 0.1, 0.7, line);
        let exact = each_value(&data, 0.5, 0.1, 0.7, line);
        for (c, e) in curve.iter().zip(&exact) {
            assert!((c - e).abs() <= 1e-12 * e.abs().max(1.0), "{c} vs {e}");
        }
    }

    #[test]
    fn the_same_bits_whatever_the_threads() {
        let data = Dataset::fuzzy(5 * PARALLEL_MIN_ROWS + 3, &mut study_rng(4)).unwrap();
        let line = Line::spanning(-3.0, 1.0, 100);
        // Pools of their own: the machine's core count plays no part.
        let with = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| loss_along_w1(&data, 0.1, 0.2, -1.5, line))
        };
        let serial = with(1);
        for threads in [2, 3, 4] {
            assert_eq!(with(threads), serial, "{threads} threads");
        }
    }
}
