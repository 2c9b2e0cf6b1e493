//! A run interrupted at any moment: killed (`kill -9`) before, during and after the swap, or
//! ended by SIGINT, SIGTERM or SIGHUP. The folder always holds one whole report and every
//! file of the user's; what the interrupted run left is gone after the next run (signals
//! clean up on the way out).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{
    add_user_files, assert_user_files, binary, binary_path, files_of, snapshot, staging_folders,
    write_report,
};

/// Waits for a staging folder to appear in `dir` while `child` runs.
fn wait_for_staging(dir: &Path, child: &mut Child) -> Option<Instant> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if !staging_folders(dir).is_empty() {
            return Some(Instant::now());
        }
        if child.try_wait().expect("waitable").is_some() {
            return None;
        }
        std::thread::sleep(Duration::from_micros(100));
    }
    None
}

fn spawn(out: &Path, seed: &str, n: &str) -> Child {
    Command::new(binary_path())
        .args(["--quiet", "--seed", seed, "--n", n, "--out"])
        .arg(out)
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts")
}

/// kill -9 at many moments after the staging folder appears: before the swap, while the
/// user's files are linked, and after the swap while the previous report is removed. At
/// every moment the folder holds one whole report and every file of the user's; the next
/// run removes what the killed one left.
#[test]
fn a_kill_at_any_moment_keeps_one_whole_report_and_the_users_files() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("output");
    let n = "200000";
    binary()
        .args(["--quiet", "--n", n, "--out"])
        .arg(&out)
        .assert()
        .success();
    // Many small files of the user's make linking and sweeping them take a while.
    let user = add_user_files(&out, 3000);
    let old_report = report_files(&out, &user);
    // The killed runs write seed 1: the report in place tells which side of the swap a kill
    // hit. Half the kills come at delays after the staging folder appears (before the swap:
    // the files are still being written and linked); the other half right after the output
    // folder's name changes hands (watched by its inode), while the previous report is being
    // removed, which takes a while with thousands of the user's files in it.
    let (mut before_swap, mut after_swap) = (0, 0);
    let delays_ms = [0.0, 0.5, 1.0, 2.0, 5.0, 10.0];
    for (step, &delay) in delays_ms.iter().chain(&delays_ms).enumerate() {
        let after_the_swap = step >= delays_ms.len();
        let old_inode = inode(&out);
        let mut child = spawn(&out, "1", n);
        let Some(_) = wait_for_staging(root.path(), &mut child) else {
            panic!("run {step}: no staging folder appeared");
        };
        if after_the_swap {
            wait_for_swap(&out, old_inode, &mut child);
        }
        std::thread::sleep(Duration::from_secs_f64(delay / 1000.0));
        let _ = child.kill();
        let status = child.wait().expect("ends");
        let now = report_files(&out, &user);
        if now == old_report {
            before_swap += usize::from(!status.success());
        } else {
            // The new report is whole: every file of the killed run's report is there.
            let results = fs::read(out.join("results.json")).expect("a results.json");
            let listed: serde_json::Value = serde_json::from_slice(&results).expect("whole JSON");
            assert_eq!(listed["seed"], 1, "run {step}");
            for path in listed["artifacts"].as_object().expect("artifacts").keys() {
                assert!(out.join(path).is_file(), "run {step}: {path} missing");
            }
            after_swap += usize::from(!status.success());
        }
        assert_user_files(&out, &user);
        // Back to seed 0 for the next round, which also removes any abandoned staging folder.
        binary()
            .args(["--quiet", "--n", n, "--out"])
            .arg(&out)
            .assert()
            .success();
        assert!(
            staging_folders(root.path()).is_empty(),
            "run {step}: debris left after the next run"
        );
        assert_user_files(&out, &user);
    }
    println!("kills before the swap: {before_swap}, after it: {after_swap}");
    assert!(before_swap > 0, "no kill landed before the swap");
    assert!(after_swap > 0, "no kill landed after the swap");
}

/// The inode that the path names now.
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    fs::metadata(path).expect("there").ino()
}

/// Waits until `out` names another folder than `old_inode` (the swap), or the run ends.
fn wait_for_swap(out: &Path, old_inode: u64, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if fs::metadata(out).is_ok_and(|_| inode(out) != old_inode) {
            return;
        }
        if child.try_wait().expect("waitable").is_some() {
            return;
        }
        std::thread::sleep(Duration::from_micros(50));
    }
}

/// The report's own files (everything but the user's), by path.
fn report_files(out: &Path, user: &BTreeMap<PathBuf, Vec<u8>>) -> BTreeMap<PathBuf, Vec<u8>> {
    files_of(&snapshot(out))
        .into_iter()
        .filter(|(path, _)| !user.contains_key(path))
        .collect()
}

#[cfg(unix)]
#[test]
fn interrupting_signals_remove_the_staging_folder() {
    use std::os::unix::process::ExitStatusExt;
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("output");
    write_report(&out);
    let user = add_user_files(&out, 0);
    let before = snapshot(&out);
    for signal in [
        rustix::process::Signal::INT,
        rustix::process::Signal::TERM,
        rustix::process::Signal::HUP,
    ] {
        let mut child = spawn(&out, "2", "1000000");
        wait_for_staging(root.path(), &mut child).expect("a staging folder appears");
        let pid = rustix::process::Pid::from_child(&child);
        rustix::process::kill_process(pid, signal).expect("the signal is sent");
        let status = child.wait().expect("ends");
        assert_eq!(
            status.signal(),
            Some(signal.as_raw()),
            "{signal:?}: {status:?}"
        );
        assert!(
            staging_folders(root.path()).is_empty(),
            "{signal:?} left a staging folder"
        );
        assert_eq!(snapshot(&out), before, "{signal:?} changed the report");
    }
    assert_user_files(&out, &user);
}
