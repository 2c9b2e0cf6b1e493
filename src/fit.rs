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
//! [`crate::study::bfgs_fit`]), so its first step is a Newton step.

use std::cell::{Cell, RefCell};

use argmin::core::{
    CostFunction, Executor, Gradient, IterState, KV, Problem, Solver, State, TerminationReason,
    TerminationStatus,
};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::BFGS;
use ndarray::{Array1, Array2};

use crate::error::{Error, Result};
use crate::model::Objective;
use crate::newton::{capitalised, plural};
use crate::numbers::two_digits;

/// The largest distance estimate, relative to max(1, ‖w‖∞), that counts as converged.
pub const DISTANCE_TOLERANCE: f64 = 1e-6;
/// BFGS's step rule: the largest quasi-Newton step, relative to max(1, ‖w‖∞).
pub const STEP_TOLERANCE: f64 = 1e-9;
/// BFGS's resolution rule: how many units of rounding of E the promised decrease may be.
pub const RESOLUTION_ULPS: f64 = 16.0;
/// BFGS's gradient rule: the largest gradient max-norm.
pub const GRADIENT_TOLERANCE: f64 = 1e-8;
/// The iteration limit per parameter (SciPy's default).
pub const MAX_ITERS_PER_PARAMETER: u64 = 200;
/// The most Newton steps taken after BFGS stops. From where BFGS's gradient rule fires, a
/// damped Newton step gains about one unit of margin, and even λ = 1e−12 needs fewer than 40.
pub const MAX_FINISHING_STEPS: u64 = 60;
/// The largest gradient-check error accepted, relative to max(1, ‖∇E‖₂).
pub const GRADIENT_CHECK_TOLERANCE: f64 = 1e-6;

type Param = Array1<f64>;
type BfgsState = IterState<Param, Param, (), Array2<f64>, (), f64>;

/// How a fit ended, with SciPy's status codes and one of our own (see the module
/// documentation).
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// The distance estimate is within the tolerance (0).
    Converged,
    /// The iteration limit came first (1).
    MaxIterations,
    /// The line search, the update or the finishing steps could not go on, or the distance
    /// could not be estimated (2). Says why.
    PrecisionLoss(String),
    /// A value or gradient was NaN or infinite (3).
    NotFinite,
    /// The objective has no minimum and the final point proves it (4). Says why.
    Unbounded(String),
}

impl Status {
    /// The code: SciPy's 0–3, and 4 for an objective without a minimum.
    pub fn code(&self) -> i32 {
        match self {
            Status::Converged => 0,
            Status::MaxIterations => 1,
            Status::PrecisionLoss(_) => 2,
            Status::NotFinite => 3,
            Status::Unbounded(_) => 4,
        }
    }

    /// True only for convergence (code 0).
    pub fn success(&self) -> bool {
        matches!(self, Status::Converged)
    }

    /// A few words for a table cell: "converged", "no minimum", …
    pub fn verdict(&self) -> &'static str {
        match self {
            Status::Converged => "converged",
            Status::MaxIterations => "iteration limit",
            Status::PrecisionLoss(_) => "stopped short",
            Status::NotFinite => "not finite",
            Status::Unbounded(_) => "no minimum",
        }
    }
}

/// Which of BFGS's own rules ended its iterations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopRule {
    /// The quasi-Newton step fell below 1e−9 (relative).
    Step,
    /// The promised decrease fell below the rounding of E.
    Resolution,
    /// ‖∇E‖∞ fell below 1e−8.
    Gradient,
}

/// Why BFGS's iterations ended (before the final point was judged).
#[derive(Clone, Debug, PartialEq)]
pub enum BfgsStop {
    /// One of its rules held.
    Rule(StopRule),
    /// The iteration limit was reached.
    IterationLimit,
    /// The line search or the update broke down; says how.
    Breakdown(String),
    /// A value or gradient was not finite.
    NotFinite,
}

impl BfgsStop {
    /// What happened, as a clause: "the gradient's largest component fell below 1e-8".
    pub fn clause(&self, max_iters: u64) -> String {
        match self {
            BfgsStop::Rule(StopRule::Step) => format!(
                "the quasi-Newton step fell below {STEP_TOLERANCE:e} relative to the weights"
            ),
            BfgsStop::Rule(StopRule::Resolution) => {
                "the decrease a further step promised fell below the rounding of the objective"
                    .into()
            }
            BfgsStop::Rule(StopRule::Gradient) => {
                format!("the gradient's largest component fell below {GRADIENT_TOLERANCE:e}")
            }
            BfgsStop::IterationLimit => format!("the iteration limit ({max_iters}) was reached"),
            BfgsStop::Breakdown(why) => why.clone(),
            BfgsStop::NotFinite => "a value was not finite".into(),
        }
    }
}

