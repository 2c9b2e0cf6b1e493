//! Checks and writes see the same folder: a folder swapped for a symbolic link by a second
//! thread, over and over, while a run or a review works, never sends a file, a second name or
//! a removal through the link.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use libtest_mimic::Failed;

use super::support::{binary_path, snapshot};

/// How many times each race is run: a run is quick, so it races more often than a review.
const ROUNDS: usize = 6;
const RUN_ROUNDS: usize = 30;

/// A second thread that swaps the folder `at` for a link to `to` and back (the real folder
/// kept beside it meanwhile), again and again,
/// from the moment it is started until it is stopped; it counts the swaps it made.
struct Swapper {
    stop: Arc<AtomicBool>,
    swaps: Arc<AtomicUsize>,
    thread: Option<std::thread::JoinHandle<()>>,
    at: PathBuf,
    aside: PathBuf,
}

impl Swapper {
    fn start(at: &Path, to: &Path) -> Swapper {
        let (stop, swaps) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicUsize::new(0)),
        );
        // Out of the tool's way, on the same file system.
        let aside = at.parent().unwrap_or(Path::new(".")).join("swapped-aside");
        let thread = {
            let (stop, swaps) = (stop.clone(), swaps.clone());
            let (at, to, aside) = (at.to_path_buf(), to.to_path_buf(), aside.clone());
            std::thread::spawn(move || {
                let mut k = 0u64;
                while !stop.load(Ordering::SeqCst) {
                    if fs::rename(&at, &aside).is_ok() {
                        let _ = std::os::unix::fs::symlink(&to, &at);
                        swaps.fetch_add(1, Ordering::SeqCst);
                        // Short, uneven spells of the link between longer ones of the folder:
                        // a walk that found the folder meets the link on its way through.
                        std::thread::sleep(Duration::from_micros(100 + k % 4 * 50));
                        let _ = fs::remove_file(&at);
                        let _ = fs::rename(&aside, &at);
                    }
                    std::thread::sleep(Duration::from_micros(250 + k % 5 * 50));
                    k += 1;
                }
            })
        };
        Swapper {
            stop,
            swaps,
            thread: Some(thread),
            at: at.to_path_buf(),
            aside,
        }
    }

    /// Stops swapping and puts the real folder back where it can (a link at `at` goes); how
    /// many swaps were made.
    fn stop(mut self) -> usize {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        if fs::symlink_metadata(&self.at).is_ok_and(|m| m.is_symlink()) {
            let _ = fs::remove_file(&self.at);
        }
        if fs::symlink_metadata(&self.aside).is_ok() && fs::rename(&self.aside, &self.at).is_err() {
            // Something took the place meanwhile (a run put its new report there): the old
            // folder goes out of the way of the next round.
            let _ = fs::rename(&self.aside, self.aside.with_extension(unique()));
        }
        self.swaps.load(Ordering::SeqCst)
    }
}

/// A name part no earlier call gave.
fn unique() -> String {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    format!("kept-{}", CALLS.fetch_add(1, Ordering::SeqCst))
}

/// How a raced run of the tool ended.
struct Raced {
    code: Option<i32>,
    stderr: String,
    /// Swaps made after the tool said `trigger` and before it ended.
    swaps: usize,
}

/// Runs the tool with `args` in `cwd`, starts swapping `at` for a link to `to` once its
/// progress says `trigger` (the checks are behind it, the writes ahead), and stops when the
/// tool ends (killed after a minute: a hang fails).
fn race(cwd: &Path, args: &[&str], trigger: &str, at: &Path, to: &Path) -> Result<Raced, Failed> {
    let mut child = Command::new(binary_path())
        .current_dir(cwd)
        .args(args)
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let mut swapper = None;
    let mut text = String::new();
    let started = Instant::now();
    for line in BufReader::new(stderr).lines() {
        let line = line?;
        if swapper.is_none() && line.contains(trigger) {
            swapper = Some(Swapper::start(at, to));
        }
        text.push_str(&line);
        text.push('\n');
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            return Err("the tool hung while a folder was being swapped".into());
        }
    }
    let status = child.wait()?;
    let swaps = swapper.map(Swapper::stop).unwrap_or(0);
    let crashed = ["panicked", "RUST_BACKTRACE", "memory allocation"]
        .iter()
        .any(|word| text.contains(word));
    if crashed || !matches!(status.code(), Some(0..=2)) {
        return Err(format!("exit {status}, stderr:\n{text}").into());
    }
    Ok(Raced {
        code: status.code(),
        stderr: text,
        swaps,
    })
}

