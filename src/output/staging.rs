//! The staging folder a run builds its report in, and the clean-up of staging folders that
//! runs left behind.
//!
//! A staging folder sits beside the output folder (same file system, so the swap is a rename)
//! under a short name, `.logreg-report-staging-XXXXXX`, whatever the output folder is called.
//! It holds:
//!
//! - `lock`: names the tool, the process and the output folder, and is locked (`flock`) for
//!   as long as the run lives. The system drops the lock when the process ends, however it
//!   ends, so a staging folder whose lock can be taken was abandoned; its name and age alone
//!   never make a folder removable.
//! - `report/`: the new report, until the swap; after it, the previous one.
//!
//! On SIGINT, SIGTERM or SIGHUP the run removes its staging folder before it dies; after a
//! `kill -9`, the next run in the same place does.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::error::OutputError;
use super::handle::Folder;
use super::layout::{LOCK, LockRecord, PREFIX, PREVIOUS, REPORT};
use super::manifest::{Manifest, TOOL};
use super::sweep::{Kept, remove_emptied, sweep_named};

/// A staging folder of this run, locked. Everything it does is done from opened folders,
/// never by a path: a folder on the way swapped for a link cannot send it elsewhere.
pub(crate) struct Staging {
    /// The folder that holds the output folder and the staging folder.
    parent: Folder,
    /// Where the staging folder is, for messages.
    pub(crate) shown: PathBuf,
    /// The staging folder's name in `parent`.
    name: OsString,
    /// The staging folder itself.
    pub(crate) container: Folder,
    /// The folder to build the new report in.
    pub(crate) report: Folder,
    /// Held open: the lock lasts as long as this file is open.
    _lock: File,
}

/// What a signal handler must clean up, if the run is killed now.
enum Phase {
    /// Only the staging folder exists: remove it.
    Staged,
    /// The new report is in place; the previous one is `old` (a name inside the staging
    /// folder) and is swept as the run would have.
    Swapped { old: OsString, manifest: Manifest },
}

pub(crate) struct Active {
    parent: Folder,
    name: OsString,
    container: Folder,
    shown: PathBuf,
    target: OsString,
    phase: Phase,
}

/// The staging folder of the run in progress, for the signal handler.
static ACTIVE: Mutex<Option<Active>> = Mutex::new(None);

/// Set when a signal is ending the run: writers stop making files in the staging folder, so
/// that the handler's removal of it is not undone file by file.
static ABORTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Stops a writer when a signal is ending the run (writers check before each new file).
pub(crate) fn interrupted() -> Result<(), OutputError> {
    match ABORTING.load(std::sync::atomic::Ordering::SeqCst) {
        true => Err(OutputError::Interrupted),
        false => Ok(()),
    }
}

