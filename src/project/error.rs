//! What can stop a project from being read: its file, a line of it, or a value a flag gave.

use std::path::PathBuf;

use super::keys::{Key, Place};
use crate::error::Error;

/// Why a project cannot be used, each with a message fit for one line on stderr.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    /// The project file cannot be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The file, as named.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// Something other than a file stands where the project file should be.
    #[error("{}: is {kind}, not a project file", path.display())]
    NotAFile {
        /// The path, as named.
        path: PathBuf,
        /// What stands there.
        kind: &'static str,
    },
    /// A line of the project file that cannot be taken: TOML that does not parse, an unknown
    /// key, a value of the wrong type, or a value the run cannot take.
    #[error("{place}: {}{message}", key.as_ref().map(|k| format!("{k}: ")).unwrap_or_default())]
    File {
        /// Where.
        place: Place,
        /// The key, dotted (`review.tolerance`), when the place is in one.
        key: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// A value the environment gives that the run cannot take (`SOURCE_DATE_EPOCH`).
    #[error(transparent)]
    Environment(crate::config::ConfigError),
    /// A value given on the command line that the run cannot take: the error as the stage
    /// that checks it words it, for the command line to name its flag.
    #[error("{error}")]
    CommandLine {
        /// The key the flag sets.
        key: Key,
        /// Why the value was refused.
        error: Box<Error>,
    },
}
