//! The output folder, as a user meets it: the tool writes only into a report of its own,
//! keeps the user's files through runs, kills and signals, follows links without replacing
//! them, leaves no debris, and fails cleanly when memory or pipes give out.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{
    add_user_files, assert_user_files, binary, binary_path, one_line, snapshot, staging_folders,
    stderr_of, write_report,
};

/// Runs the tool with `args` (and `--quiet`) in `cwd`; asserts exit status 2, one line naming
/// `names` on stderr, and that nothing under `watch` changed.
fn refused(cwd: &Path, args: &[&std::ffi::OsStr], names: &str, watch: &Path) -> String {
    let before = snapshot(watch);
    let output = binary()
        .current_dir(cwd)
        .args(args)
        .arg("--quiet")
        .output()
        .expect("the binary runs");
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    one_line(&stderr);
    assert!(
        stderr.contains(names),
        "{args:?} should name {names}: {stderr}"
    );
    assert_eq!(snapshot(watch), before, "{args:?} changed something");
    stderr
}

fn os(text: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(text)
}

#[test]
fn folders_that_are_not_reports_are_refused_untouched() {
    let root = tempfile::tempdir().expect("temp dir");
    // A home folder with keys and dotfiles.
    let home = root.path().join("home");
    fs::create_dir_all(home.join(".ssh")).expect("writable");
    fs::write(home.join(".ssh/id_ed25519"), "secret key").expect("writable");
    fs::write(home.join(".profile"), "PATH=...").expect("writable");
    let stderr = refused(
        root.path(),
        &[os("--out"), home.as_os_str()],
        "home",
        root.path(),
    );
    assert!(stderr.contains("not a report of logreg-report"), "{stderr}");
    // A source folder, as `--out .` from inside it and by a typo naming it.
    let project = root.path().join("project");
    fs::create_dir_all(project.join("src")).expect("writable");
    fs::write(project.join("Cargo.toml"), "[package]").expect("writable");
    fs::write(project.join("src/main.rs"), "fn main() {}").expect("writable");
    refused(&project, &[os("--out"), os(".")], "project:", root.path());
    refused(&project, &[os("--out"), os("src")], "src", root.path());
    refused(
        &home,
        &[os("--out"), os("../project")],
        "project",
        root.path(),
    );
    // The templates folder given as the output folder too.
    let templates = root.path().join("templates");
    fs::create_dir(&templates).expect("writable");
    fs::write(templates.join("report.html"), "<p>{{ seed }}</p>").expect("writable");
    refused(
        root.path(),
        &[
            os("--templates"),
            os("templates"),
            os("--out"),
            os("templates"),
        ],
        "templates",
        root.path(),
    );
    // Even when that folder is a report of this tool: its page would replace the template.
    let report = root.path().join("report");
    write_report(&report);
    refused(
        root.path(),
        &[os("--templates"), os("report"), os("--out"), os("report")],
        "report",
        root.path(),
    );
}

#[test]
fn user_files_in_a_report_survive_the_next_run() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("output");
    write_report(&out);
    let user = add_user_files(&out, 3);
    binary()
        .args(["--quiet", "--seed", "4", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_user_files(&out, &user);
    assert!(staging_folders(root.path()).is_empty());
}

#[test]
fn folders_that_only_look_like_staging_folders_are_not_removed() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("output");
    let lookalikes = [
        root.path().join(".output.staging-backup"),
        root.path().join(".logreg-report-staging-mine"),
    ];
    for folder in &lookalikes {
        fs::create_dir(folder).expect("writable");
        fs::write(folder.join("keep.txt"), "mine").expect("writable");
    }
    write_report(&out);
    write_report(&out);
    for folder in &lookalikes {
        assert_eq!(
            fs::read_to_string(folder.join("keep.txt")).expect("kept"),
            "mine"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_link_to_a_folder_gets_the_report_and_stays_a_link() {
    let root = tempfile::tempdir().expect("temp dir");
    let real = root.path().join("site");
    fs::create_dir(&real).expect("writable");
    let link = root.path().join("published");
    std::os::unix::fs::symlink(&real, &link).expect("a link");
    write_report(&link);
    write_report(&link);
    assert!(
        fs::symlink_metadata(&link)
            .expect("there")
            .file_type()
            .is_symlink()
    );
    assert!(real.join("results.json").is_file());
    binary()
        .args(["--check", "--quiet", "--out"])
        .arg(&link)
        .assert()
        .code(0);
}

#[cfg(unix)]
#[test]
fn check_follows_no_link_out_of_the_report_and_opens_no_fifo() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("output");
    write_report(&out);
    let outside = root.path().join("outside.svg");
    fs::copy(out.join("figures/sigmoid.svg"), &outside).expect("copied");
    // The same bytes behind a link: still not the report's file.
    fs::remove_file(out.join("figures/sigmoid.svg")).expect("removable");
    std::os::unix::fs::symlink(&outside, out.join("figures/sigmoid.svg")).expect("a link");
    fs::remove_file(out.join("data/fuzzy.csv")).expect("removable");
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        out.join("data/fuzzy.csv"),
        rustix::fs::Mode::from_raw_mode(0o600),
    )
    .expect("a FIFO");
    let mut child = Command::new(binary_path())
        .args(["--check", "--quiet", "--out"])
        .arg(&out)
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("waitable") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("--check blocked on the FIFO");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let mut listed = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().expect("piped"), &mut listed)
        .expect("UTF-8");
    assert_eq!(status.code(), Some(1));
    assert_eq!(
        listed,
        "unreadable  data/fuzzy.csv: a FIFO stands there, not a file\n\
         unreadable  figures/sigmoid.svg: a symbolic link stands there, not a file\n"
    );
}

