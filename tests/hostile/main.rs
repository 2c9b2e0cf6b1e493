//! Hostile baselines and failing folders, reached as an attacker or an unlucky user reaches
//! them: any bytes in a baseline get a verdict (exit 0, 1 or 2), never a panic, an abort or a
//! hang; a run or review that fails leaves nothing behind; what the user typed is named.
//!
//! Its own harness: a test whose state needs a folder's mode to bind runs the tool as the
//! unprivileged user `nobody` when the tests run as root (no mode binds root), and is listed
//! as ignored, never as passed, where it can do neither. A file-size limit binds root too.

#[allow(dead_code)]
#[path = "../support.rs"]
mod support;

mod folders;
mod fuzz;
mod limits;
mod races;
mod trust;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};

/// The first argument that makes this binary the launcher of [`tool`].
const LAUNCH: &str = "--launch-and-measure";

/// Where the launcher writes how the tool ended.
const REPORT_TO: &str = "LOGREG_REPORT_TEST_MEASURE_TO";

/// A test.
type Test = fn() -> Result<(), Failed>;
/// A test run as a user whose folder modes bind.
type UserTest = fn(&User) -> Result<(), Failed>;

/// The tests any user can run, in the order they are listed.
const TESTS: &[(&str, Test)] = &[
    (
        "a_file_size_limit_stops_a_run_whole",
        folders::file_size_limit_run,
    ),
    (
        "a_file_size_limit_stops_a_review_whole",
        folders::file_size_limit_review,
    ),
    (
        "the_review_folder_and_the_baseline_are_kept_apart",
        folders::review_dir_apart,
    ),
    (
        "concurrent_reviews_write_every_file_from_one_run",
        folders::concurrent_reviews,
    ),
    (
        "hostile_baselines_get_a_verdict_within_the_memory_bound",
        limits::hostile_baselines,
    ),
    (
        "thirty_large_figures_stay_within_the_memory_bound",
        limits::many_large_figures,
    ),
    (
        "a_manifest_of_thousands_of_files_is_refused_whole",
        limits::a_manifest_of_thousands_of_files,
    ),
    (
        "any_mutated_baseline_gets_a_verdict",
        fuzz::mutated_baselines,
    ),
    ("any_flag_values_get_a_run_or_one_error", fuzz::random_flags),
    ("any_committed_tree_gets_a_verdict", fuzz::random_git_trees),
    (
        "a_lock_never_chooses_a_destination",
        trust::a_lock_never_chooses_a_destination,
    ),
    (
        "what_a_run_writes_its_readers_read",
        trust::what_a_run_writes_its_readers_read,
    ),
    (
        "an_interrupted_review_leaves_no_earlier_verdict",
        trust::an_interrupted_review_leaves_no_earlier_verdict,
    ),
    (
        "a_long_figure_name_gets_a_verdict",
        trust::a_long_figure_name_gets_a_verdict,
    ),
    (
        "a_runaway_template_is_stopped",
        trust::a_runaway_template_is_stopped,
    ),
    (
        "a_run_never_carries_through_a_swapped_folder",
        races::a_run_never_carries_through_a_swapped_folder,
    ),
    (
        "a_review_never_writes_through_a_swapped_folder",
        races::a_review_never_writes_through_a_swapped_folder,
    ),
    (
        "git_is_read_never_asked_to_fetch",
        trust::git_is_read_never_asked_to_fetch,
    ),
    (
        "a_tree_of_a_million_entries_is_refused_in_bounded_time",
        trust::a_tree_of_a_million_entries_is_refused_in_bounded_time,
    ),
    (
        "a_committed_link_reads_as_on_disk",
        trust::a_committed_link_reads_as_on_disk,
    ),
];

/// The tests only root can run: one fails a clean-up by a mode root alone can set; in the
/// other, root plays the victim and hands the planted folder to `nobody`, the attacker.
const ROOT_TESTS: &[(&str, Test)] = &[
    (
        "a_clean_up_that_fails_after_the_swap_is_a_warning",
        folders::cleanup_after_the_swap,
    ),
    (
        "another_users_staging_folder_is_never_touched",
        trust::another_users_staging_folder_is_never_touched,
    ),
];

