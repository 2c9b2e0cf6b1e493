//! Tests of the figures: they read each SVG back as XML and check what the report promises.

use std::sync::OnceLock;

use crate::study::{Study, StudyConfig, run};
use roxmltree::{Document, Node};

use super::geometry::{OrientedRect, distance_to_segment, upright};
use super::labels::label_half_size;
use super::svg::{Frame, escape, finish, px, tick_label};
use super::*;

fn study_with(seed: u64, n: usize) -> Study {
    run(&StudyConfig {
        seed,
        n,
        ..StudyConfig::default()
    })
    .expect("the default study runs")
}

fn default_figures() -> &'static [Figure] {
    static FIGS: OnceLock<Vec<Figure>> = OnceLock::new();
    FIGS.get_or_init(|| render_all(&study_with(0, 100)).expect("figures render"))
}

fn default_study() -> &'static Study {
    static STUDY: OnceLock<Study> = OnceLock::new();
    STUDY.get_or_init(|| study_with(0, 100))
}

fn figure(id: FigureId) -> &'static Figure {
    &default_figures()[id as usize]
}

fn has_class(node: &Node<'_, '_>, class: &str) -> bool {
    node.attribute("class")
        .is_some_and(|c| c.split_whitespace().any(|c| c == class))
}

fn find_all<'a, 'i>(scope: Node<'a, 'i>, class: &str) -> Vec<Node<'a, 'i>> {
    scope
        .descendants()
        .filter(|n| n.is_element() && has_class(n, class))
        .collect()
}

/// The parts of a figure that each hold one plot: the panels of figure 9, else the document.
fn scopes<'a, 'i>(doc: &'a Document<'i>) -> Vec<Node<'a, 'i>> {
    let panels = find_all(doc.root_element(), "panel");
    if panels.is_empty() {
        vec![doc.root_element()]
    } else {
        panels
    }
}

