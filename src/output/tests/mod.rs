//! Tests of the output folder's guarantees, on the library's writer.

mod debris;
mod links;

use std::fs;
use std::path::{Path, PathBuf};

use super::*;
type Result<T, E = OutputError> = std::result::Result<T, E>;
use crate::progress::Progress;

pub(super) fn artifact(path: &str, text: &str) -> Artifact {
    Artifact::bytes(path, text.as_bytes().to_vec())
}

/// A report's files, with a `results.json` listing them as a run of this tool does: made
/// last, from the hashes of the others.
pub(super) fn report(files: &[(&str, &str)]) -> Vec<Artifact> {
    let mut artifacts: Vec<Artifact> = files.iter().map(|(p, t)| artifact(p, t)).collect();
    artifacts.push(Artifact {
        path: RESULTS.into(),
        body: Body::Later(std::sync::Arc::new(|made: &Ledger| {
            let listed: serde_json::Map<String, serde_json::Value> = made
                .iter()
                .map(|(path, m)| (path.clone(), m.sha256.clone().into()))
                .collect();
            let results = serde_json::json!({ "tool": TOOL, "artifacts": listed });
            Ok(serde_json::to_vec(&results).expect("JSON"))
        })),
    });
    artifacts
}

#[derive(Default)]
pub(super) struct Warnings(Vec<String>);

impl Progress for Warnings {
    fn warn(&mut self, message: &str) {
        self.0.push(message.to_string());
    }
}

pub(super) fn write_to(out: &Path, artifacts: &[Artifact]) -> Result<Vec<String>> {
    let target = Target::resolve(out)?;
    let mut warnings = Warnings::default();
    write(&target, artifacts, &mut warnings)?;
    Ok(warnings.0)
}

pub(super) fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every file under `dir` (symbolic links as their targets' text), by relative path.
pub(super) fn snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let relative = path.strip_prefix(root).unwrap().to_path_buf();
            if meta.file_type().is_symlink() {
                let link = fs::read_link(&path).unwrap();
                out.push((relative, format!("-> {}", link.display())));
            } else if meta.is_dir() {
                out.push((relative.clone(), "/".into()));
                walk(root, &path, out);
            } else if meta.is_file() {
                out.push((relative, fs::read_to_string(&path).unwrap_or_default()));
            } else {
                out.push((relative, "special".into()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

#[test]
fn a_new_folder_is_made_with_its_parents() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("a/b/output");
    write_to(&out, &report(&[("index.html", "page")])).unwrap();
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "page");
    assert_eq!(
        names(&root.path().join("a/b")),
        vec!["output"],
        "no staging left"
    );
}

#[test]
fn owned_files_are_replaced_and_the_users_files_kept() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("output");
    write_to(&out, &report(&[("a.txt", "one"), ("sub/b.txt", "two")])).unwrap();
    fs::write(out.join("CNAME"), "example.org").unwrap();
    fs::create_dir(out.join("extra")).unwrap();
    fs::write(out.join("extra/notes.md"), "mine").unwrap();
    fs::write(out.join("sub/mine.txt"), "also mine").unwrap();
    write_to(
        &out,
        &report(&[("c.txt", "three"), ("sub/b.txt", "two, again")]),
    )
    .unwrap();
    assert!(
        !out.join("a.txt").exists(),
        "a file the previous run wrote is gone"
    );
    assert_eq!(fs::read_to_string(out.join("c.txt")).unwrap(), "three");
    assert_eq!(
        fs::read_to_string(out.join("sub/b.txt")).unwrap(),
        "two, again"
    );
    assert_eq!(
        fs::read_to_string(out.join("CNAME")).unwrap(),
        "example.org"
    );
    assert_eq!(
        fs::read_to_string(out.join("extra/notes.md")).unwrap(),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(out.join("sub/mine.txt")).unwrap(),
        "also mine"
    );
    assert_eq!(names(root.path()), vec!["output"]);
}

#[test]
fn a_folder_that_is_not_a_report_is_refused_untouched() {
    let root = tempfile::tempdir().unwrap();
    let home = root.path().join("home");
    fs::create_dir_all(home.join(".ssh")).unwrap();
    fs::write(home.join(".ssh/id_ed25519"), "key").unwrap();
    fs::write(home.join(".bashrc"), "rc").unwrap();
    let before = snapshot(root.path());
    let err = write_to(&home, &report(&[("index.html", "page")])).unwrap_err();
    assert!(matches!(err, OutputError::NotAReport { .. }), "{err}");
    assert!(
        err.to_string().contains("is not a report of logreg-report"),
        "{err}"
    );
    assert_eq!(snapshot(root.path()), before);
    // A results.json of another tool does not make it ours either.
    fs::write(
        home.join("results.json"),
        r#"{"tool": "else", "artifacts": {".bashrc": "x"}}"#,
    )
    .unwrap();
    assert!(matches!(
        write_to(&home, &report(&[("index.html", "page")])),
        Err(OutputError::NotAReport { .. })
    ));
    assert!(home.join(".bashrc").exists());
}

#[test]
fn an_empty_folder_is_used() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("empty");
    fs::create_dir(&out).unwrap();
    write_to(&out, &report(&[("x.txt", "x")])).unwrap();
    assert!(out.join("x.txt").exists());
}

