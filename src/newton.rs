//! The independent cross-check: Newton's method on the exact 3 × 3 Hessian, from w0.
//!
//! It shares nothing with the BFGS path but the objective: exact second derivatives,
//! Cholesky-solved Newton steps with backtracking, quadratic convergence, so where a minimum
//! exists its answer is the optimum to the last few bits. It starts from the same w0 as BFGS,
//! not from BFGS's answer, and keeps its own count of iterations and its own status, with the
//! codes of [`crate::fit::Status`]:
//!
//! - 0: the exact Newton step at its last iterate is within
//!   [`DISTANCE_TOLERANCE`]`·max(1, ‖w‖∞)` (it is usually some 1e−15);
//! - 1: [`MAX_ITERATIONS`] steps were not enough;
//! - 2: the Hessian was not positive definite, or backtracking could not lower E;
//! - 3: a value was not finite;
//! - 4: with λ = 0, an iterate put every point strictly on its own side: the loss has no
//!   minimum (separable data). Newton stops there, after a few steps, instead of following
//!   the weights to infinity; this confirms BFGS's verdict independently.

use crate::fit::{DISTANCE_TOLERANCE, FitError, Iterate, Status, damped_step, record};
use crate::linalg::{max_abs, solve_spd};
use crate::model::{LogisticObjective, Objective};
use crate::numbers::{capitalised, counted, two_digits};

/// The most Newton iterations tried. The quadratic phase needs fewer than ten; reaching it
/// from w0 when λ is tiny and the data nearly separable takes about one step per unit of
/// margin, some 35 to 45 at λ = 1e−12.
pub const MAX_ITERATIONS: u64 = 100;

/// Newton's answer from a starting point, in the shape of a fit result.
#[derive(Clone, Debug, PartialEq)]
pub struct NewtonResult {
    /// The last iterate: the minimiser when `status` is 0.
    pub x: [f64; 3],
    /// The objective there.
    pub fun: f64,
    /// The gradient there.
    pub jac: [f64; 3],
    /// Newton steps taken.
    pub nit: u64,
    /// Passes over the data (each computes value, gradient and Hessian).
    pub nfev: u64,
    /// Why it ended.
    pub status: Status,
    /// ‖H⁻¹∇E‖∞ at `x`, the estimated distance to the optimum, where it could be computed and
    /// a minimum exists.
    pub distance_estimate: Option<f64>,
    /// The largest estimate that counts as converged: [`DISTANCE_TOLERANCE`]`·max(1, ‖x‖∞)`.
    pub distance_tolerance: f64,
    /// Every iterate, from the start to `x`.
    pub iterates: Vec<Iterate>,
}

impl NewtonResult {
    /// True when it converged.
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// A sentence saying why it ended.
    pub fn message(&self) -> String {
        let estimate = self.distance_estimate.map_or_else(String::new, |d| {
            format!(
                "; the exact Newton step there is {}, against a tolerance of {}",
                two_digits(d),
                two_digits(self.distance_tolerance)
            )
        });
        let steps = counted(self.nit, "step", "steps");
        match &self.status {
            Status::Converged => format!(
                "Converged after {steps}: the exact Newton step at the last iterate is {}, \
                 within the tolerance {}.",
                two_digits(self.distance_estimate.unwrap_or(f64::NAN)),
                two_digits(self.distance_tolerance)
            ),
            Status::MaxIterations => {
                format!("Stopped: {MAX_ITERATIONS} Newton steps were not enough{estimate}.")
            }
            Status::PrecisionLoss(why) => {
                format!("Stopped without converging after {steps}: {why}{estimate}.")
            }
            Status::NotFinite => "Stopped: the objective or its gradient was not finite.".into(),
            Status::Unbounded(why) => format!(
                "{}; after {steps} the iterate put every point strictly on its own side, at \
                 ‖w‖ = {:.1}.",
                capitalised(why),
                self.x.iter().map(|v| v * v).sum::<f64>().sqrt()
            ),
        }
    }
}

/// Minimises the regularised loss from `start` by damped Newton steps (any λ ≥ 0; with
/// λ = 0 on separable data it ends with status 4, see the module documentation).
pub fn newton(
    objective: &LogisticObjective<'_>,
    start: [f64; 3],
) -> Result<NewtonResult, FitError> {
    FitError::check_start(&start)?;
    let mut w = start;
    let (mut fun, mut grad, mut hessian) = objective.value_gradient_hessian(w);
    let (mut nfev, mut nit) = (1, 0);
    let mut iterates = Vec::new();
    record(&mut iterates, &w, fun, &grad, nfev);
    // Set once a full step was taken below E's rounding: the point it reached is the last.
    let mut last = false;
    let status = loop {
        if !(fun.is_finite() && grad.iter().all(|g| g.is_finite())) {
            break Status::NotFinite;
        }
        if let Some(why) = objective.no_minimum_at(&w) {
            break Status::Unbounded(why);
        }
        let Some(step) = solve_spd(hessian, grad) else {
            break Status::PrecisionLoss("the Hessian is not positive definite".into());
        };
        if last || max_abs(&step) <= 4.0 * f64::EPSILON * max_abs(&w).max(1.0) {
            break Status::Converged;
        }
        if nit >= MAX_ITERATIONS {
            break Status::MaxIterations;
        }
        // Newton decrement: the decrease the quadratic model promises, times two.
        let decrement: f64 = (0..3).map(|k| grad[k] * step[k]).sum();
        // The finishing steps' line search, the same rule and constants.
        let Some(((trial, evaluated), resolved)) = damped_step(fun, decrement, |alpha| {
            let trial: [f64; 3] = std::array::from_fn(|k| w[k] - alpha * step[k]);
            let evaluated = objective.value_gradient_hessian(trial);
            nfev += 1;
            (evaluated.0, (trial, evaluated))
        }) else {
            break Status::PrecisionLoss("backtracking could not lower the objective".into());
        };
        nit += 1;
        w = trial;
        (fun, grad, hessian) = evaluated;
        last = resolved;
        record(&mut iterates, &w, fun, &grad, nfev);
    };
    let distance_tolerance = DISTANCE_TOLERANCE * max_abs(&w).max(1.0);
    let distance_estimate = match status {
        Status::Unbounded(_) | Status::NotFinite => None,
        _ => solve_spd(hessian, grad).map(|step| max_abs(&step)),
    };
    // Newton's own stopping tests are far tighter than the tolerance; what decides success is
    // the same certificate as for BFGS.
    let status = match status {
        Status::Converged if distance_estimate.is_some_and(|d| d <= distance_tolerance) => {
            Status::Converged
        }
        Status::Converged => Status::PrecisionLoss(
            "its steps stopped shrinking before the distance estimate met the tolerance".into(),
        ),
        other => other,
    };
    Ok(NewtonResult {
        x: w,
        fun,
        jac: grad,
        nit,
        nfev,
        status,
        distance_estimate,
        distance_tolerance,
        iterates,
    })
}
