//! Figure 3: σ(b + w1·x1 + w2·x2) over the plane as a smooth viridis colour map, with a colour
//! bar and the labelled contours on top.
//!
//! σ of a linear form is constant along lines perpendicular to (w1, w2), so the whole colour
//! map is one SVG `<linearGradient>` along that direction: exact at any zoom, a few kilobytes,
//! and no raster to embed. Its stops are placed at equal steps of σ (not of z), so that the
//! colour between two stops never changes by more than a small step of the colour map.

use std::fmt::Write;

use crate::study::{ColourRamp, PLANE_RANGE, Plane};
use plotters::chart::LabelAreaPosition;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;

use super::contour;
use super::spec::{FigureError, FigureSpec};
use super::style::{AXIS_LABEL_SIZE, SMALL_SIZE};
use super::svg::{
    BOTTOM_BAND, Frame, LEGEND_BAND, PANEL_HEIGHT, PANEL_WIDTH, TITLE_BAND, drawing, finish_figure,
    font, plane_panel, px, with_canvas,
};

/// Width of the strip right of the plot holding the colour bar and its ticks.
const COLOUR_BAR_BAND: u32 = 84;

/// viridis at `value` ∈ [0, 1] as `#rrggbb`.
pub(crate) fn viridis_hex(value: f64) -> String {
    let RGBColor(r, g, b) = ViridisRGB::get_color(value.clamp(0.0, 1.0));
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The plot area filled with viridis(σ(b + w1·x1 + w2·x2)), from the study's ramp of σ.
fn colour_map(frame: &Frame, w: [f64; 3], ramp: &ColourRamp, id: &str) -> String {
    let (defs, fill) = match ramp {
        // Nearly flat: one colour is exact to within a step of the map.
        ColourRamp::Flat(sigma) => (String::new(), viridis_hex(*sigma)),
        ColourRamp::Along { z, stops } => {
            // dz per pixel along x and y; the gradient runs along it, from z.0 to z.1.
            let gx = w[1] * (frame.x.1 - frame.x.0) / (frame.right - frame.left);
            let gy = -w[2] * (frame.y.1 - frame.y.0) / (frame.bottom - frame.top);
            let g2 = gx * gx + gy * gy;
            let centre = (
                (frame.left + frame.right) / 2.0,
                (frame.top + frame.bottom) / 2.0,
            );
            let z_at = |x: f64, y: f64| w[0] + w[1] * x + w[2] * y;
            let z_centre = z_at((frame.x.0 + frame.x.1) / 2.0, (frame.y.0 + frame.y.1) / 2.0);
            let end = |z: f64| {
                let t = (z - z_centre) / g2;
                (centre.0 + t * gx, centre.1 + t * gy)
            };
            let defs = gradient(id, end(z.0), end(z.1), stops.iter().copied());
            (defs, format!("url(#{id})"))
        }
    };
    let rect = frame.rect_attributes();
    format!("{defs}<rect class=\"colour-map\" {rect} fill=\"{fill}\"/>\n")
}

/// A linear gradient `id` in a `<defs>`, from `from` to `to` (in pixels), through `stops`
/// (offset, σ) coloured by viridis.
fn gradient(
    id: &str,
    from: (f64, f64),
    to: (f64, f64),
    stops: impl Iterator<Item = (f64, f64)>,
) -> String {
    let mut out = format!(
        "<defs><linearGradient id=\"{id}\" gradientUnits=\"userSpaceOnUse\" x1=\"{}\" y1=\"{}\" \
         x2=\"{}\" y2=\"{}\">\n",
        px(from.0),
        px(from.1),
        px(to.0),
        px(to.1)
    );
    for (offset, sigma) in stops {
        let colour = viridis_hex(sigma);
        let _ = writeln!(
            out,
            "<stop offset=\"{offset:.4}\" stop-color=\"{colour}\"/>"
        );
    }
    out.push_str("</linearGradient></defs>\n");
    out
}

/// The colour bar's fill: viridis from 0 at the bottom to 1 at the top.
fn colour_bar(frame: &Frame, id: &str) -> String {
    let stops = (0..=16).map(|k| (k as f64 / 16.0, k as f64 / 16.0));
    let defs = gradient(id, (0.0, frame.bottom), (0.0, frame.top), stops);
    let rect = frame.rect_attributes();
    format!("{defs}<rect class=\"colour-bar\" {rect} fill=\"url(#{id})\" stroke=\"#000\"/>\n")
}

/// Figure 3: the colour map, the colour bar and the labelled contours of σ for the weights of
/// `plane`.
pub(crate) fn sigmoid_plane(
    spec: &FigureSpec,
    plane: &Plane,
    ramp: &ColourRamp,
) -> Result<String, FigureError> {
    let w = plane.w;
    let prefix = spec.id.prefix();
    let size = (PANEL_WIDTH + COLOUR_BAR_BAND, PANEL_HEIGHT);
    let (plotters_svg, extra) = with_canvas(spec, size, |root| {
        let (main, bar_area) = root.split_horizontally(PANEL_WIDTH);
        let ranges = (PLANE_RANGE, PLANE_RANGE);
        let frame = plane_panel(&main, spec, spec.title, ranges, SMALL_SIZE)?;
        let mut bar = ChartBuilder::on(&bar_area)
            .margin_top(TITLE_BAND + LEGEND_BAND)
            .margin_bottom(BOTTOM_BAND)
            .margin_left(6)
            .margin_right(8)
            .set_label_area_size(LabelAreaPosition::Right, 50)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)
            .map_err(drawing(spec.file_name))?;
        bar.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_labels(5)
            .label_style(font(SMALL_SIZE))
            .axis_desc_style(font(AXIS_LABEL_SIZE))
            .y_label_formatter(&|v| format!("{v:.2}"))
            .y_desc("σ")
            .draw()
            .map_err(drawing(spec.file_name))?;
        let mut extra = colour_map(&frame, w, ramp, &format!("{prefix}-sigma"));
        extra.push_str(&colour_bar(&Frame::of(&bar), &format!("{prefix}-bar")));
        extra.push_str(&contour::labelled_contours(&frame, plane, &[]));
        extra.push_str(&frame.rect_element());
        Ok(extra)
    })?;
    let desc = format!(
        "The model's probability of class A, σ(b + w1·x1 + w2·x2) with w = [{}, {}, {}], over \
         [−5, 5]² as a viridis colour map (dark purple near 0, yellow near 1) with a colour bar, \
         and black contour lines at levels 0.125 to 0.875, each labelled with its level.",
        w[0], w[1], w[2]
    );
    Ok(finish_figure(spec, (&plotters_svg, &extra), &desc))
}
