//! Fitting the study's data sets: the gradient check, BFGS, and Newton's cross-check from w0,
//! with what the report says of each fit, and the passes shared by the fits of a data set.

use std::sync::Arc;

use crate::data::Dataset;
use crate::fit::{BfgsOptions, FitError, FitResult, Status, minimize_bfgs_with};
use crate::linalg::inverse_spd;
use crate::model::{Lambda, LogisticObjective, PassCount, Passes, add_penalty_gradient};
use crate::newton::{NewtonResult, newton};
use crate::numbers::{short, two_digits};

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
            short(self.lambda)
        )
    }
}

/// Fits of one data set from one starting point, at any λ. The part of the gradient check
/// that does not depend on λ (the independent reference gradient of the data term at w0, one
/// pass over the data) is computed once, here.
pub struct FitPlan<'a> {
    data: &'a Dataset,
    dataset: DatasetName,
    /// Where the plan's fits start unless told otherwise.
    pub(super) w0: [f64; 3],
    max_iterations: Option<u64>,
    reference_at_w0: [f64; 3],
    /// The data set's passes, shared by the fits at every λ (see [`Passes`]).
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
        FitPlan {
            data,
            dataset,
            w0,
            max_iterations,
            reference_at_w0: crate::reference::data_loss_and_gradient(data, w0).1,
            passes: Arc::default(),
        }
    }

    /// Gradient-checks and fits with strength `lambda`, then cross-checks by Newton's method
    /// from w0.
    pub fn fit(&self, lambda: Lambda) -> Result<LogisticFit, FitError> {
        self.fit_from(lambda, self.w0)
    }

    /// [`FitPlan::fit`] from `start` instead of the plan's w0 (a warm start): the gradient
    /// check's reference at `start` then costs a pass of its own, which the plan's passes do
    /// not count.
    pub fn fit_from(&self, lambda: Lambda, start: [f64; 3]) -> Result<LogisticFit, FitError> {
        let before = self.passes.count();
        let objective = LogisticObjective::sharing(self.data, lambda, &self.passes);
        let data_part = match start == self.w0 {
            true => self.reference_at_w0,
            false => crate::reference::data_loss_and_gradient(self.data, start).1,
        };
        // From w0, not from BFGS's answer: a cross-check that started where BFGS ended would
        // inherit its starting point, and could not fail in a way of its own. It runs first:
        // its pass at w0 (with the Hessian) then serves BFGS's start, first inverse Hessian
        // and gradient check, and its first trial point is BFGS's, so BFGS recalls both
        // instead of passing over the data again (the results are the same bits either way).
        let cross_check = newton(&objective, start)?;
        // With λ > 0 BFGS's first inverse-Hessian estimate is the exact one at the start (one
        // extra pass over the data), so that the first step is a Newton step rather than a
        // step as long as the gradient, which at large N is millions: at N = 10⁶ this halves
        // the passes. With λ = 0 it is SciPy's identity: on separable data the optimum lies at
        // infinity, Newton-sized steps crawl towards it at constant length, and the identity's
        // long first steps reach the stopping rule several times sooner. Data whose Hessian is
        // singular also gets the identity.
        let options = BfgsOptions {
            max_iters: self.max_iterations,
            initial_inverse_hessian: (lambda.get() > 0.0)
                .then(|| inverse_spd(objective.value_gradient_hessian(start).2))
                .flatten()
                .map(|h| ndarray::arr2(&h)),
            reference_gradient: Some(add_penalty_gradient(data_part, lambda.get(), start).to_vec()),
        };
        let result = minimize_bfgs_with(&objective, &start, &options)?;
        let w = [result.x[0], result.x[1], result.x[2]];
        let distance = cross_check
            .success()
            .then(|| (0..3).fold(0.0f64, |m, k| m.max((w[k] - cross_check.x[k]).abs())));
        let mut fit = LogisticFit {
            passes: self.passes.count().since(&before),
            dataset: self.dataset,
            lambda: lambda.get(),
            w0: start,
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
            newton.x.map(short).join(", ")
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
) -> Result<LogisticFit, FitError> {
    FitPlan::new(data, dataset, w0, None).fit(lambda)
}

/// The share of points whose label the model predicts (σ(z) ≥ 1/2 means label 1).
pub fn training_accuracy(data: &Dataset, w: [f64; 3]) -> f64 {
    let right = (0..data.len()).filter(|&i| {
        let z = w[0] + w[1] * data.x1()[i] + w[2] * data.x2()[i];
        (z >= 0.0) == (data.labels()[i] == 1)
    });
    right.count() as f64 / data.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::study_rng;
    use crate::study::W0;

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
