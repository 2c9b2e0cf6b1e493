//! Failing folders: read-only ones, a file-size limit, a review folder inside its baseline,
//! two reviews at once. Whatever fails, the previous report stands whole and nothing is left.

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use libtest_mimic::Failed;

use super::support::{binary_path, snapshot, staging_folders};
use super::{User, finish, set_mode};

const MINUTE: Duration = Duration::from_secs(60);

fn check(condition: bool, message: impl FnOnce() -> String) -> Result<(), Failed> {
    if condition {
        Ok(())
    } else {
        Err(message().into())
    }
}

/// Asserts exit 2 with one line on stderr holding every one of `words`.
fn refused(finished: &super::Finished, words: &[&str], what: &str) -> Result<(), Failed> {
    let stderr = &finished.stderr;
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    check(finished.code == Some(2), || {
        format!("{what}: exit {:?}, stderr {stderr}", finished.code)
    })?;
    check(errors.len() == 1, || {
        format!("{what}: one error line expected: {stderr}")
    })?;
    for word in words {
        check(errors[0].contains(word), || {
            format!("{what}: {word:?} not in {}", errors[0])
        })?;
    }
    finished.assert_verdict(what)
}

/// A folder made read-only for as long as this lives.
struct ReadOnly(std::path::PathBuf);

impl ReadOnly {
    fn make(path: std::path::PathBuf) -> ReadOnly {
        set_mode(&path, 0o555).expect("the owner or root may change a mode");
        ReadOnly(path)
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        let _ = set_mode(&self.0, 0o755);
    }
}

/// A new folder of `user`'s with a report in `output/`, written by that user.
fn with_report(user: &User) -> Result<tempfile::TempDir, Failed> {
    let dir = user.folder();
    let made = user
        .command(dir.path())
        .args(["--quiet", "--out", "output"])
        .status()?;
    check(made.success(), || "the first run failed".into())?;
    Ok(dir)
}

/// The output folder, a folder of the report, and the folder that holds it, each read-only
/// in turn: the run is refused before anything is staged, naming the folder and the cause.
pub fn read_only_run(user: &User) -> Result<(), Failed> {
    for folder in ["output", "output/figures", "."] {
        let dir = with_report(user)?;
        let before = snapshot(dir.path());
        let finished = {
            let _read_only = ReadOnly::make(dir.path().join(folder));
            let mut run = user.command(dir.path());
            run.args(["--quiet", "--seed", "1", "--out", "output"]);
            finish(run, MINUTE)?
        };
        let what = format!("read-only {folder}");
        // The message names the folder, as given or (for the one that holds it) resolved.
        let cause = if folder == "." {
            "--out /".to_string()
        } else {
            format!("--out {folder}:")
        };
        refused(
            &finished,
            &["Permission denied", &cause, "nothing was changed"],
            &what,
        )?;
        check(snapshot(dir.path()) == before, || {
            format!("{what}: the folder changed")
        })?;
        check(staging_folders(dir.path()).is_empty(), || {
            format!("{what}: debris")
        })?;
    }
    Ok(())
}

/// A read-only review folder: the review is refused, the earlier review stands, nothing is
/// left beside it.
pub fn read_only_review(user: &User) -> Result<(), Failed> {
    let dir = with_report(user)?;
    let review = [
        "review",
        "--quiet",
        "--baseline",
        "output",
        "--review-dir",
        "review",
    ];
    let first = user
        .command(dir.path())
        .args(review)
        .args(["--seed", "1"])
        .output()?;
    check(first.status.code() == Some(1), || {
        format!("the first review: {}", first.status)
    })?;
    let before = snapshot(dir.path());
    let finished = {
        let _read_only = ReadOnly::make(dir.path().join("review"));
        let mut again = user.command(dir.path());
        again.args(review);
        finish(again, MINUTE)?
    };
    refused(
        &finished,
        &["review", "Permission denied"],
        "read-only review",
    )?;
    check(snapshot(dir.path()) == before, || {
        "the folder changed".into()
    })?;
    check(staging_folders(dir.path()).is_empty(), || "debris".into())
}

/// The tool under a file-size limit of `bytes` (it binds root too).
fn limited(bytes: u64, cwd: &Path) -> Command {
    use std::os::unix::process::CommandExt;
    let mut command = Command::new(binary_path());
    command.current_dir(cwd);
    // SAFETY: setrlimit is async-signal-safe, and nothing else runs between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes as libc::rlim_t,
                rlim_max: bytes as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    command
}

/// Under a limit smaller than the page: exit 2 naming the flag, the file and the cause; the
/// previous report is whole and no staging folder is left.
pub fn file_size_limit_run() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    super::support::write_report(&dir.path().join("output"));
    let before = snapshot(dir.path());
    let mut run = limited(48 * 1024, dir.path());
    run.args(["--quiet", "--seed", "1", "--out", "output"]);
    let finished = finish(run, MINUTE)?;
    refused(
        &finished,
        &["--out output/index.html", "File too large"],
        "a run under a file-size limit",
    )?;
    check(snapshot(dir.path()) == before, || {
        "the report changed".into()
    })?;
    check(staging_folders(dir.path()).is_empty(), || "debris".into())
}

