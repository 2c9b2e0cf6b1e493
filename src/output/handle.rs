//! A folder as an opened handle: everything inside it is reached from the handle, one name
//! at a time, never following a symbolic link and never resolving a path a second time. A
//! folder swapped for a link while the tool works is then an error (or a link, left alone),
//! never a way elsewhere: what was checked is what is read, written and removed.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};

use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags};

/// An opened folder.
#[derive(Debug)]
pub(crate) struct Folder {
    fd: OwnedFd,
}

/// What an entry of a folder is, not followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryKind {
    Folder,
    File,
    Link,
    Other,
}

const DIRECTORY: OFlags = OFlags::DIRECTORY
    .union(OFlags::NOFOLLOW)
    .union(OFlags::RDONLY)
    .union(OFlags::CLOEXEC);

fn kind_of(file_type: FileType) -> EntryKind {
    match file_type {
        FileType::Directory => EntryKind::Folder,
        FileType::RegularFile => EntryKind::File,
        FileType::Symlink => EntryKind::Link,
        _ => EntryKind::Other,
    }
}

impl Folder {
    /// Opens the folder at `path`, with no symbolic link at any level of it (a link on the
    /// way is an error, `ELOOP` or `ENOTDIR`). `path` is best made absolute and resolved once
    /// beforehand, where links the user chose are allowed.
    pub(crate) fn open(path: &Path) -> io::Result<Folder> {
        let start = if path.is_absolute() { "/" } else { "." };
        let mut at = rustix::fs::openat(CWD, start, DIRECTORY, Mode::empty())?;
        for part in path.components() {
            match part {
                Component::RootDir | Component::CurDir => {}
                Component::Normal(_) | Component::ParentDir => {
                    at = rustix::fs::openat(&at, part.as_os_str(), DIRECTORY, Mode::empty())?;
                }
                Component::Prefix(_) => return Err(io::ErrorKind::Unsupported.into()),
            }
        }
        Ok(Folder { fd: at })
    }

    /// The folder `name` in this one, not followed if it is a link.
    pub(crate) fn child(&self, name: &OsStr) -> io::Result<Folder> {
        Ok(Folder {
            fd: rustix::fs::openat(&self.fd, name, DIRECTORY, Mode::empty())?,
        })
    }

    /// Every entry's name and kind (not followed), `.` and `..` left out.
    pub(crate) fn entries(&self) -> io::Result<Vec<(OsString, EntryKind)>> {
        let mut dir = rustix::fs::Dir::read_from(&self.fd)?;
        let mut entries = Vec::new();
        while let Some(entry) = dir.read() {
            let entry = entry?;
            let name = OsStr::from_bytes(entry.file_name().to_bytes()).to_os_string();
            if name == "." || name == ".." {
                continue;
            }
            let kind = match entry.file_type() {
                FileType::Unknown => self.kind(&name)?,
                known => kind_of(known),
            };
            entries.push((name, kind));
        }
        Ok(entries)
    }

    /// What `name` is here, not followed.
    pub(crate) fn kind(&self, name: &OsStr) -> io::Result<EntryKind> {
        Ok(EntryKind::of_mode(self.stat(name)?.st_mode))
    }

    /// The metadata of `name` here, not followed: its permission bits and its link count.
    pub(crate) fn stat(&self, name: &OsStr) -> io::Result<rustix::fs::Stat> {
        Ok(rustix::fs::statat(
            &self.fd,
            name,
            AtFlags::SYMLINK_NOFOLLOW,
        )?)
    }

    /// The regular file `name` here, for reading: a link is not followed and a FIFO never
    /// blocks; anything but a regular file is `None`. (The file stays opened non-blocking,
    /// which changes nothing for a regular file's reads.)
    pub(crate) fn open_file(&self, name: &OsStr) -> io::Result<Option<File>> {
        let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC;
        let fd = match rustix::fs::openat(&self.fd, name, flags, Mode::empty()) {
            Err(e) if e == rustix::io::Errno::LOOP => return Ok(None),
            fd => fd?,
        };
        if FileType::from_raw_mode(rustix::fs::fstat(&fd)?.st_mode) != FileType::RegularFile {
            return Ok(None);
        }
        Ok(Some(File::from(fd)))
    }

