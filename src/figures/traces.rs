//! Charts of several lines on shared axes, either axis optionally in decades: figures 10
//! (distance to the optimum), 11 (‖w‖ along the fits) and 12 (the regularisation path).
//!
//! Values on a decade axis arrive as their base-10 logarithm; the ticks say 10ᵏ.

use std::fmt::Write;

use plotters::prelude::*;

use super::spec::{FigureError, FigureSpec};
use super::style::{FONT, SMALL_SIZE, TITLE_SIZE};
use super::svg::{Area, Frame, draw_title, drawing, escape, font, push_path, push_px, tick_label};

/// The lines' colours, in order (Okabe–Ito blue, vermillion, bluish green, reddish purple),
/// each also drawn with its own dash pattern so that colour is never the only difference.
pub(crate) const SERIES: [(&str, &str); 4] = [
    ("#0072B2", ""),
    ("#D55E00", "7 4"),
    ("#009E73", "2 3"),
    ("#CC79A7", "9 3 2 3"),
];

/// The size of the text written here (legends, marks), in pixels: 10.6 CSS pixels on a phone
/// in a panel of 480 units.
pub(crate) const TEXT_SIZE: u32 = 13;

/// Series of up to this many points get a marker at each.
const MARKED_POINTS: usize = 40;

/// One line: its label and its points, in data units (logarithms on a decade axis).
pub(crate) struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    /// Points drawn as open circles: values the study computed but did not certify.
    pub open: Vec<bool>,
}

/// What a panel of lines shows.
pub(crate) struct Lines<'a> {
    pub title: &'a str,
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub descs: (&'a str, &'a str),
    /// Which axes are in decades: (x, y).
    pub decades: (bool, bool),
    pub series: &'a [Series],
    /// Dashed vertical marks at these x, each with a short label at the top.
    pub marks: &'a [(f64, String)],
    /// A tick at this x labelled with this text instead of a number (λ = 0 on a decade axis).
    pub special_tick: Option<(f64, &'a str)>,
    /// Where the legend goes.
    pub legend: Corner,
}

/// A corner of the plot area.
#[derive(Clone, Copy)]
pub(crate) enum Corner {
    UpperRight,
    LowerLeft,
    LowerRight,
}

/// A tick label on a decade axis: 10ᵏ for whole k, nothing between (no tick is drawn there
/// by a round-number tick picker over whole decades).
fn decade(value: f64) -> String {
    let k = value.round();
    if (value - k).abs() > 1e-9 {
        return String::new();
    }
    let digits: String = format!("{}", k as i64)
        .chars()
        .map(|c| match c {
            '-' => '⁻',
            d => ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'][d as usize - '0' as usize],
        })
        .collect();
    format!("10{digits}")
}

/// A tick label: `special`'s text at its place, 10ᵏ on a decade axis, a number elsewhere.
fn tick(value: f64, decades: bool, special: Option<(f64, &str)>) -> String {
    match special {
        Some((at, text)) if (value - at).abs() < 1e-9 => text.to_string(),
        _ if decades => decade(value),
        _ => tick_label(value),
    }
}

/// Draws `lines` into `area` (title, axes, lines, marks, legend) and returns the elements
/// drawn beside plotters', and the frame.
pub(crate) fn draw_lines(
    area: &Area<'_>,
    spec: &FigureSpec,
    lines: &Lines<'_>,
) -> Result<(String, Frame), FigureError> {
    draw_title(area, spec, lines.title, TITLE_SIZE)?;
    let mut chart = ChartBuilder::on(area)
        .margin_top(super::svg::TITLE_BAND)
        .margin_right(16)
        .x_label_area_size(44)
        .y_label_area_size(62)
        .build_cartesian_2d(lines.x.0..lines.x.1, lines.y.0..lines.y.1)
        .map_err(drawing(spec.file_name))?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(8)
        .y_labels(7)
        .label_style(font(SMALL_SIZE))
        .axis_desc_style(font(super::style::AXIS_LABEL_SIZE))
        .x_label_formatter(&|v| tick(*v, lines.decades.0, lines.special_tick))
        .y_label_formatter(&|v| tick(*v, lines.decades.1, None))
        .x_desc(lines.descs.0)
        .y_desc(lines.descs.1)
        .draw()
        .map_err(drawing(spec.file_name))?;
    let frame = Frame::of(&chart);
    let mut out = String::new();
    for (x, text) in lines.marks {
        let (px, _) = frame.pixel(*x, lines.y.0);
        let _ = writeln!(
            out,
            "<g class=\"mark\"><line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#777\" \
             stroke-dasharray=\"3 3\"/><text x=\"{0}\" y=\"{3}\" dy=\"-4\" \
             transform=\"rotate(-90 {0} {3})\" font-family=\"{FONT}\" font-size=\"{TEXT_SIZE}\">{4}</text>\
             </g>",
            super::svg::px(px),
            super::svg::px(frame.top),
            super::svg::px(frame.bottom),
            super::svg::px(frame.bottom - 6.0),
            escape(text)
        );
    }
    for (k, series) in lines.series.iter().enumerate() {
        out.push_str(&line(&frame, series, SERIES[k % SERIES.len()]));
    }
    out.push_str(&frame.rect_element());
    out.push_str(&legend(&frame, lines.series, lines.legend));
    Ok((out, frame))
}

