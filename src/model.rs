//! The model: the regularised logistic loss and its gradient in one fused pass over the data,
//! its exact Hessian for Newton's method, and the small objective of the optimiser demo.
//!
//! E(w) = Σn [softplus(zn) − yn·zn] + λ·wᵀw,  ∇E(w) = Σn (σ(zn) − yn)·x̃n + 2λ·w,
//! with zn = b + w1·x1n + w2·x2n and x̃n = [1, x1n, x2n]. softplus(z) = ln(1 + e^z) is
//! written max(z, 0) + ln(1 + e^−|z|): no ε, no overflow, finite for every finite w. Each row
//! is evaluated through its score against the label, m = (1 − 2y)·z, as max(m, 0) +
//! ln(1 + e^−|m|) with residual (1 − 2y)·σ(m): the same numbers, without the cancellation
//! that would drown the tiny loss and residual of a point far on its own side.
//!
//! Summation order is fixed by the data alone (rows in blocks of [`CHUNK_ROWS`], eight
//! lanes inside a block, blocks added in order), never by the number of threads or the SIMD
//! width, so every machine computes the same bits.

use std::sync::Mutex;

use rayon::prelude::*;

use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::fastmath::logistic_parts;

/// Rows per block of the reduction. Part of the numerical definition of the sum: changing
/// it changes the last bits of every result.
pub const CHUNK_ROWS: usize = 8192;
/// Independent accumulators inside a block: enough for 512-bit vectors of f64.
const LANES: usize = 8;
/// How much a pass computes: the value only, value and gradient, or all three with the
/// Hessian.
const VALUE: u8 = 0;
const GRADIENT: u8 = 1;
const HESSIAN: u8 = 2;
/// Below this many rows, spreading a pass over threads costs more than it saves.
const PARALLEL_MIN_ROWS: usize = 4 * CHUNK_ROWS;

/// A differentiable objective, as the optimiser sees it.
///
/// Only the first three methods are required. The others let [`crate::fit`] check the
/// gradient against an independent computation, certify convergence with the exact Newton
/// step, and recognise an objective without a minimum; an objective that does not provide
/// them gets central differences, BFGS's own estimate, and no such verdict.
pub trait Objective {
    /// Number of parameters.
    fn dim(&self) -> usize;
    /// The value at `w`; writes the gradient into `grad` (of length [`Objective::dim`]).
    fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64;
    /// A short name for messages.
    fn name(&self) -> String;

    /// ∇E(`w`) computed independently of [`Objective::value_and_gradient`], for the gradient
    /// check; `None` if the objective has no such reference.
    fn reference_gradient(&self, _w: &[f64]) -> Option<Vec<f64>> {
        None
    }

    /// E, ∇E and the exact Newton step at `w`; `None` if the objective does not know its
    /// Hessian.
    fn second_order(&self, _w: &[f64]) -> Option<SecondOrder> {
        None
    }

    /// Why E has no minimiser, if `w` proves that it has none (for example, weights that put
    /// every point of a data set strictly on its own side when nothing penalises their size).
    fn no_minimum_at(&self, _w: &[f64]) -> Option<String> {
        None
    }
}

/// The objective, its gradient and the exact Newton step at one point.
#[derive(Clone, Debug, PartialEq)]
pub struct SecondOrder {
    /// E(w).
    pub value: f64,
    /// ∇E(w).
    pub gradient: Vec<f64>,
    /// H(w)⁻¹·∇E(w), or `None` where the Hessian is not positive definite. w minus this is
    /// the minimiser of the quadratic model at w, so its largest component estimates the
    /// distance to the optimum.
    pub newton_step: Option<Vec<f64>>,
}

/// Sums over a block of rows: loss, gradient and (optionally) the Hessian's upper triangle
/// in the order h00, h01, h02, h11, h12, h22.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct BlockSums {
    pub loss: f64,
    pub grad: [f64; 3],
    pub hess: [f64; 6],
}

/// The regularised negative log-likelihood of a data set, ready to be evaluated many times.
pub struct LogisticObjective<'a> {
    data: &'a Dataset,
    lambda: f64,
    /// One slot per block, reused by every pass so that an evaluation allocates nothing.
    blocks: Mutex<Vec<BlockSums>>,
}

impl<'a> LogisticObjective<'a> {
    /// The objective of `data` with L2 strength `lambda` (finite, ≥ 0).
    pub fn new(data: &'a Dataset, lambda: f64) -> Result<Self> {
        if !(lambda.is_finite() && lambda >= 0.0) {
            return Err(Error::InvalidLambda(lambda));
        }
        let blocks = vec![BlockSums::default(); data.len().div_ceil(CHUNK_ROWS)];
        Ok(LogisticObjective {
            data,
            lambda,
            blocks: Mutex::new(blocks),
        })
    }

