//! Property tests with random inputs: `review` and `--check` fed mutated baselines
//! (truncated, nested, oversized, random bytes in SVG, PNG and JSON), and the run fed random
//! flag values. Each must end with exit 0, 1 or 2 and no panic, and change nothing outside
//! the tool's own folders. The cases are drawn from a fixed seed, so that a failure is
//! reproduced by running again; `PROPTEST_CASES` draws more of them.

use std::time::Duration;

use libtest_mimic::Failed;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

use super::limits::{SITE, Template, lying_png, review_and_check};
use super::support::snapshot;
use super::{finish, tool};

fn runner(default_cases: u32) -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default_cases);
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

fn fail(e: Failed) -> TestCaseError {
    TestCaseError::fail(format!("{e:?}"))
}

/// How a baseline file is spoilt.
#[derive(Debug, Clone)]
enum Mutation {
    /// Cut to this fraction of its length.
    Truncate(f64),
    /// These bytes written over it at this fraction of its length.
    Overwrite(f64, Vec<u8>),
    /// These bytes put in at this fraction of its length.
    Insert(f64, Vec<u8>),
    /// Random bytes instead.
    Replace(Vec<u8>),
    /// Its content after the first `>` wrapped in this many elements (or brackets).
    Nest(usize),
    /// Its content repeated this many times.
    Grow(usize),
    /// A PNG's header claiming these dimensions, its checksum made to match.
    Dimensions(u32, u32),
    /// A short token (markup, or random bytes) put in this many times at this fraction of
    /// its length: what makes a scan that looks ahead from each token take quadratic time.
    Repeat(f64, Vec<u8>, usize),
    /// A marker (`results.json`) listing this many more files, the first of them made.
    List(usize),
}

impl Mutation {
    /// The mutation in a few words (its bytes by count).
    fn short(&self) -> String {
        match self {
            Mutation::Truncate(f) => format!("truncated at {f:.3}"),
            Mutation::Overwrite(f, b) => format!("{} bytes written over at {f:.3}", b.len()),
            Mutation::Insert(f, b) => format!("{} bytes put in at {f:.3}", b.len()),
            Mutation::Replace(b) => format!("replaced by {} random bytes", b.len()),
            Mutation::Nest(d) => format!("nested {d} deep"),
            Mutation::Grow(t) => format!("repeated {t} times"),
            Mutation::Dimensions(w, h) => format!("claiming {w} x {h} pixels"),
            Mutation::Repeat(f, token, n) => {
                format!(
                    "{:?} put in {n} times at {f:.3}",
                    String::from_utf8_lossy(token)
                )
            }
            Mutation::List(n) => format!("listing {n} more files"),
        }
    }
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let bytes = || proptest::collection::vec(any::<u8>(), 1..256);
    prop_oneof![
        (0.0..1.0f64).prop_map(Mutation::Truncate),
        (0.0..1.0f64, bytes()).prop_map(|(at, b)| Mutation::Overwrite(at, b)),
        (0.0..1.0f64, bytes()).prop_map(|(at, b)| Mutation::Insert(at, b)),
        proptest::collection::vec(any::<u8>(), 0..4096).prop_map(Mutation::Replace),
        prop_oneof![1..300usize, 300..20_000usize].prop_map(Mutation::Nest),
        prop_oneof![2..20usize, 100..700usize].prop_map(Mutation::Grow),
        (any::<u32>(), any::<u32>()).prop_map(|(w, h)| Mutation::Dimensions(w, h)),
        (0.0..1.0f64, token(), 1_000..400_000usize)
            .prop_map(|(at, token, n)| Mutation::Repeat(at, token, n)),
        prop_oneof![1..50usize, 900..3_000usize].prop_map(Mutation::List),
    ]
}

/// A token of markup, JSON or text, or a few random bytes.
fn token() -> impl Strategy<Value = Vec<u8>> {
    let markup = [
        "<!a>",
        "<g>",
        "</g>",
        "<g/>",
        "<!--",
        "-->",
        "<?x?>",
        "<![CDATA[",
        "<a \"",
        "&a;",
        "<!DOCTYPE",
        "[",
        "{",
        "\"",
        ",",
        "\n",
        "1e9",
        "<p>",
        "<",
        "&",
        "&#",
        "<script>",
        "<style>",
        "<svg>",
        "</script>",
        "<math display=\"block\">",
    ];
    prop_oneof![
        proptest::sample::select(markup.to_vec()).prop_map(|t| t.as_bytes().to_vec()),
        proptest::collection::vec(any::<u8>(), 1..8),
    ]
}

/// The files mutated: figures, the social card, the marker, the page, a CSV.
const FILES: [&str; 7] = [
    "figures/sigmoid.svg",
    "figures/reg-vs-no.svg",
    "social-card.png",
    "results.json",
    "index.html",
    "data/fuzzy.csv",
    "_headers",
];

