//! Removing what the tool left: the previous report after a swap (only the files it wrote, and
//! second names of the user's files), and the staging folders of runs that died. A staging
//! folder is removed only when its lock file names this tool and no live process holds the
//! lock, or, where a failed clean-up took the lock with it, when all it holds is reports
//! whose own marker names this tool; never by its name or age alone. A file that exists
//! nowhere else is moved into the report or kept, never deleted.

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::fsx;
use super::layout::{LOCK, LockRecord, PREFIX, PREVIOUS, REPORT};
use super::manifest::{self, Manifest};

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

/// Removes the previous report in `old`, file by file: a file the previous run wrote, or one
/// with another name elsewhere (the user's files were linked into the new report), goes; a
/// file that exists only here (made by the user while this run was working) is moved into
/// the new report at `rescue`, or, if there is none or that place is taken, kept and listed
/// in `kept`. No symbolic link is followed. `old` is inside a staging folder: a folder in it
/// that its owner may not change is opened up (see [`fsx::open_up`]) so that it can be emptied.
pub(crate) fn sweep(
    old: &Path,
    manifest: &Manifest,
    rescue: Option<&Path>,
    kept: &mut Vec<Kept>,
    remove_file: &dyn Fn(&Path) -> io::Result<()>,
) {
    let before = kept.len();
    let sweeper = Sweeper {
        old,
        manifest,
        rescue,
        remove_file,
    };
    sweeper.folder(Path::new(""), kept);
    // The marker goes last, and only with everything else: while a file of the report is
    // left, it tells the next run which files are the tool's.
    if kept.len() == before {
        for marker in [manifest::RESULTS, manifest::REVIEW] {
            sweeper.entry(Path::new(marker), kept);
        }
    }
}

/// One sweep's folder, manifest, rescue place and way to remove a file.
struct Sweeper<'a> {
    old: &'a Path,
    manifest: &'a Manifest,
    rescue: Option<&'a Path>,
    remove_file: &'a dyn Fn(&Path) -> io::Result<()>,
}

impl Sweeper<'_> {
    /// Sweeps the folder `relative` of the report; the marker files at its top are left.
    fn folder(&self, relative: &Path, kept: &mut Vec<Kept>) {
        let dir = self.old.join(relative);
        if fsx::may_change(&dir).is_err() {
            fsx::open_up(&dir);
        }
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                kept.push(Kept {
                    path: dir,
                    why: format!("the folder could not be read ({e})"),
                });
                return;
            }
        };
        let top = relative.as_os_str().is_empty();
        for entry in entries.flatten() {
            let name = entry.file_name();
            if top && (name == manifest::RESULTS || name == manifest::REVIEW) {
                continue;
            }
            self.entry(&relative.join(name), kept);
        }
    }

    /// Removes, rescues or keeps the entry `child` of the report.
    fn entry(&self, child: &Path, kept: &mut Vec<Kept>) {
        let path = self.old.join(child);
        let Ok(meta) = fs::symlink_metadata(&path) else {
            return;
        };
        let owned = manifest::key(child).is_some_and(|key| self.manifest.owns(&key));
        if meta.file_type().is_dir() {
            self.folder(child, kept);
            // Fails, as it should, when something stayed inside.
            let _ = fs::remove_dir(&path);
        } else if owned || fsx::link_count(&meta) > 1 {
            if let Err(e) = (self.remove_file)(&path) {
                kept.push(Kept {
                    path,
                    why: format!("it could not be removed ({e})"),
                });
            }
        } else if !self
            .rescue
            .is_some_and(|rescue| move_into(&path, rescue, child))
        {
            kept.push(Kept {
                path,
                why: "it exists nowhere else".into(),
            });
        }
    }
}

/// Moves `path` to `root/relative` if nothing is there and its folders are real ones.
fn move_into(path: &Path, root: &Path, relative: &Path) -> bool {
    let mut folder = root.to_path_buf();
    let names: Vec<_> = relative.components().collect();
    let Some((_, folders)) = names.split_last() else {
        return false;
    };
    for name in folders {
        folder.push(name);
        match fs::symlink_metadata(&folder) {
            Ok(meta) if meta.file_type().is_dir() => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if fs::create_dir(&folder).is_err() {
                    return false;
                }
            }
            _ => return false,
        }
    }
    let target = root.join(relative);
    matches!(fs::symlink_metadata(&target), Err(e) if e.kind() == io::ErrorKind::NotFound)
        && fs::rename(path, &target).is_ok()
}

/// Removes the staging folders in `parent` that runs of this tool abandoned (their lock is
/// free) and that the running user owns; another user's folder is never touched, whatever
/// its lock file says. Only a staging folder of `ours` (the name of the output folder this
/// run writes, beside it) may give a report back to its output folder: the destination comes
/// from where the run writes, never from a path read from a file. Returns warnings for what
/// had to stay.
pub(crate) fn remove_abandoned(parent: &Path, ours: &OsStr) -> Vec<String> {
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut warnings = Vec::new();
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(PREFIX) {
            continue;
        }
        let container = entry.path();
        if !fsx::is_real_folder(&container) || !fsx::owned_by_us(&container) {
            continue;
        }
        if let Some(record) = abandoned(&container) {
            // The lock says which output folder it staged. A staging folder of another output
            // folder is left for a run of that folder to finish (it may hold that folder's
            // previous report); the one of this run's folder gives its report back there.
            if record.target.as_os_str() != ours || !plain_name(ours) {
                continue;
            }
            let target = parent.join(ours);
            warnings.extend(clean_up_abandoned(&container, &target, &record));
        } else if orphaned(&container) {
            warnings.extend(clean_up_orphaned(&container));
        } else if unfinished(&container) {
            // A run killed while making its staging folder: nothing in it holds a byte.
            fsx::open_up(&container.join(REPORT));
            let _ = fs::remove_dir(container.join(REPORT));
            let _ = fs::remove_file(container.join(LOCK));
            let _ = fs::remove_dir(&container);
        }
    }
    warnings
}