fn active() -> MutexGuard<'static, Option<Active>> {
    // A panic elsewhere must not stop a clean-up.
    ACTIVE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Staging {
    /// Makes and locks a staging folder in `parent` (opened; `parent_path` says where it is)
    /// for the output folder named `target` there.
    pub(crate) fn create(
        parent: Folder,
        parent_path: &Path,
        target: &OsStr,
    ) -> io::Result<Staging> {
        // Made and registered under the lock, so that a signal arriving just after the
        // folder appears still finds it to remove.
        let mut registry = active();
        let name = parent.make_unique_folder(PREFIX, 0o700)?;
        let container = parent.child(&name).inspect_err(|_| {
            let _ = parent.remove_folder(&name);
        })?;
        *registry = Some(Active {
            parent: parent.try_clone()?,
            name: name.clone(),
            container: container.try_clone()?,
            shown: parent_path.join(&name),
            target: target.to_os_string(),
            phase: Phase::Staged,
        });
        drop(registry);
        let made = (|| {
            container.make_folder(OsStr::new(REPORT), 0o777)?;
            let report = container.child(OsStr::new(REPORT))?;
            let record = LockRecord {
                tool: TOOL.into(),
                pid: std::process::id(),
                target: target.to_os_string(),
                staged: report.identity()?,
            };
            let bytes = serde_json::to_vec(&record).map_err(io::Error::other)?;
            let mut lock = container.create_new(OsStr::new(LOCK), 0o666)?;
            lock.try_lock().map_err(io::Error::other)?;
            // One small write: a kill lands before it or after it, never inside it.
            lock.write_all(&bytes)?;
            Ok((report, lock))
        })();
        let (report, lock) = made.inspect_err(|_: &io::Error| {
            *active() = None;
            let _ = container.clear();
            let _ = parent.remove_folder(&name);
        })?;
        Ok(Staging {
            shown: parent_path.join(&name),
            parent,
            name,
            container,
            report,
            _lock: lock,
        })
    }

    /// Whether the folder named `target` here is still the one with the identity `standing`
    /// (`None`: nothing stands there), as when the write began: what was read is what the
    /// swap replaces.
    pub(crate) fn holds(&self, target: &OsStr, standing: Option<(u64, u64)>) -> bool {
        match self.parent.child(target) {
            Ok(folder) => folder.identity().ok() == standing && standing.is_some(),
            Err(e) => e.kind() == io::ErrorKind::NotFound && standing.is_none(),
        }
    }

    /// Puts the staged report in the place of the output folder `target`: renamed there when
    /// nothing stood there (`standing` is `None`; never over anything that came meanwhile),
    /// otherwise exchanged with the folder that does (atomically where the system can; else
    /// the previous report is first moved aside to `previous/`). So that a signal sees either
    /// the staged state or the swapped one, never the moment between, this runs under the
    /// registry's lock. Returns the name, in the staging folder, of what stood at `target`.
    pub(crate) fn swap_in(
        &self,
        target: &OsStr,
        manifest: Option<&Manifest>,
        standing: Option<(u64, u64)>,
    ) -> io::Result<Option<OsString>> {
        let mut guard = active();
        let report = OsStr::new(REPORT);
        let old = match standing {
            None => {
                self.container.rename_new(report, &self.parent, target)?;
                None
            }
            Some(_) => match self.container.exchange(report, &self.parent, target) {
                Ok(()) => Some(OsString::from(REPORT)),
                Err(e) if e.kind() == io::ErrorKind::Unsupported => {
                    // Move the old report aside, then the new one in; put the old one back if
                    // the second rename fails, so a failure leaves the folder as it was.
                    let parked = OsStr::new(PREVIOUS);
                    self.parent.rename(target, &self.container, parked)?;
                    if let Err(e) = self.container.rename_new(report, &self.parent, target) {
                        self.container.rename(parked, &self.parent, target)?;
                        return Err(e);
                    }
                    Some(OsString::from(PREVIOUS))
                }
                Err(e) => return Err(e),
            },
        };
        if let Some(active) = guard.as_mut() {
            active.phase = match &old {
                Some(old) => Phase::Swapped {
                    old: old.clone(),
                    manifest: manifest.cloned().unwrap_or_default(),
                },
                None => Phase::Staged,
            };
        }
        self.parent.sync();
        Ok(old)
    }

    /// Removes the staging folder before the swap: everything in it is this run's (files it
    /// wrote, and second names of the user's files, which keep their first). Its folders are
    /// opened up first: they took the modes of the user's, read-only ones too. The lock goes
    /// last, so that a folder this cannot remove is still known as this tool's by the next run.
    /// A previous report parked by a swap that could not put it back stays, with the lock: the
    /// next run in this place puts it back.
    pub(crate) fn discard(self) {
        let mut registry = active();
        remove_staged(&self.parent, &self.name, &self.container);
        *registry = None;
    }

    /// Removes the staging folder after the swap; `old` (a name inside it) holds the previous
    /// report and is swept first, a file that exists nowhere else moved into the output folder
    /// `target`. Returns the warnings for anything that had to stay.
    pub(crate) fn finish(
        self,
        old: Option<&OsStr>,
        manifest: &Manifest,
        target: &OsStr,
    ) -> Vec<String> {
        // Held until the staging folder is gone: a signal arriving meanwhile waits for the
        // clean-up to end, then finds nothing left to do.
        let mut registry = active();
        let mut kept = Vec::new();
        if let Some(old) = old {
            let rescue = self.parent.child(target).ok();
            sweep_named(
                &self.container,
                old,
                &self.shown,
                manifest,
                rescue.as_ref(),
                &mut kept,
            );
        }
        let mut warnings: Vec<String> = kept.iter().map(Kept::warning).collect();
        if !remove_emptied(&self.parent, &self.name, &self.container) {
            warnings.push(format!(
                "could not remove the staging folder {}; the next run will try again",
                self.shown.display()
            ));
        }
        *registry = None;
        warnings
    }
}