    /// Gives the entry `name` here the second name `to_name` in `to` (no link followed).
    pub(crate) fn link(&self, name: &OsStr, to: &Folder, to_name: &OsStr) -> io::Result<()> {
        Ok(rustix::fs::linkat(
            &self.fd,
            name,
            &to.fd,
            to_name,
            AtFlags::empty(),
        )?)
    }

    /// Removes the entry `name` here (a file, a link or a special file; never followed).
    pub(crate) fn unlink(&self, name: &OsStr) -> io::Result<()> {
        Ok(rustix::fs::unlinkat(&self.fd, name, AtFlags::empty())?)
    }

    /// Removes the empty folder `name` here.
    pub(crate) fn remove_folder(&self, name: &OsStr) -> io::Result<()> {
        Ok(rustix::fs::unlinkat(&self.fd, name, AtFlags::REMOVEDIR)?)
    }

    /// Makes the folder `name` here with `mode`.
    pub(crate) fn make_folder(&self, name: &OsStr, mode: u32) -> io::Result<()> {
        Ok(rustix::fs::mkdirat(
            &self.fd,
            name,
            Mode::from_raw_mode(mode),
        )?)
    }

    /// Makes the folders `names` (each inside the one before) below this one where missing,
    /// never through a link, and opens the last (this folder again, when there are none).
    pub(crate) fn make_folders<'a>(
        &self,
        names: impl IntoIterator<Item = &'a OsStr>,
    ) -> io::Result<Folder> {
        let mut at = self.try_clone()?;
        for name in names {
            match at.make_folder(name, 0o777) {
                Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
                _ => at = at.child(name)?,
            }
        }
        Ok(at)
    }

    /// A new file `name` here, for writing; refused if anything stands there.
    pub(crate) fn create_new(&self, name: &OsStr, mode: u32) -> io::Result<File> {
        let flags =
            OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&self.fd, name, flags, Mode::from_raw_mode(mode))?;
        Ok(File::from(fd))
    }

    /// Renames `name` here to `to_name` in `to`, replacing a file there.
    pub(crate) fn rename(&self, name: &OsStr, to: &Folder, to_name: &OsStr) -> io::Result<()> {
        Ok(rustix::fs::renameat(&self.fd, name, &to.fd, to_name)?)
    }

    /// This folder's permission bits.
    pub(crate) fn mode(&self) -> io::Result<u32> {
        Ok(rustix::fs::fstat(&self.fd)?.st_mode as u32 & 0o7777)
    }

    /// Sets this folder's permission bits.
    pub(crate) fn set_mode(&self, mode: u32) -> io::Result<()> {
        Ok(rustix::fs::fchmod(&self.fd, Mode::from_raw_mode(mode))?)
    }

    /// (device, inode) of this folder.
    pub(crate) fn identity(&self) -> io::Result<(u64, u64)> {
        let stat = rustix::fs::fstat(&self.fd)?;
        Ok((stat.st_dev as u64, stat.st_ino as u64))
    }

    /// Opens the folder `path` names, following symbolic links: for a place the user named
    /// (a link there is the user's choice). Everything below it is then reached without.
    pub(crate) fn open_following(path: &Path) -> io::Result<Folder> {
        let flags = OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC;
        Ok(Folder {
            fd: rustix::fs::openat(CWD, path, flags, Mode::empty())?,
        })
    }

    /// A second handle on the same folder.
    pub(crate) fn try_clone(&self) -> io::Result<Folder> {
        Ok(Folder {
            fd: self.fd.try_clone()?,
        })
    }

    /// Whether this folder is the folder `ancestor` (its identity) or inside it, found by
    /// walking `..` from the handle itself: what is opened, not a path, is what is checked.
    pub(crate) fn within(&self, ancestor: (u64, u64)) -> io::Result<bool> {
        let mut at = self.try_clone()?;
        // Deeper than any real tree; a loop of mounts cannot keep this going.
        for _ in 0..4096 {
            let here = at.identity()?;
            if here == ancestor {
                return Ok(true);
            }
            let up = at.child(OsStr::new(".."))?;
            if up.identity()? == here {
                return Ok(false);
            }
            at = up;
        }
        Ok(false)
    }

    /// Whether the running user owns this folder.
    pub(crate) fn owned_by_us(&self) -> bool {
        owned_by_us(&self.fd)
    }

    /// Gives the owner read, write and search permission on this folder if it lacks them, so
    /// that what is in it can be listed and removed. Only for folders the tool made or took.
    pub(crate) fn open_up(&self) {
        if let Ok(mode) = self.mode()
            && mode & 0o700 != 0o700
        {
            let _ = self.set_mode(mode | 0o700);
        }
    }

    /// Whether this folder holds nothing.
    pub(crate) fn is_empty(&self) -> io::Result<bool> {
        Ok(self.entries()?.is_empty())
    }

    /// Removes everything in this folder, opening up each folder first (see
    /// [`Folder::open_up`]); no link is followed. Only for trees wholly the tool's.
    pub(crate) fn clear(&self) -> io::Result<()> {
        self.open_up();
        for (name, kind) in self.entries()? {
            match kind {
                EntryKind::Folder => self.remove_tree(&name)?,
                _ => self.unlink(&name)?,
            }
        }
        Ok(())
    }

    /// Removes the entry `name` here and, if it is a folder, everything in it (see
    /// [`Folder::clear`]); nothing there is not an error.
    pub(crate) fn remove_tree(&self, name: &OsStr) -> io::Result<()> {
        match self.child(name) {
            Ok(folder) => {
                folder.clear()?;
                self.remove_folder(name)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) if is_not_a_folder(&e) => self.unlink(name),
            Err(e) => Err(e),
        }
    }

    /// Makes a new folder here named `prefix` and six random letters, with `mode`; its name.
    pub(crate) fn make_unique_folder(&self, prefix: &str, mode: u32) -> io::Result<OsString> {
        loop {
            let name = OsString::from(format!("{prefix}{}", random_letters(6)));
            match self.make_folder(&name, mode) {
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                made => return made.map(|()| name),
            }
        }
    }

    /// Replaces (or makes) the file `name` here with `bytes`, whole or not at all: a new
    /// file beside it, synced to disk first when `durable`, then renamed over it. The new
    /// file has the mode a new file gets (read and write for all, less the umask).
    pub(crate) fn replace_file(&self, name: &OsStr, bytes: &[u8], durable: bool) -> io::Result<()> {
        use std::io::Write;
        let (temp, mut file) = loop {
            let temp = OsString::from(format!(".logreg-report-{}.tmp", random_letters(6)));
            match self.create_new(&temp, 0o666) {
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                made => break (temp, made?),
            }
        };
        let written = file
            .write_all(bytes)
            .and_then(|()| if durable { file.sync_all() } else { Ok(()) })
            .and_then(|()| self.rename(&temp, self, name));
        if written.is_err() {
            let _ = self.unlink(&temp);
        }
        written
    }

    /// Renames `name` here to `to_name` in `to`, which must be free: never over anything
    /// (where the system cannot promise that, over an empty folder at most).
    pub(crate) fn rename_new(&self, name: &OsStr, to: &Folder, to_name: &OsStr) -> io::Result<()> {
        #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
        {
            use rustix::fs::RenameFlags;
            match rustix::fs::renameat_with(&self.fd, name, &to.fd, to_name, RenameFlags::NOREPLACE)
            {
                Err(
                    rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::NOTSUP,
                ) => {}
                other => return Ok(other?),
            }
        }
        self.rename(name, to, to_name)
    }

    /// Exchanges the entries `name` here and `to_name` in `to` in one step, where the system
    /// and the file system can (`Unsupported` where not).
    pub(crate) fn exchange(&self, name: &OsStr, to: &Folder, to_name: &OsStr) -> io::Result<()> {
        #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
        {
            use rustix::fs::RenameFlags;
            match rustix::fs::renameat_with(&self.fd, name, &to.fd, to_name, RenameFlags::EXCHANGE)
            {
                // The file system (or an old kernel) has no exchange.
                Err(
                    rustix::io::Errno::INVAL | rustix::io::Errno::NOSYS | rustix::io::Errno::NOTSUP,
                ) => Err(io::ErrorKind::Unsupported.into()),
                other => Ok(other?),
            }
        }
        #[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
        {
            let _ = (name, to, to_name);
            Err(io::ErrorKind::Unsupported.into())
        }
    }

    /// Where the symbolic link `name` here points.
    pub(crate) fn read_link(&self, name: &OsStr) -> io::Result<PathBuf> {
        use std::os::unix::ffi::OsStringExt;
        let target = rustix::fs::readlinkat(&self.fd, name, Vec::new())?;
        Ok(PathBuf::from(OsString::from_vec(target.into_bytes())))
    }

    /// Makes the symbolic link `name` here, pointing at `target`.
    pub(crate) fn symlink(&self, target: &Path, name: &OsStr) -> io::Result<()> {
        Ok(rustix::fs::symlinkat(target, &self.fd, name)?)
    }

    /// Makes this folder's entries durable (a rename in it survives a power cut).
    pub(crate) fn sync(&self) {
        let _ = rustix::fs::fsync(&self.fd);
    }

    /// Makes everything on this folder's file system durable (Linux; elsewhere this folder).
    pub(crate) fn sync_file_system(&self) -> io::Result<()> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        return Ok(rustix::fs::syncfs(&self.fd)?);
        #[cfg(not(any(target_os = "linux", target_os = "android")))]
        return Ok(rustix::fs::fsync(&self.fd)?);
    }

    /// The regular file `name` here, read whole if it has at most `limit` bytes: `Ok(None)`
    /// when nothing is there, an error when something else is or it is larger.
    pub(crate) fn read_limited(&self, name: &OsStr, limit: u64) -> io::Result<Option<Vec<u8>>> {
        match self.open_file(name) {
            Ok(Some(file)) => read_up_to(file, limit).map(Some),
            Ok(None) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("is {}, not a file", describe_mode(self.stat(name)?.st_mode)),
            )),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl EntryKind {
    /// The kind a `st_mode` gives.
    pub(crate) fn of_mode(mode: rustix::fs::RawMode) -> EntryKind {
        kind_of(FileType::from_raw_mode(mode))
    }
}

