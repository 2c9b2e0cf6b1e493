//! Gradient descent with a backtracking line search: the first-order method the report sets
//! beside BFGS and Newton's method, to show what curvature buys.
//!
//! Each iteration steps along −∇E. The trial step starts at twice the length the last one was
//! accepted at and is halved until E drops by the share of the first-order promise that the
//! Newton steps ask for too (`fit::rules::backtrack`). It stops when ‖∇E‖∞ reaches BFGS's
//! [`GRADIENT_TOLERANCE`] or after [`MAX_ITERATIONS`]; only the same certificate as every fit
//! (the exact Newton step at its last iterate within the tolerance, one more pass) makes its
//! status 0.

use crate::fit::{
    DISTANCE_TOLERANCE, FitError, GRADIENT_TOLERANCE, Iterate, Status, backtrack, record,
};
use crate::linalg::{max_abs, solve_spd};
use crate::model::{LogisticObjective, Objective};

/// The most gradient-descent iterations run: enough for its straight line on a log scale to
/// be plain, and a bounded cost at any N (about two passes an iteration).
pub const MAX_ITERATIONS: u64 = 300;

/// Where gradient descent got to.
#[derive(Clone, Debug, PartialEq)]
pub struct DescentResult {
    /// The last iterate.
    pub x: [f64; 3],
    /// E there.
    pub fun: f64,
    /// Iterations taken.
    pub nit: u64,
    /// Evaluations of E (with ∇E or the Hessian), the certificate's included; a point the
    /// objective had seen is recalled, so the passes over the data made may be fewer.
    pub nfev: u64,
    /// 0 when certified, 1 when the iteration limit came first, 2 when no step lowered E,
    /// 3 when a value was not finite.
    pub status: Status,
    /// Every iterate, from the start to `x`.
    pub iterates: Vec<Iterate>,
}

/// Runs gradient descent on `objective` from `start` for at most `max_iterations` steps.
pub fn gradient_descent(
    objective: &LogisticObjective<'_>,
    start: [f64; 3],
    max_iterations: u64,
) -> Result<DescentResult, FitError> {
    FitError::check_start(&start)?;
    let mut w = start;
    let mut grad = [0.0; 3];
    let mut fun = objective.value_and_gradient(&w, &mut grad);
    let (mut nfev, mut nit) = (1, 0);
    let mut iterates = Vec::new();
    record(&mut iterates, &w, fun, &grad, nfev);
    // The length of the trial step along −∇E, relative to ‖∇E‖: doubled after each success.
    let mut scale = 1.0;
    let status = loop {
        if !fun.is_finite() || grad.iter().any(|g| !g.is_finite()) {
            break Status::NotFinite;
        }
        if max_abs(&grad) <= GRADIENT_TOLERANCE {
            // The fits' certificate at `w`: the exact Newton step within the tolerance (one pass).
            let (_, gradient, hessian) = objective.value_gradient_hessian(w);
            nfev += 1;
            break match solve_spd(hessian, gradient) {
                Some(step) if max_abs(&step) <= DISTANCE_TOLERANCE * max_abs(&w).max(1.0) => {
                    Status::Converged
                }
                _ => Status::PrecisionLoss(
                    "the gradient met its tolerance, but the exact Newton step there did not"
                        .into(),
                ),
            };
        }
        if nit >= max_iterations {
            break Status::MaxIterations;
        }
        let promise = scale * grad.iter().map(|g| g * g).sum::<f64>();
        let Some((trial, value, g, alpha)) = backtrack(fun, promise, |alpha| {
            let trial: [f64; 3] = std::array::from_fn(|k| w[k] - alpha * scale * grad[k]);
            let mut g = [0.0; 3];
            let value = objective.value_and_gradient(&trial, &mut g);
            nfev += 1;
            (value, (trial, value, g, alpha))
        }) else {
            break Status::PrecisionLoss(
                "backtracking could not lower the objective: its decrease is below E's rounding"
                    .into(),
            );
        };
        nit += 1;
        (w, fun, grad) = (trial, value, g);
        scale *= 2.0 * alpha;
        record(&mut iterates, &w, fun, &grad, nfev);
    };
    Ok(DescentResult {
        x: w,
        fun,
        nit,
        nfev,
        status,
        iterates,
    })
}
