//! What a review says and where: one verdict line in the terminal, the page, `review.json`,
//! JUnit and Markdown, agreeing with `--check`; and the files it writes beside its folder
//! (`--junit`, `--markdown`) written only where nothing of the user's is lost.

use std::fs;
use std::path::Path;

use super::{Setup, stdout_of};
use crate::support::{binary, one_line, snapshot, stderr_of};

/// Rewrites a colour in a figure as another spelling of itself: other bytes, the same pixels.
fn respell_black(svg: &Path) {
    let text = fs::read_to_string(svg).expect("readable");
    let respelled = text.replace("stroke=\"#000000\"", "stroke=\"#000\"");
    assert_ne!(respelled, text, "the figure has black strokes to respell");
    fs::write(svg, respelled).expect("writable");
}

/// The regression the issue reported: a change within the tolerances passed with "nothing to
/// do" while `--check` and the stale-output test failed. Now the review passes (exit 0) and
/// its last line, everywhere, says the baseline is stale and how to accept it.
#[test]
fn a_change_within_the_tolerances_passes_and_says_the_baseline_is_stale_everywhere() {
    let setup = Setup::new();
    respell_black(&setup.baseline().join("figures/sigmoid.svg"));
    let output = setup.review(&["--junit", "junit.xml", "--markdown", "summary.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let said = stdout_of(&output);
    let last = said.lines().last().expect("a last line");
    assert!(last.starts_with("Passed within the tolerances"), "{last}");
    assert!(last.contains("stale"), "{last}");
    assert!(last.contains("`logreg-report review --accept`"), "{last}");
    let record = setup.record();
    assert_eq!(record["state"], "within");
    assert_eq!(record["baseline_stale"], true);
    assert_eq!(record["last_line"], last);
    assert_eq!(record["accept_command"], "logreg-report review --accept");
    let page = setup.page();
    assert!(page.contains("the baseline is stale"), "the page hides it");
    assert!(page.contains("<code>logreg-report review --accept</code>"));
    let junit = fs::read_to_string(setup.root.path().join("junit.xml")).expect("written");
    assert!(junit.contains("logreg-report review --accept"), "{junit}");
    let markdown = fs::read_to_string(setup.root.path().join("summary.md")).expect("written");
    assert!(
        markdown.contains("`logreg-report review --accept`"),
        "{markdown}"
    );
    assert!(markdown.contains("within the tolerances"), "{markdown}");
    // --check agrees that the baseline is not what the code writes, and says what to run.
    let check = crate::support::binary()
        .current_dir(setup.root.path())
        .args(["--check", "--quiet", "--out", "output"])
        .output()
        .expect("runs");
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stderr_of(&check).contains("logreg-report review"),
        "{}",
        stderr_of(&check)
    );
    // The command it names makes both green.
    let accept = setup.review(&["--accept"]);
    assert_eq!(accept.status.code(), Some(0), "{}", stderr_of(&accept));
    let again = crate::support::binary()
        .current_dir(setup.root.path())
        .args(["--check", "--quiet", "--out", "output"])
        .output()
        .expect("runs");
    assert_eq!(again.status.code(), Some(0), "{}", stderr_of(&again));
}

#[test]
fn quiet_prints_one_summary_line_and_nothing_else() {
    let setup = Setup::new();
    let output = crate::support::binary()
        .current_dir(setup.root.path())
        .args(["review", "--quiet", "--seed", "5"])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let said = stdout_of(&output);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(said.contains("changed beyond the tolerances"), "{said}");
    assert!(
        said.contains("logreg-report review --seed 5 --accept"),
        "{said}"
    );
    assert_eq!(stderr_of(&output), "", "no progress with --quiet");
}

#[test]
fn a_baseline_that_is_no_report_is_refused_with_advice_that_would_be_accepted() {
    let setup = Setup::new();
    let notes = setup.root.path().join("notes");
    fs::create_dir(&notes).expect("writable");
    fs::write(notes.join("todo.md"), "keep").expect("writable");
    for baseline in ["notes", "empty-or-new"] {
        let output = crate::support::binary()
            .current_dir(setup.root.path())
            .args(["review", "--baseline", baseline])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2));
        let err = stderr_of(&output);
        one_line(&err);
        assert!(!err.contains("new or empty folder"), "{err}");
        assert!(
            err.contains(&format!("logreg-report --out {baseline}")),
            "{err}"
        );
    }
    assert_eq!(fs::read(notes.join("todo.md")).expect("kept"), b"keep");
}

