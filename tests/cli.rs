//! The command line: bad input, determinism, the committed baseline, templates, timestamps.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::support::{
    binary, built_in_template, files_listed, files_of, one_line, snapshot, write_report,
};
use logreg_report::model::MAX_LAMBDA;
use logreg_report::numbers::short;
use logreg_report::output::artifact::materialise;
use logreg_report::pipeline;
use logreg_report::progress::Silent;
use logreg_report::project::{FILE_NAME, Lookup, Overrides, Project};
use logreg_report::report::PAGE;

/// Runs the tool with `args` against an output folder that already holds a report, and
/// checks the failure: exit status 2, a message on stderr, no panic, the report untouched.
fn refuses(args: &[&str], expect_in_message: &str) -> String {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("output");
    write_report(&out);
    let before = snapshot(root.path());
    let result = binary()
        .current_dir(root.path())
        .args(args)
        .arg("--quiet")
        .args(if args.contains(&"--out") {
            vec![]
        } else {
            vec!["--out", "output"]
        })
        .assert()
        .code(2);
    let stderr = String::from_utf8(result.get_output().stderr.clone()).expect("UTF-8");
    assert!(stderr.contains(expect_in_message), "{args:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{args:?}: {stderr}");
    assert_eq!(
        snapshot(root.path()),
        before,
        "{args:?} changed the output folder"
    );
    stderr
}

#[test]
fn n_zero() {
    one_line(&refuses(&["--n", "0"], "--n must be at least 2"));
}

#[test]
fn n_one() {
    one_line(&refuses(&["--n", "1"], "--n must be at least 2"));
}

#[test]
fn n_negative() {
    refuses(&["--n", "-3"], "invalid value '-3'");
}

#[test]
fn n_not_a_number() {
    refuses(&["--n", "abc"], "invalid value 'abc'");
}

#[test]
fn lambda_negative() {
    one_line(&refuses(
        &["--lambdas", "-1"],
        "each lambda must be a number from 0 to 1e100",
    ));
}

#[test]
fn lambda_nan() {
    one_line(&refuses(
        &["--lambdas", "nan"],
        "each lambda must be a number from 0 to 1e100",
    ));
}

/// A strength whose fit would leave the range of `f64` is refused before any work, with the
/// range (once it failed at the gradient check with NaN).
#[test]
fn lambda_too_large() {
    let err = refuses(
        &["--lambdas", "0,1e308"],
        "each lambda must be a number from 0 to 1e100",
    );
    one_line(&err);
    assert!(err.contains("got 1e308"), "{err}");
    let help = binary().arg("--help").output().unwrap().stdout;
    let help = String::from_utf8(help).unwrap();
    let range = format!("from 0 to {}", short(MAX_LAMBDA));
    assert!(
        help.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .contains(&range),
        "{help}"
    );
}

#[test]
fn lambda_not_a_number() {
    one_line(&refuses(&["--lambdas", "0,x"], "\"x\" is not a number"));
}

#[test]
fn out_names_a_file() {
    let root = tempfile::tempdir().expect("temp dir");
    let file = root.path().join("report-file");
    std::fs::write(&file, "keep me").expect("writable temp dir");
    let result = binary()
        .arg("--out")
        .arg(&file)
        .arg("--quiet")
        .assert()
        .code(2);
    let stderr = String::from_utf8(result.get_output().stderr.clone()).expect("UTF-8");
    one_line(&stderr);
    assert!(
        stderr.contains("exists and is a file, not a folder"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).expect("still there"),
        "keep me"
    );
    assert_eq!(std::fs::read_dir(root.path()).expect("readable").count(), 1);
}

#[test]
fn out_is_unwritable() {
    // Not even root may create folders in /proc: the message names the flag, the folder as
    // given, the folder that could not be made and the system's reason, and says nothing
    // changed.
    let stderr = refuses(&["--out", "/proc/logreg-report-test/output"], "");
    one_line(&stderr);
    let expected = "error: --out /proc/logreg-report-test/output: could not make the folder \
                    /proc/logreg-report-test (";
    assert!(stderr.starts_with(expected), "{stderr}");
    assert!(
        stderr.trim_end().ends_with("); nothing was changed"),
        "{stderr}"
    );
}

#[test]
fn unknown_flag() {
    refuses(&["--bogus"], "unexpected argument '--bogus'");
}

#[test]
fn missing_template_folder() {
    one_line(&refuses(
        &["--templates", "no-such-folder"],
        "no-such-folder",
    ));
}

