//! Writing the output folder as a whole: staged beside it, then swapped in with one atomic
//! rename, so that a failure or a kill at any point leaves the previous report as it was.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// One file of the report, by its path relative to the output folder ('/'-separated).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    /// Path inside the output folder, e.g. `figures/fuzzy.svg`.
    pub path: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Replaces the folder `out` with exactly `artifacts`.
///
/// The files are written and synced into a hidden staging folder next to `out` (same file
/// system), which then takes `out`'s place: on Linux by an atomic exchange of the two names
/// (`renameat2(RENAME_EXCHANGE)`), elsewhere by two renames. Until that moment `out` is
/// untouched; after it, `out` is complete.
pub fn write_atomically(out: &Path, artifacts: &[Artifact]) -> Result<()> {
    if out.exists() && !out.is_dir() {
        return Err(Error::InvalidParameter(format!(
            "--out {}: exists and is not a folder",
            out.display()
        )));
    }
    let name = out
        .file_name()
        .ok_or_else(|| {
            Error::InvalidParameter(format!("--out {}: must name a folder", out.display()))
        })?
        .to_string_lossy()
        .into_owned();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_error(&parent))?;
    let prefix = format!(".{name}.staging-");
    remove_abandoned_staging(&parent, &prefix);
    let staging = tempfile::Builder::new()
        .prefix(&prefix)
        .tempdir_in(&parent)
        .map_err(io_error(&parent))?;
    for artifact in artifacts {
        let path = staging.path().join(&artifact.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_error(dir))?;
        }
    }
    // Files are written and synced concurrently: at large N two CSVs of hundreds of MB
    // dominate, and the disk takes both at once better than one after the other.
    artifacts.par_iter().try_for_each(|artifact| {
        let path = staging.path().join(&artifact.path);
        let mut file = fs::File::create(&path).map_err(io_error(&path))?;
        file.write_all(&artifact.bytes).map_err(io_error(&path))?;
        file.sync_all().map_err(io_error(&path))
    })?;
    set_readable(staging.path())?;
    let staged = staging.keep();
    let swapped = if out.exists() {
        exchange(&staged, out).map(|()| true)
    } else {
        fs::rename(&staged, out).map(|()| false)
    };
    match swapped {
        // After the exchange, the staging name holds the previous report.
        Ok(true) => fs::remove_dir_all(&staged).map_err(io_error(&staged)),
        Ok(false) => Ok(()),
        Err(source) => {
            let _ = fs::remove_dir_all(&staged);
            Err(Error::Io {
                path: out.to_path_buf(),
                source,
            })
        }
    }
}

/// A run killed before its swap leaves its hidden staging folder behind; the next run
/// removes such folders once they are an hour old (younger ones may belong to a run still
/// going on). Failing to remove one is not an error.
fn remove_abandoned_staging(parent: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let hour = std::time::Duration::from_secs(3600);
    for entry in entries.flatten() {
        let abandoned = entry.file_name().to_string_lossy().starts_with(prefix)
            && entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > hour);
        if abandoned {
            let _ = fs::remove_dir_all(entry.path());
        }
    }
}

/// Staging folders are created private (0700); the report should be as readable as any
/// folder the user makes.
#[cfg(unix)]
fn set_readable(dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).map_err(io_error(dir))
}

#[cfg(not(unix))]
fn set_readable(_dir: &Path) -> Result<()> {
    Ok(())
}

/// Swaps the names of two folders atomically where the OS can.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // File systems without RENAME_EXCHANGE.
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS) => exchange_by_renames(a, b),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    exchange_by_renames(a, b)
}

/// The portable fallback: `b` is briefly absent between the two renames.
fn exchange_by_renames(a: &Path, b: &Path) -> std::io::Result<()> {
    let parked = a.with_extension("previous");
    fs::rename(b, &parked)?;
    if let Err(e) = fs::rename(a, b) {
        fs::rename(&parked, b)?;
        return Err(e);
    }
    fs::rename(&parked, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(path: &str, text: &str) -> Artifact {
        Artifact {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn replaces_the_whole_folder_and_leaves_no_staging_behind() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("output");
        write_atomically(
            &out,
            &[artifact("a.txt", "one"), artifact("sub/b.txt", "two")],
        )
        .unwrap();
        assert_eq!(fs::read_to_string(out.join("sub/b.txt")).unwrap(), "two");
        write_atomically(&out, &[artifact("c.txt", "three")]).unwrap();
        assert!(
            !out.join("a.txt").exists(),
            "files of the previous report are gone"
        );
        assert_eq!(fs::read_to_string(out.join("c.txt")).unwrap(), "three");
        let names: Vec<_> = fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("output")]);
    }

    #[test]
    fn a_failed_write_leaves_the_previous_folder_untouched() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("output");
        write_atomically(&out, &[artifact("a.txt", "one")]).unwrap();
        // A path that cannot be created: a file where a folder must go.
        let bad = [artifact("x", "file"), artifact("x/y.txt", "under a file")];
        assert!(write_atomically(&out, &bad).is_err());
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "one");
        assert_eq!(fs::read_dir(root.path()).unwrap().count(), 1);
    }

    #[test]
    fn abandoned_staging_folders_are_removed_once_old() {
        let root = tempfile::tempdir().unwrap();
        let old = root.path().join(".output.staging-old");
        let young = root.path().join(".output.staging-young");
        fs::create_dir(&old).unwrap();
        fs::create_dir(&young).unwrap();
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        fs::File::open(&old)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
        write_atomically(&root.path().join("output"), &[artifact("a.txt", "one")]).unwrap();
        assert!(!old.exists());
        assert!(young.exists());
    }

    #[test]
    fn a_file_named_as_the_output_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("output");
        fs::write(&out, "not a folder").unwrap();
        let err = write_atomically(&out, &[artifact("a.txt", "one")]).unwrap_err();
        assert!(
            err.to_string().contains("exists and is not a folder"),
            "{err}"
        );
        assert_eq!(fs::read_to_string(&out).unwrap(), "not a folder");
    }
}
