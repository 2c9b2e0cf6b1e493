//! What stops the study: nothing to compare on the separable data, data that cannot be
//! drawn, or a fit that cannot start.

use crate::data::DataError;
use crate::fit::FitError;

/// Why the study could not run; the messages are those of the stage that failed.
#[derive(Debug, thiserror::Error)]
pub enum StudyError {
    /// There are no strengths to fit the separable data with.
    #[error("at least one lambda is needed for the separable fits")]
    NoLambdas,
    /// A data set could not be drawn.
    #[error(transparent)]
    Data(#[from] DataError),
    /// A fit could not start or run.
    #[error(transparent)]
    Fit(#[from] FitError),
}
