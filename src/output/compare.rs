//! Comparing a fresh run with the report on disk, without writing anything: a verdict for
//! every file, byte for byte. `--check` lists the files that differ; `review` builds its
//! pictures, numbers and page text on the same verdicts. Only the files the report's run wrote
//! are looked at; files of the user's in the folder are not the report's business. Symbolic
//! links are not followed and special files are not opened.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

use super::artifact::{self, Artifact};
use super::baseline::Baseline;
use super::error::OutputError;
use super::fsx::Opened;
use super::manifest::{Manifest, RESULTS};
use super::target::{Existing, Target};

type Result<T, E = OutputError> = std::result::Result<T, E>;

/// What one file is, byte for byte, next to the report on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The report holds exactly the bytes the run makes.
    Identical,
    /// The report holds other bytes.
    Changed,
    /// The run makes a file the report's run did not write: its manifest does not list it
    /// and nothing stands there.
    New,
    /// The report's run wrote the file (its manifest lists it) and the run makes it again,
    /// but it is gone from the folder.
    Missing,
    /// The report holds a file its run wrote that the run no longer makes.
    Removed,
    /// What stands there cannot be read as a file: a symbolic link, a folder, a FIFO, or a
    /// file the system refuses to read (the reason).
    Unreadable(String),
}

impl Verdict {
    /// The verdict in one word, as listed on the command line and in `review.json`.
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::Identical => "identical",
            Verdict::Changed => "changed",
            Verdict::New => "new",
            Verdict::Missing => "missing",
            Verdict::Removed => "removed",
            Verdict::Unreadable(_) => "unreadable",
        }
    }
}

/// One file's verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileVerdict {
    /// Its path in the report ('/'-separated).
    pub path: String,
    /// How it compares.
    pub verdict: Verdict,
    /// The run's bytes, when asked for and the file is not identical.
    pub candidate: Option<Vec<u8>>,
}

/// Every file of `artifacts` (and of the report in `target`) that is not identical, in path
/// order, with the review's verdict; empty when the report is exactly what the run would
/// write. What `--check` lists.
pub fn compare(target: &Target, artifacts: &[Artifact]) -> Result<Vec<FileVerdict>> {
    let baseline = Baseline::Folder(target.clone());
    Ok(verdicts(&baseline, artifacts, &|_| false)?
        .into_iter()
        .filter(|file| file.verdict != Verdict::Identical)
        .collect())
}

/// A verdict for every file of `artifacts` and for every file of the report in `target` that
/// the run no longer makes, in path order. The run's bytes of a file that is not identical
/// are kept when `keep` says so (the review looks at small files: figures, page, results).
pub fn verdicts(
    baseline: &Baseline,
    artifacts: &[Artifact],
    keep: &(dyn Fn(&Artifact) -> bool + Sync),
) -> Result<Vec<FileVerdict>> {
    // A damaged report's run is taken to have written what this run writes: its files are
    // compared, an absent one is missing, and its marker is unreadable whatever its bytes.
    let (manifest, damaged) = match baseline.existing() {
        Existing::Report(manifest) => (manifest.clone(), None),
        Existing::Damaged(why) => (
            Manifest::from_files(artifacts.iter().map(|a| (a.path.clone(), String::new()))),
            Some(format!("its {RESULTS} cannot be read: {why}")),
        ),
        Existing::Missing | Existing::Empty => {
            return Err(OutputError::NoReport {
                path: baseline.given().to_path_buf(),
            });
        }
    };
    let found = Mutex::new(Vec::new());
    // Every file is made (and hashed, for the files made from the others) and compared as it
    // is made, piece by piece: a large CSV is never held whole, on either side.
    artifact::in_order(artifacts, |artifact, made| {
        let path = &artifact.path;
        let mut on_disk = match baseline.open(path) {
            Ok(Opened::Missing) => Err(if manifest.owns(path) {
                Verdict::Missing
            } else {
                Verdict::New
            }),
            Ok(Opened::Other(what)) => Err(Verdict::Unreadable(what)),
            Ok(Opened::File(file)) => Ok(file),
            Err(e) => Err(Verdict::Unreadable(e.to_string())),
        };
        let mut same = on_disk.is_ok();
        let mut read_error = None;
        let mut bytes = keep(artifact).then(Vec::new);
        let this = artifact::feed(artifact, made, Path::new(path), &mut |piece| {
            if let Some(bytes) = &mut bytes {
                bytes.extend_from_slice(piece);
            }
            if same && let Ok(file) = &mut on_disk {
                // A file the system fails to read is the baseline's problem, not the run's:
                // it becomes a verdict, and the run's bytes go on being made.
                same = same_piece(file, piece).unwrap_or_else(|e| {
                    read_error = Some(e.to_string());
                    false
                });
            }
            Ok(())
        })?;
        let verdict = match (on_disk, read_error, &damaged) {
            (_, _, Some(why)) if path == RESULTS => Verdict::Unreadable(why.clone()),
            (Err(verdict), _, _) => verdict,
            (Ok(_), Some(reason), _) => Verdict::Unreadable(reason),
            // Equal so far, and nothing left over on disk.
            (Ok(mut file), None, _) => match (same, file.read(&mut [0u8; 1])) {
                (true, Ok(0)) => Verdict::Identical,
                (_, Err(e)) => Verdict::Unreadable(e.to_string()),
                _ => Verdict::Changed,
            },
        };
        found
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(FileVerdict {
                path: path.clone(),
                candidate: bytes.filter(|_| verdict != Verdict::Identical),
                verdict,
            });
        Ok(this)
    })?;
    let mut files = found.into_inner().unwrap_or_else(|p| p.into_inner());
    let written: BTreeSet<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    for path in manifest
        .paths()
        .filter(|p| !written.contains(p) && baseline.has(p))
    {
        files.push(FileVerdict {
            path: path.to_string(),
            verdict: Verdict::Removed,
            candidate: None,
        });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Whether the next `piece.len()` bytes of the file are `piece`.
fn same_piece(file: &mut dyn Read, piece: &[u8]) -> std::io::Result<bool> {
    let mut buffer = vec![0u8; piece.len().clamp(1, 1 << 20)];
    for part in piece.chunks(buffer.len()) {
        let here = &mut buffer[..part.len()];
        match file.read_exact(here) {
            Ok(()) if here == part => {}
            Err(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => return Err(e),
            _ => return Ok(false),
        }
    }
    Ok(true)
}
