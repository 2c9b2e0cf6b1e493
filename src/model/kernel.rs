//! One block's sums: the row loop of the fused pass, on the scalar path and (where the CPU
//! has it) AVX2, which do the same IEEE operations in the same order.

use super::blocks::{BlockSums, GRADIENT, HESSIAN, LANES, LaneSums, add_lanes, has_avx2};
use crate::fastmath::logistic_parts;

#[cfg(target_arch = "x86_64")]
mod avx2;

/// One block's sums, on the widest vector unit this CPU has where `vector` allows it (the
/// test of the vector path, in `paths`, asks for the scalar path too). Both paths do the same
/// IEEE operations in the same order for every row (and never a fused multiply-add), so they
/// give the same bits; a test holds them to it.
pub(crate) fn block_sums<const DEPTH: u8>(
    w: [f64; 3],
    x1: &[f64],
    x2: &[f64],
    y: &[u8],
    vector: bool,
) -> BlockSums {
    let mut acc: LaneSums = [[0.0; LANES]; 10];
    let mut done = 0;
    #[cfg(target_arch = "x86_64")]
    if vector && has_avx2() {
        // SAFETY: the CPU supports AVX2, checked just above.
        done = unsafe { avx2::add_rows::<DEPTH>(&mut acc, w, x1, x2, y) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = vector;
    for i in done..y.len() {
        add_row::<DEPTH>(&mut acc, i % LANES, w, x1[i], x2[i], y[i]);
    }
    BlockSums::from_array(acc.each_ref().map(add_lanes))
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
    acc[0][lane] += (if positive { m } else { 0.0 }) + p.log1p_exp;
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
