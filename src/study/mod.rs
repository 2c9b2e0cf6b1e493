//! The experiments of the study, in the order of the report, returned as plain data.

use std::sync::Arc;

use crate::data::{Dataset, study_rng};
use crate::descent;
use crate::fit::{BfgsOptions, FitResult, minimize_bfgs_with};
use crate::model::{Lambda, LogisticObjective, PassCount};
use crate::progress::{Progress, Silent, step};

mod demo;
mod error;
mod fits;
pub mod motion;
pub mod views;

pub use demo::OptimizerDemo;
pub use error::StudyError;
pub use fits::{DatasetName, FitPlan, LogisticFit, NewtonCheck, fit_logistic, training_accuracy};
pub use motion::{Convergence, Growth, Method, Trace, path_lambdas};
pub use views::{
    CONTOUR_LEVELS, CURVE_POINTS, CURVE_RANGE, ColourRamp, Curve, LOSS_WINDOW, LevelLine,
    PLANE_RANGE, Plane, Views,
};

/// Every fit starts here: w = [b, w1, w2] = [2, 1.5, −2].
pub const W0: [f64; 3] = [2.0, 1.5, -2.0];
/// The regularisation strength of the fit on the fuzzy data (experiment 7).
pub const FUZZY_LAMBDA: Lambda = Lambda::constant(0.1);
/// The strengths compared on the separable data (experiment 9), unless the user picks others.
pub const DEFAULT_LAMBDAS: [Lambda; 3] = [
    Lambda::constant(0.0),
    Lambda::constant(0.1),
    Lambda::constant(10.0),
];
/// The optimiser demo starts at x0 = 3.
pub const DEMO_X0: f64 = 3.0;
/// The default number of points per data set.
pub const DEFAULT_N: usize = 100;
/// The default seed.
pub const DEFAULT_SEED: u64 = 0;

/// What a study run is asked to do.
#[derive(Clone, Debug, PartialEq)]
pub struct StudyConfig {
    /// Seed of the one generator that draws both data sets.
    pub seed: u64,
    /// Points per data set.
    pub n: usize,
    /// Regularisation strengths compared on the separable data.
    pub lambdas: Vec<Lambda>,
    /// The iteration limit of every BFGS fit; `None` for SciPy's 200 per parameter.
    pub max_iterations: Option<u64>,
}

impl Default for StudyConfig {
    fn default() -> Self {
        StudyConfig {
            seed: DEFAULT_SEED,
            n: DEFAULT_N,
            lambdas: DEFAULT_LAMBDAS.to_vec(),
            max_iterations: None,
        }
    }
}

/// Everything the study computed.
#[derive(Clone, Debug)]
pub struct Study {
    /// The configuration that produced it.
    pub config: StudyConfig,
    /// Experiment 1's data.
    pub fuzzy: Arc<Dataset>,
    /// Experiment 8's data.
    pub separable: Arc<Dataset>,
    /// Experiment 5: BFGS on f(x) = x² − 2x from x0 = 3.
    pub optimizer_demo: FitResult,
    /// Experiment 7: the fit on the fuzzy data with λ = 0.1.
    pub fuzzy_fit: LogisticFit,
    /// Experiment 9: fits on the separable data, one per λ.
    pub separable_fits: Vec<LogisticFit>,
    /// Gradient descent on the fuzzy fit's objective from w0 (figure 10).
    pub descent: crate::descent::DescentResult,
    /// The regularisation path: a warm-started fit of the separable data at each λ of
    /// [`path_lambdas`], in increasing λ.
    pub path: Vec<LogisticFit>,
    /// Every number the figures draw.
    pub views: Views,
    /// The passes over the data the study made.
    pub passes: StudyPasses,
}

/// The passes over the data a study made, by what made them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct StudyPasses {
    /// The fits and their cross-checks, all data sets together (the sum over the fits).
    pub fits: PassCount,
    /// The regularisation path's fits and cross-checks (the sum over them).
    pub path: PassCount,
    /// Gradient descent on the fuzzy data, its certificate included (passes made: an
    /// evaluation at a point already passed over is recalled).
    pub gradient_descent: u64,
    /// The gradient check's independent reference: one pass per data set at w0, and one per
    /// fit of the path started elsewhere.
    pub gradient_check_reference: u64,
    /// Figure 6's loss along w1: one pass computing all its points.
    pub loss_curve: u64,
    /// Every pass above.
    pub total: u64,
}