/// The tests that need a user whose folder modes bind (not root).
const UNPRIVILEGED_TESTS: &[(&str, UserTest)] = &[
    (
        "a_read_only_folder_stops_a_run_up_front_with_nothing_left",
        folders::read_only_run,
    ),
    (
        "a_read_only_review_folder_stops_a_review_with_nothing_left",
        folders::read_only_review,
    ),
    (
        "accept_with_an_unwritable_side_output_changes_nothing",
        folders::accept_with_an_unwritable_side_output,
    ),
];

fn main() {
    let mut given = std::env::args_os().skip(1);
    if given.next().is_some_and(|first| first == LAUNCH) {
        launch(given.collect());
    }
    let args = Arguments::from_args();
    let user = User::find();
    let root = rustix::process::geteuid().is_root();
    let unprivileged = UNPRIVILEGED_TESTS.iter().map(|&(name, test)| {
        let user = user.clone();
        let cannot = user.is_err();
        Trial::test(name, move || {
            test(user.as_ref().map_err(|why| why.as_str())?)
        })
        .with_ignored_flag(cannot)
    });
    let plain = TESTS.iter().map(|&(name, test)| Trial::test(name, test));
    let rooted = ROOT_TESTS
        .iter()
        .map(|&(name, test)| Trial::test(name, test).with_ignored_flag(!root));
    let trials: Vec<Trial> = unprivileged.chain(plain).chain(rooted).collect();
    if let Err(why) = &user {
        eprintln!("{why}: the tests that need a folder's mode to bind are not run here");
    }
    let conclusion = libtest_mimic::run(&args, trials);
    // The copy of the binary goes before the exit, which runs no destructor.
    drop(user);
    conclusion.exit();
}

/// Who runs the tool in tests whose state needs a folder's mode to bind.
#[derive(Clone)]
pub struct User {
    /// The binary, where that user may run it.
    binary: PathBuf,
    /// The folder that holds a copy of the binary, removed with the last clone.
    _home: Option<std::sync::Arc<tempfile::TempDir>>,
    /// The user id to drop to before the tool starts (`nobody`), when the tests run as root.
    drop_to: Option<u32>,
}

/// The user id of `nobody` on Linux systems.
pub const NOBODY: u32 = 65534;

impl User {
    /// This process's user when it is not root; `nobody` (with a copy of the binary it may
    /// run) when it is root and may become `nobody`; otherwise why not.
    fn find() -> Result<User, String> {
        if !rustix::process::geteuid().is_root() {
            return Ok(User {
                binary: support::binary_path(),
                _home: None,
                drop_to: None,
            });
        }
        // The build's folder may be closed to `nobody`: the binary goes where it is not.
        let home = tempfile::tempdir().map_err(|e| format!("no temporary folder ({e})"))?;
        let copy = home.path().join("logreg-report");
        let made =
            fs::copy(support::binary_path(), &copy).and_then(|_| set_mode(home.path(), 0o755));
        if let Err(e) = made {
            return Err(format!(
                "the binary cannot be copied where nobody may run it ({e})"
            ));
        }
        let cwd = home.path().to_path_buf();
        let user = User {
            binary: copy,
            _home: Some(std::sync::Arc::new(home)),
            drop_to: Some(NOBODY),
        };
        let status = user
            .command(&cwd)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        match status {
            Ok(status) if status.success() => Ok(user),
            Ok(status) => Err(format!("the tool does not run as nobody ({status})")),
            Err(e) => Err(format!(
                "these tests run as root and cannot become nobody ({e})"
            )),
        }
    }

