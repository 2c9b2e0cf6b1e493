//! `review --baseline-rev REV`: the baseline read from a commit of the repository the command
//! runs in, without a worktree and without writing anything there.

use std::path::Path;
use std::process::Command;

use super::stdout_of;
use crate::support::{binary, one_line, snapshot, stderr_of, write_report};

/// Runs git in `repo` with a fixed identity, so that no configuration of the machine is needed.
fn git(repo: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(repo)
        .args(["-c", "user.name=test", "-c", "user.email=test@example.org"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// Whether git is on this machine; the tests that need it say so and stop where it is not.
fn have_git() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn a_commit_is_reviewed_without_a_worktree_and_without_writing() {
    assert!(have_git(), "this test needs git");
    let root = tempfile::tempdir().expect("a temporary folder");
    let repo = &root.path().join("repo");
    std::fs::create_dir(repo).expect("writable");
    git(repo, &["init", "-q"]);
    write_report(&repo.join("output"));
    git(repo, &["add", "output"]);
    git(repo, &["commit", "-q", "-m", "the default report"]);
    // The worktree's baseline is then made stale; the commit still holds the default report.
    binary()
        .current_dir(repo)
        .args(["--quiet", "--seed", "5", "--out", "output"])
        .assert()
        .success();
    let git_dir = snapshot(&repo.join(".git"));
    let worktree = snapshot(&repo.join("output"));
    let review = root.path().join("review-of-main");
    let review = review.to_str().expect("UTF-8");
    let output = binary()
        .current_dir(repo)
        .args(["review", "--baseline-rev", "main", "--review-dir", review])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stdout_of(&output).contains("Nothing to do"),
        "{}",
        stdout_of(&output)
    );
    let record: serde_json::Value = serde_json::from_slice(
        &std::fs::read(Path::new(review).join("review.json")).expect("written"),
    )
    .expect("JSON");
    assert_eq!(record["baseline"], "main:output/");
    // Against the seed the worktree holds, the same commit fails, figure by figure.
    let other = binary()
        .current_dir(repo)
        .args(["review", "--baseline-rev", "HEAD", "--seed", "5", "--quiet"])
        .args(["--review-dir", review])
        .output()
        .expect("runs");
    assert_eq!(other.status.code(), Some(1), "{}", stderr_of(&other));
    assert_eq!(
        snapshot(&repo.join(".git")),
        git_dir,
        "the repository was written"
    );
    assert_eq!(
        snapshot(&repo.join("output")),
        worktree,
        "the worktree was written"
    );
}

#[test]
fn a_revision_without_a_report_or_a_folder_outside_git_is_a_clear_error() {
    assert!(have_git(), "this test needs git");
    let root = tempfile::tempdir().expect("a temporary folder");
    let outside = root.path().join("plain");
    std::fs::create_dir(&outside).expect("writable");
    let repo = root.path().join("repo");
    std::fs::create_dir(&repo).expect("writable");
    git(&repo, &["init", "-q"]);
    std::fs::write(repo.join("README"), "no report here\n").expect("writable");
    git(&repo, &["add", "README"]);
    git(&repo, &["commit", "-q", "-m", "no report"]);
    for (dir, rev, says) in [
        (&outside, "main", "not inside a git repository"),
        (&repo, "nosuch", "names no commit"),
        (
            &repo,
            "main",
            "no report of logreg-report was committed there",
        ),
        (&repo, "--all", "is not a revision name"),
    ] {
        let output = binary()
            .current_dir(dir)
            .args(["review", &format!("--baseline-rev={rev}"), "--review-dir"])
            .arg(root.path().join("review"))
            .output()
            .expect("runs");
        assert_eq!(
            output.status.code(),
            Some(2),
            "{rev}: {}",
            stderr_of(&output)
        );
        let err = stderr_of(&output);
        one_line(&err);
        assert!(err.contains(&format!("--baseline-rev {rev}: ")), "{err}");
        assert!(err.contains(says), "{rev}: {err}");
    }
    assert!(
        !root.path().join("review").exists(),
        "a refused review wrote its folder"
    );
}