#[cfg(unix)]
#[test]
fn too_little_memory_is_one_line_not_an_abort() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("output");
    let output = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 300000 && exec \"$0\" --quiet --n 10000000 --out \"$1\"")
        .arg(binary_path())
        .arg(&out)
        .output()
        .expect("sh runs");
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    one_line(&stderr);
    assert!(
        stderr.contains("not enough memory for N = 10000000"),
        "{stderr}"
    );
    assert!(stderr.contains("ulimit -v"), "{stderr}");
    assert!(!out.exists());
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_or_a_full_stderr_never_stops_a_run() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("output");
    // Progress into a full device: the report is still written.
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let status = Command::new(binary_path())
        .arg("--out")
        .arg(&out)
        .stderr(full)
        .status()
        .expect("runs");
    assert!(status.success(), "{status:?}");
    assert!(out.join("results.json").is_file());
    // --check's list into a pipe nobody reads: the verdict stands, no panic.
    fs::write(out.join("figures/sigmoid.svg"), "edited").expect("writable");
    fs::write(out.join("figures/fuzzy.svg"), "edited").expect("writable");
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let output = Command::new(binary_path())
        .args(["--check", "--out"])
        .arg(&out)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert!(!stderr_of(&output).contains("panicked"));
}

/// A write that fails (here: a file-size limit the CSV exceeds) leaves the previous report,
/// no staging folder, and none of the parent folders it made.
#[cfg(unix)]
#[test]
fn a_failed_run_leaves_nothing_behind() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("output");
    write_report(&out);
    let before = snapshot(root.path());
    let limited = |out: &Path| {
        Command::new("sh")
            .arg("-c")
            .arg("ulimit -f 64 && exec \"$0\" --quiet --n 20000 --out \"$1\"")
            .arg(binary_path())
            .arg(out)
            .output()
            .expect("sh runs")
    };
    let output = limited(&out);
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    one_line(&stderr_of(&output));
    assert_eq!(snapshot(root.path()), before);
    let output = limited(&root.path().join("new/parents/output"));
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(
        !root.path().join("new").exists(),
        "a parent folder was left behind"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_as_the_template_is_an_error_not_a_hang() {
    let root = tempfile::tempdir().expect("temp dir");
    let templates = root.path().join("templates");
    fs::create_dir(&templates).expect("writable");
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        templates.join("report.html"),
        rustix::fs::Mode::from_raw_mode(0o600),
    )
    .expect("a FIFO");
    let mut child = Command::new(binary_path())
        .args(["--quiet", "--templates"])
        .arg(&templates)
        .arg("--out")
        .arg(root.path().join("out"))
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().expect("waitable").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the run blocked on the FIFO");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let output = child.wait_with_output().expect("ends");
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    one_line(&stderr);
    assert!(
        stderr.contains("is a FIFO, not a template file"),
        "{stderr}"
    );
}

#[test]
fn minus_zero_is_written_as_zero_and_one_reads_as_one() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("output");
    binary()
        .args(["--quiet", "--n", "2", "--lambdas=-0", "--out"])
        .arg(&out)
        .assert()
        .success();
    let results: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("results.json")).expect("written"))
            .expect("JSON");
    assert_eq!(results["lambdas"].to_string(), "[0.0]");
    let page = fs::read_to_string(out.join(logreg_report::report::PAGE)).expect("written");
    assert!(page.contains("λ = 0"), "the page names λ = 0");
    assert!(!page.contains("λ = -0"), "no minus zero on the page");
    assert!(page.contains("1 point of class A"), "one point is singular");
    let figure = fs::read_to_string(out.join("figures/reg-vs-no.svg")).expect("written");
    assert!(
        figure.contains("1 panel side by side"),
        "one panel is singular"
    );
    assert!(!figure.contains("1 points") && !page.contains("1 points"));
}
