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
use crate::raster::{CompareOptions, Renderer};
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
    let verdicts = step(progress, "comparing with the baseline", || {
        crate::output::verdicts(baseline, artifacts, &held_for_layers)
    })?;
    // How much of a baseline's file the review reads whole, by what the file is.
    let read = |path: &str| {
        let limit = match path {
            _ if is_figure(path) => crate::raster::MAX_SVG_BYTES as u64,
            _ if is_raster(path) => MAX_PNG_BYTES,
            RESULTS => MAX_RESULTS_BYTES,
            PAGE => MAX_PAGE_BYTES,
            _ => TEXT_DIFF_LIMIT,
        };
        baseline.read(path, limit)
    };
    let changed = |path: &str| {
        verdicts
            .iter()
            .find(|v| v.path == path && v.verdict == Verdict::Changed)
    };
    let mut parameters = Vec::new();
    let numbers = changed(RESULTS).map(|v| {
        let (old, new) = (read(RESULTS)?, v.candidate.as_deref().unwrap_or_default());
        parameters = parameters::compare(&old, new);
        numbers::compare(&old, new, tolerances.numbers).map_err(|e| e.to_string())
    });
    let page_text = changed(PAGE).map(|v| {
        let new = String::from_utf8_lossy(v.candidate.as_deref().unwrap_or_default());
        read(PAGE).and_then(|old| text::diff_pages(&String::from_utf8_lossy(&old), &new))
    });
    let pictures = draw_pictures(&verdicts, &read, tolerances, progress)?;
    let figures = figure_reviews(&verdicts, &pictures, &numbers);
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
        .map(|v| {
            let diff = text_diff(v, &read);
            TextReview {
                path: v.path.clone(),
                note: diff.as_ref().err().cloned().unwrap_or_default(),
                diff: diff.ok(),
            }
        })
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

/// Reads a baseline's file for a layer of the review; Err says why it cannot be read.
type Read<'a> = &'a (dyn Fn(&str) -> Result<Vec<u8>, String> + Sync);

/// Whether the run's bytes of a file are kept for the layer that reads it: a text file's only
/// when it is held in memory and small (a CSV at large N is made piece by piece, never held).
fn held_for_layers(artifact: &Artifact) -> bool {
    !is_text(&artifact.path)
        || matches!(&artifact.body, Body::Bytes(bytes) if bytes.len() as u64 <= TEXT_DIFF_LIMIT)
}

