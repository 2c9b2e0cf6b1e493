//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The page template the program compiles in, as the library takes it.
pub fn built_in_template() -> logreg_report::config::Template {
    logreg_report::config::Template::text(
        "report.html (built in)",
        include_str!("../templates/report.html"),
    )
}

/// The release binary under test, started as a user starts an installed program: not by
/// cargo (whose variables `cargo test` passes on), so that the commands it advises name the
/// program itself.
pub fn binary() -> Command {
    let mut command = Command::cargo_bin("logreg-report").expect("the binary is built");
    command.env_remove("CARGO").env_remove("CARGO_PKG_NAME");
    command
}

/// Its path, for `std::process::Command`.
pub fn binary_path() -> PathBuf {
    assert_cmd::cargo::cargo_bin("logreg-report")
}

/// Every entry under `dir` by relative path: a file's bytes, a link's target (never
/// followed), a folder as `/`, anything else as its kind.
pub fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).expect("readable folder") {
            let path = entry.expect("a folder entry").path();
            let meta = std::fs::symlink_metadata(&path).expect("metadata");
            let relative = path.strip_prefix(root).expect("under root").to_path_buf();
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).expect("a link");
                let text = format!("-> {}", target.display());
                files.insert(relative, text.into_bytes());
            } else if meta.is_dir() {
                files.insert(relative, b"/".to_vec());
                walk(root, &path, files);
            } else if meta.is_file() {
                files.insert(relative, std::fs::read(&path).expect("readable file"));
            } else {
                files.insert(relative, b"special".to_vec());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// The files of a snapshot only (no folders, links or special files).
pub fn files_of(snapshot: &BTreeMap<PathBuf, Vec<u8>>) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot
        .iter()
        .filter(|(_, v)| {
            v.as_slice() != b"/" && !v.starts_with(b"-> ") && v.as_slice() != b"special"
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// How many files the report in `out` says its run wrote: the files its `results.json`
/// lists, and `results.json` itself.
pub fn files_listed(out: &Path) -> usize {
    let results = std::fs::read(out.join("results.json")).expect("a report's marker");
    let results: serde_json::Value = serde_json::from_slice(&results).expect("JSON");
    results["artifacts"]
        .as_object()
        .expect("a list of files")
        .len()
        + 1
}

/// Writes the default report into `out`, quietly.
pub fn write_report(out: &Path) {
    binary()
        .arg("--quiet")
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

/// stderr of a finished run, as text.
pub fn stderr_of(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8")
}

/// Asserts one line on stderr, starting `error: `, and no panic.
pub fn one_line(stderr: &str) {
    assert_eq!(
        stderr.lines().count(),
        1,
        "expected one line, got: {stderr}"
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The staging folders of this tool in `dir`.
pub fn staging_folders(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .expect("readable folder")
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".logreg-report-staging-")
        })
        .map(|e| e.path())
        .collect()
}

/// A `CNAME`, notes in a folder of their own, and `extra` more files there.
pub fn add_user_files(out: &Path, extra: usize) -> BTreeMap<PathBuf, Vec<u8>> {
    fs::write(out.join("CNAME"), "stats.example.org\n").expect("writable");
    fs::create_dir_all(out.join("extra/deeper")).expect("writable");
    fs::write(out.join("extra/notes.md"), "# My notes\n").expect("writable");
    for k in 0..extra {
        fs::write(out.join(format!("extra/deeper/{k}.txt")), k.to_string()).expect("writable");
    }
    files_of(&snapshot(out))
        .into_iter()
        .filter(|(path, _)| path.starts_with("extra") || path == Path::new("CNAME"))
        .collect()
}

pub fn assert_user_files(out: &Path, user: &BTreeMap<PathBuf, Vec<u8>>) {
    let now = files_of(&snapshot(out));
    for (path, bytes) in user {
        assert_eq!(
            now.get(path),
            Some(bytes),
            "{} changed or went",
            path.display()
        );
    }
}
