//! The report: every artifact of the output folder built in memory from one run, and the page
//! filled from a logic-free Tera template. Writing them is [`crate::output`]'s business.

pub mod format;
pub mod results;

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine;
use serde::Serialize;

use crate::config::{Config, format_lambdas};
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::figures::{self, Figure, FigureId};
use crate::fit::{FitResult, MAX_ITERS_PER_PARAMETER, Status};
use crate::newton::capitalised;
pub use crate::output::Artifact;
use crate::progress::step;
pub use crate::progress::{Progress, Silent};
use crate::study::{self, DEMO_X0, LogisticFit, Study, W0};

use crate::data::{FUZZY_CENTRE, SEPARABLE_SIDE};
use crate::fit::{DISTANCE_TOLERANCE, GRADIENT_TOLERANCE, STEP_TOLERANCE};
use crate::study::{CURVE_RANGE, LOSS_WINDOW, PLANE_RANGE};
use format::{count, fixed, objective, percent, prose, sci, vector};

/// The page's file name, in the output folder and among the templates.
pub const PAGE: &str = "report.html";
/// The results file's name.
pub const RESULTS: &str = crate::output::RESULTS;
/// The folder of the figures inside the output folder.
pub const FIGURES_DIR: &str = "figures";
/// The folder of the data sets inside the output folder.
pub const DATA_DIR: &str = "data";
/// The built-in page template, compiled into the binary.
pub const BUILT_IN_TEMPLATE: &str = include_str!("../../templates/report.html");
/// CSVs up to this size are embedded in the page as downloads; larger ones are linked to
/// their file in `data/`, so that the page stays small whatever N is.
pub const EMBED_CSV_LIMIT: usize = 1 << 20;

/// What a run produced: the numbers, the figures and every file of the output folder.
pub struct Report {
    /// The study's numbers.
    pub study: Study,
    /// The figures, in report order.
    pub figures: Vec<Figure>,
    /// Every file of the output folder, `results.json` last.
    pub artifacts: Vec<Artifact>,
}

/// Runs the study and builds every file of the report in memory (nothing is written).
pub fn generate(config: &Config, progress: &mut dyn Progress) -> Result<Report> {
    if let Some(shortfall) = crate::memory::shortfall(config.study.n) {
        return Err(Error::OutOfMemory {
            n: config.study.n,
            shortfall,
        });
    }
    let template = match &config.templates {
        Some(dir) => read_template(dir)?,
        None => BUILT_IN_TEMPLATE.to_string(),
    };
    let study = step(progress, "data, gradient checks and fits", || {
        study::run(&config.study)
    })?;
    for disagreement in study.disagreements() {
        progress.warn(disagreement);
    }
    let figures = step(progress, "figures", || Ok(figures::render_all(&study)?))?;
    let artifacts = step(progress, "page, data and results", || {
        let mut artifacts = Vec::new();
        let downloads = data_files(&study);
        let page = render_page(
            &template,
            &page_context(config, &study, &figures, &downloads),
        )?;
        artifacts.push(Artifact {
            path: PAGE.into(),
            bytes: page.into_bytes(),
        });
        for figure in &figures {
            artifacts.push(Artifact {
                path: format!("{FIGURES_DIR}/{}", figure.file_name),
                bytes: figure.svg.clone().into_bytes(),
            });
        }
        for download in downloads {
            artifacts.push(Artifact {
                path: download.path,
                bytes: download.bytes,
            });
        }
        let results = results::render(&study, &artifacts)
            .map_err(|e| Error::InvalidParameter(format!("writing {RESULTS}: {e}")))?;
        artifacts.push(Artifact {
            path: RESULTS.into(),
            bytes: results,
        });
        Ok(artifacts)
    })?;
    Ok(Report {
        study,
        figures,
        artifacts,
    })
}