    /// The regularisation strength.
    pub fn lambda(&self) -> f64 {
        self.lambda
    }

    /// The data set.
    pub fn data(&self) -> &Dataset {
        self.data
    }

    /// E(w), and as `DEPTH` asks ∇E(w) and the Hessian, in one pass over the data.
    pub(crate) fn evaluate<const DEPTH: u8>(&self, w: [f64; 3]) -> BlockSums {
        // A poisoned lock only means another pass panicked; the slots are overwritten anyway.
        let mut blocks = self
            .blocks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (x1, x2, y) = (self.data.x1(), self.data.x2(), self.data.labels());
        let fill = |(index, slot): (usize, &mut BlockSums)| {
            let start = index * CHUNK_ROWS;
            let end = (start + CHUNK_ROWS).min(y.len());
            *slot = block_sums::<DEPTH>(w, &x1[start..end], &x2[start..end], &y[start..end]);
        };
        if y.len() >= PARALLEL_MIN_ROWS {
            blocks.par_iter_mut().enumerate().for_each(fill);
        } else {
            blocks.iter_mut().enumerate().for_each(fill);
        }
        let mut total = add_blocks(&blocks);
        let two_lambda = 2.0 * self.lambda;
        if self.lambda > 0.0 {
            // Skipped for λ = 0, where 0 · ‖w‖² would be NaN once ‖w‖² overflows.
            total.loss += self.lambda * (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
        }
        if DEPTH >= GRADIENT {
            for (g, wk) in total.grad.iter_mut().zip(w) {
                *g += two_lambda * wk;
            }
        }
        if DEPTH >= HESSIAN {
            for diagonal in [0, 3, 5] {
                total.hess[diagonal] += two_lambda;
            }
        }
        total
    }

    /// E(w) alone: the same bits as [`Objective::value_and_gradient`] gives, a little faster.
    pub fn value(&self, w: [f64; 3]) -> f64 {
        self.evaluate::<VALUE>(w).loss
    }

    /// E(w) and its exact 3 × 3 Hessian (for Newton's method).
    pub fn value_gradient_hessian(&self, w: [f64; 3]) -> (f64, [f64; 3], [[f64; 3]; 3]) {
        let s = self.evaluate::<HESSIAN>(w);
        let h = s.hess;
        let hessian = [[h[0], h[1], h[2]], [h[1], h[3], h[4]], [h[2], h[4], h[5]]];
        (s.loss, s.grad, hessian)
    }

    /// True when λ = 0 and `w` puts every point strictly on its own side. Then E(t·w)
    /// decreases towards 0 as t grows without ever reaching it: E has no minimiser. "Strictly"
    /// means by more than the rounding of the score, so the verdict holds for the exact
    /// numbers too.
    pub fn proves_unbounded(&self, w: [f64; 3]) -> bool {
        self.lambda == 0.0 && separates(self.data, w)
    }
}

/// True when every point's score z = b + w1·x1 + w2·x2 has the sign of its label (positive
/// for 1, negative for 0) by more than z's rounding error.
pub fn separates(data: &Dataset, w: [f64; 3]) -> bool {
    let strictly = |(a, b, label): (f64, f64, u8)| {
        let z = w[0] + w[1] * a + w[2] * b;
        // Three roundings, each at most half an ulp of the largest partial sum.
        let rounding = 4.0 * f64::EPSILON * (w[0].abs() + (w[1] * a).abs() + (w[2] * b).abs());
        let margin = if label == 1 { z } else { -z };
        margin > rounding
    };
    let (x1, x2, y) = (data.x1(), data.x2(), data.labels());
    let rows = |start: usize, end: usize| (start..end).map(|i| (x1[i], x2[i], y[i]));
    if y.len() >= PARALLEL_MIN_ROWS {
        (0..y.len().div_ceil(CHUNK_ROWS))
            .into_par_iter()
            .all(|block| {
                let start = block * CHUNK_ROWS;
                rows(start, (start + CHUNK_ROWS).min(y.len())).all(strictly)
            })
    } else {
        rows(0, y.len()).all(strictly)
    }
}

impl Objective for LogisticObjective<'_> {
    fn dim(&self) -> usize {
        3
    }

    fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
        let s = self.evaluate::<GRADIENT>([w[0], w[1], w[2]]);
        grad.copy_from_slice(&s.grad);
        s.loss
    }

    fn name(&self) -> String {
        format!(
            "the logistic loss (N = {}, lambda = {})",
            self.data.len(),
            crate::numbers::short(self.lambda)
        )
    }

    fn reference_gradient(&self, w: &[f64]) -> Option<Vec<f64>> {
        let w = [w[0], w[1], w[2]];
        let (_, data_part) = crate::reference::data_loss_and_gradient(self.data, w);
        Some(add_penalty_gradient(data_part, self.lambda, w).to_vec())
    }

    fn second_order(&self, w: &[f64]) -> Option<SecondOrder> {
        let (value, gradient, hessian) = self.value_gradient_hessian([w[0], w[1], w[2]]);
        Some(SecondOrder {
            value,
            gradient: gradient.to_vec(),
            newton_step: crate::newton::solve_spd(hessian, gradient).map(|s| s.to_vec()),
        })
    }

    fn no_minimum_at(&self, w: &[f64]) -> Option<String> {
        self.proves_unbounded([w[0], w[1], w[2]])
            .then(|| "the data are separable: the loss has no minimum".to_string())
    }
}

/// ∇E = (the data part) + 2λ·w, added as the fused pass adds it.
pub fn add_penalty_gradient(data_part: [f64; 3], lambda: f64, w: [f64; 3]) -> [f64; 3] {
    let two_lambda = 2.0 * lambda;
    std::array::from_fn(|k| data_part[k] + two_lambda * w[k])
}

/// Adds the blocks in order, with Neumaier's compensation so that the total does not
/// depend on how large N is beyond the rounding of each block.
fn add_blocks(blocks: &[BlockSums]) -> BlockSums {
    const TERMS: usize = 10;
    let mut sum = [0.0; TERMS];
    let mut compensation = [0.0; TERMS];
    for block in blocks {
        let terms = [
            block.loss,
            block.grad[0],
            block.grad[1],
            block.grad[2],
            block.hess[0],
            block.hess[1],
            block.hess[2],
            block.hess[3],
            block.hess[4],
            block.hess[5],
        ];
        for k in 0..TERMS {
            let t = sum[k] + terms[k];
            compensation[k] += if sum[k].abs() >= terms[k].abs() {
                (sum[k] - t) + terms[k]
            } else {
                (terms[k] - t) + sum[k]
            };
            sum[k] = t;
        }
    }
    let s: [f64; TERMS] = std::array::from_fn(|k| sum[k] + compensation[k]);
    BlockSums {
        loss: s[0],
        grad: [s[1], s[2], s[3]],
        hess: [s[4], s[5], s[6], s[7], s[8], s[9]],
    }
}

/// Sums of a block of rows kept per lane: row i of the block goes to lane i mod 8.
type LaneSums = [[f64; LANES]; 10];

/// One block's sums, on the widest vector unit this CPU has. Both paths do the same IEEE
/// operations in the same order for every row (and never a fused multiply-add), so they
/// give the same bits; a test holds them to it.
fn block_sums<const DEPTH: u8>(w: [f64; 3], x1: &[f64], x2: &[f64], y: &[u8]) -> BlockSums {
    let mut acc: LaneSums = [[0.0; LANES]; 10];
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2, checked just above.
            done = unsafe { avx2::add_rows::<DEPTH>(&mut acc, w, x1, x2, y) };
        }
    }
    for i in done..y.len() {
        add_row::<DEPTH>(&mut acc, i % LANES, w, x1[i], x2[i], y[i]);
    }
    reduce_lanes(&acc)
}

/// The same sums on the scalar path only (for tests on machines with AVX2).
#[cfg(test)]
fn block_sums_scalar<const DEPTH: u8>(w: [f64; 3], x1: &[f64], x2: &[f64], y: &[u8]) -> BlockSums {
    let mut acc: LaneSums = [[0.0; LANES]; 10];
    for i in 0..y.len() {
        add_row::<DEPTH>(&mut acc, i % LANES, w, x1[i], x2[i], y[i]);
    }
    reduce_lanes(&acc)
}

/// Lanes are added as a fixed tree: ((0+4)+(2+6)) + ((1+5)+(3+7)).
fn reduce_lanes(acc: &LaneSums) -> BlockSums {
    let reduce = |v: &[f64; LANES]| {
        let q = [v[0] + v[4], v[1] + v[5], v[2] + v[6], v[3] + v[7]];
        (q[0] + q[2]) + (q[1] + q[3])
    };
    let r: [f64; 10] = std::array::from_fn(|k| reduce(&acc[k]));
    BlockSums {
        loss: r[0],
        grad: [r[1], r[2], r[3]],
        hess: [r[4], r[5], r[6], r[7], r[8], r[9]],
    }
}