/// A template that does not parse: its real file, line and column, the engine's message,
/// then the template's line with a caret under the place, cut short however long it is.
#[test]
fn broken_template() {
    let root = tempfile::tempdir().expect("temp dir");
    let long = "x".repeat(1 << 20);
    std::fs::write(
        root.path().join("report.html"),
        format!("<p>fine</p>\n{long}{{% for x in %}}{long}\n"),
    )
    .expect("writable");
    let dir = root.path().to_str().expect("UTF-8 path").to_string();
    let stderr = refuses(
        &["--templates", &dir],
        "report.html:2:1048589: Found `%}` but expected",
    );
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    assert!(
        lines[0].starts_with(&format!("error: {dir}/report.html:2:1048589: ")),
        "{stderr}"
    );
    assert!(
        stderr.len() < 1000,
        "a megabyte line must not be printed: {} bytes",
        stderr.len()
    );
    let caret = lines[2].find('^').expect("a caret");
    let pointed: String = lines[1].chars().skip(caret).take(2).collect();
    assert_eq!(pointed, "%}", "{stderr}");
}

#[test]
fn a_sites_own_template_is_used() {
    let root = tempfile::tempdir().expect("temp dir");
    let templates = root.path().join("templates");
    std::fs::create_dir(&templates).expect("writable");
    std::fs::write(
        templates.join("report.html"),
        "<p>seed {{ seed }}, N = {{ n }}, fun {{ fuzzy_fit.fun }}</p>",
    )
    .expect("writable");
    let out = root.path().join("out");
    binary()
        .args(["--quiet", "--seed", "7", "--n", "50", "--templates"])
        .arg(&templates)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let page = std::fs::read_to_string(out.join(PAGE)).expect("page written");
    assert!(page.starts_with("<p>seed 7, N = 50, fun "), "{page}");
}

#[test]
fn progress_goes_to_stderr_one_line_per_step() {
    let root = tempfile::tempdir().expect("temp dir");
    let result = binary()
        .arg("--out")
        .arg(root.path().join("o"))
        .assert()
        .success();
    let stderr = String::from_utf8(result.get_output().stderr.clone()).expect("UTF-8");
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.len() >= 5, "{stderr}");
    // First where the parameters came from, then a line per step with its time.
    assert!(
        lines[0].starts_with(
            "parameters from report.toml, with --out from the command line: seed 0, N = 100"
        ),
        "{stderr}"
    );
    assert!(
        lines[1..].iter().all(|l| l
            .trim_start()
            .split(' ')
            .next()
            .is_some_and(|t| t.parse::<f64>().is_ok())),
        "{stderr}"
    );
    assert!(result.get_output().stdout.is_empty());
}

#[test]
fn same_bytes_whatever_the_time_zone_locale_threads_or_working_directory() {
    let root = tempfile::tempdir().expect("temp dir");
    let (first, second) = (root.path().join("a"), root.path().join("b"));
    std::fs::create_dir_all(first.join("cwd")).expect("writable");
    std::fs::create_dir_all(second.join("elsewhere/deeper")).expect("writable");
    binary()
        .current_dir(first.join("cwd"))
        .env("TZ", "UTC")
        .env("LANG", "C")
        // Figures and passes are computed in parallel: one thread or four, the same bytes.
        .env("RAYON_NUM_THREADS", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .args(["--quiet", "--out", "../out"])
        .assert()
        .success();
    binary()
        .current_dir(second.join("elsewhere/deeper"))
        .env("TZ", "Pacific/Chatham")
        .env("LANG", "de_DE.UTF-8")
        .env("LC_ALL", "de_DE.UTF-8")
        .env("RAYON_NUM_THREADS", "4")
        .env_remove("SOURCE_DATE_EPOCH")
        .arg("--quiet")
        .arg("--out")
        .arg(second.join("out"))
        .assert()
        .success();
    let (a, b) = (
        files_of(&snapshot(&first.join("out"))),
        files_of(&snapshot(&second.join("out"))),
    );
    // Every file the run wrote is one its results.json lists, and nothing else.
    assert_eq!(a.len(), files_listed(&first.join("out")), "{:?}", a.keys());
    assert_eq!(a, b);
}

#[test]
fn source_date_epoch_adds_a_timestamp_and_nothing_else_does() {
    let root = tempfile::tempdir().expect("temp dir");
    let (with, without) = (root.path().join("with"), root.path().join("without"));
    binary()
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["--quiet", "--out"])
        .arg(&with)
        .assert()
        .success();
    binary()
        .env_remove("SOURCE_DATE_EPOCH")
        .args(["--quiet", "--out"])
        .arg(&without)
        .assert()
        .success();
    let page = |dir: &Path| std::fs::read_to_string(dir.join(PAGE)).expect("page");
    assert!(page(&with).contains("generated 2023-11-14 22:13:20 UTC"));
    assert!(!page(&without).contains("generated"));
    binary()
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .args(["--quiet", "--out"])
        .arg(root.path().join("bad"))
        .assert()
        .code(2)
        .stderr("error: SOURCE_DATE_EPOCH must be a whole number of seconds, got \"yesterday\"\n");
}

