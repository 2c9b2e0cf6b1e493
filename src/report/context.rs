//! What the page shows, as text already formatted: the template only places it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::data_files::DataFile;
use super::files::{EMBED_CSV_LIMIT, FIGURES_DIR, RESULTS, SOCIAL_CARD, TITLE};
use super::format::{self, count, fixed, objective, percent, sci, vector};
use super::site::{self, SiteContext};
use crate::config::{Config, format_lambdas};
use crate::data::{FUZZY_CENTRE, SEPARABLE_SIDE};
use crate::figures::{Figure, FigureId};
use crate::fit::{
    DISTANCE_TOLERANCE, FitResult, GRADIENT_TOLERANCE, MAX_ITERS_PER_PARAMETER, STEP_TOLERANCE,
    Status,
};
use crate::markup;
use crate::numbers::{capitalised, prose};
use crate::study::{CURVE_RANGE, DEMO_X0, LOSS_WINDOW, LogisticFit, PLANE_RANGE, Study, W0};

/// A size in whole KiB, rounded up, as the page writes it.
fn kib(bytes: u64) -> String {
    // A no-break space: a size never breaks across lines.
    format!("{}\u{a0}KiB", count(bytes.div_ceil(1024) as usize))
}

impl PageContext {
    /// States the size of download `index` once its file is made, in the download and in
    /// the list of files.
    pub(super) fn set_download_size(&mut self, index: usize, bytes: u64) {
        if let Some(download) = self.downloads.get_mut(index) {
            download.size = kib(bytes);
            for file in self.files.iter_mut().filter(|f| f.href == download.file) {
                file.size = Some(kib(bytes));
            }
        }
    }
}

/// Everything the page shows, as text already formatted.
#[derive(Clone, Serialize)]
pub(super) struct PageContext {
    title: &'static str,
    /// One sentence about this run, for `<meta name="description">`.
    description: String,
    /// The Content-Security-Policy, shared with the redirect and `_headers`.
    csp: &'static str,
    favicon: &'static str,
    /// Link-preview tags with absolute addresses: only with `--site-url`.
    site: Option<SiteContext>,
    /// Every file of the folder a reader may want, for the "Files" list.
    files: Vec<FileContext>,
    /// Whether some data set is embedded in the page as a download.
    any_embedded: bool,
    version: &'static str,
    seed: String,
    n: String,
    lambdas: String,
    generated: Option<String>,
    class_a: String,
    class_b: String,
    w0: String,
    demo_x0: String,
    fuzzy_centre_a: String,
    fuzzy_centre_b: String,
    square_a: String,
    square_b: String,
    plane: String,
    curve_range: String,
    loss_window: String,
    step_tolerance: String,
    gradient_tolerance: String,
    distance_tolerance: String,
    max_iterations: String,
    fig: BTreeMap<&'static str, FigureContext>,
    downloads: Vec<DownloadContext>,
    demo: FitContext,
    fuzzy_fit: FitContext,
    separable_fits: Vec<FitContext>,
    separable_zero: Option<FitContext>,
    regularised: RegularisedContext,
    /// The separable fits' contradictions with their cross-checks.
    disagreements: Vec<String>,
    /// Figures 10 and 11 in numbers.
    motion: super::motion::MotionContext,
    /// The regularisation path and the λ control's frames.
    path: super::motion::PathContext,
}

/// What the separable fits with λ > 0 show, counted.
#[derive(Clone, Serialize)]
struct RegularisedContext {
    /// How many there are.
    count: usize,
    /// How many of them BFGS and Newton both found, at the same point.
    confirmed: usize,
    /// Both counts are equal and not zero.
    all_confirmed: bool,
}

#[derive(Clone, Serialize)]
struct FigureContext {
    file: String,
    title: &'static str,
    svg: String,
    /// The figure panel by panel (figure 9), for a grid that wraps on narrow screens.
    panels: Vec<String>,
    /// What the whole figure's foot says that no panel has room for.
    note: Option<String>,
    /// The plane a page lays its layers over (figure 13), and the layers.
    base: Option<String>,
    layers: Vec<String>,
}

/// One file of the folder, linked from the page by its relative path.
#[derive(Clone, Serialize)]
struct FileContext {
    href: String,
    /// What it holds.
    what: String,
    /// Its size, where it is known when the page is made (not `results.json`'s, which
    /// holds the page's own hash).
    size: Option<String>,
}

#[derive(Clone, Serialize)]
struct DownloadContext {
    name: &'static str,
    file: String,
    href: String,
    embedded: bool,
    size: String,
}