#[test]
fn a_users_file_where_the_report_writes_stops_the_run() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("output");
    write_to(&out, &report(&[("a.txt", "one")])).unwrap();
    fs::write(out.join("index.html"), "the user's own page").unwrap();
    let before = snapshot(root.path());
    let err = write_to(&out, &report(&[("a.txt", "one"), ("index.html", "ours")])).unwrap_err();
    assert!(matches!(err, OutputError::InTheWay { .. }), "{err}");
    assert_eq!(snapshot(root.path()), before);
    // A user's file standing where the report needs a folder, too.
    fs::remove_file(out.join("index.html")).unwrap();
    fs::write(out.join("figures"), "a file, not a folder").unwrap();
    let err = write_to(&out, &report(&[("figures/a.svg", "svg")])).unwrap_err();
    assert!(matches!(err, OutputError::InTheWay { .. }), "{err}");
}

#[test]
fn a_changed_file_the_report_no_longer_writes_is_kept_with_a_warning() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("output");
    write_to(
        &out,
        &report(&[("old.txt", "as written"), ("keep.txt", "k")]),
    )
    .unwrap();
    fs::write(out.join("old.txt"), "edited by hand").unwrap();
    let warnings = write_to(&out, &report(&[("keep.txt", "k")])).unwrap();
    assert_eq!(
        fs::read_to_string(out.join("old.txt")).unwrap(),
        "edited by hand"
    );
    assert!(
        warnings.iter().any(|w| w.contains("old.txt")),
        "{warnings:?}"
    );
}

#[test]
fn a_failed_write_leaves_the_previous_report_and_no_new_parents() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("output");
    write_to(&out, &report(&[("a.txt", "one")])).unwrap();
    let before = snapshot(root.path());
    // A path that cannot be made: a file where a folder must go.
    let bad = [artifact("x", "file"), artifact("x/y.txt", "under a file")];
    assert!(write_to(&out, &bad).is_err());
    assert_eq!(snapshot(root.path()), before);
    let deep = root.path().join("new/deeper/output");
    assert!(write_to(&deep, &bad).is_err());
    assert!(
        !root.path().join("new").exists(),
        "parents made by a failed run are removed"
    );
}

#[test]
fn every_file_gets_a_byte_verdict() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("output");
    let files = [("same", "s"), ("edited", "e"), ("gone", "g"), ("dir", "d")];
    write_to(&out, &report(&[files.as_slice(), &[("old", "o")]].concat())).unwrap();
    fs::write(out.join("edited"), "E").unwrap();
    fs::remove_file(out.join("gone")).unwrap();
    fs::remove_file(out.join("dir")).unwrap();
    fs::create_dir(out.join("dir")).unwrap();
    let run = report(&[files.as_slice(), &[("fresh", "f")]].concat());
    let target = Baseline::Folder(Target::resolve(&out).unwrap());
    let found = verdicts(&target, &run, &|a| a.path == "edited").unwrap();
    let words: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.path.as_str(), f.verdict.word()))
        .collect();
    assert_eq!(
        words,
        [
            ("dir", "unreadable"),
            ("edited", "changed"),
            ("fresh", "new"),
            ("gone", "missing"),
            ("old", "removed"),
            ("results.json", "changed"),
            ("same", "identical"),
        ]
    );
    assert_eq!(found[1].candidate.as_deref(), Some(&b"e"[..]));
    assert!(
        found
            .iter()
            .filter(|f| f.path != "edited")
            .all(|f| f.candidate.is_none())
    );
    // `--check` lists the same, in the same words.
    let listed: Vec<(String, &str)> = compare(target.folder().unwrap(), &run)
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.verdict.word()))
        .collect();
    let expected = found
        .iter()
        .filter(|f| f.verdict != Verdict::Identical)
        .map(|f| (f.path.clone(), f.verdict.word()));
    assert_eq!(listed, expected.collect::<Vec<_>>());
}

#[test]
fn a_report_with_a_cut_marker_is_read_as_damaged_and_never_written() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("output");
    write_to(&out, &report(&[("a", "1")])).unwrap();
    // Cut short, as a full disk or a killed copy leaves it; the tool writes "tool" first.
    let cut = format!("{{\n  \"tool\": \"{TOOL}\",\n  \"artifacts\": {{\"a\": \"6b");
    fs::write(out.join(RESULTS), cut).unwrap();
    let target = Target::resolve_baseline(&out).unwrap();
    assert!(matches!(target.existing(), Existing::Damaged(_)));
    let found = verdicts(
        &Baseline::Folder(target.clone()),
        &report(&[("a", "1")]),
        &|_| false,
    )
    .unwrap();
    assert_eq!(found[0].verdict, Verdict::Identical);
    assert!(
        matches!(found[1].verdict, Verdict::Unreadable(_)),
        "{found:?}"
    );
    assert!(matches!(
        write(&target, &report(&[("a", "2")]), &mut Warnings::default()),
        Err(OutputError::NotAReport { .. })
    ));
    assert_eq!(fs::read_to_string(out.join("a")).unwrap(), "1");
    // A marker that does not name the tool is a stranger's, damaged or not.
    fs::write(out.join(RESULTS), b"{\"seed\": 1, \"tool").unwrap();
    assert!(matches!(
        Target::resolve_baseline(&out),
        Err(OutputError::NotAReport { .. })
    ));
}
