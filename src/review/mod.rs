//! Reviewing a change the way code is reviewed: a fresh run compared with the baseline report,
//! file by file, with a verdict for each and the evidence behind it.
//!
//! Four layers, each on the one before:
//!
//! 1. **Bytes** ([`crate::output::verdicts`], the same comparison `--check` lists): every file
//!    is identical, changed, new, missing, removed or unreadable.
//! 2. **Pixels** ([`pictures`]): a figure whose bytes changed is drawn from both SVGs by the
//!    pinned renderer and compared; it fails when its RMS exceeds the tolerance or more real
//!    (not anti-aliased) pixels differ than allowed. Same pixels: "changed, visually identical".
//! 3. **Numbers** ([`numbers`]): `results.json` field by field, fits matched by data set and
//!    λ; each changed figure is traced to the numbers it is drawn from ([`inputs`]).
//! 4. **Page text** ([`text`]): the page's visible text, diffed line by line.
//!
//! [`page`] turns a [`Review`] into `review.html` and `review.json`; [`junit`] into JUnit XML.

pub mod inputs;
pub mod junit;
pub mod numbers;
pub mod page;
pub mod pictures;
pub mod text;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::io::Read;

use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::figures::{FIGURES, FigureId};
use crate::numbers::{counted, short};
use crate::output::{Artifact, FileVerdict, Target, Verdict, fsx};
use crate::progress::{Progress, step};
use crate::raster::{CompareOptions, Renderer};
use crate::report::{FIGURES_DIR, PAGE, RESULTS};
use numbers::Numbers;
use pictures::{Look, Picture};
use text::PageText;

/// Baseline files the review reads whole (figures, page, results) are at most this large; the
/// page of a report with embedded CSVs is a few megabytes.
const READ_LIMIT: u64 = 256 << 20;

/// Which tolerance a value was given for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tolerance {
    /// The largest RMS of a figure's pixels that passes.
    Rms,
    /// The YIQ threshold past which a pixel counts as different.
    Threshold,
    /// The largest relative change of a number that counts as none.
    Numbers,
}

impl Tolerance {
    /// What the value is.
    pub fn describe(self) -> &'static str {
        match self {
            Tolerance::Rms => "the RMS tolerance",
            Tolerance::Threshold => "the pixel threshold",
            Tolerance::Numbers => "the number tolerance",
        }
    }

    /// What it must be.
    pub fn rule(self) -> &'static str {
        match self {
            Tolerance::Threshold => "a number from 0 to 1",
            Tolerance::Rms | Tolerance::Numbers => "a finite number >= 0",
        }
    }
}

/// How much change a review lets pass, checked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerances {
    /// A figure fails when the RMS of its pixels (0–255) is above this (matplotlib's 2.0).
    pub rms: f64,
    /// A pixel differs when its YIQ distance is above this share of the largest (0–1;
    /// pixelmatch's 0.1).
    pub threshold: f64,
    /// A figure fails when more real (not anti-aliased) pixels differ than this.
    pub max_diff_pixels: u64,
    /// Numbers whose relative difference is at most this are equal.
    pub numbers: f64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances {
            rms: 2.0,
            threshold: 0.1,
            max_diff_pixels: 0,
            numbers: 1e-9,
        }
    }
}

impl Tolerances {
    /// Checks values as a user gave them.
    pub fn new(rms: f64, threshold: f64, max_diff_pixels: u64, numbers: f64) -> Result<Self> {
        let bad = |what, value| Err(Error::BadTolerance { what, value });
        if !(rms.is_finite() && rms >= 0.0) {
            return bad(Tolerance::Rms, rms);
        }
        if !(0.0..=1.0).contains(&threshold) {
            return bad(Tolerance::Threshold, threshold);
        }
        if !(numbers.is_finite() && numbers >= 0.0) {
            return bad(Tolerance::Numbers, numbers);
        }
        Ok(Tolerances {
            rms,
            threshold,
            max_diff_pixels,
            numbers,
        })
    }

    fn compare_options(&self) -> CompareOptions {
        CompareOptions {
            threshold: self.threshold,
            ..CompareOptions::default()
        }
    }
}

/// One file of the review: its verdict, whether it passes, and why in one line.
#[derive(Clone, Debug, PartialEq)]
pub struct FileReview {
    /// Its path in the report.
    pub path: String,
    /// The byte-level verdict, or `Unreadable` when a layer could not read the baseline's.
    pub verdict: Verdict,
    /// Whether it is within the tolerances.
    pub passed: bool,
    /// Why, in one line; empty for an identical file.
    pub note: String,
}

/// One figure of the review.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureReview {
    /// Which figure of the table, if it is one (a removed figure may be of an older table).
    pub id: Option<FigureId>,
    /// Its file name.
    pub file_name: String,
    /// Its number in the report (1-based), if it is one of the table's.
    pub number: Option<usize>,
    /// Its title, if it is one of the table's.
    pub title: Option<&'static str>,
    /// Pixels and images; None when its bytes are identical.
    pub picture: Option<Picture>,
    /// The numbers and data files it is drawn from that moved (see [`inputs::causes`]).
    pub causes: Vec<inputs::Cause>,
}

