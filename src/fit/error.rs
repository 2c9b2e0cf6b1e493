//! What stops a fit from starting or running: a starting point or initial inverse Hessian
//! that does not fit the objective, a gradient that fails its check, or argmin refusing.

/// A fit that could not be made, each with a message fit for one line on stderr. A fit that
/// runs and does not converge is no error: its status says so.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// A starting point of the wrong length for its objective.
    #[error("the starting point has {len} entries, {objective} expects {expected}")]
    StartingPointLength {
        /// Entries given.
        len: usize,
        /// Entries expected.
        expected: usize,
        /// The objective's name.
        objective: String,
    },
    /// A starting point with a NaN or infinite entry.
    #[error("the starting point {start:?} is not finite")]
    StartingPointNotFinite {
        /// The starting point.
        start: Vec<f64>,
    },
    /// An initial inverse Hessian of the wrong shape or with non-finite entries.
    #[error(
        "the initial inverse Hessian must be a finite {dim} x {dim} matrix, got {rows} x {cols}"
    )]
    InitialInverseHessian {
        /// Rows given.
        rows: usize,
        /// Columns given.
        cols: usize,
        /// The objective's dimension.
        dim: usize,
    },
    /// The analytic gradient disagrees with its independent reference.
    #[error(
        "gradient check failed for {objective}: |analytic - reference| = {error:.3e} \
         (relative {relative:.3e}, allowed {tolerance:.0e})"
    )]
    GradientCheck {
        /// Which objective was checked.
        objective: String,
        /// Euclidean norm of the difference, as scipy's `check_grad` reports it.
        error: f64,
        /// The error relative to max(1, |analytic gradient|).
        relative: f64,
        /// The largest relative error accepted.
        tolerance: f64,
    },
    /// argmin refused to set up or run the solver.
    #[error("optimizer error: {0}")]
    Optimizer(String),
}

impl FitError {
    /// Refuses a starting point with a NaN or infinite entry, whichever method it starts.
    pub fn check_start(start: &[f64]) -> Result<(), FitError> {
        match start.iter().all(|v| v.is_finite()) {
            true => Ok(()),
            false => Err(FitError::StartingPointNotFinite {
                start: start.to_vec(),
            }),
        }
    }
}
