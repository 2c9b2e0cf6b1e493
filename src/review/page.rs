//! The review's files: `review.html`, filled from a logic-free Tera template with strings
//! already formatted; the images at full size in `images/`; and `review.json` (see
//! `record`), which also marks the folder as a review folder of this tool
//! and lists what it wrote.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::json;

use super::error::ReviewError;
use super::findings::{FigureReview, FileReview, Review, Standing};
use super::inputs::Cause;
use super::pictures::{Look, Picture, Png, SCALE};
use super::record;
use super::sections::{NumberGroup, TextFile, code_spans, numbers, page_text};
use super::text::Hunk;
use super::verdict::{Accepted, Header, State, error_line, last_line, state};
use crate::numbers::{counted, short};
use crate::output::{Artifact, Body, Ledger, REVIEW, Verdict};
use crate::report::{FIGURES_DIR, PAGE, RESULTS};

/// The review page's file name.
pub const REVIEW_PAGE: &str = "review.html";
/// The folder of the review's images at full size.
pub const IMAGES_DIR: &str = "images";
/// The built-in review page template, compiled into the binary.
pub const TEMPLATE: &str = include_str!("../../templates/review.html");

/// Figures wider than this (in pixels) are shown one image a row.
const WIDE: u32 = 640;

/// The review folder's image files: path and PNG bytes.
type ImageFiles = Vec<Artifact>;

/// Where the page shows each file's evidence: its anchor and thumbnail, by path.
type Anchors = BTreeMap<String, (String, Option<ImageView>)>;

/// The files of a review folder: the page, the images at full size and, last, `review.json`
/// with every file's sha256.
pub fn artifacts(review: &Review, header: &Header) -> Result<Vec<Artifact>, ReviewError> {
    let mut images = Vec::new();
    let page = render(&context(review, header, &mut images))?;
    let mut files = vec![Artifact::bytes(REVIEW_PAGE, page.into_bytes())];
    files.extend(images);
    files.push(marker(record::record(review, header)));
    Ok(files)
}

/// The files of a review folder for a review that could not be made: a page and a
/// `review.json` that say so, so that no earlier verdict stays behind.
pub fn error_artifacts(message: &str, header: &Header) -> Result<Vec<Artifact>, ReviewError> {
    let page = render(&PageContext {
        version: env!("CARGO_PKG_VERSION"),
        state: State::Error,
        headline: "the review could not be made".into(),
        verdict_parts: code_spans(&error_line(message)),
        verdict_line: error_line(message),
        baseline: header.baseline.clone(),
        run: header.run.clone(),
        ..PageContext::default()
    })?;
    Ok(vec![
        Artifact::bytes(REVIEW_PAGE, page.into_bytes()),
        marker(record::error_record(message, header)),
    ])
}

/// `review.json`, made last, with the sha256 of every other file.
fn marker(record: serde_json::Value) -> Artifact {
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
    }
}

#[derive(Serialize, Default)]
struct PageContext {
    version: &'static str,
    /// Serialised in one word, the verdict's class on the page.
    state: State,
    /// Whether the page offers the accept command ([`State::acceptable`]).
    acceptable: bool,
    /// Whether anything was compared (not an error page).
    compared: bool,
    headline: String,
    verdict_line: String,
    /// The parameters the baseline was made with that this run does not share, one line each.
    parameters: Vec<String>,
    /// The verdict line in stretches, the commands in it (between backticks) marked.
    verdict_parts: Vec<super::text::Part>,
    accept_command: String,
    baseline: String,
    run: String,
    tolerances: String,
    changed_files: Vec<FileRow>,
    identical_files: Vec<String>,
    cards: Vec<Card>,
    look_same: Vec<String>,
    numbers_note: String,
    groups: Vec<NumberGroup>,
    text_note: String,
    page_hunks: Vec<Hunk>,
    text_files: Vec<TextFile>,
}

