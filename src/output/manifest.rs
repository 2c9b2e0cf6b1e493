//! What a report folder says about itself: its `results.json` names the tool that wrote it and
//! lists every other file of the run with its sha256. That list is how the tool knows which
//! files it owns; everything else in the folder belongs to the user.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Component, Path};

use serde::Deserialize;

use super::fsx;
use super::handle::Folder;

/// The file that marks a folder as a report and lists its files.
pub const RESULTS: &str = "results.json";
/// The file that marks a folder as a review page of this tool and lists its files.
pub const REVIEW: &str = "review.json";
/// The tool name `results.json` carries.
pub const TOOL: &str = env!("CARGO_PKG_NAME");
/// The largest marker file (`results.json`, `review.json`) that is read: the run writes some
/// ten kilobytes a fit with its iterates (about 300 kB in all by default), bounds the number
/// of strengths where user input is checked, and refuses to write a larger `results.json`
/// (`report::results::render`), so a larger one is not one of ours. The review reads
/// `results.json` within the same limit.
pub const MAX_RESULTS_BYTES: u64 = 4 << 20;

/// The most files a marker file may list: a report lists a few dozen, a review folder a few
/// more images. A list longer than this is not one of ours, and is never acted on file by
/// file.
pub const MAX_MANIFEST_FILES: usize = 1000;

/// Which kind of folder of the tool's: each is recognised by its own marker file, so that one
/// is never taken for the other (a review page never replaces a report, nor the reverse).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A report: marked by `results.json`.
    Report,
    /// A review page: marked by `review.json`.
    Review,
}

impl Kind {
    /// The file that marks a folder of this kind and lists the files the tool wrote there.
    pub const fn marker(self) -> &'static str {
        match self {
            Kind::Report => RESULTS,
            Kind::Review => REVIEW,
        }
    }

    /// What a folder of this kind is called in messages.
    pub const fn noun(self) -> &'static str {
        match self {
            Kind::Report => "report",
            Kind::Review => "review folder",
        }
    }
}

/// Why a folder with files in it is not a report of this tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Foreign {
    /// It has no `results.json`.
    NoResults,
    /// Its `results.json` cannot be read or parsed (the reason).
    Unreadable(String),
    /// Its `results.json` was written by another tool (its name, if it gives one).
    OtherTool(Option<String>),
}

impl Foreign {
    /// Why, in words, for a folder that should have been of `kind`.
    pub fn describe(&self, kind: Kind) -> String {
        let marker = kind.marker();
        match self {
            Foreign::NoResults => format!("it has no {marker}"),
            Foreign::Unreadable(why) => format!("its {marker} cannot be read ({why})"),
            Foreign::OtherTool(Some(tool)) => format!("its {marker} was written by {tool}"),
            Foreign::OtherTool(None) => format!("its {marker} was not written by {TOOL}"),
        }
    }
}

/// The files a report's run wrote, by '/'-separated relative path, with their sha256
/// (`results.json` itself has none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    files: BTreeMap<String, Option<String>>,
}

#[derive(Deserialize)]
struct Header {
    tool: Option<String>,
    #[serde(default)]
    artifacts: BTreeMap<String, String>,
}

impl Manifest {
    /// The manifest of the folder of `kind` in `dir`, read from its marker file.
    pub fn read_kind(dir: &Path, kind: Kind) -> Result<Manifest, Foreign> {
        match fsx::read_regular(&dir.join(kind.marker()), MAX_RESULTS_BYTES) {
            Ok(Some(bytes)) => Self::parse_kind(&bytes, kind),
            Ok(None) => Err(Foreign::NoResults),
            Err(e) => Err(Foreign::Unreadable(e.to_string())),
        }
    }

    /// The manifest of the opened folder `dir` of `kind`, read from its marker file.
    pub(crate) fn read_kind_in(dir: &Folder, kind: Kind) -> Result<Manifest, Foreign> {
        match dir.read_limited(OsStr::new(kind.marker()), MAX_RESULTS_BYTES) {
            Ok(Some(bytes)) => Self::parse_kind(&bytes, kind),
            Ok(None) => Err(Foreign::NoResults),
            Err(e) => Err(Foreign::Unreadable(e.to_string())),
        }
    }

    /// The manifest of whichever kind of folder of the tool's the opened folder `dir` is, if
    /// it is one.
    pub(crate) fn read_any_in(dir: &Folder) -> Option<Manifest> {
        [Kind::Report, Kind::Review]
            .into_iter()
            .find_map(|kind| Self::read_kind_in(dir, kind).ok())
    }

