//! What can stop a write or a comparison of the output folder: a path that is not a folder
//! of the tool's, something of the user's in the way, or the file system saying no.

use std::io;
use std::path::{Path, PathBuf};

use super::manifest::{Foreign, Kind};

/// Why the output folder could not be written or compared, each with a message fit for one
/// line on stderr (the command line adds the flag the path came from).
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The output path exists and is not a folder.
    #[error("{}: exists and is {kind}, not a folder", path.display())]
    NotAFolder {
        /// The path as given.
        path: PathBuf,
        /// What it is instead ("a file", "a FIFO", …).
        kind: &'static str,
    },
    /// The output path is a symbolic link to nothing.
    #[error("{}: is a symbolic link to {}, which does not exist", path.display(), target.display())]
    DanglingLink {
        /// The link.
        path: PathBuf,
        /// Where it points.
        target: PathBuf,
    },
    /// A folder with files in it that is not a report (or review folder) of this tool:
    /// never written to.
    #[error(
        "{}: the folder is not empty and is not a {noun} of logreg-report ({why}); \
         nothing was changed: choose a new or empty folder, or a {noun} this tool wrote",
        path.display(), noun = kind.noun(), why = reason.describe(*kind)
    )]
    NotAReport {
        /// The folder as given.
        path: PathBuf,
        /// The kind of folder it should have been.
        kind: Kind,
        /// Why it is not one.
        reason: Foreign,
    },
    /// There is no report to compare with.
    #[error("{}: there is no report of logreg-report here to compare with", path.display())]
    NoReport {
        /// The folder as given.
        path: PathBuf,
    },
    /// A file or folder the tool did not write stands where the report writes a file.
    #[error(
        "{}: logreg-report did not write this, but the report writes a file here; \
         nothing was changed: move it away and run again",
        path.display()
    )]
    InTheWay {
        /// The path in the way.
        path: PathBuf,
    },
    /// A folder of the report (or the folder that holds it) may not be changed by this
    /// process, so the report in it cannot be replaced: found before anything was written.
    #[error(
        "{}: {source}: the {noun} here cannot be replaced, since its folders must be writable; \
         nothing was changed",
        path.display(), noun = kind.noun()
    )]
    Unwritable {
        /// The folder.
        path: PathBuf,
        /// The kind of folder being replaced.
        kind: Kind,
        /// The operating system's reason (`Permission denied`, `Read-only file system`).
        source: io::Error,
    },
    /// A symbolic link stands where the report writes a file (or needs a folder): links are
    /// the user's, and the tool neither replaces nor follows them.
    #[error(
        "{}: is a symbolic link, and the report writes a file here; links are never replaced \
         or followed, so nothing was changed: remove the link (its target is yours) and run again",
        path.display()
    )]
    LinkInTheWay {
        /// The link.
        path: PathBuf,
    },
    /// A user's file in the previous report could not be carried into the new one.
    #[error("{}: could not keep this file in the new report: {source}", path.display())]
    KeepUserFile {
        /// The user's file.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// A folder on the way to the output folder (or the output folder itself) was missing and
    /// could not be made.
    #[error(
        "{}: could not make the folder {} ({source}); nothing was changed",
        path.display(), folder.display()
    )]
    CannotMake {
        /// The output folder, as given.
        path: PathBuf,
        /// The folder that could not be made.
        folder: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// A folder on the way to the output folder, or the output folder itself, was swapped
    /// (for a symbolic link, or anything else) after it was checked: the write stops there.
    #[error(
        "{}: changed while it was being written (a folder on the way is now a symbolic link \
         or something else); nothing was changed: look at it, then run again",
        path.display()
    )]
    Changed {
        /// The folder.
        path: PathBuf,
    },
    /// The folder being written is (now) inside a folder it must keep out of (a review's
    /// folder and its baseline), as found on the folder actually opened.
    #[error(
        "{}: is inside {}, which this write never changes; nothing was changed: choose a \
         folder outside it",
        path.display(), apart.display()
    )]
    Inside {
        /// The folder being written, as given.
        path: PathBuf,
        /// The folder it must keep out of.
        apart: PathBuf,
    },
    /// The root folder cannot be replaced.
    #[error("{}: the root folder cannot hold a report", path.display())]
    RootOutput {
        /// The path.
        path: PathBuf,
    },
    /// A file whose bytes are made from the others (the page, `results.json`) could not be
    /// made; the message is that of the stage that makes it.
    #[error("{0}")]
    Made(MakeError),
    /// A report could not be read from git (`REV`, and why).
    #[error("{rev}: {reason}")]
    Committed {
        /// The revision as the user named it.
        rev: String,
        /// Why, in words.
        reason: String,
    },
    /// A signal is ending the run; its staging folder is being removed.
    #[error("interrupted")]
    Interrupted,
}

/// Why a file made from the others could not be made: the error of whoever makes it.
pub type MakeError = Box<dyn std::error::Error + Send + Sync>;

/// Turns an I/O error on `path` into an [`OutputError::Io`].
pub(crate) fn io_error(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_path_buf(),
        source,
    }
}
