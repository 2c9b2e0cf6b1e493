//! The record of a fit's way to its answer: one entry per iteration, the start included, so
//! that the report can show how fast each method closes in and how far the weights grow.

use serde::Serialize;

use crate::linalg::{max_abs, norm2};

/// Where a fit stood after one of its iterations (the first entry: its starting point).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Iterate {
    /// The weights.
    pub w: Vec<f64>,
    /// E(w).
    #[serde(rename = "E")]
    pub fun: f64,
    /// The gradient's largest component in absolute value, ‖∇E(w)‖∞.
    pub grad_max: f64,
    /// The length ‖w − w_previous‖₂ of the step that led here; 0 at the start.
    pub step: f64,
    /// Passes over the data made so far (value and gradient, with or without the Hessian),
    /// the gradient check not counted.
    pub passes: u64,
}

/// Records in `iterates` the iterate at `w`, reached from the last one recorded.
pub(crate) fn record(
    iterates: &mut Vec<Iterate>,
    w: &[f64],
    fun: f64,
    gradient: &[f64],
    passes: u64,
) {
    let step = iterates.last().map_or(0.0, |p| {
        let moved: Vec<f64> = p.w.iter().zip(w).map(|(a, b)| b - a).collect();
        norm2(&moved)
    });
    iterates.push(Iterate {
        w: w.to_vec(),
        fun,
        grad_max: max_abs(gradient),
        step,
        passes,
    });
}
