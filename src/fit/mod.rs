//! Fitting: the gradient check, BFGS through argmin, the certificate that decides success, and
//! the result in the shape of scipy's `OptimizeResult`.
//!
//! # What `success` means
//!
//! A fit says `success: true` only when its own estimate of the distance from the point it
//! returns to the optimum is within [`DISTANCE_TOLERANCE`]`·max(1, ‖w‖∞)` (max-norm, so about
//! six significant digits in the largest weight). The estimate is the exact Newton step
//! ‖H(w)⁻¹·∇E(w)‖∞, from one pass over the data with the Hessian: w minus this step minimises
//! the quadratic model at w, and near the optimum of a smooth, strictly convex objective the
//! step and the true distance differ by a term of the order of the distance squared. An
//! objective that does not know its Hessian falls back on BFGS's own ‖Hₖ·∇E‖∞, and the message
//! says so. No rule on the gradient alone makes a fit a success: a gradient of 1e−8 can sit
//! 15 units from the optimum when λ is 1e−12.
//!
//! # Statuses
//!
//! | code | SciPy's BFGS | here |
//! |---|---|---|
//! | 0 | converged (‖∇E‖∞ ≤ gtol) | converged: the distance estimate is within the tolerance |
//! | 1 | maximum number of iterations exceeded | the iteration limit was reached first |
//! | 2 | desired error not necessarily achieved due to precision loss | the line search, the BFGS update or the finishing Newton steps could not go on, or the distance could not be estimated |
//! | 3 | NaN result encountered | the objective or its gradient was not finite |
//! | 4 | (none) | unbounded: the objective has no minimum, and the final point proves it (for the logistic loss: λ = 0 and every point strictly on its own side, see [`crate::model::LogisticObjective::proves_unbounded`]) |
//!
//! `success` is true for status 0 only.
//!
//! # How a fit runs
//!
//! 1. The analytic gradient at w0 is compared with an independent reference
//!    ([`check_gradient`]); a failed check refuses the fit.
//! 2. BFGS (argmin, More–Thuente line search) iterates until the first of three rules holds
//!    (g = ∇E(w), Hₖ = BFGS's inverse-Hessian estimate):
//!    - **step**: ‖Hₖ·g‖∞ ≤ [`STEP_TOLERANCE`]`·max(1, ‖w‖∞)`, the quasi-Newton estimate of
//!      the distance; the rule that ends well-posed fits of any size;
//!    - **resolution**: ½·gᵀ·Hₖ·g ≤ 16·ε·|E(w)|: the decrease one more step promises is below
//!      the rounding of E, so no line search could confirm it (at large N this comes just
//!      before the line search would fail);
//!    - **gradient**: ‖g‖∞ ≤ [`GRADIENT_TOLERANCE`], a thousand times tighter than SciPy's
//!      1e−5. This is what ends λ = 0 on separable data, where the optimum lies at infinity
//!      and neither of the other two shrinks; the weights grow until then, and the report
//!      shows how far they went.
//!
//!    The iteration limit (200 per parameter, as SciPy), a failed line search, a lost
//!    curvature condition or a non-finite value also end BFGS.
//! 3. The final point is judged: if it proves that no minimum exists, status 4. Otherwise the
//!    certificate above: within the tolerance, status 0. If not, and the objective knows its
//!    Hessian, **Newton steps finish the fit** (damped by backtracking, at most
//!    [`MAX_FINISHING_STEPS`], within the iteration limit), each judged the same way. They are
//!    counted honestly: in `nit` (and in `finishing_steps`), their passes in `nfev`/`njev`,
//!    and the Hessian passes in `nhev`. They matter where BFGS's gradient rule fires far from
//!    the optimum (λ ≤ 1e−6 on separable data, where the optimum has large weights and the
//!    loss is flat) and at large N, where BFGS stops on the rounding of E.
//!
//! With λ > 0 the study also starts BFGS from the exact inverse Hessian at w0 (see
//! `study::FitPlan::fit_from`), so its first step is a Newton step.

mod check;
mod error;
mod finish;
mod iterates;
mod rules;
mod solver;
mod status;

use argmin::core::{Executor, State, TerminationReason};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::BFGS;
use ndarray::{Array1, Array2};

use crate::linalg::norm2;
use crate::model::Objective;
use crate::numbers::{capitalised, counted, two_digits};
use finish::{Point, judge};
use solver::{FusedProblem, StoppingRule};