/// Which estimate of the distance to the optimum a fit has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EstimateKind {
    /// ‖H⁻¹∇E‖∞ with the exact Hessian.
    ExactNewton,
    /// ‖Hₖ∇E‖∞ with BFGS's inverse-Hessian estimate (objectives without a Hessian).
    QuasiNewton,
}

impl EstimateKind {
    /// Its name in messages.
    pub fn describe(self) -> &'static str {
        match self {
            EstimateKind::ExactNewton => "exact Newton step",
            EstimateKind::QuasiNewton => "quasi-Newton step (BFGS's estimate)",
        }
    }
}

/// A fit's estimate of the max-norm distance from its answer to the optimum.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DistanceEstimate {
    /// The estimate.
    pub value: f64,
    /// How it was obtained.
    pub kind: EstimateKind,
}

/// What the analytic gradient was compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckMethod {
    /// The objective's own independent computation ([`Objective::reference_gradient`]; for
    /// the logistic loss, forward-mode differentiation of the plain formula with `libm`).
    Reference,
    /// Central differences of the value, for objectives without a reference.
    CentralDifferences,
}

impl CheckMethod {
    /// A short name for results.json.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckMethod::Reference => "independent reference",
            CheckMethod::CentralDifferences => "central differences",
        }
    }
}

/// The analytic gradient compared with a reference, as scipy's `check_grad` reports.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientCheck {
    /// ‖analytic − reference‖₂ (what `check_grad` returns).
    pub error: f64,
    /// `error / max(1, ‖analytic‖₂)`.
    pub relative: f64,
    /// The largest `relative` accepted.
    pub tolerance: f64,
    /// What the analytic gradient was compared with.
    pub method: CheckMethod,
}

impl GradientCheck {
    /// True when the check passed (a NaN error fails it).
    pub fn passed(&self) -> bool {
        self.relative <= self.tolerance
    }
}

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
}