/// Adds one row's loss, gradient and (optionally) Hessian terms to accumulator `lane`.
/// The AVX2 path mirrors this operation for operation.
#[inline(always)]
fn add_row<const DEPTH: u8>(
    acc: &mut LaneSums,
    lane: usize,
    w: [f64; 3],
    a: f64,
    b: f64,
    label: u8,
) {
    let z = w[0] + w[1] * a + w[2] * b;
    let p = logistic_parts(z);
    // m = (1 − 2y)·z is the score against the label, exactly (a sign flip). The loss
    // max(z, 0) − y·z + ln(1 + e^−|z|) is max(m, 0) + ln(1 + e^−|m|), and σ(z) − y is
    // (1 − 2y)·σ(m). Written this way a point far on its own side costs its tiny
    // ln(1 + e^−|z|) and residual −e^−|z|/(1 + e^−|z|) to full relative precision, instead of
    // a difference of two numbers near z (or near 1) that leaves rounding noise: that noise
    // hid the optimum of separable data with λ ≤ 1e−9 from every method.
    let sign = 1.0 - 2.0 * f64::from(label);
    let m = z * sign;
    let positive = m >= 0.0;
    let loss = (if positive { m } else { 0.0 }) + p.log1p_exp;
    acc[0][lane] += loss;
    if DEPTH >= GRADIENT {
        let sigma = (if positive { 1.0 } else { p.exp_neg_abs }) * p.inv_one_plus;
        let residual = sigma * sign;
        acc[1][lane] += residual;
        acc[2][lane] += residual * a;
        acc[3][lane] += residual * b;
    }
    if DEPTH >= HESSIAN {
        // σ(1 − σ) = e^−|z| / (1 + e^−|z|)², with no cancellation.
        let curvature = p.exp_neg_abs * p.inv_one_plus * p.inv_one_plus;
        let ca = curvature * a;
        acc[4][lane] += curvature;
        acc[5][lane] += ca;
        acc[6][lane] += curvature * b;
        acc[7][lane] += ca * a;
        acc[8][lane] += ca * b;
        acc[9][lane] += curvature * b * b;
    }
}

#[cfg(target_arch = "x86_64")]
mod avx2 {
    //! The row loop with AVX2 intrinsics: eight rows at a time as two vectors of four.

    use std::arch::x86_64::*;

    use super::{GRADIENT, HESSIAN, LANES, LaneSums};
    use crate::fastmath::constants as c;

