//! Properties of the objective over random data, weights and λ.

use logreg_report::fit::check_gradient;
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
    fn analytic_gradient_matches_finite_differences(
        data in dataset(), w in weights(), lambda in 0.0f64..100.0
    ) {
        let objective = LogisticObjective::new(&data, lambda).unwrap();
        let check = check_gradient(&objective, &w);
        prop_assert!(check.relative <= 1e-6, "relative error {}", check.relative);
    }

    #[test]
    fn objective_is_finite_and_non_negative(
        data in dataset(), w in prop::array::uniform3(-1e4f64..1e4), lambda in 0.0f64..100.0
    ) {
        let objective = LogisticObjective::new(&data, lambda).unwrap();
        let mut grad = [0.0; 3];
        let e = objective.value_and_gradient(&w, &mut grad);
        prop_assert!(e.is_finite() && e >= 0.0, "E = {e}");
        prop_assert!(grad.iter().all(|g| g.is_finite()), "{grad:?}");
    }

    #[test]
    fn objective_is_convex_along_random_lines(
        data in dataset(), a in weights(), b in weights(), t in 0.0f64..1.0, lambda in 0.0f64..10.0
    ) {
        let objective = LogisticObjective::new(&data, lambda).unwrap();
        let between: [f64; 3] = std::array::from_fn(|k| (1.0 - t) * a[k] + t * b[k]);
        let (ea, eb, em) = (value(&objective, a), value(&objective, b), value(&objective, between));
        let chord = (1.0 - t) * ea + t * eb;
        prop_assert!(em <= chord + 1e-9 * chord.abs().max(1.0), "E(mid) = {em} > chord {chord}");
    }
}
