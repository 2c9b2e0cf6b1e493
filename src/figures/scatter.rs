//! Scatter plots of the two classes (figures 1 and 8), and the same points drawn over labelled
//! contours (figures 4 and 7, and the panels of figure 9).
//!
//! Points are written as our own elements, one `<use>` per point inside one `<g>` per class,
//! so that a reader (or a test) can count them and tell the classes apart by colour and shape.

use std::fmt::Write;

use crate::Dataset;
use crate::study::Study;

use super::contour;
use super::style::{
    CLASS_A_COLOUR, CLASS_B_COLOUR, FONT, MARKER_RADIUS, MAX_MARKERS_PER_FIGURE, NOTE_SIZE,
    PLANE_RANGE, SMALL_SIZE,
};
use super::svg::{
    FOOTER_BAND, Frame, LEGEND_BAND, PANEL_HEIGHT, PANEL_WIDTH, escape, finish, plane_panel,
    push_px, px, with_canvas,
};
use super::{FigureError, FigureSpec};

/// One of the two classes, as the report names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Class {
    /// The label in the data: 1 for class A, 0 for class B.
    pub label: u8,
    /// "class A" or "class B".
    pub name: &'static str,
    /// `a` or `b`: suffix of CSS classes and element ids.
    pub key: &'static str,
    /// Fill colour.
    pub colour: &'static str,
}

/// Class A (label 1) first, then class B (label 0), as in the legend.
pub(crate) const CLASSES: [Class; 2] = [
    Class {
        label: 1,
        name: "class A",
        key: "a",
        colour: CLASS_A_COLOUR,
    },
    Class {
        label: 0,
        name: "class B",
        key: "b",
        colour: CLASS_B_COLOUR,
    },
];

/// How many points of a class a figure drew, out of how many.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shown {
    /// The class.
    pub class: Class,
    /// Points drawn.
    pub drawn: usize,
    /// Points in the data.
    pub total: usize,
}

/// The rows of `data` with `label`, thinned to at most `cap` by taking evenly spaced rows: the
/// same data always gives the same subsample, and it keeps the class's spread (the rows are
/// already in random order, so striding does not favour a region).
pub(crate) fn subsample(data: &Dataset, label: u8, cap: usize) -> (Vec<usize>, usize) {
    let rows: Vec<usize> = (0..data.len())
        .filter(|&i| data.labels()[i] == label)
        .collect();
    let total = rows.len();
    if total <= cap {
        return (rows, total);
    }
    let picked = (0..cap).map(|k| rows[k * total / cap]).collect();
    (picked, total)
}

/// Appends one marker at pixel (x, y): a disc for class A, a square of the same area for
/// class B. Colours come from the enclosing group, so each point is one short element.
pub(crate) fn push_marker(out: &mut String, class: &Class, x: f64, y: f64) {
    if class.label == 1 {
        out.push_str("<circle cx=\"");
        push_px(out, x);
        out.push_str("\" cy=\"");
        push_px(out, y);
        out.push_str("\" r=\"");
        push_px(out, MARKER_RADIUS);
    } else {
        let side = MARKER_RADIUS * std::f64::consts::PI.sqrt();
        out.push_str("<path d=\"M");
        push_px(out, x - side / 2.0);
        out.push(' ');
        push_px(out, y - side / 2.0);
        let side = px(side);
        let _ = write!(out, "h{side}v{side}h-{side}z");
    }
    out.push_str("\"/>\n");
}

/// The attributes that colour a class's markers: its fill, and a thin white edge so that
/// overlapping points stay distinct.
fn marker_style(class: &Class) -> String {
    format!(
        "fill=\"{}\" stroke=\"#fff\" stroke-width=\"0.5\"",
        class.colour
    )
}