/// Cleans up after the run when a signal ends it: called from the signal thread. The
/// registry stays locked in the returned guard until the process ends, so that the main
/// thread, which meets the lock on every way out of a write, cannot exit with an error of
/// its own (its files vanished) before the signal ends the process.
pub(crate) fn clean_up_for_signal() -> MutexGuard<'static, Option<Active>> {
    ABORTING.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut registry = active();
    let Some(active) = registry.take() else {
        return registry;
    };
    if let Phase::Swapped { old, manifest } = &active.phase {
        let mut kept: Vec<Kept> = Vec::new();
        let rescue = active.parent.child(&active.target).ok();
        sweep_named(
            &active.container,
            old,
            &active.shown,
            manifest,
            rescue.as_ref(),
            &mut kept,
        );
        if !kept.is_empty() {
            // Files that exist nowhere else stay where they are; the next run reports them.
            return registry;
        }
    }
    // A writer may have been making a file as the flag went up: try again until it is gone.
    for _ in 0..100 {
        if remove_staged(&active.parent, &active.name, &active.container) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    registry
}

/// Removes the staging folder `name` in `parent` before the swap: its `report/`, then, unless
/// a previous report is parked in it, everything. Whether that is all that can be done: the
/// folder is gone, or it keeps the parked report.
fn remove_staged(parent: &Folder, name: &OsStr, container: &Folder) -> bool {
    let _ = container.remove_tree(OsStr::new(REPORT));
    if container.kind(OsStr::new(PREVIOUS)).is_ok() {
        return true;
    }
    let _ = container.clear();
    parent.remove_folder(name).is_ok() || parent.kind(name).is_err()
}