/// Reads `dir/report.html`, which must be a regular file: a FIFO there would block the run.
fn read_template(dir: &Path) -> Result<String> {
    /// A template larger than this is not a page template.
    const LIMIT: u64 = 64 << 20;
    let path = dir.join(PAGE);
    let meta = std::fs::metadata(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    if !meta.is_file() {
        return Err(Error::TemplateNotAFile {
            path,
            kind: crate::output::fsx::describe(meta.file_type()),
        });
    }
    let bytes = crate::output::fsx::read_following(&path, LIMIT).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    String::from_utf8(bytes)
        .map_err(|_| Error::Template(format!("{}: is not UTF-8 text", path.display())))
}

/// A data set's CSV, ready to be written and offered on the page.
struct DataFile {
    name: &'static str,
    path: String,
    bytes: Vec<u8>,
}

fn data_files(study: &Study) -> Vec<DataFile> {
    let sets: [(&'static str, &Dataset); 2] = [
        (study::DatasetName::Fuzzy.as_str(), &study.fuzzy),
        (study::DatasetName::Separable.as_str(), &study.separable),
    ];
    sets.into_iter()
        .map(|(name, data)| DataFile {
            name,
            path: format!("{DATA_DIR}/{name}.csv"),
            bytes: data.csv_bytes(),
        })
        .collect()
}

fn render_page(template: &str, context: &PageContext) -> Result<String> {
    let one_line = |e: tera::Error| {
        // Tera's errors span several lines; the report needs one.
        let text = format!("{e:#}");
        Error::Template(text.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    let mut tera = tera::Tera::new();
    tera.add_raw_template(PAGE, template).map_err(one_line)?;
    let context = tera::Context::from_serialize(context).map_err(one_line)?;
    tera.render(PAGE, &context).map_err(one_line)
}

/// Everything the page shows, as text already formatted.
#[derive(Serialize)]
struct PageContext {
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
}

/// What the separable fits with λ > 0 show, counted.
#[derive(Serialize)]
struct RegularisedContext {
    /// How many there are.
    count: usize,
    /// How many of them BFGS and Newton both found, at the same point.
    confirmed: usize,
    /// Both counts are equal and not zero.
    all_confirmed: bool,
}

#[derive(Serialize)]
struct FigureContext {
    file: String,
    title: &'static str,
    svg: String,
}

#[derive(Serialize)]
struct DownloadContext {
    name: &'static str,
    file: String,
    href: String,
    embedded: bool,
    size: String,
}

#[derive(Serialize)]
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

#[derive(Serialize)]
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
    }
}

fn fit_context(result: &FitResult, fit: Option<&LogisticFit>) -> FitContext {
    let newton = fit.map(|f| {
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
    });
    FitContext {
        lambda: fit.map_or_else(String::new, |f| crate::numbers::short(f.lambda)),
        fun: objective(result.fun),
        x: vector(result.x.iter().copied(), 4),
        jac: result
            .jac
            .iter()
            .map(|v| sci(*v))
            .collect::<Vec<_>>()
            .join(", "),
        hess_inv: result
            .hess_inv
            .rows()
            .into_iter()
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
        newton,
    }
}

fn page_context(
    config: &Config,
    study: &Study,
    figures: &[Figure],
    downloads: &[DataFile],
) -> PageContext {
    let fig = figures
        .iter()
        .map(|f| {
            let svg = match f.svg.find("<svg") {
                Some(start) => f.svg[start..].to_string(),
                None => f.svg.clone(),
            };
            let context = FigureContext {
                file: format!("{FIGURES_DIR}/{}", f.file_name),
                title: f.title,
                svg,
            };
            (template_key(f.id), context)
        })
        .collect();
    let downloads = downloads
        .iter()
        .map(|d| {
            let embedded = d.bytes.len() <= EMBED_CSV_LIMIT;
            let href = if embedded {
                format!(
                    "data:text/csv;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(&d.bytes)
                )
            } else {
                d.path.clone()
            };
            DownloadContext {
                name: d.name,
                file: d.path.clone(),
                href,
                embedded,
                size: format!("{} KiB", count(d.bytes.len().div_ceil(1024))),
            }
        })
        .collect();
    let separable_zero = study
        .separable_fits
        .iter()
        .find(|f| f.lambda == 0.0)
        .map(|f| fit_context(&f.result, Some(f)));
    let regularised: Vec<&LogisticFit> = study
        .separable_fits
        .iter()
        .filter(|f| f.lambda > 0.0)
        .collect();
    let confirmed = regularised.iter().filter(|f| f.confirmed()).count();
    let max_iterations = match study.config.max_iterations {
        Some(limit) => count(limit as usize),
        None => format!("{MAX_ITERS_PER_PARAMETER} per parameter"),
    };
    PageContext {
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
        max_iterations,
        fig,
        downloads,
        demo: fit_context(&study.optimizer_demo, None),
        fuzzy_fit: fit_context(&study.fuzzy_fit.result, Some(&study.fuzzy_fit)),
        separable_fits: study
            .separable_fits
            .iter()
            .map(|f| fit_context(&f.result, Some(f)))
            .collect(),
        separable_zero,
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::StudyConfig;

    /// Remembers warnings.
    #[derive(Default)]
    struct Warnings(Vec<String>);

    impl Progress for Warnings {
        fn warn(&mut self, message: &str) {
            self.0.push(message.to_string());
        }
    }

    #[test]
    fn a_disagreement_is_shown_on_the_page_as_a_warning() {
        let config = Config::new(0, 100, "0,0.1", "unused".into(), None).unwrap();
        let mut study = study::run(&StudyConfig {
            lambdas: vec![0.0, 0.1],
            ..StudyConfig::default()
        })
        .unwrap();
        let contradiction = "the separable fit with lambda = 0.1 reports success, but …";
        study.separable_fits[1].newton.disagreement = Some(contradiction.into());
        study.fuzzy_fit.newton.disagreement = Some("the fuzzy fit disagrees".into());
        let figures = figures::render_all(&study).unwrap();
        let downloads = data_files(&study);
        let page = render_page(
            BUILT_IN_TEMPLATE,
            &page_context(&config, &study, &figures, &downloads),
        )
        .unwrap();
        assert!(page.contains(
            "<p class=\"warning\">Warning: The separable fit with lambda = 0.1 reports success, but …."
        ));
        assert!(page.contains("<p class=\"warning\">Warning: The fuzzy fit disagrees.</p>"));
        assert_eq!(page.matches("class=\"warning\"").count(), 2);
    }

    #[test]
    fn a_run_without_contradictions_warns_about_nothing() {
        let config = Config::new(0, 60, "0,0.1,10", "unused".into(), None).unwrap();
        let mut warnings = Warnings::default();
        let report = generate(&config, &mut warnings).unwrap();
        assert!(warnings.0.is_empty(), "{:?}", warnings.0);
        let page = String::from_utf8(report.artifacts[0].bytes.clone()).unwrap();
        assert!(!page.contains("class=\"warning\""));
    }
}