    /// The tool, to be run by this user in `cwd`.
    fn command(&self, cwd: &Path) -> Command {
        let mut command = Command::new(&self.binary);
        command.current_dir(cwd);
        if let Some(id) = self.drop_to {
            use std::os::unix::process::CommandExt;
            // SAFETY: setgroups, setgid and setuid are async-signal-safe, and nothing else
            // runs between fork and exec.
            unsafe {
                command.pre_exec(move || {
                    if libc::setgroups(0, std::ptr::null()) != 0
                        || libc::setgid(id) != 0
                        || libc::setuid(id) != 0
                    {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        command
    }

    /// A new folder this user owns.
    fn folder(&self) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary folder");
        if let Some(id) = self.drop_to {
            std::os::unix::fs::chown(dir.path(), Some(id), Some(id)).expect("root may chown");
        }
        dir
    }
}

pub fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

/// The tool in `cwd`, started by a launcher (this binary, just started, so small) whose
/// child it is, so that its peak memory is its own: the system counts in a child's peak what
/// its parent held when it was started, and a test process holds large inputs.
pub fn tool(cwd: &Path) -> Command {
    let mut command = Command::new(std::env::current_exe().expect("this test binary"));
    command
        .current_dir(cwd)
        .arg(LAUNCH)
        .arg(support::binary_path());
    command
}

/// The launcher: runs the command it is given with this process's standard streams, and
/// writes its exit status, its signal and its peak memory where [`REPORT_TO`] says.
fn launch(command: Vec<std::ffi::OsString>) -> ! {
    use std::os::unix::process::CommandExt;
    let mut child = Command::new(&command[0]);
    child.args(&command[1..]);
    // SAFETY: prctl is async-signal-safe: the tool dies with its launcher (killed at a hang).
    unsafe {
        child.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let Ok(child) = child.spawn() else {
        std::process::exit(101);
    };
    let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
    // SAFETY: the pid is this process's child; the pointers are valid.
    unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let signal = if libc::WIFSIGNALED(status) {
        libc::WTERMSIG(status)
    } else {
        -1
    };
    if let Some(to) = std::env::var_os(REPORT_TO) {
        let _ = fs::write(to, format!("{code} {signal} {}", usage.ru_maxrss));
    }
    std::process::exit(0);
}

/// How a run of the tool ended.
pub struct Finished {
    /// The exit status, when it exited.
    pub code: Option<i32>,
    /// The signal that ended it, when one did.
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// Its peak resident memory, in KiB (its own when started by [`tool`]; otherwise an upper
    /// bound, counting what this test process held when it started it).
    pub max_rss_kib: i64,
}

impl Finished {
    /// Exit 0, 1 or 2, by itself, with no panic on stderr: a verdict or a clear error.
    pub fn assert_verdict(&self, what: &str) -> Result<(), Failed> {
        let ok_code = matches!(self.code, Some(0..=2));
        let crashed = [
            "panicked",
            "overflowed",
            "memory allocation",
            "RUST_BACKTRACE",
        ]
        .iter()
        .any(|word| self.stderr.contains(word));
        if !ok_code || crashed {
            return Err(format!(
                "{what}: exit {:?}, signal {:?}, stderr:\n{}",
                self.code, self.signal, self.stderr
            )
            .into());
        }
        Ok(())
    }
}

/// Runs `command` to its end (killed after `deadline`: a hang fails the test), with its
/// output captured and its peak memory measured.
pub fn finish(mut command: Command, deadline: Duration) -> Result<Finished, Failed> {
    let report = tempfile::NamedTempFile::new()?;
    command.env(REPORT_TO, report.path());
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("the tool did not start: {e}"))?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let pid = child.id() as libc::pid_t;
    let start = Instant::now();
    let (status, usage) = loop {
        let mut status = 0;
        // SAFETY: an all-zero rusage is a valid value, filled in by wait4.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: pid is this process's child, not yet waited for; the pointers are valid.
        let got = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if got == pid {
            break (status, usage);
        }
        if got < 0 {
            return Err(format!("wait4: {}", std::io::Error::last_os_error()).into());
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            return Err(format!("the tool hung: still running after {deadline:?}").into());
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let mut finished = Finished {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        signal: libc::WIFSIGNALED(status).then(|| libc::WTERMSIG(status)),
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        max_rss_kib: usage.ru_maxrss,
    };
    // Started by the launcher: how the tool itself ended.
    let launched = fs::read_to_string(report.path())?;
    let numbers: Vec<i64> = launched.split(' ').filter_map(|n| n.parse().ok()).collect();
    if let [code, signal, rss] = numbers[..] {
        finished.code = (code >= 0).then_some(code as i32);
        finished.signal = (signal >= 0).then_some(signal as i32);
        finished.max_rss_kib = rss;
    }
    Ok(finished)
}
