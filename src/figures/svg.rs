//! SVG plumbing shared by the figures: the plotters canvas, the data-to-pixel frame, compact
//! number formatting, XML escaping, and the `<title>`/`<desc>` wrapper.

use std::fmt::Write;

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::spec::{FigureError, FigureSpec};
use super::style::{AXIS_LABEL_SIZE, FONT, PLOT_SIDE, TITLE_SIZE};

/// A plotters drawing area on the SVG backend.
pub(crate) type Area<'b> = DrawingArea<SVGBackend<'b>, Shift>;
/// A plotters chart with two linear f64 axes on the SVG backend.
pub(crate) type Chart<'a, 'b> =
    ChartContext<'a, SVGBackend<'b>, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Height of the band holding a panel's title.
pub(crate) const TITLE_BAND: u32 = 30;
/// Height of the band under the title holding the class legend (kept empty where there is none,
/// so that every plane figure has the same geometry).
pub(crate) const LEGEND_BAND: u32 = 22;
/// Width left of the plot area for tick labels and the y description.
pub(crate) const LEFT_BAND: u32 = 52;
/// Height under the plot area for tick labels and the x description.
pub(crate) const BOTTOM_BAND: u32 = 44;
/// Space right of the plot area.
pub(crate) const RIGHT_BAND: u32 = 16;
/// Height of the note line at the foot of the plane figures (subsampling notes).
pub(crate) const FOOTER_BAND: u32 = 18;
/// Width of one square plane panel.
pub(crate) const PANEL_WIDTH: u32 = LEFT_BAND + PLOT_SIDE + RIGHT_BAND;
/// Height of one square plane panel.
pub(crate) const PANEL_HEIGHT: u32 = TITLE_BAND + LEGEND_BAND + PLOT_SIDE + BOTTOM_BAND;

/// Maps plotters' errors to ours, naming the figure.
pub(crate) fn drawing(
    figure: &'static str,
) -> impl Fn(plotters::drawing::DrawingAreaErrorKind<std::io::Error>) -> FigureError {
    move |source| FigureError::Drawing { figure, source }
}

