//! The experiments of the study, in the order of the report, returned as plain data.

use crate::data::{Dataset, study_rng};
use crate::error::{Error, Result};
use crate::fit::{BfgsOptions, FitResult, minimize_bfgs, minimize_bfgs_with};
use crate::model::{LogisticObjective, OptimizerDemo};
use crate::newton::{NewtonResult, inverse_spd, newton};

/// Every fit starts here: w = [b, w1, w2] = [2, 1.5, −2].
pub const W0: [f64; 3] = [2.0, 1.5, -2.0];
/// The regularisation strength of the fit on the fuzzy data (experiment 7).
pub const FUZZY_LAMBDA: f64 = 0.1;
/// The strengths compared on the separable data (experiment 9), unless the user picks others.
pub const DEFAULT_LAMBDAS: [f64; 3] = [0.0, 0.1, 10.0];
/// The optimiser demo starts at x0 = 3.
pub const DEMO_X0: f64 = 3.0;
/// The default number of points per data set.
pub const DEFAULT_N: usize = 100;
/// The default seed.
pub const DEFAULT_SEED: u64 = 0;

/// Which data set a fit used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatasetName {
    /// Two overlapping normal clouds.
    Fuzzy,
    /// Two uniform squares that a line separates.
    Separable,
}

impl DatasetName {
    /// The name used in files and results: "fuzzy" or "separable".
    pub fn as_str(self) -> &'static str {
        match self {
            DatasetName::Fuzzy => "fuzzy",
            DatasetName::Separable => "separable",
        }
    }
}

/// What a study run is asked to do.
#[derive(Clone, Debug, PartialEq)]
pub struct StudyConfig {
    /// Seed of the one generator that draws both data sets.
    pub seed: u64,
    /// Points per data set.
    pub n: usize,
    /// Regularisation strengths compared on the separable data.
    pub lambdas: Vec<f64>,
}

impl Default for StudyConfig {
    fn default() -> Self {
        StudyConfig {
            seed: DEFAULT_SEED,
            n: DEFAULT_N,
            lambdas: DEFAULT_LAMBDAS.to_vec(),
        }
    }
}

/// Newton's answer beside BFGS's.
#[derive(Clone, Debug, PartialEq)]
pub struct NewtonCheck {
    /// Newton's optimum.
    pub result: NewtonResult,
    /// max |x_BFGS − x_Newton| over the three weights.
    pub distance: f64,
}

/// One logistic-regression fit with everything the report says about it.
#[derive(Clone, Debug)]
pub struct LogisticFit {
    /// The data set fitted.
    pub dataset: DatasetName,
    /// L2 strength.
    pub lambda: f64,
    /// Starting point.
    pub w0: [f64; 3],
    /// BFGS's result.
    pub result: FitResult,
    /// Newton's cross-check (only for λ > 0).
    pub newton: Option<NewtonCheck>,
    /// Share of training points on the right side of σ = 1/2.
    pub accuracy: f64,
    /// ‖w‖₂ of the fitted weights.
    pub weight_norm: f64,
}

/// Everything the study computed.
#[derive(Clone, Debug)]
pub struct Study {
    /// The configuration that produced it.
    pub config: StudyConfig,
    /// Experiment 1's data.
    pub fuzzy: Dataset,
    /// Experiment 8's data.
    pub separable: Dataset,
    /// Experiment 5: BFGS on f(x) = x² − 2x from x0 = 3.
    pub optimizer_demo: FitResult,
    /// Experiment 7: the fit on the fuzzy data with λ = 0.1.
    pub fuzzy_fit: LogisticFit,
    /// Experiment 9: fits on the separable data, one per λ.
    pub separable_fits: Vec<LogisticFit>,
}

impl Study {
    /// All logistic fits in report order: the fuzzy one, then the separable ones.
    pub fn fits(&self) -> impl Iterator<Item = &LogisticFit> {
        std::iter::once(&self.fuzzy_fit).chain(&self.separable_fits)
    }
}

