//! Trust nothing that was read: what a file says never chooses where the tool writes, and
//! another user's files are never touched.

use std::fs;
use std::path::Path;
use std::time::Duration;

use libtest_mimic::Failed;

use super::support::{binary_path, snapshot};
use super::{NOBODY, finish, set_mode};

const MINUTE: Duration = Duration::from_secs(60);

fn check(condition: bool, message: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition {
        Ok(())
    } else {
        Err(message().into())
    }
}

/// A staging folder as an attacker plants it: a lock naming this tool, the output folder's
/// name `target`, and a "previous report" whose marker names this tool.
fn plant(shared: &Path, name: &str, target: &str) -> std::path::PathBuf {
    let planted = shared.join(format!(".logreg-report-staging-{name}"));
    fs::create_dir_all(planted.join("previous")).expect("writable");
    // As the tool writes its lock: the target's name as the bytes of an OS string.
    let bytes: Vec<u8> = target.as_bytes().to_vec();
    fs::write(
        planted.join("lock"),
        serde_json::json!({
            "tool": "logreg-report",
            "pid": 1,
            "target": {"Unix": bytes},
            "staged": [0, 0]
        })
        .to_string(),
    )
    .expect("writable");
    fs::write(planted.join("previous/planted.txt"), "the attacker's file").expect("writable");
    fs::write(
        planted.join("previous/results.json"),
        r#"{"tool": "logreg-report", "artifacts": {"planted.txt": "0"}}"#,
    )
    .expect("writable");
    planted
}

/// A staging folder of ours whose lock names a destination of the file's choosing (another
/// folder, an absolute path, a way out of the parent): nothing is moved there, and the folder
/// is left for a run of its own output folder.
pub fn a_lock_never_chooses_a_destination() -> Result<(), Failed> {
    let root = tempfile::tempdir()?;
    let elsewhere = root.path().join("victim-home");
    fs::create_dir(&elsewhere)?;
    fs::write(elsewhere.join("diary.txt"), "private")?;
    let shared = root.path().join("shared");
    fs::create_dir(&shared)?;
    let targets = [
        elsewhere.display().to_string(),
        "../victim-home".to_string(),
        "..".to_string(),
        "other".to_string(),
    ];
    let planted: Vec<_> = targets
        .iter()
        .enumerate()
        .map(|(k, t)| plant(&shared, &format!("p{k}"), t))
        .collect();
    let before = snapshot(root.path());
    let mut run = std::process::Command::new(binary_path());
    run.current_dir(&shared)
        .args(["--quiet", "--out", "report"]);
    let finished = finish(run, MINUTE)?;
    finished.assert_verdict("a run beside planted staging folders")?;
    check(finished.code == Some(0), || finished.stderr.clone())?;
    let after = snapshot(root.path());
    for (path, bytes) in &before {
        check(after.get(path) == Some(bytes), || {
            format!("{} changed or went", path.display())
        })?;
    }
    check(!shared.join("report/planted.txt").exists(), || {
        "the planted file was moved into the report".into()
    })?;
    check(!elsewhere.join("planted.txt").exists(), || {
        "the planted file was moved where its lock said".into()
    })?;
    for folder in planted {
        check(folder.join("previous/planted.txt").exists(), || {
            format!("{} was emptied", folder.display())
        })?;
    }
    Ok(())
}