#[derive(Clone, Serialize)]
struct FitContext {
    lambda: String,
    fun: String,
    x: String,
    jac: String,
    hess_inv: Vec<String>,
    nit: u64,
    nfev: u64,
    njev: u64,
    nhev: u64,
    finishing_steps: u64,
    status: i32,
    verdict: &'static str,
    success: bool,
    unbounded: bool,
    message: String,
    distance_estimate: String,
    distance_tolerance: String,
    grad_check: String,
    weight_norm: String,
    accuracy: String,
    newton: Option<NewtonContext>,
}

#[derive(Clone, Serialize)]
struct NewtonContext {
    x: String,
    nit: u64,
    status: i32,
    verdict: &'static str,
    success: bool,
    unbounded: bool,
    message: String,
    /// Present only when Newton converged.
    distance: Option<String>,
    /// Present only when the cross-check contradicts the fit.
    disagreement: Option<String>,
}

/// A number of points as the prose writes it: `1 point`, `1 000 points`.
fn points(n: usize) -> String {
    format!("{} {}", count(n), if n == 1 { "point" } else { "points" })
}

/// A half-open square `[lo, hi) × [lo, hi)`.
fn square(lo: f64, hi: f64) -> String {
    let side = format!("[{}, {})", prose(lo), prose(hi));
    format!("{side} × {side}")
}

/// The key a figure has in the template's `fig` map.
fn template_key(id: FigureId) -> &'static str {
    match id {
        FigureId::Fuzzy => "fuzzy",
        FigureId::Sigmoid => "sigmoid",
        FigureId::Sigmoid2d => "sigmoid_2d",
        FigureId::BadFit => "bad_fit",
        FigureId::Optimizer => "optimizer",
        FigureId::LossOverW1 => "loss_over_w1",
        FigureId::FittedWeights => "fitted_weights",
        FigureId::LinSep => "lin_sep",
        FigureId::RegVsNo => "reg_vs_no",
        FigureId::Convergence => "convergence",
        FigureId::WeightGrowth => "weight_growth",
        FigureId::LambdaPath => "lambda_path",
        FigureId::LambdaFrames => "lambda_frames",
    }
}

fn fit_context(result: &FitResult, fit: Option<&LogisticFit>) -> FitContext {
    FitContext {
        lambda: fit.map_or_else(String::new, |f| crate::numbers::short(f.lambda)),
        fun: objective(result.fun),
        x: vector(result.x.iter().copied(), 4),
        jac: result.jac.map(|&v| sci(v)).to_vec().join(", "),
        hess_inv: result
            .hess_inv
            .outer_iter()
            .map(|row| vector(row.iter().copied(), 4))
            .collect(),
        nit: result.nit,
        nfev: result.nfev,
        njev: result.njev,
        nhev: result.nhev,
        finishing_steps: result.finishing_steps,
        status: result.status.code(),
        verdict: result.status.verdict(),
        success: result.success(),
        unbounded: matches!(result.status, Status::Unbounded(_)),
        message: result.message(),
        distance_estimate: result
            .distance_estimate
            .map_or_else(|| "—".into(), |e| sci(e.value)),
        distance_tolerance: sci(result.distance_tolerance),
        grad_check: sci(result.grad_check.error),
        weight_norm: fit.map_or_else(String::new, |f| fixed(f.weight_norm, 2)),
        accuracy: fit.map_or_else(String::new, |f| percent(f.accuracy)),
        newton: fit.map(|f| {
            let n = &f.newton.result;
            NewtonContext {
                x: vector(n.x, 4),
                nit: n.nit,
                status: n.status.code(),
                verdict: n.status.verdict(),
                success: n.success(),
                unbounded: matches!(n.status, Status::Unbounded(_)),
                message: n.message(),
                distance: f.newton.distance.map(sci),
                disagreement: f.newton.disagreement.as_deref().map(capitalised),
            }
        }),
    }
}

/// An SVG document from its `<svg` on, ready to be inlined.
fn inline(svg: &str) -> String {
    svg[svg.find("<svg").unwrap_or(0)..].to_string()
}

/// The "Files" list: `results.json`, the data sets, the figures and the social card.
fn files(
    figures: &[Figure],
    downloads: &[DownloadContext],
    card: Option<&[u8]>,
) -> Vec<FileContext> {
    let (width, height) = site::CARD_SIZE;
    std::iter::once(FileContext {
        href: RESULTS.into(),
        what: "every number of this run at full precision, and each file's sha256".into(),
        size: None,
    })
    .chain(downloads.iter().map(|d| FileContext {
        href: d.file.clone(),
        what: format!("the {} data set: columns x1, x2, label", d.name),
        size: Some(d.size.clone()),
    }))
    .chain(figures.iter().enumerate().map(|(k, f)| FileContext {
        href: format!("{FIGURES_DIR}/{}", f.file_name),
        what: format!("Figure {}. {}", k + 1, f.title),
        size: Some(kib(f.svg.len() as u64)),
    }))
    .chain(card.map(|card| FileContext {
        href: SOCIAL_CARD.into(),
        what: format!("the image link previews show, {width} × {height} pixels"),
        size: Some(kib(card.len() as u64)),
    }))
    .collect()
}