/// Draws and compares every figure and image that is not identical.
fn draw_pictures(
    verdicts: &[FileVerdict],
    read: Read,
    tolerances: &Tolerances,
    progress: &mut dyn Progress,
) -> Result<HashMap<String, Picture>, ReviewError> {
    let drawn: Vec<&FileVerdict> = verdicts
        .iter()
        .filter(|v| (is_figure(&v.path) || is_raster(&v.path)) && v.verdict != Verdict::Identical)
        .collect();
    if drawn.is_empty() {
        return Ok(HashMap::new());
    }
    let renderer = Renderer::new();
    let options = CompareOptions {
        threshold: tolerances.threshold,
        ..CompareOptions::default()
    };
    let name = format!("drawing {}", counted(drawn.len(), "figure", "figures"));
    let pictures = step(progress, &name, || {
        // A few at a time (as many as there are threads), each drawn, compared and encoded
        // whole before the next: memory holds the drawings in flight and the images kept,
        // which stop at MAX_IMAGE_BYTES.
        let mut kept = HashMap::new();
        let mut budget = pictures::MAX_IMAGE_BYTES;
        for chunk in drawn.chunks(rayon::current_num_threads().max(1)) {
            let made: Vec<(String, Picture)> = chunk
                .par_iter()
                .map(|v| (v.path.clone(), draw(v, &renderer, &options, read)))
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
    Ok(pictures)
}

/// Draws and compares one figure or image that is not identical.
fn draw(v: &FileVerdict, renderer: &Renderer, options: &CompareOptions, read: Read) -> Picture {
    let old = matches!(v.verdict, Verdict::Changed | Verdict::Removed).then(|| read(&v.path));
    let old = old.as_ref().map(|b| b.as_deref().map_err(Clone::clone));
    let new = v.candidate.as_deref();
    if is_raster(&v.path) {
        return pictures::raster_picture(old, new, options);
    }
    let id = FIGURES
        .iter()
        .find(|spec| figure_path(spec.file_name) == v.path)
        .map(|spec| spec.id);
    let boxes = |size| {
        id.map(|id| crate::figures::panel_boxes(id, size))
            .unwrap_or_default()
    };
    pictures::picture(renderer, old, new, options, &boxes)
}

/// Every figure of the table, in report order, with its picture and the inputs that moved.
fn figure_reviews(
    verdicts: &[FileVerdict],
    pictures: &HashMap<String, Picture>,
    numbers: &Option<Result<Numbers, String>>,
) -> Vec<FigureReview> {
    let changes = numbers.as_ref().and_then(|n| n.as_ref().ok());
    let changes = changes.map_or(&[][..], |n| n.changes.as_slice());
    let changed_files: Vec<&str> = verdicts
        .iter()
        .filter(|v| v.verdict != Verdict::Identical)
        .map(|v| v.path.as_str())
        .collect();
    let mut figures = Vec::new();
    for (k, spec) in FIGURES.iter().enumerate() {
        let path = figure_path(spec.file_name);
        let Some(v) = verdicts.iter().find(|v| v.path == path) else {
            continue;
        };
        figures.push(FigureReview {
            id: Some(spec.id),
            file_name: spec.file_name.to_string(),
            number: Some(k + 1),
            title: Some(spec.title),
            picture: pictures.get(&path).cloned(),
            causes: match v.verdict {
                Verdict::Identical => Vec::new(),
                _ => inputs::causes(spec.id, changes, &changed_files),
            },
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
    figures
}

/// A file's verdict, whether it passes, and why.
type Judgement = (Verdict, bool, String);

/// A failing judgement.
fn fail(verdict: Verdict, note: impl Into<String>) -> Judgement {
    (verdict, false, note.into())
}

/// The judgement of a changed file that a layer could read: passing or not.
fn judged(passed: bool, note: impl Into<String>) -> Judgement {
    (Verdict::Changed, passed, note.into())
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
    let (verdict, passed, note) = match &v.verdict {
        Verdict::Identical => (Verdict::Identical, true, String::new()),
        Verdict::New => fail(Verdict::New, "the baseline has no such file"),
        Verdict::Missing => fail(
            Verdict::Missing,
            "the baseline's run wrote it, but it is not in the folder",
        ),
        Verdict::Removed => fail(Verdict::Removed, "the run no longer writes it"),
        Verdict::Unreadable(why) => fail(v.verdict.clone(), why),
        Verdict::Changed if is_figure(&v.path) || is_raster(&v.path) => {
            judge_picture(picture, tolerances)
        }
        Verdict::Changed if v.path == RESULTS => judge_numbers(numbers.as_ref(), tolerances),
        Verdict::Changed if v.path == PAGE => judge_page_text(page_text.as_ref()),
        Verdict::Changed => judged(false, "the bytes differ"),
    };
    FileReview {
        path: v.path.clone(),
        verdict,
        passed,
        note,
    }
}

/// A changed figure or image by its pixels: the same, or within the tolerances, pass.
fn judge_picture(picture: Option<&Picture>, tolerances: &Tolerances) -> Judgement {
    match picture.map(|p| &p.look) {
        Some(Look::Compared(stats)) if stats.changed == 0 => judged(
            true,
            "visually identical: the bytes differ, the pixels do not",
        ),
        Some(Look::Compared(stats)) => judged(
            stats.rms <= tolerances.rms && stats.differing <= tolerances.max_diff_pixels,
            format!(
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
            ),
        ),
        Some(Look::SizeMismatch {
            baseline,
            candidate,
        }) => judged(
            false,
            format!(
                "the size changed from {}×{} to {}×{} pixels",
                baseline.0, baseline.1, candidate.0, candidate.1
            ),
        ),
        Some(Look::Unreadable(why)) => fail(Verdict::Unreadable(why.clone()), why),
        Some(Look::OneSide) | None => judged(false, "the bytes differ"),
    }
}

/// A changed `results.json` by its numbers: it passes when none moved beyond the tolerance.
fn judge_numbers(numbers: Option<&Result<Numbers, String>>, tolerances: &Tolerances) -> Judgement {
    match numbers {
        Some(Ok(numbers)) if numbers.changes.is_empty() => judged(
            true,
            format!(
                "no number changed beyond the tolerance {} ({} within it); only the files' \
                 hashes differ",
                short(tolerances.numbers),
                numbers.within
            ),
        ),
        Some(Ok(numbers)) => judged(
            false,
            format!(
                "{} beyond the tolerance {}",
                counted(numbers.changes.len(), "value changed", "values changed"),
                short(tolerances.numbers)
            ),
        ),
        Some(Err(why)) => fail(Verdict::Unreadable(why.clone()), why),
        None => judged(false, "the bytes differ"),
    }
}

/// A changed page by its visible text: it passes when the text is the same.
fn judge_page_text(page_text: Option<&Result<PageText, String>>) -> Judgement {
    match page_text {
        Some(Ok(text)) if text.same() => {
            judged(true, "the same text: only markup or inline figures differ")
        }
        Some(Ok(text)) => judged(
            false,
            format!(
                "text: {} removed, {} added",
                counted(text.removed, "line", "lines"),
                counted(text.added, "line", "lines")
            ),
        ),
        Some(Err(why)) => fail(Verdict::Unreadable(why.clone()), why),
        None => judged(false, "the bytes differ"),
    }
}

/// The line diff of a text file that is not identical: the run's bytes against the
/// baseline's (a new file against nothing, a removed one against nothing), or why there is none.
fn text_diff(v: &FileVerdict, read: Read) -> Result<PageText, String> {
    let old = match &v.verdict {
        Verdict::Changed | Verdict::Removed => {
            read(&v.path).map_err(|why| format!("the baseline's file cannot be read: {why}"))?
        }
        Verdict::New | Verdict::Missing => Vec::new(),
        Verdict::Unreadable(why) => return Err(why.clone()),
        Verdict::Identical => return Err(String::new()),
    };
    let new = match (&v.verdict, &v.candidate) {
        (Verdict::Removed, _) => &[][..],
        (_, Some(bytes)) => bytes.as_slice(),
        (_, None) => {
            return Err(format!(
                "the run's file is larger than {TEXT_DIFF_LIMIT} bytes: no diff is shown"
            ));
        }
    };
    if old.len() as u64 > TEXT_DIFF_LIMIT {
        return Err(format!(
            "the baseline's file is larger than {TEXT_DIFF_LIMIT} bytes: no diff is shown"
        ));
    }
    match (std::str::from_utf8(&old), std::str::from_utf8(new)) {
        (Ok(old), Ok(new)) => {
            text::diff_lines(old, new).map_err(|why| format!("{why}: no diff is shown"))
        }
        _ => Err("not UTF-8 text: no diff is shown".into()),
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
