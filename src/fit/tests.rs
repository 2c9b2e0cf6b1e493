//! Tests of the fit: the gradient check, statuses, the certificate and the finishing steps.

use super::check::compare;
use super::solver::{BfgsState, portable_update};
use super::*;
use crate::model::Lambda;
use crate::study::OptimizerDemo;

/// BFGS with the default options.
fn minimize_bfgs<O: Objective + ?Sized>(objective: &O, w0: &[f64]) -> Result<FitResult, FitError> {
    minimize_bfgs_with(objective, w0, &BfgsOptions::default())
}

/// A gradient that is wrong by a constant.
struct WrongGradient;

impl Objective for WrongGradient {
    fn dim(&self) -> usize {
        2
    }
    fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
        grad[0] = 2.0 * w[0] + 0.01;
        grad[1] = 2.0 * w[1];
        w[0] * w[0] + w[1] * w[1]
    }
    fn name(&self) -> String {
        "a paraboloid with a wrong gradient".into()
    }
}

/// Rosenbrock's valley: BFGS needs dozens of iterations.
struct Rosenbrock;

impl Objective for Rosenbrock {
    fn dim(&self) -> usize {
        2
    }
    fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
        let (a, b) = (w[0], w[1]);
        grad[0] = -2.0 * (1.0 - a) - 400.0 * a * (b - a * a);
        grad[1] = 200.0 * (b - a * a);
        (1.0 - a).powi(2) + 100.0 * (b - a * a).powi(2)
    }
    fn name(&self) -> String {
        "Rosenbrock".into()
    }
}

#[test]
fn optimizer_demo_finds_x_equals_one() {
    let fit = minimize_bfgs(&OptimizerDemo, &[3.0]).unwrap();
    assert!(fit.success(), "{}", fit.message());
    assert!((fit.x[0] - 1.0).abs() < 1e-10, "{}", fit.x[0]);
    assert!((fit.fun + 1.0).abs() < 1e-15);
    assert!(fit.grad_check.error < 1e-6);
    assert_eq!(fit.grad_check.method, CheckMethod::Reference);
    let estimate = fit.distance_estimate.unwrap();
    assert_eq!(estimate.kind, EstimateKind::ExactNewton);
    assert!(estimate.value <= fit.distance_tolerance);
    assert!(
        fit.message().starts_with("Converged: "),
        "{}",
        fit.message()
    );
}

#[test]
fn a_wrong_gradient_is_refused_before_fitting() {
    let err = minimize_bfgs(&WrongGradient, &[1.0, 1.0]).unwrap_err();
    assert!(matches!(err, FitError::GradientCheck { .. }), "{err}");
    assert!(err.to_string().contains("gradient check failed"));
}

/// The logistic loss with a gradient that is wrong by a little in one component.
struct SlightlyWrong<'a>(crate::model::LogisticObjective<'a>);

impl Objective for SlightlyWrong<'_> {
    fn dim(&self) -> usize {
        3
    }
    fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
        let value = self.0.value_and_gradient(w, grad);
        grad[2] *= 1.0 + 1e-5;
        value
    }
    fn name(&self) -> String {
        "the logistic loss with a scaled gradient".into()
    }
    fn reference_gradient(&self, w: &[f64]) -> Option<Vec<f64>> {
        self.0.reference_gradient(w)
    }
}

#[test]
fn the_independent_reference_catches_a_wrong_logistic_gradient() {
    let data = crate::data::Dataset::fuzzy(500, &mut crate::data::study_rng(0)).unwrap();
    let objective = crate::model::LogisticObjective::new(&data, Lambda::new(0.1).unwrap());
    let right = check_gradient(&objective, &[2.0, 1.5, -2.0]);
    assert!(right.passed() && right.relative < 1e-12, "{right:?}");
    assert_eq!(right.method, CheckMethod::Reference);
    let err = minimize_bfgs(&SlightlyWrong(objective), &[2.0, 1.5, -2.0]).unwrap_err();
    assert!(matches!(err, FitError::GradientCheck { .. }), "{err}");
}

#[test]
fn running_out_of_iterations_is_not_success() {
    // Rosenbrock from (−1.2, 1) needs ~35 iterations; with 200 per parameter it converges,
    // and the same problem in 1 iteration must say it stopped.
    let fit = minimize_bfgs(&Rosenbrock, &[-1.2, 1.0]).unwrap();
    assert!(fit.success(), "{}", fit.message());
    assert!((fit.x[0] - 1.0).abs() < 1e-6 && (fit.x[1] - 1.0).abs() < 1e-6);

    let options = BfgsOptions {
        max_iters: Some(3),
        ..BfgsOptions::default()
    };
    let stopped = minimize_bfgs_with(&Rosenbrock, &[-1.2, 1.0], &options).unwrap();
    assert_eq!(stopped.status, Status::MaxIterations);
    assert!(!stopped.success());
    assert_eq!(stopped.status.code(), 1);
    assert_eq!(stopped.nit, 3);
    assert!(
        stopped
            .message()
            .starts_with("Stopped: the iteration limit (3)"),
        "{}",
        stopped.message()
    );
}

/// A bowl with its Hessian, so that a fit can be finished with Newton steps.
struct Bowl;