    /// The manifest in the text of a `results.json`.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, Foreign> {
        Self::parse_kind(bytes, Kind::Report)
    }

    /// The manifest in the text of the marker file of a folder of `kind`.
    pub fn parse_kind(bytes: &[u8], kind: Kind) -> Result<Manifest, Foreign> {
        let header: Header =
            serde_json::from_slice(bytes).map_err(|e| Foreign::Unreadable(e.to_string()))?;
        if header.tool.as_deref() != Some(TOOL) {
            return Err(Foreign::OtherTool(header.tool));
        }
        if header.artifacts.len() > MAX_MANIFEST_FILES {
            return Err(Foreign::Unreadable(format!(
                "it lists {} files, more than the {MAX_MANIFEST_FILES} a {} of this tool has",
                header.artifacts.len(),
                kind.noun()
            )));
        }
        let mut files: BTreeMap<String, Option<String>> = header
            .artifacts
            .into_iter()
            // A path that could leave the folder is not one the tool writes: ignore it.
            .filter(|(path, _)| is_plain_relative(path))
            .map(|(path, hash)| (path, Some(hash)))
            .collect();
        files.insert(kind.marker().to_string(), None);
        Ok(Manifest { files })
    }

    /// A manifest listing `paths` (with their hashes) and `results.json`.
    pub fn from_files(paths: impl IntoIterator<Item = (String, String)>) -> Manifest {
        let mut files: BTreeMap<String, Option<String>> =
            paths.into_iter().map(|(p, h)| (p, Some(h))).collect();
        files.insert(RESULTS.to_string(), None);
        Manifest { files }
    }

    /// Whether the run that wrote this report wrote `path`.
    pub fn owns(&self, path: &str) -> bool {
        self.files.contains_key(path)
    }

    /// The sha256 recorded for `path`, in lower-case hex.
    pub fn hash(&self, path: &str) -> Option<&str> {
        self.files.get(path).and_then(|h| h.as_deref())
    }

    /// Every path the run wrote, its marker file (`results.json`) included, in order.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }
}

/// How much of the start of a file tells whether this tool wrote it (a marker file naming
/// the tool, a JUnit or Markdown file of a review).
pub(crate) const SNIFF_BYTES: u64 = 256;

/// Whether the marker file of `dir`, a folder of `kind`, begins as this tool writes it,
/// whatever follows (see [`names_tool`]); only its start is read.
pub(crate) fn marker_names_tool(dir: &Path, kind: Kind) -> bool {
    let Ok(Some(file)) =
        Folder::open_following(dir).and_then(|folder| folder.open_file(OsStr::new(kind.marker())))
    else {
        return false;
    };
    let mut start = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, SNIFF_BYTES), &mut start).is_ok()
        && names_tool(&start)
}

/// Whether a marker file's text begins as this tool writes it, `{ "tool": "logreg-report"`,
/// whatever follows: the sign of a report of ours whose marker was cut short or damaged.
pub(crate) fn names_tool(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(SNIFF_BYTES as usize)]);
    let rest = (text.trim_start().strip_prefix('{'))
        .and_then(|r| r.trim_start().strip_prefix("\"tool\""))
        .and_then(|r| r.trim_start().strip_prefix(':'));
    rest.is_some_and(|r| r.trim_start().starts_with(&format!("\"{TOOL}\"")))
}

/// The manifest key of a relative path: its names joined by '/', or `None` when a name is not
/// UTF-8 (the tool writes no such name).
pub(crate) fn key(relative: &Path) -> Option<String> {
    relative
        .components()
        .map(|c| match c {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect::<Option<Vec<&str>>>()
        .map(|names| names.join("/"))
}

/// A '/'-separated path of plain names: not absolute, no `.` or `..`, no empty part.
pub fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && path.split('/').all(|part| plain_name(part.as_ref()))
}

/// A name of one entry in its folder: no separator, not `.` or `..`, not empty.
pub(crate) fn plain_name(name: &OsStr) -> bool {
    let mut parts = Path::new(name).components();
    matches!(parts.next(), Some(Component::Normal(_))) && parts.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_files_a_report_lists() {
        let text = br#"{"tool": "logreg-report", "seed": 3,
            "artifacts": {"figures/a.svg": "ab", "../escape": "cd", "/abs": "ef", "a//b": "00"}}"#;
        let manifest = Manifest::parse(text).unwrap();
        let paths: Vec<&str> = manifest.paths().collect();
        assert_eq!(paths, vec!["figures/a.svg", "results.json"]);
        assert_eq!(manifest.hash("figures/a.svg"), Some("ab"));
        assert!(manifest.owns(RESULTS) && !manifest.owns("CNAME"));
    }

    #[test]
    fn a_results_file_of_another_tool_is_not_ours() {
        assert_eq!(
            Manifest::parse(br#"{"tool": "other"}"#),
            Err(Foreign::OtherTool(Some("other".into())))
        );
        assert_eq!(
            Manifest::parse(br#"{"x": 1}"#),
            Err(Foreign::OtherTool(None))
        );
        assert!(matches!(
            Manifest::parse(b"{ truncated"),
            Err(Foreign::Unreadable(_))
        ));
    }

    #[test]
    fn a_cut_marker_still_names_its_tool() {
        assert!(names_tool(b"{\n  \"tool\": \"logreg-report\",\n  \"vers"));
        assert!(names_tool(br#"{"tool":"logreg-report"}"#));
        assert!(!names_tool(br#"{"seed": 1, "tool": "logreg-report"}"#));
        assert!(!names_tool(br#"{"tool": "logreg-report-fork"}"#));
        assert!(!names_tool(b"{\n  \"to"));
    }

    #[test]
    fn plain_relative_paths() {
        for good in ["a", "a/b.svg", ".nojekyll", "a/.b"] {
            assert!(is_plain_relative(good), "{good}");
        }
        for bad in ["", "/a", "a/../b", "..", ".", "a//b", "a/", "a\\b"] {
            assert!(!is_plain_relative(bad), "{bad}");
        }
    }
}
