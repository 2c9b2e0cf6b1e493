//! The report's nine figures, drawn as self-contained SVG strings from a finished [`Study`].
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

use crate::study::Study;
use plotters::drawing::DrawingAreaErrorKind;

mod contour;
mod curves;
mod heatmap;
mod panels;
mod scatter;
mod svg;

#[cfg(test)]
mod tests;

/// Which figure of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FigureId {
    /// Experiment 1: the fuzzy data.
    Fuzzy,
    /// Experiment 2: the 1-D sigmoid.
    Sigmoid,
    /// Experiment 3: σ over the plane as a colour map with labelled contours.
    Sigmoid2d,
    /// Experiment 4: the starting weights' contours over the fuzzy data.
    BadFit,
    /// Experiment 5: the optimiser demo.
    Optimizer,
    /// Experiment 6: the loss along w1 around the fitted optimum.
    LossOverW1,
    /// Experiment 7: the fitted contours over the fuzzy data.
    FittedWeights,
    /// Experiment 8: the separable data.
    LinSep,
    /// Experiment 9: three separable fits side by side, one per λ.
    RegVsNo,
}

/// One row of the figure table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FigureSpec {
    /// The figure.
    pub id: FigureId,
    /// The file the report writes it to (and the `src` it is linked by).
    pub file_name: &'static str,
    /// The title drawn on the figure and written into its `<title>` element.
    pub title: &'static str,
}

/// Every figure of the report, in report order: the one place where file names and titles live.
pub const FIGURES: [FigureSpec; 9] = [
    FigureSpec {
        id: FigureId::Fuzzy,
        file_name: "fuzzy.svg",
        title: "Overlapping (fuzzy) data",
    },
    FigureSpec {
        id: FigureId::Sigmoid,
        file_name: "sigmoid.svg",
        title: "The logistic sigmoid",
    },
    FigureSpec {
        id: FigureId::Sigmoid2d,
        file_name: "2d-sigmoid.svg",
        title: "σ(b + w1·x1 + w2·x2) over the plane",
    },
    FigureSpec {
        id: FigureId::BadFit,
        file_name: "bad-fit.svg",
        title: "Starting weights: a poor boundary",
    },
    FigureSpec {
        id: FigureId::Optimizer,
        file_name: "optimizer.svg",
        title: "BFGS on f(x) = x² − 2x",
    },
    FigureSpec {
        id: FigureId::LossOverW1,
        file_name: "loss-over-w1.svg",
        title: "Loss over w1, other weights at the optimum",
    },
    FigureSpec {
        id: FigureId::FittedWeights,
        file_name: "fitted-weights.svg",
        title: "Fitted weights on the fuzzy data",
    },
    FigureSpec {
        id: FigureId::LinSep,
        file_name: "lin-sep.svg",
        title: "Linearly separable data",
    },
    FigureSpec {
        id: FigureId::RegVsNo,
        file_name: "reg-vs-no.svg",
        title: "Separable data fitted with and without regularisation",
    },
];

impl FigureId {
    /// This figure's row of [`FIGURES`].
    pub fn spec(self) -> &'static FigureSpec {
        // The table lists the variants in declaration order, so the discriminant is the row.
        &FIGURES[self as usize]
    }

    /// The file name without its extension, e.g. `2d-sigmoid`: a stable, page-unique prefix
    /// for the ids of SVG elements (gradients, clip paths, markers) once figures are inlined
    /// side by side in one HTML page.
    pub fn slug(self) -> &'static str {
        let name = self.spec().file_name;
        name.strip_suffix(".svg").unwrap_or(name)
    }
}

/// A drawn figure: its table row and its SVG text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// Which figure.
    pub id: FigureId,
    /// File name from [`FIGURES`].
    pub file_name: &'static str,
    /// Title from [`FIGURES`].
    pub title: &'static str,
    /// The complete, self-contained SVG document.
    pub svg: String,
}

/// Why a figure could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum FigureError {
    /// plotters failed while drawing or writing the SVG.
    #[error("drawing {figure}: {source}")]
    Drawing {
        /// File name of the figure being drawn.
        figure: &'static str,
        /// plotters' error.
        #[source]
        source: DrawingAreaErrorKind<std::io::Error>,
    },
    /// The marching-squares step refused the grid.
    #[error("contouring {figure}: {message}")]
    Contour {
        /// File name of the figure being drawn.
        figure: &'static str,
        /// The contour crate's message.
        message: String,
    },
    /// The study's model refused its inputs (e.g. the loss of experiment 6).
    #[error("evaluating the model for {figure}: {source}")]
    Model {
        /// File name of the figure being drawn.
        figure: &'static str,
        /// The study's error.
        #[source]
        source: crate::Error,
    },
    /// The study holds no separable fit to draw in figure 9.
    #[error("{figure}: the study has no separable fits to draw")]
    NoSeparableFits {
        /// File name of the figure being drawn.
        figure: &'static str,
    },
}

