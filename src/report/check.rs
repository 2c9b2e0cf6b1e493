//! Comparing a fresh run with the report already on disk, without writing anything: the
//! one command a reviewer runs to see whether, and where, the committed baseline is stale.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use crate::error::{Error, Result};
use crate::report::output::Artifact;

/// How one file of a fresh run compares with the folder on disk.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Difference {
    /// The file would be written with other bytes.
    Changed(String),
    /// The file is new.
    Added(String),
    /// The folder holds a file the run no longer writes.
    Removed(String),
}

/// Every difference between `artifacts` and the folder `out`, in path order; empty when the
/// folder is exactly what the run would write.
pub fn compare(out: &Path, artifacts: &[Artifact]) -> Result<Vec<Difference>> {
    if !out.is_dir() {
        return Err(Error::InvalidParameter(format!(
            "--check: {} is not a folder holding a report",
            out.display()
        )));
    }
    let mut on_disk = BTreeMap::new();
    collect(out, out, &mut on_disk)?;
    let mut differences = Vec::new();
    for artifact in artifacts {
        match on_disk.remove(&artifact.path) {
            None => differences.push(Difference::Added(artifact.path.clone())),
            Some(bytes) if bytes != artifact.bytes => {
                differences.push(Difference::Changed(artifact.path.clone()));
            }
            Some(_) => {}
        }
    }
    differences.extend(on_disk.into_keys().map(Difference::Removed));
    differences.sort();
    Ok(differences)
}

/// Reads every file under `dir` by its '/'-separated path relative to `root`.
fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) -> Result<()> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| Error::Io { path, source }
    };
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.is_dir() {
            collect(root, &path, files)?;
        } else {
            let relative = path
                .strip_prefix(root)
                .map_err(|_| {
                    Error::InvalidParameter(format!("{} is outside the report", path.display()))
                })?
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            files.insert(relative, fs::read(&path).map_err(io(&path))?);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_changed_added_and_removed_files() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("figures")).unwrap();
        fs::write(root.path().join("same.txt"), "same").unwrap();
        fs::write(root.path().join("figures/old.svg"), "old").unwrap();
        fs::write(root.path().join("gone.txt"), "gone").unwrap();
        let artifact = |path: &str, text: &str| Artifact {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        };
        let fresh = [
            artifact("same.txt", "same"),
            artifact("figures/old.svg", "new"),
            artifact("new.txt", "new"),
        ];
        assert_eq!(
            compare(root.path(), &fresh).unwrap(),
            vec![
                Difference::Changed("figures/old.svg".into()),
                Difference::Added("new.txt".into()),
                Difference::Removed("gone.txt".into()),
            ]
        );
        let same = [artifact("same.txt", "same")];
        fs::remove_dir_all(root.path().join("figures")).unwrap();
        fs::remove_file(root.path().join("gone.txt")).unwrap();
        assert_eq!(compare(root.path(), &same).unwrap(), vec![]);
        assert!(compare(&root.path().join("missing"), &same).is_err());
    }
}
