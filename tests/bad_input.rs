//! Bad input gives an error value with a clear message, never a panic.

use logreg_report::data::{DataError, study_rng};
use logreg_report::model::{Lambda, MAX_LAMBDA, ModelError};
use logreg_report::study::{self, StudyConfig, StudyError};
use logreg_report::{Dataset, LogisticObjective};

fn two_points() -> Dataset {
    Dataset::new(vec![0.0, 1.0], vec![0.0, 1.0], &[0.0, 1.0]).expect("valid")
}

#[test]
fn fewer_than_two_points() {
    for n in [0, 1] {
        let err = Dataset::fuzzy(n, &mut study_rng(0)).unwrap_err();
        assert!(matches!(err, DataError::TooFewPoints { .. }));
        assert_eq!(
            err.to_string(),
            format!("a data set needs at least 2 points (one per class), got {n}")
        );
        assert!(Dataset::separable(n, &mut study_rng(0)).is_err());
        let err = study::run(&StudyConfig {
            n,
            ..StudyConfig::default()
        })
        .unwrap_err();
        assert!(matches!(
            err,
            StudyError::Data(DataError::TooFewPoints { .. })
        ));
    }
}

#[test]
fn an_empty_data_set() {
    let err = Dataset::new(vec![], vec![], &[]).unwrap_err();
    assert!(err.to_string().contains("at least 2 points"), "{err}");
}

/// A strength is checked once, where it is made: no objective or study can be given a bad one.
#[test]
fn lambda_negative_nan_or_infinite() {
    let above = MAX_LAMBDA * (1.0 + f64::EPSILON);
    for lambda in [
        -1.0,
        -1e-300,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        above,
        1e308,
    ] {
        let err = Lambda::new(lambda).expect_err("refused");
        assert!(matches!(err, ModelError::InvalidLambda { .. }));
        assert!(
            err.to_string()
                .starts_with("lambda must be a number from 0 to 1e100"),
            "{err}"
        );
    }
    let data = two_points();
    let objective = LogisticObjective::new(&data, Lambda::ZERO);
    assert_eq!(objective.lambda(), 0.0);
}

#[test]
fn non_finite_data() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = Dataset::new(vec![0.0, bad], vec![0.0, 1.0], &[0.0, 1.0]).unwrap_err();
        assert!(
            matches!(
                err,
                DataError::NonFiniteData {
                    row: 1,
                    column: "x1",
                    ..
                }
            ),
            "{err}"
        );
        let err = Dataset::new(vec![0.0, 1.0], vec![bad, 1.0], &[0.0, 1.0]).unwrap_err();
        assert!(err.to_string().starts_with("row 0: x2 is"), "{err}");
    }
}

#[test]
fn labels_other_than_zero_or_one() {
    for bad in [2.0, -1.0, 0.5, f64::NAN] {
        let err = Dataset::new(vec![0.0, 1.0], vec![0.0, 1.0], &[0.0, bad]).unwrap_err();
        assert!(matches!(err, DataError::BadLabel { row: 1, .. }), "{err}");
        assert!(err.to_string().contains("is not 0 or 1"));
    }
}

#[test]
fn mismatched_lengths() {
    let err = Dataset::new(vec![0.0, 1.0, 2.0], vec![0.0, 1.0], &[0.0, 1.0, 1.0]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "columns differ in length: x1 has 3, x2 has 2, label has 3"
    );
    let err = Dataset::new(vec![0.0, 1.0], vec![0.0, 1.0], &[0.0]).unwrap_err();
    assert!(matches!(err, DataError::LengthMismatch { labels: 1, .. }));
}

#[test]
fn no_lambdas_at_all() {
    let err = study::run(&StudyConfig {
        lambdas: vec![],
        ..StudyConfig::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("at least one lambda"));
}
