//! Removing what the tool left: the previous report after a swap (only the files it wrote, and
//! second names of the user's files), and the staging folders of runs that died. A staging
//! folder is removed only when its lock file names this tool and no live process holds the
//! lock, or, where a failed clean-up took the lock with it, when all it holds is reports
//! whose own marker names this tool; never by its name or age alone. A file that exists
//! nowhere else is moved into the report or kept, never deleted.

use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Path, PathBuf};

use super::handle::{EntryKind, Folder, is_not_a_folder};
use super::layout::{LOCK, LockRecord, PREFIX, PREVIOUS, REPORT};
use super::manifest::{self, Manifest, plain_name};

/// A file a sweep had to leave where it was, and why.
#[derive(Debug)]
pub(crate) struct Kept {
    /// The file (or a folder that could not be read).
    pub(crate) path: PathBuf,
    /// Why, in words.
    pub(crate) why: String,
}

impl Kept {
    /// The warning that tells the user.
    pub(crate) fn warning(&self) -> String {
        format!("kept {}: {}", self.path.display(), self.why)
    }
}

/// Removes the previous report in the opened folder `old` (shown as `shown`), file by file:
/// a file the previous run wrote, or one with another name elsewhere (the user's files were
/// linked into the new report), goes; a file that exists only here (made by the user while
/// this run was working) is moved into the new report `rescue`, or, if there is none or that
/// place is taken, kept and listed in `kept`. Everything is reached from opened folders, one
/// name at a time: no symbolic link is followed, and a folder swapped for one meanwhile is
/// a link, left where it is. `old` is inside a staging folder: a folder in it that its owner
/// may not change is opened up (see [`Folder::open_up`]) so that it can be emptied.
pub(crate) fn sweep(
    old: &Folder,
    shown: &Path,
    manifest: &Manifest,
    rescue: Option<&Folder>,
    kept: &mut Vec<Kept>,
) {
    let before = kept.len();
    let sweeper = Sweeper {
        shown,
        manifest,
        rescue,
    };
    sweeper.folder(old, Path::new(""), kept);
    // The marker goes last, and only with everything else: while a file of the report is
    // left, it tells the next run which files are the tool's.
    if kept.len() == before {
        for marker in [manifest::RESULTS, manifest::REVIEW] {
            sweeper.entry(old, Path::new(""), OsStr::new(marker), kept);
        }
    }
}

/// One sweep's manifest, rescue place and the report's name in messages.
struct Sweeper<'a> {
    shown: &'a Path,
    manifest: &'a Manifest,
    rescue: Option<&'a Folder>,
}

impl Sweeper<'_> {
    /// Sweeps `dir`, the folder `relative` of the report; the marker files at its top are left.
    fn folder(&self, dir: &Folder, relative: &Path, kept: &mut Vec<Kept>) {
        dir.open_up();
        let Ok(entries) = dir.entries().inspect_err(|e| {
            let why = format!("the folder could not be read ({e})");
            self.keep(kept, relative, &why);
        }) else {
            return;
        };
        let top = relative.as_os_str().is_empty();
        for (name, _) in entries {
            if top && (name == manifest::RESULTS || name == manifest::REVIEW) {
                continue;
            }
            self.entry(dir, relative, &name, kept);
        }
    }

    /// Removes, rescues or keeps the entry `name` of `dir` (the folder `relative`).
    fn entry(&self, dir: &Folder, relative: &Path, name: &OsStr, kept: &mut Vec<Kept>) {
        let child = relative.join(name);
        let Ok(mut stat) = dir.stat(name) else {
            return;
        };
        if EntryKind::of_mode(stat.st_mode) == EntryKind::Folder {
            match dir.child(name) {
                Ok(sub) => {
                    self.folder(&sub, &child, kept);
                    // Fails, as it should, when something stayed inside.
                    let _ = dir.remove_folder(name);
                    return;
                }
                // Swapped for something else since it was looked at: that is what is here.
                Err(e) if is_not_a_folder(&e) => match dir.stat(name) {
                    Ok(now) if EntryKind::of_mode(now.st_mode) != EntryKind::Folder => stat = now,
                    _ => return self.keep(kept, &child, "it changed while it was being removed"),
                },
                Err(e) => {
                    return self.keep(kept, &child, &format!("the folder could not be read ({e})"));
                }
            }
        }
        let owned = manifest::key(&child).is_some_and(|key| self.manifest.owns(&key));
        if owned || stat.st_nlink > 1 {
            if let Err(e) = dir.unlink(name) {
                self.keep(kept, &child, &format!("it could not be removed ({e})"));
            }
        } else if !self
            .rescue
            .is_some_and(|rescue| move_into(dir, name, rescue, &child))
        {
            self.keep(kept, &child, "it exists nowhere else");
        }
    }

    /// Notes that `child` had to stay, and why.
    fn keep(&self, kept: &mut Vec<Kept>, child: &Path, why: &str) {
        kept.push(Kept {
            path: self.shown.join(child),
            why: why.into(),
        });
    }
}

