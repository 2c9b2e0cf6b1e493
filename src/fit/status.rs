//! How a fit ended: the statuses (SciPy's codes and our own), which of BFGS's rules stopped
//! it, and the estimate of the distance to the optimum that decides success.

use super::rules::{GRADIENT_TOLERANCE, STEP_TOLERANCE};

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
