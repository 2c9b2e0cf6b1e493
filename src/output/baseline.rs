//! What a run is compared with: a report folder on disk, or a report committed in git. Both
//! answer the same questions (which files its run wrote, what stands at a path, its bytes),
//! so `--check` and the review read either the same way.

use std::io::{self, Cursor};
use std::path::Path;

use super::committed::{Blob, Committed};
use super::fsx::{self, Opened};
use super::handle::read_up_to;
use super::target::{Existing, Target};

/// A report to compare a run with.
#[derive(Clone, Debug)]
pub enum Baseline {
    /// A folder on disk (never written by a comparison).
    Folder(Target),
    /// A report read from a commit, held in memory.
    Committed(Committed),
}

impl Baseline {
    /// What stood there when it was read.
    pub fn existing(&self) -> &Existing {
        match self {
            Baseline::Folder(target) => target.existing(),
            Baseline::Committed(committed) => &committed.existing,
        }
    }

    /// The baseline as the user named it: the folder, or `REV:folder/`.
    pub fn label(&self) -> String {
        match self {
            Baseline::Folder(target) => target.given().display().to_string(),
            Baseline::Committed(committed) => committed.label(),
        }
    }

    /// The folder on disk, for a baseline that is one.
    pub fn folder(&self) -> Option<&Target> {
        match self {
            Baseline::Folder(target) => Some(target),
            Baseline::Committed(_) => None,
        }
    }

    /// The path to name in an error about the baseline as a whole.
    pub(crate) fn given(&self) -> &Path {
        match self {
            Baseline::Folder(target) => target.given(),
            Baseline::Committed(_) => Path::new("."),
        }
    }

    /// Opens the file at `path` ('/'-separated, inside the report): a link is never followed
    /// and a special file never opened.
    pub(crate) fn open(&self, path: &str) -> io::Result<Opened> {
        match self {
            Baseline::Folder(target) => fsx::open_inside(target.path(), path),
            Baseline::Committed(committed) => Ok(match committed.files.get(path) {
                // As on disk: a link or submodule committed where a folder is needed makes
                // nothing behind it the report's.
                None => match committed.in_the_way(path) {
                    Some((on_the_way, what)) => Opened::Other(format!(
                        "{on_the_way} is {what}, not a folder, and nothing behind it is the \
                         report's"
                    )),
                    None => Opened::Missing,
                },
                Some(Blob::File(bytes)) => Opened::File(Box::new(Cursor::new(bytes.clone()))),
                Some(Blob::Other(what)) => {
                    Opened::Other(format!("{what} stands there, not a file"))
                }
            }),
        }
    }

    /// Whether anything at all stands at `path`, reached through real folders only: a file
    /// behind a linked folder is the user's, as a run sees it (it keeps the link and never
    /// looks through it), so it is no file of the report's.
    pub(crate) fn has(&self, path: &str) -> bool {
        match self {
            Baseline::Folder(target) => fsx::stands_inside(target.path(), path),
            Baseline::Committed(committed) => committed.files.contains_key(path),
        }
    }

    /// The file at `path` whole, if it is a file of at most `limit` bytes; otherwise why not.
    pub fn read(&self, path: &str, limit: u64) -> Result<Vec<u8>, String> {
        match self.open(path) {
            Ok(Opened::File(file)) => read_up_to(file, limit).map_err(|e| e.to_string()),
            Ok(Opened::Missing) => Err("it is gone".into()),
            Ok(Opened::Other(what)) => Err(what),
            Err(e) => Err(e.to_string()),
        }
    }
}