/// Moves the entry `name` of `dir` to `relative` in `root` if nothing is there and its
/// folders are real ones (made where missing).
fn move_into(dir: &Folder, name: &OsStr, root: &Folder, relative: &Path) -> bool {
    let names: Vec<&OsStr> = relative.iter().collect();
    let Some((last, folders)) = names.split_last() else {
        return false;
    };
    root.make_folders(folders.iter().copied()).is_ok_and(|at| {
        matches!(at.kind(last), Err(e) if e.kind() == io::ErrorKind::NotFound)
            && dir.rename(name, &at, last).is_ok()
    })
}

/// Removes the staging folders in `parent` (opened; shown as `shown`) that runs of this tool
/// abandoned (their lock is free) and that the running user owns; another user's folder is
/// never touched, whatever its lock file says. Only a staging folder of `ours` (the name of
/// the output folder this run writes, beside it) may give a report back to its output
/// folder: the destination comes from where the run writes, never from a path read from a
/// file. Returns warnings for what had to stay.
pub(crate) fn remove_abandoned(parent: &Folder, shown: &Path, ours: &OsStr) -> Vec<String> {
    let Ok(entries) = parent.entries() else {
        return Vec::new();
    };
    let mut warnings = Vec::new();
    for (name, kind) in entries {
        if kind != EntryKind::Folder || !name.to_string_lossy().starts_with(PREFIX) {
            continue;
        }
        // Opened without following: a link planted under such a name is never entered.
        let Some(container) = parent.child(&name).ok().filter(Folder::owned_by_us) else {
            continue;
        };
        let place = Place {
            parent,
            name: &name,
            container: &container,
            shown: shown.join(&name),
        };
        if let Some(record) = abandoned(&container) {
            // The lock says which output folder it staged. A staging folder of another output
            // folder is left for a run of that folder to finish (it may hold that folder's
            // previous report); the one of this run's folder gives its report back there.
            if record.target.as_os_str() == ours && plain_name(ours) {
                warnings.extend(clean_up_abandoned(&place, ours, &record));
            }
        } else if orphaned(&container) {
            // Each report in it is swept by its own manifest; a file that exists nowhere
            // else stays, with a warning.
            let mut kept = Vec::new();
            for name in [REPORT, PREVIOUS] {
                sweep_previous(&place, OsStr::new(name), None, &mut kept);
            }
            warnings.extend(left_behind(&place, &kept));
        } else if unfinished(&container) {
            // A run killed while making its staging folder: nothing in it holds a byte.
            let _ = container.remove_folder(OsStr::new(REPORT));
            let _ = container.unlink(OsStr::new(LOCK));
            let _ = parent.remove_folder(&name);
        }
    }
    warnings
}

/// An abandoned staging folder: its parent, its name there, the folder opened, and where it is
/// for messages.
struct Place<'a> {
    parent: &'a Folder,
    name: &'a OsStr,
    container: &'a Folder,
    shown: PathBuf,
}

/// The lock record of a staging folder of this tool whose run is gone, or `None` when the
/// folder is not one of ours or its run is still going.
fn abandoned(container: &Folder) -> Option<LockRecord> {
    let file = container.open_file(OsStr::new(LOCK)).ok()??;
    if !super::handle::owned_by_us(&file) {
        return None;
    }
    let bytes = container.read_limited(OsStr::new(LOCK), 1 << 16).ok()??;
    let record: LockRecord = serde_json::from_slice(&bytes).ok()?;
    if record.tool != manifest::TOOL {
        return None;
    }
    // Taking the lock succeeds only when no live process holds it.
    file.try_lock().ok()?;
    Some(record)
}

/// Whether `container` is what `Staging::create` leaves
/// when killed before its lock says whose it is: nothing but an empty `report/` folder and an
/// empty `lock` file, if those.
fn unfinished(container: &Folder) -> bool {
    let Ok(entries) = container.entries() else {
        return false;
    };
    entries.iter().all(|(name, kind)| {
        let empty_folder = || matches!(container.child(name).and_then(|f| f.is_empty()), Ok(true));
        let empty_file = || container.stat(name).is_ok_and(|s| s.st_size == 0);
        (name == REPORT && *kind == EntryKind::Folder && empty_folder())
            || (name == LOCK && *kind == EntryKind::File && empty_file())
    })
}

