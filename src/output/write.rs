//! Writing a report: the new files staged beside the output folder, the user's files of the
//! previous report given second names in it, everything synced, then the atomic swap and the
//! removal of the previous report's own files (see the guarantees in the documentation of `output`).

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::artifact::{self, Artifact, Tally, hex};
use super::error::{OutputError, io_error};
use super::manifest::{self, Kind, Manifest, TOOL};
use super::staging;
use super::target::{Existing, Target, inspect};
use super::{fsx, swap, sweep};
use crate::progress::Progress;

type Result<T, E = OutputError> = std::result::Result<T, E>;

/// Refuses when a file or folder of the user's stands where the report writes a file, or
/// where it needs a folder on the way there.
/// `shown` names `target` in messages (the path as the user gave it).
fn check_in_the_way(
    target: &Path,
    shown: &Path,
    manifest: Option<&Manifest>,
    writes: &BTreeSet<&str>,
) -> Result<()> {
    let owns = |relative: &str| manifest.is_some_and(|m| m.owns(relative));
    for write in writes {
        let parts: Vec<&str> = write.split('/').collect();
        for k in 1..=parts.len() {
            let relative = parts[..k].join("/");
            let path = fsx::join(target, &relative);
            let Ok(meta) = fs::symlink_metadata(&path) else {
                break;
            };
            let last = k == parts.len();
            if meta.file_type().is_symlink() {
                return Err(OutputError::LinkInTheWay {
                    path: fsx::join(shown, &relative),
                });
            }
            let fine = if last {
                owns(&relative) && !meta.file_type().is_dir()
            } else {
                meta.file_type().is_dir() || owns(&relative)
            };
            if !fine {
                return Err(OutputError::InTheWay {
                    path: fsx::join(shown, &relative),
                });
            }
            if !meta.file_type().is_dir() {
                break;
            }
        }
    }
    Ok(())
}

/// Refuses, before anything is written, a report that could not be replaced: every real
/// folder in it (the swap renames it, the sweep empties each one) and the folder that holds
/// it must be ones this process may change. No symbolic link is followed.
/// `shown` names `folder` in messages (the path as the user gave it).
fn check_writable(folder: &Path, shown: &Path, kind: Kind) -> Result<()> {
    fsx::may_change(folder).map_err(|source| OutputError::Unwritable {
        path: shown.to_path_buf(),
        kind,
        source,
    })?;
    let entries = fs::read_dir(folder).map_err(io_error(shown))?;
    for entry in entries {
        let entry = entry.map_err(io_error(shown))?;
        if fsx::is_real_folder(&entry.path()) {
            check_writable(&entry.path(), &shown.join(entry.file_name()), kind)?;
        }
    }
    Ok(())
}

/// Makes the folders missing on the way to `folder`; returns them, outermost first.
fn create_missing(folder: &Path) -> Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut at = folder;
    while fs::symlink_metadata(at).is_err() {
        missing.push(at.to_path_buf());
        match at.parent() {
            Some(parent) => at = parent,
            None => break,
        }
    }
    missing.reverse();
    let mut created = Vec::new();
    for dir in missing {
        if let Err(e) = fs::create_dir(&dir) {
            remove_created(&created);
            return Err(io_error(&dir)(e));
        }
        created.push(dir);
    }
    Ok(created)
}

/// Removes folders [`create_missing`] made, innermost first, if they are still empty.
fn remove_created(created: &[PathBuf]) {
    for dir in created.iter().rev() {
        let _ = fs::remove_dir(dir);
    }
}

/// Checks, writing nothing, everything [`write`] checks before it stages a byte: that
/// `target` is still a folder of the tool's (or new), that nothing of the user's stands where
/// a file of `writes` goes, and that this process may change the folder, each folder in it
/// and the nearest folder that holds it. For a caller that must know a write will not be
/// refused before it changes something else (a review that accepts).
pub fn ready(target: &Target, writes: &[&str]) -> Result<()> {
    let existing = inspect(&target.given, &target.path, target.kind)?;
    let manifest = match &existing {
        Existing::Report(manifest) => Some(manifest),
        _ => None,
    };
    let writes: BTreeSet<&str> = writes.iter().copied().collect();
    check_in_the_way(&target.path, &target.given, manifest, &writes)?;
    if fs::symlink_metadata(&target.path).is_ok() {
        check_writable(&target.path, &target.given, target.kind)?;
    }
    // The folder that holds it, or (where that is still to be made) the nearest one that is.
    let mut holder = target.parent.as_path();
    while fs::symlink_metadata(holder).is_err() {
        match holder.parent() {
            Some(up) if !up.as_os_str().is_empty() => holder = up,
            _ => return Ok(()),
        }
    }
    fsx::may_change(holder).map_err(|source| OutputError::Unwritable {
        path: holder.to_path_buf(),
        kind: target.kind,
        source,
    })
}