/// The points of both classes, clipped to the plot area (points outside the axes' range stay
/// in the document, hidden), at most `cap` per class; also returns where they were drawn.
pub(crate) fn points(
    data: &Dataset,
    frame: &Frame,
    clip_id: &str,
    cap: usize,
) -> (String, Vec<Shown>, Vec<(f64, f64)>) {
    let mut drawn_at = Vec::new();
    let mut out = String::with_capacity(64 * data.len().min(2 * cap));
    out.push_str(&format!("<defs>{}</defs>\n", frame.clip_path(clip_id)));
    let mut shown = Vec::with_capacity(2);
    for class in CLASSES {
        let (rows, total) = subsample(data, class.label, cap);
        let _ = writeln!(
            out,
            "<g class=\"points class-{}\" data-label=\"{}\" clip-path=\"url(#{clip_id})\" {}>",
            class.key,
            class.label,
            marker_style(&class)
        );
        for &i in &rows {
            let (x, y) = frame.pixel(data.x1()[i], data.x2()[i]);
            push_marker(&mut out, &class, x, y);
            drawn_at.push((x, y));
        }
        out.push_str("</g>\n");
        shown.push(Shown {
            class,
            drawn: rows.len(),
            total,
        });
    }
    (out, shown, drawn_at)
}

/// The class legend in the band above the plot area: marker, then "class A (label 1)".
pub(crate) fn legend(frame: &Frame) -> String {
    let y = frame.top - f64::from(LEGEND_BAND) / 2.0;
    let mut out =
        format!("<g class=\"legend\" font-family=\"{FONT}\" font-size=\"{SMALL_SIZE}\">\n");
    let mut x = frame.left + 6.0;
    for class in CLASSES {
        let _ = write!(out, "<g {}>", marker_style(&class));
        push_marker(&mut out, &class, x, y);
        let _ = writeln!(
            out,
            "</g><text x=\"{}\" y=\"{}\">{} (label {})</text>",
            px(x + 9.0),
            px(y + 0.36 * f64::from(SMALL_SIZE)),
            class.name,
            class.label
        );
        x += 150.0;
    }
    out.push_str("</g>\n");
    out
}

/// The note saying that a figure shows a subsample, or `None` when every point is drawn.
pub(crate) fn subsample_note(shown: &[Shown]) -> Option<String> {
    if shown.iter().all(|s| s.drawn == s.total) {
        return None;
    }
    let parts: Vec<String> = shown
        .iter()
        .enumerate()
        .map(|(k, s)| {
            // "points" once: the note must fit under one panel.
            let points = if k == 0 { " points" } else { "" };
            format!("{} of {}{points} of {}", s.drawn, s.total, s.class.name)
        })
        .collect();
    Some(format!("showing {} (evenly strided)", parts.join(", ")))
}

/// The note as a text element at the foot of a figure `height` pixels high, in a smaller
/// font than the rest so that it fits under a single panel.
pub(crate) fn footer(note: Option<&str>, height: u32) -> String {
    match note {
        None => String::new(),
        Some(note) => format!(
            "<text class=\"subsample-note\" x=\"6\" y=\"{}\" font-family=\"{FONT}\" \
             font-size=\"{NOTE_SIZE}\">{}</text>\n",
            height - 5,
            escape(note)
        ),
    }
}

/// A sentence for `<desc>` saying how many points of each class there are (and how many drawn).
pub(crate) fn describe_points(shown: &[Shown]) -> String {
    let parts: Vec<String> = shown
        .iter()
        .map(|s| {
            let of = if s.drawn == s.total {
                String::new()
            } else {
                format!(" ({} drawn)", s.drawn)
            };
            format!(
                "{} of {} (label {}, {}){of}",
                crate::numbers::counted(s.total, "point", "points"),
                s.class.name,
                s.class.label,
                if s.class.label == 1 {
                    "blue discs"
                } else {
                    "orange squares"
                }
            )
        })
        .collect();
    parts.join(" and ")
}