pub use check::{CheckMethod, GradientCheck, check_gradient, check_gradient_against};
pub use error::FitError;
pub use iterates::Iterate;
pub(crate) use iterates::record;
pub use rules::{
    DISTANCE_TOLERANCE, GRADIENT_CHECK_TOLERANCE, GRADIENT_TOLERANCE, MAX_FINISHING_STEPS,
    MAX_ITERS_PER_PARAMETER, RESOLUTION_ULPS, STEP_TOLERANCE,
};
pub(crate) use rules::{backtrack, damped_step};
pub use status::{BfgsStop, DistanceEstimate, EstimateKind, Status, StopRule};

/// One fit, with the fields of scipy's `OptimizeResult` and what certifies it.
#[derive(Clone, Debug)]
pub struct FitResult {
    /// The objective at `x`.
    pub fun: f64,
    /// The parameters found.
    pub x: Array1<f64>,
    /// The gradient at `x`.
    pub jac: Array1<f64>,
    /// BFGS's estimate of the inverse Hessian where its iterations ended.
    pub hess_inv: Array2<f64>,
    /// Iterations: BFGS's, then the finishing Newton steps.
    pub nit: u64,
    /// Evaluations of the objective during the fit (not counting the gradient check),
    /// including those that also computed the Hessian.
    pub nfev: u64,
    /// Evaluations of the gradient. Value and gradient are computed together in one pass over
    /// the data, so this equals `nfev`, as in SciPy's BFGS.
    pub njev: u64,
    /// Evaluations that also computed the exact Hessian (the certificate, finishing steps).
    pub nhev: u64,
    /// How the fit ended.
    pub status: Status,
    /// Why BFGS's own iterations ended.
    pub bfgs_stop: BfgsStop,
    /// Newton steps taken after BFGS stopped (included in `nit`).
    pub finishing_steps: u64,
    /// The estimated distance from `x` to the optimum; `None` where there is no optimum or it
    /// could not be estimated.
    pub distance_estimate: Option<DistanceEstimate>,
    /// The largest estimate that counts as converged: [`DISTANCE_TOLERANCE`]`·max(1, ‖x‖∞)`.
    pub distance_tolerance: f64,
    /// The iteration limit the fit ran under.
    pub max_iters: u64,
    /// The gradient check made before the fit, at the starting point.
    pub grad_check: GradientCheck,
    /// Every iterate, from the start to `x`: BFGS's, then the finishing steps'. At most one
    /// more than the iteration limit.
    pub iterates: Vec<Iterate>,
}

impl FitResult {
    /// True when the fit converged.
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// A sentence saying how the fit ended and why.
    pub fn message(&self) -> String {
        let stop = self.bfgs_stop.clause(self.max_iters);
        let followed = match self.finishing_steps {
            0 => String::new(),
            steps => format!(
                ", then {} followed",
                counted(steps, "Newton step", "Newton steps")
            ),
        };
        let estimate = |relation: &str| match self.distance_estimate {
            Some(e) => format!(
                "; the {} at the final point is {}, {relation} the tolerance {}",
                e.kind.describe(),
                two_digits(e.value),
                two_digits(self.distance_tolerance)
            ),
            None => String::new(),
        };
        match &self.status {
            Status::Converged => format!(
                "Converged: BFGS stopped when {stop}{followed}{}.",
                estimate("within")
            ),
            Status::MaxIterations => format!(
                "Stopped: the iteration limit ({}) was reached{}.",
                self.max_iters,
                estimate("beyond")
            ),
            Status::PrecisionLoss(why) => format!(
                "Stopped without converging: BFGS stopped when {stop}{followed}, and {why}{}.",
                estimate("against")
            ),
            Status::NotFinite => "Stopped: the objective or its gradient was not finite.".into(),
            Status::Unbounded(why) => format!(
                "{}; the weights grew to ‖w‖ = {:.1} before {stop}{followed}.",
                capitalised(why),
                norm2(self.x.as_slice().unwrap_or(&[]))
            ),
        }
    }
}

/// Settings of a BFGS run beyond the objective and the starting point.
#[derive(Clone, Debug, Default)]
pub struct BfgsOptions {
    /// The iteration limit (BFGS iterations and finishing Newton steps together); by default
    /// [`MAX_ITERS_PER_PARAMETER`] per parameter.
    pub max_iters: Option<u64>,
    /// The initial inverse-Hessian estimate H₀; by default the identity, as SciPy.
    pub initial_inverse_hessian: Option<Array2<f64>>,
    /// ∇E(w0) computed independently, for the gradient check; by default
    /// [`check_gradient`] finds its own reference.
    pub reference_gradient: Option<Vec<f64>>,
}

