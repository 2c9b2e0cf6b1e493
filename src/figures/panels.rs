//! Figure 9: the separable fits side by side, one panel per λ in the study's order, on
//! identical axes [−5, 5]², each with its labelled contours and the separable data.
//!
//! The figure is drawn twice from the same panel code: whole, as the one file
//! `figures/reg-vs-no.svg`, and panel by panel, so that a page can lay the panels out in a
//! grid that wraps on narrow screens instead of shrinking one wide image.

use rayon::prelude::*;

use crate::data::Dataset;
use crate::study::{LogisticFit, PLANE_RANGE, Plane, Study};

use super::contour::labelled_contours;
use super::markers::{Sample, Shown, describe_points, footer, legend, points, subsample_note};
use super::spec::{FigureError, FigureId, FigureSpec, Frames, Panels};
use super::style::{AXIS_LABEL_SIZE, MAX_MARKERS_PER_FIGURE, TITLE_SIZE};
use super::svg::{
    Area, FOOTER_BAND, PANEL_HEIGHT, PANEL_WIDTH, TITLE_BAND, draw_title, finish, finish_figure,
    number, plane_panel, with_canvas,
};

/// Tick labels of the panels, larger than in the figures of one plane (plotters writes a
/// size of `s` as `s / 1.24` pixels): a page shows three panels side by side in a
/// 1280-pixel-wide window at about 0.93 of their size, where the usual size would come out
/// under 10 CSS pixels. The panels keep the usual plot area, which the labels of seven
/// nearly coincident contour lines (λ = 0) need.
const TICK_SIZE: u32 = AXIS_LABEL_SIZE;

/// A panel's title: names λ, and says when there is no regularisation at all.
fn panel_title(lambda: f64) -> String {
    if lambda == 0.0 {
        "λ = 0 (no regularisation)".to_string()
    } else {
        format!("λ = {}", crate::numbers::label(lambda))
    }
}

/// A fit's weights as the descriptions give them.
fn weights(fit: &LogisticFit) -> String {
    let x = &fit.result.x;
    format!(
        "λ = {}: w = [{:.4}, {:.4}, {:.4}], ‖w‖ = {:.4}",
        number(fit.lambda),
        x[0],
        x[1],
        x[2],
        fit.weight_norm
    )
}

/// Every panel's weights as the descriptions give them, in order.
fn all_weights(panels: &[(&LogisticFit, &Plane)]) -> String {
    let each: Vec<String> = panels.iter().map(|(fit, _)| weights(fit)).collect();
    each.join("; ")
}

/// What every panel shows, after its points.
const CONTOURS: &str = "black contour lines of σ(b + w1·x1 + w2·x2) at levels 0.125 to \
                        0.875, each labelled with its level";

/// Figure 9 whole, and the same panels one by one.
pub(crate) fn reg_vs_no(
    spec: &FigureSpec,
    study: &Study,
    sample: &Sample,
) -> Result<(String, Panels), FigureError> {
    let fits = &study.separable_fits;
    if fits.is_empty() {
        return Err(FigureError::NoSeparableFits {
            figure: spec.file_name,
        });
    }
    let panels: Vec<(&LogisticFit, &Plane)> = fits.iter().zip(&study.views.separable).collect();
    // The marker budget is shared by all panels so the file stays the same size at any N.
    let sample = sample.thinned(MAX_MARKERS_PER_FIGURE / (2 * fits.len()));
    let (plotters_svg, (extra, shown)) =
        panel_grid(spec, study, &sample, &panels, panels.len(), None)?;
    let desc = format!(
        "{} side by side on identical axes [−5, 5]², one per fit of the separable data: \
         {}. Each shows {CONTOURS}, and {}; the larger λ, the wider apart the lines.",
        crate::numbers::counted(panels.len(), "panel", "panels"),
        all_weights(&panels),
        describe_points(&shown)
    );
    let whole = finish_figure(spec, (&plotters_svg, &extra), &desc);
    let svgs = panels
        .iter()
        .enumerate()
        .map(|(k, (fit, plane))| one_panel(spec, study, &sample, fit, plane, (k, panels.len())))
        .collect::<Result<_, _>>()?;
    let note = subsample_note(&shown);
    Ok((whole, Panels { svgs, note }))
}

/// The size of a grid of `count` panels, `columns` a row, under a title with a footer.
fn grid_size(count: usize, columns: usize) -> (u32, u32) {
    let rows = count.div_ceil(columns).max(1) as u32;
    (
        PANEL_WIDTH * columns as u32,
        TITLE_BAND + PANEL_HEIGHT * rows + FOOTER_BAND,
    )
}

