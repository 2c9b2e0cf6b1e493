//! Labelled contour lines of σ(b + w1·x1 + w2·x2). The study gives each level's line in the
//! plane (straight, cut to the square shown); here it is mapped to pixels, labelled (see
//! `labels`), cut open under each label, and written as SVG elements (plotters turns
//! text only by multiples of 90°).

use std::fmt::Write;

use crate::study::Plane;

use super::geometry::{LevelLines, OrientedRect, Point};
use super::labels::{ContourLabel, level_text, place_labels};
use super::style::{CONTOUR_COLOUR, CONTOUR_LABEL_SIZE, CONTOUR_WIDTH, FONT};
use super::svg::{Frame, push_path, px};

/// Cuts every line where it passes under a label's box: the inline gap of `clabel`.
pub(crate) fn cut_gaps(levels: &[LevelLines], labels: &[ContourLabel]) -> Vec<LevelLines> {
    let rects: Vec<OrientedRect> = labels.iter().map(|l| l.rect().grown(0.5)).collect();
    levels
        .iter()
        .map(|level| LevelLines {
            level: level.level,
            lines: level
                .lines
                .iter()
                .flat_map(|line| cut_line(line, &rects))
                .collect(),
        })
        .collect()
}

/// The pieces of one line left where it does not pass under any of `rects`.
fn cut_line(line: &[Point], rects: &[OrientedRect]) -> Vec<Vec<Point>> {
    let mut pieces: Vec<Vec<Point>> = Vec::new();
    let mut current: Vec<Point> = Vec::new();
    for pair in line.windows(2) {
        let (p, q) = (pair[0], pair[1]);
        let mut hidden: Vec<(f64, f64)> =
            rects.iter().filter_map(|r| r.clip_segment(p, q)).collect();
        hidden.sort_by(|a, b| a.0.total_cmp(&b.0));
        let at = |t: f64| (p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1));
        let mut t = 0.0;
        for (h0, h1) in hidden {
            if h0 > t {
                if current.is_empty() {
                    current.push(at(t));
                }
                current.push(at(h0));
            }
            if current.len() >= 2 {
                pieces.push(std::mem::take(&mut current));
            }
            current.clear();
            t = t.max(h1);
        }
        if t < 1.0 {
            if current.is_empty() {
                current.push(at(t));
            }
            current.push(q);
        }
    }
    if current.len() >= 2 {
        pieces.push(current);
    }
    pieces
}

/// The lines as one `<path>` per level, and the labels as `<text>` elements turned along them.
pub(crate) fn svg_elements(levels: &[LevelLines], labels: &[ContourLabel]) -> String {
    let mut out = format!(
        "<g class=\"contours\" fill=\"none\" stroke=\"{CONTOUR_COLOUR}\" stroke-width=\"{CONTOUR_WIDTH}\" \
         stroke-linejoin=\"round\">\n"
    );
    for level in levels.iter().filter(|l| !l.lines.is_empty()) {
        let _ = write!(
            out,
            "<path class=\"contour-line\" data-level=\"{}\" d=\"",
            level_text(level.level)
        );
        for line in &level.lines {
            push_path(&mut out, line.iter().copied(), " ");
        }
        out.push_str("\"/>\n");
    }
    let _ = writeln!(
        out,
        "</g>\n<g class=\"contour-labels\" font-family=\"{FONT}\" \
         font-size=\"{CONTOUR_LABEL_SIZE}\" text-anchor=\"middle\">"
    );
    // Digits stand on the baseline; lowering it by half their height centres them on the line.
    let baseline = px(0.36 * f64::from(CONTOUR_LABEL_SIZE));
    for label in labels {
        let _ = writeln!(
            out,
            "<text class=\"contour-label\" data-level=\"{}\" transform=\"translate({} {}) rotate({})\" \
             y=\"{baseline}\">{}</text>",
            level_text(label.level),
            px(label.centre.0),
            px(label.centre.1),
            px(label.angle),
            label.text
        );
    }
    out.push_str("</g>\n");
    out
}

/// The labelled lines of `plane` in the plot area of `frame`, with labels kept clear of
/// `obstacles` (the pixels of the points to be drawn on top).
pub(crate) fn labelled_contours(frame: &Frame, plane: &Plane, obstacles: &[Point]) -> String {
    let levels: Vec<LevelLines> = plane
        .lines
        .iter()
        .map(|line| LevelLines {
            level: line.level,
            lines: vec![vec![
                frame.pixel(line.from.0, line.from.1),
                frame.pixel(line.to.0, line.to.1),
            ]],
        })
        .collect();
    let labels = place_labels(&levels, frame, obstacles);
    svg_elements(&cut_gaps(&levels, &labels), &labels)
}
