//! Branch-free `exp` and `log1p` for the objective's inner loop.
//!
//! Two reasons not to call the platform's libm here. Speed: libm's `exp` and `log1p` are
//! scalar calls that stop the compiler from vectorising the loop over the data. Determinism:
//! glibc picks FMA or non-FMA code paths by CPU at load time, so the last bit of `exp` can
//! depend on the machine, and so would every number and figure of the report. These two
//! functions use only `+ - * /`, comparisons and bit moves, which IEEE 754 defines exactly:
//! the same bits on every machine, whichever SIMD width the compiler picks.
//!
//! The algorithms are the classic ones (Cody–Waite reduction with a Taylor polynomial for
//! `exp`; the `s = f / (2 + f)` series of 4.3BSD/fdlibm for `log`); the tests bound their error
//! against the standard library over the ranges the objective uses.

/// The constants of both functions, shared with the vector version in `model`.
// The digits are the published ones; they round to the intended doubles.
#[allow(clippy::excessive_precision)]
pub(crate) mod constants {
    /// 1.5 · 2⁵²: adding it rounds a float of magnitude < 2⁵¹ to an integer held in the low
    /// mantissa bits (round half to even), without a call to `round`.
    pub const ROUND_MAGIC: f64 = 6_755_399_441_055_744.0;
    /// ln 2 split so that k · LN2_HI is exact for |k| < 2¹¹ (Cody–Waite).
    pub const LN2_HI: f64 = 6.931_471_803_691_238_164_90e-1;
    /// The rest of ln 2.
    pub const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
    /// `exp` is not taken below this: `e^-600` ≈ 3e-261 is far below anything that changes a
    /// sum of losses or gradients, and stopping well above the subnormal range (below
    /// ≈ 2e-308) keeps the products of the gradient and Hessian out of it too, where x86
    /// processors take a slow microcode path (a 1.7× slower pass was measured with weights
    /// of a few thousand, as the unregularised separable fit reaches).
    pub const EXP_FLOOR: f64 = -600.0;
    /// Taylor coefficients 1/i! of e^r for i = 0 … 13: the remainder is below 5e-18 for
    /// |r| ≤ ln2/2.
    pub const EXP_TAYLOR: [f64; 14] = [
        1.0,
        1.0,
        0.5,
        1.0 / 6.0,
        1.0 / 24.0,
        1.0 / 120.0,
        1.0 / 720.0,
        1.0 / 5_040.0,
        1.0 / 40_320.0,
        1.0 / 362_880.0,
        1.0 / 3_628_800.0,
        1.0 / 39_916_800.0,
        1.0 / 479_001_600.0,
        1.0 / 6_227_020_800.0,
    ];
    /// Minimax coefficients of (ln(1+f) − 2s)/s·… in s² for s = f/(2+f), |f| ≤ 0.415
    /// (4.3BSD/fdlibm's Lg1…Lg7).
    pub const LOG_SERIES: [f64; 7] = [
        6.666_666_666_666_735_130e-1,
        3.999_999_999_940_941_908e-1,
        2.857_142_874_366_239_149e-1,
        2.222_219_843_214_978_396e-1,
        1.818_357_216_161_805_012e-1,
        1.531_383_769_920_937_332e-1,
        1.479_819_860_511_658_591e-1,
    ];
}

use constants::*;

/// `e^(-a)` for `a ≥ 0` (and for any `a`, clamped so that the result stays a normal float).
///
/// Relative error under 2 ulp; `a` beyond 600 gives `e^-600` (see `EXP_FLOOR`).
#[inline(always)]
pub fn exp_neg(a: f64) -> f64 {
    let x = (-a).max(EXP_FLOOR);
    let shifted = x * std::f64::consts::LOG2_E + ROUND_MAGIC;
    let k = shifted - ROUND_MAGIC;
    // The integer k sits in the low mantissa bits of `shifted`.
    let k_int = shifted.to_bits() as i64 - ROUND_MAGIC.to_bits() as i64;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    let scale = f64::from_bits(((k_int + 1023) as u64) << 52);
    exp_polynomial(r) * scale
}

/// e^r by its Taylor polynomial, evaluated by Estrin's scheme: four levels of independent
/// multiply-adds instead of Horner's chain of thirteen, which lets a pass over the data run
/// several rows' polynomials at once. The vector version in `model` repeats these steps.
#[inline(always)]
fn exp_polynomial(r: f64) -> f64 {
    let c = EXP_TAYLOR;
    let r2 = r * r;
    let r4 = r2 * r2;
    let r8 = r4 * r4;
    let q: [f64; 7] = std::array::from_fn(|i| c[2 * i] + c[2 * i + 1] * r);
    let s0 = q[0] + q[1] * r2;
    let s1 = q[2] + q[3] * r2;
    let s2 = q[4] + q[5] * r2;
    let t0 = s0 + s1 * r4;
    let t1 = s2 + q[6] * r4;
    t0 + t1 * r8
}