/// The same for a review, whose page is larger than the limit: its error stands in its own
/// folder, the baseline is untouched, nothing is left.
pub fn file_size_limit_review() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    super::support::write_report(&dir.path().join("output"));
    let baseline = snapshot(&dir.path().join("output"));
    let mut review = limited(48 * 1024, dir.path());
    review.args(["review", "--quiet", "--seed", "1", "--baseline", "output"]);
    review.args(["--review-dir", "review", "--junit", "junit.xml"]);
    let finished = finish(review, MINUTE)?;
    refused(
        &finished,
        &["--review-dir review/", "File too large"],
        "a review under a file-size limit",
    )?;
    check(snapshot(&dir.path().join("output")) == baseline, || {
        "the baseline changed".into()
    })?;
    check(staging_folders(dir.path()).is_empty(), || "debris".into())?;
    let junit = fs::read_to_string(dir.path().join("junit.xml")).unwrap_or_default();
    check(junit.contains("File too large"), || {
        format!("the JUnit file does not hold the error: {junit}")
    })
}

/// A review folder inside its baseline, or one that holds it, is refused with nothing
/// written, links resolved; the message names a folder that would do.
pub fn review_dir_apart() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    super::support::write_report(&dir.path().join("output"));
    std::os::unix::fs::symlink("output", dir.path().join("linked"))?;
    // A review folder of this tool's, with a copy of the baseline put inside it.
    let review = |baseline: &str, review_dir: &str| {
        let mut review = Command::new(binary_path());
        review.current_dir(dir.path());
        review.args([
            "review",
            "--quiet",
            "--baseline",
            baseline,
            "--review-dir",
            review_dir,
        ]);
        finish(review, MINUTE)
    };
    review("output", "rv")?;
    super::support::write_report(&dir.path().join("rv/output"));
    let before = snapshot(dir.path());
    for (baseline, review_dir, says) in [
        ("output", "output/review", "is inside the baseline output"),
        ("output", "linked/review", "is inside the baseline output"),
        ("rv/output", "rv", "holds the baseline rv/output"),
        // The baseline is no review folder, which is said first (naming the folder it means).
        ("output", "output", "is not a review folder"),
    ] {
        let finished = review(baseline, review_dir)?;
        let what = format!("--review-dir {review_dir}");
        let advice = if review_dir == "output" {
            "choose a new or empty folder"
        } else {
            "choose a folder beside it"
        };
        refused(&finished, &["--review-dir ", says, advice], &what)?;
        check(snapshot(dir.path()) == before, || {
            format!("{what}: something was written")
        })?;
    }
    Ok(())
}

/// Two reviews at once into one folder, one passing and one failing, each with a JUnit
/// file and a Markdown summary in the same places: the second waits for the first, and
/// every file left comes from one run. The test holds the reviews' lock while both start,
/// so that both reach the wait; each round, either may win.
pub fn concurrent_reviews() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    super::support::write_report(&dir.path().join("output"));
    for round in 0..6 {
        let holder = fs::File::open(dir.path())?;
        holder.lock()?;
        let spawn = |seed: &str| {
            let mut review = Command::new(binary_path());
            review.current_dir(dir.path());
            review.args(["review", "--seed", seed, "--baseline", "output"]);
            review.args(["--review-dir", "review", "--junit", "junit.xml"]);
            review.args(["--markdown", "summary.md"]);
            std::thread::spawn(move || finish(review, MINUTE).map_err(|e| format!("{e:?}")))
        };
        let (passing, failing) = (spawn("0"), spawn("3"));
        waiters(dir.path(), 2)?;
        holder.unlock()?;
        let passing = passing.join().expect("joined")?;
        let failing = failing.join().expect("joined")?;
        check(passing.code == Some(0) && failing.code == Some(1), || {
            format!("round {round}: exits {:?} {:?}", passing.code, failing.code)
        })?;
        for finished in [&passing, &failing] {
            check(finished.stderr.contains("waiting for it to finish"), || {
                format!("round {round}: a review did not wait: {}", finished.stderr)
            })?;
        }
        let record: serde_json::Value =
            serde_json::from_slice(&fs::read(dir.path().join("review/review.json"))?)?;
        let passed = record["passed"] == true;
        let junit = fs::read_to_string(dir.path().join("junit.xml"))?;
        let markdown = fs::read_to_string(dir.path().join("summary.md"))?;
        let page = fs::read_to_string(dir.path().join("review/review.html"))?;
        // The passing run's last line begins so; the failing run's never does.
        let said = |text: &str| text.contains("Nothing to do");
        check(
            said(record["last_line"].as_str().unwrap_or_default()) == passed,
            || format!("round {round}: review.json disagrees with itself"),
        )?;
        check(junit.contains("failures=\"0\"") == passed, || {
            format!("round {round}: the JUnit file is from the other run")
        })?;
        check(said(&markdown) == passed && said(&page) == passed, || {
            format!("round {round}: the summary or the page is from the other run")
        })?;
    }
    Ok(())
}

