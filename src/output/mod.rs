//! The output folder: which files in it the tool owns, and how a new report takes the old
//! one's place without touching anything else.
//!
//! # What is guaranteed
//!
//! - **Ownership.** The tool writes into a folder only when it does not exist, is empty, or
//!   is a report of this tool: its `results.json` names `logreg-report` and lists the files
//!   that run wrote (the [`Manifest`]). Any other folder is refused before a byte changes.
//! - **Only its own files.** A run replaces or deletes only files listed by the previous
//!   report's manifest. Everything else in the folder (a `CNAME`, `extra/notes.md`, symbolic
//!   links, …) is carried into the new report as a second name of the same file (a hard link;
//!   a copy where the file system has none), so its bytes never move. A file of the user's
//!   standing where the report writes one stops the run instead.
//! - **All or nothing.** The new report is built in a staging folder beside the output folder
//!   and takes its place in one atomic exchange of names (`renameat2(RENAME_EXCHANGE)` on
//!   Linux, `renameatx_np(RENAME_SWAP)` on macOS; two renames elsewhere), so at every instant the folder's name holds either the whole previous report or
//!   the whole new one, the user's files in both. A failure before the exchange leaves the
//!   folder as it was and reports an error; a problem after it (the previous report could not
//!   be removed) is a warning of a run that succeeded.
//! - **No debris.** SIGINT, SIGTERM and SIGHUP remove the staging folder on the way out; after
//!   a `kill -9`, the next run in the same parent folder removes it, once its lock shows that
//!   no live run owns it (see `staging`). Parent folders a failed run made are removed.
//! - **Same folder checked and written.** After its checks, a write works from opened
//!   folders (`handle`): the folder that holds the output folder is opened with no link at
//!   any level, and every name below it is reached from an opened folder without following
//!   one. A folder swapped for a link meanwhile stops the write or is carried as the link it
//!   is; it never sends a file, a second name or a removal elsewhere.

pub mod artifact;
mod baseline;
mod committed;
mod compare;
mod error;
pub(crate) mod fsx;
pub(crate) mod handle;
pub(crate) use manifest::SNIFF_BYTES;
mod layout;
mod manifest;
mod staging;
mod sweep;
mod target;
mod write;

pub use artifact::{Artifact, Body, Ledger, Made, Pieces};
pub use baseline::Baseline;
pub use committed::{Committed, MAX_COMMITTED_BYTES};
pub use compare::{FileVerdict, Verdict, compare, verdicts};
pub use error::{MakeError, OutputError};
pub use fsx::folder_of;
pub use manifest::{
    Foreign, Kind, MAX_MANIFEST_FILES, MAX_RESULTS_BYTES, Manifest, RESULTS, REVIEW, TOOL,
    is_plain_relative,
};
pub use staging::install_signal_cleanup;
pub use target::{Existing, Target, resolve_lenient};
pub use write::{ready, write};

#[cfg(test)]
mod tests;