/// A figure as the page inlines it, whole and panel by panel.
fn figure_context(f: &Figure) -> FigureContext {
    FigureContext {
        file: format!("{FIGURES_DIR}/{}", f.file_name),
        title: f.title,
        svg: inline(&f.svg),
        panels: f
            .panels
            .iter()
            .flat_map(|p| p.svgs.iter().map(|svg| inline(svg)))
            .collect(),
        note: f.panels.as_ref().and_then(|p| p.note.clone()),
        base: f.frames.as_ref().map(|l| inline(&l.base)),
        layers: f
            .frames
            .iter()
            .flat_map(|l| l.layers.iter().map(|svg| inline(svg)))
            .collect(),
    }
}

/// A data set's download: embedded in the page up to [`EMBED_CSV_LIMIT`], linked beyond.
fn download_context(d: &DataFile) -> DownloadContext {
    let embedded = d.bytes().filter(|b| b.len() <= EMBED_CSV_LIMIT);
    DownloadContext {
        name: d.name,
        file: d.path.clone(),
        href: embedded.map_or_else(|| d.path.clone(), |b| markup::data_uri("text/csv", b)),
        embedded: embedded.is_some(),
        // A CSV made as it is written gets its size then (`set_download_size`).
        size: kib(d.bytes().map_or(0, |b| b.len() as u64)),
    }
}

pub(super) fn page_context(
    config: &Config,
    study: &Study,
    figures: &[Figure],
    downloads: &[DataFile],
    card: Option<&[u8]>,
) -> PageContext {
    let downloads: Vec<DownloadContext> = downloads.iter().map(download_context).collect();
    let regularised: Vec<&LogisticFit> = study
        .separable_fits
        .iter()
        .filter(|f| f.lambda > 0.0)
        .collect();
    let confirmed = regularised.iter().filter(|f| f.confirmed()).count();
    let fit = |f: &LogisticFit| fit_context(&f.result, Some(f));
    PageContext {
        title: TITLE,
        description: site::description(study),
        csp: site::CSP,
        favicon: site::FAVICON,
        site: config.site_url.as_ref().map(site::site_context),
        files: files(figures, &downloads, card),
        any_embedded: downloads.iter().any(|d| d.embedded),
        version: env!("CARGO_PKG_VERSION"),
        seed: study.config.seed.to_string(),
        n: count(study.config.n),
        lambdas: format_lambdas(&study.config.lambdas),
        generated: config.timestamp.map(format::utc_timestamp),
        class_a: points(study.fuzzy.count_class_a()),
        class_b: points(study.fuzzy.len() - study.fuzzy.count_class_a()),
        w0: vector(W0, 1),
        demo_x0: prose(DEMO_X0),
        fuzzy_centre_a: format!("({}, {})", prose(FUZZY_CENTRE), prose(FUZZY_CENTRE)),
        fuzzy_centre_b: format!("({}, {})", prose(-FUZZY_CENTRE), prose(-FUZZY_CENTRE)),
        square_a: square(-SEPARABLE_SIDE, 0.0),
        square_b: square(0.0, SEPARABLE_SIDE),
        plane: format!("[{}, {}]²", prose(PLANE_RANGE.0), prose(PLANE_RANGE.1)),
        curve_range: format!("{} to {}", prose(CURVE_RANGE.0), prose(CURVE_RANGE.1)),
        loss_window: prose(LOSS_WINDOW),
        step_tolerance: format!("{STEP_TOLERANCE:e}"),
        gradient_tolerance: format!("{GRADIENT_TOLERANCE:e}"),
        distance_tolerance: format!("{DISTANCE_TOLERANCE:e}"),
        max_iterations: match study.config.max_iterations {
            Some(limit) => count(limit as usize),
            None => format!("{MAX_ITERS_PER_PARAMETER} per parameter"),
        },
        fig: figures
            .iter()
            .map(|f| (template_key(f.id), figure_context(f)))
            .collect(),
        downloads,
        demo: fit_context(&study.optimizer_demo, None),
        fuzzy_fit: fit(&study.fuzzy_fit),
        separable_fits: study.separable_fits.iter().map(fit).collect(),
        separable_zero: study
            .separable_fits
            .iter()
            .find(|f| f.lambda == 0.0)
            .map(fit),
        regularised: RegularisedContext {
            count: regularised.len(),
            confirmed,
            all_confirmed: confirmed == regularised.len() && confirmed > 0,
        },
        disagreements: study
            .separable_fits
            .iter()
            .filter_map(|f| f.newton.disagreement.as_deref().map(capitalised))
            .collect(),
        motion: super::motion::motion(study),
        path: super::motion::path(study),
    }
}