/// Runs `draw` on a white plotters canvas of `size` pixels, presents it, and returns plotters'
/// SVG together with what `draw` returned (the extra SVG elements to append on top, and
/// anything else it measured).
pub(crate) fn with_canvas<T>(
    spec: &FigureSpec,
    size: (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> Result<T, FigureError>,
) -> Result<(String, T), FigureError> {
    let mut svg = String::new();
    let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
    root.fill(&WHITE).map_err(drawing(spec.file_name))?;
    let extra = draw(&root)?;
    // The backend's drop would swallow this error; present() reports it.
    root.present().map_err(drawing(spec.file_name))?;
    drop(root);
    Ok((svg, extra))
}

/// Completes a document: `<title>` and `<desc>` right after the opening `<svg ...>` tag (where
/// assistive technology looks for them), the extra elements just before `</svg>`.
///
/// The two get the ids `{id}-title` and `{id}-desc`, and the root names them in
/// `aria-labelledby` with `role="img"`: screen readers then announce a figure as one image
/// with its title and description instead of walking its hundreds of elements. `id` must be
/// unique on any page the figure is inlined into (figures use `fig-` and their file name).
pub(crate) fn finish(plotters_svg: &str, extra: &str, id: &str, title: &str, desc: &str) -> String {
    let mut out = String::with_capacity(plotters_svg.len() + extra.len() + 256);
    // The index of the opening tag's '>', if there is an opening tag.
    let bracket = plotters_svg
        .find("<svg")
        .and_then(|start| plotters_svg[start..].find('>').map(|end| start + end));
    let close = plotters_svg.rfind("</svg>").unwrap_or(plotters_svg.len());
    if let Some(bracket) = bracket {
        out.push_str(&plotters_svg[..bracket]);
        let _ = write!(
            out,
            " role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">"
        );
    }
    let open_end = bracket.map_or(0, |bracket| bracket + 1);
    let _ = write!(
        out,
        "\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    );
    out.push_str(&plotters_svg[open_end..close]);
    out.push_str(extra);
    out.push_str(&plotters_svg[close..]);
    out
}

/// [`finish`] for a figure of the table: its ids prefixed and its title as the table gives.
pub(crate) fn finish_figure(
    spec: &FigureSpec,
    (plotters_svg, extra): (&str, &str),
    desc: &str,
) -> String {
    finish(plotters_svg, extra, &spec.id.prefix(), spec.title, desc)
}

pub(crate) use crate::markup::xml as escape;

/// A study parameter as people write it: `0`, `0.1`, `10`.
pub(crate) use crate::numbers::short as number;

/// A tick label: whole numbers without a decimal point (`-4`, not `-4.0`), others with as few
/// decimals as show the tick (plotters' ticks are round numbers).
pub(crate) fn tick_label(value: f64) -> String {
    for decimals in 0..4 {
        let scale = libm::pow(10.0, f64::from(decimals));
        if ((value * scale).round() - value * scale).abs() < 1e-6 {
            let text = format!("{:.*}", decimals as usize, value);
            // Never "-0".
            return if text.trim_start_matches(['-', '0', '.']).is_empty() {
                text.trim_start_matches('-').to_string()
            } else {
                text
            };
        }
    }
    format!("{value:.3}")
}

/// Appends a pixel coordinate rounded to a tenth of a pixel, without a trailing `.0` or a
/// negative zero: finer than any screen shows, and it keeps files small and deterministic.
pub(crate) fn push_px(out: &mut String, value: f64) {
    let tenths = (value * 10.0).round() as i64;
    if tenths < 0 {
        out.push('-');
    }
    let magnitude = tenths.unsigned_abs();
    let _ = write!(out, "{}", magnitude / 10);
    if !magnitude.is_multiple_of(10) {
        let _ = write!(out, ".{}", magnitude % 10);
    }
}

/// Appends the `d` of a path through `points` (pixels): `M`, `L`, then `joint` before each
/// further point (`" "` continues the `L`, `"L"` repeats it).
pub(crate) fn push_path(out: &mut String, points: impl Iterator<Item = (f64, f64)>, joint: &str) {
    for (k, (x, y)) in points.enumerate() {
        out.push_str(["M", "L", joint][k.min(2)]);
        push_px(out, x);
        out.push(',');
        push_px(out, y);
    }
}

/// A pixel coordinate as text (see [`push_px`]).
pub(crate) fn px(value: f64) -> String {
    let mut out = String::new();
    push_px(&mut out, value);
    out
}

/// Where a chart's plot area sits in pixels and which data ranges it shows: the linear map
/// between the two, in floating point, agreeing with plotters' integer mapping at the corners.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Frame {
    /// Pixel x of the left edge.
    pub left: f64,
    /// Pixel y of the top edge.
    pub top: f64,
    /// Pixel x of the right edge.
    pub right: f64,
    /// Pixel y of the bottom edge.
    pub bottom: f64,
    /// Data range along x.
    pub x: (f64, f64),
    /// Data range along y.
    pub y: (f64, f64),
}

impl Frame {
    /// The frame of a chart, read from plotters' own mapping of the range's corners.
    pub fn of(chart: &Chart<'_, '_>) -> Self {
        let (x, y) = (chart.x_range(), chart.y_range());
        let (left, top) = chart.backend_coord(&(x.start, y.end));
        let (right, bottom) = chart.backend_coord(&(x.end, y.start));
        Frame {
            left: f64::from(left),
            top: f64::from(top),
            right: f64::from(right),
            bottom: f64::from(bottom),
            x: (x.start, x.end),
            y: (y.start, y.end),
        }
    }

    /// Data coordinates to pixels.
    pub fn pixel(self, x: f64, y: f64) -> (f64, f64) {
        (
            self.left + (x - self.x.0) / (self.x.1 - self.x.0) * (self.right - self.left),
            self.bottom - (y - self.y.0) / (self.y.1 - self.y.0) * (self.bottom - self.top),
        )
    }

    /// The plot area as the `x`, `y`, `width` and `height` attributes of a rectangle.
    pub fn rect_attributes(&self) -> String {
        format!(
            "x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"",
            px(self.left),
            px(self.top),
            px(self.right - self.left),
            px(self.bottom - self.top)
        )
    }

    /// The frame as a rectangle element: drawn on top so the axes' box closes on all four
    /// sides, and marked with its data ranges so that tests can read them back.
    pub fn rect_element(&self) -> String {
        format!(
            "<rect class=\"plot-area\" {} fill=\"none\" stroke=\"#000\" data-x-range=\"{} {}\" \
             data-y-range=\"{} {}\"/>\n",
            self.rect_attributes(),
            number(self.x.0),
            number(self.x.1),
            number(self.y.0),
            number(self.y.1),
        )
    }

    /// A clip path of the plot area, so that points outside the axes' range are hidden but
    /// still present (and counted).
    pub fn clip_path(&self, id: &str) -> String {
        let rect = self.rect_attributes();
        format!("<clipPath id=\"{id}\"><rect {rect}/></clipPath>\n")
    }
}

/// A text style of the shared font.
pub(crate) fn font(size: u32) -> TextStyle<'static> {
    TextStyle::from((FONT, size)).color(&BLACK)
}

