//! `results.json`: every number of the run, in full precision, and each file's sha256.

use std::collections::BTreeMap;

use serde::Serialize;

use super::error::ReportError;
use crate::config::SiteUrl;
use crate::fit::{FitResult, Iterate};
use crate::output::{Ledger, MAX_RESULTS_BYTES};
use crate::study::{DEMO_X0, LogisticFit, Study, W0};

/// The whole file.
#[derive(Clone, Serialize)]
pub struct Results {
    /// The tool that wrote it.
    pub tool: &'static str,
    /// Its version.
    pub version: &'static str,
    /// The seed of the run.
    pub seed: u64,
    /// Points per data set.
    pub n: usize,
    /// The strengths compared on the separable data.
    pub lambdas: Vec<f64>,
    /// The address the report was made for (`site_url`), or null: with the seed, N and the
    /// strengths, every parameter the report was made with.
    pub site_url: Option<String>,
    /// Experiment 5.
    pub optimizer_demo: Optimisation,
    /// Experiments 7 and 9, in report order.
    pub fits: Vec<Fit>,
    /// Gradient descent on the fuzzy fit's objective from w0 (figure 10).
    pub gradient_descent: Descent,
    /// The regularisation path of the separable data: one fit per λ, in increasing λ, each
    /// started where the fit at the next larger λ ended (its `w0`).
    pub path: Vec<Fit>,
    /// The passes over the data the run made: the fits (each also lists its own), the
    /// gradient check's reference and the loss curve.
    pub passes: crate::study::StudyPasses,
    /// Each other file of the output folder → its sha256 in hex.
    pub artifacts: BTreeMap<String, String>,
}

/// scipy's `OptimizeResult` fields, plus what certifies the result and the gradient check.
#[derive(Clone, Serialize)]
pub struct Optimisation {
    /// Starting point.
    pub w0: Vec<f64>,
    /// The objective at `x`.
    pub fun: f64,
    /// The point where the fit ended: the minimiser when `success` is true.
    pub x: Vec<f64>,
    /// The gradient at `x`.
    pub jac: Vec<f64>,
    /// BFGS's inverse-Hessian estimate where its iterations ended, row by row.
    pub hess_inv: Vec<Vec<f64>>,
    /// Iterations, finishing Newton steps included.
    pub nit: u64,
    /// Objective evaluations.
    pub nfev: u64,
    /// Gradient evaluations.
    pub njev: u64,
    /// Evaluations that also computed the exact Hessian.
    pub nhev: u64,
    /// 0 converged, 1 iteration limit, 2 stopped short, 3 not finite, 4 no minimum.
    pub status: i32,
    /// True only when the distance estimate is within the tolerance (status 0).
    pub success: bool,
    /// How it ended and why.
    pub message: String,
    /// The fit's estimate of max |x − optimum|; null where there is no optimum or none
    /// could be computed.
    pub distance_estimate: Option<f64>,
    /// How the estimate was obtained.
    pub distance_estimate_kind: Option<&'static str>,
    /// The largest estimate that counts as converged: 1e-6·max(1, max |x|).
    pub distance_tolerance: f64,
    /// Newton steps taken after BFGS stopped (counted in `nit`).
    pub finishing_steps: u64,
    /// The iteration limit.
    pub max_iterations: u64,
    /// The check of the analytic gradient at `w0`.
    pub grad_check: GradCheck,
    /// Every iterate from `w0` to `x`: the weights, E, ‖∇E‖∞, the step's length and the
    /// passes over the data so far.
    pub iterates: Vec<Iterate>,
}

/// Gradient descent as stored.
#[derive(Clone, Serialize)]
pub struct Descent {
    /// Starting point.
    pub w0: Vec<f64>,
    /// The last iterate.
    pub x: Vec<f64>,
    /// E there.
    pub fun: f64,
    /// Iterations taken.
    pub nit: u64,
    /// Evaluations, the certificate's included (`passes.gradient_descent` counts the passes
    /// over the data they made).
    pub nfev: u64,
    /// The iteration limit.
    pub max_iterations: u64,
    /// Same codes as the fits'.
    pub status: i32,
    /// True only for status 0.
    pub success: bool,
    /// Every iterate from `w0` to `x`.
    pub iterates: Vec<Iterate>,
}

/// The gradient check as stored.
#[derive(Clone, Serialize)]
pub struct GradCheck {
    /// ‖analytic − reference‖₂.
    pub error: f64,
    /// The same relative to max(1, ‖analytic‖₂).
    pub relative: f64,
    /// The largest relative error accepted.
    pub tolerance: f64,
    /// What the analytic gradient was compared with.
    pub method: &'static str,
}