fn apply(bytes: &[u8], mutation: &Mutation) -> Vec<u8> {
    let at = |fraction: f64| ((bytes.len() as f64 * fraction) as usize).min(bytes.len());
    match mutation {
        Mutation::Truncate(f) => bytes[..at(*f)].to_vec(),
        Mutation::Overwrite(f, new) => {
            let mut out = bytes.to_vec();
            let start = at(*f);
            for (k, b) in new.iter().enumerate() {
                match out.get_mut(start + k) {
                    Some(slot) => *slot = *b,
                    None => out.push(*b),
                }
            }
            out
        }
        Mutation::Insert(f, new) => {
            let mut out = bytes.to_vec();
            let start = at(*f);
            out.splice(start..start, new.iter().copied());
            out
        }
        Mutation::Replace(new) => new.clone(),
        Mutation::Nest(depth) => {
            let split = bytes.iter().position(|&b| b == b'>').map_or(0, |k| k + 1);
            let (open, close): (&[u8], &[u8]) = if bytes.starts_with(b"{") {
                (b"[", b"]")
            } else {
                (b"<g>", b"</g>")
            };
            let mut out = bytes[..split].to_vec();
            out.extend(open.repeat(*depth));
            out.extend_from_slice(&bytes[split..]);
            out.extend(close.repeat(*depth));
            out
        }
        // At most 16 MiB, so that the test's own memory stays small (see `finish`).
        Mutation::Grow(times) => bytes.repeat((*times).min((16 << 20) / bytes.len().max(1))),
        Mutation::Dimensions(w, h) if bytes.len() > 33 && bytes.starts_with(b"\x89PNG") => {
            lying_png(bytes, *w, *h)
        }
        Mutation::Repeat(f, token, n) => {
            let mut out = bytes.to_vec();
            let start = at(*f);
            out.splice(start..start, token.repeat(*n));
            out
        }
        Mutation::Dimensions(w, _) => {
            let mut out = bytes.to_vec();
            out.extend_from_slice(&w.to_be_bytes());
            out
        }
        // Listed where the file holds a list of files; any other file gets the names as text.
        Mutation::List(n) => match serde_json::from_slice::<serde_json::Value>(bytes) {
            Ok(mut record) if record["artifacts"].is_object() => {
                for k in 0..*n {
                    record["artifacts"][format!("listed/{k}.txt")] = "0".repeat(64).into();
                }
                serde_json::to_vec(&record).unwrap_or_default()
            }
            _ => {
                let mut out = bytes.to_vec();
                for k in 0..*n {
                    out.extend(format!("listed/{k}.txt\n").bytes());
                }
                out
            }
        },
    }
}

/// Mutated baselines get a verdict from `review` and `--check`, in bounded memory, with
/// nothing but the review folder changed.
pub fn mutated_baselines() -> Result<(), Failed> {
    let template = Template::new()?;
    let strategy = proptest::collection::vec((0..FILES.len(), mutation()), 1..4);
    runner(32)
        .run(&strategy, |mutations| {
            let dir = template.copy().map_err(fail)?;
            for (file, mutation) in &mutations {
                if let Mutation::List(n) = mutation {
                    // Some of the listed files are there, as an attacker would put them.
                    let listed = dir.path().join("output/listed");
                    std::fs::create_dir_all(&listed).map_err(|e| fail(e.into()))?;
                    for k in 0..(*n).min(200) {
                        std::fs::write(listed.join(format!("{k}.txt")), k.to_string())
                            .map_err(|e| fail(e.into()))?;
                    }
                }
                let path = dir.path().join("output").join(FILES[*file]);
                let bytes = std::fs::read(&path).map_err(|e| fail(e.into()))?;
                std::fs::write(&path, apply(&bytes, mutation)).map_err(|e| fail(e.into()))?;
            }
            let what: Vec<String> = mutations
                .iter()
                .map(|(file, m)| format!("{} {}", FILES[*file], m.short()))
                .collect();
            review_and_check(dir.path(), &what.join(", ")).map_err(fail)?;
            Ok(())
        })
        .map_err(|e| Failed::from(e.to_string()))
}

/// A value for a flag: a number of any size or sign, a word, or nothing.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<u64>().prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|x| x.to_string()),
        (0.0..1e-300f64).prop_map(|x| format!("{x:e}")),
        (-400i32..400).prop_map(|e| format!("1e{e}")),
        proptest::sample::select(vec![
            "",
            "-",
            "nan",
            "NaN",
            "inf",
            "-inf",
            "0x10",
            "1,,2",
            ",",
            "١٢",
            "0.1.2",
            "1e",
            "--out",
            "http://",
            "https://example.org/a b",
            "ftp://x",
            "../..",
            "/",
        ])
        .prop_map(String::from),
        // An argument cannot hold a NUL: no process is given one.
        proptest::collection::vec(any::<char>().prop_filter("no NUL", |c| *c != '\0'), 0..12)
            .prop_map(|c| c.into_iter().collect()),
    ]
}