impl Study {
    /// All logistic fits in report order: the fuzzy one, then the separable ones.
    pub fn fits(&self) -> impl Iterator<Item = &LogisticFit> {
        std::iter::once(&self.fuzzy_fit).chain(&self.separable_fits)
    }

    /// Every contradiction between a fit and its cross-check, in report order.
    pub fn disagreements(&self) -> impl Iterator<Item = &str> {
        self.fits().filter_map(|f| f.newton.disagreement.as_deref())
    }
}

/// Runs the experiments of the study in order.
pub fn run(config: &StudyConfig) -> Result<Study, StudyError> {
    run_with(config, &mut Silent)
}

/// [`run`], telling `progress` as each part starts and ends (at large N they take seconds).
pub fn run_with(config: &StudyConfig, progress: &mut dyn Progress) -> Result<Study, StudyError> {
    if config.lambdas.is_empty() {
        return Err(StudyError::NoLambdas);
    }
    let (fuzzy, separable) = step(progress, "data", || {
        let mut rng = study_rng(config.seed);
        let fuzzy = Dataset::fuzzy(config.n, &mut rng)?;
        Ok::<_, StudyError>((fuzzy, Dataset::separable(config.n, &mut rng)?))
    })?;
    let demo_options = BfgsOptions {
        max_iters: config.max_iterations,
        ..BfgsOptions::default()
    };
    let optimizer_demo = minimize_bfgs_with(&OptimizerDemo, &[DEMO_X0], &demo_options)?;
    let plan_for = |data, name| FitPlan::new(data, name, W0, config.max_iterations);
    let fuzzy_fit = step(progress, "gradient check and fit, fuzzy data", || {
        plan_for(&fuzzy, DatasetName::Fuzzy).fit(FUZZY_LAMBDA)
    })?;
    let (separable_fits, path) = step(progress, "gradient check and fits, separable data", || {
        let plan = plan_for(&separable, DatasetName::Separable);
        let fits = config
            .lambdas
            .iter()
            .map(|&lambda| plan.fit(lambda))
            .collect::<Result<Vec<_>, _>>()?;
        Ok::<_, StudyError>((fits, motion::path(&plan)?))
    })?;
    // On passes of its own; an evaluation at a point already passed over is recalled.
    let (descent, descent_passes) = step(progress, "gradient descent, fuzzy data", || {
        let objective = LogisticObjective::new(&fuzzy, FUZZY_LAMBDA);
        let result = descent::gradient_descent(&objective, W0, descent::MAX_ITERATIONS)?;
        Ok::<_, StudyError>((result, objective.passes().total()))
    })?;
    let views = step(progress, "curves and lines for the figures", || {
        Ok::<_, StudyError>(views::compute(
            W0,
            optimizer_demo.x[0],
            &fuzzy,
            &fuzzy_fit,
            &separable_fits,
            (&descent, &path),
        ))
    })?;
    let sum = |fits: &[LogisticFit]| {
        fits.iter()
            .fold(PassCount::default(), |s, f| s.plus(&f.passes))
    };
    let (fits, path_passes) = (fuzzy_fit.passes.plus(&sum(&separable_fits)), sum(&path));
    // One reference pass per data set at w0, and one per fit of the path started elsewhere.
    let gradient_check_reference = 2 + path.iter().filter(|f| f.w0 != W0).count() as u64;
    let passes = StudyPasses {
        fits,
        path: path_passes,
        gradient_descent: descent_passes,
        gradient_check_reference,
        loss_curve: 1,
        total: fits.total() + path_passes.total() + descent_passes + gradient_check_reference + 1,
    };
    Ok(Study {
        config: config.clone(),
        fuzzy: Arc::new(fuzzy),
        separable: Arc::new(separable),
        optimizer_demo,
        fuzzy_fit,
        separable_fits,
        descent,
        path,
        views,
        passes,
    })
}