/// Whether `container` is a staging folder of this tool that lost its lock (a clean-up that
/// failed part-way removes the lock with the rest): no lock, and nothing but `report/` and
/// `previous/` folders whose marker files name this tool. No run holds such a folder: a
/// run's lock exists from just after its `report/` folder is made until its folder is gone.
fn orphaned(container: &Folder) -> bool {
    let marked_report = |(name, kind): &(OsString, EntryKind)| {
        (name == REPORT || name == PREVIOUS)
            && *kind == EntryKind::Folder
            && (container.child(name)).is_ok_and(|f| Manifest::read_any_in(&f).is_some())
    };
    container
        .entries()
        .is_ok_and(|all| !all.is_empty() && all.iter().all(marked_report))
}

/// Removes the emptied staging folder; the warnings for what had to stay.
fn left_behind(place: &Place<'_>, kept: &[Kept]) -> Vec<String> {
    let mut warnings: Vec<String> = kept.iter().map(Kept::warning).collect();
    if !remove_emptied(place.parent, place.name, place.container) {
        warnings.push(format!(
            "left the abandoned staging folder {} in place: it holds files that exist nowhere else",
            place.shown.display()
        ));
    }
    warnings
}

/// Sweeps a previous report found in an abandoned staging folder, by its own manifest.
fn sweep_previous(place: &Place<'_>, old: &OsStr, target: Option<&Folder>, kept: &mut Vec<Kept>) {
    // The lock does not say which kind of folder it staged: its own marker file does.
    let manifest = place
        .container
        .child(old)
        .ok()
        .and_then(|folder| Manifest::read_any_in(&folder))
        .unwrap_or_default();
    sweep_named(place.container, old, &place.shown, &manifest, target, kept);
}

/// Removes an abandoned staging folder of ours for `target`, the output folder this run
/// writes (a name beside it).
fn clean_up_abandoned(place: &Place<'_>, target: &OsStr, record: &LockRecord) -> Vec<String> {
    let (container, parent) = (place.container, place.parent);
    let (report, previous) = (OsStr::new(REPORT), OsStr::new(PREVIOUS));
    let mut kept = Vec::new();
    if container.kind(previous).ok() == Some(EntryKind::Folder) {
        // Killed between the two renames of a system without exchange: the output folder's
        // name may be free, and the previous report is whole. Put it back.
        let free = matches!(parent.kind(target), Err(e) if e.kind() == io::ErrorKind::NotFound);
        if free && container.rename(previous, parent, target).is_ok() {
            let _ = container.remove_tree(report);
        } else {
            let rescue = parent.child(target).ok();
            sweep_previous(place, previous, rescue.as_ref(), &mut kept);
        }
    }
    if let Ok(folder) = container.child(report) {
        if folder.identity().is_ok_and(|id| id == record.staged) {
            // Killed before the swap: only the run's own files and second names are inside.
            drop(folder);
            let _ = container.remove_tree(report);
        } else {
            // Killed after the swap: this is the previous report.
            let rescue = parent.child(target).ok();
            sweep_previous(place, report, rescue.as_ref(), &mut kept);
        }
    }
    left_behind(place, &kept)
}

/// Sweeps the previous report `old` (a name in the staging folder `container`, shown as
/// `shown`) by `manifest`, then removes its folder if that emptied it. Something there that
/// is not a folder (a link swapped in for the output folder) is kept, with a warning.
pub(crate) fn sweep_named(
    container: &Folder,
    old: &OsStr,
    shown: &Path,
    manifest: &Manifest,
    rescue: Option<&Folder>,
    kept: &mut Vec<Kept>,
) {
    match container.child(old) {
        Ok(folder) => {
            sweep(&folder, &shown.join(old), manifest, rescue, kept);
            let _ = container.remove_folder(old);
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => kept.push(Kept {
            path: shown.join(old),
            why: format!("it is not the previous report's folder ({e})"),
        }),
    }
}

/// Removes the staging folder `name` in `parent` once nothing but its lock and its empty
/// `report/` and `previous/` folders are left: the lock goes last, and only with everything
/// else (a staging folder without one would never be recognised as this tool's again).
/// Whether it is gone.
pub(crate) fn remove_emptied(parent: &Folder, name: &OsStr, container: &Folder) -> bool {
    let _ = container.remove_folder(OsStr::new(REPORT));
    let _ = container.remove_folder(OsStr::new(PREVIOUS));
    if container
        .entries()
        .is_ok_and(|entries| entries.iter().all(|(n, _)| n == LOCK))
    {
        let _ = container.unlink(OsStr::new(LOCK));
    }
    parent.remove_folder(name).is_ok()
        || matches!(parent.kind(name), Err(e) if e.kind() == io::ErrorKind::NotFound)
}