/// Waits until `count` processes wait for the lock on `folder` (as the system lists them).
fn waiters(folder: &Path, count: usize) -> Result<(), Failed> {
    use std::os::unix::fs::MetadataExt;
    let inode = format!(":{} ", fs::metadata(folder)?.ino());
    let deadline = std::time::Instant::now() + MINUTE;
    loop {
        let locks = fs::read_to_string("/proc/locks")?;
        let waiting = locks
            .lines()
            .filter(|line| line.contains("-> FLOCK") && line.contains(&inode))
            .count();
        if waiting >= count {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("{waiting} of {count} reviews came to wait:\n{locks}").into());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Sets or clears the immutable flag of `file` (root only): not even root may remove it.
fn immutable(file: &Path, on: bool) -> Result<(), Failed> {
    use rustix::fs::{IFlags, ioctl_getflags, ioctl_setflags};
    let handle = fs::File::open(file)?;
    let flags = ioctl_getflags(&handle)?;
    let flags = if on {
        flags | IFlags::IMMUTABLE
    } else {
        flags - IFlags::IMMUTABLE
    };
    Ok(ioctl_setflags(&handle, flags)?)
}

/// The previous report cannot be fully removed after the swap (a file of it is immutable):
/// the run still succeeds, with the new report in place, and says what it could not remove;
/// once the file may go, the next run removes what was left. Root only: no mode stops an
/// owner from removing a file once the run has checked its folders.
pub fn cleanup_after_the_swap() -> Result<(), Failed> {
    let dir = tempfile::tempdir()?;
    let out = dir.path().join("output");
    super::support::write_report(&out);
    let old_page = fs::read(out.join("index.html"))?;
    immutable(&out.join("figures/fuzzy.svg"), true)?;
    let mut run = Command::new(binary_path());
    run.current_dir(dir.path());
    run.args(["--quiet", "--seed", "1", "--out", "output"]);
    let finished = finish(run, MINUTE);
    // Whatever happened, the flag goes, so that the folder can be removed.
    let stuck: Vec<_> = staging_folders(dir.path())
        .into_iter()
        .flat_map(|s| {
            [
                s.join("report/figures/fuzzy.svg"),
                s.join("previous/figures/fuzzy.svg"),
            ]
        })
        .chain([out.join("figures/fuzzy.svg")])
        .filter(|p| p.exists())
        .collect();
    for file in &stuck {
        let _ = immutable(file, false);
    }
    let finished = finished?;
    check(finished.code == Some(0), || {
        format!("exit {:?}: {}", finished.code, finished.stderr)
    })?;
    check(finished.stderr.contains("staging folder"), || {
        format!("no warning of what was left: {}", finished.stderr)
    })?;
    check(fs::read(out.join("index.html"))? != old_page, || {
        "the new report is not in place".into()
    })?;
    check(!staging_folders(dir.path()).is_empty(), || {
        "the state was not reached: nothing was left".into()
    })?;
    super::support::write_report(&out);
    check(staging_folders(dir.path()).is_empty(), || {
        "the next run left the abandoned staging folder".into()
    })
}

/// `review --accept` is all or nothing, its side outputs included: with the review folder,
/// the folder of `--junit` or the folder of `--markdown` read-only, it is refused before the
/// baseline changes, and says nothing was changed.
pub fn accept_with_an_unwritable_side_output(user: &User) -> Result<(), Failed> {
    for (case, extra) in [
        ("review", vec![]),
        ("reports", vec!["--junit", "reports/junit.xml"]),
        ("reports", vec!["--markdown", "reports/summary.md"]),
    ] {
        let dir = with_report(user)?;
        let first = user
            .command(dir.path())
            .args(["review", "--quiet", "--seed", "1"])
            .output()?;
        check(first.status.code() == Some(1), || {
            format!("the first review: {}", first.status)
        })?;
        fs::create_dir(dir.path().join("reports"))?;
        if let Some(id) = user.drop_to {
            std::os::unix::fs::chown(dir.path().join("reports"), Some(id), Some(id))?;
        }
        let before = snapshot(&dir.path().join("output"));
        let what = format!("--accept with {case} read-only {extra:?}");
        let finished = {
            let _read_only = ReadOnly::make(dir.path().join(case));
            let mut accept = user.command(dir.path());
            accept
                .args(["review", "--quiet", "--seed", "1", "--accept"])
                .args(&extra);
            finish(accept, MINUTE)?
        };
        refused(&finished, &["Permission denied"], &what)?;
        check(!finished.stderr.contains("accepted"), || {
            format!("{what}: {}", finished.stderr)
        })?;
        check(snapshot(&dir.path().join("output")) == before, || {
            format!("{what}: the baseline changed")
        })?;
        check(staging_folders(dir.path()).is_empty(), || {
            format!("{what}: debris")
        })?;
    }
    Ok(())
}