/// Another user plants, in a shared sticky folder, a staging folder whose lock names the very
/// output folder the victim writes: the victim's run never touches it (it is not theirs), so
/// the planted files never become part of the victim's report. Run where the tests are root
/// (the victim) and can hand the planted folder to `nobody` (the attacker).
pub fn another_users_staging_folder_is_never_touched() -> Result<(), Failed> {
    let root = tempfile::tempdir()?;
    let shared = root.path().join("tmp");
    fs::create_dir(&shared)?;
    set_mode(&shared, 0o1777)?;
    let planted = plant(&shared, "attack", "report");
    for entry in walk(&planted) {
        std::os::unix::fs::lchown(&entry, Some(NOBODY), Some(NOBODY))?;
    }
    let before = snapshot(&planted);
    let mut run = std::process::Command::new(binary_path());
    run.current_dir(&shared)
        .args(["--quiet", "--out", "report"]);
    let finished = finish(run, MINUTE)?;
    finished.assert_verdict("a run beside another user's staging folder")?;
    check(finished.code == Some(0), || finished.stderr.clone())?;
    check(planted.exists() && snapshot(&planted) == before, || {
        "another user's staging folder was changed or removed".into()
    })?;
    check(!shared.join("report/planted.txt").exists(), || {
        "another user's planted file became part of the report".into()
    })?;
    Ok(())
}

/// Every path under `dir`, `dir` included.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut all = vec![dir.to_path_buf()];
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                all.extend(walk(&entry.path()));
            } else {
                all.push(entry.path());
            }
        }
    }
    all
}

/// What a run may write, every reader of the tool reads back: the most strengths a run takes
/// make a report that a later run replaces, `--check` compares and a review draws (figure 9
/// with a panel for each, within the renderer's limits); one more is refused up front.
pub fn what_a_run_writes_its_readers_read() -> Result<(), Failed> {
    let root = tempfile::tempdir()?;
    let most = logreg_report::config::MAX_LAMBDAS;
    let lambdas: Vec<String> = (0..most).map(|k| format!("{}", k as f64 / 4.0)).collect();
    let lambdas = lambdas.join(",");
    let run = |args: &[&str]| -> Result<super::Finished, Failed> {
        let mut command = std::process::Command::new(binary_path());
        command.current_dir(root.path()).args(args);
        finish(command, MINUTE)
    };
    let written = run(&["--quiet", "--n", "40", "--lambdas", &lambdas])?;
    check(written.code == Some(0), || written.stderr.clone())?;
    let again = run(&["--quiet", "--n", "40", "--lambdas", &lambdas, "--check"])?;
    check(again.code == Some(0), || {
        format!("--check: {}", again.stderr)
    })?;
    let review = run(&[
        "review",
        "--quiet",
        "--n",
        "40",
        "--seed",
        "3",
        "--lambdas",
        &lambdas,
    ])?;
    check(review.code == Some(1), || {
        format!("review: {}", review.stderr)
    })?;
    let record: serde_json::Value =
        serde_json::from_slice(&fs::read(root.path().join("review/review.json"))?)?;
    let nine = record["files"]
        .as_array()
        .and_then(|files| files.iter().find(|f| f["path"] == "figures/reg-vs-no.svg"))
        .ok_or("no verdict for figure 9")?;
    check(nine["verdict"] == "changed", || format!("figure 9: {nine}"))?;
    let replaced = run(&["--quiet", "--n", "40"])?;
    check(replaced.code == Some(0), || replaced.stderr.clone())?;
    let over: Vec<String> = (0..=most).map(|k| k.to_string()).collect();
    let refused = run(&["--quiet", "--lambdas", &over.join(",")])?;
    check(
        refused.code == Some(2)
            && refused
                .stderr
                .contains(&format!("at most {most} lambdas can be compared")),
        || format!("{} lambdas: {}", most + 1, refused.stderr),
    )
}

