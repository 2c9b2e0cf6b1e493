//! Line charts: the 1-D sigmoid (figure 2), the optimiser demo (figure 5) and the loss along w1
//! around the fitted optimum (figure 6).

use crate::study::{Curve as CurveData, DEMO_X0};
use plotters::chart::SeriesLabelPosition;
use plotters::prelude::*;

use super::spec::{FigureError, FigureSpec};
use super::style::{CURVE_COLOUR, CURVE_RGB, SMALL_SIZE, TITLE_SIZE};
use super::svg::{
    Frame, TITLE_BAND, draw_axes, draw_title, drawing, finish_figure, font, number, push_path,
    with_canvas,
};
use crate::numbers::prose;

/// Size of a line chart.
const CURVE_SIZE: (u32, u32) = (480, 330);

/// What one line chart shows: a curve of the study's, named by (curve, x axis, y axis), its
/// marked point's label (none: the point is not drawn), and where the legend goes.
struct Curve<'a> {
    data: &'a CurveData,
    names: (&'a str, &'a str, &'a str),
    marker: Option<&'a str>,
    legend_at: SeriesLabelPosition,
}

/// The data range of the values with a 5 % margin each side (matplotlib's default look).
fn padded(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = crate::numbers::bounds(values);
    let margin = ((hi - lo) * 0.05).max(1e-9);
    (lo - margin, hi + margin)
}

/// Draws a line chart and returns the finished SVG.
fn line_chart(spec: &FigureSpec, curve: &Curve<'_>, desc: &str) -> Result<String, FigureError> {
    let points = &curve.data.points;
    let (curve_label, x_desc, y_desc) = curve.names;
    let marker = curve
        .marker
        .and_then(|label| Some((curve.data.marked?, label)));
    let x_range = padded(points.iter().map(|p| p.0));
    let y_range = padded(points.iter().map(|p| p.1).chain(marker.map(|m| m.0.1)));
    let colour = RGBColor(CURVE_RGB.0, CURVE_RGB.1, CURVE_RGB.2);
    let (plotters_svg, extra) = with_canvas(spec, CURVE_SIZE, |root| {
        draw_title(root, spec, spec.title, TITLE_SIZE)?;
        let mut chart = ChartBuilder::on(root)
            .margin_top(TITLE_BAND)
            .margin_right(16)
            .x_label_area_size(44)
            .y_label_area_size(56)
            .build_cartesian_2d(x_range.0..x_range.1, y_range.0..y_range.1)
            .map_err(drawing(spec.file_name))?;
        draw_axes(&mut chart, spec, 8, (x_desc, y_desc), SMALL_SIZE)?;
        // The curve itself is our own path (below): plotters would snap it to whole pixels and
        // draw a visibly jagged line. The empty series only carries the legend entry.
        chart
            .draw_series(std::iter::empty::<PathElement<(f64, f64)>>())
            .map_err(drawing(spec.file_name))?
            .label(curve_label)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        if let Some((at, label)) = marker {
            chart
                .draw_series(std::iter::once(Cross::new(at, 5, BLACK.stroke_width(2))))
                .map_err(drawing(spec.file_name))?
                .label(label)
                .legend(|(x, y)| Cross::new((x + 10, y), 4, BLACK.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .position(curve.legend_at.clone())
            .label_font(font(SMALL_SIZE))
            .background_style(WHITE.mix(0.9))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(drawing(spec.file_name))?;
        let frame = Frame::of(&chart);
        let mut extra = format!(
            "<path class=\"curve\" fill=\"none\" stroke=\"{CURVE_COLOUR}\" stroke-width=\"2\" \
             stroke-linejoin=\"round\" d=\""
        );
        let pixels = points.iter().map(|&(x, y)| frame.pixel(x, y));
        push_path(&mut extra, pixels, " ");
        extra.push_str("\"/>\n");
        extra.push_str(&frame.rect_element());
        Ok(extra)
    })?;
    Ok(finish_figure(spec, (&plotters_svg, &extra), desc))
}

/// Figure 2: σ(z) as the study sampled it.
pub(crate) fn sigmoid_curve(spec: &FigureSpec, data: &CurveData) -> Result<String, FigureError> {
    let curve = Curve {
        data,
        names: ("σ(z) = 1 / (1 + exp(−z))", "z", "σ(z)"),
        marker: None,
        legend_at: SeriesLabelPosition::UpperLeft,
    };
    let (lo, hi) = x_span(data);
    let desc = format!(
        "The logistic sigmoid σ(z) = 1 / (1 + e^(−z)) for z from {} to {}: an S-shaped curve \
         rising from near 0 through 0.5 at z = 0 to near 1.",
        prose(lo),
        prose(hi)
    );
    line_chart(spec, &curve, &desc)
}

/// The first and last x of a curve.
fn x_span(data: &CurveData) -> (f64, f64) {
    let x = |p: Option<&(f64, f64)>| p.map_or(0.0, |p| p.0);
    (x(data.points.first()), x(data.points.last()))
}

/// Figure 5: f(x) = x² − 2x with the minimum BFGS found.
pub(crate) fn optimizer(spec: &FigureSpec, data: &CurveData) -> Result<String, FigureError> {
    let (x_min, f_min) = data.marked.unwrap_or((f64::NAN, f64::NAN));
    let curve = Curve {
        data,
        names: ("f(x) = x² − 2x", "x", "f(x)"),
        marker: Some("minimum found by BFGS"),
        legend_at: SeriesLabelPosition::UpperRight,
    };
    let (lo, hi) = x_span(data);
    let desc = format!(
        "The parabola f(x) = x² − 2x for x from {} to {}, with a cross at the minimum that BFGS \
         found from x0 = {}: x = {x_min:.6}, f(x) = {f_min:.6}.",
        prose(lo),
        prose(hi),
        number(DEMO_X0),
    );
    line_chart(spec, &curve, &desc)
}

/// Figure 6: the loss E(w) of the fuzzy fit along w1 around the optimum, the bias and w2
/// (`w[0]`, `w[2]`) held at the optimum.
pub(crate) fn loss_over_w1(
    spec: &FigureSpec,
    data: &CurveData,
    w: [f64; 3],
    lambda: f64,
) -> Result<String, FigureError> {
    let (w1, best) = data.marked.unwrap_or((f64::NAN, f64::NAN));
    let curve = Curve {
        data,
        names: ("loss E(w)", "w1", "loss"),
        marker: Some("minimum"),
        legend_at: SeriesLabelPosition::UpperLeft,
    };
    let (lo, hi) = x_span(data);
    let desc = format!(
        "The regularised loss E(w) (λ = {}) of the fuzzy data as w1 runs from {lo:.4} to {hi:.4}, \
         with b = {:.4} and w2 = {:.4} held at the fitted optimum; a cross marks the optimum \
         w1 = {w1:.4}, E = {best:.4}.",
        number(lambda),
        w[0],
        w[2],
    );
    line_chart(spec, &curve, &desc)
}
