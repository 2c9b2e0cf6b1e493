//! Tests of the figures: they read each SVG back as XML and check what the report promises.

mod contours;
mod panels;
mod points;

use std::sync::OnceLock;

use crate::study::{Study, StudyConfig, run};
use roxmltree::{Document, Node};

use super::geometry::{OrientedRect, distance_to_segment, upright};
use super::labels::label_half_size;
use super::svg::{Frame, escape, finish, px, tick_label};
use super::*;

pub(super) fn study_with(seed: u64, n: usize) -> Study {
    run(&StudyConfig {
        seed,
        n,
        ..StudyConfig::default()
    })
    .expect("the default study runs")
}

pub(super) fn default_figures() -> &'static [Figure] {
    static FIGS: OnceLock<Vec<Figure>> = OnceLock::new();
    FIGS.get_or_init(|| render_all(&study_with(0, 100)).expect("figures render"))
}

pub(super) fn default_study() -> &'static Study {
    static STUDY: OnceLock<Study> = OnceLock::new();
    STUDY.get_or_init(|| study_with(0, 100))
}

pub(super) fn figure(id: FigureId) -> &'static Figure {
    &default_figures()[id as usize]
}

pub(super) fn has_class(node: &Node<'_, '_>, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|c| c == class))
}

pub(super) fn find_all<'a, 'i>(scope: Node<'a, 'i>, class: &str) -> Vec<Node<'a, 'i>> {
    scope
        .descendants()
        .filter(|n| n.is_element() && has_class(n, class))
        .collect()
}

/// The parts of a figure that each hold one plot: the panels of figure 9, else the document.
pub(super) fn scopes<'a, 'i>(doc: &'a Document<'i>) -> Vec<Node<'a, 'i>> {
    let panels = find_all(doc.root_element(), "panel");
    if panels.is_empty() {
        vec![doc.root_element()]
    } else {
        panels
    }
}

pub(super) fn parse_path(d: &str) -> Vec<Vec<(f64, f64)>> {
    d.split('M')
        .filter(|part| !part.trim().is_empty())
        .map(|part| {
            part.replace('L', " ")
                .split_whitespace()
                .map(|pair| {
                    let (x, y) = pair.split_once(',').expect("x,y pair");
                    (x.parse().expect("x"), y.parse().expect("y"))
                })
                .collect()
        })
        .collect()
}

pub(super) struct Label {
    level: f64,
    text: String,
    centre: (f64, f64),
    angle: f64,
}

pub(super) fn parse_label(node: &Node<'_, '_>) -> Label {
    let transform = node.attribute("transform").expect("transform");
    let numbers: Vec<f64> = transform
        .replace(['(', ')'], " ")
        .split_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    assert!(
        transform.starts_with("translate(") && transform.contains("rotate(") && numbers.len() == 3,
        "{transform}"
    );
    Label {
        level: node
            .attribute("data-level")
            .expect("level")
            .parse()
            .expect("number"),
        text: node.text().unwrap_or_default().to_string(),
        centre: (numbers[0], numbers[1]),
        angle: numbers[2],
    }
}

/// A level and its polylines, in pixels.
pub(super) type LevelPaths = (f64, Vec<Vec<(f64, f64)>>);

pub(super) fn contour_lines(scope: Node<'_, '_>) -> Vec<LevelPaths> {
    find_all(scope, "contour-line")
        .iter()
        .map(|n| {
            (
                n.attribute("data-level")
                    .expect("level")
                    .parse()
                    .expect("number"),
                parse_path(n.attribute("d").expect("d")),
            )
        })
        .collect()
}

pub(super) fn plot_area(scope: Node<'_, '_>) -> (f64, f64, f64, f64, String, String) {
    let rect = find_all(scope, "plot-area")
        .into_iter()
        .next()
        .expect("a plot area");
    let number = |name| {
        rect.attribute(name)
            .expect("attribute")
            .parse::<f64>()
            .expect("number")
    };
    (
        number("x"),
        number("y"),
        number("width"),
        number("height"),
        rect.attribute("data-x-range").expect("x range").to_string(),
        rect.attribute("data-y-range").expect("y range").to_string(),
    )
}