/// Writes `artifacts` as the report in `target`, keeping every file of the folder that the
/// previous run did not write (see the module documentation for what is guaranteed).
/// Warnings, such as a previous report that could not be fully removed, go to `progress`.
pub fn write(target: &Target, artifacts: &[Artifact], progress: &mut dyn Progress) -> Result<()> {
    // The folder may have changed since it was resolved.
    let listed: Vec<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    ready(target, &listed)?;
    let writes: BTreeSet<&str> = listed.into_iter().collect();
    let manifest = match inspect(&target.given, &target.path, target.kind)? {
        Existing::Report(manifest) => Some(manifest),
        _ => None,
    };
    let manifest = manifest.as_ref();
    let created = create_missing(&target.parent)?;
    let ours = target.path.file_name().unwrap_or_default();
    for warning in sweep::remove_abandoned(&target.parent, ours) {
        progress.warn(&warning);
    }
    let staging = match staging::Staging::create(&target.parent, &target.path) {
        Ok(staging) => staging,
        Err(e) => {
            remove_created(&created);
            return Err(OutputError::Io {
                path: target.parent.clone(),
                source: e,
            });
        }
    };
    let old = manifest.map(|m| (target.path.as_path(), m));
    let mut warnings = Vec::new();
    let staged = stage(
        staging.report(),
        &target.given,
        artifacts,
        old,
        &writes,
        &mut warnings,
    );
    if let Err(e) = staged {
        staging.discard();
        remove_created(&created);
        return Err(e);
    }
    let swapped =
        staging.swap_with(
            manifest.unwrap_or(&Manifest::default()),
            || match fs::symlink_metadata(&target.path) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    fs::rename(staging.report(), &target.path).map(|()| ((), None))
                }
                _ => {
                    let parked = staging.parked();
                    swap::exchange(staging.report(), &target.path, &parked).map(|how| {
                        let old = match how {
                            swap::Swapped::Exchanged => staging.report().to_path_buf(),
                            swap::Swapped::Parked => parked,
                        };
                        ((), Some(old))
                    })
                }
            },
        );
    let old = match swapped {
        Ok(()) => fs::symlink_metadata(staging.report())
            .ok()
            .map(|_| staging.report().to_path_buf())
            .or_else(|| {
                let parked = staging.parked();
                parked.exists().then_some(parked)
            }),
        Err(e) => {
            staging.discard();
            remove_created(&created);
            return Err(OutputError::Io {
                path: target.given.clone(),
                source: e,
            });
        }
    };
    sync_folder(&target.parent);
    // What the swapped-out report says it wrote decides what in it was the tool's.
    let old_manifest = old
        .as_deref()
        .and_then(|o| Manifest::read_kind(o, target.kind).ok())
        .or_else(|| manifest.cloned())
        .unwrap_or_default();
    warnings.extend(staging.finish(old.as_deref(), &old_manifest, &target.path));
    for warning in &warnings {
        progress.warn(warning);
    }
    Ok(())
}

/// Builds the new report in `root`: the artifacts, written and synced, then the user's files
/// of the previous report, if there is one. A file that cannot be written is named by where
/// it goes, in `shown` (the output folder as the user gave it), not by the staging folder.
fn stage(
    root: &Path,
    shown: &Path,
    artifacts: &[Artifact],
    old: Option<(&Path, &Manifest)>,
    writes: &BTreeSet<&str>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    for artifact in artifacts {
        if staging::aborting() {
            return Err(OutputError::Interrupted);
        }
        fsx::create_folders_below(root, &artifact.path).map_err(io_error(root))?;
    }
    // Files with bytes of their own are written concurrently: at large N two CSVs of
    // hundreds of MB dominate, and the disk takes both at once better than one after the
    // other. Pieces are written as they are made, never held whole.
    artifact::in_order(artifacts, |artifact, made| {
        let path = fsx::join(root, &artifact.path);
        let destination = fsx::join(shown, &artifact.path);
        if staging::aborting() {
            return Err(OutputError::Interrupted);
        }
        let file = fs::File::create(&path).map_err(io_error(&destination))?;
        let mut tally = Tally::new(file);
        artifact::feed(artifact, made, &mut |piece| {
            tally.see(piece);
            tally.inner.write_all(piece)
        })
        .map_err(|e| match e {
            OutputError::Io { source, .. } => OutputError::Io {
                path: destination.clone(),
                source,
            },
            other => other,
        })?;
        if !SYNC_WHOLE_FILE_SYSTEM {
            tally.inner.sync_all().map_err(io_error(&destination))?;
        }
        Ok(tally.made())
    })?;
    if let Some((old_root, manifest)) = old {
        carry(old_root, root, Path::new(""), manifest, writes, warnings)?;
        let permissions = fs::metadata(old_root)
            .map_err(io_error(old_root))?
            .permissions();
        fs::set_permissions(root, permissions).map_err(io_error(root))?;
    }
    // The swap must not publish a report that is not on disk yet.
    sync_file_system(root)
}

