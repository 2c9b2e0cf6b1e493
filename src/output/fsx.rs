//! File-system reads that stay inside a folder: no symbolic link is followed below it, and no
//! FIFO, socket or device is opened (opening a FIFO for reading would block until a writer
//! comes, and reading a device could never end).

use std::fs::{self, File, FileType};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// What stands at a path inside a folder.
#[derive(Debug)]
pub(crate) enum Entry {
    /// Nothing.
    Missing,
    /// A regular file, opened for reading.
    File(File),
    /// Something else: a symbolic link, a folder, a FIFO, … (never opened).
    Other,
}

/// Describes what a file type is, for messages.
pub(crate) fn describe(kind: FileType) -> &'static str {
    if kind.is_symlink() {
        return "a symbolic link";
    }
    if kind.is_dir() {
        return "a folder";
    }
    if kind.is_file() {
        return "a file";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    "a special file"
}

/// `root` joined with a '/'-separated relative path.
pub(crate) fn join(root: &Path, relative: &str) -> PathBuf {
    relative
        .split('/')
        .fold(root.to_path_buf(), |p, c| p.join(c))
}

/// Makes the folders on the way to the file `root/relative` (not the file), below `root` only:
/// where `root` itself is gone (a signal removed the staging folder) this fails instead of
/// making it again, as `create_dir_all` would.
pub(crate) fn create_folders_below(root: &Path, relative: &str) -> io::Result<()> {
    let mut folder = root.to_path_buf();
    let parts: Vec<&str> = relative.split('/').collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        folder.push(part);
        match fs::create_dir(&folder) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && folder.is_dir() => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Opens `root/relative` if it is a regular file reached through real folders only.
pub(crate) fn open_inside(root: &Path, relative: &str) -> io::Result<Entry> {
    let mut path = root.to_path_buf();
    let parts: Vec<&str> = relative.split('/').collect();
    for (k, part) in parts.iter().enumerate() {
        path.push(part);
        let meta = match fs::symlink_metadata(&path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Entry::Missing),
            Err(e) => return Err(e),
        };
        let last = k + 1 == parts.len();
        if !last && !meta.file_type().is_dir() {
            return Ok(Entry::Other);
        }
        if last && !meta.file_type().is_file() {
            return Ok(Entry::Other);
        }
    }
    let file = open_no_follow(&path)?;
    // The entry may have been swapped since it was looked at: check what was opened.
    let kind = file.metadata()?.file_type();
    if kind.is_file() {
        Ok(Entry::File(file))
    } else {
        Ok(Entry::Other)
    }
}

/// Whether `path` is a folder itself, not a link to one.
pub(crate) fn is_real_folder(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_dir())
}

/// Whether anything (a file, a link, a folder, …) stands at `root/relative`, reached through
/// real folders only.
pub(crate) fn stands_inside(root: &Path, relative: &str) -> bool {
    let mut path = root.to_path_buf();
    let parts: Vec<&str> = relative.split('/').collect();
    for (k, part) in parts.iter().enumerate() {
        path.push(part);
        let Ok(meta) = fs::symlink_metadata(&path) else {
            return false;
        };
        if k + 1 < parts.len() && !meta.file_type().is_dir() {
            return false;
        }
    }
    true
}

/// Opens for reading without following a final symbolic link and without blocking on a FIFO.
#[cfg(unix)]
pub(crate) fn open_no_follow(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
pub(crate) fn open_no_follow(path: &Path) -> io::Result<File> {
    File::open(path)
}

/// Reads a regular file at `path` (not through a final symbolic link, not a FIFO) of at most
/// `limit` bytes; `Ok(None)` when there is none, an error when something else stands there.
pub(crate) fn read_regular(path: &Path, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !meta.file_type().is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is {}, not a file",
                path.display(),
                describe(meta.file_type())
            ),
        ));
    }
    let file = open_no_follow(path)?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is {}, not a file", path.display(), describe(kind)),
        ));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is larger than {limit} bytes", path.display()),
        ));
    }
    Ok(Some(bytes))
}

/// Reads the regular file `path` names, following symbolic links, of at most `limit` bytes;
/// anything else (a FIFO, a device, a folder) is an error, found without blocking.
pub(crate) fn read_following(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    #[cfg(unix)]
    let file = {
        use std::os::unix::fs::OpenOptionsExt;
        fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?
    };
    #[cfg(not(unix))]
    let file = File::open(path)?;
    let kind = file.metadata()?.file_type();
    if !kind.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("is {}, not a file", describe(kind)),
        ));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("is larger than {limit} bytes"),
        ));
    }
    Ok(bytes)
}

