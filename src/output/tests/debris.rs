//! What a failed run leaves behind (nothing), what a later run removes, and links that stand
//! where the report writes.

use std::fs;
use std::sync::Arc;

use super::super::layout::{PREFIX, REPORT};
use super::*;

/// Copies the files of `from` (a report, no links) into `to`.
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()));
        } else {
            fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

/// A temporary folder with a report of a page and a figure in `output/`.
fn written() -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("output");
    write_to(
        &out,
        &report(&[("index.html", "page"), ("figures/a.svg", "one")]),
    )
    .unwrap();
    (root, out)
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// A clean-up that failed part-way took the lock with it, leaving a read-only staged report:
/// the next run knows it by the report's own marker and removes it.
#[test]
fn a_staging_folder_without_its_lock_is_removed_by_the_next_run() {
    let (root, out) = written();
    let orphan = root.path().join(format!("{PREFIX}AbC123"));
    copy_tree(&out, &orphan.join(REPORT));
    set_mode(&orphan.join(REPORT).join("figures"), 0o555);
    set_mode(&orphan.join(REPORT), 0o555);
    write_to(&out, &report(&[("index.html", "page two")])).unwrap();
    assert_eq!(names(root.path()), vec!["output"]);
    assert_eq!(
        fs::read_to_string(out.join("index.html")).unwrap(),
        "page two"
    );
}

/// A folder with the staging prefix that holds anything not of this tool is the user's.
#[test]
fn a_folder_named_like_a_staging_folder_but_not_ours_is_kept() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("output");
    let theirs = root.path().join(format!("{PREFIX}mine"));
    fs::create_dir_all(theirs.join(REPORT)).unwrap();
    fs::write(theirs.join(REPORT).join("notes.md"), "mine").unwrap();
    fs::write(theirs.join("todo.txt"), "mine too").unwrap();
    write_to(&out, &report(&[("index.html", "page")])).unwrap();
    write_to(&out, &report(&[("index.html", "page two")])).unwrap();
    assert_eq!(
        fs::read_to_string(theirs.join(REPORT).join("notes.md")).unwrap(),
        "mine"
    );
    assert_eq!(
        fs::read_to_string(theirs.join("todo.txt")).unwrap(),
        "mine too"
    );
}

/// A file that fails to be made after staging began (here its maker errs; a full disk or a
/// file-size limit fails the same way): the error comes back, the previous report stands
/// untouched, and no staging folder is left. A read-only folder of the user's is refused up
/// front where its mode binds; for root, whom no mode binds, the run goes on, and its staged
/// copy, read-only too, is still removed.
#[test]
fn a_run_that_fails_after_staging_began_leaves_nothing_behind() {
    let (root, out) = written();
    fs::create_dir(out.join("mine")).unwrap();
    fs::write(out.join("mine/notes.md"), "mine").unwrap();
    set_mode(&out.join("mine"), 0o555);
    let before = snapshot(&out);
    let mut artifacts = vec![
        artifact("index.html", "page two"),
        artifact("figures/a.svg", "two"),
    ];
    artifacts.push(Artifact {
        path: RESULTS.into(),
        body: Body::Later(Arc::new(|_: &Ledger| Err("no space left on device".into()))),
    });
    let err = write_to(&out, &artifacts).unwrap_err();
    if rustix::process::geteuid().is_root() {
        assert!(err.to_string().contains("no space left"), "{err}");
    } else {
        assert!(
            matches!(&err, OutputError::Unwritable { path, .. } if path == &out.join("mine")),
            "{err:?}"
        );
    }
    set_mode(&out.join("mine"), 0o755);
    assert_eq!(snapshot(&out), before, "the previous report is untouched");
    assert_eq!(
        names(root.path()),
        vec!["output"],
        "no staging folder is left"
    );
}

/// A link the user put where the report writes a file, or where it needs a folder, is
/// refused by name before anything is written, and its target is never written.
#[test]
fn a_link_where_the_report_writes_is_refused_and_kept() {
    for (link, target_is_folder) in [("index.html", false), ("figures", true)] {
        let (root, out) = written();
        let target = root.path().join("theirs");
        if target_is_folder {
            fs::create_dir(&target).unwrap();
            fs::write(target.join("a.svg"), "their figure").unwrap();
            fs::remove_file(out.join("figures/a.svg")).unwrap();
            fs::remove_dir(out.join("figures")).unwrap();
        } else {
            fs::write(&target, "their page").unwrap();
            fs::remove_file(out.join(link)).unwrap();
        }
        std::os::unix::fs::symlink(&target, out.join(link)).unwrap();
        let before = snapshot(root.path());
        let err = write_to(
            &out,
            &report(&[("index.html", "two"), ("figures/a.svg", "two")]),
        )
        .unwrap_err();
        assert!(
            matches!(&err, OutputError::LinkInTheWay { path } if path == &out.join(link)),
            "{link}: {err:?}"
        );
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(snapshot(root.path()), before, "{link}: nothing changed");
    }
}

/// Whether something stands at a path inside a folder is decided through real folders
/// only: an entry behind a linked folder is not part of the folder.
#[test]
fn an_entry_behind_a_linked_folder_does_not_stand_inside() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("output");
    fs::create_dir_all(out.join("real")).unwrap();
    fs::write(out.join("real/a.svg"), "x").unwrap();
    fs::create_dir(root.path().join("elsewhere")).unwrap();
    fs::write(root.path().join("elsewhere/b.svg"), "y").unwrap();
    std::os::unix::fs::symlink(root.path().join("elsewhere"), out.join("linked")).unwrap();
    assert!(fsx::stands_inside(&out, "real/a.svg"));
    assert!(
        fsx::stands_inside(&out, "linked"),
        "the link itself stands there"
    );
    assert!(!fsx::stands_inside(&out, "linked/b.svg"));
    assert!(!fsx::stands_inside(&out, "real/none.svg"));
}
