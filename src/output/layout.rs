//! What a staging folder holds, by name: the prefix every staging folder's name starts with,
//! the lock file and what it records, and the folders inside. The staging code makes them;
//! the sweep reads them to tell an abandoned staging folder of this tool from anything else.

use std::ffi::OsString;

use serde::{Deserialize, Serialize};

/// The start of every staging folder's name.
pub(crate) const PREFIX: &str = ".logreg-report-staging-";
/// The lock file inside a staging folder.
pub(crate) const LOCK: &str = "lock";
/// The folder inside a staging folder that becomes (or was) the report.
pub(crate) const REPORT: &str = "report";
/// Where the previous report is moved where no atomic exchange exists.
pub(crate) const PREVIOUS: &str = "previous";

/// What the lock file records.
#[derive(Serialize, Deserialize)]
pub(crate) struct LockRecord {
    pub tool: String,
    pub pid: u32,
    /// The output folder's name in the same parent folder.
    pub target: OsString,
    /// (device, inode) of the staged `report/` folder when it was made, so that a clean-up can
    /// tell whether `report/` still holds the new report or, after the swap, the old one.
    pub staged: (u64, u64),
}