/// A baseline figure with a name as long as a file system allows still gets its verdict: the
/// review's image files of it keep short names.
pub fn a_long_figure_name_gets_a_verdict() -> Result<(), Failed> {
    let root = tempfile::tempdir()?;
    let mut write = std::process::Command::new(binary_path());
    write
        .current_dir(root.path())
        .args(["--quiet", "--out", "output"]);
    check(finish(write, MINUTE)?.code == Some(0), || "the run".into())?;
    let output = root.path().join("output");
    let name = format!("{}.svg", "f".repeat(246));
    fs::copy(
        output.join("figures/fuzzy.svg"),
        output.join("figures").join(&name),
    )?;
    // The baseline's run "wrote" it: its manifest lists it.
    let results = output.join("results.json");
    let mut record: serde_json::Value = serde_json::from_slice(&fs::read(&results)?)?;
    record["artifacts"][format!("figures/{name}")] = serde_json::json!("0".repeat(64));
    fs::write(&results, serde_json::to_vec_pretty(&record)?)?;
    let mut review = std::process::Command::new(binary_path());
    review.current_dir(root.path()).args(["review", "--quiet"]);
    let finished = finish(review, MINUTE)?;
    finished.assert_verdict("a figure with a long name")?;
    check(finished.code == Some(1), || finished.stderr.clone())?;
    let review = fs::read_to_string(root.path().join("review/review.json"))?;
    check(
        review.contains(&format!("\"path\": \"figures/{name}\"")),
        || "the long-named figure has no verdict".into(),
    )?;
    let longest = fs::read_dir(root.path().join("review/images"))?
        .flatten()
        .map(|e| e.file_name().len())
        .max()
        .unwrap_or(0);
    check(longest < 200, || {
        format!("an image name of {longest} bytes")
    })
}

