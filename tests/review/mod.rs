//! `logreg-report review`: each point of what must hold, reached as a user reaches it, on a
//! baseline written into a temporary folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{binary, snapshot, stderr_of, write_report};
use logreg_report::report::PAGE;

mod evidence;
mod folders;
mod git;
mod outputs;

/// A temporary folder with a default report in `output/`.
struct Setup {
    root: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let root = tempfile::tempdir().expect("temp dir");
        write_report(&root.path().join("output"));
        Setup { root }
    }

    fn baseline(&self) -> PathBuf {
        self.root.path().join("output")
    }

    fn review_dir(&self) -> PathBuf {
        self.root.path().join("review")
    }

    /// Runs `review` with `args`, the baseline and the review folder of this setup.
    fn review(&self, args: &[&str]) -> Output {
        binary()
            .current_dir(self.root.path())
            .arg("review")
            .args(["--baseline", "output", "--review-dir", "review"])
            .args(args)
            .output()
            .expect("the binary runs")
    }

    /// [`Setup::review`] with the process's umask set to `mask`.
    #[cfg(unix)]
    fn review_with_umask(&self, mask: u32, args: &[&str]) -> Output {
        use std::os::unix::process::CommandExt;
        let mut command = std::process::Command::new(crate::support::binary_path());
        command
            .current_dir(self.root.path())
            .arg("review")
            .args(["--baseline", "output", "--review-dir", "review"])
            .args(args);
        // SAFETY: umask is async-signal-safe, and nothing else runs between fork and exec.
        unsafe {
            command.pre_exec(move || {
                libc::umask(mask as libc::mode_t);
                Ok(())
            });
        }
        command.output().expect("the binary runs")
    }

    fn record(&self) -> serde_json::Value {
        let bytes = fs::read(self.review_dir().join("review.json")).expect("review.json written");
        serde_json::from_slice(&bytes).expect("review.json is JSON")
    }

    fn page(&self) -> String {
        fs::read_to_string(self.review_dir().join("review.html")).expect("review.html written")
    }
}

fn stdout_of(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8")
}

/// The verdict `review.json` gives the file at `path`.
fn verdict<'a>(record: &'a serde_json::Value, path: &str) -> &'a str {
    record["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["path"] == path)
        .and_then(|f| f["verdict"].as_str())
        .unwrap_or_else(|| panic!("no verdict for {path}"))
}

fn figure<'a>(record: &'a serde_json::Value, file: &str) -> &'a serde_json::Value {
    record["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["file"] == file)
        .unwrap_or_else(|| panic!("no figure {file}"))
}