/// Equal data ranges on both axes around the data, with a small margin, so that a square plot
/// area shows the plane undistorted.
fn square_ranges(data: &Dataset) -> ((f64, f64), (f64, f64)) {
    let bounds = |values: &[f64]| {
        values
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(v), hi.max(v))
            })
    };
    let (x_lo, x_hi) = bounds(data.x1());
    let (y_lo, y_hi) = bounds(data.x2());
    let half = ((x_hi - x_lo).max(y_hi - y_lo) / 2.0 * 1.08).max(0.5);
    let (cx, cy) = ((x_lo + x_hi) / 2.0, (y_lo + y_hi) / 2.0);
    ((cx - half, cx + half), (cy - half, cy + half))
}

/// Figures 1 and 8: the two classes of a data set on square axes.
pub(crate) fn data_figure(
    spec: &FigureSpec,
    data: &Dataset,
    name: &str,
    study: &Study,
) -> Result<String, FigureError> {
    let (x_range, y_range) = square_ranges(data);
    let (plotters_svg, extra, shown) = points_panel(spec, data, x_range, y_range, None)?;
    let desc = format!(
        "Scatter plot of the {name} data set (seed {}, N = {}) on equal axes: {}.",
        study.config.seed,
        data.len(),
        describe_points(&shown)
    );
    Ok(finish(&plotters_svg, &extra, spec.title, &desc))
}

/// Figures 4 and 7: labelled contours of σ(b + w1·x1 + w2·x2) over [−5, 5]², with the data's
/// points drawn over them.
pub(crate) fn contour_figure(
    spec: &FigureSpec,
    data: &Dataset,
    w: [f64; 3],
    weights_name: &str,
) -> Result<String, FigureError> {
    let (plotters_svg, extra, shown) = points_panel(spec, data, PLANE_RANGE, PLANE_RANGE, Some(w))?;
    let desc = format!(
        "Contour lines of the model's probability of class A, σ(b + w1·x1 + w2·x2), at levels \
         0.125 to 0.875 for {weights_name}, w = [{}, {}, {}], over [−5, 5]², each line labelled \
         with its level; over them {}.",
        fmt_weight(w[0]),
        fmt_weight(w[1]),
        fmt_weight(w[2]),
        describe_points(&shown)
    );
    Ok(finish(&plotters_svg, &extra, spec.title, &desc))
}

/// One square panel with the data's points (over labelled contours of σ for `contours`, if
/// given), its legend and a subsample note: plotters' SVG, our own elements, and the points
/// shown per class.
fn points_panel(
    spec: &FigureSpec,
    data: &Dataset,
    x_range: (f64, f64),
    y_range: (f64, f64),
    contours: Option<[f64; 3]>,
) -> Result<(String, String, Vec<Shown>), FigureError> {
    let prefix = format!("fig-{}", spec.id.slug());
    let height = PANEL_HEIGHT + FOOTER_BAND;
    let mut shown = Vec::new();
    let (plotters_svg, extra) = with_canvas(spec, (PANEL_WIDTH, height), |root| {
        let (panel, _) = root.split_vertically(PANEL_HEIGHT);
        let (_chart, frame) = plane_panel(&panel, spec, spec.title, x_range, y_range)?;
        let (dots, counts, drawn_at) = points(
            data,
            &frame,
            &format!("{prefix}-clip"),
            MAX_MARKERS_PER_FIGURE / 2,
        );
        let mut extra = match contours {
            Some(w) => contour::labelled_contours(spec, &frame, w, &drawn_at)?,
            None => String::new(),
        };
        extra.push_str(&dots);
        extra.push_str(&frame.rect_element());
        extra.push_str(&legend(&frame));
        extra.push_str(&footer(subsample_note(&counts).as_deref(), height));
        shown = counts;
        Ok(extra)
    })?;
    Ok((plotters_svg, extra, shown))
}

/// A weight for a description: four decimals, as the report prints them.
pub(crate) fn fmt_weight(value: f64) -> String {
    format!("{value:.4}")
}
