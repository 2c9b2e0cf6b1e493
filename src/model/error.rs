//! What the model refuses: a regularisation strength that is not one.

/// A value the model cannot be built with.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The regularisation strength is negative, NaN, infinite or above the largest one a fit
    /// is made with.
    #[error(
        "lambda must be a number from 0 to {}, got {}",
        crate::numbers::short(*.max),
        crate::numbers::short(*.got)
    )]
    InvalidLambda {
        /// The value given.
        got: f64,
        /// The largest strength allowed (the model's `MAX_LAMBDA`).
        max: f64,
    },
}
