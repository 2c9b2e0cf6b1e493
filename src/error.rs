//! Every stage's error, composed for callers of the library. Each stage owns its error type
//! and names only what it knows (the data its [`DataError`], the output folder its
//! [`OutputError`], …); this type wraps them without changing a word of their messages, and
//! adds what only the run as a whole can fail with.

use crate::config::ConfigError;
use crate::data::DataError;
use crate::figures::FigureError;
use crate::fit::FitError;
use crate::memory::Shortfall;
use crate::model::ModelError;
use crate::output::OutputError;
use crate::report::ReportError;
use crate::review::ReviewError;
use crate::study::StudyError;

/// Everything that can go wrong in the library, each with a message fit for one line on
/// stderr.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value the user gave (`config`).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A data set that cannot be made or read (`data`).
    #[error(transparent)]
    Data(#[from] DataError),
    /// A value the model cannot take (`model`).
    #[error(transparent)]
    Model(#[from] ModelError),
    /// A fit that cannot start or run (`fit`).
    #[error(transparent)]
    Fit(#[from] FitError),
    /// The study as a whole (`study`).
    #[error(transparent)]
    Study(#[from] StudyError),
    /// A figure that cannot be drawn (`figures`).
    #[error(transparent)]
    Figure(#[from] FigureError),
    /// The report's files (`report`).
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The output folder (`output`).
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A review (`review`).
    #[error(transparent)]
    Review(#[from] ReviewError),
    /// The run would need more memory than the system allows it.
    #[error("not enough memory for N = {n}: {shortfall}")]
    OutOfMemory {
        /// Points per data set asked for.
        n: usize,
        /// What the run needs and what limits it.
        shortfall: Shortfall,
    },
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
