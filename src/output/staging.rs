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

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use super::fsx;
use super::layout::{LOCK, LockRecord, PREFIX, PREVIOUS, REPORT};
use super::manifest::{Manifest, TOOL};
use super::sweep::{Kept, sweep};

/// A staging folder of this run, locked.
pub(crate) struct Staging {
    container: PathBuf,
    report: PathBuf,
    /// Held open: the lock lasts as long as this file is open.
    _lock: File,
}

/// What a signal handler must clean up, if the run is killed now.
enum Phase {
    /// Only the staging folder exists: remove it.
    Staged,
    /// The new report is in place; the previous one is at `old` (inside the staging folder)
    /// and is swept as the run would have.
    Swapped { old: PathBuf, manifest: Manifest },
}

pub(crate) struct Active {
    container: PathBuf,
    target: PathBuf,
    phase: Phase,
}

/// The staging folder of the run in progress, for the signal handler.
static ACTIVE: Mutex<Option<Active>> = Mutex::new(None);

/// Set when a signal is ending the run: writers stop making files in the staging folder, so
/// that the handler's removal of it is not undone file by file.
static ABORTING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Whether a signal is ending the run (writers check before each new file).
pub(crate) fn aborting() -> bool {
    ABORTING.load(std::sync::atomic::Ordering::SeqCst)
}

