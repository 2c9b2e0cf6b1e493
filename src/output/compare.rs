//! Comparing a fresh run with the report on disk, without writing anything: the one command
//! a reviewer runs to see whether, and where, the committed baseline is stale. Only the files
//! the report's run wrote are looked at; files of the user's in the folder are not the
//! report's business. Symbolic links are not followed and special files are not opened.

use std::collections::BTreeSet;
use std::io::Read;

use super::fsx::{self, Entry};
use super::{Artifact, Target};
use crate::error::{Error, Result};

/// How one file of a fresh run compares with the report on disk.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Difference {
    /// The file would be written with other bytes.
    Changed(String),
    /// The file is new.
    Added(String),
    /// The report holds a file the run no longer writes.
    Removed(String),
}

/// Every difference between `artifacts` and the report in `target`, in path order; empty
/// when the report is exactly what the run would write.
pub fn compare(target: &Target, artifacts: &[Artifact]) -> Result<Vec<Difference>> {
    let Some(manifest) = target.manifest() else {
        return Err(Error::NoReport {
            path: target.given().to_path_buf(),
        });
    };
    let root = target.path();
    let io = |path: &str| {
        let path = fsx::join(root, path);
        move |source| Error::Io { path, source }
    };
    let mut differences = Vec::new();
    for artifact in artifacts {
        let same = match fsx::open_inside(root, &artifact.path).map_err(io(&artifact.path))? {
            Entry::Missing => {
                differences.push(Difference::Added(artifact.path.clone()));
                continue;
            }
            Entry::Other => false,
            Entry::File(file) => same_bytes(file, &artifact.bytes).map_err(io(&artifact.path))?,
        };
        if !same {
            differences.push(Difference::Changed(artifact.path.clone()));
        }
    }
    let written: BTreeSet<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    for path in manifest.paths().filter(|p| !written.contains(p)) {
        if std::fs::symlink_metadata(fsx::join(root, path)).is_ok() {
            differences.push(Difference::Removed(path.to_string()));
        }
    }
    differences.sort();
    Ok(differences)
}

/// Whether the file holds exactly `expected`, read in blocks so that a large file is never
/// held whole.
fn same_bytes(mut file: std::fs::File, expected: &[u8]) -> std::io::Result<bool> {
    if file.metadata()?.len() != expected.len() as u64 {
        return Ok(false);
    }
    let mut buffer = vec![0u8; 1 << 16];
    let mut at = 0;
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            return Ok(at == expected.len());
        }
        if at + n > expected.len() || buffer[..n] != expected[at..at + n] {
            return Ok(false);
        }
        at += n;
    }
}
