//! The review's files: `review.html`, filled from a logic-free Tera template with strings
//! already formatted, and `review.json`, every verdict and number of the review, which also
//! marks the folder as a review folder of this tool and lists what it wrote.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Value, json};

use super::error::ReviewError;
use super::findings::{FigureReview, Review};
use super::inputs::{Cause, sig2};
use super::numbers::Leaf;
use super::pictures::{Look, SCALE};
use crate::numbers::{counted, short};
use crate::output::{Artifact, Body, Ledger, REVIEW, TOOL, Verdict};
use crate::report::{FIGURES_DIR, PAGE, RESULTS};

/// The review page's file name.
pub const REVIEW_PAGE: &str = "review.html";
/// The built-in review page template, compiled into the binary.
pub const TEMPLATE: &str = include_str!("../../templates/review.html");

/// Figures wider than this (in pixels) are shown one image a row.
const WIDE: u32 = 640;

/// Where the review came from, for the page's header.
#[derive(Clone, Debug, Default)]
pub struct Header {
    /// The baseline folder as the user named it.
    pub baseline: String,
    /// The run's options in words, e.g. "seed 5, N = 100, λ = 0,0.1,10".
    pub run: String,
    /// Whether `--accept` made the run the new baseline.
    pub accepted: bool,
}

/// The files of a review folder: the page and, last, `review.json` with the page's sha256.
pub fn artifacts(review: &Review, header: &Header) -> Result<Vec<Artifact>, ReviewError> {
    let page = render(&context(review, header))?;
    let record = record(review, header);
    Ok(vec![
        Artifact::bytes(REVIEW_PAGE, page.into_bytes()),
        Artifact {
            path: REVIEW.into(),
            body: Body::Later(Arc::new(move |made: &Ledger| {
                let mut record = record.clone();
                let listed: BTreeMap<&String, &String> =
                    made.iter().map(|(path, m)| (path, &m.sha256)).collect();
                record["artifacts"] = json!(listed);
                let mut bytes = serde_json::to_vec_pretty(&record)?;
                bytes.push(b'\n');
                Ok(bytes)
            })),
        },
    ])
}

#[derive(Serialize)]
struct PageContext {
    version: &'static str,
    verdict_class: &'static str,
    accepted: bool,
    summary: String,
    baseline: String,
    run: String,
    tolerances: String,
    files: Vec<FileRow>,
    changed_figures: Vec<FigureCard>,
    unchanged_figures: Vec<String>,
    numbers_note: String,
    numbers: Vec<NumberRow>,
    texts: Vec<NumberRow>,
    text_note: String,
    hunks: Vec<HunkView>,
}

#[derive(Serialize)]
struct HunkView {
    header: String,
    lines: Vec<LineView>,
}

#[derive(Serialize)]
struct LineView {
    class: &'static str,
    text: String,
}

#[derive(Serialize)]
struct FileRow {
    path: String,
    verdict: &'static str,
    status: &'static str,
    note: String,
}

#[derive(Serialize)]
struct FigureCard {
    anchor: String,
    heading: String,
    status: &'static str,
    note: String,
    causes: Vec<Cause>,
    /// Changed with none of its inputs moved.
    drawing_only: bool,
    wide: bool,
    baseline: Option<String>,
    candidate: Option<String>,
    diff: Option<String>,
}

#[derive(Serialize)]
struct NumberRow {
    key: String,
    old: String,
    new: String,
    absolute: String,
    relative: String,
}

fn status(passed: bool) -> &'static str {
    if passed { "pass" } else { "FAIL" }
}