/// Checks the gradient at `w0`, then minimises `objective` by BFGS (argmin, More–Thuente
/// line search, H₀ = I by default), judged and finished as the module documentation
/// describes, with the choices in `options`.
pub fn minimize_bfgs_with<O: Objective + ?Sized>(
    objective: &O,
    w0: &[f64],
    options: &BfgsOptions,
) -> Result<FitResult, FitError> {
    let (h0, grad_check) = check_start(objective, w0, options)?;
    let max_iters = options
        .max_iters
        .unwrap_or(MAX_ITERS_PER_PARAMETER * objective.dim() as u64);

    let problem = FusedProblem::new(objective);
    // BFGS's own tests are switched off (0); ours decide, in `StoppingRule::terminate`.
    let bfgs = BFGS::new(MoreThuenteLineSearch::new())
        .with_tolerance_grad(0.0)
        .and_then(|b| b.with_tolerance_cost(0.0))
        .map_err(|e| FitError::Optimizer(e.to_string()))?;
    // Counted through the solver's share: a line search that fails keeps the problem it took.
    let solver = StoppingRule::new(bfgs, std::rc::Rc::clone(&problem.passes));
    let start = Array1::from(w0.to_vec());
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(start).inv_hessian(h0).max_iters(max_iters))
        .timer(false)
        .run()
        .map_err(|e| FitError::Optimizer(e.to_string()))?;

    let (mut solver, state) = (result.solver, result.state);
    let passes = solver.passes.get();
    let bfgs_stop = match (&solver.stopped, state.get_termination_reason()) {
        (Some(stop), _) => stop.clone(),
        (None, Some(TerminationReason::MaxItersReached)) => BfgsStop::IterationLimit,
        (None, other) => BfgsStop::Breakdown(format!(
            "argmin ended with {:?}",
            other.map(|r| r.text().to_string())
        )),
    };
    let missing = || FitError::Optimizer("argmin returned no final state".into());
    let jac = state.get_gradient().cloned().ok_or_else(missing)?;
    let hess_inv = state.get_inv_hessian().cloned().ok_or_else(missing)?;
    // An iteration undone after a breakdown is not counted.
    let bfgs_nit = state.get_iter() - u64::from(solver.undone);
    let end = judge(
        objective,
        Point {
            x: state.get_param().ok_or_else(missing)?.to_vec(),
            fun: state.get_cost(),
            jac: jac.to_vec(),
        },
        &hess_inv.dot(&jac).to_vec(),
        &bfgs_stop,
        max_iters.saturating_sub(bfgs_nit),
        (&mut solver.iterates, passes),
    );
    Ok(FitResult {
        fun: end.point.fun,
        x: Array1::from(end.point.x),
        jac: Array1::from(end.point.jac),
        hess_inv,
        nit: bfgs_nit + end.steps,
        nfev: passes + end.passes,
        njev: passes + end.passes,
        nhev: end.hessian_passes,
        status: end.status,
        bfgs_stop,
        finishing_steps: end.steps,
        distance_estimate: end.estimate,
        distance_tolerance: end.tolerance,
        max_iters,
        grad_check,
        iterates: solver.iterates,
    })
}

/// Checks `w0` and H₀ (the identity unless `options` gives one) against the objective, then
/// the gradient at `w0`; returns H₀ and the gradient check.
fn check_start<O: Objective + ?Sized>(
    objective: &O,
    w0: &[f64],
    options: &BfgsOptions,
) -> Result<(Array2<f64>, GradientCheck), FitError> {
    if w0.len() != objective.dim() {
        return Err(FitError::StartingPointLength {
            len: w0.len(),
            expected: objective.dim(),
            objective: objective.name(),
        });
    }
    FitError::check_start(w0)?;
    let dim = objective.dim();
    let h0 = match &options.initial_inverse_hessian {
        Some(h0) if h0.dim() == (dim, dim) && h0.iter().all(|v| v.is_finite()) => h0.clone(),
        Some(h0) => {
            let (rows, cols) = h0.dim();
            return Err(FitError::InitialInverseHessian { rows, cols, dim });
        }
        None => Array2::eye(dim),
    };
    let grad_check = match &options.reference_gradient {
        Some(reference) => check_gradient_against(objective, w0, reference),
        None => check_gradient(objective, w0),
    };
    if !grad_check.passed() {
        return Err(FitError::GradientCheck {
            objective: objective.name(),
            error: grad_check.error,
            relative: grad_check.relative,
            tolerance: grad_check.tolerance,
        });
    }
    Ok((h0, grad_check))
}

#[cfg(test)]
mod tests;
