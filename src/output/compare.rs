//! Comparing a fresh run with the report on disk, without writing anything: the one command
//! a reviewer runs to see whether, and where, the committed baseline is stale. Only the files
//! the report's run wrote are looked at; files of the user's in the folder are not the
//! report's business. Symbolic links are not followed and special files are not opened.

use std::collections::BTreeSet;
use std::io::Read;

use super::fsx::{self, Entry};
use std::sync::Mutex;

use super::Target;
use super::artifact::{self, Artifact, Tally};
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
    let found = Mutex::new(Vec::new());
    // Every file is made (and hashed, for the files made from the others) and compared as it
    // is made, piece by piece: a large CSV is never held whole, on either side.
    artifact::in_order(artifacts, |artifact, made| {
        let path = fsx::join(root, &artifact.path);
        let io = |source| Error::Io {
            path: path.clone(),
            source,
        };
        let mut on_disk = match fsx::open_inside(root, &artifact.path).map_err(io)? {
            Entry::Missing => None,
            Entry::Other => Some(None),
            Entry::File(file) => Some(Some(file)),
        };
        let mut tally = Tally::new(true);
        artifact::feed(artifact, made, &mut |piece| {
            tally.see(piece);
            if tally.inner
                && let Some(Some(file)) = &mut on_disk
            {
                tally.inner = same_piece(file, piece)?;
            }
            Ok(())
        })?;
        let difference = match on_disk {
            None => Some(Difference::Added(artifact.path.clone())),
            Some(None) => Some(Difference::Changed(artifact.path.clone())),
            Some(Some(mut file)) => {
                // Equal so far, and nothing left over on disk.
                let at_end = tally.inner && file.read(&mut [0u8; 1]).map_err(io)? == 0;
                (!at_end).then(|| Difference::Changed(artifact.path.clone()))
            }
        };
        if let Some(difference) = difference {
            found
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(difference);
        }
        Ok(tally.made())
    })?;
    let mut differences = found.into_inner().unwrap_or_else(|p| p.into_inner());
    let written: BTreeSet<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    for path in manifest.paths().filter(|p| !written.contains(p)) {
        if std::fs::symlink_metadata(fsx::join(root, path)).is_ok() {
            differences.push(Difference::Removed(path.to_string()));
        }
    }
    differences.sort();
    Ok(differences)
}

/// Whether the next `piece.len()` bytes of the file are `piece`.
fn same_piece(file: &mut std::fs::File, piece: &[u8]) -> std::io::Result<bool> {
    let mut buffer = vec![0u8; piece.len().min(1 << 20)];
    let mut at = 0;
    while at < piece.len() {
        let want = (piece.len() - at).min(buffer.len());
        let mut got = 0;
        while got < want {
            let n = file.read(&mut buffer[got..want])?;
            if n == 0 {
                return Ok(false);
            }
            got += n;
        }
        if buffer[..want] != piece[at..at + want] {
            return Ok(false);
        }
        at += want;
    }
    Ok(true)
}
