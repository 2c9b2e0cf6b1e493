//! The experiments of the study, in the order of the report, returned as plain data.

use std::sync::Arc;

use crate::data::{Dataset, study_rng};
use crate::error::{Error, Result};
use crate::fit::{BfgsOptions, FitResult, Status, minimize_bfgs_with};
use crate::model::{Lambda, LogisticObjective, PassCount, Passes, add_penalty_gradient};
use crate::newton::{NewtonResult, inverse_spd, newton};
use crate::numbers::two_digits;
use crate::progress::{Progress, step};

mod demo;
pub mod views;

pub use demo::OptimizerDemo;
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

/// Newton's method from w0 beside BFGS: the independent cross-check of a fit.
#[derive(Clone, Debug, PartialEq)]
pub struct NewtonCheck {
    /// Newton's own result, with its own status.
    pub result: NewtonResult,
    /// max |x_BFGS − x_Newton| over the three weights, when Newton converged (a Newton run
    /// that failed has no optimum to measure against).
    pub distance: Option<f64>,
    /// A sentence saying how the cross-check contradicts BFGS's verdict, if it does: BFGS
    /// reports success and Newton's optimum lies beyond the tolerance or Newton failed, or
    /// BFGS found no minimum where Newton converged.
    pub disagreement: Option<String>,
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
    /// Newton's cross-check from w0.
    pub newton: NewtonCheck,
    /// Share of training points on the right side of σ = 1/2.
    pub accuracy: f64,
    /// ‖w‖₂ of the fitted weights.
    pub weight_norm: f64,
    /// The passes over the data this fit and its cross-check made (passes at points an
    /// earlier fit of the same data set had made are recalled, not counted again).
    pub passes: PassCount,
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
    /// The gradient check's independent reference: one pass per data set, at w0.
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

impl LogisticFit {
    /// True when BFGS converged and Newton's method from w0 converged to the same point
    /// within the tolerance.
    pub fn confirmed(&self) -> bool {
        self.result.success()
            && self.newton.result.success()
            && self
                .newton
                .distance
                .is_some_and(|d| d <= self.newton.result.distance_tolerance)
    }

    /// "the separable fit with lambda = 0.1", for messages.
    pub fn describe(&self) -> String {
        format!(
            "the {} fit with lambda = {}",
            self.dataset.as_str(),
            crate::numbers::short(self.lambda)
        )
    }
}

/// Fits of one data set from one starting point, at any λ. The part of the gradient check
/// that does not depend on λ (the independent reference gradient of the data term at w0, one
/// pass over the data) is computed once, here.
pub struct FitPlan<'a> {
    data: &'a Dataset,
    dataset: DatasetName,
    w0: [f64; 3],
    max_iterations: Option<u64>,
    reference_at_w0: [f64; 3],
    /// The data set's passes, shared by the fits at every λ (see [`crate::model::Passes`]).
    passes: Arc<Passes>,
}

impl<'a> FitPlan<'a> {
    /// Prepares fits of `data` from `w0` under an iteration limit (`None`: SciPy's).
    pub fn new(
        data: &'a Dataset,
        dataset: DatasetName,
        w0: [f64; 3],
        max_iterations: Option<u64>,
    ) -> Self {
        let (_, reference_at_w0) = crate::reference::data_loss_and_gradient(data, w0);
        FitPlan {
            data,
            dataset,
            w0,
            max_iterations,
            reference_at_w0,
            passes: Arc::new(Passes::new()),
        }
    }

    /// The passes made over the data set by this plan's fits so far.
    pub fn passes(&self) -> PassCount {
        self.passes.count()
    }