const CONTOUR_FIGURES: [FigureId; 4] = [
    FigureId::Sigmoid2d,
    FigureId::BadFit,
    FigureId::FittedWeights,
    FigureId::RegVsNo,
];

#[test]
fn the_table_names_nine_distinct_files_in_report_order() {
    let figures = default_figures();
    assert_eq!(figures.len(), FIGURES.len());
    for (k, (figure, spec)) in figures.iter().zip(&FIGURES).enumerate() {
        assert_eq!(spec.id as usize, k);
        assert_eq!(figure.id, spec.id);
        assert_eq!(figure.file_name, spec.file_name);
        assert!(spec.file_name.ends_with(".svg"));
    }
    let mut names: Vec<_> = FIGURES.iter().map(|s| s.file_name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), FIGURES.len());
}

#[test]
fn every_svg_parses_and_has_title_and_desc_first() {
    for figure in default_figures() {
        let doc =
            Document::parse(&figure.svg).unwrap_or_else(|e| panic!("{}: {e}", figure.file_name));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        let children: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        assert_eq!(
            children[0].tag_name().name(),
            "title",
            "{}",
            figure.file_name
        );
        assert_eq!(children[0].text(), Some(figure.title));
        assert_eq!(
            children[1].tag_name().name(),
            "desc",
            "{}",
            figure.file_name
        );
        assert!(children[1].text().is_some_and(|t| t.len() > 40));
    }
}

#[test]
fn sizes_stay_within_limits_at_the_default_n() {
    let mut total = 0;
    for figure in default_figures() {
        assert!(
            figure.svg.len() <= file_limit(figure),
            "{}: {} bytes",
            figure.file_name,
            figure.svg.len()
        );
        total += on_page(figure).iter().map(|svg| svg.len()).sum::<usize>();
    }
    // What the page inlines, within its budget of 300 KB with the text and style.
    assert!(total <= 240_000, "{total} bytes");
}

/// The most bytes a figure's file may take: 60 kB, or 8 kB a panel for a grid of many.
pub(super) fn file_limit(figure: &Figure) -> usize {
    let panels = figure.frames.as_ref().map_or(0, |f| f.layers.len());
    60_000.max(8_000 * panels)
}

/// The documents a page shows of a figure: its panels, its base and layers, or itself.
pub(super) fn on_page(figure: &Figure) -> Vec<&String> {
    match (&figure.panels, &figure.frames) {
        (Some(panels), _) => panels.svgs.iter().collect(),
        (None, Some(frames)) => std::iter::once(&frames.base)
            .chain(&frames.layers)
            .collect(),
        (None, None) => vec![&figure.svg],
    }
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let again = render_all(default_study()).expect("renders");
    assert_eq!(again.as_slice(), default_figures());
}

#[test]
fn another_seed_changes_the_data_figures_only() {
    let other = render_all(&study_with(1, 100)).expect("renders");
    for (a, b) in default_figures().iter().zip(&other) {
        let data_free = matches!(
            a.id,
            FigureId::Sigmoid | FigureId::Optimizer | FigureId::Sigmoid2d
        );
        assert_eq!(a.svg == b.svg, data_free, "{}", a.file_name);
    }
}

#[test]
fn element_ids_are_unique_across_all_figures() {
    // The report inlines every figure in one page, where ids share one namespace.
    let mut ids = Vec::new();
    for figure in default_figures() {
        let doc = Document::parse(&figure.svg).expect("parses");
        ids.extend(
            doc.descendants()
                .filter_map(|n| n.attribute("id").map(str::to_string)),
        );
    }
    let count = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), count);
}

