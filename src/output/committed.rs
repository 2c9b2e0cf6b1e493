//! A report committed in git: the files of `REV:./DIR` (DIR relative to the folder the command
//! runs in), read with `git ls-tree` and `git cat-file` into memory. No worktree is made and
//! nothing is written: the repository is only read.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use super::error::OutputError;
use super::manifest::{Foreign, Manifest, RESULTS, names_tool};
use super::target::Existing;

/// The most bytes a committed report may hold in all: a committed report is the default
/// study's, about a megabyte; anything near this is not one.
pub const MAX_COMMITTED_BYTES: u64 = 64 << 20;

/// What stands at a path of the committed tree.
#[derive(Clone, Debug)]
pub(crate) enum Blob {
    /// A file's bytes.
    File(Vec<u8>),
    /// A symbolic link or a submodule (what it is).
    Other(&'static str),
}

/// A report read from a commit.
#[derive(Clone, Debug)]
pub struct Committed {
    rev: String,
    dir: String,
    commit: String,
    pub(crate) files: BTreeMap<String, Blob>,
    pub(crate) existing: Existing,
}

impl Committed {
    /// Reads the report committed at `rev` in the folder `dir` of the repository the current
    /// folder is in.
    pub fn read(rev: &str, dir: &Path) -> Result<Committed, OutputError> {
        let refuse = |reason: String| OutputError::Committed {
            rev: rev.to_string(),
            reason,
        };
        if rev.is_empty() || rev.starts_with('-') || rev.contains(['\n', '\0']) {
            return Err(refuse("is not a revision name".into()));
        }
        let dir_text = dir
            .to_str()
            .filter(|d| !d.is_empty() && !Path::new(d).is_absolute())
            .ok_or_else(|| {
                refuse(format!(
                    "the baseline {} must be a folder relative to this one to be read from git",
                    dir.display()
                ))
            })?
            .trim_end_matches('/')
            .to_string();
        let inside = git(&["rev-parse", "--is-inside-work-tree"], None).map_err(|e| {
            refuse(if e.starts_with("git could not be run") {
                e
            } else {
                "the current folder is not inside a git repository".into()
            })
        })?;
        if inside.trim_ascii() != b"true" {
            return Err(refuse(
                "the current folder is not inside a git work tree".into(),
            ));
        }
        let commit = git(
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
            None,
        )
        .map_err(|_| refuse("names no commit of this repository".into()))?;
        let commit = String::from_utf8_lossy(commit.trim_ascii()).into_owned();
        let tree = format!("{commit}:./{dir_text}");
        let listing = git(&["ls-tree", "-r", "-l", "-z", &tree], None).map_err(|_| {
            refuse(format!(
                "holds no folder {dir_text}/ (no report of logreg-report was committed there)"
            ))
        })?;
        let entries = parse_listing(&listing).map_err(&refuse)?;
        let total: u64 = entries.iter().filter_map(|e| e.size).sum();
        if total > MAX_COMMITTED_BYTES {
            return Err(refuse(format!(
                "{dir_text}/ holds {total} bytes, more than the {MAX_COMMITTED_BYTES} a committed \
                 report may have"
            )));
        }
        let ids: Vec<&str> = entries
            .iter()
            .filter(|e| e.size.is_some())
            .map(|e| e.id.as_str())
            .collect();
        let mut request = ids.join("\n").into_bytes();
        request.push(b'\n');
        let contents = if ids.is_empty() {
            Vec::new()
        } else {
            git(&["cat-file", "--batch"], Some(&request)).map_err(&refuse)?
        };
        let mut blobs = split_batch(&contents, ids.len())
            .map_err(&refuse)?
            .into_iter();
        let mut files = BTreeMap::new();
        for entry in entries {
            let blob = match entry.size {
                Some(_) => Blob::File(blobs.next().unwrap_or_default()),
                None => Blob::Other(entry.kind),
            };
            files.insert(entry.path, blob);
        }
        let existing = match files.get(RESULTS) {
            Some(Blob::File(bytes)) => match Manifest::parse(bytes) {
                Ok(manifest) => Existing::Report(manifest),
                Err(Foreign::Unreadable(why)) if names_tool(bytes) => Existing::Damaged(why),
                Err(reason) => {
                    return Err(refuse(format!(
                        "{dir_text}/ there is not a report of logreg-report ({})",
                        reason.describe(super::manifest::Kind::Report)
                    )));
                }
            },
            _ => {
                return Err(refuse(format!(
                    "holds no report of logreg-report in {dir_text}/ (no {dir_text}/{RESULTS})"
                )));
            }
        };
        Ok(Committed {
            rev: rev.to_string(),
            dir: dir_text,
            commit,
            files,
            existing,
        })
    }

