//! A previous report that cannot be fully removed after the swap.

use std::fs;
use std::path::{Path, PathBuf};

use super::*;

/// The previous report cannot be fully removed after the swap: the run still succeeded, with
/// the new report in place, and says what it could not remove.
#[cfg(target_os = "linux")]
#[test]
fn a_clean_up_that_fails_after_the_swap_is_a_warning() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("output");
    write_to(&out, &report(&[("sub/old.txt", "one")])).unwrap();
    let stuck = out.join("sub/old.txt");
    let undeletable = Undeletable::make(&stuck);
    let warnings = write_to(&out, &report(&[("new.txt", "two")])).unwrap();
    drop(undeletable);
    assert_eq!(fs::read_to_string(out.join("new.txt")).unwrap(), "two");
    assert!(
        !out.join("sub").exists(),
        "the old file is not in the new report"
    );
    assert!(
        warnings.iter().any(|w| w.contains("staging folder")),
        "{warnings:?}"
    );
    // The next run finds the abandoned staging folder and removes it.
    write_to(&out, &report(&[("new.txt", "three")])).unwrap();
    assert_eq!(names(root.path()), vec!["output"]);
}

/// A file no one can delete for as long as this lives: the immutable flag for root, a
/// read-only folder for anyone else.
#[cfg(target_os = "linux")]
struct Undeletable {
    file: PathBuf,
    root: bool,
}

#[cfg(target_os = "linux")]
impl Undeletable {
    fn make(file: &Path) -> Undeletable {
        use std::os::unix::fs::PermissionsExt;
        let root = rustix::process::geteuid().is_root();
        if root {
            let handle = fs::File::open(file).unwrap();
            let flags = rustix::fs::ioctl_getflags(&handle).unwrap();
            rustix::fs::ioctl_setflags(&handle, flags | rustix::fs::IFlags::IMMUTABLE)
                .expect("root can set the immutable flag on this file system");
        } else {
            let dir = file.parent().unwrap();
            fs::set_permissions(dir, fs::Permissions::from_mode(0o555)).unwrap();
        }
        Undeletable {
            file: file.to_path_buf(),
            root,
        }
    }
}

#[cfg(target_os = "linux")]
impl Drop for Undeletable {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        // The file has moved with the previous report into the staging folder: find it.
        let parent = self
            .file
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .parent()
            .unwrap();
        for entry in fs::read_dir(parent).unwrap().flatten() {
            let candidate = entry.path().join("report/sub/old.txt");
            if let Ok(handle) = fs::File::open(&candidate) {
                if self.root {
                    let flags = rustix::fs::ioctl_getflags(&handle).unwrap();
                    let _ =
                        rustix::fs::ioctl_setflags(&handle, flags - rustix::fs::IFlags::IMMUTABLE);
                } else {
                    let _ = fs::set_permissions(
                        candidate.parent().unwrap(),
                        fs::Permissions::from_mode(0o755),
                    );
                }
            }
        }
    }
}