/// A review stopped half-way (Ctrl-C while it computes) leaves no earlier verdict to be read
/// as its own: `review.json`, the JUnit and the Markdown files say it did not finish.
pub fn an_interrupted_review_leaves_no_earlier_verdict() -> Result<(), Failed> {
    let root = tempfile::tempdir()?;
    let dir = root.path();
    let tool = |args: &[&str]| {
        let mut command = std::process::Command::new(binary_path());
        command.current_dir(dir).args(args);
        command
    };
    check(tool(&["--quiet"]).status()?.success(), || "the run".into())?;
    let sides = ["--junit", "junit.xml", "--markdown", "summary.md"];
    let first = tool(&["review", "--quiet"]).args(sides).status()?;
    check(first.code() == Some(0), || {
        format!("the first review: {first}")
    })?;
    let passed = fs::read_to_string(dir.join("junit.xml"))?;
    check(!passed.contains("<error"), || passed.clone())?;
    // A review that takes long enough to be stopped while it computes.
    let mut slow = tool(&["review", "--quiet", "--n", "3000000"])
        .args(sides)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    let started = std::time::Instant::now();
    let state = || -> String {
        fs::read(dir.join("review/review.json"))
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v["state"].as_str().map(String::from))
            .unwrap_or_default()
    };
    while state() != "unfinished" {
        if started.elapsed() > MINUTE || slow.try_wait()?.is_some() {
            let _ = slow.kill();
            return Err("the review never marked itself unfinished while it ran".into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    check(slow.try_wait()?.is_none(), || {
        "it finished before the stop".into()
    })?;
    rustix::process::kill_process(
        rustix::process::Pid::from_child(&slow),
        rustix::process::Signal::INT,
    )?;
    let status = slow.wait()?;
    check(!status.success(), || {
        format!("the stopped review: {status}")
    })?;
    check(state() == "unfinished", || {
        format!("review.json: {}", state())
    })?;
    let junit = fs::read_to_string(dir.join("junit.xml"))?;
    check(
        junit.contains("<error") && junit.contains("did not finish"),
        || format!("junit.xml: {junit}"),
    )?;
    let markdown = fs::read_to_string(dir.join("summary.md"))?;
    check(markdown.contains("did not finish"), || markdown.clone())?;
    // The next review writes its own verdict everywhere.
    let again = tool(&["review", "--quiet"]).args(sides).status()?;
    check(again.code() == Some(0), || {
        format!("the next review: {again}")
    })?;
    check(state() == "identical", state)
}

/// Runs git in `dir`; panics with what it said when it fails.
fn git(dir: &Path, args: &[&str]) -> Vec<u8> {
    let output = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=T", "-c", "user.email=t@example.org"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// A repository in `dir` with a report committed in `output/`.
fn repository_with_a_report(dir: &Path) {
    git(dir, &["init", "--quiet"]);
    let written = std::process::Command::new(binary_path())
        .current_dir(dir)
        .args(["--quiet", "--n", "20"])
        .status()
        .expect("runs");
    assert!(written.success());
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "--quiet", "-m", "report"]);
}

/// Every file under `dir` with its bytes.
fn bytes_under(dir: &Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    snapshot(dir)
}

/// A partial clone lacks the report's blobs: `--baseline-rev` reads, never fetches. Its
/// `.git` is byte for byte what it was, and the error is git's own.
pub fn git_is_read_never_asked_to_fetch() -> Result<(), Failed> {
    let root = tempfile::tempdir()?;
    let source = root.path().join("source");
    fs::create_dir(&source)?;
    repository_with_a_report(&source);
    git(&source, &["config", "uploadpack.allowFilter", "true"]);
    let url = format!("file://{}", source.display());
    git(
        root.path(),
        &[
            "clone",
            "--quiet",
            "--filter=blob:none",
            "--no-checkout",
            &url,
            "partial",
        ],
    );
    let partial = root.path().join("partial");
    let before = bytes_under(&partial.join(".git"));
    let mut review = std::process::Command::new(binary_path());
    review.current_dir(&partial).args([
        "review",
        "--quiet",
        "--n",
        "20",
        "--baseline-rev",
        "origin/main",
    ]);
    let finished = finish(review, MINUTE)?;
    finished.assert_verdict("a review of a partial clone")?;
    check(finished.code == Some(2), || finished.stderr.clone())?;
    check(
        finished.stderr.contains("is missing from this repository")
            && finished.stderr.contains("never fetches"),
        || finished.stderr.clone(),
    )?;
    check(bytes_under(&partial.join(".git")) == before, || {
        "the partial clone's .git changed (objects were fetched)".into()
    })
}

/// A small repository whose report folder's tree expands to a million entries (a thousand
/// entries each holding the same thousand): the review ends with a clear error within a
/// deadline and the memory bound, and git is never left waiting.
pub fn a_tree_of_a_million_entries_is_refused_in_bounded_time() -> Result<(), Failed> {
    let root = tempfile::tempdir()?;
    let dir = root.path();
    git(dir, &["init", "--quiet"]);
    let empty = empty_blob(dir)?;
    let mktree = |lines: String| mktree(dir, &lines);
    let leaves: String = (0..1000)
        .map(|k| format!("100644 blob {empty}\tf{k}\n"))
        .collect();
    let inner = mktree(leaves)?;
    let folders: String = (0..1000)
        .map(|k| format!("040000 tree {inner}\td{k}\n"))
        .collect();
    let output = mktree(folders)?;
    let top = mktree(format!("040000 tree {output}\toutput\n"))?;
    commit_tree(dir, &top, "huge");
    let mut review = super::tool(dir);
    review.args(["review", "--quiet", "--baseline-rev", "huge"]);
    let finished = finish(review, MINUTE)?;
    finished.assert_verdict("a tree of a million entries")?;
    check(finished.code == Some(2), || finished.stderr.clone())?;
    check(finished.stderr.contains("more than 10000 entries"), || {
        finished.stderr.clone()
    })?;
    let mib = finished.max_rss_kib / 1024;
    check(mib < 400, || format!("{mib} MiB"))
}

/// A link committed where the report has a folder reads as it would on disk: nothing behind
/// it is the report's.
pub fn a_committed_link_reads_as_on_disk() -> Result<(), Failed> {
    let root = tempfile::tempdir()?;
    let dir = root.path();
    repository_with_a_report(dir);
    fs::remove_dir_all(dir.join("output/data"))?;
    std::os::unix::fs::symlink("/etc", dir.join("output/data"))?;
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "--quiet", "-m", "a link"]);
    let mut review = std::process::Command::new(binary_path());
    review
        .current_dir(dir)
        .args(["review", "--n", "20", "--baseline-rev", "HEAD"]);
    let finished = finish(review, MINUTE)?;
    finished.assert_verdict("a committed link")?;
    check(
        finished
            .stdout
            .contains("data/fuzzy.csv: data is a symbolic link, not a folder"),
        || finished.stdout.clone(),
    )
}

