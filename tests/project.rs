//! The project file, `report.toml`: every key read, flags laid over it for one run, paths
//! relative to the file's own folder, and every bad line refused with its file, line,
//! column and key, exit status 2 and nothing written.

use std::fs;
use std::path::Path;

use crate::support::{binary, files_of, one_line, snapshot, stderr_of};
use logreg_report::report::{PAGE, RESULTS};
use serde_json::Value;

fn results(dir: &Path) -> Value {
    serde_json::from_slice(&fs::read(dir.join(RESULTS)).expect("written")).expect("JSON")
}

/// A folder holding `report.toml` with `text`, and a templates folder of its own whose page
/// names the seed and N.
fn project(text: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("temp dir");
    fs::write(root.path().join("report.toml"), text).expect("writable");
    fs::create_dir(root.path().join("pages")).expect("writable");
    fs::write(
        root.path().join("pages/report.html"),
        "<p>seed {{ seed }}, N = {{ n }}, λ = {{ lambdas }}</p>\n",
    )
    .expect("writable");
    root
}

const EVERY_KEY: &str = r#"
seed = 7
n = 30
lambdas = [0, 1]
site_url = "https://example.org/study"
templates = "pages"
out = "site"

[review]
baseline = "site"
dir = "checked"
tolerance = 3.5
threshold = 0.2
max_diff_pixels = 12
number_tolerance = 1e-6
"#;

#[test]
fn every_key_of_the_project_file_is_read() {
    let root = project(EVERY_KEY);
    let run = binary().current_dir(root.path()).output().expect("runs");
    assert!(run.status.success(), "{}", stderr_of(&run));
    let said = stderr_of(&run);
    assert!(
        said.starts_with("parameters from report.toml: seed 7, N = 30, λ = 0,1\n"),
        "{said}"
    );
    let site = root.path().join("site");
    let numbers = results(&site);
    assert_eq!(numbers["seed"], 7);
    assert_eq!(numbers["n"], 30);
    assert_eq!(numbers["lambdas"], serde_json::json!([0.0, 1.0]));
    assert_eq!(numbers["site_url"], "https://example.org/study/");
    assert!(site.join("social-card.png").is_file());
    let page = fs::read_to_string(site.join(PAGE)).expect("written");
    assert_eq!(page, "<p>seed 7, N = 30, λ = 0,1</p>\n");
    assert!(!root.path().join("output").exists());
    // The review reads its keys from the same file.
    let review = binary()
        .current_dir(root.path())
        .args(["review", "--quiet"])
        .output()
        .expect("runs");
    assert_eq!(review.status.code(), Some(0), "{}", stderr_of(&review));
    let record: Value = serde_json::from_slice(
        &fs::read(root.path().join("checked/review.json")).expect("written"),
    )
    .expect("JSON");
    assert_eq!(record["baseline"], "site");
    assert_eq!(record["tolerances"]["rms"], 3.5);
    assert_eq!(record["tolerances"]["threshold"], 0.2);
    assert_eq!(record["tolerances"]["max_diff_pixels"], 12);
    assert_eq!(record["tolerances"]["numbers"], 1e-6);
    // And --check compares with the folder the file names.
    let check = binary()
        .current_dir(root.path())
        .arg("--check")
        .output()
        .expect("runs");
    assert_eq!(check.status.code(), Some(0), "{}", stderr_of(&check));
}

#[test]
fn a_flag_overrides_the_file_for_one_run_and_the_progress_says_so() {
    let root = project(EVERY_KEY);
    let run = binary()
        .current_dir(root.path())
        .args(["--seed", "3", "--out", "elsewhere"])
        .output()
        .expect("runs");
    assert!(run.status.success(), "{}", stderr_of(&run));
    let said = stderr_of(&run);
    assert!(
        said.starts_with(
            "parameters from report.toml, with --seed and --out from the command line: seed 3, \
             N = 30"
        ),
        "{said}"
    );
    let numbers = results(&root.path().join("elsewhere"));
    assert_eq!(numbers["seed"], 3);
    assert_eq!(numbers["n"], 30, "the file's other values still hold");
    assert!(!root.path().join("site").exists());
}

