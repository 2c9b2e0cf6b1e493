//! Properties of the objective over random data, weights and λ, and of the fits' verdicts over
//! seeds, N and λ.

use logreg_report::data::study_rng;
use logreg_report::fit::{DISTANCE_TOLERANCE, check_gradient};
use logreg_report::model::Lambda;
use logreg_report::model::separates;
use logreg_report::newton::newton;
use logreg_report::study::{DatasetName, W0, fit_logistic};
use logreg_report::{Dataset, LogisticObjective, Objective};
use proptest::prelude::*;

fn dataset() -> impl Strategy<Value = Dataset> {
    (2usize..300).prop_flat_map(|n| {
        (
            prop::collection::vec(-10.0f64..10.0, n),
            prop::collection::vec(-10.0f64..10.0, n),
            prop::collection::vec(prop::bool::ANY, n),
        )
            .prop_map(|(x1, x2, labels)| {
                let labels: Vec<f64> = labels.into_iter().map(f64::from).collect();
                Dataset::new(x1, x2, &labels).expect("generated data is valid")
            })
    })
}

fn weights() -> impl Strategy<Value = [f64; 3]> {
    prop::array::uniform3(-20.0f64..20.0)
}

fn value(objective: &LogisticObjective<'_>, w: [f64; 3]) -> f64 {
    let mut grad = [0.0; 3];
    objective.value_and_gradient(&w, &mut grad)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn analytic_gradient_matches_its_independent_reference(
        data in dataset(), w in weights(), lambda in 0.0f64..100.0
    ) {
        let objective = LogisticObjective::new(&data, Lambda::new(lambda).unwrap());
        let check = check_gradient(&objective, &w);
        prop_assert!(check.relative <= 1e-6, "relative error {}", check.relative);
    }

    #[test]
    fn objective_is_finite_and_non_negative(
        data in dataset(), w in prop::array::uniform3(-1e4f64..1e4), lambda in 0.0f64..100.0
    ) {
        let objective = LogisticObjective::new(&data, Lambda::new(lambda).unwrap());
        let mut grad = [0.0; 3];
        let e = objective.value_and_gradient(&w, &mut grad);
        prop_assert!(e.is_finite() && e >= 0.0, "E = {e}");
        prop_assert!(grad.iter().all(|g| g.is_finite()), "{grad:?}");
    }

    #[test]
    fn objective_is_convex_along_random_lines(
        data in dataset(), a in weights(), b in weights(), t in 0.0f64..1.0, lambda in 0.0f64..10.0
    ) {
        let objective = LogisticObjective::new(&data, Lambda::new(lambda).unwrap());
        let between: [f64; 3] = std::array::from_fn(|k| (1.0 - t) * a[k] + t * b[k]);
        let (ea, eb, em) = (value(&objective, a), value(&objective, b), value(&objective, between));
        let chord = (1.0 - t) * ea + t * eb;
        prop_assert!(em <= chord + 1e-9 * chord.abs().max(1.0), "E(mid) = {em} > chord {chord}");
    }
}

/// The λ of the property tests: from barely regularised to heavily.
fn lambda() -> impl Strategy<Value = f64> {
    prop::sample::select(vec![1e-9, 1e-6, 1e-3, 0.1, 10.0, 1e3])
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

proptest! {
    // Each case draws both data sets and fits each twice (BFGS, and Newton from w0).
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// `success` is a claim about the distance to the optimum: Newton's method, run on its own
    /// from w0, must find the optimum within the stated tolerance of the fit's answer. From
    /// λ = 1e−6 up, the fit must also get there.
    #[test]
    fn success_means_within_the_tolerance_of_an_independent_optimum(
        seed in 0u64..10_000, n in 20usize..2000, lambda in lambda()
    ) {
        let mut rng = study_rng(seed);
        let fuzzy = Dataset::fuzzy(n, &mut rng).unwrap();
        let separable = Dataset::separable(n, &mut rng).unwrap();
        for (data, name) in [(&fuzzy, DatasetName::Fuzzy), (&separable, DatasetName::Separable)] {
            let fit = fit_logistic(data, name, Lambda::new(lambda).unwrap(), W0).unwrap();
            let r = &fit.result;
            if lambda >= 1e-6 {
                prop_assert!(r.success(), "{name:?} N={n} λ={lambda}: {}", r.message());
            }
            if r.success() {
                let objective = LogisticObjective::new(data, Lambda::new(lambda).unwrap());
                let optimum = newton(&objective, W0).unwrap();
                prop_assert!(optimum.success(), "{name:?} N={n} λ={lambda}: {}", optimum.message());
                let distance = (0..3).fold(0.0f64, |m, k| m.max((r.x[k] - optimum.x[k]).abs()));
                let tolerance = DISTANCE_TOLERANCE * max_abs(&optimum.x).max(1.0);
                prop_assert!(
                    distance <= tolerance,
                    "{name:?} N={n} λ={lambda}: {distance:e} from Newton's optimum, tolerance {tolerance:e}"
                );
                prop_assert!(r.distance_estimate.is_some_and(|e| e.value <= r.distance_tolerance));
                prop_assert_eq!(&fit.newton.disagreement, &None);
            } else {
                prop_assert!(r.status.code() != 0);
                prop_assert!(!r.message().starts_with("Converged"), "{}", r.message());
            }
        }
    }

    /// Without a penalty: separable data have no minimum (status 4, from both methods);
    /// overlapping data are an ordinary fit.
    #[test]
    fn without_a_penalty_separable_data_are_unbounded_and_overlapping_data_converge(
        seed in 0u64..10_000, n in 200usize..2000
    ) {
        let mut rng = study_rng(seed);
        let fuzzy = Dataset::fuzzy(n, &mut rng).unwrap();
        let separable = Dataset::separable(n, &mut rng).unwrap();
        let fit = fit_logistic(&separable, DatasetName::Separable, Lambda::new(0.0).unwrap(), W0).unwrap();
        prop_assert_eq!(fit.result.status.code(), 4, "{}", fit.result.message());
        prop_assert!(!fit.result.success());
        let w = [fit.result.x[0], fit.result.x[1], fit.result.x[2]];
        prop_assert!(separates(&separable, w));
        prop_assert_eq!(fit.newton.result.status.code(), 4, "{}", fit.newton.result.message());
        prop_assert_eq!(fit.newton.distance, None);

        // Two unit normal clouds 2.8 apart: about 8 % of each lies beyond the midline, so
        // with 100 points a side no line separates them.
        let fit = fit_logistic(&fuzzy, DatasetName::Fuzzy, Lambda::new(0.0).unwrap(), W0).unwrap();
        prop_assert!(fit.result.success(), "{}", fit.result.message());
        prop_assert!(fit.confirmed(), "{:?}", fit.newton);
    }
}
