//! Judging where BFGS stopped: the certificate that decides `success`, the proof that no
//! minimum exists, and the damped Newton steps that finish a fit whose certificate is not met
//! yet (see the module documentation of `fit`).

use super::iterates::{Iterate, record};
use super::rules::{DISTANCE_TOLERANCE, MAX_FINISHING_STEPS, damped_step};
use super::status::{BfgsStop, DistanceEstimate, EstimateKind, Status};
use crate::linalg::max_abs;
use crate::model::Objective;

/// A point with its value and gradient.
pub(super) struct Point {
    pub x: Vec<f64>,
    pub fun: f64,
    pub jac: Vec<f64>,
}

/// How the judging of BFGS's final point (and any finishing steps) ended.
pub(super) struct Ending {
    pub point: Point,
    pub status: Status,
    pub estimate: Option<DistanceEstimate>,
    pub tolerance: f64,
    pub steps: u64,
    pub passes: u64,
    pub hessian_passes: u64,
}

/// Judges the point where BFGS stopped and finishes the fit with Newton steps where the
/// certificate is not met yet (see the module documentation). `quasi_newton_step` is Hₖ·g
/// there, the estimate for objectives without a Hessian; `iterations_left` is what the
/// iteration limit leaves. Each finishing step is recorded in `iterates`, whose passes so
/// far were `passes_before`.
pub(super) fn judge<O: Objective + ?Sized>(
    objective: &O,
    mut point: Point,
    quasi_newton_step: &[f64],
    stop: &BfgsStop,
    iterations_left: u64,
    (iterates, passes_before): (&mut Vec<Iterate>, u64),
) -> Ending {
    let (mut steps, mut passes, mut hessian_passes) = (0, 0, 0);
    let (status, estimate) = loop {
        let tolerance = DISTANCE_TOLERANCE * max_abs(&point.x).max(1.0);
        let finite =
            point.fun.is_finite() && point.x.iter().chain(&point.jac).all(|v| v.is_finite());
        if *stop == BfgsStop::NotFinite || !finite {
            break (Status::NotFinite, None);
        }
        if let Some(why) = objective.no_minimum_at(&point.x) {
            break (Status::Unbounded(why), None);
        }
        let (estimate, newton_step) = match objective.second_order(&point.x) {
            Some(second) => {
                passes += 1;
                hessian_passes += 1;
                point.fun = second.value;
                point.jac = second.gradient;
                let estimate = second.newton_step.as_deref().map(|s| DistanceEstimate {
                    value: max_abs(s),
                    kind: EstimateKind::ExactNewton,
                });
                (estimate, second.newton_step)
            }
            None => (
                Some(DistanceEstimate {
                    value: max_abs(quasi_newton_step),
                    kind: EstimateKind::QuasiNewton,
                }),
                None,
            ),
        };
        // Written so that a NaN estimate is not within the tolerance.
        if estimate.is_some_and(|e| e.value <= tolerance) {
            break (Status::Converged, estimate);
        }
        if *stop == BfgsStop::IterationLimit || steps >= iterations_left {
            break (Status::MaxIterations, estimate);
        }
        let Some(newton_step) = newton_step else {
            let why = if estimate.is_some() {
                "the objective has no Hessian for Newton steps to finish with"
            } else {
                "the exact Hessian at the final point is not positive definite, so the \
                 distance to the optimum cannot be estimated"
            };
            break (Status::PrecisionLoss(why.into()), estimate);
        };
        if steps >= MAX_FINISHING_STEPS {
            break (
                Status::PrecisionLoss(format!(
                    "{MAX_FINISHING_STEPS} Newton steps did not bring the distance estimate \
                     within the tolerance"
                )),
                estimate,
            );
        }
        let Some(next) = newton_step_from(objective, &point, &newton_step, &mut passes) else {
            break (
                Status::PrecisionLoss("a Newton step could not lower the objective".into()),
                estimate,
            );
        };
        point = next;
        steps += 1;
        let so_far = passes_before + passes;
        record(iterates, &point.x, point.fun, &point.jac, so_far);
    };
    Ending {
        tolerance: DISTANCE_TOLERANCE * max_abs(&point.x).max(1.0),
        point,
        status,
        estimate,
        steps,
        passes,
        hessian_passes,
    }
}

/// One damped Newton step: w − α·`step`, α chosen by [`damped_step`]. `None` if no α lowers E.
fn newton_step_from<O: Objective + ?Sized>(
    objective: &O,
    from: &Point,
    step: &[f64],
    passes: &mut u64,
) -> Option<Point> {
    let decrement: f64 = from.jac.iter().zip(step).map(|(g, s)| g * s).sum();
    if decrement.is_nan() || decrement <= 0.0 {
        return None;
    }
    let (point, _) = damped_step(from.fun, decrement, |alpha| {
        let x: Vec<f64> = from
            .x
            .iter()
            .zip(step)
            .map(|(w, s)| w - alpha * s)
            .collect();
        let mut jac = vec![0.0; x.len()];
        let fun = objective.value_and_gradient(&x, &mut jac);
        *passes += 1;
        (fun, Point { x, fun, jac })
    })?;
    Some(point)
}