impl FitResult {
    /// True when the fit converged.
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// A sentence saying how the fit ended and why.
    pub fn message(&self) -> String {
        let stop = self.bfgs_stop.clause(self.max_iters);
        let followed = if self.finishing_steps > 0 {
            format!(
                ", then {} followed",
                plural(self.finishing_steps, "Newton step", "Newton steps")
            )
        } else {
            String::new()
        };
        let tolerance = self.distance_tolerance;
        let estimate = |relation: &str| match self.distance_estimate {
            Some(e) => format!(
                "; the {} at the final point is {}, {relation} the tolerance {}",
                e.kind.describe(),
                two_digits(e.value),
                two_digits(tolerance)
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

/// Compares the analytic gradient at `w` with the objective's independent reference, or with
/// central differences of the value where it has none (step ε^(1/3)·max(1, |wᵢ|) per
/// coordinate, which balances truncation and rounding).
pub fn check_gradient<O: Objective + ?Sized>(objective: &O, w: &[f64]) -> GradientCheck {
    if let Some(reference) = objective.reference_gradient(w) {
        return check_gradient_against(objective, w, &reference);
    }
    let dim = objective.dim();
    let mut analytic = vec![0.0; dim];
    objective.value_and_gradient(w, &mut analytic);
    let mut scratch = vec![0.0; dim];
    let mut point = w.to_vec();
    let mut numeric = vec![0.0; dim];
    for i in 0..dim {
        let h = f64::EPSILON.cbrt() * w[i].abs().max(1.0);
        point[i] = w[i] + h;
        let up_x = point[i];
        let up = objective.value_and_gradient(&point, &mut scratch);
        point[i] = w[i] - h;
        let down_x = point[i];
        let down = objective.value_and_gradient(&point, &mut scratch);
        point[i] = w[i];
        numeric[i] = (up - down) / (up_x - down_x);
    }
    compare(&analytic, &numeric, CheckMethod::CentralDifferences)
}

/// Compares the analytic gradient at `w` with `reference`, a gradient computed elsewhere (the
/// study computes the data part once per data set and adds 2λ·w0 per fit).
pub fn check_gradient_against<O: Objective + ?Sized>(
    objective: &O,
    w: &[f64],
    reference: &[f64],
) -> GradientCheck {
    let mut analytic = vec![0.0; objective.dim()];
    objective.value_and_gradient(w, &mut analytic);
    compare(&analytic, reference, CheckMethod::Reference)
}

fn compare(analytic: &[f64], reference: &[f64], method: CheckMethod) -> GradientCheck {
    let difference: Vec<f64> = if analytic.len() == reference.len() {
        analytic.iter().zip(reference).map(|(a, r)| a - r).collect()
    } else {
        vec![f64::NAN]
    };
    let error = norm2(&difference);
    GradientCheck {
        error,
        relative: error / norm2(analytic).max(1.0),
        tolerance: GRADIENT_CHECK_TOLERANCE,
        method,
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

/// The Euclidean norm, scaled so that squares of huge entries (a gradient of 1e300 with an
/// enormous λ) do not overflow.
fn norm2(v: &[f64]) -> f64 {
    let scale = v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if scale == 0.0 || !scale.is_finite() {
        // NaN.max(0) is 0, so look for NaN separately: a NaN entry is a NaN norm.
        return if v.iter().any(|x| x.is_nan()) {
            f64::NAN
        } else {
            scale
        };
    }
    scale
        * v.iter()
            .map(|x| {
                let r = x / scale;
                r * r
            })
            .sum::<f64>()
            .sqrt()
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

/// Checks the gradient at `w0`, then minimises `objective` by BFGS (argmin, More–Thuente
/// line search, H₀ = I), judged and finished as the module documentation describes.
pub fn minimize_bfgs<O: Objective + ?Sized>(objective: &O, w0: &[f64]) -> Result<FitResult> {
    minimize_bfgs_with(objective, w0, &BfgsOptions::default())
}

/// [`minimize_bfgs`] with explicit [`BfgsOptions`].
pub fn minimize_bfgs_with<O: Objective + ?Sized>(
    objective: &O,
    w0: &[f64],
    options: &BfgsOptions,
) -> Result<FitResult> {
    if w0.len() != objective.dim() {
        return Err(Error::InvalidParameter(format!(
            "the starting point has {} entries, {} expects {}",
            w0.len(),
            objective.name(),
            objective.dim()
        )));
    }
    if w0.iter().any(|v| !v.is_finite()) {
        return Err(Error::InvalidParameter(format!(
            "the starting point {w0:?} is not finite"
        )));
    }
    let dim = objective.dim();
    let h0 = match &options.initial_inverse_hessian {
        Some(h0) if h0.dim() == (dim, dim) && h0.iter().all(|v| v.is_finite()) => h0.clone(),
        Some(h0) => {
            return Err(Error::InvalidParameter(format!(
                "the initial inverse Hessian must be a finite {dim} x {dim} matrix, got {:?}",
                h0.dim()
            )));
        }
        None => Array2::eye(dim),
    };
    let max_iters = options
        .max_iters
        .unwrap_or(MAX_ITERS_PER_PARAMETER * dim as u64);
    let grad_check = match &options.reference_gradient {
        Some(reference) => check_gradient_against(objective, w0, reference),
        None => check_gradient(objective, w0),
    };
    if !grad_check.passed() {
        return Err(Error::GradientCheck {
            objective: objective.name(),
            error: grad_check.error,
            relative: grad_check.relative,
            tolerance: grad_check.tolerance,
        });
    }

    let problem = FusedProblem::new(objective);
    let linesearch = MoreThuenteLineSearch::new();
    // BFGS's own tests are switched off (0); ours decide, in `StoppingRule::terminate`.
    let bfgs = BFGS::new(linesearch)
        .with_tolerance_grad(0.0)
        .and_then(|b| b.with_tolerance_cost(0.0))
        .map_err(|e| Error::Optimizer(e.to_string()))?;
    let solver = StoppingRule::new(bfgs);
    let start = Array1::from(w0.to_vec());
    let result = Executor::new(problem, solver)
        .configure(|state| state.param(start).inv_hessian(h0).max_iters(max_iters))
        .timer(false)
        .run()
        .map_err(|e| Error::Optimizer(e.to_string()))?;

    let solver = result.solver;
    let state = result.state;
    let passes = result
        .problem
        .problem
        .as_ref()
        .map_or(0, |p| p.passes.get());
    let bfgs_stop = match (&solver.stopped, state.get_termination_reason()) {
        (Some(stop), _) => stop.clone(),
        (None, Some(TerminationReason::MaxItersReached)) => BfgsStop::IterationLimit,
        (None, other) => BfgsStop::Breakdown(format!(
            "argmin ended with {:?}",
            other.map(|r| r.text().to_string())
        )),
    };
    let missing = || Error::Optimizer("argmin returned no final state".into());
    let x = state.get_param().cloned().ok_or_else(missing)?;
    let jac = state.get_gradient().cloned().ok_or_else(missing)?;
    let hess_inv = state.get_inv_hessian().cloned().ok_or_else(missing)?;
    // An iteration undone after a breakdown is not counted.
    let bfgs_nit = state.get_iter() - u64::from(solver.undone);
    let quasi_newton_step = hess_inv.dot(&jac).to_vec();
    let end = judge(
        objective,
        Point {
            x: x.to_vec(),
            fun: state.get_cost(),
            jac: jac.to_vec(),
        },
        &quasi_newton_step,
        &bfgs_stop,
        max_iters.saturating_sub(bfgs_nit),
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
    })
}

/// A point with its value and gradient.
struct Point {
    x: Vec<f64>,
    fun: f64,
    jac: Vec<f64>,
}

/// How the judging of BFGS's final point (and any finishing steps) ended.
struct Ending {
    point: Point,
    status: Status,
    estimate: Option<DistanceEstimate>,
    tolerance: f64,
    steps: u64,
    passes: u64,
    hessian_passes: u64,
}

/// Judges the point where BFGS stopped and finishes the fit with Newton steps where the
/// certificate is not met yet (see the module documentation). `quasi_newton_step` is Hₖ·g
/// there, the estimate for objectives without a Hessian; `iterations_left` is what the
/// iteration limit leaves.
fn judge<O: Objective + ?Sized>(
    objective: &O,
    mut point: Point,
    quasi_newton_step: &[f64],
    stop: &BfgsStop,
    iterations_left: u64,
) -> Ending {
    let (mut steps, mut passes, mut hessian_passes) = (0, 0, 0);
    let status = loop {
        let tolerance = DISTANCE_TOLERANCE * max_abs(&point.x).max(1.0);
        let ending = |point, status, estimate| Ending {
            point,
            status,
            estimate,
            tolerance,
            steps,
            passes,
            hessian_passes,
        };
        let finite =
            point.fun.is_finite() && point.x.iter().chain(&point.jac).all(|v| v.is_finite());
        if *stop == BfgsStop::NotFinite || !finite {
            return ending(point, Status::NotFinite, None);
        }
        if let Some(why) = objective.no_minimum_at(&point.x) {
            return ending(point, Status::Unbounded(why), None);
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
        match newton_step_from(objective, &point, &newton_step, &mut passes) {
            Some(next) => {
                point = next;
                steps += 1;
            }
            None => {
                break (
                    Status::PrecisionLoss("a Newton step could not lower the objective".into()),
                    estimate,
                );
            }
        }
    };
    let (status, estimate) = status;
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

/// One damped Newton step: w − α·`step`, halving α from 1 until E drops by the Armijo
/// fraction of what the quadratic model promises. Where that promise is below the rounding of
/// E, values cannot rank the points, and the full step (exact for the quadratic model) is
/// taken. `None` if no α ≥ 1e−10 lowers E.
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
    let resolved = 0.5 * decrement <= 64.0 * f64::EPSILON * from.fun.abs();
    let mut alpha = 1.0;
    while alpha >= 1e-10 {
        let x: Vec<f64> = from
            .x
            .iter()
            .zip(step)
            .map(|(w, s)| w - alpha * s)
            .collect();
        let mut jac = vec![0.0; x.len()];
        let fun = objective.value_and_gradient(&x, &mut jac);
        *passes += 1;
        if resolved || fun <= from.fun - 1e-4 * alpha * decrement {
            return Some(Point { x, fun, jac });
        }
        alpha *= 0.5;
    }
    None
}

/// Presents an [`Objective`] to argmin. argmin asks for the value and the gradient in
/// separate calls, usually at the same point; the last point's pair is kept, so a value
/// and a gradient at one point cost one pass over the data.
struct FusedProblem<'o, O: ?Sized> {
    objective: &'o O,
    last: RefCell<Option<(Param, f64, Param)>>,
    passes: Cell<u64>,
}

impl<'o, O: Objective + ?Sized> FusedProblem<'o, O> {
    fn new(objective: &'o O) -> Self {
        FusedProblem {
            objective,
            last: RefCell::new(None),
            passes: Cell::new(0),
        }
    }

    fn evaluate(&self, w: &Param) -> (f64, Param) {
        if let Some((point, value, grad)) = self.last.borrow().as_ref()
            && point.iter().zip(w).all(|(a, b)| a.to_bits() == b.to_bits())
        {
            return (*value, grad.clone());
        }
        let mut grad = Array1::zeros(w.len());
        let value = match (w.as_slice(), grad.as_slice_mut()) {
            (Some(point), Some(out)) => self.objective.value_and_gradient(point, out),
            _ => {
                let point = w.to_vec();
                let mut out = vec![0.0; w.len()];
                let value = self.objective.value_and_gradient(&point, &mut out);
                grad = Array1::from(out);
                value
            }
        };
        self.passes.set(self.passes.get() + 1);
        *self.last.borrow_mut() = Some((w.clone(), value, grad.clone()));
        (value, grad)
    }
}

impl<O: Objective + ?Sized> CostFunction for FusedProblem<'_, O> {
    type Param = Param;
    type Output = f64;

    fn cost(&self, w: &Param) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.evaluate(w).0)
    }
}

impl<O: Objective + ?Sized> Gradient for FusedProblem<'_, O> {
    type Param = Param;
    type Gradient = Param;

    fn gradient(&self, w: &Param) -> std::result::Result<Param, argmin::core::Error> {
        Ok(self.evaluate(w).1)
    }
}

/// Wraps argmin's BFGS to apply the stopping rules of this module, and to turn a breakdown
/// (an error from the line search, a step that does not lower E, lost curvature, a
/// non-finite value) into a reported stop on the last good iterate instead of an error that
/// would throw the iterate away.
struct StoppingRule<S> {
    inner: S,
    stopped: Option<BfgsStop>,
    undone: bool,
}

impl<S> StoppingRule<S> {
    fn new(inner: S) -> Self {
        StoppingRule {
            inner,
            stopped: None,
            undone: false,
        }
    }

    fn rule_holds(state: &BfgsState) -> Option<StopRule> {
        let (w, g, h) = (
            state.get_param()?,
            state.get_gradient()?,
            state.get_inv_hessian()?,
        );
        let step = h.dot(g);
        if array_max_abs(&step) <= STEP_TOLERANCE * array_max_abs(w).max(1.0) {
            return Some(StopRule::Step);
        }
        let promised = 0.5 * g.dot(&step);
        let resolution = RESOLUTION_ULPS * f64::EPSILON * state.get_cost().abs();
        if (0.0..=resolution).contains(&promised) {
            return Some(StopRule::Resolution);
        }
        (array_max_abs(g) <= GRADIENT_TOLERANCE).then_some(StopRule::Gradient)
    }
}

fn array_max_abs(v: &Param) -> f64 {
    v.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

/// `after` with its inverse-Hessian estimate recomputed from `before`'s by the BFGS formula
/// H₁ = (I − ρ·s·yᵀ)·H₀·(I − ρ·y·sᵀ) + ρ·s·sᵀ, ρ = 1/(yᵀs), in plain loops.
///
/// argmin forms the two matrix products with ndarray, which hands them to `matrixmultiply`;
/// that crate picks a fused multiply-add kernel or another by the CPU it runs on, so the
/// last bits of H, and from there every later iterate, would depend on the machine. The
/// loops here do the same arithmetic in a fixed order with separate roundings.
fn portable_update(before: &BfgsState, after: BfgsState) -> BfgsState {
    let (Some(x0), Some(g0), Some(h0), Some(x1), Some(g1)) = (
        before.get_param(),
        before.get_gradient(),
        before.get_inv_hessian(),
        after.get_param(),
        after.get_gradient(),
    ) else {
        // `breakdown` reports a state this incomplete.
        return after;
    };
    let s = x1 - x0;
    let y = g1 - g0;
    let rho = 1.0 / y.dot(&s);
    let n = s.len();
    // Left and right factors, as argmin builds them: I − (s·yᵀ)·ρ and its transpose.
    let left = Array2::from_shape_fn((n, n), |(i, j)| {
        f64::from(u8::from(i == j)) - s[i] * y[j] * rho
    });
    let right = left.t().to_owned();
    let product = |a: &Array2<f64>, b: &Array2<f64>| {
        Array2::from_shape_fn((n, n), |(i, j)| {
            (0..n).fold(0.0, |sum, k| sum + a[(i, k)] * b[(k, j)])
        })
    };
    let middle = product(h0, &right);
    let mut h1 = product(&left, &middle);
    for ((i, j), value) in h1.indexed_iter_mut() {
        *value += s[i] * s[j] * rho;
    }
    after.inv_hessian(h1)
}

/// Why a step from `before` to `after` cannot be kept, if it cannot.
fn breakdown(before: &BfgsState, after: &BfgsState) -> Option<BfgsStop> {
    let (Some(x0), Some(x1)) = (before.get_param(), after.get_param()) else {
        return Some(BfgsStop::Breakdown("the solver lost its iterate".into()));
    };
    let (Some(g0), Some(g1), Some(h)) = (
        before.get_gradient(),
        after.get_gradient(),
        after.get_inv_hessian(),
    ) else {
        return Some(BfgsStop::Breakdown("the solver lost its gradient".into()));
    };
    let finite = |a: &Param| a.iter().all(|v| v.is_finite());
    if !(after.get_cost().is_finite() && finite(x1) && finite(g1)) {
        return Some(BfgsStop::NotFinite);
    }
    if after.get_cost() > before.get_cost() {
        return Some(BfgsStop::Breakdown(
            "the line search returned a point with a higher objective".into(),
        ));
    }
    let s = x1 - x0;
    let y = g1 - g0;
    if s.iter().all(|v| *v == 0.0) {
        return Some(BfgsStop::Breakdown("the line search could not move".into()));
    }
    let curvature = y.dot(&s);
    if curvature.is_nan() || curvature <= 0.0 || !h.iter().all(|v| v.is_finite()) {
        return Some(BfgsStop::Breakdown(
            "the curvature condition y's > 0 failed, so the inverse-Hessian update is undefined"
                .into(),
        ));
    }
    None
}

impl<O, S> Solver<O, BfgsState> for StoppingRule<S>
where
    S: Solver<O, BfgsState>,
{
    fn name(&self) -> &str {
        "BFGS"
    }

    fn init(
        &mut self,
        problem: &mut Problem<O>,
        state: BfgsState,
    ) -> std::result::Result<(BfgsState, Option<KV>), argmin::core::Error> {
        let (state, kv) = self.inner.init(problem, state)?;
        let gradient_finite = state
            .get_gradient()
            .is_some_and(|g| array_max_abs(g).is_finite());
        if !(state.get_cost().is_finite() && gradient_finite) {
            self.stopped = Some(BfgsStop::NotFinite);
        }
        Ok((state, kv))
    }

    fn next_iter(
        &mut self,
        problem: &mut Problem<O>,
        state: BfgsState,
    ) -> std::result::Result<(BfgsState, Option<KV>), argmin::core::Error> {
        let before = state.clone();
        let failure = match self.inner.next_iter(problem, state) {
            Ok((after, kv)) => {
                let after = portable_update(&before, after);
                match breakdown(&before, &after) {
                    None => return Ok((after, kv)),
                    Some(status) => status,
                }
            }
            Err(e) => BfgsStop::Breakdown(format!("the line search failed ({e})")),
        };
        self.stopped = Some(failure);
        self.undone = true;
        Ok((before, None))
    }

    fn terminate(&mut self, state: &BfgsState) -> TerminationStatus {
        if self.stopped.is_some() {
            return TerminationStatus::Terminated(TerminationReason::SolverExit("stopped".into()));
        }
        match Self::rule_holds(state) {
            Some(rule) => {
                self.stopped = Some(BfgsStop::Rule(rule));
                TerminationStatus::Terminated(TerminationReason::SolverConverged)
            }
            None => TerminationStatus::NotTerminated,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::OptimizerDemo;

    /// A gradient that is wrong by a constant.
    struct WrongGradient;

    impl Objective for WrongGradient {
        fn dim(&self) -> usize {
            2
        }
        fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
            grad[0] = 2.0 * w[0] + 0.01;
            grad[1] = 2.0 * w[1];
            w[0] * w[0] + w[1] * w[1]
        }
        fn name(&self) -> String {
            "a paraboloid with a wrong gradient".into()
        }
    }

    /// Rosenbrock's valley: BFGS needs dozens of iterations.
    struct Rosenbrock;

    impl Objective for Rosenbrock {
        fn dim(&self) -> usize {
            2
        }
        fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
            let (a, b) = (w[0], w[1]);
            grad[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
            grad[1] = 200.0 * (b - a * a);
            (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
        }
        fn name(&self) -> String {
            "Rosenbrock".into()
        }
    }

    #[test]
    fn optimizer_demo_finds_x_equals_one() {
        let fit = minimize_bfgs(&OptimizerDemo, &[3.0]).unwrap();
        assert!(fit.success(), "{}", fit.message());
        assert!((fit.x[0] - 1.0).abs() < 1e-10, "{}", fit.x[0]);
        assert!((fit.fun + 1.0).abs() < 1e-15);
        assert!(fit.grad_check.error < 1e-6);
        assert_eq!(fit.grad_check.method, CheckMethod::Reference);
        let estimate = fit.distance_estimate.unwrap();
        assert_eq!(estimate.kind, EstimateKind::ExactNewton);
        assert!(estimate.value <= fit.distance_tolerance);
        assert!(
            fit.message().starts_with("Converged: "),
            "{}",
            fit.message()
        );
    }

    #[test]
    fn a_wrong_gradient_is_refused_before_fitting() {
        let err = minimize_bfgs(&WrongGradient, &[1.0, 1.0]).unwrap_err();
        assert!(matches!(err, Error::GradientCheck { .. }), "{err}");
        assert!(err.to_string().contains("gradient check failed"));
    }

    /// The logistic loss with a gradient that is wrong by a little in one component.
    struct SlightlyWrong<'a>(crate::model::LogisticObjective<'a>);

    impl Objective for SlightlyWrong<'_> {
        fn dim(&self) -> usize {
            3
        }
        fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
            let value = self.0.value_and_gradient(w, grad);
            grad[2] *= 1.0 + 1e-5;
            value
        }
        fn name(&self) -> String {
            "the logistic loss with a scaled gradient".into()
        }
        fn reference_gradient(&self, w: &[f64]) -> Option<Vec<f64>> {
            self.0.reference_gradient(w)
        }
    }

    #[test]
    fn the_independent_reference_catches_a_wrong_logistic_gradient() {
        let data = crate::data::Dataset::fuzzy(500, &mut crate::data::study_rng(0)).unwrap();
        let objective = crate::model::LogisticObjective::new(&data, 0.1).unwrap();
        let right = check_gradient(&objective, &[2.0, 1.5, -2.0]);
        assert!(right.passed() && right.relative < 1e-12, "{right:?}");
        assert_eq!(right.method, CheckMethod::Reference);
        let err = minimize_bfgs(&SlightlyWrong(objective), &[2.0, 1.5, -2.0]).unwrap_err();
        assert!(matches!(err, Error::GradientCheck { .. }), "{err}");
    }

    #[test]
    fn running_out_of_iterations_is_not_success() {
        // Rosenbrock from (−1.2, 1) needs ~35 iterations; with 200 per parameter it converges,
        // and the same problem in 1 iteration must say it stopped.
        let fit = minimize_bfgs(&Rosenbrock, &[-1.2, 1.0]).unwrap();
        assert!(fit.success(), "{}", fit.message());
        assert!((fit.x[0] - 1.0).abs() < 1e-6 && (fit.x[1] - 1.0).abs() < 1e-6);

        let options = BfgsOptions {
            max_iters: Some(3),
            ..BfgsOptions::default()
        };
        let stopped = minimize_bfgs_with(&Rosenbrock, &[-1.2, 1.0], &options).unwrap();
        assert_eq!(stopped.status, Status::MaxIterations);
        assert!(!stopped.success());
        assert_eq!(stopped.status.code(), 1);
        assert_eq!(stopped.nit, 3);
        assert!(
            stopped
                .message()
                .starts_with("Stopped: the iteration limit (3)"),
            "{}",
            stopped.message()
        );
    }

    /// A bowl with its Hessian, so that a fit can be finished with Newton steps.
    struct Bowl;

    impl Objective for Bowl {
        fn dim(&self) -> usize {
            2
        }
        fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
            // Very different curvatures: along w1 a gradient of 6e−10 is still 3 away from
            // the optimum at (0, 3).
            grad[0] = 2.0 * w[0];
            grad[1] = 2e-10 * (w[1] - 3.0);
            w[0] * w[0] + 1e-10 * (w[1] - 3.0) * (w[1] - 3.0)
        }
        fn name(&self) -> String {
            "an elongated bowl".into()
        }
        fn second_order(&self, w: &[f64]) -> Option<crate::model::SecondOrder> {
            let mut gradient = vec![0.0; 2];
            let value = self.value_and_gradient(w, &mut gradient);
            let newton_step = Some(vec![gradient[0] / 2.0, gradient[1] / 2e-10]);
            Some(crate::model::SecondOrder {
                value,
                gradient,
                newton_step,
            })
        }
    }

    #[test]
    fn a_tiny_gradient_alone_is_not_success_and_newton_steps_finish_the_fit() {
        // From (1, 0) BFGS's first line search lands near (0, 0), where the gradient and
        // BFGS's step are below 1e−9: its rules stop it 3 away from the optimum. The exact
        // Newton step sees the distance, and one Newton step removes it.
        let fit = minimize_bfgs(&Bowl, &[1.0, 0.0]).unwrap();
        assert!(fit.success(), "{}", fit.message());
        assert!(fit.finishing_steps >= 1, "{}", fit.message());
        assert!(
            (fit.x[1] - 3.0).abs() <= fit.distance_tolerance,
            "{:?}",
            fit.x
        );
        assert!(fit.nhev >= 1);
        assert!(fit.nit >= fit.finishing_steps);
        assert!(fit.nfev >= fit.nhev);
    }

    /// A paraboloid so steep that squaring its gradient overflows.
    struct Steep;

    impl Objective for Steep {
        fn dim(&self) -> usize {
            2
        }
        fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
            grad[0] = 2e300 * w[0];
            grad[1] = 2e300 * w[1];
            1e300 * (w[0] * w[0] + w[1] * w[1])
        }
        fn name(&self) -> String {
            "a steep paraboloid".into()
        }
    }