    /// Adds every complete group of eight rows; returns how many rows it consumed.
    #[target_feature(enable = "avx2")]
    pub(super) fn add_rows<const DEPTH: u8>(
        acc: &mut LaneSums,
        w: [f64; 3],
        x1: &[f64],
        x2: &[f64],
        y: &[u8],
    ) -> usize {
        let full = y.len() / LANES * LANES;
        let mut sums = [[_mm256_setzero_pd(); 2]; 10];
        let (w0, w1, w2) = (
            _mm256_set1_pd(w[0]),
            _mm256_set1_pd(w[1]),
            _mm256_set1_pd(w[2]),
        );
        for ((a8, b8), y8) in x1[..full]
            .chunks_exact(LANES)
            .zip(x2[..full].chunks_exact(LANES))
            .zip(y[..full].chunks_exact(LANES))
        {
            for half in 0..2 {
                let at = 4 * half;
                // SAFETY: each chunk holds 8 values, so 4 from `at` (0 or 4) are in bounds.
                let (a, b, label) = unsafe {
                    let a = _mm256_loadu_pd(a8.as_ptr().add(at));
                    let b = _mm256_loadu_pd(b8.as_ptr().add(at));
                    let bytes = _mm_cvtsi32_si128(i32::from_le_bytes([
                        y8[at],
                        y8[at + 1],
                        y8[at + 2],
                        y8[at + 3],
                    ]));
                    (a, b, _mm256_cvtepi32_pd(_mm_cvtepu8_epi32(bytes)))
                };
                let z = _mm256_add_pd(
                    _mm256_add_pd(w0, _mm256_mul_pd(w1, a)),
                    _mm256_mul_pd(w2, b),
                );
                let (log1p_exp, t, inv_u) = logistic_parts(z);
                // The score against the label, as in `add_row`.
                let sign = _mm256_sub_pd(
                    _mm256_set1_pd(1.0),
                    _mm256_mul_pd(_mm256_set1_pd(2.0), label),
                );
                let m = _mm256_mul_pd(z, sign);
                let positive = _mm256_cmp_pd::<_CMP_GE_OQ>(m, _mm256_setzero_pd());
                let relu = _mm256_and_pd(positive, m);
                let loss = _mm256_add_pd(relu, log1p_exp);
                let s = &mut sums;
                s[0][half] = _mm256_add_pd(s[0][half], loss);
                if DEPTH >= GRADIENT {
                    let numerator = _mm256_blendv_pd(t, _mm256_set1_pd(1.0), positive);
                    let residual = _mm256_mul_pd(_mm256_mul_pd(numerator, inv_u), sign);
                    s[1][half] = _mm256_add_pd(s[1][half], residual);
                    s[2][half] = _mm256_add_pd(s[2][half], _mm256_mul_pd(residual, a));
                    s[3][half] = _mm256_add_pd(s[3][half], _mm256_mul_pd(residual, b));
                }
                if DEPTH >= HESSIAN {
                    let curvature = _mm256_mul_pd(_mm256_mul_pd(t, inv_u), inv_u);
                    let ca = _mm256_mul_pd(curvature, a);
                    s[4][half] = _mm256_add_pd(s[4][half], curvature);
                    s[5][half] = _mm256_add_pd(s[5][half], ca);
                    s[6][half] = _mm256_add_pd(s[6][half], _mm256_mul_pd(curvature, b));
                    s[7][half] = _mm256_add_pd(s[7][half], _mm256_mul_pd(ca, a));
                    s[8][half] = _mm256_add_pd(s[8][half], _mm256_mul_pd(ca, b));
                    s[9][half] =
                        _mm256_add_pd(s[9][half], _mm256_mul_pd(_mm256_mul_pd(curvature, b), b));
                }
            }
        }
        for (k, pair) in sums.iter().enumerate() {
            let mut lanes = [0.0; LANES];
            // SAFETY: `lanes` has room for two vectors of four.
            unsafe {
                _mm256_storeu_pd(lanes.as_mut_ptr(), pair[0]);
                _mm256_storeu_pd(lanes.as_mut_ptr().add(4), pair[1]);
            }
            acc[k] = lanes;
        }
        full
    }

    /// `fastmath::logistic_parts` on four values: (ln(1 + e^−|z|), e^−|z|, 1 / (1 + e^−|z|)).
    #[target_feature(enable = "avx2")]
    #[inline]
    fn logistic_parts(z: __m256d) -> (__m256d, __m256d, __m256d) {
        let one = _mm256_set1_pd(1.0);
        let abs = _mm256_andnot_pd(_mm256_set1_pd(-0.0), z);
        let t = exp_neg(abs);
        let u = _mm256_add_pd(one, t);
        let err = _mm256_sub_pd(t, _mm256_sub_pd(u, one));
        let inv_u = _mm256_div_pd(one, u);
        let log1p_exp = _mm256_add_pd(ln_1_to_2(u), _mm256_mul_pd(err, inv_u));
        (log1p_exp, t, inv_u)
    }