    /// `main:output/`, as the user named them.
    pub fn label(&self) -> String {
        format!("{}:{}/", self.rev, self.dir)
    }

    /// The full commit id the revision named.
    pub fn commit(&self) -> &str {
        &self.commit
    }
}

/// One entry of `git ls-tree -r -l -z`.
struct Entry {
    id: String,
    /// The size of a blob; `None` for a link or a submodule.
    size: Option<u64>,
    kind: &'static str,
    path: String,
}

/// `<mode> SP <type> SP <object> SP+ <size> TAB <path> NUL`, one entry after another.
fn parse_listing(listing: &[u8]) -> Result<Vec<Entry>, String> {
    let mut entries = Vec::new();
    for record in listing.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let bad = || "git ls-tree printed what it never prints".to_string();
        let text = std::str::from_utf8(record).map_err(|_| "a path is not UTF-8".to_string())?;
        let (meta, path) = text.split_once('\t').ok_or_else(bad)?;
        let fields: Vec<&str> = meta.split_whitespace().collect();
        let [mode, _kind, id, size] = fields[..] else {
            return Err(bad());
        };
        let (size, kind) = match mode {
            "100644" | "100755" => (Some(size.parse().map_err(|_| bad())?), "a file"),
            "120000" => (None, "a symbolic link"),
            "160000" => (None, "a submodule"),
            _ => (None, "a special entry"),
        };
        entries.push(Entry {
            id: id.to_string(),
            size,
            kind,
            path: path.to_string(),
        });
    }
    Ok(entries)
}

/// The contents of `count` objects from `git cat-file --batch`: each `<id> blob <size> LF`,
/// the bytes, and a LF.
fn split_batch(mut out: &[u8], count: usize) -> Result<Vec<Vec<u8>>, String> {
    let mut blobs = Vec::with_capacity(count);
    for _ in 0..count {
        let bad = || "git cat-file printed what it never prints".to_string();
        let end = out.iter().position(|&b| b == b'\n').ok_or_else(bad)?;
        let header = std::str::from_utf8(&out[..end]).map_err(|_| bad())?;
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(bad)?;
        let start = end + 1;
        let bytes = out.get(start..start + size).ok_or_else(bad)?;
        blobs.push(bytes.to_vec());
        out = out.get(start + size + 1..).unwrap_or_default();
    }
    Ok(blobs)
}

/// Runs git with `args` (and `input` on its standard input); its standard output, or the
/// first line of what it said on standard error.
fn git(args: &[&str], input: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let mut child = Command::new("git")
        .args(args)
        .env("LC_ALL", "C")
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("git could not be run ({e})"))?;
    let writer = input.map(|bytes| {
        let mut stdin = child.stdin.take();
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            if let Some(stdin) = &mut stdin {
                let _ = stdin.write_all(&bytes);
            }
        })
    });
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    if let Some(out) = &mut child.stdout {
        out.take(MAX_COMMITTED_BYTES * 2)
            .read_to_end(&mut stdout)
            .map_err(|e| format!("reading from git: {e}"))?;
    }
    if let Some(err) = &mut child.stderr {
        let _ = err.take(64 << 10).read_to_end(&mut stderr);
    }
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    let status = child.wait().map_err(|e| format!("git: {e}"))?;
    if status.success() {
        Ok(stdout)
    } else {
        let said = String::from_utf8_lossy(&stderr);
        let line = said.lines().next().unwrap_or("").trim();
        Err(if line.is_empty() {
            format!("git {} failed ({status})", args[0])
        } else {
            format!("git: {line}")
        })
    }
}
