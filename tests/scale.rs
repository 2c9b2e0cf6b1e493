//! Fits at N = 10⁶ and 10⁷ (fuzzy data, λ = 0.1) converge to Newton's answer.

use logreg_report::Dataset;
use logreg_report::data::study_rng;
use logreg_report::model::Lambda;
use logreg_report::study::{DatasetName, W0, fit_logistic};

fn check(n: usize) {
    let data = Dataset::fuzzy(n, &mut study_rng(0)).expect("valid n");
    let fit =
        fit_logistic(&data, DatasetName::Fuzzy, Lambda::new(0.1).unwrap(), W0).expect("fit runs");
    assert!(fit.result.success(), "N = {n}: {}", fit.result.message());
    let newton = fit.newton;
    assert!(
        newton.result.success(),
        "N = {n}: {}",
        newton.result.message()
    );
    let distance = newton.distance.expect("Newton converged");
    assert!(distance <= 1e-6, "N = {n}: {distance:e} from Newton");
    assert!(newton.result.jac.iter().all(|g| g.is_finite()));
    assert_eq!(newton.disagreement, None);
    // The answer is the population optimum's neighbourhood: w ≈ [0, −2, −2] for these clouds.
    assert!((fit.result.x[1] + 2.0).abs() < 0.05 && (fit.result.x[2] + 2.0).abs() < 0.05);
}

#[test]
fn a_million_points() {
    check(1_000_000);
}

#[test]
fn ten_million_points() {
    check(10_000_000);
}
