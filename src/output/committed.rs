//! A report committed in git: the files of `REV:./DIR` (DIR relative to the folder the command
//! runs in), read with `git ls-tree` and `git cat-file` into memory. No worktree is made and
//! nothing is written: the repository is only read.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use super::error::OutputError;
use super::manifest::{Foreign, Manifest, RESULTS, names_tool};
use super::target::Existing;

/// The most bytes a committed report may hold in all: a committed report is the default
/// study's, about a megabyte; anything near this is not one.
pub const MAX_COMMITTED_BYTES: u64 = 64 << 20;
/// The most entries (files, links, submodules) a committed report's folder may list: a
/// report has a few dozen files. A tree that lists more is refused as soon as git has said
/// so many, whatever it would go on to list.
pub const MAX_COMMITTED_ENTRIES: usize = 10_000;
/// The most bytes of `git ls-tree` read: a line per entry, each well under 1 KiB.
const MAX_LISTING_BYTES: u64 = MAX_COMMITTED_ENTRIES as u64 * 1024;

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
        let commit = commit_named(rev).map_err(&refuse)?;
        let entries = list_folder(&commit, &dir_text).map_err(&refuse)?;
        let files = read_files(entries).map_err(&refuse)?;
        Ok(Committed {
            existing: report_in(&files, &dir_text).map_err(&refuse)?,
            rev: rev.to_string(),
            dir: dir_text,
            files,
        })
    }

    /// `main:output/`, as the user named them.
    pub fn label(&self) -> String {
        format!("{}:{}/", self.rev, self.dir)
    }

    /// The first folder on the way to `path` that the commit holds as something else (a link
    /// or a submodule), and what it is.
    pub(crate) fn in_the_way(&self, path: &str) -> Option<(String, &'static str)> {
        let parts: Vec<&str> = path.split('/').collect();
        (1..parts.len()).find_map(|k| {
            let on_the_way = parts[..k].join("/");
            match self.files.get(&on_the_way) {
                Some(Blob::Other(what)) => Some((on_the_way, *what)),
                _ => None,
            }
        })
    }
}

/// The full name of the commit `rev` names, in the git work tree the current folder is in.
fn commit_named(rev: &str) -> Result<String, String> {
    let inside = git(&["rev-parse", "--is-inside-work-tree"], None, 64, None).map_err(|e| {
        // git's own words, unless they only say that this is no repository.
        if e.contains("not a git repository") {
            "the current folder is not inside a git repository".into()
        } else {
            e
        }
    })?;
    if inside.trim_ascii() != b"true" {
        return Err("the current folder is not inside a git work tree".into());
    }
    let spec = format!("{rev}^{{commit}}");
    let commit = git(
        &["rev-parse", "--verify", "--quiet", &spec],
        None,
        128,
        None,
    )
    .map_err(|e| {
        if e.starts_with("git rev-parse failed") {
            "names no commit of this repository".into()
        } else {
            e
        }
    })?;
    Ok(String::from_utf8_lossy(commit.trim_ascii()).into_owned())
}

/// Every entry of `commit:./dir_text`, within the bounds a committed report keeps.
fn list_folder(commit: &str, dir_text: &str) -> Result<Vec<Entry>, String> {
    let tree = format!("{commit}:./{dir_text}");
    let listing = git(
        &["ls-tree", "-r", "-l", "-z", &tree],
        None,
        MAX_LISTING_BYTES,
        Some(MAX_COMMITTED_ENTRIES),
    )
    .map_err(|e| {
        if e.contains("Not a valid object name") || e.contains("not a tree object") {
            format!("holds no folder {dir_text}/ (no report of logreg-report was committed there)")
        } else {
            e.replace(
                "more than the records read",
                &format!("{dir_text}/ lists more than {MAX_COMMITTED_ENTRIES} entries"),
            )
        }
    })?;
    let entries = parse_listing(&listing)?;
    let total: u64 = entries.iter().filter_map(|e| e.size).sum();
    if total > MAX_COMMITTED_BYTES {
        return Err(format!(
            "{dir_text}/ holds {total} bytes, more than the {MAX_COMMITTED_BYTES} a committed \
             report may have"
        ));
    }
    Ok(entries)
}

/// What stands at each entry's path: the files' bytes, read in one `git cat-file --batch`.
fn read_files(entries: Vec<Entry>) -> Result<BTreeMap<String, Blob>, String> {
    let ids: Vec<&str> = entries
        .iter()
        .filter(|e| e.size.is_some())
        .map(|e| e.id.as_str())
        .collect();
    let total: u64 = entries.iter().filter_map(|e| e.size).sum();
    let contents = if ids.is_empty() {
        Vec::new()
    } else {
        git(
            &["cat-file", "--batch"],
            Some(format!("{}\n", ids.join("\n")).as_bytes()),
            total + 64 * ids.len() as u64 + 1024,
            None,
        )?
    };
    let mut blobs = split_batch(&contents, ids.len())?.into_iter();
    Ok(entries
        .into_iter()
        .map(|entry| match entry.size {
            Some(_) => (entry.path, Blob::File(blobs.next().unwrap_or_default())),
            None => (entry.path, Blob::Other(entry.kind)),
        })
        .collect())
}