/// Draws `panels` in a grid of `columns`, under the figure's title, with the subsample note
/// at its foot: plotters' SVG, the elements drawn beside it, and the points shown per class.
/// Contour lines come from `placed` where given, else each panel places its own.
fn panel_grid(
    spec: &FigureSpec,
    study: &Study,
    sample: &Sample,
    panels: &[(&LogisticFit, &Plane)],
    columns: usize,
    placed: Option<&Placed>,
) -> Result<(String, (String, Vec<Shown>)), FigureError> {
    let (width, height) = grid_size(panels.len(), columns);
    let rows = panels.len().div_ceil(columns).max(1);
    with_canvas(spec, (width, height), |root| {
        draw_title(root, spec, spec.title, TITLE_SIZE)?;
        let (_, below_title) = root.split_vertically(TITLE_BAND);
        let (grid, _) = below_title.split_vertically(PANEL_HEIGHT * rows as u32);
        let areas = grid.split_evenly((rows, columns));
        let framed = areas
            .iter()
            .zip(panels)
            .enumerate()
            .map(|(k, (area, (fit, _)))| {
                let clip = format!("{}-clip-{k}", spec.id.prefix());
                draw_panel_frame(area, spec, &study.separable, sample, fit, &clip)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let elements: Vec<String> = match placed {
            Some(placed) => framed
                .iter()
                .zip(&placed.contours)
                .map(|(drawn, lines)| drawn.finish_placed(lines, placed.frame))
                .collect(),
            None => framed
                .par_iter()
                .zip(panels)
                .map(|(drawn, (_, plane))| drawn.finish(plane))
                .collect(),
        };
        let mut extra = elements.concat();
        let shown = framed.first().map(|f| f.counts.clone()).unwrap_or_default();
        extra.push_str(&footer(subsample_note(&shown).as_deref(), height));
        Ok((extra, shown))
    })
}

/// Panels a row of figure 13's file.
const FRAME_COLUMNS: usize = 6;
/// Figure 13's file is drawn at this share of its panels' size (its viewBox keeps their
/// units): 26 panels at full size would be six megapixels, beyond what a review rasterises.
const FRAME_SCALE: (u32, u32) = (3, 4);

/// Figure 13: every fit of the regularisation path, as a grid of panels in the file and, for
/// the page, the data drawn once with one layer of contour lines per fit.
pub(crate) fn path_frames(
    spec: &FigureSpec,
    study: &Study,
    sample: &Sample,
) -> Result<(String, Frames), FigureError> {
    let panels: Vec<(&LogisticFit, &Plane)> = study.path.iter().zip(&study.views.path).collect();
    let thinned = sample.thinned(MAX_MARKERS_PER_FIGURE / (2 * panels.len().max(1)));
    // The labels are placed once, on the page's base (clear of all its points), and moved
    // into each panel of the file's grid.
    let (layers, placed) = layers(spec, study, sample, &panels)?;
    let (plotters_svg, (extra, shown)) =
        panel_grid(spec, study, &thinned, &panels, FRAME_COLUMNS, Some(&placed))?;
    let desc = format!(
        "{} in a grid, one per fit of the regularisation path on the separable data, in \
         increasing λ: {}. Each shows {CONTOURS}, and {}.",
        crate::numbers::counted(panels.len(), "panel", "panels"),
        all_weights(&panels),
        describe_points(&shown)
    );
    // The root's first width and height are the canvas's: drawn smaller, the same units.
    let (width, height) = grid_size(panels.len(), FRAME_COLUMNS);
    let shown_size = |side: u32| side * FRAME_SCALE.0 / FRAME_SCALE.1;
    let plotters_svg = plotters_svg.replacen(
        &format!("width=\"{width}\" height=\"{height}\""),
        &format!(
            "width=\"{}\" height=\"{}\"",
            shown_size(width),
            shown_size(height)
        ),
        1,
    );
    Ok((finish_figure(spec, (&plotters_svg, &extra), &desc), layers))
}

/// The page's form of figure 13: the data once, and each fit's contour lines as a
/// transparent layer of the same size to lay over it.
/// Also returns each fit's contour lines as placed on the base, and the base's plot area, for
/// the file's grid to reuse.
fn layers(
    spec: &FigureSpec,
    study: &Study,
    sample: &Sample,
    panels: &[(&LogisticFit, &Plane)],
) -> Result<(Frames, Placed), FigureError> {
    let id = format!("{}-base", spec.id.prefix());
    let title = "The separable data and the fit at the chosen λ";
    let (plotters_svg, (extra, shown, drawn_at, frame)) =
        with_canvas(spec, (PANEL_WIDTH, PANEL_HEIGHT), |root| {
            let frame = plane_panel(root, spec, title, (PLANE_RANGE, PLANE_RANGE), TICK_SIZE)?;
            let (mut out, counts, at) =
                points(&study.separable, sample, &frame, &format!("{id}-clip"));
            out.push_str(&frame.rect_element());
            out.push_str(&legend(&frame));
            Ok((out, counts, at, frame))
        })?;
    let desc = format!(
        "The separable data on axes [−5, 5]²: {}. Over it the page lays the contour lines of \
         the fit at the λ chosen below.",
        describe_points(&shown)
    );
    let base = finish(&plotters_svg, &extra, &id, title, &desc);
    let contours: Vec<String> = panels
        .par_iter()
        .map(|(_, plane)| labelled_contours(&frame, plane, &drawn_at))
        .collect();
    let layers = contours
        .iter()
        .map(|lines| {
            format!(
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{PANEL_WIDTH}\" \
                 height=\"{PANEL_HEIGHT}\" viewBox=\"0 0 {PANEL_WIDTH} {PANEL_HEIGHT}\" \
                 aria-hidden=\"true\" focusable=\"false\">\n{lines}</svg>\n"
            )
        })
        .collect();
    Ok((Frames { base, layers }, Placed { contours, frame }))
}

/// Contour lines already placed (their labels clear of every point of the data set) in a
/// panel whose plot area is `frame`, one per panel, to be moved to another panel's place.
struct Placed {
    contours: Vec<String>,
    frame: super::svg::Frame,
}

/// Panel `k` of `count` as a document of its own, with ids of its own.
fn one_panel(
    spec: &FigureSpec,
    study: &Study,
    sample: &Sample,
    fit: &LogisticFit,
    plane: &Plane,
    (k, count): (usize, usize),
) -> Result<String, FigureError> {
    let id = format!("{}-panel-{}", spec.id.prefix(), k + 1);
    let (plotters_svg, (extra, shown)) = with_canvas(spec, (PANEL_WIDTH, PANEL_HEIGHT), |root| {
        let clip = format!("{id}-clip");
        let drawn = draw_panel_frame(root, spec, &study.separable, sample, fit, &clip)?;
        Ok((drawn.finish(plane), drawn.counts))
    })?;
    let title = format!("{}: {}", spec.title, panel_title(fit.lambda));
    let desc = format!(
        "Panel {} of {count}, on axes [−5, 5]² shared by all panels, of the fit of the \
         separable data with {}. It shows {CONTOURS}, and {}.",
        k + 1,
        weights(fit),
        describe_points(&shown)
    );
    Ok(finish(&plotters_svg, &extra, &id, &title, &desc))
}

/// A panel with its axes drawn and its points placed, waiting for its contour lines (the
/// costly part, which panels can compute side by side).
struct PanelFrame {
    frame: super::svg::Frame,
    lambda: f64,
    dots: String,
    counts: Vec<Shown>,
    drawn_at: Vec<(f64, f64)>,
}

impl PanelFrame {
    /// The panel's elements, its contour lines under its points.
    fn finish(&self, plane: &Plane) -> String {
        self.around(&labelled_contours(&self.frame, plane, &self.drawn_at))
    }

    /// The panel's elements with contour lines placed in a panel whose plot area is
    /// `origin`, moved here.
    fn finish_placed(&self, lines: &str, origin: super::svg::Frame) -> String {
        let (dx, dy) = (self.frame.left - origin.left, self.frame.top - origin.top);
        self.around(&format!(
            "<g transform=\"translate({} {})\">\n{lines}</g>\n",
            super::svg::px(dx),
            super::svg::px(dy)
        ))
    }

    /// The panel's group: `lines`, then its points, frame and legend.
    fn around(&self, lines: &str) -> String {
        format!(
            "<g class=\"panel\" data-lambda=\"{}\">\n{lines}{}{}{}</g>\n",
            number(self.lambda),
            self.dots,
            self.frame.rect_element(),
            legend(&self.frame)
        )
    }
}

/// Draws a panel's title and axes into `area` and places its points.
fn draw_panel_frame(
    area: &Area<'_>,
    spec: &FigureSpec,
    data: &Dataset,
    sample: &Sample,
    fit: &LogisticFit,
    clip_id: &str,
) -> Result<PanelFrame, FigureError> {
    let frame = plane_panel(
        area,
        spec,
        &panel_title(fit.lambda),
        (PLANE_RANGE, PLANE_RANGE),
        TICK_SIZE,
    )?;
    let (dots, counts, drawn_at) = points(data, sample, &frame, clip_id);
    Ok(PanelFrame {
        frame,
        lambda: fit.lambda,
        dots,
        counts,
        drawn_at,
    })
}

/// Where each panel of a figure drawn `size` (width, height) lies in it, left to right, as
/// (x, y, width, height) below the figure's own title: figure 9's fits, so that a narrow
/// screen can show them one under the other. Empty for a figure of one panel.
pub fn panel_boxes(id: FigureId, size: (u32, u32)) -> Vec<(u32, u32, u32, u32)> {
    let (width, height) = size;
    let count = width / PANEL_WIDTH;
    if id != FigureId::RegVsNo || count < 2 || width % PANEL_WIDTH != 0 || height <= TITLE_BAND {
        return Vec::new();
    }
    let panel_height = height - TITLE_BAND;
    (0..count)
        .map(|k| (k * PANEL_WIDTH, TITLE_BAND, PANEL_WIDTH, panel_height))
        .collect()
}