/// `ln(u)` for `u` in `[1, 2]`, accurate to about 1 ulp.
#[inline(always)]
fn ln_1_to_2(u: f64) -> f64 {
    let [lg1, lg2, lg3, lg4, lg5, lg6, lg7] = LOG_SERIES;
    // Fold [√2, 2] onto [√2/2, 1] so that f = m − 1 stays in [−0.293, 0.415]; both the
    // halving and the subtraction are exact.
    let high = u > std::f64::consts::SQRT_2;
    let m = if high { 0.5 * u } else { u };
    let k = if high { 1.0 } else { 0.0 };
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let z = s * s;
    let w = z * z;
    let t1 = w * (lg2 + w * (lg4 + w * lg6));
    let t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)));
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f)
}

/// The pieces of the logistic loss that depend on `|z|` alone, from one `exp` and one `log`.
#[derive(Clone, Copy, Debug)]
pub struct LogisticParts {
    /// `ln(1 + e^-|z|)`: softplus(z) = max(z, 0) + this.
    pub log1p_exp: f64,
    /// `e^-|z|`.
    pub exp_neg_abs: f64,
    /// `1 / (1 + e^-|z|)`.
    pub inv_one_plus: f64,
}

/// Evaluates [`LogisticParts`] for `z`.
#[inline(always)]
pub fn logistic_parts(z: f64) -> LogisticParts {
    let t = exp_neg(z.abs());
    // t ≤ 1, so u = 1 + t is in [1, 2] and Fast2Sum gives its rounding error c exactly:
    // ln(1 + t) = ln(u) + ln(1 + c/u) ≈ ln(u) + c/u.
    let u = 1.0 + t;
    let c = t - (u - 1.0);
    let inv_u = 1.0 / u;
    LogisticParts {
        log1p_exp: ln_1_to_2(u) + c * inv_u,
        exp_neg_abs: t,
        inv_one_plus: inv_u,
    }
}

/// The logistic sigmoid σ(z) = 1 / (1 + e^−z), stable for every finite z.
///
/// ```
/// use logreg_report::fastmath::sigmoid;
/// assert_eq!(sigmoid(0.0), 0.5);
/// assert!((sigmoid(2.0) + sigmoid(-2.0) - 1.0).abs() <= 2.0 * f64::EPSILON);
/// assert!(sigmoid(-1e4) > 0.0 && sigmoid(1e4) == 1.0);
/// ```
#[inline(always)]
pub fn sigmoid(z: f64) -> f64 {
    let p = logistic_parts(z);
    let numerator = if z >= 0.0 { 1.0 } else { p.exp_neg_abs };
    numerator * p.inv_one_plus
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ulps(a: f64, b: f64) -> u64 {
        (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs()
    }

    #[test]
    fn exp_neg_is_within_two_ulp_of_std() {
        let mut worst = 0;
        for i in 0..2_000_000 {
            let a = i as f64 * 3e-4; // 0 … 600
            worst = worst.max(ulps(exp_neg(a), (-a).exp()));
        }
        assert!(worst <= 2, "worst error {worst} ulp");
    }

    #[test]
    fn exp_neg_saturates_instead_of_underflowing() {
        assert_eq!(exp_neg(1e4), exp_neg(600.0));
        assert!(
            exp_neg(600.0) >= f64::MIN_POSITIVE * 1e40,
            "far from subnormal"
        );
        assert!(exp_neg(1e4) > 0.0);
        assert!(exp_neg(f64::INFINITY) > 0.0);
        assert_eq!(exp_neg(0.0), 1.0);
    }

    #[test]
    fn log1p_exp_is_within_four_ulp_of_std() {
        // Up to 2 ulp from exp_neg carry through ln(1 + t) ≈ t, 1 from the log, 1 from std.
        let mut worst = 0;
        for i in 0..2_000_000 {
            let z = i as f64 * 2e-5 - 20.0; // −20 … 20
            let exact = (-z.abs()).exp().ln_1p();
            worst = worst.max(ulps(logistic_parts(z).log1p_exp, exact));
        }
        assert!(worst <= 4, "worst error {worst} ulp");
        // Deep tails, where ln(1 + t) = t to the last bit.
        for z in [40.0, 300.0, 600.0] {
            let p = logistic_parts(z);
            assert_eq!(p.log1p_exp, p.exp_neg_abs);
        }
    }

    #[test]
    fn sigmoid_matches_the_definition_and_its_symmetry() {
        for i in 0..200_001 {
            let z = i as f64 * 1e-4 - 10.0;
            let direct = 1.0 / (1.0 + (-z).exp());
            assert!((sigmoid(z) - direct).abs() <= 4.0 * f64::EPSILON * direct.max(1e-300));
            assert!((sigmoid(z) + sigmoid(-z) - 1.0).abs() <= 2.0 * f64::EPSILON);
        }
        assert_eq!(sigmoid(1e4), 1.0);
        assert!(sigmoid(-1e4) > 0.0 && sigmoid(-1e4) < 1e-250);
    }
}