#[test]
fn without_a_project_file_the_defaults_hold() {
    let root = tempfile::tempdir().expect("temp dir");
    let run = binary().current_dir(root.path()).output().expect("runs");
    assert!(run.status.success(), "{}", stderr_of(&run));
    assert!(
        stderr_of(&run).starts_with(
            "parameters: the defaults (no report.toml here): seed 0, N = 100, λ = 0,0.1,10\n"
        ),
        "{}",
        stderr_of(&run)
    );
    let numbers = results(&root.path().join("output"));
    assert_eq!(
        (numbers["seed"].clone(), numbers["n"].clone()),
        (0.into(), 100.into())
    );
    assert_eq!(numbers["site_url"], Value::Null);
}

#[test]
fn paths_in_a_named_project_file_are_relative_to_its_folder() {
    let root = project(EVERY_KEY);
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let file = root.path().join("report.toml");
    let run = binary()
        .current_dir(elsewhere.path())
        .arg("--config")
        .arg(&file)
        .output()
        .expect("runs");
    assert!(run.status.success(), "{}", stderr_of(&run));
    assert!(root.path().join("site").join(PAGE).is_file());
    assert!(
        snapshot(elsewhere.path()).is_empty(),
        "nothing beside the caller"
    );
    // A relative --config, from a folder beside the project: still its own folder's paths.
    fs::remove_dir_all(root.path().join("site")).expect("removable");
    let name = root.path().file_name().expect("named").to_owned();
    let run = binary()
        .current_dir(root.path().parent().expect("a parent"))
        .arg("--config")
        .arg(Path::new(&name).join("report.toml"))
        .output()
        .expect("runs");
    assert!(run.status.success(), "{}", stderr_of(&run));
    assert!(root.path().join("site").join(PAGE).is_file());
    let said = stderr_of(&run);
    assert!(
        said.contains(&format!(
            "wrote {}",
            Path::new(&name).join("site").join(PAGE).display()
        )),
        "{said}"
    );
}

/// Runs the program in a project of `text` (its `site/` already written by a good file);
/// asserts exit 2, one line naming `place` and `key`, and not a byte changed.
fn refused(text: &str, place: &str, message: &str) {
    let root = project(EVERY_KEY);
    let first = binary().current_dir(root.path()).output().expect("runs");
    assert!(first.status.success());
    fs::write(root.path().join("report.toml"), text).expect("writable");
    let before = files_of(&snapshot(root.path()));
    let expected = format!("error: report.toml:{place}: {message}");
    for args in [&[][..], &["--check"], &["review"]] {
        let output = binary()
            .current_dir(root.path())
            .args(args)
            .output()
            .expect("runs");
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        one_line(&stderr);
        assert!(
            stderr.starts_with(&expected),
            "{args:?}: {stderr}\nnot {expected}"
        );
        assert_eq!(files_of(&snapshot(root.path())), before, "{args:?} wrote");
    }
    // A preview starts anyway and shows the same error until the file is fixed.
    let preview = crate::serve::Preview::start(root.path(), &[]);
    preview.says(&expected);
    let (status, _) = preview.interrupt();
    assert!(status.success());
    assert_eq!(files_of(&snapshot(root.path())), before, "serve wrote");
}

#[test]
fn an_unknown_key_is_refused_with_its_place() {
    refused(
        "seed = 1\nlamdas = [0]\n",
        "2:1",
        "lamdas: unknown key; the keys are seed, n,",
    );
    refused(
        "[review]\nfolder = \"x\"\n",
        "2:1",
        "review.folder: unknown key",
    );
    refused(
        "dir = \"x\"\n",
        "1:1",
        "dir: unknown key here; did you mean review.dir?",
    );
    refused("[reviews]\ndir = \"x\"\n", "1:2", "reviews: unknown key");
}