#[derive(Serialize)]
struct FileRow {
    path: String,
    verdict: &'static str,
    result: &'static str,
    note: String,
    /// The card of a figure or image, or the diff of a text file.
    anchor: Option<String>,
    thumbnail: Option<ImageView>,
}

#[derive(Serialize)]
struct ImageView {
    src: String,
    /// The same image as a file of the review folder, at full size.
    file: String,
    width: u32,
    height: u32,
}

#[derive(Serialize)]
struct Card {
    anchor: String,
    id: String,
    heading: String,
    result: &'static str,
    note: String,
    causes: Vec<Cause>,
    /// Changed with none of its inputs moved.
    drawing_only: bool,
    wide: bool,
    /// Both sides drawn at the same size: they can be laid one over the other.
    overlay: bool,
    baseline: Option<ImageView>,
    candidate: Option<ImageView>,
    diff: Option<ImageView>,
    /// The same, panel by panel, for narrow screens (figure 9); empty for one panel.
    panels: Vec<PanelView>,
}

#[derive(Serialize)]
struct PanelView {
    /// "panel 2 of 3".
    name: String,
    baseline: Option<ImageView>,
    candidate: Option<ImageView>,
    diff: Option<ImageView>,
}

fn result(passed: bool) -> &'static str {
    if passed { "pass" } else { "FAIL" }
}

/// Where the page shows a file's evidence: `numbers` for `results.json`, `page-text` for the
/// page, `file-figures-reg-vs-no` for `figures/reg-vs-no.svg`.
pub fn anchor(path: &str) -> String {
    match path {
        RESULTS => "numbers".into(),
        PAGE => "page-text".into(),
        _ => format!("file-{}", slug(path)),
    }
}

/// `figures/reg-vs-no.svg` → `figures-reg-vs-no`: a name for anchors and image files.
fn slug(path: &str) -> String {
    /// Image files are named `{slug}.panel-N.candidate.png`: a slug of at most this many
    /// characters keeps every name far within a file system's 255 bytes.
    const MOST: usize = 100;
    let stem = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
    let slug: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    if slug.len() <= MOST {
        return slug;
    }
    // A long name keeps its start and gets its hash: still one name per file.
    use sha2::Digest;
    let hash = sha2::Sha256::digest(path.as_bytes());
    let hex: String = hash.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{}-{hex}", &slug[..MOST - 13])
}

/// What the page shows, its images filed in `images`.
fn context(review: &Review, header: &Header, images: &mut ImageFiles) -> PageContext {
    let mut anchors = Anchors::new();
    let (cards, look_same) = cards(review, images, &mut anchors);
    let texts = review.texts.iter().map(|t| t.path.as_str());
    for path in texts.chain([RESULTS, PAGE]) {
        anchors.insert(path.into(), (anchor(path), None));
    }
    let (changed_files, identical_files) = files(review, &mut anchors);
    let (numbers_note, groups) = numbers(review);
    let (text_note, page_hunks) = page_text(review);
    let t = &review.tolerances;
    PageContext {
        version: env!("CARGO_PKG_VERSION"),
        state: state(review, header),
        acceptable: state(review, header).acceptable(),
        compared: true,
        headline: headline(review, header),
        verdict_parts: code_spans(&last_line(review, header)),
        parameters: super::verdict::parameter_lines(review, header),
        verdict_line: last_line(review, header),
        accept_command: header.accept_command.clone(),
        baseline: header.baseline.clone(),
        run: header.run.clone(),
        tolerances: format!(
            "figures drawn at scale {} and failing at RMS above {} or more than {} (YIQ \
             threshold {}, anti-aliasing not counted); numbers equal within a relative {}",
            SCALE,
            short(t.rms),
            counted(
                t.max_diff_pixels,
                "real differing pixel",
                "real differing pixels"
            ),
            short(t.threshold),
            short(t.numbers)
        ),
        changed_files,
        identical_files,
        cards,
        look_same,
        numbers_note,
        groups,
        text_note,
        page_hunks,
        text_files: text_files(review),
    }
}

