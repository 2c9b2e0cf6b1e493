//! The files a review writes beside its folder when asked (the JUnit report, the Markdown
//! summary): the same ownership rule as an output folder. Such a file is written only where
//! nothing of the user's is lost: a new file, an empty one (CI runners hand out job-summary
//! files that way), or a file of the same kind this tool wrote; never inside the baseline or
//! over the review folder's own files, never through a link, never a folder or a special file.
//! It is written whole or not at all (a temporary file beside it, renamed into place), with
//! the mode the umask gives a new file.

use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::path::Path;

use super::error::ReviewError;
use crate::output::handle::{EntryKind, Folder, describe_mode};
use crate::output::{folder_of, resolve_lenient};

/// The marker every such file starts with (after the XML declaration, for JUnit): what tells
/// a file of this tool's from anything else.
pub const MARKER: &str = "<!-- logreg-report review -->";

/// Which kind of file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sidecar {
    /// JUnit XML.
    Junit,
    /// The Markdown summary.
    Markdown,
}

impl Sidecar {
    /// What it is, in words.
    pub fn noun(self) -> &'static str {
        match self {
            Sidecar::Junit => "JUnit report",
            Sidecar::Markdown => "Markdown summary",
        }
    }

    /// A name that would be accepted in the review folder `review_dir`.
    fn suggestion(self, review_dir: &Path) -> String {
        let name = match self {
            Sidecar::Junit => "junit.xml",
            Sidecar::Markdown => "summary.md",
        };
        review_dir.join(name).display().to_string()
    }

    /// Whether the start of a file shows it is one of this kind written by this tool.
    fn owns(self, start: &[u8]) -> bool {
        let text = String::from_utf8_lossy(start);
        match self {
            Sidecar::Junit => text
                .strip_prefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .is_some_and(|rest| rest.starts_with(MARKER)),
            Sidecar::Markdown => text.starts_with(MARKER),
        }
    }
}

/// The folders a sidecar file must keep out of.
pub struct Places<'a> {
    /// The baseline folder, when the baseline is one (never written by a review).
    pub baseline: Option<&'a Path>,
    /// The review folder, resolved.
    pub review_dir: &'a Path,
    /// The review folder as the user named it, for advice.
    pub review_dir_given: &'a Path,
    /// What the review folder holds of its own (paths inside it; a name ending in `/` is a
    /// folder of its own).
    pub review_files: &'a [&'a str],
}

/// Checks that a sidecar file may be written at `path`, before anything is computed: refuses
/// with the reason and a path that would be accepted.
pub fn check(path: &Path, kind: Sidecar, places: &Places<'_>) -> Result<(), ReviewError> {
    let refuse = |reason: String| ReviewError::Sidecar {
        path: path.to_path_buf(),
        reason,
        advice: format!(
            "choose a new file such as {}, an empty file, or a {} this tool wrote",
            kind.suggestion(places.review_dir_given),
            kind.noun()
        ),
    };
    let Some(name) = path.file_name() else {
        return Err(refuse("names no file".into()));
    };
    let parent = folder_of(path);
    let missing = || refuse(format!("its folder {} does not exist", parent.display()));
    let Ok(Some(folder)) = resolve_lenient(parent) else {
        return Err(missing());
    };
    let resolved = folder.join(name);
    if fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        return Err(refuse("it is a folder, not a file".into()));
    }
    if let Some(baseline) = places.baseline
        && resolved.starts_with(baseline)
    {
        return Err(refuse(format!(
            "it is inside the baseline {}, which a review never writes",
            baseline.display()
        )));
    }
    if let Ok(inside) = resolved.strip_prefix(places.review_dir) {
        let inside = inside.to_string_lossy();
        let own = places
            .review_files
            .iter()
            .any(|own| match own.strip_suffix('/') {
                Some(dir) => inside == dir || inside.starts_with(&format!("{dir}/")),
                None => inside == *own,
            });
        if own || inside.is_empty() {
            return Err(refuse(format!(
                "it is the review folder's own {}",
                if inside.is_empty() { "folder" } else { &inside }
            )));
        }
    }
    // A folder that does not exist yet is made by the review only when it is the review
    // folder itself.
    if !folder.is_dir() && folder != places.review_dir {
        return Err(missing());
    }
    standing(path, kind).map_err(refuse)
}