fn active() -> MutexGuard<'static, Option<Active>> {
    // A panic elsewhere must not stop a clean-up.
    ACTIVE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Staging {
    /// Makes and locks a staging folder in `parent` for the output folder `parent/target`.
    pub(crate) fn create(parent: &Path, target: &Path) -> io::Result<Staging> {
        // Made and registered under the lock, so that a signal arriving just after the
        // folder appears still finds it to remove.
        let mut registry = active();
        let container = tempfile::Builder::new()
            .prefix(PREFIX)
            .rand_bytes(6)
            .tempdir_in(parent)?
            .keep();
        *registry = Some(Active {
            container: container.clone(),
            target: target.to_path_buf(),
            phase: Phase::Staged,
        });
        drop(registry);
        let made = (|| {
            let report = container.join(REPORT);
            fs::create_dir(&report)?;
            let staged = fsx::identity(&fs::symlink_metadata(&report)?);
            let record = LockRecord {
                tool: TOOL.into(),
                pid: std::process::id(),
                target: target.file_name().unwrap_or_default().to_os_string(),
                staged,
            };
            let bytes = serde_json::to_vec(&record).map_err(io::Error::other)?;
            let mut lock = File::create_new(container.join(LOCK))?;
            lock.try_lock().map_err(io::Error::other)?;
            // One small write: a kill lands before it or after it, never inside it.
            lock.write_all(&bytes)?;
            Ok(Staging {
                container: container.clone(),
                report,
                _lock: lock,
            })
        })();
        if made.is_err() {
            *active() = None;
            let _ = fs::remove_dir_all(&container);
        }
        made
    }

    /// The folder to build the new report in.
    pub(crate) fn report(&self) -> &Path {
        &self.report
    }

    /// Where the previous report is parked when no atomic exchange exists.
    pub(crate) fn parked(&self) -> PathBuf {
        self.container.join(PREVIOUS)
    }

    /// The staging folder itself.
    #[cfg(test)]
    pub(crate) fn container(&self) -> &Path {
        &self.container
    }

    /// Runs `swap` so that a signal sees either the staged state or the swapped one, never
    /// the moment between; `swap` returns where the previous report went, if there was one.
    pub(crate) fn swap_with<T>(
        &self,
        manifest: &Manifest,
        swap: impl FnOnce() -> io::Result<(T, Option<PathBuf>)>,
    ) -> io::Result<T> {
        let mut guard = active();
        let (value, old) = swap()?;
        if let Some(active) = guard.as_mut() {
            active.phase = match old {
                Some(old) => Phase::Swapped {
                    old,
                    manifest: manifest.clone(),
                },
                None => Phase::Staged,
            };
        }
        Ok(value)
    }

    /// Removes the staging folder before the swap: everything in it is this run's (files it
    /// wrote, and second names of the user's files, which keep their first). Its folders are
    /// opened up first: they took the modes of the user's, read-only ones too. The lock goes
    /// last, so that a folder this cannot remove is still known as this tool's by the next run.
    /// A previous report parked by a swap that could not put it back stays, with the lock: the
    /// next run in this place puts it back.
    pub(crate) fn discard(self) {
        let mut registry = active();
        let _ = fsx::remove_tree(&self.report);
        if fs::symlink_metadata(self.parked()).is_err() {
            let _ = fsx::remove_tree(&self.container);
        }
        *registry = None;
    }

    /// Removes the staging folder after the swap; `old` (inside it) holds the previous report
    /// and is swept first. Returns the warnings for anything that had to stay.
    pub(crate) fn finish(
        self,
        old: Option<&Path>,
        manifest: &Manifest,
        target: &Path,
    ) -> Vec<String> {
        // Held until the staging folder is gone: a signal arriving meanwhile waits for the
        // clean-up to end, then finds nothing left to do.
        let mut registry = active();
        let mut kept = Vec::new();
        if let Some(old) = old {
            sweep(old, manifest, Some(target), &mut kept, &|p| {
                fs::remove_file(p)
            });
            let _ = fs::remove_dir(old);
        }
        let _ = fs::remove_dir(self.container.join(REPORT));
        let _ = fs::remove_dir(self.container.join(PREVIOUS));
        let mut warnings: Vec<String> = kept.iter().map(Kept::warning).collect();
        // The lock goes last, and only with everything else: a staging folder without one
        // would never be recognised as this tool's again.
        let only_lock = fs::read_dir(&self.container)
            .map(|entries| entries.flatten().all(|e| e.file_name() == LOCK))
            .unwrap_or(false);
        if only_lock {
            let _ = fs::remove_file(self.container.join(LOCK));
        }
        if fs::remove_dir(&self.container).is_err() && self.container.exists() {
            warnings.push(format!(
                "could not remove the staging folder {}; the next run will try again",
                self.container.display()
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
        sweep(old, manifest, Some(&active.target), &mut kept, &|p| {
            fs::remove_file(p)
        });
        if !kept.is_empty() {
            // Files that exist nowhere else stay where they are; the next run reports them.
            return registry;
        }
    }
    // A writer may have been making a file as the flag went up: try again until it is gone.
    for _ in 0..100 {
        if fsx::remove_tree(&active.container).is_ok() || !active.container.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    registry
}

/// Removes this run's staging folder when SIGINT, SIGTERM or SIGHUP arrives, then ends the
/// process as that signal would have. Call once, early; later calls do nothing.
#[cfg(unix)]
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

/// Where the signals above do not exist, nothing is installed.
#[cfg(not(unix))]
pub fn install_signal_cleanup() -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::sweep::remove_abandoned;

    #[test]
    fn a_live_staging_folder_is_left_alone_and_a_dead_one_removed() {
        let root = tempfile::tempdir().unwrap();
        let target = root.path().join("output");
        let staging = Staging::create(root.path(), &target).unwrap();
        fs::write(staging.report().join("a.txt"), "new").unwrap();
        let ours = std::ffi::OsStr::new("output");
        assert!(remove_abandoned(root.path(), ours).is_empty());
        assert!(staging.container().exists(), "its run still holds the lock");
        let container = staging.container().to_path_buf();
        // Dropping without discarding is what a killed run leaves: the lock is released.
        drop(staging);
        *active() = None;
        // A run of another output folder leaves it for a run of its own folder.
        assert!(remove_abandoned(root.path(), std::ffi::OsStr::new("other")).is_empty());
        assert!(
            container.exists(),
            "another output folder's staging folder was touched"
        );
        assert!(remove_abandoned(root.path(), ours).is_empty());
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
        remove_abandoned(root.path(), std::ffi::OsStr::new("out"));
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
        sweep(&old, &manifest, Some(&new), &mut kept, &|p| {
            fs::remove_file(p)
        });
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
}
