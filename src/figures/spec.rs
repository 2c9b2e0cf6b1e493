//! The table of the report's figures (id, file name, title), what a drawn figure is, and why
//! one could not be drawn: what every drawing file and every caller of the figures shares.

use plotters::drawing::DrawingAreaErrorKind;

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
    /// The distance to the optimum at each iteration of BFGS, Newton and gradient descent.
    Convergence,
    /// ‖w‖ at each iteration of the separable fits.
    WeightGrowth,
    /// The weights of the separable data against λ along the regularisation path.
    LambdaPath,
    /// Every fit of the path over the separable data (the page's λ control).
    LambdaFrames,
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
pub const FIGURES: [FigureSpec; 13] = [
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
    FigureSpec {
        id: FigureId::Convergence,
        file_name: "convergence.svg",
        title: "Distance to the optimum, iteration by iteration",
    },
    FigureSpec {
        id: FigureId::WeightGrowth,
        file_name: "weight-growth.svg",
        title: "‖w‖ along the fits of the separable data",
    },
    FigureSpec {
        id: FigureId::LambdaPath,
        file_name: "lambda-path.svg",
        title: "The regularisation path",
    },
    FigureSpec {
        id: FigureId::LambdaFrames,
        file_name: "lambda-frames.svg",
        title: "Every fit of the path over the separable data",
    },
];

impl FigureId {
    /// This figure's row of [`FIGURES`].
    pub fn spec(self) -> &'static FigureSpec {
        // The table lists the variants in declaration order, so the discriminant is the row.
        &FIGURES[self as usize]
    }

    /// The prefix of every id inside this figure's SVG, e.g. `fig-2d-sigmoid`: the file name
    /// without its extension, stable and page-unique for the ids of SVG elements (gradients,
    /// clip paths, markers) once figures are inlined side by side in one HTML page.
    pub fn prefix(self) -> String {
        let name = self.spec().file_name;
        format!("fig-{}", name.strip_suffix(".svg").unwrap_or(name))
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
    /// The same figure panel by panel, for a page that lays its panels out itself; `None`
    /// for figures of one panel.
    pub panels: Option<Panels>,
    /// The page's stack of layers, for the figure a page switches between (figure 13).
    pub frames: Option<Frames>,
}

/// A plane drawn once and the layers a page shows over it one at a time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frames {
    /// The axes and the data, a self-contained SVG document with its own title and
    /// description.
    pub base: String,
    /// One transparent SVG document of the base's size per fit, in the figure's order,
    /// hidden from assistive technology (the page says in words what each shows).
    pub layers: Vec<String>,
}

/// A figure of several panels, drawn one panel per SVG document by the code that draws the
/// whole figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Panels {
    /// Each panel as a self-contained SVG document, in the figure's order, its element ids
    /// prefixed with the figure's own prefix and the panel's number.
    pub svgs: Vec<String>,
    /// The note the whole figure carries at its foot (a subsample of the points), which no
    /// single panel has room for; the page shows it in the caption.
    pub note: Option<String>,
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
    /// The study holds no separable fit to draw in figure 9.
    #[error("{figure}: the study has no separable fits to draw")]
    NoSeparableFits {
        /// File name of the figure being drawn.
        figure: &'static str,
    },
}
