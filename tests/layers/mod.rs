//! The house's imports run one way. Every path a file of `src/` names (`crate::…`,
//! `super::…`, `self::…` or a child module's name, in `use` trees, in code and in doc links) is
//! resolved to the file that defines that module; then no files may import each other in a
//! circle, and no module may import a module at or above its own layer in ARCHITECTURE.md's
//! import order. Test files (`tests.rs`, `tests/`) are left out, as they are no part of the
//! program.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod paths;

use paths::{Token, named_paths, tokens};

/// One crate of the package: the folder its modules live in and its root file.
struct CrateSources {
    /// File path (relative to the package) to module path and source text.
    files: BTreeMap<PathBuf, (Vec<String>, String)>,
}

impl CrateSources {
    /// Reads every non-test `.rs` file under `dir` (skipping `skip`), with `root` as the
    /// crate's root file.
    fn read(package: &Path, dir: &str, root: &str, skip: Option<&str>) -> CrateSources {
        let mut files = BTreeMap::new();
        let mut stack = vec![package.join(dir)];
        while let Some(folder) = stack.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                let relative = path.strip_prefix(package).unwrap().to_path_buf();
                if path.is_dir() {
                    if Some(relative.to_str().unwrap()) != skip
                        && path.file_name().unwrap() != "tests"
                    {
                        stack.push(path);
                    }
                } else if path.extension().is_some_and(|e| e == "rs")
                    && path.file_name().unwrap() != "tests.rs"
                {
                    let module = module_path(relative.strip_prefix(dir).unwrap(), root);
                    let text = std::fs::read_to_string(&path).unwrap();
                    files.insert(relative, (module, text));
                }
            }
        }
        CrateSources { files }
    }

    fn from_texts(texts: &[(&str, &str)]) -> CrateSources {
        let files = texts
            .iter()
            .map(|(path, text)| {
                let path = PathBuf::from(path);
                let module = module_path(path.strip_prefix("src").unwrap(), "lib.rs");
                (path, (module, text.to_string()))
            })
            .collect();
        CrateSources { files }
    }

    /// Every arrow from a file to a file it imports, with the path that makes it.
    fn arrows(&self) -> BTreeSet<(PathBuf, PathBuf, String)> {
        let modules: BTreeMap<&[String], &PathBuf> = self
            .files
            .iter()
            .map(|(path, (module, _))| (module.as_slice(), path))
            .collect();
        let mut arrows = BTreeSet::new();
        for (path, (module, text)) in &self.files {
            for (scope, named) in named_paths(text) {
                let mut scope_path = module.clone();
                scope_path.extend(scope);
                let Some(target) = resolve(&scope_path, &named, &modules) else {
                    continue;
                };
                let file = modules[target.as_slice()];
                if file != path {
                    arrows.insert((path.clone(), file.clone(), named.join("::")));
                }
            }
        }
        arrows
    }
}

/// `figures/mod.rs` → `[figures]`, `model/kernel/avx2.rs` → `[model, kernel, avx2]`, the
/// root file → `[]`.
fn module_path(relative: &Path, root: &str) -> Vec<String> {
    if relative == Path::new(root) {
        return Vec::new();
    }
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_str().unwrap().trim_end_matches(".rs").to_string())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The module a path names, from the scope it is written in: the deepest file module along
/// it. `None` for paths that leave the crate (`std::…`, `serde::…`) or name a local item.
fn resolve(
    scope: &[String],
    named: &[String],
    modules: &BTreeMap<&[String], &PathBuf>,
) -> Option<Vec<String>> {
    let (mut base, rest) = match named.first()?.as_str() {
        "crate" => (Vec::new(), &named[1..]),
        "self" => (scope.to_vec(), &named[1..]),
        "super" => {
            let supers = named.iter().take_while(|s| *s == "super").count();
            let keep = scope.len().checked_sub(supers)?;
            (scope[..keep].to_vec(), &named[supers..])
        }
        child => {
            let mut inner = scope.to_vec();
            inner.push(child.to_string());
            if !modules.contains_key(inner.as_slice()) {
                return None;
            }
            (inner, &named[1..])
        }
    };
    // Inside an inline module (`mod tests { … }`) the scope is deeper than any file.
    while !modules.contains_key(base.as_slice()) {
        base.pop()?;
    }
    for segment in rest {
        base.push(segment.clone());
        if !modules.contains_key(base.as_slice()) {
            base.pop();
            break;
        }
    }
    Some(base)
}

