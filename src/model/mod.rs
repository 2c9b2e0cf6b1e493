//! The model: the regularised logistic loss and its gradient in one fused pass over the data,
//! its exact Hessian for Newton's method, and the loss along one weight for figure 6.
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

mod blocks;
mod curve;
mod error;
pub(crate) mod kernel;
mod lambda;
mod passes;
#[cfg(feature = "test-support")]
pub mod paths;

use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::data::Dataset;
use crate::data::visits;
use crate::linalg::solve_spd;
use blocks::{BlockSums, GRADIENT, HESSIAN, PARALLEL_MIN_ROWS, VALUE, add_blocks, rows_of};
use kernel::block_sums;

pub use blocks::CHUNK_ROWS;
pub use curve::{Line, loss_along_w1};
pub use error::ModelError;
pub use lambda::{Lambda, MAX_LAMBDA};
pub use passes::{PassCount, Passes};

/// A differentiable objective, as the optimiser sees it.
///
/// Only the first three methods are required. The others let the optimiser (`fit`) check the
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

/// The regularised negative log-likelihood of a data set, ready to be evaluated many times.
pub struct LogisticObjective<'a> {
    data: &'a Dataset,
    lambda: f64,
    /// One slot per block, reused by every pass so that an evaluation allocates nothing.
    blocks: Mutex<Vec<BlockSums>>,
    /// The data set's recent passes, shared with its other objectives, and their count.
    passes: Arc<Passes>,
}

impl<'a> LogisticObjective<'a> {
    /// The objective of `data` with L2 strength `lambda`.
    pub fn new(data: &'a Dataset, lambda: Lambda) -> Self {
        Self::sharing(data, lambda, &Arc::default())
    }

    /// The objective of `data` with strength `lambda`, remembering and counting its passes in
    /// `passes` together with every other objective of the same data set given it.
    pub fn sharing(data: &'a Dataset, lambda: Lambda, passes: &Arc<Passes>) -> Self {
        let blocks = vec![BlockSums::default(); data.len().div_ceil(CHUNK_ROWS)];
        LogisticObjective {
            data,
            lambda: lambda.get(),
            blocks: Mutex::new(blocks),
            passes: Arc::clone(passes),
        }
    }

    /// The passes made over the data set so far (by every objective sharing them).
    pub fn passes(&self) -> PassCount {
        self.passes.count()
    }

    /// The regularisation strength.
    pub fn lambda(&self) -> f64 {
        self.lambda
    }

    /// E(w), and as `DEPTH` asks ∇E(w) and the Hessian, in one pass over the data.
    pub(crate) fn evaluate<const DEPTH: u8>(&self, w: [f64; 3]) -> BlockSums {
        let mut total = self.passes.recall(w, DEPTH).unwrap_or_else(|| {
            let data_part = self.pass::<DEPTH>(w);
            self.passes.made(w, DEPTH, data_part);
            data_part
        });
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

    /// The data part of E(w) (and as `DEPTH` asks, of ∇E and the Hessian): one pass.
    fn pass<const DEPTH: u8>(&self, w: [f64; 3]) -> BlockSums {
        // A poisoned lock only means another pass panicked; the slots are overwritten anyway.
        let mut blocks = self
            .blocks
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (x1, x2, y) = (self.data.x1(), self.data.x2(), self.data.labels());
        let fill = |(index, slot): (usize, &mut BlockSums)| {
            let r = rows_of(index, y.len());
            *slot = block_sums::<DEPTH>(w, &x1[r.clone()], &x2[r.clone()], &y[r], true);
            visits::visit(&visits::FUSED);
        };
        if y.len() >= PARALLEL_MIN_ROWS {
            blocks.par_iter_mut().enumerate().for_each(fill);
        } else {
            blocks.iter_mut().enumerate().for_each(fill);
        }
        add_blocks(&blocks)
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
    let rows = |r: std::ops::Range<usize>| r.map(|i| (x1[i], x2[i], y[i])).all(strictly);
    if y.len() >= PARALLEL_MIN_ROWS {
        (0..y.len().div_ceil(CHUNK_ROWS))
            .into_par_iter()
            .all(|block| rows(rows_of(block, y.len())))
    } else {
        rows(0..y.len())
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
            newton_step: solve_spd(hessian, gradient).map(|s| s.to_vec()),
        })
    }

    fn no_minimum_at(&self, w: &[f64]) -> Option<String> {
        self.proves_unbounded([w[0], w[1], w[2]])
            .then(|| "the data are separable: the loss has no minimum".to_string())
    }
}

/// ∇E = (the data part) + 2λ·w, added as the fused pass adds it.
pub fn add_penalty_gradient(data_part: [f64; 3], lambda: f64, w: [f64; 3]) -> [f64; 3] {
    std::array::from_fn(|k| data_part[k] + 2.0 * lambda * w[k])
}

#[cfg(test)]
mod tests;
