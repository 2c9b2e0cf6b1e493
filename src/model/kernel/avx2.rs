//! The row loop with AVX2 intrinsics: eight rows at a time as two vectors of four.

use std::arch::x86_64::*;

use crate::fastmath::constants as c;
use crate::model::blocks::{GRADIENT, HESSIAN, LANES, LaneSums};

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
    let [w0, w1, w2] = w.map(|v| _mm256_set1_pd(v));
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