    #[test]
    fn the_gradient_check_does_not_overflow_on_huge_gradients() {
        let check = check_gradient(&Steep, &[1.0, -1.0]);
        assert!(
            check.error.is_finite() && check.relative < 1e-6,
            "{check:?}"
        );
    }

    #[test]
    fn bad_starting_points_are_errors() {
        assert!(minimize_bfgs(&OptimizerDemo, &[1.0, 2.0]).is_err());
        assert!(minimize_bfgs(&OptimizerDemo, &[f64::NAN]).is_err());
    }

    #[test]
    fn status_codes_follow_scipy_and_add_unbounded() {
        assert_eq!(Status::Converged.code(), 0);
        assert_eq!(Status::MaxIterations.code(), 1);
        assert_eq!(Status::PrecisionLoss(String::new()).code(), 2);
        assert_eq!(Status::NotFinite.code(), 3);
        assert_eq!(Status::Unbounded(String::new()).code(), 4);
        assert!(Status::Converged.success());
        for failure in [
            Status::MaxIterations,
            Status::PrecisionLoss(String::new()),
            Status::NotFinite,
            Status::Unbounded(String::new()),
        ] {
            assert!(!failure.success());
        }
    }

    #[test]
    fn the_portable_update_satisfies_the_secant_equation() {
        let h0 = ndarray::arr2(&[[2.0, 0.3, -0.1], [0.3, 1.0, 0.2], [-0.1, 0.2, 0.5]]);
        let state = |x: [f64; 3], g: [f64; 3]| {
            BfgsState::new()
                .param(Array1::from(x.to_vec()))
                .gradient(Array1::from(g.to_vec()))
                .inv_hessian(h0.clone())
        };
        let before = state([1.0, 2.0, 3.0], [0.5, -0.25, 1.0]);
        let after = portable_update(&before, state([0.9, 2.2, 2.7], [0.1, 0.05, 0.4]));
        let h1 = after.get_inv_hessian().unwrap();
        let s = Array1::from(vec![0.9 - 1.0, 2.2 - 2.0, 2.7 - 3.0]);
        let y = Array1::from(vec![0.1 - 0.5, 0.05 + 0.25, 0.4 - 1.0]);
        // BFGS's defining property: the new estimate maps y to s.
        let mapped = h1.dot(&y);
        for k in 0..3 {
            assert!((mapped[k] - s[k]).abs() < 1e-14, "{mapped} vs {s}");
        }
        assert!((h1 - &h1.t()).iter().all(|d| d.abs() < 1e-15), "symmetric");
    }

    #[test]
    fn a_nan_gradient_fails_the_check() {
        let check = compare(&[1.0, f64::NAN], &[1.0, 2.0], CheckMethod::Reference);
        assert!(!check.passed(), "{check:?}");
    }
}