    /// Gradient-checks and fits with strength `lambda`, then cross-checks by Newton's method
    /// from w0.
    pub fn fit(&self, lambda: Lambda) -> Result<LogisticFit> {
        let before = self.passes.count();
        let objective = LogisticObjective::sharing(self.data, lambda, &self.passes);
        let reference = add_penalty_gradient(self.reference_at_w0, lambda.get(), self.w0);
        let options = BfgsOptions {
            max_iters: self.max_iterations,
            reference_gradient: Some(reference.to_vec()),
            ..BfgsOptions::default()
        };
        // From w0, not from BFGS's answer: a cross-check that started where BFGS ended would
        // inherit its starting point, and could not fail in a way of its own. It runs first:
        // its pass at w0 (with the Hessian) then serves BFGS's start, first inverse Hessian
        // and gradient check, and its first trial point is BFGS's, so BFGS recalls both
        // instead of passing over the data again (the results are the same bits either way).
        let cross_check = newton(&objective, self.w0)?;
        let result = bfgs_fit_with(&objective, self.w0, options)?;
        let w = [result.x[0], result.x[1], result.x[2]];
        let distance = cross_check
            .success()
            .then(|| (0..3).fold(0.0f64, |m, k| m.max((w[k] - cross_check.x[k]).abs())));
        let mut fit = LogisticFit {
            passes: self.passes.count().since(&before),
            dataset: self.dataset,
            lambda: lambda.get(),
            w0: self.w0,
            accuracy: training_accuracy(self.data, w),
            weight_norm: w.iter().map(|v| v * v).sum::<f64>().sqrt(),
            result,
            newton: NewtonCheck {
                result: cross_check,
                distance,
                disagreement: None,
            },
        };
        fit.newton.disagreement = disagreement(&fit);
        Ok(fit)
    }
}

/// How Newton's answer contradicts BFGS's verdict, if it does.
fn disagreement(fit: &LogisticFit) -> Option<String> {
    let (bfgs, newton) = (&fit.result, &fit.newton.result);
    let what = fit.describe();
    match (&bfgs.status, &newton.status) {
        (Status::Converged, Status::Converged) => {
            let distance = fit.newton.distance?;
            (distance > newton.distance_tolerance).then(|| {
                format!(
                    "{what} reports success, but Newton's method from w0 ends {} away from \
                     it, beyond the tolerance {}",
                    two_digits(distance),
                    two_digits(newton.distance_tolerance)
                )
            })
        }
        (Status::Converged, other) => Some(format!(
            "{what} reports success, but Newton's method from w0 did not confirm it (status \
             {}: {})",
            other.code(),
            newton.message()
        )),
        (Status::Unbounded(_), Status::Converged) => Some(format!(
            "{what} found no minimum, but Newton's method from w0 converged to [{}]",
            newton.x.map(crate::numbers::short).join(", ")
        )),
        _ => None,
    }
}

/// Gradient-checks and fits one data set with one λ from `w0`, cross-checked by Newton's
/// method from `w0`.
pub fn fit_logistic(
    data: &Dataset,
    dataset: DatasetName,
    lambda: Lambda,
    w0: [f64; 3],
) -> Result<LogisticFit> {
    FitPlan::new(data, dataset, w0, None).fit(lambda)
}

/// The BFGS fit of the study: gradient check, then BFGS from `w0`.
pub fn bfgs_fit(objective: &LogisticObjective<'_>, w0: [f64; 3]) -> Result<FitResult> {
    bfgs_fit_with(objective, w0, BfgsOptions::default())
}

/// [`bfgs_fit`] with explicit options (the iteration limit, a precomputed reference gradient).
///
/// With λ > 0 the first inverse-Hessian estimate is the exact one at `w0` (one extra pass
/// over the data), so that the first step is a Newton step rather than a step as long as
/// the gradient, which at large N is millions: at N = 10⁶ this halves the passes. With
/// λ = 0 it is SciPy's identity: on separable data the optimum lies at infinity, Newton-sized
/// steps crawl towards it at constant length, and the identity's long first steps reach
/// the stopping rule several times sooner. Data whose Hessian is singular also gets the
/// identity.
pub fn bfgs_fit_with(
    objective: &LogisticObjective<'_>,
    w0: [f64; 3],
    mut options: BfgsOptions,
) -> Result<FitResult> {
    if options.initial_inverse_hessian.is_none() && objective.lambda() > 0.0 {
        let (_, _, hessian) = objective.value_gradient_hessian(w0);
        options.initial_inverse_hessian = inverse_spd(hessian).map(|h| ndarray::arr2(&h));
    }
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
    run_with(config, &mut crate::progress::Silent)
}