/// The circles of the arrows: groups of two or more files that reach each other.
fn circles(arrows: &BTreeSet<(PathBuf, PathBuf, String)>) -> Vec<Vec<PathBuf>> {
    let mut next: BTreeMap<&PathBuf, BTreeSet<&PathBuf>> = BTreeMap::new();
    for (from, to, _) in arrows {
        next.entry(from).or_default().insert(to);
        next.entry(to).or_default();
    }
    // A few dozen files: every file's reach, by a walk from it, is cheap enough.
    let reach = |start: &PathBuf| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![start];
        while let Some(file) = todo.pop() {
            for &to in &next[file] {
                if seen.insert(to) {
                    todo.push(to);
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&PathBuf, BTreeSet<&PathBuf>> =
        next.keys().map(|&file| (file, reach(file))).collect();
    let mut found: Vec<Vec<PathBuf>> = Vec::new();
    for (&file, reached) in &reaches {
        if !reached.contains(file) || found.iter().any(|group| group.contains(file)) {
            continue;
        }
        let group: Vec<PathBuf> = reached
            .iter()
            .filter(|other| reaches[*other].contains(file))
            .map(|other| (*other).clone())
            .collect();
        found.push(group);
    }
    found
}

/// The import order of ARCHITECTURE.md: the rows `| N | `a`, `b` | … |` of its table, each
/// module with its layer.
fn layers(architecture: &str) -> BTreeMap<String, u32> {
    let mut layers = BTreeMap::new();
    for line in architecture.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(layer), Some(modules)) = (cells.get(1), cells.get(2)) else {
            continue;
        };
        let Ok(layer) = layer.parse::<u32>() else {
            continue;
        };
        for name in modules.split('`').skip(1).step_by(2) {
            let previous = layers.insert(name.to_string(), layer);
            assert!(previous.is_none(), "ARCHITECTURE.md lists `{name}` twice");
        }
    }
    layers
}

/// The arrows between top modules that do not run down the order: each as a line.
fn upward(
    arrows: &BTreeSet<(PathBuf, PathBuf, String)>,
    sources: &CrateSources,
    layers: &BTreeMap<String, u32>,
) -> Vec<String> {
    let top = |file: &PathBuf| {
        sources.files[file]
            .0
            .first()
            .cloned()
            .unwrap_or_else(|| "lib".to_string())
    };
    let mut wrong = Vec::new();
    for (from, to, named) in arrows {
        let (a, b) = (top(from), top(to));
        if a == b {
            continue;
        }
        match (layers.get(&a), layers.get(&b)) {
            (Some(la), Some(lb)) if la > lb => {}
            (Some(la), Some(lb)) => wrong.push(format!(
                "{} (`{a}`, layer {la}) names `{named}` of {} (`{b}`, layer {lb})",
                from.display(),
                to.display()
            )),
            _ => wrong.push(format!(
                "{} names `{named}` of {}: `{a}` or `{b}` is not in ARCHITECTURE.md's import order",
                from.display(),
                to.display()
            )),
        }
    }
    wrong
}

fn package() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn no_module_imports_one_above_it() {
    let architecture = std::fs::read_to_string(package().join("ARCHITECTURE.md")).unwrap();
    let layers = layers(&architecture);
    let library = CrateSources::read(package(), "src", "lib.rs", Some("src/bin"));
    let tops: BTreeSet<String> = library
        .files
        .values()
        .map(|(m, _)| m.first().cloned().unwrap_or_else(|| "lib".into()))
        .collect();
    let listed: BTreeSet<String> = layers.keys().cloned().collect();
    assert_eq!(
        tops, listed,
        "ARCHITECTURE.md's import order must list every module of src/, and only those"
    );
    let wrong = upward(&library.arrows(), &library, &layers);
    assert!(
        wrong.is_empty(),
        "imports against the order:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_files_import_each_other_in_a_circle() {
    let library = CrateSources::read(package(), "src", "lib.rs", Some("src/bin"));
    let binary = CrateSources::read(package(), "src/bin/logreg-report", "main.rs", None);
    for sources in [library, binary] {
        let arrows = sources.arrows();
        let found = circles(&arrows);
        let described: Vec<String> = found
            .iter()
            .map(|group| {
                let ties: Vec<String> = arrows
                    .iter()
                    .filter(|(a, b, _)| group.contains(a) && group.contains(b))
                    .map(|(a, b, named)| format!("  {} -> {}: {named}", a.display(), b.display()))
                    .collect();
                format!("circle of {} files:\n{}", group.len(), ties.join("\n"))
            })
            .collect();
        assert!(found.is_empty(), "{}", described.join("\n"));
    }
}

#[test]
fn the_checker_sees_circles_and_upward_imports() {
    let sources = CrateSources::from_texts(&[
        ("src/lib.rs", "pub mod low;\npub mod high;\npub mod lowest;"),
        // An upward doc link and a `use` group, both from `low` into `high`.
        (
            "src/low/mod.rs",
            "//! See [`crate::high::Thing`].\nmod part;\npub use part::Part;\n",
        ),
        (
            "src/low/part.rs",
            "use super::{self, Shared};\npub struct Part;",
        ),
        (
            "src/high.rs",
            "use crate::{low::Part, low};\nfn f() -> crate::low::Part { todo!() }",
        ),
        // A unit-test module may use what it likes: it is no part of the program.
        (
            "src/lowest.rs",
            "#[cfg(test)]\nmod tests { use super::*; use crate::high; }",
        ),
    ]);
    let arrows = sources.arrows();
    let pairs: BTreeSet<(String, String)> = arrows
        .iter()
        .map(|(a, b, _)| (a.display().to_string(), b.display().to_string()))
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("src/low/mod.rs", "src/high.rs"),
        ("src/low/mod.rs", "src/low/part.rs"),
        ("src/low/part.rs", "src/low/mod.rs"),
        ("src/high.rs", "src/low/mod.rs"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(pairs, expected);
    let found = circles(&arrows);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].len(), 3, "{found:?}");
    let layers = layers(
        "| layer | modules |\n|---|---|\n| 3 | `lib` |\n| 2 | `high` |\n| 1 | `low` |\n| 0 | `lowest` |",
    );
    let wrong = upward(&arrows, &sources, &layers);
    assert_eq!(wrong.len(), 1, "{wrong:?}");
    assert!(wrong[0].contains("crate::high::Thing"), "{wrong:?}");
}

#[test]
fn literals_and_comments_name_no_module() {
    let (tokens, docs) = tokens(
        "let s = \"crate::a {\"; // crate::b\nlet c = '{'; let r = r#\"}\"#; /* crate::c */ x::y",
    );
    let idents: Vec<&Token> = tokens
        .iter()
        .filter(|t| matches!(t, Token::Ident(_) | Token::Open | Token::Close))
        .collect();
    assert_eq!(
        idents,
        [
            &Token::Ident("let".into()),
            &Token::Ident("s".into()),
            &Token::Ident("let".into()),
            &Token::Ident("c".into()),
            &Token::Ident("let".into()),
            &Token::Ident("r".into()),
            &Token::Ident("x".into()),
            &Token::Ident("y".into())
        ]
    );
    assert!(docs.is_empty());
}
