//! What the model refuses: a regularisation strength that is not one.

/// A value the model cannot be built with.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The regularisation strength is negative, NaN or infinite.
    #[error("lambda must be a finite number >= 0, got {}", crate::numbers::short(*.0))]
    InvalidLambda(f64),
}