/// Flags of the run with random values: `--seed`, `--n` (small, or anything), `--lambdas`
/// (lists of random values), `--site-url`, `--templates` (a folder that may not exist),
/// `--quiet`, `--check`.
fn flags() -> impl Strategy<Value = Vec<String>> {
    let lambdas = proptest::collection::vec(value(), 1..5).prop_map(|v| v.join(","));
    let n = prop_oneof![(0u32..3000).prop_map(|n| n.to_string()), value()];
    let pair = |name: &'static str, v: BoxedStrategy<String>| {
        proptest::option::of(v).prop_map(move |v| v.map(|v| vec![name.to_string(), v]))
    };
    (
        pair("--seed", value().boxed()),
        pair("--n", n.boxed()),
        pair("--lambdas", lambdas.boxed()),
        pair(
            "--site-url",
            prop_oneof![Just(SITE.to_string()), value()].boxed(),
        ),
        pair("--templates", Just("no-such-folder".to_string()).boxed()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(seed, n, lambdas, site, templates, quiet, check)| {
            let mut args: Vec<String> = [seed, n, lambdas, site, templates]
                .into_iter()
                .flatten()
                .flatten()
                .collect();
            args.extend(quiet.then(|| "--quiet".to_string()));
            args.extend(check.then(|| "--check".to_string()));
            args
        })
}

/// Random flag values: a report or one clear error, and nothing made beside `out/`.
pub fn random_flags() -> Result<(), Failed> {
    runner(48)
        .run(&flags(), |args| {
            let dir = tempfile::tempdir().map_err(|e| fail(e.into()))?;
            let mut run = tool(dir.path());
            run.args(&args).args(["--out", "out"]);
            let finished = finish(run, Duration::from_secs(120)).map_err(fail)?;
            let what = format!("{args:?}");
            finished.assert_verdict(&what).map_err(fail)?;
            let errors = finished
                .stderr
                .lines()
                .filter(|l| l.starts_with("error"))
                .count();
            prop_assert!(
                finished.code == Some(0) || errors == 1,
                "{what}: exit {:?} wants one error line: {}",
                finished.code,
                finished.stderr
            );
            let mut made = snapshot(dir.path());
            made.retain(|path, _| !path.starts_with("out"));
            prop_assert!(made.is_empty(), "{what}: made {:?}", made.keys());
            Ok(())
        })
        .map_err(|e| Failed::from(e.to_string()))
}

/// One level of a tree for `git mktree`: `fanout` empty files (or, above the first level,
/// `fanout` copies of the tree `inner`), then a link and a submodule where asked.
fn tree_level(
    empty: &str,
    inner: Option<&str>,
    level: u32,
    fanout: usize,
    link: bool,
    submodule: bool,
) -> String {
    let mut lines: String = (0..fanout)
        .map(|k| match inner {
            None => format!("100644 blob {empty}\tf{k}\n"),
            Some(inner) => format!("040000 tree {inner}\td{level}-{k}\n"),
        })
        .collect();
    if link {
        lines.push_str(&format!("120000 blob {empty}\tlink{level}\n"));
    }
    if submodule {
        lines.push_str(&format!("160000 commit {}\tsub{level}\n", "1".repeat(40)));
    }
    lines
}

/// Committed trees of any shape, read with `--baseline-rev`: folders `fanout` wide and
/// `depth` deep of empty files, links and submodules where files and folders should be.
/// Each gets a verdict (exit 0, 1 or 2) in bounded time and memory.
pub fn random_git_trees() -> Result<(), Failed> {
    let strategy = (1..70usize, 1..5u32, any::<bool>(), any::<bool>());
    runner(12)
        .run(&strategy, |(fanout, depth, link, submodule)| {
            let root = tempfile::tempdir().map_err(|e| fail(e.into()))?;
            let dir = root.path();
            super::trust::init(dir);
            let empty = super::trust::empty_blob(dir).map_err(fail)?;
            let mut tree = None;
            for level in 0..depth {
                let lines = tree_level(&empty, tree.as_deref(), level, fanout, link, submodule);
                tree = Some(super::trust::mktree(dir, &lines).map_err(fail)?);
            }
            let output = tree.unwrap_or_default();
            let top = super::trust::mktree(dir, &format!("040000 tree {output}\toutput\n"))
                .map_err(fail)?;
            super::trust::commit_tree(dir, &top, "shape");
            let mut review = super::tool(dir);
            review.args(["review", "--quiet", "--baseline-rev", "shape"]);
            let what = format!(
                "a tree {fanout} wide and {depth} deep (links {link}, submodules {submodule})"
            );
            let finished =
                super::finish(review, std::time::Duration::from_secs(60)).map_err(fail)?;
            finished.assert_verdict(&what).map_err(fail)?;
            if finished.max_rss_kib > 400 * 1024 {
                return Err(fail(
                    format!("{what}: {} MiB", finished.max_rss_kib / 1024).into(),
                ));
            }
            Ok(())
        })
        .map_err(|e| Failed::from(e.to_string()))
}
