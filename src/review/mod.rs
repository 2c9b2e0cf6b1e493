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
//! 4. **Text** ([`text`]): the page's visible text and the other text files (the redirect
//!    page, `_headers`, the CSVs), diffed line by line with the changed words marked.
//!
//! [`verdict`] words where that leaves the baseline, in one last line that every output
//! shares; [`page`] turns a [`Review`] into `review.html`, its images and `review.json`;
//! [`junit`] into JUnit XML and [`markdown`] into a summary for a pull request, both written
//! by [`sidecar`] only where they destroy nothing of the user's.

mod error;
mod findings;
pub mod inputs;
pub mod junit;
pub mod markdown;
pub mod numbers;
pub mod page;
pub mod parameters;
pub mod pictures;
mod record;
mod sections;
pub mod sidecar;
pub mod text;
mod tolerances;
pub mod verdict;

#[cfg(test)]
mod tests;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::figures::FIGURES;
use crate::numbers::{counted, short};
use crate::output::{Artifact, Baseline, Body, FileVerdict, Verdict};
use crate::progress::{Progress, step};
use crate::raster::Renderer;
use crate::report::{FIGURES_DIR, PAGE, RESULTS};
use findings::{figure_path, is_figure, is_raster};
use numbers::Numbers;
use pictures::{Look, Picture};
use text::PageText;

pub use error::{ReviewError, Tolerance};
pub use findings::{FigureReview, FileReview, ImageReview, Review, Standing, TextReview};
pub use parameters::ParameterChange;
pub use tolerances::Tolerances;
pub use verdict::{Accepted, Header, State, last_line};

/// The largest `results.json` whose numbers are compared: the limit within which it is read
/// as a report's marker too. Larger, and it is unreadable (its bytes are still compared).
pub use crate::output::MAX_RESULTS_BYTES;
/// The largest page whose text is compared: the largest a run writes.
pub use crate::report::MAX_PAGE_BYTES;
/// The largest image (PNG) compared, in bytes: the social card is about 70 KiB.
pub const MAX_PNG_BYTES: u64 = 16 << 20;

/// How much of a baseline's file the review reads whole, by what the file is.
fn read_limit(path: &str) -> u64 {
    if is_figure(path) {
        crate::raster::MAX_SVG_BYTES as u64
    } else if is_raster(path) {
        MAX_PNG_BYTES
    } else if path == RESULTS {
        MAX_RESULTS_BYTES
    } else if path == PAGE {
        MAX_PAGE_BYTES
    } else {
        TEXT_DIFF_LIMIT
    }
}

/// Other text files (the redirect page, `_headers`, the CSVs) get a line diff when both sides
/// are at most this large.
pub const TEXT_DIFF_LIMIT: u64 = 256 << 10;

/// Whether a file is one of the report's text files that get a line diff of their own: the
/// files that are neither a figure, an image, the page nor `results.json`.
fn is_text(path: &str) -> bool {
    !is_figure(path) && !is_raster(path) && path != PAGE && path != RESULTS
}