/// Gradient-checks and fits one data set with one λ from `w0`, cross-checked by Newton's
/// method when λ > 0.
pub fn fit_logistic(
    data: &Dataset,
    dataset: DatasetName,
    lambda: f64,
    w0: [f64; 3],
) -> Result<LogisticFit> {
    let objective = LogisticObjective::new(data, lambda)?;
    let result = bfgs_fit(&objective, w0)?;
    let newton = if lambda > 0.0 {
        // Newton starts where BFGS ended: if that point were not the optimum, Newton's
        // quadratically convergent steps would leave it, and the distance would show it.
        // Starting there costs two or three passes instead of ten to twenty from w0.
        let optimum = newton(&objective, [result.x[0], result.x[1], result.x[2]])?;
        let distance = (0..3).fold(0.0f64, |m, k| m.max((result.x[k] - optimum.x[k]).abs()));
        Some(NewtonCheck {
            result: optimum,
            distance,
        })
    } else {
        None
    };
    let w = [result.x[0], result.x[1], result.x[2]];
    Ok(LogisticFit {
        dataset,
        lambda,
        w0,
        accuracy: training_accuracy(data, w),
        weight_norm: w.iter().map(|v| v * v).sum::<f64>().sqrt(),
        result,
        newton,
    })
}

/// The BFGS fit of the study: gradient check, then BFGS from `w0`.
///
/// With λ > 0 the first inverse-Hessian estimate is the exact one at `w0` (one extra pass
/// over the data), so that the first step is a Newton step rather than a step as long as
/// the gradient, which at large N is millions: at N = 10⁶ this halves the passes. With
/// λ = 0 it is SciPy's identity: on separable data the optimum lies at infinity, Newton-sized
/// steps crawl towards it at constant length, and the identity's long first steps reach
/// the stopping rule several times sooner. Data whose Hessian is singular also gets the
/// identity.
pub fn bfgs_fit(objective: &LogisticObjective<'_>, w0: [f64; 3]) -> Result<FitResult> {
    let initial_inverse_hessian = if objective.lambda() > 0.0 {
        let (_, _, hessian) = objective.value_gradient_hessian(w0);
        inverse_spd(hessian).map(|h| ndarray::arr2(&h))
    } else {
        None
    };
    let options = BfgsOptions {
        initial_inverse_hessian,
        ..BfgsOptions::default()
    };
    minimize_bfgs_with(objective, &w0, &options)
}

/// The share of points whose label the model predicts (σ(z) ≥ 1/2 means label 1).
pub fn training_accuracy(data: &Dataset, w: [f64; 3]) -> f64 {
    let right = (0..data.len())
        .filter(|&i| {
            let z = w[0] + w[1] * data.x1()[i] + w[2] * data.x2()[i];
            (z >= 0.0) == (data.labels()[i] == 1)
        })
        .count();
    right as f64 / data.len() as f64
}

/// Runs the experiments of the study in order.
pub fn run(config: &StudyConfig) -> Result<Study> {
    if config.lambdas.is_empty() {
        return Err(Error::InvalidParameter(
            "at least one lambda is needed for the separable fits".into(),
        ));
    }
    if let Some(&bad) = config
        .lambdas
        .iter()
        .find(|l| !(l.is_finite() && **l >= 0.0))
    {
        return Err(Error::InvalidLambda(bad));
    }
    let mut rng = study_rng(config.seed);
    let fuzzy = Dataset::fuzzy(config.n, &mut rng)?;
    let separable = Dataset::separable(config.n, &mut rng)?;
    let optimizer_demo = minimize_bfgs(&OptimizerDemo, &[DEMO_X0])?;
    let fuzzy_fit = fit_logistic(&fuzzy, DatasetName::Fuzzy, FUZZY_LAMBDA, W0)?;
    let separable_fits = config
        .lambdas
        .iter()
        .map(|&lambda| fit_logistic(&separable, DatasetName::Separable, lambda, W0))
        .collect::<Result<Vec<_>>>()?;
    Ok(Study {
        config: config.clone(),
        fuzzy,
        separable,
        optimizer_demo,
        fuzzy_fit,
        separable_fits,
    })
}