fn context(review: &Review, header: &Header) -> PageContext {
    let t = &review.tolerances;
    let files = review
        .files
        .iter()
        .map(|f| FileRow {
            path: f.path.clone(),
            verdict: f.verdict.word(),
            status: status(f.passed),
            note: f.note.clone(),
        })
        .collect();
    let mut changed_figures = Vec::new();
    let mut unchanged_figures = Vec::new();
    for figure in &review.figures {
        let path = format!("{}/{}", FIGURES_DIR, figure.file_name);
        let Some(file) = review.file(&path) else {
            continue;
        };
        let name = figure_name(figure);
        let shown = figure
            .picture
            .as_ref()
            .is_some_and(|p| !matches!(p.look, Look::Compared(stats) if stats.changed == 0));
        if !shown {
            let how = if file.verdict == Verdict::Identical {
                "identical".to_string()
            } else {
                format!("changed, {}", file.note)
            };
            unchanged_figures.push(format!("{name}: {how}"));
            continue;
        }
        let images = figure
            .picture
            .as_ref()
            .map(|p| p.images.clone())
            .unwrap_or_default();
        changed_figures.push(FigureCard {
            anchor: format!("figure-{}", figure.file_name.trim_end_matches(".svg")),
            heading: name,
            status: status(file.passed),
            note: format!("{}: {}", file.verdict.word(), file.note),
            causes: figure.causes.clone(),
            drawing_only: figure.causes.is_empty() && file.verdict == Verdict::Changed,
            // Wider than a third of the page: one image a row, or it would be too small to read.
            wide: figure
                .picture
                .as_ref()
                .and_then(|p| p.size)
                .is_some_and(|(width, _)| width > WIDE),
            baseline: images.baseline,
            candidate: images.candidate,
            diff: images.diff,
        });
    }
    let numbers = review.numbers.as_ref();
    let numbers_note = match (numbers, review.file(RESULTS)) {
        (_, Some(f)) if f.verdict == Verdict::Identical => "results.json is identical.".into(),
        (Some(n), _) if n.changes.is_empty() => format!(
            "No value of results.json changed beyond the tolerance ({} within it).",
            counted(n.within, "number moved", "numbers moved")
        ),
        (Some(n), _) => format!(
            "{} beyond the tolerance, of {} compared ({} within it). Fits are matched by data \
             set and λ.",
            counted(n.changes.len(), "value changed", "values changed"),
            n.compared,
            counted(n.within, "number moved", "numbers moved")
        ),
        (None, Some(f)) => format!("results.json could not be compared: {}.", f.note),
        (None, None) => "results.json could not be compared.".into(),
    };
    // Numbers in a table of their own; texts (a fit's message) are long and read apart.
    let (numbers, texts): (Vec<NumberRow>, Vec<NumberRow>) = numbers
        .map(|n| n.changes.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|c| NumberRow {
            key: c.key.to_string(),
            old: c.old.to_string(),
            new: c.new.to_string(),
            absolute: c.absolute().map(sig2).unwrap_or_default(),
            relative: c.relative().map(sig2).unwrap_or_default(),
        })
        .partition(|row| !row.old.starts_with('"') && !row.new.starts_with('"'));
    let (text_note, hunks) = match (&review.page_text, review.file(PAGE)) {
        (_, Some(f)) if f.verdict == Verdict::Identical => {
            ("The page is identical.".into(), Vec::new())
        }
        (Some(text), _) if text.same() => (
            "The page's visible text is the same; only markup or inline figures differ.".into(),
            Vec::new(),
        ),
        (Some(text), _) => (
            format!(
                "The page's visible text (figures, styles and scripts left out): {} removed, \
                 {} added.",
                counted(text.removed, "line", "lines"),
                counted(text.added, "line", "lines")
            ),
            text.hunks
                .iter()
                .map(|hunk| HunkView {
                    header: hunk.header.clone(),
                    lines: hunk
                        .lines
                        .iter()
                        .map(|line| LineView {
                            class: match line.sign {
                                '-' => "del",
                                '+' => "ins",
                                _ => "ctx",
                            },
                            text: format!("{} {}", line.sign, line.text),
                        })
                        .collect(),
                })
                .collect(),
        ),
        (None, Some(f)) => (
            format!("The page could not be compared: {}.", f.note),
            Vec::new(),
        ),
        (None, None) => ("The page could not be compared.".into(), Vec::new()),
    };
    PageContext {
        version: env!("CARGO_PKG_VERSION"),
        verdict_class: if review.passed() { "pass" } else { "fail" },
        accepted: header.accepted,
        summary: summary(review),
        baseline: header.baseline.clone(),
        run: header.run.clone(),
        tolerances: format!(
            "figures drawn at scale {} and failing at RMS above {} or more than {} (YIQ \
             threshold {}, anti-aliasing not counted); numbers equal within a relative {}",
            SCALE,
            short(t.rms),
            counted(
                t.max_diff_pixels as usize,
                "real differing pixel",
                "real differing pixels"
            ),
            short(t.threshold),
            short(t.numbers)
        ),
        files,
        changed_figures,
        unchanged_figures,
        numbers_note,
        numbers,
        texts,
        text_note,
        hunks,
    }
}

/// "Figure 9. Separable data … (reg-vs-no.svg)".
fn figure_name(figure: &FigureReview) -> String {
    match (figure.number, figure.title) {
        (Some(number), Some(title)) => format!("Figure {number}. {title} ({})", figure.file_name),
        _ => figure.file_name.clone(),
    }
}