/// One series as a path through its points, with a small marker at each.
fn line(frame: &Frame, series: &Series, (colour, dash): (&str, &str)) -> String {
    let mut out = format!(
        "<g class=\"series\" data-label=\"{}\"><path fill=\"none\" stroke=\"{colour}\" \
         stroke-width=\"2\" stroke-linejoin=\"round\"{} d=\"",
        escape(&series.label),
        dash_attribute(dash)
    );
    let pixels = series.points.iter().map(|&(x, y)| frame.pixel(x, y));
    push_path(&mut out, pixels, "L");
    out.push_str("\"/>");
    // A long series is a line: markers on every point would only thicken it.
    if series.points.len() <= MARKED_POINTS {
        for (k, &(x, y)) in series.points.iter().enumerate() {
            let (x, y) = frame.pixel(x, y);
            let fill = match series.open.get(k) {
                Some(true) => "#fff",
                _ => colour,
            };
            out.push_str("<circle r=\"2.5\" cx=\"");
            push_px(&mut out, x);
            out.push_str("\" cy=\"");
            push_px(&mut out, y);
            let _ = write!(out, "\" fill=\"{fill}\" stroke=\"{colour}\"/>");
        }
    }
    out.push_str("</g>\n");
    out
}

/// ` stroke-dasharray="…"`, or nothing for a solid line.
fn dash_attribute(dash: &str) -> String {
    match dash {
        "" => String::new(),
        d => format!(" stroke-dasharray=\"{d}\""),
    }
}

/// A legend box: one row per series, its line and dash beside its label.
fn legend(frame: &Frame, series: &[Series], corner: Corner) -> String {
    const ROW: f64 = 18.0;
    let longest = series.iter().map(|s| s.label.chars().count()).max();
    // sans-serif at 13 px averages about 7 px a character.
    let width = 40.0 + 7.0 * longest.unwrap_or(0) as f64;
    let height = 8.0 + ROW * series.len() as f64;
    let (x, y) = match corner {
        Corner::UpperRight => (frame.right - width - 8.0, frame.top + 8.0),
        Corner::LowerLeft => (frame.left + 8.0, frame.bottom - height - 8.0),
        Corner::LowerRight => (frame.right - width - 8.0, frame.bottom - height - 8.0),
    };
    let mut out = format!(
        "<g class=\"series-legend\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" \
         fill=\"#fff\" fill-opacity=\"0.9\" stroke=\"#000\" stroke-opacity=\"0.3\"/>",
        super::svg::px(x),
        super::svg::px(y),
        super::svg::px(width),
        super::svg::px(height)
    );
    for (k, s) in series.iter().enumerate() {
        let (colour, dash) = SERIES[k % SERIES.len()];
        let row = y + 4.0 + ROW * (k as f64 + 0.5);
        let (x1, x2, y, tx, ty) = (
            super::svg::px(x + 6.0),
            super::svg::px(x + 30.0),
            super::svg::px(row),
            super::svg::px(x + 36.0),
            super::svg::px(row + 4.0),
        );
        let _ = write!(
            out,
            "<line x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" stroke=\"{colour}\" \
             stroke-width=\"2\"{}/><text x=\"{tx}\" y=\"{ty}\" font-family=\"{FONT}\" \
             font-size=\"{TEXT_SIZE}\">{}</text>",
            dash_attribute(dash),
            escape(&s.label)
        );
    }
    out.push_str("</g>\n");
    out
}
