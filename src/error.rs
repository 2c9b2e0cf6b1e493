//! The library's error type: every way the study can refuse its input or fail to fit.

use std::path::PathBuf;

/// Everything that can go wrong in the library, each with a message fit for one line on stderr.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A data set needs at least two points, one per class.
    #[error("a data set needs at least 2 points (one per class), got {n}")]
    TooFewPoints {
        /// The number of points asked for or found.
        n: usize,
    },
    /// The columns of a data set have different lengths.
    #[error("columns differ in length: x1 has {x1}, x2 has {x2}, label has {labels}")]
    LengthMismatch {
        /// Length of the first feature column.
        x1: usize,
        /// Length of the second feature column.
        x2: usize,
        /// Length of the label column.
        labels: usize,
    },
    /// A feature value is NaN or infinite.
    #[error("row {row}: {column} is {value}, but data must be finite")]
    NonFiniteData {
        /// Zero-based row index.
        row: usize,
        /// Column name.
        column: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A label is neither 0 nor 1.
    #[error("row {row}: label {value} is not 0 or 1")]
    BadLabel {
        /// Zero-based row index.
        row: usize,
        /// The offending value.
        value: f64,
    },
    /// The regularisation strength is negative, NaN or infinite.
    #[error("lambda must be a finite number >= 0, got {}", crate::numbers::short(*.0))]
    InvalidLambda(f64),
    /// A number was expected (in a list of strengths) and something else was given.
    #[error("{text:?} is not a number")]
    NotANumber {
        /// What was given.
        text: String,
    },
    /// There are no strengths to fit the separable data with.
    #[error("at least one lambda is needed for the separable fits")]
    NoLambdas,
    /// More points than a run can hold.
    #[error("N may be at most {max} (both data sets are held in memory), got {n}")]
    TooManyPoints {
        /// Points asked for.
        n: usize,
        /// The most allowed.
        max: usize,
    },
    /// SOURCE_DATE_EPOCH is set to something other than a whole number of seconds.
    #[error("SOURCE_DATE_EPOCH must be a whole number of seconds, got {text:?}")]
    SourceDateEpoch {
        /// Its text.
        text: String,
    },
    /// `--site-url` is not an absolute http:// or https:// address of a folder.
    #[error("{text:?} is not a site address: {reason}")]
    SiteUrl {
        /// What was given.
        text: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The social card could not be drawn or encoded.
    #[error("social card: {0}")]
    SocialCard(#[source] crate::raster::RasterError),
    /// The output path is empty.
    #[error("the output folder has no name")]
    NoOutputName,
    /// A starting point of the wrong length for its objective.
    #[error("the starting point has {len} entries, {objective} expects {expected}")]
    StartingPointLength {
        /// Entries given.
        len: usize,
        /// Entries expected.
        expected: usize,
        /// The objective's name.
        objective: String,
    },
    /// A starting point with a NaN or infinite entry.
    #[error("the starting point {start:?} is not finite")]
    StartingPointNotFinite {
        /// The starting point.
        start: Vec<f64>,
    },
    /// An initial inverse Hessian of the wrong shape or with non-finite entries.
    #[error(
        "the initial inverse Hessian must be a finite {dim} x {dim} matrix, got {rows} x {cols}"
    )]
    InitialInverseHessian {
        /// Rows given.
        rows: usize,
        /// Columns given.
        cols: usize,
        /// The objective's dimension.
        dim: usize,
    },
    /// results.json could not be written out.
    #[error("writing results.json: {0}")]
    Results(#[from] serde_json::Error),
    /// The analytic gradient disagrees with its independent reference.
    #[error(
        "gradient check failed for {objective}: |analytic - reference| = {error:.3e} \
         (relative {relative:.3e}, allowed {tolerance:.0e})"
    )]
    GradientCheck {
        /// Which objective was checked.
        objective: String,
        /// Euclidean norm of the difference, as scipy's `check_grad` reports it.
        error: f64,
        /// The error relative to max(1, |analytic gradient|).
        relative: f64,
        /// The largest relative error accepted.
        tolerance: f64,
    },
    /// A CSV file could not be understood.
    #[error("{path}: line {line}: {message}")]
    Csv {
        /// The file read.
        path: PathBuf,
        /// One-based line number.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder concerned.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The output path exists and is not a folder.
    #[error("{}: exists and is {kind}, not a folder", path.display())]
    NotAFolder {
        /// The path as given.
        path: PathBuf,
        /// What it is instead ("a file", "a FIFO", …).
        kind: &'static str,
    },
    /// The output path is a symbolic link to nothing.
    #[error("{}: is a symbolic link to {}, which does not exist", path.display(), target.display())]
    DanglingLink {
        /// The link.
        path: PathBuf,
        /// Where it points.
        target: PathBuf,
    },
    /// A folder with files in it that is not a report (or review folder) of this tool:
    /// never written to.
    #[error(
        "{}: the folder is not empty and is not a {noun} of logreg-report ({why}); \
         nothing was changed: choose a new or empty folder, or a {noun} this tool wrote",
        path.display(), noun = kind.noun(), why = reason.describe(*kind)
    )]
    NotAReport {
        /// The folder as given.
        path: PathBuf,
        /// The kind of folder it should have been.
        kind: crate::output::Kind,
        /// Why it is not one.
        reason: crate::output::Foreign,
    },
    /// There is no report to compare with.
    #[error("{}: there is no report of logreg-report here to compare with", path.display())]
    NoReport {
        /// The folder as given.
        path: PathBuf,
    },
    /// A file or folder the tool did not write stands where the report writes a file.
    #[error(
        "{}: logreg-report did not write this, but the report writes a file here; \
         nothing was changed: move it away and run again",
        path.display()
    )]
    InTheWay {
        /// The path in the way.
        path: PathBuf,
    },
    /// A user's file in the previous report could not be carried into the new one.
    #[error("{}: could not keep this file in the new report: {source}", path.display())]
    KeepUserFile {
        /// The user's file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The root folder cannot be replaced.
    #[error("{}: the root folder cannot hold a report", path.display())]
    RootOutput {
        /// The path.
        path: PathBuf,
    },
    /// The template folder is the output folder, whose page the run replaces.
    #[error(
        "{}: the templates folder is the output folder, whose page every run replaces; \
         keep templates outside it",
        path.display()
    )]
    TemplatesInOutput {
        /// The folder.
        path: PathBuf,
    },
    /// A template path that is not a regular file (a FIFO would block the run).
    #[error("{}: is {kind}, not a template file", path.display())]
    TemplateNotAFile {
        /// The path.
        path: PathBuf,
        /// What it is.
        kind: &'static str,
    },
    /// The run would need more memory than the system allows it.
    #[error("not enough memory for N = {n}: {shortfall}")]
    OutOfMemory {
        /// Points per data set asked for.
        n: usize,
        /// What the run needs and what limits it.
        shortfall: crate::memory::Shortfall,
    },
    /// A signal is ending the run; its staging folder is being removed.
    #[error("interrupted")]
    Interrupted,
    /// A figure could not be drawn.
    #[error(transparent)]
    Figure(#[from] crate::figures::FigureError),
    /// The page template could not be read or rendered.
    #[error("template: {0}")]
    Template(String),
    /// A review tolerance outside its range.
    #[error("{} must be {}, got {}", what.describe(), what.rule(), crate::numbers::short(*value))]
    BadTolerance {
        /// Which tolerance.
        what: crate::review::Tolerance,
        /// The value given.
        value: f64,
    },
    /// argmin refused to set up or run the solver.
    #[error("optimizer error: {0}")]
    Optimizer(String),
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