/// The committed `output/` is the baseline reviewers compare against: it must be exactly
/// what the project file, `report.toml`, makes with the code as it is. Regenerate with
/// `cargo run --release`.
#[test]
fn committed_output_is_not_stale() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = Project::load(
        &Lookup::File(root.join(FILE_NAME)),
        &Overrides::default(),
        &built_in_template(),
    )
    .expect("the repository's report.toml is valid");
    let fresh =
        pipeline::generate(&project.config, &mut Silent).expect("the committed report builds");
    let on_disk = files_of(&snapshot(&project.config.out));
    let expected: BTreeMap<PathBuf, Vec<u8>> = materialise(&fresh.artifacts)
        .expect("the files are made")
        .into_iter()
        .map(|(path, bytes)| (PathBuf::from(path), bytes))
        .collect();
    let stale: Vec<_> = expected
        .iter()
        .filter(|(path, bytes)| on_disk.get(*path) != Some(bytes))
        .map(|(path, _)| path.display().to_string())
        .collect();
    let extra: Vec<_> = on_disk
        .keys()
        .filter(|p| !expected.contains_key(*p))
        .collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "{} is not what the code and {FILE_NAME} write: run `cargo run --release -- review` to \
         see why and `cargo run --release -- review --accept` to accept it, then commit it. \
         Differs: {stale:?}; not written any more: {extra:?}",
        project.config.out.display()
    );
}

/// The binary needs no font or image library: only the C runtime. `ldd` comes with glibc,
/// so on Linux it is always there.
#[cfg(target_os = "linux")]
#[test]
fn the_binary_links_only_the_c_runtime() {
    let exe = assert_cmd::cargo::cargo_bin("logreg-report");
    let out = std::process::Command::new("ldd")
        .arg(&exe)
        .output()
        .expect("ldd runs (it comes with glibc)");
    assert!(out.status.success(), "ldd failed: {out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let allowed = [
        "linux-vdso",
        "libc.so",
        "libm.so",
        "libgcc_s.so",
        "ld-linux",
    ];
    assert!(text.contains("libc.so"), "{text}");
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        assert!(
            allowed.iter().any(|a| line.contains(a)),
            "unexpected library: {line}\n{text}"
        );
    }
}

/// `--check` compares without writing: exit 0 when the folder is what a run would write,
/// 1 with the list of differences when it is not.
#[test]
fn check_reports_a_stale_folder_and_writes_nothing() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("output");
    write_report(&out);
    binary()
        .args(["--check", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .code(0)
        .stdout("");
    std::fs::write(out.join("figures/sigmoid.svg"), "edited by hand").expect("writable");
    // A file of the user's is not the report's business.
    std::fs::write(out.join("notes.txt"), "not part of the report").expect("writable");
    let before = snapshot(root.path());
    binary()
        .args(["--check", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("changed  figures/sigmoid.svg\n");
    // Another seed changes the data figures but not the sigmoid's text back.
    let result = binary()
        .args(["--check", "--quiet", "--seed", "5", "--out"])
        .arg(&out)
        .assert()
        .code(1);
    let listed = String::from_utf8(result.get_output().stdout.clone()).expect("UTF-8");
    assert!(listed.contains("changed  data/fuzzy.csv"), "{listed}");
    assert_eq!(snapshot(root.path()), before, "--check wrote something");
    // A file the report's run wrote and that is gone is missing, in the review's word.
    std::fs::remove_file(out.join("figures/fuzzy.svg")).expect("removable");
    binary()
        .args(["--check", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .code(1)
        .stdout("missing  figures/fuzzy.svg\nchanged  figures/sigmoid.svg\n");
}

#[test]
fn check_needs_an_existing_report() {
    one_line(&refuses(
        &["--check", "--out", "no-report-here"],
        "there is no report of logreg-report here",
    ));
}