impl Objective for Bowl {
    fn dim(&self) -> usize {
        2
    }
    fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
        // Very different curvatures: along w1 a gradient of 6e−10 is still 3 away from
        // the optimum at (0, 3).
        grad[0] = 2.0 * w[0];
        grad[1] = 2e-10 * (w[1] - 3.0);
        w[0] * w[0] + 1e-10 * (w[1] - 3.0) * (w[1] - 3.0)
    }
    fn name(&self) -> String {
        "an elongated bowl".into()
    }
    fn second_order(&self, w: &[f64]) -> Option<crate::model::SecondOrder> {
        let mut gradient = vec![0.0; 2];
        let value = self.value_and_gradient(w, &mut gradient);
        let newton_step = Some(vec![gradient[0] / 2.0, gradient[1] / 2e-10]);
        Some(crate::model::SecondOrder {
            value,
            gradient,
            newton_step,
        })
    }
}

#[test]
fn a_tiny_gradient_alone_is_not_success_and_newton_steps_finish_the_fit() {
    // From (1, 0) BFGS's first line search lands near (0, 0), where the gradient and
    // BFGS's step are below 1e−9: its rules stop it 3 away from the optimum. The exact
    // Newton step sees the distance, and one Newton step removes it.
    let fit = minimize_bfgs(&Bowl, &[1.0, 0.0]).unwrap();
    assert!(fit.success(), "{}", fit.message());
    assert!(fit.finishing_steps >= 1, "{}", fit.message());
    assert!(
        (fit.x[1] - 3.0).abs() <= fit.distance_tolerance,
        "{:?}",
        fit.x
    );
    assert!(fit.nhev >= 1);
    assert!(fit.nit >= fit.finishing_steps);
    assert!(fit.nfev >= fit.nhev);
}

/// A paraboloid so steep that squaring its gradient overflows.
struct Steep;

impl Objective for Steep {
    fn dim(&self) -> usize {
        2
    }
    fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
        grad[0] = 2e300 * w[0];
        grad[1] = 2e300 * w[1];
        1e300 * (w[0] * w[0] + w[1] * w[1])
    }
    fn name(&self) -> String {
        "a steep paraboloid".into()
    }
}

#[test]
fn the_gradient_check_does_not_overflow_on_huge_gradients() {
    let check = check_gradient(&Steep, &[1.0, -1.0]);
    assert!(
        check.error.is_finite() && check.relative < 1e-6,
        "{check:?}"
    );
}

#[test]
fn bad_starting_points_are_errors() {
    assert!(minimize_bfgs(&OptimizerDemo, &[1.0, 2.0]).is_err());
    assert!(minimize_bfgs(&OptimizerDemo, &[f64::NAN]).is_err());
}

#[test]
fn status_codes_follow_scipy_and_add_unbounded() {
    assert_eq!(Status::Converged.code(), 0);
    assert_eq!(Status::MaxIterations.code(), 1);
    assert_eq!(Status::PrecisionLoss(String::new()).code(), 2);
    assert_eq!(Status::NotFinite.code(), 3);
    assert_eq!(Status::Unbounded(String::new()).code(), 4);
    assert!(Status::Converged.success());
    for failure in [
        Status::MaxIterations,
        Status::PrecisionLoss(String::new()),
        Status::NotFinite,
        Status::Unbounded(String::new()),
    ] {
        assert!(!failure.success());
    }
}

#[test]
fn the_portable_update_satisfies_the_secant_equation() {
    let h0 = ndarray::arr2(&[[2.0, 0.3, -0.1], [0.3, 1.0, 0.2], [-0.1, 0.2, 0.5]]);
    let state = |x: [f64; 3], g: [f64; 3]| {
        BfgsState::new()
            .param(Array1::from(x.to_vec()))
            .gradient(Array1::from(g.to_vec()))
            .inv_hessian(h0.clone())
    };
    let before = state([1.0, 2.0, 3.0], [0.5, -0.25, 1.0]);
    let after = portable_update(&before, state([0.9, 2.2, 2.7], [0.1, 0.05, 0.4]));
    let h1 = after.get_inv_hessian().unwrap();
    let s = Array1::from(vec![0.9 - 1.0, 2.2 - 2.0, 2.7 - 3.0]);
    let y = Array1::from(vec![0.1 - 0.5, 0.05 + 0.25, 0.4 - 1.0]);
    // BFGS's defining property: the new estimate maps y to s.
    let mapped = h1.dot(&y);
    for k in 0..3 {
        assert!((mapped[k] - s[k]).abs() < 1e-14, "{mapped} vs {s}");
    }
    assert!((h1 - &h1.t()).iter().all(|d| d.abs() < 1e-15), "symmetric");
}

#[test]
fn a_nan_gradient_fails_the_check() {
    let check = compare(&[1.0, f64::NAN], &[1.0, 2.0], CheckMethod::Reference);
    assert!(!check.passed(), "{check:?}");
}

#[test]
fn a_failed_line_search_still_counts_the_passes_made_before_it() {
    // H₀ = −I turns the first step uphill, and More–Thuente refuses it: argmin's line search
    // fails with the problem still inside it, after BFGS has evaluated w0.
    let options = BfgsOptions {
        initial_inverse_hessian: Some(-Array2::<f64>::eye(2)),
        ..BfgsOptions::default()
    };
    let fit = minimize_bfgs_with(&Rosenbrock, &[-1.2, 1.0], &options).unwrap();
    assert!(
        matches!(&fit.bfgs_stop, BfgsStop::Breakdown(why) if why.contains("line search")),
        "{:?}",
        fit.bfgs_stop
    );
    let passes: Vec<u64> = fit.iterates.iter().map(|i| i.passes).collect();
    assert!(passes[0] >= 1, "{passes:?}");
    assert!(passes.windows(2).all(|p| p[0] <= p[1]), "{passes:?}");
    assert_eq!(fit.nfev, *passes.last().unwrap(), "{passes:?}");
}