/// A card for each figure and image that looks different, a line for each that looks the same.
fn cards(
    review: &Review,
    images: &mut ImageFiles,
    anchors: &mut Anchors,
) -> (Vec<Card>, Vec<String>) {
    let figures = review.figures.iter().map(|f| {
        let path = format!("{FIGURES_DIR}/{}", f.file_name);
        (path, Some(f), f.picture.as_ref())
    });
    let rasters = review
        .images
        .iter()
        .map(|i| (i.path.clone(), None, Some(&i.picture)));
    let mut cards = Vec::new();
    let mut look_same = Vec::new();
    for (path, figure, picture) in figures.chain(rasters) {
        let Some(file) = review.file(&path) else {
            continue;
        };
        let name = figure.map_or_else(|| path.clone(), figure_name);
        match picture.filter(|p| !matches!(p.look, Look::Compared(stats) if stats.changed == 0)) {
            Some(picture) => {
                let (card, thumbnail) = card(&path, name, figure, file, picture, images);
                anchors.insert(path, (card.anchor.clone(), thumbnail));
                cards.push(card);
            }
            None if file.verdict == Verdict::Identical => {
                look_same.push(format!("{name}: identical"))
            }
            None => look_same.push(format!("{name}: changed, {}", file.note)),
        }
    }
    (cards, look_same)
}

/// The card of a figure or image that looks different, and its thumbnail for the list of files.
fn card(
    path: &str,
    heading: String,
    figure: Option<&FigureReview>,
    file: &FileReview,
    picture: &Picture,
    images: &mut ImageFiles,
) -> (Card, Option<ImageView>) {
    let id = slug(path);
    let i = &picture.images;
    let thumbnail = view(images, &i.thumbnail, format!("{id}.thumbnail"));
    let causes: Vec<Cause> = figure.map(|f| f.causes.clone()).unwrap_or_default();
    let mut note = format!("{}: {}", file.verdict.word(), file.note);
    if picture.withheld {
        let most = super::pictures::MAX_IMAGE_BYTES >> 20;
        note += &format!(" (its images are not kept: a review keeps at most {most} MiB of images)");
    }
    let card = Card {
        drawing_only: figure.is_some() && causes.is_empty() && file.verdict == Verdict::Changed,
        causes,
        anchor: anchor(path),
        heading,
        result: result(file.passed),
        note,
        wide: picture.size.is_some_and(|(width, _)| width > WIDE),
        overlay: matches!(picture.look, Look::Compared(_)),
        baseline: view(images, &i.baseline, format!("{id}.baseline")),
        candidate: view(images, &i.candidate, format!("{id}.candidate")),
        diff: view(images, &i.diff, format!("{id}.diff")),
        panels: picture
            .panels
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let name = |side: &str| format!("{id}.panel-{}.{side}", k + 1);
                PanelView {
                    name: format!("panel {} of {}", k + 1, picture.panels.len()),
                    baseline: view(images, &p.baseline, name("baseline")),
                    candidate: view(images, &p.candidate, name("candidate")),
                    diff: view(images, &p.diff, name("diff")),
                }
            })
            .collect(),
        id,
    };
    (card, thumbnail)
}

/// An image of the page, shown inline and filed in `images` at full size as `name`.png.
fn view(images: &mut ImageFiles, png: &Option<Png>, name: String) -> Option<ImageView> {
    let png = png.as_ref()?;
    let file = format!("{IMAGES_DIR}/{name}.png");
    images.push(Artifact::bytes(file.clone(), png.bytes.clone()));
    Some(ImageView {
        src: crate::markup::data_uri("image/png", &png.bytes),
        file,
        width: png.size.0,
        height: png.size.1,
    })
}