/// A page template is the author's code, but bounded: one that doubles a string, one that
/// loops for ever and one with a syntax error in a line of megabytes each end the run with
/// exit 2 and a short error, within the memory bound and soon after the time budget.
pub fn a_runaway_template_is_stopped() -> Result<(), Failed> {
    let long = "x".repeat(10 << 20);
    let cases = [
        (
            "a string doubled",
            r#"{% set_global s = "xxxxxxxxxxxxxxxx" %}{% for i in range(end=64) %}{% set_global s = s ~ s %}{% endfor %}{{ s }}"#.to_string(),
            "MiB (a page takes a few), and was stopped",
        ),
        (
            "three nested loops",
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% for k in range(end=100000) %}{% endfor %}{% endfor %}{% endfor %}".to_string(),
            "s (a page takes milliseconds), and was stopped",
        ),
        (
            "an error in a line of 10 MiB",
            format!("{long}{{{{ seed + }}}}{long}"),
            "Found `}}` but expected",
        ),
    ];
    for (what, template, says) in cases {
        let root = tempfile::tempdir()?;
        fs::write(root.path().join("report.html"), template)?;
        let mut run = super::tool(root.path());
        run.args(["--quiet", "--templates", ".", "--out", "out"]);
        let finished = finish(run, MINUTE)?;
        finished.assert_verdict(what)?;
        check(finished.code == Some(2), || {
            format!("{what}: {}", finished.stderr)
        })?;
        check(finished.stderr.starts_with("error: ./report.html"), || {
            format!("{what}: {}", finished.stderr)
        })?;
        check(finished.stderr.contains(says), || {
            format!("{what}: {}", finished.stderr)
        })?;
        check(finished.stderr.len() < 2000, || {
            format!("{what}: {} bytes of error", finished.stderr.len())
        })?;
        let mib = finished.max_rss_kib / 1024;
        check(mib < 400, || format!("{what}: {mib} MiB"))?;
        check(!root.path().join("out").exists(), || {
            format!("{what}: written")
        })?;
    }
    Ok(())
}

/// The id of an empty file, written into the repository in `dir`.
pub fn empty_blob(dir: &Path) -> Result<String, Failed> {
    let mut hash = std::process::Command::new("git")
        .current_dir(dir)
        .args(["hash-object", "-w", "--stdin"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    drop(hash.stdin.take());
    let out = hash.wait_with_output()?;
    Ok(String::from_utf8(out.stdout)?.trim().to_string())
}

/// The id of a tree of `lines` (as `git mktree` takes them), written into `dir`'s repository.
pub fn mktree(dir: &Path, lines: &str) -> Result<String, Failed> {
    use std::io::Write;
    let mut child = std::process::Command::new("git")
        .current_dir(dir)
        .arg("mktree")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(lines.as_bytes())?;
    let out = child.wait_with_output()?;
    Ok(String::from_utf8(out.stdout)?.trim().to_string())
}

/// A commit of `tree` on the branch `name` of `dir`'s repository.
pub fn commit_tree(dir: &Path, tree: &str, name: &str) {
    let commit =
        String::from_utf8(git(dir, &["commit-tree", tree, "-m", name])).unwrap_or_default();
    git(
        dir,
        &["update-ref", &format!("refs/heads/{name}"), commit.trim()],
    );
}

/// A new repository in `dir`.
pub fn init(dir: &Path) {
    git(dir, &["init", "--quiet"]);
}