/// How many files in `dir` have more than one name.
fn linked(dir: &Path) -> usize {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| fs::symlink_metadata(e.path()).is_ok_and(|m| m.nlink() > 1))
                .count()
        })
        .unwrap_or(0)
}

/// The output folder is swapped for a link to a private folder, again and again, while a run
/// checks it, carries the user's files over and puts the new report in its place: no private
/// file ever gets a second name (in the report, in a staging folder, anywhere), and the
/// private folder is unchanged. A run either writes its report or stops with one error.
pub fn a_run_never_carries_through_a_swapped_folder() -> Result<(), Failed> {
    let root = tempfile::tempdir()?;
    let dir = root.path();
    let (output, private) = (dir.join("output"), dir.join("private"));
    fs::create_dir(&private)?;
    for k in 0..200 {
        fs::write(private.join(format!("secret-{k}.txt")), "private")?;
    }
    let before = snapshot(&private);
    let (mut swaps, mut stopped) = (0, 0);
    for round in 0..RUN_ROUNDS {
        if fs::symlink_metadata(&output).is_err() {
            let first = Command::new(binary_path())
                .current_dir(dir)
                .args(["--quiet", "--n", "40"])
                .status()?;
            if !first.success() {
                return Err("a run with nothing in the way failed".into());
            }
        }
        // The user's own files in the report, for the run to carry over.
        fs::create_dir_all(output.join("notes"))?;
        for k in 0..200 {
            fs::write(output.join(format!("notes/n{k}.md")), format!("note {k}"))?;
        }
        let seed = (round + 1).to_string();
        let args = ["--n", "40", "--seed", seed.as_str()];
        // From the first line on: every step of the run meets both the folder and the link.
        let raced = race(dir, &args, "parameters", &output, &private)?;
        swaps += raced.swaps;
        stopped += usize::from(raced.code == Some(2));
        // A private file given a second name anywhere has more than one; nothing but the
        // tool links files here.
        let leaked = linked(&private);
        if leaked > 0 {
            return Err(format!(
                "round {round}: {leaked} private files got a second name (exit {:?}): {}",
                raced.code, raced.stderr
            )
            .into());
        }
        if snapshot(&private) != before {
            return Err(format!("round {round}: the private folder changed").into());
        }
    }
    if swaps < RUN_ROUNDS {
        return Err(format!("only {swaps} swaps landed while the runs worked").into());
    }
    eprintln!("{swaps} swaps; {stopped} of {RUN_ROUNDS} runs stopped at a swapped folder");
    Ok(())
}

/// The folder a review writes into (its review folder, its JUnit and Markdown files) is
/// swapped for a link to the baseline after the review has checked it: nothing is ever
/// written into the baseline, and some round meets the link when it writes.
pub fn a_review_never_writes_through_a_swapped_folder() -> Result<(), Failed> {
    let root = tempfile::tempdir()?;
    let dir = root.path();
    let first = Command::new(binary_path())
        .current_dir(dir)
        .args(["--quiet", "--n", "40"])
        .status()?;
    if !first.success() {
        return Err("the first run failed".into());
    }
    let (shared, baseline) = (dir.join("shared/sub"), dir.join("output"));
    fs::create_dir_all(&shared)?;
    let before = snapshot(&baseline);
    let (mut swaps, mut met) = (0, 0);
    for round in 0..ROUNDS {
        let seed = (round + 1).to_string();
        let args = [
            "review",
            "--n",
            "40",
            "--seed",
            seed.as_str(),
            "--review-dir",
            "shared/sub/review",
            "--junit",
            "shared/sub/junit.xml",
            "--markdown",
            "shared/sub/summary.md",
        ];
        let raced = race(
            dir,
            &args,
            "comparing with the baseline",
            &shared,
            &baseline,
        )?;
        swaps += raced.swaps;
        if snapshot(&baseline) != before {
            return Err(format!(
                "round {round}: the baseline changed (exit {:?}): {}",
                raced.code, raced.stderr
            )
            .into());
        }
        if raced.code == Some(2) {
            met += 1;
        }
    }
    if swaps < ROUNDS || met == 0 {
        return Err(
            format!("the race was not reached: {swaps} swaps, {met} reviews met the link").into(),
        );
    }
    Ok(())
}