/// [`run`], telling `progress` as each part starts and ends (at large N they take seconds).
pub fn run_with(config: &StudyConfig, progress: &mut dyn Progress) -> Result<Study> {
    if config.lambdas.is_empty() {
        return Err(Error::NoLambdas);
    }
    let (fuzzy, separable) = step(progress, "data", || {
        let mut rng = study_rng(config.seed);
        let fuzzy = Dataset::fuzzy(config.n, &mut rng)?;
        Ok((fuzzy, Dataset::separable(config.n, &mut rng)?))
    })?;
    let demo_options = BfgsOptions {
        max_iters: config.max_iterations,
        ..BfgsOptions::default()
    };
    let optimizer_demo = minimize_bfgs_with(&OptimizerDemo, &[DEMO_X0], &demo_options)?;
    let fuzzy_fit = step(progress, "gradient check and fit, fuzzy data", || {
        FitPlan::new(&fuzzy, DatasetName::Fuzzy, W0, config.max_iterations).fit(FUZZY_LAMBDA)
    })?;
    let separable_fits = step(progress, "gradient check and fits, separable data", || {
        let plan = FitPlan::new(
            &separable,
            DatasetName::Separable,
            W0,
            config.max_iterations,
        );
        config
            .lambdas
            .iter()
            .map(|&lambda| plan.fit(lambda))
            .collect::<Result<Vec<_>>>()
    })?;
    let views = step(progress, "curves and lines for the figures", || {
        Ok(views::compute(
            W0,
            optimizer_demo.x[0],
            &fuzzy,
            &fuzzy_fit,
            &separable_fits,
        ))
    })?;
    let fits = std::iter::once(&fuzzy_fit)
        .chain(&separable_fits)
        .fold(PassCount::default(), |sum, f| sum.plus(&f.passes));
    let (gradient_check_reference, loss_curve) = (2, 1);
    let passes = StudyPasses {
        fits,
        gradient_check_reference,
        loss_curve,
        total: fits.total() + gradient_check_reference + loss_curve,
    };
    Ok(Study {
        config: config.clone(),
        fuzzy: Arc::new(fuzzy),
        separable: Arc::new(separable),
        optimizer_demo,
        fuzzy_fit,
        separable_fits,
        views,
        passes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_fit(lambda: f64) -> LogisticFit {
        let data = Dataset::separable(100, &mut study_rng(0)).unwrap();
        fit_logistic(
            &data,
            DatasetName::Separable,
            Lambda::new(lambda).unwrap(),
            W0,
        )
        .unwrap()
    }

    #[test]
    fn newton_far_from_a_successful_fit_is_a_disagreement() {
        let mut fit = default_fit(0.1);
        assert!(fit.confirmed());
        assert_eq!(disagreement(&fit), None);
        fit.newton.distance = Some(1e-3);
        let message = disagreement(&fit).unwrap();
        assert!(
            message.starts_with(
                "the separable fit with lambda = 0.1 reports success, but Newton's method from \
                 w0 ends 1.0e-3 away from it"
            ),
            "{message}"
        );
        assert!(!fit.confirmed());
    }

    #[test]
    fn a_failed_newton_beside_a_successful_fit_is_a_disagreement() {
        let mut fit = default_fit(10.0);
        fit.newton.result.status = Status::MaxIterations;
        fit.newton.distance = None;
        let message = disagreement(&fit).unwrap();
        assert!(
            message.contains("did not confirm it (status 1: "),
            "{message}"
        );
    }

    #[test]
    fn no_minimum_beside_a_converged_newton_is_a_disagreement() {
        let mut fit = default_fit(0.0);
        assert_eq!(fit.result.status.code(), 4);
        assert_eq!(disagreement(&fit), None);
        fit.newton.result.status = Status::Converged;
        assert!(disagreement(&fit).unwrap().contains("found no minimum"));
    }

    #[test]
    fn a_failed_fit_claims_nothing_to_disagree_with() {
        let mut fit = default_fit(0.1);
        fit.result.status = Status::MaxIterations;
        fit.newton.distance = Some(1.0);
        assert_eq!(disagreement(&fit), None);
    }
}
