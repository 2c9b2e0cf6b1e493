//! Writing a report: the new files staged beside the output folder, the user's files of the
//! previous report given second names in it, everything synced, then the atomic swap and the
//! removal of the previous report's own files (see the guarantees in the documentation of `output`).

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use super::artifact::{self, Artifact, Tally};
use super::error::{OutputError, io_error};
use super::handle::{EntryKind, Folder, is_not_a_folder};
use super::manifest::{self, Kind, Manifest, TOOL};
use super::staging;
use super::target::{Existing, Target, inspect};
use super::{fsx, sweep};
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
            let Ok(meta) = fs::symlink_metadata(fsx::join(target, &relative)) else {
                break;
            };
            if meta.file_type().is_symlink() {
                return Err(OutputError::LinkInTheWay {
                    path: fsx::join(shown, &relative),
                });
            }
            let fine = if k == parts.len() {
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
    for entry in fs::read_dir(folder).map_err(io_error(shown))? {
        let entry = entry.map_err(io_error(shown))?;
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            check_writable(&entry.path(), &shown.join(entry.file_name()), kind)?;
        }
    }
    Ok(())
}

/// Makes the folders missing on the way to `folder` (for the output folder `shown`, as the
/// user gave it); returns them, outermost first.
fn create_missing(folder: &Path, shown: &Path) -> Result<Vec<PathBuf>> {
    let missing: Vec<&Path> = folder
        .ancestors()
        .take_while(|at| fs::symlink_metadata(at).is_err())
        .collect();
    let mut created = Vec::new();
    for dir in missing.into_iter().rev().map(Path::to_path_buf) {
        if let Err(source) = fs::create_dir(&dir) {
            remove_created(&created);
            return Err(OutputError::CannotMake {
                path: shown.to_path_buf(),
                folder: dir,
                source,
            });
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

/// Checks, writing nothing, everything [`write()`] checks before it stages a byte: that
/// `target` is still a folder of the tool's (or new), that nothing of the user's stands where
/// a file of `writes` goes, and that this process may change the folder, each folder in it
/// and the nearest folder that holds it. For a caller that must know a write will not be
/// refused before it changes something else (a review that accepts). Returns the manifest of
/// the report there, if one is.
pub fn ready(target: &Target, writes: &[&str]) -> Result<Option<Manifest>> {
    let manifest = match inspect(&target.given, &target.path, target.kind)? {
        Existing::Report(manifest) => Some(manifest),
        _ => None,
    };
    let writes: BTreeSet<&str> = writes.iter().copied().collect();
    check_in_the_way(&target.path, &target.given, manifest.as_ref(), &writes)?;
    if fs::symlink_metadata(&target.path).is_ok() {
        check_writable(&target.path, &target.given, target.kind)?;
    }
    // The folder that holds it, or (where that is still to be made) the nearest one that is.
    let holder = target
        .parent
        .ancestors()
        .find(|at| fs::symlink_metadata(at).is_ok());
    if let Some(holder) = holder.filter(|at| !at.as_os_str().is_empty()) {
        fsx::may_change(holder).map_err(|source| OutputError::Unwritable {
            path: holder.to_path_buf(),
            kind: target.kind,
            source,
        })?;
    }
    Ok(manifest)
}

/// Writes `artifacts` as the report in `target`, keeping every file of the folder that the
/// previous run did not write (see the module documentation for what is guaranteed).
/// Warnings, such as a previous report that could not be fully removed, go to `progress`.
///
/// Everything after the checks is done from opened folders, never by a path again: the folder
/// that holds the output folder is opened with no symbolic link at any level of its (resolved)
/// path, and each name below it is reached from there without following one. A folder
/// swapped for a link meanwhile stops the write ([`OutputError::Changed`]) or, inside the
/// previous report, is carried over as the link it now is.
pub fn write(target: &Target, artifacts: &[Artifact], progress: &mut dyn Progress) -> Result<()> {
    // The folder may have changed since it was resolved.
    let listed: Vec<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    let manifest = ready(target, &listed)?;
    let manifest = manifest.as_ref();
    let writes: BTreeSet<&str> = listed.into_iter().collect();
    let created = create_missing(&target.parent, &target.given)?;
    let (parent, old) = open_places(target).inspect_err(|_| remove_created(&created))?;
    let ours = target.path.file_name().unwrap_or_default();
    for warning in sweep::remove_abandoned(&parent, &target.parent, ours) {
        progress.warn(&warning);
    }
    let staging = staging::Staging::create(parent, &target.parent, ours)
        .inspect_err(|_| remove_created(&created))
        .map_err(io_error(&target.parent))?;
    // What stands there now, to be found there still at the swap.
    let standing = old.as_ref().map(Folder::identity).transpose();
    let standing = standing.map_err(io_error(&target.given))?;
    let mut warnings = Vec::new();
    let staged = stage(
        &staging.report,
        &target.given,
        artifacts,
        old.as_ref().zip(manifest),
        &writes,
        &mut warnings,
    );
    let changed = || OutputError::Changed {
        path: target.given.clone(),
    };
    // Something came, went or changed at the output folder's name since it was read.
    let moved = |e: io::Error| match e.kind() {
        io::ErrorKind::AlreadyExists
        | io::ErrorKind::DirectoryNotEmpty
        | io::ErrorKind::NotFound
        | io::ErrorKind::NotADirectory => changed(),
        _ => io_error(&target.given)(e),
    };
    let swapped = staged.and_then(|()| match staging.holds(ours, standing) {
        true => staging.swap_in(ours, manifest, standing).map_err(moved),
        false => Err(changed()),
    });
    let old = match swapped {
        Ok(old) => old,
        Err(e) => {
            staging.discard();
            remove_created(&created);
            return Err(e);
        }
    };
    // What the swapped-out report says it wrote decides what in it was the tool's.
    let old_manifest = old
        .as_deref()
        .and_then(|name| staging.container.child(name).ok())
        .and_then(|folder| Manifest::read_kind_in(&folder, target.kind).ok())
        .or_else(|| manifest.cloned())
        .unwrap_or_default();
    warnings.extend(staging.finish(old.as_deref(), &old_manifest, ours));
    for warning in &warnings {
        progress.warn(warning);
    }
    Ok(())
}

/// Opens the folder that holds `target` (no link at any level of its path) and, when it
/// exists, the output folder itself (not followed); checks, on the folder opened, that it is
/// not inside the folder `target` keeps apart from.
fn open_places(target: &Target) -> Result<(Folder, Option<Folder>)> {
    let changed = |e: io::Error| match is_not_a_folder(&e) {
        true => OutputError::Changed {
            path: target.given.clone(),
        },
        false => io_error(&target.given)(e),
    };
    let parent = Folder::open(&target.parent).map_err(changed)?;
    let ours = target.path.file_name().unwrap_or_default();
    let old = match parent.child(ours) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        old => Some(old.map_err(changed)?),
    };
    if let Some(apart) = &target.apart
        && let Ok(apart_folder) = Folder::open_following(apart)
    {
        let identity = apart_folder.identity().map_err(io_error(apart))?;
        let inside = old.as_ref().unwrap_or(&parent).within(identity);
        if inside.map_err(io_error(&target.given))? {
            return Err(OutputError::Inside {
                path: target.given.clone(),
                apart: apart.clone(),
            });
        }
    }
    Ok((parent, old))
}

/// Builds the new report in `root`: the artifacts, written and synced, then the user's files
/// of the previous report `old`, if there is one. A file that cannot be written is named by
/// where it goes, in `shown` (the output folder as the user gave it), not by the staging folder.
fn stage(
    root: &Folder,
    shown: &Path,
    artifacts: &[Artifact],
    old: Option<(&Folder, &Manifest)>,
    writes: &BTreeSet<&str>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    // Each folder made once and kept open: every file is then made from its folder's handle.
    let mut folders: BTreeMap<&str, Folder> = BTreeMap::new();
    for artifact in artifacts {
        staging::interrupted()?;
        if let Some((folder, _)) = artifact.path.rsplit_once('/')
            && !folders.contains_key(folder)
        {
            // Below the staging folder only: where a signal removed it, this fails.
            let made = root.make_folders(folder.split('/').map(OsStr::new));
            folders.insert(folder, made.map_err(io_error(shown))?);
        }
    }
    // Files with bytes of their own are written concurrently: at large N two CSVs of
    // hundreds of MB dominate, and the disk takes both at once better than one after the
    // other. Pieces are written as they are made, never held whole.
    artifact::in_order(artifacts, |artifact, made| {
        let destination = fsx::join(shown, &artifact.path);
        staging::interrupted()?;
        let (folder, name) = match artifact.path.rsplit_once('/') {
            Some((folder, name)) => (&folders[folder], name),
            None => (root, artifact.path.as_str()),
        };
        let mut file = folder
            .create_new(OsStr::new(name), 0o666)
            .map_err(io_error(&destination))?;
        let this = artifact::feed(artifact, made, &destination, &mut |piece| {
            file.write_all(piece)
        })?;
        if !SYNC_WHOLE_FILE_SYSTEM {
            file.sync_all().map_err(io_error(&destination))?;
        }
        Ok(this)
    })?;
    if let Some((old_root, manifest)) = old {
        let places = Carry {
            shown,
            manifest,
            writes,
        };
        places.folder(old_root, root, Path::new(""), warnings)?;
        let mode = old_root.mode().map_err(io_error(shown))?;
        root.set_mode(mode).map_err(io_error(shown))?;
    }
    // The swap must not publish a report that is not on disk yet.
    if SYNC_WHOLE_FILE_SYSTEM {
        root.sync_file_system().map_err(io_error(shown))?;
    } else {
        root.sync();
    }
    Ok(())
}

/// Whether one `syncfs` of the staging folder's file system replaces a sync of every file:
/// one call instead of one per file, which on a small report is a third of the run.
const SYNC_WHOLE_FILE_SYSTEM: bool = cfg!(any(target_os = "linux", target_os = "android"));

/// What carrying the user's files over needs: where the output folder is (for messages),
/// what the previous run wrote, and what this run writes.
struct Carry<'a> {
    shown: &'a Path,
    manifest: &'a Manifest,
    writes: &'a BTreeSet<&'a str>,
}

impl Carry<'_> {
    /// Gives every file of the previous report's folder `old` (the folder `relative`) that its
    /// run did not write a name in the new report's `new`, folder by folder, reached from the
    /// opened folders without following a link; says whether it gave any.
    fn folder(
        &self,
        old: &Folder,
        new: &Folder,
        relative: &Path,
        warnings: &mut Vec<String>,
    ) -> Result<bool> {
        let here = self.shown.join(relative);
        let mut any = false;
        for (name, kind) in old.entries().map_err(io_error(&here))? {
            staging::interrupted()?;
            let child = relative.join(&name);
            if kind == EntryKind::Folder {
                match old.child(&name) {
                    Ok(from) => {
                        any |= self.subfolder(&from, new, &name, &child, warnings)?;
                        continue;
                    }
                    // Swapped for a link (or a file) since it was listed: carried as what it
                    // now is, never looked through.
                    Err(e) if is_not_a_folder(&e) => {}
                    Err(e) => return Err(io_error(&self.shown.join(&child))(e)),
                }
            }
            any |= self.entry(old, new, &name, &child, warnings)?;
        }
        Ok(any)
    }

    /// Carries the folder `from` (named `name`, at `child`) into `new`.
    fn subfolder(
        &self,
        from: &Folder,
        new: &Folder,
        name: &OsStr,
        child: &Path,
        warnings: &mut Vec<String>,
    ) -> Result<bool> {
        let at = self.shown.join(child);
        let made = new.kind(name).is_err();
        if made {
            new.make_folder(name, 0o700).map_err(io_error(&at))?;
        }
        let to = new.child(name).map_err(io_error(&at))?;
        let empty = from.is_empty().map_err(io_error(&at))?;
        let carried = self.folder(from, &to, child, warnings)?;
        // A folder that held only the previous run's files goes with them; an empty one
        // is the user's (the tool leaves none).
        if made && !carried && !empty {
            new.remove_folder(name).map_err(io_error(&at))?;
            return Ok(false);
        }
        if made {
            // Its mode last: a read-only folder of the user's is filled first.
            let mode = from.mode().map_err(io_error(&at))?;
            to.set_mode(mode).map_err(io_error(&at))?;
        }
        Ok(true)
    }

    /// Carries the entry `name` of `old` (not a folder; at `child`) into `new`, unless the
    /// previous run wrote it and it is unchanged or rewritten now.
    fn entry(
        &self,
        old: &Folder,
        new: &Folder,
        name: &OsStr,
        child: &Path,
        warnings: &mut Vec<String>,
    ) -> Result<bool> {
        // A name that is not UTF-8 is not one the tool writes: the user's.
        if let Some(key) = manifest::key(child) {
            if self.manifest.owns(&key) {
                if self.writes.contains(key.as_str())
                    || unchanged(old, name, self.manifest.hash(&key))
                {
                    return Ok(false);
                }
                warnings.push(format!(
                    "kept {key}: {TOOL} wrote it, but it has changed since"
                ));
            }
            if self.writes.contains(key.as_str()) {
                return Err(OutputError::InTheWay {
                    path: self.shown.join(child),
                });
            }
        }
        link_or_copy(old, new, name).map_err(|source| OutputError::KeepUserFile {
            path: self.shown.join(child),
            source,
        })?;
        Ok(true)
    }
}

