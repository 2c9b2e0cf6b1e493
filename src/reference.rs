//! The gradient check's reference: the loss written out plainly and differentiated
//! mechanically, sharing nothing with the model's fused pass.
//!
//! Each term is one point's loss in its stable form, max(z, 0) + ln(1 + e^−|z|) − y·z,
//! evaluated on dual numbers (forward-mode automatic differentiation): every operation carries
//! its derivative along by the chain rule, so the gradient that comes out is the derivative of
//! the formula as written, not of a hand-derived gradient formula. `exp` and `log1p` are the
//! `libm` crate's (pure Rust, the same bits on every machine), not `fastmath`'s. Rows are taken
//! in blocks of [`REFERENCE_BLOCK_ROWS`], the blocks on all cores, their sums added in block
//! order, so the result does not depend on the number of threads.
//!
//! The data part of the gradient does not depend on λ: the study computes it once per data set
//! at w0 and adds 2λ·w0 for each fit.

use std::ops::{Add, Mul, Neg, Sub};

use rayon::prelude::*;

use crate::data::Dataset;

/// Rows per block of the reference sum (fixed, so the bits do not depend on the thread count).
pub const REFERENCE_BLOCK_ROWS: usize = 8192;

/// A value with its derivatives along `N` directions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dual<const N: usize> {
    /// The value.
    pub value: f64,
    /// Its partial derivatives.
    pub tangent: [f64; N],
}

impl<const N: usize> Dual<N> {
    /// A constant: every derivative is zero.
    pub fn constant(value: f64) -> Self {
        Dual {
            value,
            tangent: [0.0; N],
        }
    }

    /// The `index`-th variable at `value`: derivative 1 along itself, 0 along the others.
    pub fn variable(value: f64, index: usize) -> Self {
        let mut tangent = [0.0; N];
        tangent[index] = 1.0;
        Dual { value, tangent }
    }

    /// e^x.
    pub fn exp(self) -> Self {
        let e = libm::exp(self.value);
        self.chain(e, e)
    }

    /// ln(1 + x).
    pub fn log1p(self) -> Self {
        self.chain(libm::log1p(self.value), 1.0 / (1.0 + self.value))
    }

    /// A function's value `f` and derivative `slope` at `self.value`, applied by the chain rule.
    fn chain(self, f: f64, slope: f64) -> Self {
        Dual {
            value: f,
            tangent: self.tangent.map(|t| slope * t),
        }
    }
}

impl<const N: usize> Add for Dual<N> {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Dual {
            value: self.value + other.value,
            tangent: std::array::from_fn(|k| self.tangent[k] + other.tangent[k]),
        }
    }
}

impl<const N: usize> Sub for Dual<N> {
    type Output = Self;
    fn sub(self, other: Self) -> Self {
        self + (-other)
    }
}

impl<const N: usize> Neg for Dual<N> {
    type Output = Self;
    fn neg(self) -> Self {
        Dual {
            value: -self.value,
            tangent: self.tangent.map(|t| -t),
        }
    }
}

impl<const N: usize> Mul for Dual<N> {
    type Output = Self;
    // The product rule: (uv)' = u'v + uv'. The sum is the point, not a slip.
    #[allow(clippy::suspicious_arithmetic_impl)]
    fn mul(self, other: Self) -> Self {
        Dual {
            value: self.value * other.value,
            tangent: std::array::from_fn(|k| {
                self.tangent[k] * other.value + self.value * other.tangent[k]
            }),
        }
    }
}

impl<const N: usize> Mul<f64> for Dual<N> {
    type Output = Self;
    fn mul(self, c: f64) -> Self {
        Dual {
            value: self.value * c,
            tangent: self.tangent.map(|t| t * c),
        }
    }
}

/// One row's loss max(z, 0) + ln(1 + e^−|z|) − y·z on dual numbers. Both pieces choose their
/// branch by the same test (z > 0), so at z = 0 the derivative is that of one smooth piece
/// (½ for y = 0), not a mix of the two.
fn row_loss(w: [Dual<3>; 3], a: f64, b: f64, label: u8) -> Dual<3> {
    let z = w[0] + w[1] * a + w[2] * b;
    let positive = z.value > 0.0;
    let relu = if positive { z } else { Dual::constant(0.0) };
    let abs = if positive { z } else { -z };
    relu + (-abs).exp().log1p() - z * f64::from(label)
}

/// The unregularised loss Σn [softplus(zn) − yn·zn] at `w` and its gradient, by forward-mode
/// differentiation with `libm` (see the module documentation).
pub fn data_loss_and_gradient(data: &Dataset, w: [f64; 3]) -> (f64, [f64; 3]) {
    let variables: [Dual<3>; 3] = std::array::from_fn(|k| Dual::variable(w[k], k));
    let (x1, x2, y) = (data.x1(), data.x2(), data.labels());
    let total = x1
        .par_chunks(REFERENCE_BLOCK_ROWS)
        .zip(x2.par_chunks(REFERENCE_BLOCK_ROWS))
        .zip(y.par_chunks(REFERENCE_BLOCK_ROWS))
        .map(|((x1, x2), y)| {
            crate::data::visits::visit(&crate::data::visits::REFERENCE);
            x1.iter()
                .zip(x2)
                .zip(y)
                .fold(Dual::constant(0.0), |sum, ((&a, &b), &label)| {
                    sum + row_loss(variables, a, b, label)
                })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .fold(Dual::constant(0.0), |sum, block| sum + block);
    (total.value, total.tangent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::study_rng;

    #[test]
    fn duals_differentiate_a_composition() {
        // f(x, y) = ln(1 + e^(x·y)) at (0.5, −2): ∂f/∂x = y·σ(xy), ∂f/∂y = x·σ(xy).
        let (x, y) = (Dual::<2>::variable(0.5, 0), Dual::<2>::variable(-2.0, 1));
        let f = (x * y).exp().log1p();
        let sigma = 1.0 / (1.0 + 1.0f64.exp());
        assert!((f.value - (1.0 + (-1.0f64).exp()).ln()).abs() < 1e-15);
        assert!((f.tangent[0] - (-2.0 * sigma)).abs() < 1e-15);
        assert!((f.tangent[1] - 0.5 * sigma).abs() < 1e-15);
    }

    #[test]
    fn the_derivative_at_a_zero_score_is_the_smooth_one() {
        // z = 0 for w = 0: each row's derivative along the bias is σ(0) − y = ±½.
        let data = Dataset::new(vec![1.0, -1.0], vec![2.0, 3.0], &[1.0, 0.0]).unwrap();
        let (loss, grad) = data_loss_and_gradient(&data, [0.0; 3]);
        assert!((loss - 2.0 * std::f64::consts::LN_2).abs() < 1e-15);
        assert_eq!(grad, [0.0, -1.0, 0.5]);
    }

    #[test]
    fn the_same_bits_with_one_thread_or_two() {
        let data = Dataset::fuzzy(5 * REFERENCE_BLOCK_ROWS + 17, &mut study_rng(3)).unwrap();
        let w = [0.3, -1.1, 2.0];
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| data_loss_and_gradient(&data, w))
        };
        assert_eq!(format!("{:?}", run(1)), format!("{:?}", run(2)));
    }
}
