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
