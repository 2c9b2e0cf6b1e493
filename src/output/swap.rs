//! Putting the staged report in the output folder's place with one atomic exchange of names:
//! `renameat2(RENAME_EXCHANGE)` on Linux and Android, `renameatx_np(RENAME_SWAP)` on macOS and
//! iOS (rustix maps one flag to both). Elsewhere, or on file systems that refuse the exchange,
//! two renames do it, and between them the output folder's name is briefly absent.

use std::fs;
use std::io;
use std::path::Path;

/// How the names were swapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Swapped {
    /// One atomic exchange: `staged` now names the previous report.
    Exchanged,
    /// Two renames: the previous report was first moved to `parked`.
    Parked,
}

/// Gives `staged`'s folder the name `target` and moves the folder that had it to `staged`
/// (atomically where the system can) or, failing that, to `parked`.
pub(crate) fn exchange(staged: &Path, target: &Path, parked: &Path) -> io::Result<Swapped> {
    match exchange_atomically(staged, target) {
        Ok(()) => Ok(Swapped::Exchanged),
        Err(e) if e.kind() == io::ErrorKind::Unsupported => {
            // Move the old report aside, then the new one in; put the old one back if the
            // second rename fails, so a failure leaves the folder as it was.
            fs::rename(target, parked)?;
            if let Err(e) = fs::rename(staged, target) {
                fs::rename(parked, target)?;
                return Err(e);
            }
            Ok(Swapped::Parked)
        }
        Err(e) => Err(e),
    }
}

#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange_atomically(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // The file system (or an old kernel) has no exchange.
        Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::NOTSUP) => {
            Err(io::ErrorKind::Unsupported.into())
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange_atomically(_a: &Path, _b: &Path) -> io::Result<()> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchanges_two_folders() {
        let root = tempfile::tempdir().unwrap();
        let (a, b) = (root.path().join("a"), root.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("new"), "").unwrap();
        fs::write(b.join("old"), "").unwrap();
        let how = exchange(&a, &b, &root.path().join("parked")).unwrap();
        assert!(b.join("new").exists());
        match how {
            Swapped::Exchanged => assert!(a.join("old").exists()),
            Swapped::Parked => assert!(root.path().join("parked/old").exists()),
        }
        #[cfg(target_os = "linux")]
        assert_eq!(
            how,
            Swapped::Exchanged,
            "tmpfs and ext4 have RENAME_EXCHANGE"
        );
    }
}