/// Each place `--junit` and `--markdown` must not write: refused with exit 2, one line
/// naming the flag and a path that would be accepted, and not a byte changed anywhere.
#[test]
fn junit_and_markdown_never_replace_what_the_tool_did_not_write() {
    let setup = Setup::new();
    assert_eq!(setup.review(&[]).status.code(), Some(0));
    let root = setup.root.path();
    fs::write(root.join("notes.xml"), "<mine/>").expect("writable");
    fs::write(root.join("notes.md"), "# mine\n").expect("writable");
    fs::create_dir(root.join("folder")).expect("writable");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("notes.xml", root.join("link.xml")).expect("a link");
        let fifo =
            std::ffi::CString::new(root.join("fifo").to_str().expect("UTF-8")).expect("no NUL");
        // SAFETY: a valid C string; mkfifo only makes a file.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    }
    let cases = [
        ("--junit", "output/index.html", "inside the baseline"),
        ("--junit", "output/results.json", "inside the baseline"),
        ("--markdown", "output/notes.md", "inside the baseline"),
        (
            "--junit",
            "review/review.json",
            "the review folder's own review.json",
        ),
        (
            "--markdown",
            "review/review.html",
            "the review folder's own review.html",
        ),
        ("--junit", "review/images/x.png", "the review folder's own"),
        ("--junit", "folder", "a folder"),
        ("--junit", "notes.xml", "did not write"),
        ("--markdown", "notes.md", "did not write"),
        ("--junit", "missing/j.xml", "does not exist"),
        #[cfg(unix)]
        ("--junit", "link.xml", "symbolic link"),
        #[cfg(unix)]
        ("--markdown", "fifo", "a FIFO"),
    ];
    for (flag, path, why) in cases {
        let before = snapshot(root);
        let output = setup.review(&[flag, path]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{flag} {path}: {}",
            stderr_of(&output)
        );
        let err = stderr_of(&output);
        one_line(&err);
        assert!(err.contains(&format!("{flag} {path}")), "{err}");
        assert!(err.contains(why), "{flag} {path}: {err}");
        assert!(
            err.contains("nothing was changed: choose a new file such as review/"),
            "{err}"
        );
        assert_eq!(snapshot(root), before, "{flag} {path} changed something");
    }
    // A JUnit file is no Markdown summary of the tool's, and the other way round.
    assert_eq!(
        setup
            .review(&["--junit", "j.xml", "--markdown", "s.md"])
            .status
            .code(),
        Some(0)
    );
    for (flag, path) in [("--markdown", "j.xml"), ("--junit", "s.md")] {
        let output = setup.review(&[flag, path]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    }
}

#[test]
fn junit_and_markdown_are_written_whole_with_the_umask_mode_over_their_own_or_an_empty_file() {
    let setup = Setup::new();
    let root = setup.root.path();
    fs::write(root.join("summary.md"), "").expect("an empty job-summary file");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // An earlier file of a narrower mode: the new one gets the umask's, not this.
        fs::write(root.join("junit.xml"), "").expect("writable");
        fs::set_permissions(root.join("junit.xml"), fs::Permissions::from_mode(0o600))
            .expect("chmod");
    }
    let output =
        setup.review_with_umask(0o022, &["--junit", "junit.xml", "--markdown", "summary.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let markdown = fs::read_to_string(root.join("summary.md")).expect("written");
    assert!(
        markdown.starts_with("<!-- logreg-report review -->\n"),
        "{markdown}"
    );
    let junit = fs::read_to_string(root.join("junit.xml")).expect("written");
    roxmltree::Document::parse(&junit).expect("whole, well-formed XML");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for name in ["junit.xml", "summary.md"] {
            let mode = fs::metadata(root.join(name))
                .expect("there")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o644, "{name}");
        }
        let output = setup.review_with_umask(0o077, &["--junit", "junit.xml"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
        let mode = fs::metadata(root.join("junit.xml"))
            .expect("there")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // No temporary file is left beside them.
    let leftovers: Vec<_> = fs::read_dir(root)
        .expect("readable")
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with(".logreg-report-")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A review that fails or cannot be made leaves no earlier, different verdict behind in any
/// file of its own: the page, `review.json`, JUnit and Markdown all say what happened now.
#[test]
fn a_failed_or_broken_review_leaves_no_earlier_verdict_behind() {
    let setup = Setup::new();
    let files = ["--junit", "junit.xml", "--markdown", "summary.md"];
    assert_eq!(setup.review(&files).status.code(), Some(0));
    let junit = || fs::read_to_string(setup.root.path().join("junit.xml")).expect("written");
    let markdown = || fs::read_to_string(setup.root.path().join("summary.md")).expect("written");
    assert!(!junit().contains("<failure"));
    // It fails: every file says so.
    let failing = setup.review(&[&files[..], &["--seed", "5"]].concat());
    assert_eq!(failing.status.code(), Some(1));
    assert!(junit().contains("<failure"));
    assert!(markdown().contains("FAIL"));
    assert_eq!(setup.record()["state"], "failed");
    // It cannot be made (a bad tolerance, found once the places were checked): every file
    // says that, none keeps the failure or an earlier pass.
    let broken = setup.review(&[&files[..], &["--tolerance", "-1"]].concat());
    assert_eq!(broken.status.code(), Some(2));
    one_line(&stderr_of(&broken));
    assert!(junit().contains("<error"), "{}", junit());
    assert!(!junit().contains("<failure"), "{}", junit());
    assert!(markdown().contains("ERROR"), "{}", markdown());
    let record = setup.record();
    assert_eq!(record["state"], "error");
    assert_eq!(record["passed"], false);
    assert!(setup.page().contains("could not be made"));
}

#[test]
fn the_markdown_summary_names_the_files_the_figures_the_numbers_and_the_accept_command() {
    let setup = Setup::new();
    let output = setup.review(&["--lambdas", "0,0.1,5", "--markdown", "summary.md"]);
    assert_eq!(output.status.code(), Some(1));
    let markdown = fs::read_to_string(setup.root.path().join("summary.md")).expect("written");
    assert!(
        markdown.contains("| `figures/reg-vs-no.svg` | changed | **FAIL** |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("Figure 9 (`reg-vs-no.svg`)"),
        "{markdown}"
    );
    // The third fit, compared by its place: how its λ moved, then how its weights did.
    assert!(
        markdown.contains(
            "- the third separable fit (λ 10 → 5): fun by 5.2 (relative 0.27), x\\[0\\] by "
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("`logreg-report review --lambdas 0,0.1,5 --accept`"),
        "{markdown}"
    );
    assert!(markdown.contains("`review/review.html`"), "{markdown}");
    // A fit that came: one line, with its count of values.
    let more = setup.review(&["--lambdas", "0,0.1,10,100", "--markdown", "summary.md"]);
    assert_eq!(more.status.code(), Some(1));
    let markdown = fs::read_to_string(setup.root.path().join("summary.md")).expect("written");
    assert!(
        markdown.contains("- the fourth separable fit (λ = 100): new in this run, "),
        "{markdown}"
    );
    assert!(
        markdown.lines().count() < 60,
        "too long for a summary: {markdown}"
    );
}

/// The case: a report made with other parameters (seed 3 and a site address),
/// reviewed as CI and the README do, with the parameters in report.toml. Every output says
/// so before anything else, and the accept advice says what accepting replaces.
#[test]
fn a_baseline_made_with_other_parameters_is_named_first_in_every_output() {
    let setup = Setup::new();
    binary()
        .current_dir(setup.root.path())
        .args([
            "--quiet",
            "--seed",
            "3",
            "--site-url",
            "https://example.org/report/",
        ])
        .assert()
        .success();
    fs::write(setup.root.path().join("report.toml"), "seed = 0\n").expect("writable");
    let output = setup.review(&["--junit", "junit.xml", "--markdown", "summary.md"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    let seed = "seed: 3 in the baseline, 0 in this run (report.toml)";
    let site =
        "site_url: https://example.org/report/ in the baseline, none in this run (the default)";
    // The terminal: first of all.
    let said = stdout_of(&output);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "The baseline was made with other parameters:",
            &format!("  {seed}"),
            &format!("  {site}")
        ],
        "{said}"
    );
    let last = lines.last().expect("a last line");
    assert!(
        last.ends_with(
            "run `logreg-report review --accept` (accepting replaces a report made with other \
             parameters: seed 3, site_url https://example.org/report/, with this run's)."
        ),
        "{last}"
    );
    // review.json: right after the marker that names the tool.
    let record = setup.record();
    let keys: Vec<&String> = record.as_object().expect("an object").keys().collect();
    assert_eq!(keys[..3], ["tool", "version", "parameters"]);
    assert_eq!(record["parameters"][0]["key"], "seed");
    assert_eq!(record["parameters"][0]["baseline"], "3");
    assert_eq!(record["parameters"][0]["line"], seed);
    assert_eq!(record["parameters"][1]["line"], site);
    // The page: before the verdict.
    let page = setup.page();
    let at = |text: &str| {
        page.find(text)
            .unwrap_or_else(|| panic!("{text} not on the page"))
    };
    assert!(at(seed) < at("id=\"verdict\""));
    assert!(at("The baseline was made with other parameters") < at(seed));
    // JUnit: the first test case, failing with both lines.
    let junit = fs::read_to_string(setup.root.path().join("junit.xml")).expect("written");
    let doc = roxmltree::Document::parse(&junit).expect("well-formed");
    let first = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .expect("a case");
    assert_eq!(first.attribute("name"), Some("parameters"));
    let failure = first
        .children()
        .find(|n| n.has_tag_name("failure"))
        .expect("it fails");
    assert_eq!(failure.text(), Some(format!("{seed}\n{site}").as_str()));
    // Markdown: right under the heading, before the verdict line.
    let markdown = fs::read_to_string(setup.root.path().join("summary.md")).expect("written");
    let md: Vec<&str> = markdown.lines().collect();
    assert_eq!(md[1], "### logreg-report review: FAIL");
    assert_eq!(md[3], "> [!WARNING]");
    assert!(
        markdown.find("seed: 3 in the baseline").expect("listed")
            < markdown.find("files changed").expect("verdict")
    );
}

/// The accept command a review prints can be pasted as it is, whatever the baseline folder
/// is called: a space, a quote or a leading dash.
#[test]
fn the_printed_accept_command_runs_when_pasted_whatever_the_folder_is_called() {
    let root = tempfile::tempdir().expect("temp dir");
    let bin_dir = crate::support::binary_path()
        .parent()
        .expect("a folder")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for name in ["my report", "-dash", "it's", "--"] {
        binary()
            .current_dir(root.path())
            .arg(format!("--out={name}"))
            .arg("--quiet")
            .assert()
            .success();
        let output = binary()
            .current_dir(root.path())
            .args(["review", "--seed", "5", "--quiet"])
            .arg(format!("--baseline={name}"))
            .output()
            .expect("runs");
        assert_eq!(
            output.status.code(),
            Some(1),
            "{name}: {}",
            stderr_of(&output)
        );
        let record: serde_json::Value = serde_json::from_slice(
            &fs::read(root.path().join("review/review.json")).expect("written"),
        )
        .expect("JSON");
        let command = record["accept_command"]
            .as_str()
            .expect("a command")
            .to_string();
        assert!(command.starts_with("logreg-report review "), "{command}");
        let pasted = std::process::Command::new("sh")
            .current_dir(root.path())
            .env("PATH", &path)
            .env_remove("CARGO")
            .args(["-c", &command])
            .output()
            .expect("sh runs");
        assert!(
            pasted.status.success(),
            "{name}: `{command}` failed: {}",
            String::from_utf8_lossy(&pasted.stderr)
        );
        let results: serde_json::Value = serde_json::from_slice(
            &fs::read(root.path().join(name).join("results.json")).expect("written"),
        )
        .expect("JSON");
        assert_eq!(results["seed"], 5, "{name}: {command}");
    }
}

/// A baseline file with a name holding every character markup gives a meaning to, and a
/// control character: JUnit and the review page stay well-formed and name it; review.json
/// and the Markdown name it too.
#[test]
fn every_kind_of_name_reads_back_from_every_output() {
    let setup = Setup::new();
    let name = "figures/a&b<c>\"d'e\u{1}f.svg";
    fs::copy(
        setup.baseline().join("figures/sigmoid.svg"),
        setup.baseline().join(name),
    )
    .expect("copied");
    let results = setup.baseline().join("results.json");
    let mut record: serde_json::Value =
        serde_json::from_slice(&fs::read(&results).expect("readable")).expect("JSON");
    record["artifacts"][name] = serde_json::json!("0".repeat(64));
    fs::write(&results, serde_json::to_vec_pretty(&record).expect("JSON")).expect("writable");
    let output = setup.review(&["--junit", "junit.xml", "--markdown", "summary.md"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    // XML 1.0 holds no U+0001: the replacement character stands for it.
    let shown = name.replace('\u{1}', "\u{FFFD}");
    let junit = fs::read_to_string(setup.root.path().join("junit.xml")).expect("written");
    let doc = roxmltree::Document::parse(&junit).expect("well-formed JUnit");
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(&shown)),
        "{junit}"
    );
    let page = fs::read_to_string(setup.review_dir().join("review.html")).expect("written");
    assert!(page.contains("a&amp;b&lt;c&gt;&quot;d&#39;e"), "the page");
    let json = fs::read_to_string(setup.review_dir().join("review.json")).expect("written");
    let json: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert!(
        json["files"]
            .as_array()
            .expect("files")
            .iter()
            .any(|f| f["path"] == name),
        "review.json"
    );
    let markdown = fs::read_to_string(setup.root.path().join("summary.md")).expect("written");
    // In a code span, where nothing is escaped.
    assert!(markdown.contains("| `figures/a&b<c>\"d'e"), "{markdown}");
}