/// Colours, sizes and fonts shared by every figure.
pub mod style {
    /// Points on each curve (figures 2, 5 and 6).
    pub const CURVE_POINTS: usize = 100;
    /// The x range of the sigmoid and optimiser-demo curves.
    pub const CURVE_RANGE: (f64, f64) = (-5.0, 5.0);
    /// Figure 6 shows w1 within this distance of the fitted value.
    pub const LOSS_WINDOW: f64 = 2.0;
    /// Class A (label 1): Okabe–Ito blue, told apart from the orange by colour-blind readers.
    pub const CLASS_A_COLOUR: &str = "#0072B2";
    /// Class B (label 0): Okabe–Ito orange.
    pub const CLASS_B_COLOUR: &str = "#E69F00";
    /// Curves (same blue as class A: one data colour per figure).
    pub const CURVE_COLOUR: &str = CLASS_A_COLOUR;
    /// [`CURVE_COLOUR`] for plotters (legend swatches).
    pub const CURVE_RGB: (u8, u8, u8) = (0x00, 0x72, 0xB2);
    /// Contour lines.
    pub const CONTOUR_COLOUR: &str = "#000";
    /// Contour line width in pixels.
    pub const CONTOUR_WIDTH: f64 = 1.3;
    /// The contour levels of σ drawn and labelled: 0.125, 0.25, …, 0.875.
    pub const CONTOUR_LEVELS: [f64; 7] = [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875];
    /// The one font family: no font is embedded or required (plotters without `ttf`).
    pub const FONT: &str = "sans-serif";
    /// Figure titles.
    pub const TITLE_SIZE: u32 = 16;
    /// Axis descriptions.
    pub const AXIS_LABEL_SIZE: u32 = 14;
    /// Tick labels, legends, notes and contour labels.
    pub const SMALL_SIZE: u32 = 12;
    /// The subsampling note at the foot of a figure.
    pub const NOTE_SIZE: u32 = 10;
    /// Side of the square plot area of the plane figures, in pixels.
    pub const PLOT_SIDE: u32 = 360;
    /// Radius of a class A marker (a disc); class B markers are squares of the same area.
    pub const MARKER_RADIUS: f64 = 3.0;
    /// The plane figures' axes: σ is evaluated on a grid over [−5, 5]².
    pub const PLANE_RANGE: (f64, f64) = (-5.0, 5.0);
    /// Grid points per side for contouring.
    pub const GRID_POINTS: usize = 100;
    /// At most this many markers per figure (over all classes and panels): past it a figure
    /// shows an evenly strided subsample and says so, so that its size does not grow with N.
    pub const MAX_MARKERS_PER_FIGURE: usize = 900;
}

/// Draws every figure of the report, in the order of [`FIGURES`].
pub fn render_all(study: &Study) -> Result<Vec<Figure>, FigureError> {
    FIGURES.iter().map(|spec| render(study, spec.id)).collect()
}

/// Draws one figure.
pub fn render(study: &Study, id: FigureId) -> Result<Figure, FigureError> {
    let spec = id.spec();
    let svg = match id {
        FigureId::Fuzzy => scatter::data_figure(spec, &study.fuzzy, "fuzzy", study)?,
        FigureId::Sigmoid => curves::sigmoid_curve(spec)?,
        FigureId::Sigmoid2d => heatmap::sigmoid_plane(spec, crate::study::W0)?,
        FigureId::BadFit => scatter::contour_figure(
            spec,
            &study.fuzzy,
            crate::study::W0,
            "the starting weights w0",
        )?,
        FigureId::Optimizer => curves::optimizer(spec, study)?,
        FigureId::LossOverW1 => curves::loss_over_w1(spec, study)?,
        FigureId::FittedWeights => {
            let x = &study.fuzzy_fit.result.x;
            scatter::contour_figure(
                spec,
                &study.fuzzy,
                [x[0], x[1], x[2]],
                &format!(
                    "the weights fitted with λ = {}",
                    svg::number(study.fuzzy_fit.lambda)
                ),
            )?
        }
        FigureId::LinSep => scatter::data_figure(spec, &study.separable, "separable", study)?,
        FigureId::RegVsNo => panels::reg_vs_no(spec, study)?,
    };
    Ok(Figure {
        id,
        file_name: spec.file_name,
        title: spec.title,
        svg,
    })
}