/// Everything a review found.
#[derive(Clone, Debug, PartialEq)]
pub struct Review {
    /// Every file, in path order.
    pub files: Vec<FileReview>,
    /// Every figure, in report order (removed ones last).
    pub figures: Vec<FigureReview>,
    /// The numbers of `results.json`, when it changed and both sides could be compared.
    pub numbers: Option<Numbers>,
    /// The page's text, when the page changed and both sides could be read.
    pub page_text: Option<PageText>,
    /// The tolerances it was judged by.
    pub tolerances: Tolerances,
}

impl Review {
    /// Whether nothing changed beyond the tolerances (and nothing is missing or unreadable).
    pub fn passed(&self) -> bool {
        self.files.iter().all(|f| f.passed)
    }

    /// The review of the file at `path`.
    pub fn file(&self, path: &str) -> Option<&FileReview> {
        self.files.iter().find(|f| f.path == path)
    }
}

/// A figure's path in the report.
fn figure_path(file_name: &str) -> String {
    format!("{FIGURES_DIR}/{file_name}")
}

fn is_figure(path: &str) -> bool {
    path.strip_prefix(FIGURES_DIR)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| name.ends_with(".svg") && !name.contains('/'))
}

/// Compares the run's `artifacts` with the report in `baseline` (which must be a report) and
/// judges every file by `tolerances`. Reads the baseline, writes nothing.
pub fn review(
    baseline: &Target,
    artifacts: &[Artifact],
    tolerances: &Tolerances,
    progress: &mut dyn Progress,
) -> Result<Review> {
    let keep = |path: &str| is_figure(path) || path == PAGE || path == RESULTS;
    let verdicts = step(progress, "comparing with the baseline", || {
        crate::output::verdicts(baseline, artifacts, &keep)
    })?;
    let read = |path: &str| read_baseline(baseline, path);
    let changed = |v: &FileVerdict| v.verdict == Verdict::Changed;
    let find = |path: &str| verdicts.iter().find(|v| v.path == path);

    let numbers = match find(RESULTS) {
        Some(v) if changed(v) => Some(read(RESULTS).and_then(|old| {
            let new = v.candidate.as_deref().unwrap_or_default();
            numbers::compare(&old, new, tolerances.numbers).map_err(|e| e.to_string())
        })),
        _ => None,
    };
    let page_text = match find(PAGE) {
        Some(v) if changed(v) => Some(read(PAGE).map(|old| {
            let new = v.candidate.as_deref().unwrap_or_default();
            text::diff_pages(
                &String::from_utf8_lossy(&old),
                &String::from_utf8_lossy(new),
            )
        })),
        _ => None,
    };

    let drawn: Vec<&FileVerdict> = verdicts
        .iter()
        .filter(|v| is_figure(&v.path) && v.verdict != Verdict::Identical)
        .collect();
    let mut pictures: HashMap<String, Picture> = HashMap::new();
    if !drawn.is_empty() {
        let renderer = Renderer::new();
        let options = tolerances.compare_options();
        let name = format!("drawing {}", counted(drawn.len(), "figure", "figures"));
        pictures = step(progress, &name, || {
            Ok(drawn
                .par_iter()
                .map(|v| {
                    let old = matches!(v.verdict, Verdict::Changed | Verdict::Removed)
                        .then(|| read(&v.path));
                    let old = old.as_ref().map(|b| b.as_deref().map_err(Clone::clone));
                    let new = v.candidate.as_deref();
                    let picture = pictures::picture(&renderer, old, new, &options);
                    (v.path.clone(), picture)
                })
                .collect())
        })?;
    }

    let changes = match &numbers {
        Some(Ok(numbers)) => numbers.changes.as_slice(),
        _ => &[],
    };
    let changed_files: Vec<&str> = verdicts
        .iter()
        .filter(|v| v.verdict != Verdict::Identical)
        .map(|v| v.path.as_str())
        .collect();
    let mut figures = Vec::new();
    for (k, spec) in FIGURES.iter().enumerate() {
        let path = figure_path(spec.file_name);
        let Some(v) = find(&path) else { continue };
        let causes = if v.verdict == Verdict::Identical {
            Vec::new()
        } else {
            inputs::causes(spec.id, changes, &changed_files)
        };
        figures.push(FigureReview {
            id: Some(spec.id),
            file_name: spec.file_name.to_string(),
            number: Some(k + 1),
            title: Some(spec.title),
            picture: pictures.get(&path).cloned(),
            causes,
        });
    }
    // Figure files the table no longer names: removed by the run, shown from the baseline.
    for v in verdicts.iter().filter(|v| is_figure(&v.path)) {
        let file_name = v.path[FIGURES_DIR.len() + 1..].to_string();
        if FIGURES.iter().all(|spec| spec.file_name != file_name) {
            figures.push(FigureReview {
                id: None,
                file_name,
                number: None,
                title: None,
                picture: pictures.get(&v.path).cloned(),
                causes: Vec::new(),
            });
        }
    }
    let files = verdicts
        .iter()
        .map(|v| judge(v, pictures.get(&v.path), &numbers, &page_text, tolerances))
        .collect();
    Ok(Review {
        files,
        figures,
        numbers: numbers.and_then(Result::ok),
        page_text: page_text.and_then(Result::ok),
        tolerances: *tolerances,
    })
}

