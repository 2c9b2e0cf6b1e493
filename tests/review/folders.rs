//! `review --accept` and the folders review reads and writes: what it accepts, what it refuses,
//! and the user's files it keeps.

use std::fs;
use std::path::Path;

use super::{Setup, stdout_of};
use crate::support::{binary, files_of, one_line, snapshot, stderr_of};

#[test]
fn accept_makes_the_run_the_baseline_a_plain_run_would_write() {
    let setup = Setup::new();
    // A file of the user's in the baseline survives, as it does a normal run.
    fs::write(setup.baseline().join("CNAME"), "example.org\n").expect("writable");
    let before = files_of(&snapshot(&setup.baseline()));
    let output = setup.review(&["--seed", "5", "--accept"]);
    let after = files_of(&snapshot(&setup.baseline()));
    let replaced = before
        .iter()
        .filter(|(path, bytes)| after.get(*path).is_some_and(|now| now != *bytes))
        .count();
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    // It says what it accepted, file by file, and never that anything failed.
    let said = stdout_of(&output);
    assert!(!said.contains("FAIL"), "{said}");
    assert!(said.contains("replaced  figures/reg-vs-no.svg\n"), "{said}");
    let last = said.lines().last().expect("a last line");
    assert!(
        last.starts_with(&format!(
            "Accepted: output now holds this run ({replaced} files replaced, 0 new, 0 removed)"
        )),
        "{last}"
    );
    let record = setup.record();
    assert_eq!(record["state"], "accepted");
    assert_eq!(record["last_line"], last);
    assert!(
        record["accepted"]["replaced"]
            .as_array()
            .expect("a list")
            .contains(&"results.json".into())
    );
    let again = setup.review(&["--seed", "5"]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout_of(&again));
    assert!(
        stdout_of(&again).ends_with("is byte for byte what the code writes.\n"),
        "{}",
        stdout_of(&again)
    );
    let plain = setup.root.path().join("plain");
    binary()
        .args(["--quiet", "--seed", "5", "--out"])
        .arg(&plain)
        .assert()
        .success();
    let mut accepted = files_of(&snapshot(&setup.baseline()));
    assert_eq!(
        accepted.remove(Path::new("CNAME")),
        Some(b"example.org\n".to_vec())
    );
    assert_eq!(accepted, files_of(&snapshot(&plain)));
}

#[test]
fn a_baseline_that_is_not_a_report_is_refused_untouched() {
    let setup = Setup::new();
    let stranger = setup.root.path().join("notes");
    fs::create_dir(&stranger).expect("writable");
    fs::write(stranger.join("todo.md"), "keep").expect("writable");
    let before = snapshot(setup.root.path());
    for (baseline, says) in [
        ("notes", "--baseline "),
        ("nowhere", "there is no report of logreg-report here"),
    ] {
        let output = binary()
            .current_dir(setup.root.path())
            .args(["review", "--quiet", "--baseline", baseline])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2), "{baseline}");
        let stderr = stderr_of(&output);
        one_line(&stderr);
        assert!(stderr.contains(says), "{stderr}");
        assert_eq!(snapshot(setup.root.path()), before, "{baseline}");
    }
    // A review folder that is not one of ours is refused too, before anything is computed.
    let output = binary()
        .current_dir(setup.root.path())
        .args(["review", "--quiet", "--review-dir", "notes"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    one_line(&stderr_of(&output));
    assert!(
        stderr_of(&output).contains("--review-dir "),
        "{}",
        stderr_of(&output)
    );
    assert!(stderr_of(&output).contains("not a review folder"));
    assert_eq!(snapshot(setup.root.path()), before);
    // Bad tolerances are refused with the flag's name.
    let output = setup.review(&["--threshold", "2"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_of(&output),
        "error: --threshold must be a number from 0 to 1, got 2\n"
    );
}

#[test]
fn a_second_review_replaces_the_first_and_keeps_the_users_files() {
    let setup = Setup::new();
    assert_eq!(setup.review(&["--seed", "5"]).status.code(), Some(1));
    fs::write(setup.review_dir().join("notes.md"), "mine").expect("writable");
    assert_eq!(setup.review(&[]).status.code(), Some(0));
    assert!(!setup.page().contains("data:image/png"));
    assert_eq!(
        fs::read_to_string(setup.review_dir().join("notes.md")).expect("kept"),
        "mine"
    );
    // The review folder is not a report, nor the report a review folder.
    binary()
        .current_dir(setup.root.path())
        .args(["--quiet", "--out", "review"])
        .assert()
        .code(2);
}