#[test]
fn no_system_font_or_image_library_is_linked() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock"))
        .unwrap_or_default();
    for forbidden in [
        "font-kit",
        "yeslogic-fontconfig-sys",
        "servo-fontconfig",
        "freetype-sys",
        "expat-sys",
        "name = \"image\"",
    ] {
        assert!(!lock.contains(forbidden), "{forbidden} is in Cargo.lock");
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    // ldd is optional: where it is missing, the lock-file check above stands alone.
    if let Ok(out) = std::process::Command::new("ldd").arg(exe).output() {
        let text = String::from_utf8_lossy(&out.stdout);
        for library in ["fontconfig", "freetype", "libpng", "libexpat"] {
            assert!(!text.contains(library), "linked to {library}:\n{text}");
        }
    }
}

#[test]
fn small_helpers() {
    assert_eq!(upright(135.0), -45.0);
    assert_eq!(upright(-90.0), 90.0);
    assert_eq!(upright(90.0), 90.0);
    assert_eq!(upright(-135.0), 45.0);
    assert_eq!(tick_label(-4.0), "-4");
    assert_eq!(tick_label(-0.0), "0");
    assert_eq!(tick_label(2.5), "2.5");
    assert_eq!(px(-0.04), "0");
    assert_eq!(px(12.345), "12.3");
    assert_eq!(px(-3.96), "-4");
    assert_eq!(escape("a & <b>"), "a &amp; &lt;b&gt;");
    let doc = finish(
        "<svg a=\"1\">\n<g/>\n</svg>\n",
        "<x/>",
        "f",
        "T & U",
        "d <e>",
    );
    assert_eq!(
        doc,
        "<svg a=\"1\" role=\"img\" aria-labelledby=\"f-title f-desc\">\n\
         <title id=\"f-title\">T &amp; U</title>\n<desc id=\"f-desc\">d &lt;e&gt;</desc>\n\
         <g/>\n<x/></svg>\n"
    );
    let rect = OrientedRect::new((0.0, 0.0), 30.0, 10.0, 2.0);
    assert!(rect.clip_segment((-20.0, 0.0), (20.0, 0.0)).is_some());
    assert!(rect.clip_segment((-20.0, 8.0), (20.0, 8.0)).is_none());
    assert!(rect.overlaps(&OrientedRect::new((5.0, 3.0), 30.0, 10.0, 2.0)));
    assert!(!rect.overlaps(&OrientedRect::new((0.0, 30.0), -30.0, 10.0, 2.0)));
}

/// The width of the smallest screen the page is read on, and the smallest text it may show
/// there, in CSS pixels: a figure fills the phone's width, so its text is scaled by the
/// screen's width over the figure's.
const PHONE_WIDTH: f64 = 390.0;
const PHONE_MIN_TEXT: f64 = 9.0;

/// The smallest font size in an SVG document and the document's width.
fn smallest_text(svg: &str) -> (f64, f64) {
    let doc = Document::parse(svg).expect("parses");
    let width: f64 = doc
        .root_element()
        .attribute("width")
        .and_then(|w| w.parse().ok())
        .expect("a width");
    let smallest = doc
        .descendants()
        .filter_map(|n| n.attribute("font-size"))
        .filter_map(|s| s.parse::<f64>().ok())
        .fold(f64::INFINITY, f64::min);
    (smallest, width)
}

#[test]
fn no_figure_text_is_below_nine_pixels_on_a_phone() {
    for figure in default_figures() {
        // The page shows figure 9 panel by panel and figure 13 layer by layer: those are what
        // a phone draws.
        for svg in on_page(figure) {
            let (size, width) = smallest_text(svg);
            let on_phone = size * PHONE_WIDTH / width;
            assert!(
                on_phone >= PHONE_MIN_TEXT,
                "{}: text of {size} units in {width} is {on_phone:.2} px on a phone",
                figure.file_name
            );
        }
    }
}