/// Removes this run's staging folder when SIGINT, SIGTERM or SIGHUP arrives, then ends the
/// process as that signal would have. Call once, early; later calls do nothing.
pub fn install_signal_cleanup() -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    static INSTALLED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    if INSTALLED.get().is_some() {
        return Ok(());
    }
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signal-cleanup".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let _held = clean_up_for_signal();
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                // The default action of these three signals ends the process; if it did not:
                std::process::exit(128 + signal);
            }
        })?;
    let _ = INSTALLED.set(());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sweep::{remove_abandoned, sweep};
    use std::fs;

    fn abandoned_here(root: &Path, ours: &str) -> Vec<String> {
        let parent = Folder::open(root).unwrap();
        remove_abandoned(&parent, root, OsStr::new(ours))
    }

    #[test]
    fn a_live_staging_folder_is_left_alone_and_a_dead_one_removed() {
        let root = tempfile::tempdir().unwrap();
        let parent = Folder::open(root.path()).unwrap();
        let staging = Staging::create(parent, root.path(), OsStr::new("output")).unwrap();
        let container = staging.shown.clone();
        fs::write(container.join(REPORT).join("a.txt"), "new").unwrap();
        assert!(abandoned_here(root.path(), "output").is_empty());
        assert!(container.exists(), "its run still holds the lock");
        // Dropping without discarding is what a killed run leaves: the lock is released.
        drop(staging);
        *active() = None;
        // A run of another output folder leaves it for a run of its own folder.
        assert!(abandoned_here(root.path(), "other").is_empty());
        assert!(
            container.exists(),
            "another output folder's staging folder was touched"
        );
        assert!(abandoned_here(root.path(), "output").is_empty());
        assert!(!container.exists());
    }

    #[test]
    fn folders_that_only_look_like_staging_folders_stay() {
        let root = tempfile::tempdir().unwrap();
        let lookalike = root.path().join(format!("{PREFIX}mine"));
        fs::create_dir(&lookalike).unwrap();
        fs::write(lookalike.join("notes"), "keep").unwrap();
        let with_foreign_lock = root.path().join(format!("{PREFIX}other"));
        fs::create_dir(&with_foreign_lock).unwrap();
        fs::write(with_foreign_lock.join(LOCK), r#"{"tool": "else"}"#).unwrap();
        let old_style = root.path().join(".output.staging-backup");
        fs::create_dir(&old_style).unwrap();
        abandoned_here(root.path(), "out");
        assert!(lookalike.join("notes").exists());
        assert!(with_foreign_lock.join(LOCK).exists());
        assert!(old_style.exists());
    }

    #[test]
    fn a_sweep_removes_owned_and_linked_files_and_rescues_the_rest() {
        let root = tempfile::tempdir().unwrap();
        let (old, new) = (root.path().join("old"), root.path().join("new"));
        fs::create_dir_all(old.join("figures")).unwrap();
        fs::create_dir_all(old.join("extra")).unwrap();
        fs::create_dir(&new).unwrap();
        fs::write(old.join("figures/a.svg"), "owned").unwrap();
        fs::write(old.join("results.json"), "owned").unwrap();
        fs::write(old.join("extra/linked.md"), "user").unwrap();
        fs::hard_link(
            old.join("extra/linked.md"),
            root.path().join("elsewhere.md"),
        )
        .unwrap();
        fs::write(old.join("extra/late.md"), "made during the run").unwrap();
        let manifest = Manifest::from_files([("figures/a.svg".to_string(), "x".to_string())]);
        let mut kept = Vec::new();
        let (old_folder, new_folder) = (Folder::open(&old).unwrap(), Folder::open(&new).unwrap());
        sweep(&old_folder, &old, &manifest, Some(&new_folder), &mut kept);
        assert!(kept.is_empty(), "{kept:?}");
        assert_eq!(
            fs::read_to_string(new.join("extra/late.md")).unwrap(),
            "made during the run"
        );
        assert_eq!(
            fs::read_to_string(root.path().join("elsewhere.md")).unwrap(),
            "user"
        );
        assert!(!old.join("figures").exists() && !old.join("results.json").exists());
    }

    #[test]
    fn a_sweep_never_reaches_through_a_folder_swapped_for_a_link() {
        let root = tempfile::tempdir().unwrap();
        let (old, private) = (root.path().join("old"), root.path().join("private"));
        fs::create_dir_all(old.join("figures")).unwrap();
        fs::create_dir(&private).unwrap();
        fs::write(private.join("a.svg"), "private").unwrap();
        let old_folder = Folder::open(&old).unwrap();
        // The report's folder, swapped for a link to a private folder whose files have the
        // names the previous run wrote.
        fs::remove_dir(old.join("figures")).unwrap();
        std::os::unix::fs::symlink(&private, old.join("figures")).unwrap();
        let manifest = Manifest::from_files([("figures/a.svg".to_string(), "x".to_string())]);
        let mut kept = Vec::new();
        sweep(&old_folder, &old, &manifest, None, &mut kept);
        assert_eq!(
            fs::read_to_string(private.join("a.svg")).unwrap(),
            "private"
        );
        assert!(
            fs::symlink_metadata(old.join("figures")).is_ok_and(|m| m.is_symlink()),
            "the link is the user's and stays: {kept:?}"
        );
    }
}
