//! Where a report goes: the output folder resolved (links followed, the path made absolute)
//! and what stands there now: nothing, an empty folder, or a report of this tool. Any other
//! folder is refused here, before anything is computed or written.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::error::{OutputError, io_error};
use super::handle;
use super::manifest::{Foreign, Kind, Manifest, marker_names_tool};

type Result<T, E = OutputError> = std::result::Result<T, E>;

/// What stands at the output path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Existing {
    /// Nothing: the run makes the folder.
    Missing,
    /// An empty folder.
    Empty,
    /// A folder of this tool of the target's kind (a report, for a report's target), with
    /// the files its run wrote.
    Report(Manifest),
    /// A report whose `results.json` names this tool but cannot be read whole (cut short,
    /// or not what the tool writes), so the files its run wrote are unknown: found only by
    /// [`Target::resolve_baseline`], to be read and never written (why it cannot be read).
    Damaged(String),
}

/// An output folder, resolved and checked: writing there destroys nothing the tool did not
/// write.
#[derive(Clone, Debug)]
pub struct Target {
    pub(crate) given: PathBuf,
    pub(crate) path: PathBuf,
    pub(crate) parent: PathBuf,
    pub(crate) kind: Kind,
    existing: Existing,
    /// A folder this one must never be inside, checked on the folder opened at write time.
    pub(crate) apart: Option<PathBuf>,
}

impl Target {
    /// Resolves the output folder `given`: a symbolic link is followed to the folder it names
    /// (the report goes there; the link stays a link), and what stands there is checked. A
    /// folder that holds files but is not a report of this tool is refused.
    pub fn resolve(given: &Path) -> Result<Target> {
        Self::resolve_kind(given, Kind::Report)
    }

    /// Resolves `given` as [`Target::resolve`] does, as a folder of `kind`: a folder with
    /// files in it is accepted only when its marker file shows it is one of that kind.
    pub fn resolve_kind(given: &Path, kind: Kind) -> Result<Target> {
        Self::resolve_as(given, kind, false)
    }

    /// Resolves a report to compare with (never to write to): as [`Target::resolve`], except
    /// that a folder whose `results.json` begins by naming this tool but cannot be read whole
    /// is a damaged report ([`Existing::Damaged`]) rather than a stranger's folder, so that a
    /// review can say which of its files are unreadable. The writer refuses such a folder.
    pub fn resolve_baseline(given: &Path) -> Result<Target> {
        Self::resolve_as(given, Kind::Report, true)
    }

    /// Resolves `given` as a folder of `kind`; a damaged one is accepted when `damaged` says
    /// so (see [`Target::resolve_baseline`]).
    fn resolve_as(given: &Path, kind: Kind, damaged: bool) -> Result<Target> {
        let path = resolve_path(given)?;
        let parent = match path.parent() {
            Some(parent) if path.file_name().is_some() => parent.to_path_buf(),
            _ => return Err(OutputError::RootOutput { path }),
        };
        let existing = match inspect(given, &path, kind) {
            Err(OutputError::NotAReport {
                reason: Foreign::Unreadable(why),
                ..
            }) if damaged && marker_names_tool(&path, kind) => Existing::Damaged(why),
            other => other?,
        };
        Ok(Target {
            given: given.to_path_buf(),
            path,
            parent,
            kind,
            existing,
            apart: None,
        })
    }

    /// Makes every write here refuse, at the moment it writes, a folder that is `folder` or
    /// inside it: checked on the folder actually opened (a review's folder and its baseline,
    /// whatever links are swapped meanwhile).
    pub fn keep_apart_from(&mut self, folder: &Path) {
        self.apart = Some(folder.to_path_buf());
    }

    /// The folder as the user named it.
    pub fn given(&self) -> &Path {
        &self.given
    }

    /// The folder the report goes to: absolute, symbolic links resolved.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What stood there when it was resolved.
    pub fn existing(&self) -> &Existing {
        &self.existing
    }

    /// The files the report there was written with, if a report is there.
    pub fn manifest(&self) -> Option<&Manifest> {
        match &self.existing {
            Existing::Report(manifest) => Some(manifest),
            _ => None,
        }
    }
}

/// The absolute path of `given`, links resolved as far as the path exists.
fn resolve_path(given: &Path) -> Result<PathBuf> {
    let not_a_folder = |kind| OutputError::NotAFolder {
        path: given.to_path_buf(),
        kind,
    };
    match fs::symlink_metadata(given) {
        Ok(meta) if meta.file_type().is_symlink() => {
            let resolved = fs::canonicalize(given).map_err(|_| OutputError::DanglingLink {
                path: given.to_path_buf(),
                target: fs::read_link(given).unwrap_or_default(),
            })?;
            let meta = fs::metadata(&resolved).map_err(io_error(&resolved))?;
            match meta.is_dir() {
                true => Ok(resolved),
                false => Err(not_a_folder("a symbolic link to a file")),
            }
        }
        Ok(meta) if meta.is_dir() => fs::canonicalize(given).map_err(io_error(given)),
        Ok(meta) => Err(not_a_folder(handle::describe(&meta))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => resolve_lenient(given)
            .map_err(io_error(given))?
            .ok_or_else(|| not_a_folder("a path through folders that do not exist")),
        Err(e) => Err(io_error(given)(e)),
    }
}

/// The absolute path of `given`, every symbolic link in the part that exists resolved, the
/// part still to be made appended name by name: how every path a flag names is placed (the
/// output and review folders, `--junit`, `--markdown`). `None` when the part still to be made
/// climbs out (`..`) of a folder that does not exist, which nothing can place.
pub fn resolve_lenient(given: &Path) -> io::Result<Option<PathBuf>> {
    let absolute = std::path::absolute(given)?;
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while fs::symlink_metadata(existing).is_err() {
        let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else {
            break;
        };
        rest.push(name);
        existing = parent;
    }
    let plain = absolute
        .strip_prefix(existing)
        .is_ok_and(|r| r.components().all(|c| matches!(c, Component::Normal(_))));
    match fs::canonicalize(existing) {
        Ok(mut path) if plain => {
            path.extend(rest.iter().rev());
            Ok(Some(path))
        }
        Ok(_) => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// What stands at `path` now, seen as a folder of `kind`.
pub(crate) fn inspect(given: &Path, path: &Path, kind: Kind) -> Result<Existing> {
    let mut entries = match fs::read_dir(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::Missing),
        entries => entries.map_err(io_error(given))?,
    };
    if entries.next().is_none() {
        return Ok(Existing::Empty);
    }
    Manifest::read_kind(path, kind)
        .map(Existing::Report)
        // The resolved path: `--out .` must name the folder it means.
        .map_err(|reason| OutputError::NotAReport {
            path: path.to_path_buf(),
            kind,
            reason,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_is_placed_with_its_links_resolved_and_the_rest_appended() {
        let root = tempfile::tempdir().unwrap();
        let real = fs::canonicalize(root.path()).unwrap();
        fs::create_dir(real.join("real")).unwrap();
        std::os::unix::fs::symlink(real.join("real"), real.join("link")).unwrap();
        let placed = |p: &str| resolve_lenient(&real.join(p)).unwrap();
        assert_eq!(placed("link/new/file"), Some(real.join("real/new/file")));
        assert_eq!(placed("real/./new"), Some(real.join("real/new")));
        assert_eq!(placed("real/../real/new"), Some(real.join("real/new")));
        // A `..` out of a folder still to be made cannot be placed.
        assert_eq!(placed("real/missing/../new"), None);
    }
}