/// Draws a title centred at the top of `area`.
pub(crate) fn draw_title(
    area: &Area<'_>,
    spec: &FigureSpec,
    title: &str,
    size: u32,
) -> Result<(), FigureError> {
    let (width, _) = area.dim_in_pixel();
    let style = font(size).pos(Pos::new(HPos::Center, VPos::Top));
    area.draw(&Text::new(title.to_string(), (width as i32 / 2, 8), style))
        .map_err(drawing(spec.file_name))
}

/// A square plane panel: title band, legend band, square plot area with ticks (labels of
/// `tick_size` pixels: [`SMALL_SIZE`](super::style::SMALL_SIZE), larger for panels a page shows
/// smaller than the figures of one plane) and axis descriptions. Returns its frame.
pub(crate) fn plane_panel(
    area: &Area<'_>,
    spec: &FigureSpec,
    title: &str,
    (x_range, y_range): ((f64, f64), (f64, f64)),
    tick_size: u32,
) -> Result<Frame, FigureError> {
    draw_title(area, spec, title, TITLE_SIZE)?;
    let mut chart = ChartBuilder::on(area)
        .margin_top(TITLE_BAND + LEGEND_BAND)
        .margin_right(RIGHT_BAND)
        .x_label_area_size(BOTTOM_BAND)
        .y_label_area_size(LEFT_BAND)
        .build_cartesian_2d(x_range.0..x_range.1, y_range.0..y_range.1)
        .map_err(drawing(spec.file_name))?;
    draw_axes(&mut chart, spec, 6, ("x1", "x2"), tick_size)?;
    Ok(Frame::of(&chart))
}

/// Ticks (about `ticks` a side, round numbers), tick labels of `tick_size` pixels and axis
/// descriptions, no grid.
pub(crate) fn draw_axes(
    chart: &mut Chart<'_, '_>,
    spec: &FigureSpec,
    ticks: usize,
    (x_desc, y_desc): (&str, &str),
    tick_size: u32,
) -> Result<(), FigureError> {
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(ticks)
        .y_labels(ticks)
        .label_style(font(tick_size))
        .axis_desc_style(font(AXIS_LABEL_SIZE))
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|v| tick_label(*v))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .draw()
        .map_err(drawing(spec.file_name))
}