/// Compares the run's `artifacts` with the report in `baseline` (which must be a report) and
/// judges every file by `tolerances`. Reads the baseline, writes nothing.
pub fn review(
    baseline: &Baseline,
    artifacts: &[Artifact],
    tolerances: &Tolerances,
    progress: &mut dyn Progress,
) -> Result<Review, ReviewError> {
    // The run's bytes are kept for the files a layer reads; a text file only when it is held
    // in memory and small (a CSV at large N is made piece by piece, and never held).
    let keep = |artifact: &Artifact| {
        let path = artifact.path.as_str();
        if is_text(path) {
            matches!(&artifact.body, Body::Bytes(bytes) if bytes.len() as u64 <= TEXT_DIFF_LIMIT)
        } else {
            true
        }
    };
    let verdicts = step(progress, "comparing with the baseline", || {
        crate::output::verdicts(baseline, artifacts, &keep)
    })?;
    let read = |path: &str| baseline.read(path, read_limit(path));
    let changed = |v: &FileVerdict| v.verdict == Verdict::Changed;
    let find = |path: &str| verdicts.iter().find(|v| v.path == path);

    let mut parameters = Vec::new();
    let numbers = match find(RESULTS) {
        Some(v) if changed(v) => Some(read(RESULTS).and_then(|old| {
            let new = v.candidate.as_deref().unwrap_or_default();
            parameters = parameters::compare(&old, new);
            numbers::compare(&old, new, tolerances.numbers).map_err(|e| e.to_string())
        })),
        _ => None,
    };
    let page_text = match find(PAGE) {
        Some(v) if changed(v) => Some(read(PAGE).and_then(|old| {
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
        .filter(|v| (is_figure(&v.path) || is_raster(&v.path)) && v.verdict != Verdict::Identical)
        .collect();
    let mut pictures: HashMap<String, Picture> = HashMap::new();
    if !drawn.is_empty() {
        let renderer = Renderer::new();
        let options = tolerances.compare_options();
        let name = format!("drawing {}", counted(drawn.len(), "figure", "figures"));
        pictures = step(progress, &name, || {
            // A few at a time (as many as there are threads), each drawn, compared and encoded
            // whole before the next: memory holds the drawings in flight and the images kept,
            // which stop at MAX_IMAGE_BYTES.
            let mut kept = HashMap::new();
            let mut budget = pictures::MAX_IMAGE_BYTES;
            for chunk in drawn.chunks(rayon::current_num_threads().max(1)) {
                let made: Vec<(String, Picture)> = chunk
                    .par_iter()
                    .map(|v| {
                        let old = matches!(v.verdict, Verdict::Changed | Verdict::Removed)
                            .then(|| read(&v.path));
                        let old = old.as_ref().map(|b| b.as_deref().map_err(Clone::clone));
                        let new = v.candidate.as_deref();
                        let picture = if is_raster(&v.path) {
                            pictures::raster_picture(old, new, &options)
                        } else {
                            let id = FIGURES
                                .iter()
                                .find(|spec| figure_path(spec.file_name) == v.path)
                                .map(|spec| spec.id);
                            let boxes = |size| {
                                id.map(|id| crate::figures::panel_boxes(id, size))
                                    .unwrap_or_default()
                            };
                            pictures::picture(&renderer, old, new, &options, &boxes)
                        };
                        (v.path.clone(), picture)
                    })
                    .collect();
                for (path, mut picture) in made {
                    let bytes = picture.image_bytes();
                    if bytes > budget {
                        picture.withhold();
                    } else {
                        budget -= bytes;
                    }
                    kept.insert(path, picture);
                }
            }
            Ok::<_, ReviewError>(kept)
        })?;
        release_freed_memory();
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
    let images = verdicts
        .iter()
        .filter(|v| is_raster(&v.path) && v.verdict != Verdict::Identical)
        .filter_map(|v| {
            Some(ImageReview {
                path: v.path.clone(),
                picture: pictures.get(&v.path)?.clone(),
            })
        })
        .collect();
    let texts = verdicts
        .iter()
        .filter(|v| is_text(&v.path) && v.verdict != Verdict::Identical)
        .map(|v| text_review(v, &read))
        .collect();
    Ok(Review {
        parameters,
        files,
        figures,
        numbers: numbers.and_then(Result::ok),
        page_text: page_text.and_then(Result::ok),
        images,
        texts,
        tolerances: *tolerances,
    })
}

/// Whether a file passes and why: the byte-level verdict, refined by the layer that reads
/// files of its kind.
fn judge(
    v: &FileVerdict,
    picture: Option<&Picture>,
    numbers: &Option<Result<Numbers, String>>,
    page_text: &Option<Result<PageText, String>>,
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
        Verdict::Changed if is_figure(&v.path) || is_raster(&v.path) => {
            match picture.map(|p| &p.look) {
                Some(Look::Compared(stats)) if stats.changed == 0 => (
                    Verdict::Changed,
                    true,
                    "visually identical: the bytes differ, the pixels do not".into(),
                ),
                Some(Look::Compared(stats)) => {
                    let within = stats.rms <= tolerances.rms
                        && stats.differing <= tolerances.max_diff_pixels;
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
            }
        }
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

/// The line diff of a text file that is not identical: the run's bytes against the
/// baseline's (a new file against nothing, a removed one against nothing).
fn text_review(v: &FileVerdict, read: &dyn Fn(&str) -> Result<Vec<u8>, String>) -> TextReview {
    let none = |note: String| TextReview {
        path: v.path.clone(),
        diff: None,
        note,
    };
    let old = match &v.verdict {
        Verdict::Changed | Verdict::Removed => match read(&v.path) {
            Ok(bytes) => bytes,
            Err(why) => return none(format!("the baseline's file cannot be read: {why}")),
        },
        Verdict::New | Verdict::Missing => Vec::new(),
        Verdict::Unreadable(why) => return none(why.clone()),
        Verdict::Identical => return none(String::new()),
    };
    let new = match (&v.verdict, &v.candidate) {
        (Verdict::Removed, _) => Vec::new(),
        (_, Some(bytes)) => bytes.clone(),
        (_, None) => {
            return none(format!(
                "the run's file is larger than {TEXT_DIFF_LIMIT} bytes: no diff is shown"
            ));
        }
    };
    if old.len() as u64 > TEXT_DIFF_LIMIT {
        return none(format!(
            "the baseline's file is larger than {TEXT_DIFF_LIMIT} bytes: no diff is shown"
        ));
    }
    match (std::str::from_utf8(&old), std::str::from_utf8(&new)) {
        (Ok(old), Ok(new)) => match text::diff_lines(old, new) {
            Ok(diff) => TextReview {
                path: v.path.clone(),
                diff: Some(diff),
                note: String::new(),
            },
            Err(why) => none(format!("{why}: no diff is shown")),
        },
        _ => none("not UTF-8 text: no diff is shown".into()),
    }
}

/// Hands the memory the drawings freed back to the system before the page is made: glibc's
/// allocator otherwise keeps it, and a review of many large figures would count it twice.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free memory of the allocator to the system.
    unsafe {
        libc::malloc_trim(0);
    }
}