/// What the file with the mode `mode` is, in words ("a FIFO", "a symbolic link", …).
pub(crate) fn describe_mode(mode: rustix::fs::RawMode) -> &'static str {
    match FileType::from_raw_mode(mode) {
        FileType::Directory => "a folder",
        FileType::RegularFile => "a file",
        FileType::Symlink => "a symbolic link",
        FileType::Fifo => "a FIFO",
        FileType::Socket => "a socket",
        FileType::BlockDevice | FileType::CharacterDevice => "a device",
        FileType::Unknown => "a special file",
    }
}

/// The whole of `file`, or an error where it holds more than `limit` bytes.
pub(crate) fn read_up_to(file: impl std::io::Read, limit: u64) -> io::Result<Vec<u8>> {
    use std::io::Read;
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

/// Whether the running user owns the file (or folder) open as `fd`.
pub(crate) fn owned_by_us(fd: impl rustix::fd::AsFd) -> bool {
    rustix::fs::fstat(fd).is_ok_and(|stat| stat.st_uid == rustix::process::geteuid().as_raw())
}

/// What the file `meta` describes is, in words.
pub(crate) fn describe(meta: &std::fs::Metadata) -> &'static str {
    describe_mode(std::os::unix::fs::MetadataExt::mode(meta))
}