    /// `fastmath::exp_neg` on four values.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn exp_neg(a: __m256d) -> __m256d {
        let neg = _mm256_xor_pd(a, _mm256_set1_pd(-0.0));
        // max(neg, floor) returns the floor when neg is NaN, as f64::max does.
        let x = _mm256_max_pd(neg, _mm256_set1_pd(c::EXP_FLOOR));
        let magic = _mm256_set1_pd(c::ROUND_MAGIC);
        let shifted = _mm256_add_pd(
            _mm256_mul_pd(x, _mm256_set1_pd(std::f64::consts::LOG2_E)),
            magic,
        );
        let k = _mm256_sub_pd(shifted, magic);
        let k_int = _mm256_sub_epi64(_mm256_castpd_si256(shifted), _mm256_castpd_si256(magic));
        let r = _mm256_sub_pd(
            _mm256_sub_pd(x, _mm256_mul_pd(k, _mm256_set1_pd(c::LN2_HI))),
            _mm256_mul_pd(k, _mm256_set1_pd(c::LN2_LO)),
        );
        // Estrin's scheme, step for step as `fastmath::exp_polynomial`.
        let t = c::EXP_TAYLOR;
        let mul_add = |a: __m256d, b: __m256d, x: __m256d| _mm256_add_pd(a, _mm256_mul_pd(b, x));
        let set = |v: f64| _mm256_set1_pd(v);
        let r2 = _mm256_mul_pd(r, r);
        let r4 = _mm256_mul_pd(r2, r2);
        let r8 = _mm256_mul_pd(r4, r4);
        let q: [__m256d; 7] = std::array::from_fn(|i| mul_add(set(t[2 * i]), set(t[2 * i + 1]), r));
        let s0 = mul_add(q[0], q[1], r2);
        let s1 = mul_add(q[2], q[3], r2);
        let s2 = mul_add(q[4], q[5], r2);
        let t0 = mul_add(s0, s1, r4);
        let t1 = mul_add(s2, q[6], r4);
        let p = mul_add(t0, t1, r8);
        let biased = _mm256_add_epi64(k_int, _mm256_set1_epi64x(1023));
        let scale = _mm256_castsi256_pd(_mm256_slli_epi64::<52>(biased));
        _mm256_mul_pd(p, scale)
    }

    /// `fastmath::ln_1_to_2` on four values.
    #[target_feature(enable = "avx2")]
    #[inline]
    fn ln_1_to_2(u: __m256d) -> __m256d {
        let set = |v: f64| _mm256_set1_pd(v);
        let high = _mm256_cmp_pd::<_CMP_GT_OQ>(u, set(std::f64::consts::SQRT_2));
        let m = _mm256_blendv_pd(u, _mm256_mul_pd(set(0.5), u), high);
        let k = _mm256_and_pd(high, set(1.0));
        let f = _mm256_sub_pd(m, set(1.0));
        let s = _mm256_div_pd(f, _mm256_add_pd(set(2.0), f));
        let z = _mm256_mul_pd(s, s);
        let w = _mm256_mul_pd(z, z);
        let lg = c::LOG_SERIES;
        let t1 = _mm256_mul_pd(
            w,
            _mm256_add_pd(
                set(lg[1]),
                _mm256_mul_pd(w, _mm256_add_pd(set(lg[3]), _mm256_mul_pd(w, set(lg[5])))),
            ),
        );
        let t2 = _mm256_mul_pd(
            z,
            _mm256_add_pd(
                set(lg[0]),
                _mm256_mul_pd(
                    w,
                    _mm256_add_pd(
                        set(lg[2]),
                        _mm256_mul_pd(w, _mm256_add_pd(set(lg[4]), _mm256_mul_pd(w, set(lg[6])))),
                    ),
                ),
            ),
        );
        let r = _mm256_add_pd(t2, t1);
        let hfsq = _mm256_mul_pd(_mm256_mul_pd(set(0.5), f), f);
        let inner = _mm256_add_pd(
            _mm256_mul_pd(s, _mm256_add_pd(hfsq, r)),
            _mm256_mul_pd(k, set(c::LN2_LO)),
        );
        _mm256_sub_pd(
            _mm256_mul_pd(k, set(c::LN2_HI)),
            _mm256_sub_pd(_mm256_sub_pd(hfsq, inner), f),
        )
    }
}

/// The optimiser demo of the study: f(x) = x² − 2x, minimised at x = 1.
#[derive(Clone, Copy, Debug, Default)]
pub struct OptimizerDemo;

impl OptimizerDemo {
    /// f(x) = x² − 2x.
    pub fn value(x: f64) -> f64 {
        x * x - 2.0 * x
    }
}

impl Objective for OptimizerDemo {
    fn dim(&self) -> usize {
        1
    }

    fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
        grad[0] = 2.0 * w[0] - 2.0;
        Self::value(w[0])
    }

    fn name(&self) -> String {
        "the optimiser demo f(x) = x^2 - 2x".into()
    }

    fn reference_gradient(&self, w: &[f64]) -> Option<Vec<f64>> {
        let x = crate::reference::Dual::<1>::variable(w[0], 0);
        Some((x * x - x * 2.0).tangent.to_vec())
    }

    fn second_order(&self, w: &[f64]) -> Option<SecondOrder> {
        let gradient = 2.0 * w[0] - 2.0;
        Some(SecondOrder {
            value: Self::value(w[0]),
            gradient: vec![gradient],
            // f'' = 2 everywhere.
            newton_step: Some(vec![gradient / 2.0]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::study_rng;

    /// The loss written out plainly with the standard library, as a reference.
    fn reference(data: &Dataset, lambda: f64, w: [f64; 3]) -> (f64, [f64; 3]) {
        let mut loss = lambda * (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
        let mut grad = [
            2.0 * lambda * w[0],
            2.0 * lambda * w[1],
            2.0 * lambda * w[2],
        ];
        for i in 0..data.len() {
            let (a, b, y) = (data.x1()[i], data.x2()[i], f64::from(data.labels()[i]));
            let z = w[0] + w[1] * a + w[2] * b;
            loss += z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z;
            let r = 1.0 / (1.0 + (-z).exp()) - y;
            grad[0] += r;
            grad[1] += r * a;
            grad[2] += r * b;
        }
        (loss, grad)
    }

    #[test]
    fn fused_pass_agrees_with_the_plain_formula() {
        for n in [2, 7, 100, 8195, 40_000] {
            let data = Dataset::fuzzy(n, &mut study_rng(n as u64)).unwrap();
            let objective = LogisticObjective::new(&data, 0.1).unwrap();
            for w in [[2.0, 1.5, -2.0], [0.0, 0.0, 0.0], [-3.0, 20.0, -7.0]] {
                let mut grad = [0.0; 3];
                let loss = objective.value_and_gradient(&w, &mut grad);
                let (ref_loss, ref_grad) = reference(&data, 0.1, w);
                assert!(
                    (loss - ref_loss).abs() <= 1e-12 * ref_loss.abs(),
                    "{loss} {ref_loss}"
                );
                for k in 0..3 {
                    assert!((grad[k] - ref_grad[k]).abs() <= 1e-10 * (1.0 + ref_grad[k].abs()));
                }
            }
        }
    }

    #[test]
    fn the_reference_gradient_agrees_with_the_fused_pass() {
        for n in [2, 100, 20_000] {
            let data = Dataset::fuzzy(n, &mut study_rng(n as u64)).unwrap();
            let objective = LogisticObjective::new(&data, 0.3).unwrap();
            for w in [[2.0, 1.5, -2.0], [0.0, 0.0, 0.0], [-3.0, 20.0, -7.0]] {
                let mut fused = [0.0; 3];
                objective.value_and_gradient(&w, &mut fused);
                let dual = objective.reference_gradient(&w).unwrap();
                let (_, plain) = reference(&data, 0.3, w);
                for k in 0..3 {
                    let scale = 1.0 + plain[k].abs();
                    assert!((fused[k] - dual[k]).abs() <= 1e-10 * scale);
                    assert!((plain[k] - dual[k]).abs() <= 1e-10 * scale);
                }
            }
        }
    }

    #[test]
    fn separation_is_recognised_only_without_a_penalty_and_with_every_point_right() {
        let data = Dataset::separable(500, &mut study_rng(1)).unwrap();
        let unregularised = LogisticObjective::new(&data, 0.0).unwrap();
        // Class A (label 1) lies at x1, x2 < 0: z = −x1 − x2 separates.
        assert!(unregularised.proves_unbounded([0.0, -1.0, -1.0]));
        assert!(unregularised.no_minimum_at(&[0.0, -1.0, -1.0]).is_some());
        assert!(!unregularised.proves_unbounded([0.0, 1.0, 1.0]));
        assert!(!unregularised.proves_unbounded([0.0, 0.0, 0.0]));
        let regularised = LogisticObjective::new(&data, 1e-12).unwrap();
        assert!(!regularised.proves_unbounded([0.0, -1.0, -1.0]));
        let fuzzy = Dataset::fuzzy(500, &mut study_rng(1)).unwrap();
        let overlapping = LogisticObjective::new(&fuzzy, 0.0).unwrap();
        assert!(!overlapping.proves_unbounded([0.0, -1.0, -1.0]));
        // A point on the boundary is not strictly on its side.
        let touching = Dataset::new(vec![-1.0, 0.0], vec![0.0, 0.0], &[1.0, 0.0]).unwrap();
        let objective = LogisticObjective::new(&touching, 0.0).unwrap();
        assert!(!objective.proves_unbounded([0.0, -1.0, 0.0]));
        assert!(objective.proves_unbounded([-0.5, -1.0, 0.0]));
    }

    #[test]
    fn points_far_on_their_own_side_keep_their_tiny_loss_and_residual() {
        // Every point at score ±40 on its own side: each costs ln(1 + e^−40) ≈ 4.2e−18 and
        // has residual ∓e^−40/(1 + e^−40), which a difference of numbers near 40 (or near 1)
        // would round to noise or to zero.
        let data = Dataset::new(
            vec![40.0, -40.0, 20.0, -20.0, 40.0, -40.0, 20.0, -20.0, 40.0],
            vec![0.0; 9],
            &[1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0],
        )
        .unwrap();
        let objective = LogisticObjective::new(&data, 0.0).unwrap();
        let w = [0.0, 1.0, 0.0];
        let mut grad = [0.0; 3];
        let loss = objective.value_and_gradient(&w, &mut grad);
        let (e40, e20) = ((-40.0f64).exp(), (-20.0f64).exp());
        let expected_loss = 5.0 * e40.ln_1p() + 4.0 * e20.ln_1p();
        assert!(
            (loss - expected_loss).abs() <= 1e-14 * expected_loss,
            "{loss}"
        );
        // Label 1 at z = 40 has residual σ(40) − 1 = −e^−40/(1 + e^−40), label 0 at z = −40
        // has +e^−40/(1 + e^−40); three of the first, two of the second, and the ±20 pairs
        // cancel in the bias. (Before, σ(40) − 1 was exactly 0.) The ±20 terms are 5e8 times
        // larger, so their rounding bounds what the sum can keep of −e^−40.
        let r40 = e40 / (1.0 + e40);
        let r20 = e20 / (1.0 + e20);
        assert!((grad[0] + r40).abs() <= 1e-6 * r40, "{}", grad[0]);
        let expected_w1 = -200.0 * r40 - 80.0 * r20;
        assert!(
            (grad[1] - expected_w1).abs() <= 1e-13 * expected_w1.abs(),
            "{}",
            grad[1]
        );
        // Rows 0–7 take the AVX2 path where the CPU has it, row 8 the scalar one; the
        // Hessian pass gives the same bits.
        let (loss_h, grad_h, _) = objective.value_gradient_hessian(w);
        assert_eq!(loss_h.to_bits(), loss.to_bits());
        assert_eq!(grad_h, grad);
    }

    #[test]
    fn stays_finite_for_huge_margins() {
        let data = Dataset::separable(100, &mut study_rng(0)).unwrap();
        let objective = LogisticObjective::new(&data, 0.0).unwrap();
        let mut grad = [0.0; 3];
        for w in [
            [0.0, 1e4, 1e4],
            [0.0, -1e4, -1e4],
            [1e4, 0.0, 0.0],
            [-1e300, 0.0, 0.0],
        ] {
            let loss = objective.value_and_gradient(&w, &mut grad);
            assert!(loss.is_finite() && loss >= 0.0, "{w:?}: {loss}");
            assert!(grad.iter().all(|g| g.is_finite()), "{w:?}: {grad:?}");
        }
    }

    #[test]
    fn hessian_pass_matches_the_gradient_pass() {
        let data = Dataset::fuzzy(50_000, &mut study_rng(5)).unwrap();
        let objective = LogisticObjective::new(&data, 0.3).unwrap();
        let w = [0.2, -1.0, 0.7];
        let mut grad = [0.0; 3];
        let loss = objective.value_and_gradient(&w, &mut grad);
        let (loss_h, grad_h, hessian) = objective.value_gradient_hessian(w);
        assert_eq!(loss.to_bits(), loss_h.to_bits());
        assert_eq!(loss.to_bits(), objective.value(w).to_bits());
        assert_eq!(grad, grad_h);
        // The Hessian is the derivative of the gradient.
        let h = 1e-5;
        for j in 0..3 {
            let (mut up, mut down) = (w, w);
            up[j] += h;
            down[j] -= h;
            let (mut g_up, mut g_down) = ([0.0; 3], [0.0; 3]);
            objective.value_and_gradient(&up, &mut g_up);
            objective.value_and_gradient(&down, &mut g_down);
            for i in 0..3 {
                let numeric = (g_up[i] - g_down[i]) / (2.0 * h);
                assert!((numeric - hessian[i][j]).abs() <= 1e-5 * (1.0 + hessian[i][j].abs()));
            }
        }
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn every_vector_path_gives_the_same_bits() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let data = Dataset::fuzzy(CHUNK_ROWS + 13, &mut study_rng(2)).unwrap();
        let (x1, x2, y) = (data.x1(), data.x2(), data.labels());
        for w in [
            [0.3, -1.7, 2.2],
            [0.0, 0.0, 0.0],
            [5.0, 300.0, -400.0],
            [1.0, f64::MAX, 0.0],
        ] {
            let scalar = block_sums_scalar::<HESSIAN>(w, x1, x2, y);
            let vector = block_sums::<HESSIAN>(w, x1, x2, y);
            assert_eq!(format!("{scalar:?}"), format!("{vector:?}"), "w = {w:?}");
        }
    }

    #[test]
    fn parallel_and_serial_passes_give_the_same_bits() {
        let data = Dataset::fuzzy(3 * PARALLEL_MIN_ROWS + 5, &mut study_rng(8)).unwrap();
        let objective = LogisticObjective::new(&data, 0.1).unwrap();
        let w = [0.1, 0.2, 0.3];
        let parallel = objective.evaluate::<HESSIAN>(w);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let serial = pool.install(|| objective.evaluate::<HESSIAN>(w));
        assert_eq!(format!("{parallel:?}"), format!("{serial:?}"));
    }
}