/// Whether the file `name` in `folder` still has the bytes the manifest recorded.
fn unchanged(folder: &Folder, name: &OsStr, hash: Option<&str>) -> bool {
    let Some(hash) = hash else {
        return false;
    };
    let Ok(Some(mut file)) = folder.open_file(name) else {
        return false;
    };
    let mut tally = Tally::default();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        match file.read(&mut buffer) {
            Ok(0) => return tally.made().sha256 == hash,
            Ok(n) => tally.see(&buffer[..n]),
            Err(_) => return false,
        }
    }
}

/// Gives the entry `name` of `from` the second name `name` in `to` (a link is linked, never
/// followed); where the file system has no hard links, a regular file is copied (with its
/// mode) and a symbolic link made again.
fn link_or_copy(from: &Folder, to: &Folder, name: &OsStr) -> io::Result<()> {
    let linked = from.link(name, to, name);
    if linked.is_ok() {
        return Ok(());
    }
    match from.kind(name)? {
        EntryKind::File => {
            let Some(mut source) = from.open_file(name)? else {
                return linked;
            };
            let mut copy = to.create_new(name, from.stat(name)?.st_mode & 0o7777)?;
            io::copy(&mut source, &mut copy).map(|_| ())
        }
        EntryKind::Link => to.symlink(&from.read_link(name)?, name),
        _ => linked,
    }
}