/// What the committed folder holds: a report of this tool (perhaps damaged), or an error.
fn report_in(files: &BTreeMap<String, Blob>, dir_text: &str) -> Result<Existing, String> {
    match files.get(RESULTS) {
        Some(Blob::File(bytes)) => match Manifest::parse(bytes) {
            Ok(manifest) => Ok(Existing::Report(manifest)),
            Err(Foreign::Unreadable(why)) if names_tool(bytes) => Ok(Existing::Damaged(why)),
            Err(reason) => Err(format!(
                "{dir_text}/ there is not a report of logreg-report ({})",
                reason.describe(super::manifest::Kind::Report)
            )),
        },
        _ => Err(format!(
            "holds no report of logreg-report in {dir_text}/ (no {dir_text}/{RESULTS})"
        )),
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
            // git says BAD for the size of a blob it does not have (a partial clone).
            "100644" | "100755" if size == "BAD" => {
                return Err(format!(
                    "{path} is missing from this repository (a partial clone lacks it), and a \
                     review reads git but never fetches: fetch the commit's files first \
                     (git fetch)"
                ));
            }
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
        blobs.push(out.get(start..start + size).ok_or_else(bad)?.to_vec());
        out = out.get(start + size + 1..).unwrap_or_default();
    }
    Ok(blobs)
}

/// The most of git's standard error kept: its first lines say why.
const MAX_GIT_ERROR_BYTES: usize = 64 << 10;

/// Runs git with `args` (and `input` on its standard input), reading the repository and
/// nothing else: it may not fetch (a partial clone's missing objects stay missing), may not
/// take optional locks, and may not ask for anything. Its standard output and standard error
/// are read at the same time (a child blocked on one never stalls the other). Of its standard
/// output at most `bytes` are read, and (for NUL-separated listings) at most `records`
/// records; past either, git is stopped. Returns its output, or its own words on why it
/// failed.
fn git(
    args: &[&str],
    input: Option<&[u8]>,
    bytes: u64,
    records: Option<usize>,
) -> Result<Vec<u8>, String> {
    let mut child = Command::new("git")
        .args(["-c", "protocol.allow=never", "-c", "core.fsmonitor=false"])
        .args(args)
        .env("LC_ALL", "C")
        .env("GIT_NO_LAZY_FETCH", "1")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_TERMINAL_PROMPT", "0")
        .stdin(input.map_or_else(Stdio::null, |_| Stdio::piped()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("git could not be run ({e})"))?;
    let writer = input.map(|bytes| {
        let (mut stdin, bytes) = (child.stdin.take(), bytes.to_vec());
        std::thread::spawn(move || stdin.as_mut().map(|s| s.write_all(&bytes)))
    });
    let errors = child
        .stderr
        .take()
        .map(|err| std::thread::spawn(move || drain_errors(err)));
    let stdout = match child.stdout.take() {
        Some(out) => read_bounded(out, bytes, records, args[0]),
        None => Ok(Vec::new()),
    };
    if stdout.is_err() {
        let _ = child.kill();
    }
    let status = child.wait().map_err(|e| format!("git: {e}"));
    let _ = writer.map(|w| w.join());
    let stderr = errors.and_then(|e| e.join().ok()).unwrap_or_default();
    let (stdout, status) = (stdout?, status?);
    if status.success() {
        return Ok(stdout);
    }
    let said = String::from_utf8_lossy(&stderr);
    Err(match said.lines().map(str::trim).find(|l| !l.is_empty()) {
        Some(line) => format!("git: {}", line.chars().take(300).collect::<String>()),
        None => format!("git {} failed ({status})", args[0]),
    })
}

/// Git's standard error read to its end, so that git never blocks on it; only its start kept.
fn drain_errors(mut err: impl Read) -> Vec<u8> {
    let mut kept = Vec::new();
    let _ = (&mut err)
        .take(MAX_GIT_ERROR_BYTES as u64)
        .read_to_end(&mut kept);
    let _ = io::copy(&mut err, &mut io::sink());
    kept
}

/// What git (running `command`) prints on its standard output, read to its end within
/// `bytes` bytes and `records` records (see [`git`]).
fn read_bounded(
    mut out: impl Read,
    bytes: u64,
    records: Option<usize>,
    command: &str,
) -> Result<Vec<u8>, String> {
    let mut stdout = Vec::new();
    let mut seen = 0usize;
    let mut chunk = vec![0u8; 64 << 10];
    loop {
        let n = match out.read(&mut chunk) {
            Ok(0) => return Ok(stdout),
            Ok(n) => n,
            Err(e) => return Err(format!("reading from git: {e}")),
        };
        if stdout.len() as u64 + n as u64 > bytes {
            return Err(format!(
                "git {command} printed more than the {bytes} bytes read"
            ));
        }
        if let Some(most) = records {
            seen += chunk[..n].iter().filter(|&&b| b == 0).count();
            if seen > most {
                return Err("more than the records read".into());
            }
        }
        stdout.extend_from_slice(&chunk[..n]);
    }
}