/// Whether opening a folder failed because something else (a link, a file) stands there.
pub(crate) fn is_not_a_folder(e: &io::Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(code) if code == rustix::io::Errno::LOOP.raw_os_error()
            || code == rustix::io::Errno::NOTDIR.raw_os_error()
    )
}

/// `count` letters no one can guess, for names that must not be taken in advance.
fn random_letters(count: usize) -> String {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    // The standard library seeds each hasher from the system's randomness.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    let mut bits = hasher.finish();
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    (0..count)
        .map(|_| {
            let letter = LETTERS[(bits % LETTERS.len() as u64) as usize] as char;
            bits /= LETTERS.len() as u64;
            letter
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_on_the_way_is_never_followed() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(root.path().join("real/inner")).unwrap();
        std::fs::write(root.path().join("real/inner/file"), "x").unwrap();
        std::os::unix::fs::symlink(root.path().join("real"), root.path().join("link")).unwrap();
        assert!(Folder::open(&root.path().join("real/inner")).is_ok());
        assert!(Folder::open(&root.path().join("link/inner")).is_err());
        let top = Folder::open(root.path()).unwrap();
        assert!(top.child(OsStr::new("link")).is_err());
        assert_eq!(top.kind(OsStr::new("link")).unwrap(), EntryKind::Link);
        let inner = top
            .child(OsStr::new("real"))
            .and_then(|real| real.child(OsStr::new("inner")))
            .unwrap();
        assert!(inner.open_file(OsStr::new("file")).unwrap().is_some());
        let names: Vec<OsString> = top.entries().unwrap().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names.len(), 2);
    }
}