fn parse_path(d: &str) -> Vec<Vec<(f64, f64)>> {
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

struct Label {
    level: f64,
    text: String,
    centre: (f64, f64),
    angle: f64,
}

fn parse_label(node: &Node<'_, '_>) -> Label {
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
type LevelPaths = (f64, Vec<Vec<(f64, f64)>>);

fn contour_lines(scope: Node<'_, '_>) -> Vec<LevelPaths> {
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

fn plot_area(scope: Node<'_, '_>) -> (f64, f64, f64, f64, String, String) {
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
    assert_eq!(names.len(), 9);
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
            figure.svg.len() <= 60_000,
            "{}: {} bytes",
            figure.file_name,
            figure.svg.len()
        );
        total += figure.svg.len();
    }
    assert!(total <= 200_000, "{total} bytes");
}

#[test]
fn large_n_draws_a_stated_subsample_and_stays_small() {
    let study = study_with(5, 40_000);
    for figure in render_all(&study).expect("renders") {
        assert!(
            figure.svg.len() <= 60_000,
            "{}: {} bytes",
            figure.file_name,
            figure.svg.len()
        );
        let doc = Document::parse(&figure.svg).expect("parses");
        let groups = find_all(doc.root_element(), "points");
        if groups.is_empty() {
            continue;
        }
        let notes = find_all(doc.root_element(), "subsample-note");
        assert_eq!(notes.len(), 1, "{}", figure.file_name);
        let note = notes[0].text().unwrap_or_default();
        assert!(
            note.contains("of 20000 points of class A") && note.contains("class B"),
            "{note}"
        );
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
fn every_point_of_each_class_is_drawn_once() {
    let study = default_study();
    let cases = [
        (FigureId::Fuzzy, &study.fuzzy),
        (FigureId::BadFit, &study.fuzzy),
        (FigureId::FittedWeights, &study.fuzzy),
        (FigureId::LinSep, &study.separable),
        (FigureId::RegVsNo, &study.separable),
    ];
    for (id, data) in cases {
        let doc = Document::parse(&figure(id).svg).expect("parses");
        let a = data.count_class_a();
        let b = data.len() - a;
        let scopes = scopes(&doc);
        assert_eq!(scopes.len(), if id == FigureId::RegVsNo { 3 } else { 1 });
        for scope in scopes {
            for (class, expected) in [("class-a", a), ("class-b", b)] {
                let groups: Vec<_> = find_all(scope, class)
                    .into_iter()
                    .filter(|g| has_class(g, "points"))
                    .collect();
                assert_eq!(groups.len(), 1);
                let drawn = groups[0].children().filter(|n| n.is_element()).count();
                assert_eq!(drawn, expected, "{:?} {class}", id);
            }
        }
    }
}

#[test]
fn points_are_drawn_over_the_contours() {
    for id in [FigureId::BadFit, FigureId::FittedWeights, FigureId::RegVsNo] {
        let svg = &figure(id).svg;
        let lines = svg.find("class=\"contour-line\"").expect("lines");
        let dots = svg.find("class=\"points").expect("points");
        assert!(lines < dots, "{id:?}");
    }
}

#[test]
fn every_drawn_level_carries_a_label_naming_it() {
    for id in CONTOUR_FIGURES {
        let doc = Document::parse(&figure(id).svg).expect("parses");
        for scope in scopes(&doc) {
            let labels: Vec<Label> = find_all(scope, "contour-label")
                .iter()
                .map(parse_label)
                .collect();
            let lines = contour_lines(scope);
            assert!(!lines.is_empty(), "{id:?}");
            for (level, _) in lines {
                assert!(
                    labels
                        .iter()
                        .any(|l| l.level == level && l.text.parse::<f64>().ok() == Some(level)),
                    "{id:?}: level {level} has no label"
                );
            }
        }
    }
}

#[test]
fn labels_follow_their_line_read_upright_and_keep_apart() {
    for id in CONTOUR_FIGURES {
        let doc = Document::parse(&figure(id).svg).expect("parses");
        for scope in scopes(&doc) {
            let (x, y, width, height, _, _) = plot_area(scope);
            let lines = contour_lines(scope);
            let labels: Vec<Label> = find_all(scope, "contour-label")
                .iter()
                .map(parse_label)
                .collect();
            let rects: Vec<OrientedRect> = labels
                .iter()
                .map(|l| {
                    let (w, h) = label_half_size(&l.text);
                    OrientedRect::new(l.centre, l.angle, w, h)
                })
                .collect();
            for (label, rect) in labels.iter().zip(&rects) {
                assert!(
                    label.angle > -90.0 && label.angle <= 90.0,
                    "{}",
                    label.angle
                );
                for (cx, cy) in rect.corners() {
                    assert!(cx >= x && cx <= x + width && cy >= y && cy <= y + height);
                }
                // The direction of the nearest piece of the label's own line.
                let (_, direction) = lines
                    .iter()
                    .filter(|(level, _)| *level == label.level)
                    .flat_map(|(_, pieces)| pieces.iter())
                    .flat_map(|piece| piece.windows(2))
                    .map(|s| {
                        let d = distance_to_segment(label.centre, s[0], s[1]);
                        let angle = (s[1].1 - s[0].1).atan2(s[1].0 - s[0].0).to_degrees();
                        (d, angle)
                    })
                    .fold(
                        (f64::INFINITY, 0.0),
                        |best, c| if c.0 < best.0 { c } else { best },
                    );
                let mut difference = (upright(direction) - label.angle).abs();
                difference = difference.min(180.0 - difference);
                assert!(difference <= 10.0, "{id:?} {}: {difference}°", label.text);
            }
            for (i, a) in rects.iter().enumerate() {
                for b in &rects[i + 1..] {
                    assert!(!a.overlaps(b), "{id:?}: labels overlap");
                }
            }
        }
    }
}

#[test]
fn no_line_passes_under_a_label() {
    for id in CONTOUR_FIGURES {
        let doc = Document::parse(&figure(id).svg).expect("parses");
        for scope in scopes(&doc) {
            let lines = contour_lines(scope);
            for label in find_all(scope, "contour-label").iter().map(parse_label) {
                let (w, h) = label_half_size(&label.text);
                // Coordinates are written to a tenth of a pixel: allow for that rounding.
                let inner = OrientedRect::new(label.centre, label.angle, w - 0.3, h - 0.3);
                for (level, pieces) in &lines {
                    for segment in pieces.iter().flat_map(|p| p.windows(2)) {
                        assert!(
                            inner.clip_segment(segment[0], segment[1]).is_none(),
                            "{id:?}: a line of level {level} crosses label {}",
                            label.text
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn the_panels_of_figure_9_share_their_axes() {
    let doc = Document::parse(&figure(FigureId::RegVsNo).svg).expect("parses");
    let areas: Vec<_> = scopes(&doc).into_iter().map(plot_area).collect();
    assert_eq!(areas.len(), default_study().separable_fits.len());
    for area in &areas {
        assert_eq!((area.2, area.3), (areas[0].2, areas[0].3));
        assert_eq!(area.4, "-5 5");
        assert_eq!(area.5, "-5 5");
    }
    let titles: Vec<_> = default_study()
        .separable_fits
        .iter()
        .map(|f| format!("λ = {}", f.lambda))
        .collect();
    for title in titles {
        assert!(figure(FigureId::RegVsNo).svg.contains(&title), "{title}");
    }
}

#[test]
fn scatter_axes_are_square() {
    for id in [FigureId::Fuzzy, FigureId::LinSep, FigureId::BadFit] {
        let doc = Document::parse(&figure(id).svg).expect("parses");
        let (_, _, width, height, xr, yr) = plot_area(doc.root_element());
        assert!((width - height).abs() <= 1.0, "{id:?}: {width} × {height}");
        let span = |r: &str| {
            let v: Vec<f64> = r.split(' ').map(|t| t.parse().expect("number")).collect();
            v[1] - v[0]
        };
        assert!((span(&xr) - span(&yr)).abs() < 1e-9, "{id:?}");
    }
}

#[test]
fn the_legend_names_class_and_label_in_two_colours() {
    let svg = &figure(FigureId::Fuzzy).svg;
    assert!(svg.contains("class A (label 1)"));
    assert!(svg.contains("class B (label 0)"));
    assert!(svg.contains(style::CLASS_A_COLOUR) && svg.contains(style::CLASS_B_COLOUR));
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
fn contour_lines_are_drawn_where_the_study_put_them() {
    let frame = Frame {
        left: 0.0,
        top: 0.0,
        right: 1000.0,
        bottom: 1000.0,
        x: (-5.0, 5.0),
        y: (-5.0, 5.0),
    };
    let w = [0.5, 1.0, -0.7];
    let plane = crate::study::views::plane(w);
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\">{}</svg>",
        super::contour::labelled_contours(&frame, &plane, &[])
    );
    let doc = Document::parse(&svg).expect("well-formed");
    let lines = contour_lines(doc.root_element());
    assert_eq!(lines.len(), plane.lines.len());
    for (level, pieces) in lines {
        let logit = (level / (1.0 - level)).ln();
        for piece in &pieces {
            for &(px, py) in piece {
                let (x, y) = (-5.0 + px / 100.0, 5.0 - py / 100.0);
                let z = w[0] + w[1] * x + w[2] * y;
                // Pixels are written to 0.1 px: 0.001 in the plane.
                assert!((z - logit).abs() < 0.01, "level {level}: z {z}");
            }
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
    let doc = finish("<svg a=\"1\">\n<g/>\n</svg>\n", "<x/>", "T & U", "d <e>");
    assert_eq!(
        doc,
        "<svg a=\"1\">\n<title>T &amp; U</title>\n<desc>d &lt;e&gt;</desc>\n<g/>\n<x/></svg>\n"
    );
    let rect = OrientedRect::new((0.0, 0.0), 30.0, 10.0, 2.0);
    assert!(rect.clip_segment((-20.0, 0.0), (20.0, 0.0)).is_some());
    assert!(rect.clip_segment((-20.0, 8.0), (20.0, 8.0)).is_none());
    assert!(rect.overlaps(&OrientedRect::new((5.0, 3.0), 30.0, 10.0, 2.0)));
    assert!(!rect.overlaps(&OrientedRect::new((0.0, 30.0), -30.0, 10.0, 2.0)));
}
