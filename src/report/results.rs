//! `results.json`: every number of the run, in full precision, and each file's sha256.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::fit::FitResult;
use crate::output::Artifact;
use crate::study::{DEMO_X0, LogisticFit, Study};

/// The whole file.
#[derive(Serialize)]
pub struct Results<'a> {
    /// The tool that wrote it.
    pub tool: &'static str,
    /// Its version.
    pub version: &'static str,
    /// The seed of the run.
    pub seed: u64,
    /// Points per data set.
    pub n: usize,
    /// The strengths compared on the separable data.
    pub lambdas: &'a [f64],
    /// Experiment 5.
    pub optimizer_demo: Optimisation,
    /// Experiments 7 and 9, in report order.
    pub fits: Vec<Fit>,
    /// Each other file of the output folder → its sha256 in hex.
    pub artifacts: BTreeMap<String, String>,
}

/// scipy's `OptimizeResult` fields, plus the gradient check.
#[derive(Serialize)]
pub struct Optimisation {
    /// Starting point.
    pub w0: Vec<f64>,
    /// The objective at `x`.
    pub fun: f64,
    /// The minimiser found.
    pub x: Vec<f64>,
    /// The gradient at `x`.
    pub jac: Vec<f64>,
    /// BFGS's inverse-Hessian estimate, row by row.
    pub hess_inv: Vec<Vec<f64>>,
    /// Iterations.
    pub nit: u64,
    /// Objective evaluations.
    pub nfev: u64,
    /// Gradient evaluations.
    pub njev: u64,
    /// SciPy's status code.
    pub status: i32,
    /// Whether it converged.
    pub success: bool,
    /// Why it stopped.
    pub message: String,
    /// The central-difference check at `w0`.
    pub grad_check: GradCheck,
}

/// The gradient check as stored.
#[derive(Serialize)]
pub struct GradCheck {
    /// ‖analytic − numeric‖₂.
    pub error: f64,
    /// The same relative to max(1, ‖analytic‖₂).
    pub relative: f64,
    /// The largest relative error accepted.
    pub tolerance: f64,
}

/// One logistic fit.
#[derive(Serialize)]
pub struct Fit {
    /// "fuzzy" or "separable".
    pub dataset: &'static str,
    /// L2 strength.
    pub lambda: f64,
    /// The BFGS result.
    #[serde(flatten)]
    pub result: Optimisation,
    /// Newton's optimum, where λ > 0.
    pub newton_x: Option<Vec<f64>>,
    /// The objective at Newton's optimum.
    pub newton_fun: Option<f64>,
    /// max |x − newton_x|.
    pub newton_distance: Option<f64>,
    /// Share of training points classified right.
    pub accuracy: f64,
    /// ‖x‖₂.
    pub weight_norm: f64,
}

fn optimisation(w0: &[f64], r: &FitResult) -> Optimisation {
    Optimisation {
        w0: w0.to_vec(),
        fun: r.fun,
        x: r.x.to_vec(),
        jac: r.jac.to_vec(),
        hess_inv: r
            .hess_inv
            .rows()
            .into_iter()
            .map(|row| row.to_vec())
            .collect(),
        nit: r.nit,
        nfev: r.nfev,
        njev: r.njev,
        status: r.status.code(),
        success: r.success(),
        message: r.message(),
        grad_check: GradCheck {
            error: r.grad_check.error,
            relative: r.grad_check.relative,
            tolerance: r.grad_check.tolerance,
        },
    }
}

fn fit(f: &LogisticFit) -> Fit {
    Fit {
        dataset: f.dataset.as_str(),
        lambda: f.lambda,
        result: optimisation(&f.w0, &f.result),
        newton_x: f.newton.as_ref().map(|n| n.result.x.to_vec()),
        newton_fun: f.newton.as_ref().map(|n| n.result.fun),
        newton_distance: f.newton.as_ref().map(|n| n.distance),
        accuracy: f.accuracy,
        weight_norm: f.weight_norm,
    }
}

/// sha256 of `bytes` in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `results.json` for `study`, listing the hashes of `artifacts`.
pub fn render(study: &Study, artifacts: &[Artifact]) -> serde_json::Result<Vec<u8>> {
    let results = Results {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        seed: study.config.seed,
        n: study.config.n,
        lambdas: &study.config.lambdas,
        optimizer_demo: optimisation(&[DEMO_X0], &study.optimizer_demo),
        fits: study.fits().map(fit).collect(),
        artifacts: artifacts
            .par_iter()
            .map(|a| (a.path.clone(), sha256_hex(&a.bytes)))
            .collect::<Vec<_>>()
            .into_iter()
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&results)?;
    bytes.push(b'\n');
    Ok(bytes)
}