fn assert_no_panic(output: &Output) {
    let stderr = stderr_of(output);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn an_unchanged_tree_passes_and_leaves_the_baseline_as_it_was() {
    let setup = Setup::new();
    let before = snapshot(&setup.baseline());
    let output = setup.review(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let files = crate::support::files_listed(&setup.baseline());
    assert_eq!(
        stdout_of(&output),
        format!(
            "review page: review/review.html\nNothing to do: every file of the baseline \
             ({files}) is byte for byte what the code writes.\n"
        )
    );
    assert_eq!(snapshot(&setup.baseline()), before, "the baseline changed");
    let record = setup.record();
    assert_eq!(record["passed"], true);
    assert_eq!(record["state"], "identical");
    assert_eq!(record["baseline_stale"], false);
    assert!(
        record["files"]
            .as_array()
            .expect("files")
            .iter()
            .all(|f| f["verdict"] == "identical")
    );
    // Nothing changed: the page is small, with no image.
    let page = setup.page();
    assert!(
        !page.contains("data:image/png"),
        "images on an unchanged review"
    );
    assert!(page.len() < 20_000, "{} bytes", page.len());
}

#[test]
fn another_seed_changes_data_and_fit_figures_and_numbers_but_not_sigmoid_or_optimiser() {
    let setup = Setup::new();
    let output = setup.review(&["--seed", "5"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    let record = setup.record();
    for changed in [
        PAGE,
        "figures/fuzzy.svg",
        "figures/lin-sep.svg",
        "figures/bad-fit.svg",
        "figures/loss-over-w1.svg",
        "figures/fitted-weights.svg",
        "figures/reg-vs-no.svg",
        "data/fuzzy.csv",
        "results.json",
    ] {
        assert_eq!(verdict(&record, changed), "changed", "{changed}");
        assert!(
            stdout.contains(&format!("FAIL changed    {changed}: ")),
            "{stdout}"
        );
    }
    for same in [
        "figures/sigmoid.svg",
        "figures/optimizer.svg",
        "figures/2d-sigmoid.svg",
    ] {
        assert_eq!(verdict(&record, same), "identical", "{same}");
        assert!(!stdout.contains(same), "{stdout}");
    }
    // The fit numbers, keyed by data set and place.
    let keys: Vec<&str> = record["numbers"]["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["key"].as_str())
        .collect();
    for key in ["seed", "fits[fuzzy #1].x[1]", "fits[separable #2].x[1]"] {
        assert!(keys.contains(&key), "{key} not in {keys:?}");
    }
    assert!(
        !keys.iter().any(|k| k.starts_with("optimizer_demo")),
        "{keys:?}"
    );
    // Each changed figure says which of its numbers moved.
    let causes = figure(&record, "reg-vs-no.svg")["causes"].to_string();
    assert!(
        causes.contains("the second separable fit (λ = 0.1) moved: x[0] by"),
        "{causes}"
    );
    assert!(causes.contains("seed 0 → 5"), "{causes}");
    assert!(figure(&record, "fuzzy.svg")["rms"].as_f64().expect("rms") > 2.0);
}

/// A red rectangle drawn into the baseline's sigmoid figure.
fn paint_red_rectangle(svg: &Path) {
    let text = fs::read_to_string(svg).expect("readable");
    let end = text.rfind("</svg>").expect("an SVG document");
    let tampered = format!(
        "{}<rect x=\"60\" y=\"60\" width=\"80\" height=\"40\" fill=\"#ff0000\"/>\n{}",
        &text[..end],
        &text[end..]
    );
    fs::write(svg, tampered).expect("writable");
}

#[test]
fn a_tampered_figure_is_changed_with_its_difference_on_the_page() {
    let setup = Setup::new();
    paint_red_rectangle(&setup.baseline().join("figures/sigmoid.svg"));
    let output = setup.review(&[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(
        stdout_of(&output).contains("FAIL changed    figures/sigmoid.svg: RMS "),
        "{}",
        stdout_of(&output)
    );
    let record = setup.record();
    let sigmoid = figure(&record, "sigmoid.svg");
    assert!(sigmoid["rms"].as_f64().expect("rms") > 0.0, "{sigmoid}");
    assert!(sigmoid["differing_pixels"].as_u64().expect("count") >= 80 * 40 / 2);
    // No number moved: the page says the change is in the drawing.
    assert_eq!(sigmoid["causes"], serde_json::json!([]));
    let page = setup.page();
    assert!(
        page.contains("<img src=\"data:image/png;base64,"),
        "no image"
    );
    assert!(
        page.contains("alt=\"the pixels that differ\""),
        "no diff image"
    );
    assert!(page.contains("the change comes from how it is drawn"));
    // Only the one figure is drawn on the page; the others are listed.
    assert_eq!(page.matches("alt=\"the pixels that differ\"").count(), 1);
}

#[test]
fn bytes_that_differ_with_the_same_pixels_read_as_visually_identical() {
    let setup = Setup::new();
    let path = setup.baseline().join("figures/optimizer.svg");
    let text = fs::read_to_string(&path).expect("readable");
    fs::write(
        &path,
        text.replacen("<svg ", "<svg data-note=\"edited\" ", 1),
    )
    .expect("writable");
    let output = setup.review(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(
        stdout_of(&output).contains("ok   changed    figures/optimizer.svg: visually identical"),
        "{}",
        stdout_of(&output)
    );
}

#[test]
fn a_deleted_baseline_file_is_missing() {
    let setup = Setup::new();
    fs::remove_file(setup.baseline().join("figures/optimizer.svg")).expect("removable");
    let output = setup.review(&[]);
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(
        stdout_of(&output).contains("FAIL missing    figures/optimizer.svg"),
        "{}",
        stdout_of(&output)
    );
    assert_eq!(verdict(&setup.record(), "figures/optimizer.svg"), "missing");
}

#[test]
fn a_truncated_svg_is_unreadable() {
    let setup = Setup::new();
    let path = setup.baseline().join("figures/fuzzy.svg");
    let bytes = fs::read(&path).expect("readable");
    fs::write(&path, &bytes[..bytes.len() / 2]).expect("writable");
    let output = setup.review(&[]);
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(
        stdout_of(&output).contains("FAIL unreadable figures/fuzzy.svg: the baseline's figure:"),
        "{}",
        stdout_of(&output)
    );
    assert_eq!(verdict(&setup.record(), "figures/fuzzy.svg"), "unreadable");
}

#[test]
fn a_truncated_or_invalid_results_json_is_unreadable() {
    for damage in ["truncated", "invalid"] {
        let setup = Setup::new();
        let path = setup.baseline().join("results.json");
        let text = fs::read_to_string(&path).expect("readable");
        let damaged = match damage {
            "truncated" => text[..text.len() / 3].to_string(),
            _ => text.replacen("\"seed\": 0", "\"seed\": \"zero\"", 1),
        };
        fs::write(&path, damaged).expect("writable");
        let before = snapshot(&setup.baseline());
        let output = setup.review(&[]);
        assert_no_panic(&output);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{damage}: {}",
            stderr_of(&output)
        );
        assert!(
            stdout_of(&output).contains("FAIL unreadable results.json: "),
            "{damage}: {}",
            stdout_of(&output)
        );
        assert_eq!(verdict(&setup.record(), "results.json"), "unreadable");
        assert_eq!(snapshot(&setup.baseline()), before, "{damage}");
    }
    // Which files a cut-short report owns cannot be told: accepting into it is refused.
    let setup = Setup::new();
    let path = setup.baseline().join("results.json");
    let text = fs::read(&path).expect("readable");
    fs::write(&path, &text[..100]).expect("writable");
    let before = snapshot(&setup.baseline());
    let output = setup.review(&["--accept"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("--baseline "),
        "{}",
        stderr_of(&output)
    );
    assert_eq!(snapshot(&setup.baseline()), before);
}

#[test]
fn junit_has_one_case_per_file_and_a_failure_per_change() {
    let setup = Setup::new();
    // Every file the run writes: those results.json lists, and itself.
    let listed: serde_json::Value =
        serde_json::from_slice(&fs::read(setup.baseline().join("results.json")).expect("written"))
            .expect("JSON");
    // One case per file (results.json lists the others), and the parameters first.
    let files = listed["artifacts"].as_object().expect("artifacts").len() + 2;
    paint_red_rectangle(&setup.baseline().join("figures/sigmoid.svg"));
    fs::remove_file(setup.baseline().join("data/separable.csv")).expect("removable");
    let output = setup.review(&["--junit", "junit.xml"]);
    assert_eq!(output.status.code(), Some(1));
    let xml = fs::read_to_string(setup.root.path().join("junit.xml")).expect("written");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), files, "{xml}");
    let failed: Vec<&str> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .filter_map(|c| c.attribute("name"))
        .collect();
    assert_eq!(
        failed,
        ["data/separable.csv", "figures/sigmoid.svg"],
        "{xml}"
    );
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("a suite");
    assert_eq!(suite.attribute("failures"), Some("2"));
}

#[test]
fn help_names_every_verdict_and_says_accept_is_all_or_nothing() {
    let output = binary().args(["review", "--help"]).output().expect("runs");
    let help = stdout_of(&output);
    for word in [
        "all or nothing",
        "identical",
        "changed",
        "new",
        "missing",
        "removed",
        "unreadable",
        "--seed",
        "--templates",
        "--baseline",
        "--junit",
        "--review-dir",
        "[default: report.toml's `review.number_tolerance`, else 1e-9]",
    ] {
        assert!(help.contains(word), "{word} not in:\n{help}");
    }
}
