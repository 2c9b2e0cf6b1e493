//! File-system reads that stay inside a folder: no symbolic link is followed below it, and no
//! FIFO, socket or device is opened (opening a FIFO for reading would block until a writer
//! comes, and reading a device could never end).

use std::ffi::OsStr;
use std::fs;
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::handle::{Folder, describe, describe_mode, is_not_a_folder, read_up_to};

/// What stands at a path inside a folder (or of a committed report).
pub(crate) enum Opened {
    /// Nothing.
    Missing,
    /// A regular file, opened for reading.
    File(Box<dyn io::Read + Send>),
    /// Something else: a symbolic link, a folder, a FIFO, … (never opened); what, in words.
    Other(String),
}

/// The folder that holds `path` (`.` for a bare name).
pub fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// `root` joined with a '/'-separated relative path.
pub(crate) fn join(root: &Path, relative: &str) -> PathBuf {
    relative
        .split('/')
        .fold(root.to_path_buf(), |p, c| p.join(c))
}

/// Opens `root/relative` if it is a regular file reached through real folders only: `root`
/// is opened (a link there is the user's choice), then each name below it from the folder
/// before, never following a link, so what is checked is what is opened.
pub(crate) fn open_inside(root: &Path, relative: &str) -> io::Result<Opened> {
    let (folder, name) = match reach(root, relative)? {
        Ok((folder, name)) => (folder, OsStr::new(name)),
        Err(stopped) => return Ok(stopped),
    };
    match folder.open_file(name) {
        Ok(Some(file)) => Ok(Opened::File(Box::new(file))),
        Ok(None) => Ok(match folder.stat(name) {
            Ok(stat) => Opened::Other(format!(
                "{} stands there, not a file",
                describe_mode(stat.st_mode)
            )),
            Err(_) => Opened::Missing,
        }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Opened::Missing),
        Err(e) => Err(e),
    }
}

/// Opens the folder that holds `root/relative`, as [`open_inside`] describes, with the last
/// name; or, where the walk stops on the way, what stands there: [`Opened::Missing`] for a
/// missing folder, [`Opened::Other`] for something other than a folder (what, in words).
fn reach<'a>(root: &Path, relative: &'a str) -> io::Result<Result<(Folder, &'a str), Opened>> {
    let (folders, name) = relative.rsplit_once('/').unwrap_or(("", relative));
    let mut at = match Folder::open_following(root) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Err(Opened::Missing)),
        at => at?,
    };
    for (k, part) in folders
        .split('/')
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
    {
        let part = OsStr::new(part);
        at = match at.child(part) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Err(Opened::Missing)),
            Err(e) if is_not_a_folder(&e) => {
                let Ok(stat) = at.stat(part) else {
                    return Ok(Err(Opened::Missing));
                };
                let on_the_way = folders.split('/').take(k + 1).collect::<Vec<_>>().join("/");
                let kind = describe_mode(stat.st_mode);
                return Ok(Err(Opened::Other(format!(
                    "{on_the_way} is {kind}, not a folder, and nothing behind it is the report's"
                ))));
            }
            next => next?,
        };
    }
    Ok(Ok((at, name)))
}

/// Whether anything (a file, a link, a folder, …) stands at `root/relative`, reached through
/// real folders only.
pub(crate) fn stands_inside(root: &Path, relative: &str) -> bool {
    match reach(root, relative) {
        Ok(Ok((folder, name))) => folder.kind(OsStr::new(name)).is_ok(),
        _ => false,
    }
}

/// Reads a regular file at `path` (not through a final symbolic link, not a FIFO) of at most
/// `limit` bytes; `Ok(None)` when there is none, an error when something else stands there.
/// The folder that holds it is opened first and the file read from there, so the file
/// checked is the file read.
pub(crate) fn read_regular(path: &Path, limit: u64) -> io::Result<Option<Vec<u8>>> {
    let Some(name) = path.file_name() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} names no file", path.display()),
        ));
    };
    let folder = match Folder::open_following(folder_of(path)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        folder => folder?,
    };
    folder
        .read_limited(name, limit)
        .map_err(|e| match e.kind() {
            io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => {
                io::Error::new(e.kind(), format!("{} {e}", path.display()))
            }
            _ => e,
        })
}

/// Why [`read_following`] read nothing.
pub(crate) enum NotRead {
    /// Something other than a regular file stands there: "a folder", "a FIFO", ….
    NotAFile(&'static str),
    /// The system's reason.
    Io(io::Error),
}

/// Reads the regular file `path` names, following symbolic links, of at most `limit` bytes;
/// anything else (a FIFO, a socket, a folder) is refused by its kind, found without blocking.
pub(crate) fn read_following(path: &Path, limit: u64) -> Result<Vec<u8>, NotRead> {
    let opened = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path);
    // A socket cannot be opened at all: what stands there is told by its kind all the same.
    let meta = match &opened {
        Ok(file) => file.metadata(),
        Err(_) => fs::metadata(path),
    };
    match (opened, meta) {
        (_, Ok(meta)) if !meta.is_file() => Err(NotRead::NotAFile(describe(&meta))),
        (Ok(file), Ok(_)) => read_up_to(file, limit).map_err(NotRead::Io),
        (Err(e), _) | (_, Err(e)) => Err(NotRead::Io(e)),
    }
}

/// Whether this process may list, make and remove entries in the folder `folder`; the
/// error is the system's reason (`Permission denied`, `Read-only file system`).
pub(crate) fn may_change(folder: &Path) -> io::Result<()> {
    use rustix::fs::Access;
    rustix::fs::access(folder, Access::READ_OK | Access::WRITE_OK | Access::EXEC_OK)
        .map_err(io::Error::from)
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
            Opened::File(_)
        ));
        assert!(matches!(
            open_inside(root.path(), "sub/none").unwrap(),
            Opened::Missing
        ));
        std::os::unix::fs::symlink(outside.path(), root.path().join("link")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret"), root.path().join("f")).unwrap();
        assert!(matches!(
            open_inside(root.path(), "link/secret").unwrap(),
            Opened::Other(_)
        ));
        assert!(matches!(
            open_inside(root.path(), "f").unwrap(),
            Opened::Other(_)
        ));
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            root.path().join("fifo"),
            rustix::fs::Mode::from_raw_mode(0o600),
        )
        .unwrap();
        assert!(matches!(
            open_inside(root.path(), "fifo").unwrap(),
            Opened::Other(_)
        ));
        assert!(read_regular(&root.path().join("fifo"), 10).is_err());
        assert_eq!(
            read_regular(&root.path().join("sub/a.txt"), 10).unwrap(),
            Some(b"inside".to_vec())
        );
        assert!(read_regular(&root.path().join("sub/a.txt"), 3).is_err());
        assert_eq!(read_regular(&root.path().join("nothing"), 3).unwrap(), None);
    }
}