/// Whether this process may list, make and remove entries in the folder `folder`; the
/// error is the system's reason (`Permission denied`, `Read-only file system`).
#[cfg(unix)]
pub(crate) fn may_change(folder: &Path) -> io::Result<()> {
    use rustix::fs::Access;
    rustix::fs::access(folder, Access::READ_OK | Access::WRITE_OK | Access::EXEC_OK)
        .map_err(io::Error::from)
}

#[cfg(not(unix))]
pub(crate) fn may_change(_folder: &Path) -> io::Result<()> {
    Ok(())
}

/// Gives the real folder `folder` (not a link) its owner's read, write and search
/// permission if it lacks them, so that what is in it can be removed. Only for folders the
/// tool made (a staged report's folders take the modes of the user's, read-only included).
#[cfg(unix)]
pub(crate) fn open_up(folder: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = fs::symlink_metadata(folder) else {
        return;
    };
    let mode = meta.permissions().mode();
    if meta.file_type().is_dir() && mode & 0o700 != 0o700 {
        let _ = fs::set_permissions(folder, fs::Permissions::from_mode(mode | 0o700));
    }
}

#[cfg(not(unix))]
pub(crate) fn open_up(_folder: &Path) {}

/// Removes `path` and, if it is a real folder, everything in it, opening up each folder
/// first (see [`open_up`]); no symbolic link is followed. Only for trees that are wholly the
/// tool's: a staged report holds its own files and second names of the user's.
pub(crate) fn remove_tree(path: &Path) -> io::Result<()> {
    let meta = match fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if !meta.file_type().is_dir() {
        return fs::remove_file(path);
    }
    open_up(path);
    for entry in fs::read_dir(path)? {
        remove_tree(&entry?.path())?;
    }
    fs::remove_dir(path)
}

/// How many names the file has (1 when it exists only here).
#[cfg(unix)]
pub(crate) fn link_count(meta: &fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    meta.nlink()
}

#[cfg(not(unix))]
pub(crate) fn link_count(_meta: &fs::Metadata) -> u64 {
    1
}

/// The (device, inode) pair that names a folder for as long as it exists.
#[cfg(unix)]
pub(crate) fn identity(meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
pub(crate) fn identity(_meta: &fs::Metadata) -> (u64, u64) {
    (0, 0)
}

/// Whether the running user owns what stands at `path` (not followed): only then may a
/// clean-up touch it. Everything is ours where ownership is not a thing.
pub(crate) fn owned_by_us(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|meta| meta_owned_by_us(&meta))
}

/// Whether the running user owns the file `meta` describes.
#[cfg(unix)]
pub(crate) fn meta_owned_by_us(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.uid() == rustix::process::geteuid().as_raw()
}

/// Whether the running user owns the file `meta` describes.
#[cfg(not(unix))]
pub(crate) fn meta_owned_by_us(_meta: &fs::Metadata) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_regular_files_inside_real_folders() {
        let root = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), "outside").unwrap();
        fs::create_dir(root.path().join("sub")).unwrap();
        fs::write(root.path().join("sub/a.txt"), "inside").unwrap();
        assert!(matches!(
            open_inside(root.path(), "sub/a.txt").unwrap(),
            Entry::File(_)
        ));
        assert!(matches!(
            open_inside(root.path(), "sub/none").unwrap(),
            Entry::Missing
        ));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outside.path(), root.path().join("link")).unwrap();
            std::os::unix::fs::symlink(outside.path().join("secret"), root.path().join("f"))
                .unwrap();
            assert!(matches!(
                open_inside(root.path(), "link/secret").unwrap(),
                Entry::Other
            ));
            assert!(matches!(
                open_inside(root.path(), "f").unwrap(),
                Entry::Other
            ));
            rustix::fs::mkfifoat(
                rustix::fs::CWD,
                root.path().join("fifo"),
                rustix::fs::Mode::from_raw_mode(0o600),
            )
            .unwrap();
            assert!(matches!(
                open_inside(root.path(), "fifo").unwrap(),
                Entry::Other
            ));
            assert!(read_regular(&root.path().join("fifo"), 10).is_err());
        }
        assert_eq!(
            read_regular(&root.path().join("sub/a.txt"), 10).unwrap(),
            Some(b"inside".to_vec())
        );
        assert!(read_regular(&root.path().join("sub/a.txt"), 3).is_err());
        assert_eq!(read_regular(&root.path().join("nothing"), 3).unwrap(), None);
    }
}
