//! Scatter plots of the two classes (figures 1 and 8), and the same points drawn over
//! labelled contours (figures 4 and 7).

use crate::data::Dataset;
use crate::numbers::bounds;
use crate::study::{PLANE_RANGE, Plane, Study};

use super::contour;
use super::markers::{Sample, describe_points, footer, legend, points, subsample_note};
use super::spec::{FigureError, FigureSpec};
use super::style::SMALL_SIZE;
use super::svg::{FOOTER_BAND, PANEL_HEIGHT, PANEL_WIDTH, finish_figure, plane_panel, with_canvas};

/// Equal data ranges on both axes around the data, with a small margin, so that a square plot
/// area shows the plane undistorted.
fn square_ranges(data: &Dataset) -> ((f64, f64), (f64, f64)) {
    let (x_lo, x_hi) = bounds(data.x1().iter().copied());
    let (y_lo, y_hi) = bounds(data.x2().iter().copied());
    let half = ((x_hi - x_lo).max(y_hi - y_lo) / 2.0 * 1.08).max(0.5);
    let (cx, cy) = ((x_lo + x_hi) / 2.0, (y_lo + y_hi) / 2.0);
    ((cx - half, cx + half), (cy - half, cy + half))
}

/// Figures 1 and 8: the two classes of a data set on square axes.
pub(crate) fn data_figure(
    spec: &FigureSpec,
    data: &Dataset,
    sample: &Sample,
    name: &str,
    study: &Study,
) -> Result<String, FigureError> {
    points_panel(spec, data, sample, square_ranges(data), None, |points| {
        format!(
            "Scatter plot of the {name} data set (seed {}, N = {}) on equal axes: {points}.",
            study.config.seed,
            data.len(),
        )
    })
}

/// Figures 4 and 7: labelled contours of σ(b + w1·x1 + w2·x2) over [−5, 5]², with the data's
/// points drawn over them.
pub(crate) fn contour_figure(
    spec: &FigureSpec,
    data: &Dataset,
    sample: &Sample,
    plane: &Plane,
    weights_name: &str,
) -> Result<String, FigureError> {
    let w = plane.w;
    let ranges = (PLANE_RANGE, PLANE_RANGE);
    points_panel(spec, data, sample, ranges, Some(plane), |points| {
        format!(
            "Contour lines of the model's probability of class A, σ(b + w1·x1 + w2·x2), at levels \
             0.125 to 0.875 for {weights_name}, w = [{:.4}, {:.4}, {:.4}], over [−5, 5]², each \
             line labelled with its level; over them {points}.",
            w[0], w[1], w[2],
        )
    })
}

/// One square panel with the data's points (over labelled contours of σ for `contours`, if
/// given), its legend and a subsample note: the finished figure, its description written by
/// `describe` around the sentence on the points shown (see [`describe_points`]).
fn points_panel(
    spec: &FigureSpec,
    data: &Dataset,
    sample: &Sample,
    ranges: ((f64, f64), (f64, f64)),
    contours: Option<&Plane>,
    describe: impl FnOnce(String) -> String,
) -> Result<String, FigureError> {
    let prefix = spec.id.prefix();
    let height = PANEL_HEIGHT + FOOTER_BAND;
    let (plotters_svg, (extra, shown)) = with_canvas(spec, (PANEL_WIDTH, height), |root| {
        let (panel, _) = root.split_vertically(PANEL_HEIGHT);
        let frame = plane_panel(&panel, spec, spec.title, ranges, SMALL_SIZE)?;
        let (dots, counts, drawn_at) = points(data, sample, &frame, &format!("{prefix}-clip"));
        let mut extra = contours.map_or_else(String::new, |plane| {
            contour::labelled_contours(&frame, plane, &drawn_at)
        });
        extra.push_str(&dots);
        extra.push_str(&frame.rect_element());
        extra.push_str(&legend(&frame));
        extra.push_str(&footer(subsample_note(&counts).as_deref(), height));
        Ok((extra, counts))
    })?;
    let desc = describe(describe_points(&shown));
    Ok(finish_figure(spec, (&plotters_svg, &extra), &desc))
}