/// Checks, writing nothing, that [`write()`] would not be refused at `path`: what stands there
/// may be replaced, and this process may change the folder it goes into (or, where that is
/// still to be made, the nearest folder that holds it). For a review that must know its side
/// outputs can be written before it changes the baseline.
pub fn ready(path: &Path, kind: Sidecar) -> Result<(), ReviewError> {
    standing(path, kind).map_err(|reason| ReviewError::Sidecar {
        path: path.to_path_buf(),
        reason,
        advice: format!("choose a new file, or a {} this tool wrote", kind.noun()),
    })?;
    let mut folder = folder_of(path);
    while fs::symlink_metadata(folder).is_err() {
        folder = folder_of(folder);
    }
    crate::output::fsx::may_change(folder).map_err(|source| ReviewError::Io {
        path: folder.to_path_buf(),
        source,
    })
}

/// Whether what stands at `path` may be replaced: nothing, an empty regular file, or one of
/// this kind written by this tool. The reason when not.
fn standing(path: &Path, kind: Sidecar) -> Result<(), String> {
    let Some(name) = path.file_name() else {
        return Err("names no file".into());
    };
    match Folder::open_following(folder_of(path)) {
        Ok(folder) => standing_in(&folder, name, kind),
        // Nothing stands where no folder is yet.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e.to_string()),
    }
}

/// [`standing`] for the entry `name` of the opened folder `folder`: what is checked is what
/// the write then replaces.
fn standing_in(folder: &Folder, name: &OsStr, kind: Sidecar) -> Result<(), String> {
    let stat = match folder.stat(name) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        stat => stat.map_err(|e| e.to_string())?,
    };
    match EntryKind::of_mode(stat.st_mode) {
        EntryKind::File => {}
        EntryKind::Link => {
            return Err("it is a symbolic link; a review does not write through links".into());
        }
        _ => return Err(format!("it is {}, not a file", describe_mode(stat.st_mode))),
    }
    if stat.st_size == 0 {
        return Ok(());
    }
    let Ok(Some(file)) = folder.open_file(name) else {
        return Err("it changed while it was being read".into());
    };
    let mut start = Vec::new();
    file.take(crate::output::SNIFF_BYTES)
        .read_to_end(&mut start)
        .map_err(|e| e.to_string())?;
    if kind.owns(&start) {
        Ok(())
    } else {
        Err(format!(
            "it holds something this tool did not write (not a {} of logreg-report)",
            kind.noun()
        ))
    }
}

/// Writes `text` to `path` whole or not at all, after checking once more, on the folder it
/// actually writes into (opened once, then used for everything), that it is not inside
/// `apart` (the baseline) and that what stands there may be replaced.
pub fn write(
    path: &Path,
    kind: Sidecar,
    text: &str,
    apart: Option<&Path>,
) -> Result<(), ReviewError> {
    let io = |source| ReviewError::Io {
        path: path.to_path_buf(),
        source,
    };
    let refuse = |reason: String| ReviewError::Sidecar {
        path: path.to_path_buf(),
        reason,
        advice: format!("choose a new file, or a {} this tool wrote", kind.noun()),
    };
    let Some(name) = path.file_name() else {
        return Err(refuse("names no file".into()));
    };
    let folder = Folder::open_following(folder_of(path)).map_err(io)?;
    if let Some(apart) = apart
        && let Ok(baseline) = Folder::open_following(apart)
        && folder
            .within(baseline.identity().map_err(io)?)
            .map_err(io)?
    {
        return Err(refuse(format!(
            "it is inside the baseline {}, which a review never writes",
            apart.display()
        )));
    }
    standing_in(&folder, name, kind).map_err(refuse)?;
    folder.replace_file(name, text.as_bytes(), true).map_err(io)
}