/// The lock record of a staging folder of this tool whose run is gone, or `None` when the
/// folder is not one of ours or its run is still going.
fn abandoned(container: &Path) -> Option<LockRecord> {
    let path = container.join(LOCK);
    let file = fsx::open_no_follow(&path).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.file_type().is_file() || !fsx::meta_owned_by_us(&meta) {
        return None;
    }
    let bytes = fsx::read_regular(&path, 1 << 16).ok()??;
    let record: LockRecord = serde_json::from_slice(&bytes).ok()?;
    if record.tool != manifest::TOOL {
        return None;
    }
    // Taking the lock succeeds only when no live process holds it.
    file.try_lock().ok()?;
    Some(record)
}

/// Whether `container` is what [`Staging::create`] leaves when killed before its lock says
/// whose it is: nothing but an empty `report/` folder and an empty `lock` file, if those.
fn unfinished(container: &Path) -> bool {
    let Ok(entries) = fs::read_dir(container) else {
        return false;
    };
    entries.flatten().all(|entry| {
        let Ok(meta) = fs::symlink_metadata(entry.path()) else {
            return false;
        };
        let name = entry.file_name();
        let empty_folder = || fs::read_dir(entry.path()).is_ok_and(|mut e| e.next().is_none());
        (name == REPORT && meta.file_type().is_dir() && empty_folder())
            || (name == LOCK && meta.file_type().is_file() && meta.len() == 0)
    })
}

/// Whether `container` is a staging folder of this tool that lost its lock (a clean-up that
/// failed part-way removes the lock with the rest): no lock, and nothing but `report/` and
/// `previous/` folders whose marker files name this tool. No run holds such a folder: a
/// run's lock exists from just after its `report/` folder is made until its folder is gone.
fn orphaned(container: &Path) -> bool {
    let Ok(entries) = fs::read_dir(container) else {
        return false;
    };
    let mut any = false;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !(name == REPORT || name == PREVIOUS) || !fsx::is_real_folder(&entry.path()) {
            return false;
        }
        if Manifest::read_any(&entry.path()).is_none() {
            return false;
        }
        any = true;
    }
    any
}

/// Removes an orphaned staging folder (see [`orphaned`]): each report in it is swept by its
/// own manifest; a file that exists nowhere else stays, with a warning.
fn clean_up_orphaned(container: &Path) -> Vec<String> {
    let mut kept = Vec::new();
    for name in [REPORT, PREVIOUS] {
        let folder = container.join(name);
        if fs::symlink_metadata(&folder).is_ok() {
            sweep_previous(&folder, None, &mut kept);
        }
    }
    left_behind(container, &kept)
}

/// Removes the emptied staging folder `container`; the warnings for what had to stay.
fn left_behind(container: &Path, kept: &[Kept]) -> Vec<String> {
    let mut warnings: Vec<String> = kept.iter().map(Kept::warning).collect();
    if fs::remove_dir(container).is_err() && container.exists() {
        warnings.push(format!(
            "left the abandoned staging folder {} in place: it holds files that exist nowhere else",
            container.display()
        ));
    }
    warnings
}

/// Sweeps a previous report found in an abandoned staging folder, by its own manifest.
fn sweep_previous(old: &Path, target: Option<&Path>, kept: &mut Vec<Kept>) {
    // The lock does not say which kind of folder it staged: its own marker file does.
    let manifest = Manifest::read_any(old).unwrap_or_default();
    sweep(old, &manifest, target, kept, &|p| fs::remove_file(p));
    let _ = fs::remove_dir(old);
}

/// A name of one folder in its parent: no separator, not `.` or `..`, not empty.
fn plain_name(name: &OsStr) -> bool {
    let path = Path::new(name);
    let mut parts = path.components();
    matches!(parts.next(), Some(std::path::Component::Normal(_))) && parts.next().is_none()
}

/// Removes an abandoned staging folder of ours for `target`, the output folder this run
/// writes.
fn clean_up_abandoned(container: &Path, target: &Path, record: &LockRecord) -> Vec<String> {
    let report = container.join(REPORT);
    let previous = container.join(PREVIOUS);
    let mut kept = Vec::new();
    if fsx::is_real_folder(&previous) {
        // Killed between the two renames of a system without exchange: the output folder's
        // name may be free, and the previous report is whole. Put it back.
        if fs::symlink_metadata(target).is_err() && fs::rename(&previous, target).is_ok() {
            let _ = fsx::remove_tree(&report);
        } else {
            sweep_previous(&previous, Some(target), &mut kept);
        }
    }
    if fsx::is_real_folder(&report) {
        let same = fs::symlink_metadata(&report)
            .map(|m| fsx::identity(&m) == record.staged)
            .unwrap_or(false);
        if same {
            // Killed before the swap: only the run's own files and second names are inside.
            let _ = fsx::remove_tree(&report);
        } else {
            // Killed after the swap: this is the previous report.
            sweep_previous(&report, Some(target), &mut kept);
        }
    }
    let only_lock = fs::read_dir(container)
        .map(|entries| entries.flatten().all(|e| e.file_name() == LOCK))
        .unwrap_or(false);
    if only_lock {
        let _ = fs::remove_file(container.join(LOCK));
    }
    left_behind(container, &kept)
}
