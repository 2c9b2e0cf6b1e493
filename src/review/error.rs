//! What can stop a review: a tolerance out of range, its page that cannot be rendered, a file
//! that cannot be written, or the baseline that cannot be read.

use std::path::PathBuf;

use crate::output::OutputError;

/// Which tolerance a value was given for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tolerance {
    /// The largest RMS of a figure's pixels that passes.
    Rms,
    /// The YIQ threshold past which a pixel counts as different.
    Threshold,
    /// The largest relative change of a number that counts as none.
    Numbers,
}

impl Tolerance {
    /// What the value is.
    pub fn describe(self) -> &'static str {
        match self {
            Tolerance::Rms => "the RMS tolerance",
            Tolerance::Threshold => "the pixel threshold",
            Tolerance::Numbers => "the number tolerance",
        }
    }

    /// `value`, if it is one this tolerance can take ([`Tolerance::rule`]).
    pub fn check(self, value: f64) -> Result<f64, ReviewError> {
        let ok = match self {
            Tolerance::Threshold => (0.0..=1.0).contains(&value),
            Tolerance::Rms | Tolerance::Numbers => value.is_finite() && value >= 0.0,
        };
        ok.then_some(value)
            .ok_or(ReviewError::BadTolerance { what: self, value })
    }

    /// What it must be.
    pub fn rule(self) -> &'static str {
        match self {
            Tolerance::Threshold => "a number from 0 to 1",
            Tolerance::Rms | Tolerance::Numbers => "a finite number >= 0",
        }
    }
}

/// Why a review could not be made, each with a message fit for one line on stderr (the
/// command line adds the flag a value or path came from).
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// A review tolerance outside its range.
    #[error("{} must be {}, got {}", what.describe(), what.rule(), crate::numbers::short(*value))]
    BadTolerance {
        /// Which tolerance.
        what: Tolerance,
        /// The value given.
        value: f64,
    },
    /// The review page's template could not be rendered.
    #[error("template: {0}")]
    Template(String),
    /// A file of the review could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A file a review was asked to write beside its folder (`--junit`, `--markdown`) would
    /// destroy something of the user's, or cannot be written there.
    #[error("{}: {reason}; nothing was changed: {advice}", path.display())]
    Sidecar {
        /// The path as given.
        path: PathBuf,
        /// Why it is refused.
        reason: String,
        /// A path that would be accepted.
        advice: String,
    },
    /// The baseline or the review folder could not be read or written.
    #[error(transparent)]
    Output(#[from] OutputError),
}