/// One line: how many files are identical, changed within the tolerances, and not passing.
pub fn summary(review: &Review) -> String {
    let total = review.files.len();
    let identical = review
        .files
        .iter()
        .filter(|f| f.verdict == Verdict::Identical)
        .count();
    let failed = review.files.iter().filter(|f| !f.passed).count();
    let within = total - identical - failed;
    let mut parts = Vec::new();
    if failed > 0 {
        parts.push(format!(
            "{failed} of {total} files changed beyond the tolerances (or are new, missing, \
             removed or unreadable)"
        ));
    }
    if within > 0 {
        parts.push(format!("{within} changed within them"));
    }
    parts.push(format!("{identical} identical"));
    let lead = if failed == 0 {
        format!(
            "Nothing changed beyond the tolerances in {}: ",
            counted(total, "file", "files")
        )
    } else {
        "Changes to review: ".into()
    };
    format!("{lead}{}", parts.join(", "))
}

fn render(context: &PageContext) -> Result<String, ReviewError> {
    let one_line = |e: tera::Error| {
        let text = format!("{e:#}");
        ReviewError::Template(text.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    let mut tera = tera::Tera::new();
    tera.add_raw_template(REVIEW_PAGE, TEMPLATE)
        .map_err(one_line)?;
    let context = tera::Context::from_serialize(context).map_err(one_line)?;
    tera.render(REVIEW_PAGE, &context).map_err(one_line)
}

fn leaf(value: &Leaf) -> Option<Value> {
    match value {
        Leaf::Integer(k) => Some(json!(k)),
        Leaf::Number(x) => Some(json!(x)),
        Leaf::Text(text) => Some(json!(text)),
        Leaf::Bool(b) => Some(json!(b)),
        Leaf::Null => Some(Value::Null),
        Leaf::Absent => None,
    }
}

/// `review.json` without its list of files.
fn record(review: &Review, header: &Header) -> Value {
    let t = &review.tolerances;
    let files: Vec<Value> = review
        .files
        .iter()
        .map(|f| json!({ "path": f.path, "verdict": f.verdict.word(), "passed": f.passed, "note": f.note }))
        .collect();
    let figures: Vec<Value> = review
        .figures
        .iter()
        .map(|figure| {
            let mut entry = json!({
                "file": figure.file_name,
                "number": figure.number,
                "title": figure.title,
                "causes": figure.causes,
            });
            match figure.picture.as_ref().map(|p| &p.look) {
                Some(Look::Compared(stats)) => {
                    entry["rms"] = json!(stats.rms);
                    entry["changed_pixels"] = json!(stats.changed);
                    entry["differing_pixels"] = json!(stats.differing);
                    entry["antialiased_pixels"] = json!(stats.antialiased);
                    entry["total_pixels"] = json!(stats.total);
                }
                Some(Look::SizeMismatch {
                    baseline,
                    candidate,
                }) => {
                    entry["baseline_size"] = json!([baseline.0, baseline.1]);
                    entry["candidate_size"] = json!([candidate.0, candidate.1]);
                }
                Some(Look::Unreadable(why)) => entry["unreadable"] = json!(why),
                Some(Look::OneSide) | None => {}
            }
            entry
        })
        .collect();
    let numbers = review.numbers.as_ref().map(|n| {
        let changes: Vec<Value> = n
            .changes
            .iter()
            .map(|c| {
                let mut change = json!({ "key": c.key.to_string(), "absolute": c.absolute(), "relative": c.relative() });
                if let Some(old) = leaf(&c.old) {
                    change["old"] = old;
                }
                if let Some(new) = leaf(&c.new) {
                    change["new"] = new;
                }
                change
            })
            .collect();
        json!({ "compared": n.compared, "within_tolerance": n.within, "changes": changes })
    });
    let page_text = review.page_text.as_ref().map(
        |text| json!({ "removed": text.removed, "added": text.added, "diff": text.unified() }),
    );
    json!({
        "tool": TOOL,
        "version": env!("CARGO_PKG_VERSION"),
        "passed": review.passed(),
        "accepted": header.accepted,
        "summary": summary(review),
        "baseline": header.baseline,
        "run": header.run,
        "tolerances": {
            "rms": t.rms,
            "threshold": t.threshold,
            "max_diff_pixels": t.max_diff_pixels,
            "numbers": t.numbers,
            "scale": SCALE,
        },
        "files": files,
        "figures": figures,
        "numbers": numbers,
        "page_text": page_text,
        "artifacts": {},
    })
}
