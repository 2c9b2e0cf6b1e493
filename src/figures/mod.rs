//! The report's thirteen figures, drawn as self-contained SVG strings from a finished [`Study`].
//!
//! One table, [`FIGURES`], names every figure: its id, file name and title. Everything else
//! (the renderers, the report, the tests) looks names up there. [`render_all`] is the single
//! entry point: it draws every figure in the order of the report and returns the SVG text in
//! memory; writing files is the caller's business.
//!
//! plotters draws the frame, ticks, axis labels, titles and curve legends. What plotters cannot
//! do is written as plain SVG elements beside its output: data points (one `<g>` per class so
//! they can be counted), contour lines with labels turned along the line and a gap under each
//! label, the smooth colour map, and the `<title>`/`<desc>` pair.
//!
//! Every logarithm, angle and distance computed here goes through the `libm` crate (pure
//! Rust), not the platform's maths library, whose last bit may differ between machines.

use rayon::prelude::*;

use crate::study::Study;

mod contour;
mod curves;
mod geometry;
mod heatmap;
mod labels;
mod markers;
mod motion;
mod panels;
mod scatter;
mod spec;
pub mod style;
mod svg;
mod traces;

pub use panels::panel_boxes;
pub use spec::{FIGURES, Figure, FigureError, FigureId, FigureSpec, Frames, Panels};

#[cfg(test)]
mod tests;

/// Draws every figure of the report, in the order of [`FIGURES`].
pub fn render_all(study: &Study) -> Result<Vec<Figure>, FigureError> {
    // One subsample per data set, at the largest number of markers a figure draws per class.
    let cap = style::MAX_MARKERS_PER_FIGURE / 2;
    let samples = [&study.fuzzy, &study.separable].map(|data| markers::Sample::of(data, cap));
    // Each figure is drawn on its own, in parallel; collected in the table's order.
    FIGURES
        .par_iter()
        .map(|spec| render(study, &samples, spec.id))
        .collect()
}

/// Draws one figure, with the points of `samples` (fuzzy, separable).
fn render(
    study: &Study,
    samples: &[markers::Sample; 2],
    id: FigureId,
) -> Result<Figure, FigureError> {
    let spec = id.spec();
    let views = &study.views;
    let [fuzzy, separable] = samples;
    let mut panels = None;
    let mut frames = None;
    let svg = match id {
        FigureId::Fuzzy => scatter::data_figure(spec, &study.fuzzy, fuzzy, "fuzzy", study)?,
        FigureId::Sigmoid => curves::sigmoid_curve(spec, &views.sigmoid)?,
        FigureId::Sigmoid2d => heatmap::sigmoid_plane(spec, &views.start, &views.ramp)?,
        FigureId::BadFit => scatter::contour_figure(
            spec,
            &study.fuzzy,
            fuzzy,
            &views.start,
            "the starting weights w0",
        )?,
        FigureId::Optimizer => curves::optimizer(spec, &views.demo)?,
        FigureId::LossOverW1 => {
            curves::loss_over_w1(spec, &views.loss, views.fitted.w, study.fuzzy_fit.lambda)?
        }
        FigureId::FittedWeights => scatter::contour_figure(
            spec,
            &study.fuzzy,
            fuzzy,
            &views.fitted,
            &format!(
                "the weights fitted with λ = {}",
                svg::number(study.fuzzy_fit.lambda)
            ),
        )?,
        FigureId::LinSep => {
            scatter::data_figure(spec, &study.separable, separable, "separable", study)?
        }
        FigureId::RegVsNo => {
            let (whole, each) = panels::reg_vs_no(spec, study, separable)?;
            panels = Some(each);
            whole
        }
        FigureId::Convergence => motion::convergence(spec, &views.convergence)?,
        FigureId::WeightGrowth => motion::growth(spec, &views.growth)?,
        FigureId::LambdaPath => {
            let run: Vec<f64> = study.config.lambdas.iter().map(|l| l.get()).collect();
            motion::path(spec, &study.path, &run)?
        }
        FigureId::LambdaFrames => {
            let (whole, layers) = panels::path_frames(spec, study, separable)?;
            frames = Some(layers);
            whole
        }
    };
    Ok(Figure {
        id,
        file_name: spec.file_name,
        title: spec.title,
        svg,
        panels,
        frames,
    })
}