/// Whether one `syncfs` of the staging folder's file system replaces a sync of every file:
/// one call instead of one per file, which on a small report is a third of the run.
const SYNC_WHOLE_FILE_SYSTEM: bool = cfg!(any(target_os = "linux", target_os = "android"));

#[cfg(any(target_os = "linux", target_os = "android"))]
fn sync_file_system(folder: &Path) -> Result<()> {
    let dir = fs::File::open(folder).map_err(io_error(folder))?;
    rustix::fs::syncfs(&dir).map_err(|e| OutputError::Io {
        path: folder.to_path_buf(),
        source: e.into(),
    })
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn sync_file_system(folder: &Path) -> Result<()> {
    // Each file was synced as it was written; the folder's entries are synced here.
    sync_folder(folder);
    Ok(())
}

/// Gives every file of the previous report that its run did not write a name in the new
/// report, folder by folder, without following symbolic links; says whether it gave any.
fn carry(
    old: &Path,
    new: &Path,
    relative: &Path,
    manifest: &Manifest,
    writes: &BTreeSet<&str>,
    warnings: &mut Vec<String>,
) -> Result<bool> {
    let dir = old.join(relative);
    let mut any = false;
    for entry in fs::read_dir(&dir).map_err(io_error(&dir))? {
        let entry = entry.map_err(io_error(&dir))?;
        if staging::aborting() {
            return Err(OutputError::Interrupted);
        }
        let child = relative.join(entry.file_name());
        let (from, to) = (old.join(&child), new.join(&child));
        let meta = fs::symlink_metadata(&from).map_err(io_error(&from))?;
        if meta.file_type().is_dir() {
            let made = fs::symlink_metadata(&to).is_err();
            if made {
                fs::create_dir(&to).map_err(io_error(&to))?;
                fs::set_permissions(&to, meta.permissions()).map_err(io_error(&to))?;
            }
            let empty = fs::read_dir(&from)
                .map_err(io_error(&from))?
                .next()
                .is_none();
            let carried = carry(old, new, &child, manifest, writes, warnings)?;
            // A folder that held only the previous run's files goes with them; an empty one
            // is the user's (the tool leaves none).
            if made && !carried && !empty {
                fs::remove_dir(&to).map_err(io_error(&to))?;
            } else {
                any = true;
            }
            continue;
        }
        // A name that is not UTF-8 is not one the tool writes: the user's.
        if let Some(key) = manifest::key(&child) {
            if manifest.owns(&key) {
                if writes.contains(key.as_str()) || unchanged(&from, manifest.hash(&key)) {
                    continue;
                }
                warnings.push(format!(
                    "kept {key}: {TOOL} wrote it, but it has changed since"
                ));
            }
            if writes.contains(key.as_str()) {
                return Err(OutputError::InTheWay { path: from });
            }
        }
        link_or_copy(&from, &to, &meta)?;
        any = true;
    }
    Ok(any)
}

/// Whether the file still has the bytes the manifest recorded.
fn unchanged(path: &Path, hash: Option<&str>) -> bool {
    let Some(hash) = hash else {
        return false;
    };
    let Ok(mut file) = fsx::open_no_follow(path) else {
        return false;
    };
    if !file.metadata().is_ok_and(|m| m.file_type().is_file()) {
        return false;
    }
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => hasher.update(&buffer[..n]),
            Err(_) => return false,
        }
    }
    hex(&hasher.finalize()) == hash
}

/// Gives `from` the second name `to`; where the file system has no hard links, a regular file
/// is copied and a symbolic link recreated.
fn link_or_copy(from: &Path, to: &Path, meta: &fs::Metadata) -> Result<()> {
    let linked = fs::hard_link(from, to);
    if linked.is_ok() {
        return Ok(());
    }
    let kind = meta.file_type();
    let copied = if kind.is_file() {
        fs::copy(from, to).map(|_| ())
    } else if kind.is_symlink() {
        fs::read_link(from).and_then(|link| make_symlink(&link, to))
    } else {
        linked
    };
    copied.map_err(|source| OutputError::KeepUserFile {
        path: from.to_path_buf(),
        source,
    })
}

#[cfg(unix)]
fn make_symlink(link: &Path, at: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(link, at)
}

#[cfg(not(unix))]
fn make_symlink(_link: &Path, _at: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

/// Makes a rename in `folder` durable; where that cannot be done, nothing is lost but the
/// guarantee against a power cut.
fn sync_folder(folder: &Path) {
    if let Ok(dir) = fs::File::open(folder) {
        let _ = dir.sync_all();
    }
}