/// The line diffs of the text files that are not identical, or why there is none.
fn text_files(review: &Review) -> Vec<TextFile> {
    review
        .texts
        .iter()
        .map(|t| TextFile {
            anchor: anchor(&t.path),
            path: t.path.clone(),
            note: match &t.diff {
                Some(diff) if diff.same() => "the same lines".into(),
                Some(diff) => format!(
                    "{} removed, {} added",
                    counted(diff.removed, "line", "lines"),
                    counted(diff.added, "line", "lines")
                ),
                None => t.note.clone(),
            },
            hunks: t.diff.as_ref().map(|d| d.hunks.clone()).unwrap_or_default(),
        })
        .collect()
}

/// The files that are not identical (failing ones first), each with the anchor of its
/// evidence; and the identical ones by name.
fn files(review: &Review, anchors: &mut Anchors) -> (Vec<FileRow>, Vec<String>) {
    let mut changed: Vec<FileRow> = Vec::new();
    let mut identical = Vec::new();
    for file in &review.files {
        if file.verdict == Verdict::Identical {
            identical.push(file.path.clone());
            continue;
        }
        let (anchor, thumbnail) = anchors.remove(&file.path).unzip();
        changed.push(FileRow {
            path: file.path.clone(),
            verdict: file.verdict.word(),
            result: result(file.passed),
            note: file.note.clone(),
            anchor,
            thumbnail: thumbnail.flatten(),
        });
    }
    // Stable: failing files first, each group in path order.
    changed.sort_by_key(|row| row.result == "pass");
    (changed, identical)
}

/// "3 files changed beyond the tolerances", for the page's title and heading.
pub fn headline(review: &Review, header: &Header) -> String {
    let total = review.files.len();
    match (header.accepted, review.standing()) {
        (_, Standing::Identical) => {
            format!("nothing changed in {}", counted(total, "file", "files"))
        }
        (true, _) => format!("accepted, {}", Accepted::of(review).counts()),
        (false, Standing::Within { differing }) => format!(
            "{} changed within the tolerances; the baseline is stale",
            counted(differing, "file", "files")
        ),
        (false, Standing::Beyond { failing, .. }) => format!(
            "{} changed beyond the tolerances",
            counted(failing, "file", "files")
        ),
    }
}

/// "Figure 9. Separable data … (reg-vs-no.svg)".
fn figure_name(figure: &FigureReview) -> String {
    match (figure.number, figure.title) {
        (Some(number), Some(title)) => format!("Figure {number}. {title} ({})", figure.file_name),
        _ => figure.file_name.clone(),
    }
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

/// What a review's folder and files say while it runs: that it did not finish. If it is
/// stopped (Ctrl-C), that is what stays, never the previous review's verdict.
pub const UNFINISHED: &str = "it was started and did not finish (it was stopped, or is still \
                              running)";

/// Marks the review folder `dir` as holding a review that did not finish: its `review.json`
/// keeps the list of the folder's files (so the folder stays the tool's) and loses the
/// previous verdict. Nothing happens where there is no review of this tool.
pub fn mark_unfinished(dir: &std::path::Path) -> std::io::Result<()> {
    // Opened with no link at any level of its resolved path, then used for everything.
    let folder = match crate::output::handle::Folder::open(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        folder => folder?,
    };
    let marker = std::ffi::OsStr::new(crate::output::REVIEW);
    let Some(bytes) = folder.read_limited(marker, crate::output::MAX_RESULTS_BYTES)? else {
        return Ok(());
    };
    let Ok(previous) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Ok(());
    };
    if previous["tool"] != crate::output::TOOL {
        return Ok(());
    }
    let record = json!({
        "tool": crate::output::TOOL,
        "version": env!("CARGO_PKG_VERSION"),
        "parameters": [],
        "state": State::Unfinished,
        "passed": false,
        "last_line": super::verdict::error_line(UNFINISHED),
        "files": [],
        "artifacts": previous["artifacts"],
    });
    let mut text = serde_json::to_vec_pretty(&record).map_err(std::io::Error::other)?;
    text.push(b'\n');
    // A marker that a power cut loses says no less than the file it replaced: not synced.
    folder.replace_file(marker, &text, false)
}
