//! Links, special files, long names and `.` as the output folder.

use std::fs;

use super::*;

#[test]
fn a_link_to_a_folder_is_written_through_and_stays_a_link() {
    let root = tempfile::tempdir().unwrap();
    let real = root.path().join("real");
    fs::create_dir(&real).unwrap();
    let link = root.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    write_to(&link, &report(&[("a.txt", "one")])).unwrap();
    write_to(&link, &report(&[("a.txt", "two")])).unwrap();
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_to_string(real.join("a.txt")).unwrap(), "two");
    let dangling = root.path().join("dangling");
    std::os::unix::fs::symlink(root.path().join("nowhere"), &dangling).unwrap();
    assert!(matches!(
        write_to(&dangling, &report(&[("a.txt", "x")])),
        Err(OutputError::DanglingLink { .. })
    ));
    assert!(!root.path().join("nowhere").exists());
}

#[test]
fn links_and_special_files_of_the_user_are_kept_as_they_are() {
    let root = tempfile::tempdir().unwrap();
    let outside = root.path().join("outside");
    fs::create_dir(&outside).unwrap();
    fs::write(outside.join("precious"), "do not touch").unwrap();
    let out = root.path().join("output");
    write_to(&out, &report(&[("a.txt", "one")])).unwrap();
    std::os::unix::fs::symlink(&outside, out.join("to-outside")).unwrap();
    std::os::unix::fs::symlink(outside.join("precious"), out.join("file-link")).unwrap();
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        out.join("pipe"),
        rustix::fs::Mode::from_raw_mode(0o600),
    )
    .unwrap();
    write_to(&out, &report(&[("a.txt", "two")])).unwrap();
    assert_eq!(fs::read_link(out.join("to-outside")).unwrap(), outside);
    assert_eq!(
        fs::read_link(out.join("file-link")).unwrap(),
        outside.join("precious")
    );
    assert!(fs::symlink_metadata(out.join("pipe")).is_ok());
    assert_eq!(
        fs::read_to_string(outside.join("precious")).unwrap(),
        "do not touch"
    );
    assert_eq!(names(&outside), vec!["precious"]);
}

#[test]
fn folder_names_of_255_bytes_work() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("o".repeat(255));
    write_to(&out, &report(&[("a.txt", "one")])).unwrap();
    write_to(&out, &report(&[("a.txt", "two")])).unwrap();
    assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "two");
    assert_eq!(names(root.path()).len(), 1);
}

#[test]
fn a_dot_path_resolves_to_the_folder_itself() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("output");
    write_to(&out, &report(&[("a.txt", "one")])).unwrap();
    let target = Target::resolve(&out.join(".")).unwrap();
    assert_eq!(target.path(), fs::canonicalize(&out).unwrap());
    assert!(target.manifest().is_some());
}
