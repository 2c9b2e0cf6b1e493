//! A file of the report as the writer and the comparison see it: bytes held in memory, bytes
//! made piece by piece on demand (a data set's CSV at large N is hundreds of megabytes and is
//! never held whole), or bytes made last from what the other files turned out to be (the page
//! states the CSVs' sizes; `results.json` lists every file's sha256).

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::error::{MakeError, OutputError, io_error};

type Result<T, E = OutputError> = std::result::Result<T, E>;

/// What a file turned out to be once made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Made {
    /// Its sha256 in lower-case hex.
    pub sha256: String,
    /// Its length in bytes.
    pub len: u64,
}

/// The files made so far, by their path in the report.
pub type Ledger = BTreeMap<String, Made>;

/// Bytes made in consecutive pieces, in order, each time they are asked for.
pub trait Pieces: Send + Sync {
    /// Hands every piece, in order, to `sink`; stops at the first error.
    fn each(&self, sink: &mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()>;
}

/// Makes a file's bytes from the files made before it.
pub type FromMade = dyn Fn(&Ledger) -> Result<Vec<u8>, MakeError> + Send + Sync;

/// What a file holds.
#[derive(Clone)]
pub enum Body {
    /// Bytes in memory.
    Bytes(Vec<u8>),
    /// Bytes made piece by piece whenever they are written or compared.
    Pieces(Arc<dyn Pieces>),
    /// Bytes made from the files before it, once those are made.
    Later(Arc<FromMade>),
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Body::Bytes(bytes) => write!(f, "Bytes({} bytes)", bytes.len()),
            Body::Pieces(_) => write!(f, "Pieces"),
            Body::Later(_) => write!(f, "Later"),
        }
    }
}

/// One file of the report, by its path relative to the output folder ('/'-separated).
#[derive(Clone, Debug)]
pub struct Artifact {
    /// Path inside the output folder, e.g. `figures/fuzzy.svg`.
    pub path: String,
    /// What it holds.
    pub body: Body,
}

impl Artifact {
    /// A file of `bytes` held in memory.
    pub fn bytes(path: impl Into<String>, bytes: Vec<u8>) -> Artifact {
        Artifact {
            path: path.into(),
            body: Body::Bytes(bytes),
        }
    }

    /// Whether its bytes wait for the files before it.
    pub fn later(&self) -> bool {
        matches!(self.body, Body::Later(_))
    }
}

/// Hands the body's bytes to `sink`: held bytes at once, pieces one by one, and a later body
/// as made from `made`; returns what they came to. A failure of `sink` is one at `shown`.
pub fn feed(
    artifact: &Artifact,
    made: &Ledger,
    shown: &Path,
    sink: &mut dyn FnMut(&[u8]) -> io::Result<()>,
) -> Result<Made> {
    let mut tally = Tally::default();
    let mut tallied = |piece: &[u8]| {
        tally.see(piece);
        sink(piece)
    };
    match &artifact.body {
        Body::Bytes(bytes) => tallied(bytes),
        Body::Pieces(pieces) => pieces.each(&mut tallied),
        Body::Later(make) => tallied(&make(made).map_err(OutputError::Made)?),
    }
    .map_err(io_error(shown))?;
    Ok(tally.made())
}

/// Runs `each` on every artifact: those with bytes of their own first, all at once, then the
/// later ones in their order, each after everything before it. `each` gets the artifact and
/// what was made so far, and returns what it made. Returns what every file turned out to be.
pub fn in_order(
    artifacts: &[Artifact],
    each: impl Fn(&Artifact, &Ledger) -> Result<Made> + Sync,
) -> Result<Ledger> {
    let none = Ledger::new();
    let mut made: Ledger = artifacts
        .par_iter()
        .filter(|a| !a.later())
        .map(|a| Ok((a.path.clone(), each(a, &none)?)))
        .collect::<Result<_>>()?;
    for artifact in artifacts.iter().filter(|a| a.later()) {
        made.insert(artifact.path.clone(), each(artifact, &made)?);
    }
    Ok(made)
}

/// Lower-case hex of bytes.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What a file's bytes come to (its [`Made`]), seen piece by piece.
#[derive(Default)]
pub(crate) struct Tally {
    hasher: Sha256,
    len: u64,
}

impl Tally {
    /// Counts and hashes `piece`.
    pub(crate) fn see(&mut self, piece: &[u8]) {
        self.hasher.update(piece);
        self.len += piece.len() as u64;
    }

    /// What went through.
    pub(crate) fn made(self) -> Made {
        Made {
            sha256: hex(&self.hasher.finalize()),
            len: self.len,
        }
    }
}

/// Every file's bytes: for tests and for small reports.
pub fn materialise(artifacts: &[Artifact]) -> Result<Vec<(String, Vec<u8>)>> {
    let bytes = std::sync::Mutex::new(BTreeMap::new());
    in_order(artifacts, |artifact, made| {
        let mut all = Vec::new();
        let this = feed(artifact, made, Path::new(&artifact.path), &mut |piece| {
            all.extend_from_slice(piece);
            Ok(())
        })?;
        bytes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(artifact.path.clone(), all);
        Ok(this)
    })?;
    let mut bytes = bytes.into_inner().unwrap_or_else(|p| p.into_inner());
    Ok(artifacts
        .iter()
        .map(|a| (a.path.clone(), bytes.remove(&a.path).unwrap_or_default()))
        .collect())
}