/// Newton's method from w0, the independent cross-check of a fit.
#[derive(Clone, Serialize)]
pub struct Newton {
    /// Its last iterate: the minimiser when `success` is true.
    pub x: Vec<f64>,
    /// The objective there.
    pub fun: f64,
    /// The gradient there.
    pub jac: Vec<f64>,
    /// Newton steps taken.
    pub nit: u64,
    /// Passes over the data.
    pub nfev: u64,
    /// Same codes as the fit's.
    pub status: i32,
    /// True only for status 0.
    pub success: bool,
    /// How it ended and why.
    pub message: String,
    /// Its own estimate of the distance to the optimum.
    pub distance_estimate: Option<f64>,
    /// max |x_fit − x_newton|; null unless Newton converged.
    pub distance: Option<f64>,
    /// How the cross-check contradicts the fit, if it does.
    pub disagreement: Option<String>,
    /// Every Newton iterate from `w0` to `x`, as the fit's.
    pub iterates: Vec<Iterate>,
}

/// One logistic fit.
#[derive(Clone, Serialize)]
pub struct Fit {
    /// "fuzzy" or "separable".
    pub dataset: &'static str,
    /// L2 strength.
    pub lambda: f64,
    /// The BFGS result.
    #[serde(flatten)]
    pub result: Optimisation,
    /// The cross-check.
    pub newton: Newton,
    /// Share of training points classified right.
    pub accuracy: f64,
    /// ‖x‖₂.
    pub weight_norm: f64,
    /// The passes over the data this fit and its cross-check made.
    pub passes: crate::model::PassCount,
}

fn optimisation(w0: &[f64], r: &FitResult) -> Optimisation {
    Optimisation {
        w0: w0.to_vec(),
        fun: r.fun,
        x: r.x.to_vec(),
        jac: r.jac.to_vec(),
        hess_inv: r.hess_inv.outer_iter().map(|row| row.to_vec()).collect(),
        nit: r.nit,
        nfev: r.nfev,
        njev: r.njev,
        nhev: r.nhev,
        status: r.status.code(),
        success: r.success(),
        message: r.message(),
        distance_estimate: r.distance_estimate.map(|e| e.value),
        distance_estimate_kind: r.distance_estimate.map(|e| e.kind.describe()),
        distance_tolerance: r.distance_tolerance,
        finishing_steps: r.finishing_steps,
        max_iterations: r.max_iters,
        grad_check: GradCheck {
            error: r.grad_check.error,
            relative: r.grad_check.relative,
            tolerance: r.grad_check.tolerance,
            method: r.grad_check.method.as_str(),
        },
        iterates: r.iterates.clone(),
    }
}

fn fit(f: &LogisticFit) -> Fit {
    let n = &f.newton.result;
    Fit {
        dataset: f.dataset.as_str(),
        lambda: f.lambda,
        result: optimisation(&f.w0, &f.result),
        newton: Newton {
            x: n.x.to_vec(),
            fun: n.fun,
            jac: n.jac.to_vec(),
            nit: n.nit,
            nfev: n.nfev,
            status: n.status.code(),
            success: n.success(),
            message: n.message(),
            distance_estimate: n.distance_estimate,
            distance: f.newton.distance,
            disagreement: f.newton.disagreement.clone(),
            iterates: n.iterates.clone(),
        },
        accuracy: f.accuracy,
        weight_norm: f.weight_norm,
        passes: f.passes,
    }
}

/// Every number of `study` for `results.json`, and the address the report is made for; the
/// files' hashes are added when they are made.
pub fn prepare(study: &Study, site_url: Option<&SiteUrl>) -> Results {
    Results {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        seed: study.config.seed,
        n: study.config.n,
        lambdas: study.config.lambdas.iter().map(|l| l.get()).collect(),
        site_url: site_url.map(|url| url.as_str().to_string()),
        optimizer_demo: optimisation(&[DEMO_X0], &study.optimizer_demo),
        fits: study.fits().map(fit).collect(),
        gradient_descent: Descent {
            w0: W0.to_vec(),
            x: study.descent.x.to_vec(),
            fun: study.descent.fun,
            nit: study.descent.nit,
            nfev: study.descent.nfev,
            max_iterations: crate::descent::MAX_ITERATIONS,
            status: study.descent.status.code(),
            success: study.descent.status.success(),
            iterates: study.descent.iterates.clone(),
        },
        path: study.path.iter().map(fit).collect(),
        passes: study.passes,
        artifacts: BTreeMap::new(),
    }
}

/// `results.json`: `results` with the sha256 of every file made before it. Refused where it
/// would be larger than the [`MAX_RESULTS_BYTES`] a later run or review reads of it: a marker
/// the next run could not read would leave it unable to tell its own files from the user's.
pub fn render(results: &Results, made: &Ledger) -> Result<Vec<u8>, ReportError> {
    let mut results = results.clone();
    results.artifacts = made
        .iter()
        .filter(|(path, _)| path.as_str() != crate::output::RESULTS)
        .map(|(path, m)| (path.clone(), m.sha256.clone()))
        .collect();
    let mut bytes = serde_json::to_vec_pretty(&results)?;
    bytes.push(b'\n');
    match bytes.len() as u64 {
        size if size > MAX_RESULTS_BYTES => Err(ReportError::ResultsTooLarge {
            size,
            limit: MAX_RESULTS_BYTES,
        }),
        _ => Ok(bytes),
    }
}