/// Whether a file passes and why: the byte-level verdict, refined by the layer that reads
/// files of its kind.
fn judge(
    v: &FileVerdict,
    picture: Option<&Picture>,
    numbers: &Option<std::result::Result<Numbers, String>>,
    page_text: &Option<std::result::Result<PageText, String>>,
    tolerances: &Tolerances,
) -> FileReview {
    let fail = |verdict: Verdict, note: String| (verdict, false, note);
    let (verdict, passed, note) = match &v.verdict {
        Verdict::Identical => (Verdict::Identical, true, String::new()),
        Verdict::New => fail(Verdict::New, "the baseline has no such file".into()),
        Verdict::Missing => fail(
            Verdict::Missing,
            "the baseline's run wrote it, but it is not in the folder".into(),
        ),
        Verdict::Removed => fail(Verdict::Removed, "the run no longer writes it".into()),
        Verdict::Unreadable(why) => fail(v.verdict.clone(), why.clone()),
        Verdict::Changed if is_figure(&v.path) => match picture.map(|p| &p.look) {
            Some(Look::Compared(stats)) if stats.changed == 0 => (
                Verdict::Changed,
                true,
                "visually identical: the bytes differ, the pixels do not".into(),
            ),
            Some(Look::Compared(stats)) => {
                let within =
                    stats.rms <= tolerances.rms && stats.differing <= tolerances.max_diff_pixels;
                let note = format!(
                    "RMS {:.3} (limit {}); {} ({:.3} %, limit {}); {} anti-aliased; of {} pixels",
                    stats.rms,
                    short(tolerances.rms),
                    counted(
                        stats.differing as usize,
                        "real differing pixel",
                        "real differing pixels"
                    ),
                    stats.differing_share() * 100.0,
                    tolerances.max_diff_pixels,
                    stats.antialiased,
                    stats.total
                );
                (Verdict::Changed, within, note)
            }
            Some(Look::SizeMismatch {
                baseline,
                candidate,
            }) => fail(
                Verdict::Changed,
                format!(
                    "the size changed from {}×{} to {}×{} pixels",
                    baseline.0, baseline.1, candidate.0, candidate.1
                ),
            ),
            Some(Look::Unreadable(why)) => fail(Verdict::Unreadable(why.clone()), why.clone()),
            Some(Look::OneSide) | None => fail(Verdict::Changed, "the bytes differ".into()),
        },
        Verdict::Changed if v.path == RESULTS => match numbers {
            Some(Ok(numbers)) if numbers.changes.is_empty() => (
                Verdict::Changed,
                true,
                format!(
                    "no number changed beyond the tolerance {} ({} within it); only the files' \
                     hashes differ",
                    short(tolerances.numbers),
                    numbers.within
                ),
            ),
            Some(Ok(numbers)) => fail(
                Verdict::Changed,
                format!(
                    "{} beyond the tolerance {}",
                    counted(numbers.changes.len(), "value changed", "values changed"),
                    short(tolerances.numbers)
                ),
            ),
            Some(Err(why)) => fail(Verdict::Unreadable(why.clone()), why.clone()),
            None => fail(Verdict::Changed, "the bytes differ".into()),
        },
        Verdict::Changed if v.path == PAGE => match page_text {
            Some(Ok(text)) if text.same() => (
                Verdict::Changed,
                true,
                "the same text: only markup or inline figures differ".into(),
            ),
            Some(Ok(text)) => fail(
                Verdict::Changed,
                format!(
                    "text: {} removed, {} added",
                    counted(text.removed, "line", "lines"),
                    counted(text.added, "line", "lines")
                ),
            ),
            Some(Err(why)) => fail(Verdict::Unreadable(why.clone()), why.clone()),
            None => fail(Verdict::Changed, "the bytes differ".into()),
        },
        Verdict::Changed => fail(Verdict::Changed, "the bytes differ".into()),
    };
    FileReview {
        path: v.path.clone(),
        verdict,
        passed,
        note,
    }
}

/// The baseline's file at `path`, read without following links or opening special files.
fn read_baseline(baseline: &Target, path: &str) -> std::result::Result<Vec<u8>, String> {
    match fsx::open_inside(baseline.path(), path) {
        Ok(fsx::Entry::File(file)) => {
            let mut bytes = Vec::new();
            file.take(READ_LIMIT + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| e.to_string())?;
            if bytes.len() as u64 > READ_LIMIT {
                return Err(format!("larger than {READ_LIMIT} bytes"));
            }
            Ok(bytes)
        }
        Ok(fsx::Entry::Missing) => Err("it is gone".into()),
        Ok(fsx::Entry::Other) => Err("it is not a file".into()),
        Err(e) => Err(e.to_string()),
    }
}