#[test]
fn a_value_of_the_wrong_type_is_refused_with_its_place() {
    refused(
        "seed = \"3\"\n",
        "1:8",
        "seed: expected a whole number from 0 to 18446744073709551615, got string \"3\"",
    );
    refused("n = 1e3\n", "1:5", "n: expected a whole number of points");
    refused(
        "lambdas = \"0,1\"\n",
        "1:11",
        "lambdas: expected an array of numbers",
    );
    refused(
        "out = 3\n",
        "1:7",
        "out: expected a folder's path in quotes",
    );
    refused(
        "[review]\ntolerance = \"2\"\n",
        "2:13",
        "review.tolerance: expected a number",
    );
    refused("seed = \n", "1:8", "");
}

#[test]
fn a_value_the_run_cannot_take_is_refused_with_its_place() {
    refused(
        "\n\nn = 1\n",
        "3:5",
        "n: a data set needs at least 2 points (one per class), got 1",
    );
    refused(
        "lambdas = []\n",
        "1:11",
        "lambdas: at least one lambda is needed",
    );
    refused("lambdas = [0, -1]\n", "1:11", "lambdas: lambda must be");
    refused(
        "site_url = \"ftp://example.org/\"\n",
        "1:12",
        "site_url: \"ftp://example.org/\" is not a site address",
    );
    refused("out = \"\"\n", "1:7", "out: the path is empty");
    refused(
        "[review]\nthreshold = 2\n",
        "2:13",
        "review.threshold: the pixel threshold must be a number from 0 to 1, got 2",
    );
}

#[test]
fn a_named_project_file_that_is_not_there_is_refused() {
    let root = tempfile::tempdir().expect("temp dir");
    let output = binary()
        .current_dir(root.path())
        .args(["--config", "nope.toml"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    one_line(&stderr);
    assert!(
        stderr.starts_with("error: --config nope.toml: No such file"),
        "{stderr}"
    );
    assert!(snapshot(root.path()).is_empty());
    fs::create_dir(root.path().join("report.toml")).expect("writable");
    let output = binary().current_dir(root.path()).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr_of(&output),
        "error: report.toml: is a folder, not a project file\n"
    );
}

#[test]
fn the_stale_check_reads_the_project_file() {
    let root = project("seed = 4\nn = 20\n");
    binary()
        .current_dir(root.path())
        .arg("--quiet")
        .assert()
        .success();
    let check = binary()
        .current_dir(root.path())
        .arg("--check")
        .output()
        .expect("runs");
    assert_eq!(check.status.code(), Some(0), "{}", stderr_of(&check));
    fs::write(root.path().join("report.toml"), "seed = 5\nn = 20\n").expect("writable");
    let check = binary()
        .current_dir(root.path())
        .arg("--check")
        .output()
        .expect("runs");
    assert_eq!(check.status.code(), Some(1));
    let stderr = stderr_of(&check);
    assert!(
        stderr.contains(
            "run `logreg-report review` to see why, and `logreg-report review --accept` to make \
             it so (what `logreg-report` writes), then commit it"
        ),
        "{stderr}"
    );
}

#[test]
fn accepting_a_run_a_flag_changed_warns_that_the_file_says_otherwise() {
    let root = project("seed = 4\nn = 20\n");
    binary()
        .current_dir(root.path())
        .arg("--quiet")
        .assert()
        .success();
    let accept = binary()
        .current_dir(root.path())
        .args(["review", "--seed", "6", "--accept", "--quiet"])
        .output()
        .expect("runs");
    assert_eq!(accept.status.code(), Some(0), "{}", stderr_of(&accept));
    let stderr = stderr_of(&accept);
    assert!(
        stderr.contains(
            "warning: output now holds a report made with --seed, which report.toml sets otherwise"
        ),
        "{stderr}"
    );
    assert_eq!(results(&root.path().join("output"))["seed"], 6);
}
