//! Parity with SciPy on the same data: the fixtures hold two data sets, SciPy's BFGS result
//! and the exact optimum by Newton's method for each case (tests/fixtures/parity).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use logreg_report::data::{CSV_HEADER, study_rng};
use logreg_report::model::Lambda;
use logreg_report::newton::newton;
use logreg_report::study::{DatasetName, fit_logistic};
use logreg_report::{Dataset, LogisticObjective};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parity")
}

fn load(file: &str) -> Dataset {
    let path = fixtures().join(file);
    read_csv(BufReader::new(File::open(&path).expect("fixture present")))
}

/// A data set from CSV as the program writes it (`x1,x2,label`, then one row a point).
fn read_csv(input: impl BufRead) -> Dataset {
    let mut lines = input.lines().map(|line| line.expect("readable"));
    assert_eq!(lines.next().as_deref(), Some(CSV_HEADER), "the header");
    let (mut x1, mut x2, mut labels) = (Vec::new(), Vec::new(), Vec::new());
    for line in lines {
        let fields: Vec<f64> = line
            .split(',')
            .map(|field| {
                field
                    .parse()
                    .unwrap_or_else(|_| panic!("{line:?}: not numbers"))
            })
            .collect();
        let [a, b, label] = fields[..] else {
            panic!("{line:?}: not three fields");
        };
        x1.push(a);
        x2.push(b);
        labels.push(label);
    }
    Dataset::new(x1, x2, &labels).expect("a valid data set")
}

/// What the program writes reads back to the same bits.
#[test]
fn csv_round_trips_bit_exactly() {
    let data = Dataset::fuzzy(1000, &mut study_rng(9)).expect("a data set");
    let back = read_csv(data.csv_bytes().as_slice());
    for (a, b) in data.x1().iter().zip(back.x1()) {
        assert_eq!(a.to_bits(), b.to_bits());
    }
    for (a, b) in data.x2().iter().zip(back.x2()) {
        assert_eq!(a.to_bits(), b.to_bits());
    }
    assert_eq!(data.labels(), back.labels());
}

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(fixtures().join("expected.json")).expect("fixture present");
    let json: Value = serde_json::from_str(&text).expect("valid JSON");
    json["cases"].as_array().expect("a list of cases").clone()
}

fn vector(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|v| v.as_f64().expect("a number"))
        .collect()
}

fn name_of(file: &str) -> DatasetName {
    if file.starts_with("fuzzy") {
        DatasetName::Fuzzy
    } else {
        DatasetName::Separable
    }
}

#[test]
fn regularised_fits_match_the_exact_optimum() {
    let mut checked = 0;
    println!(
        "data set    lambda   nit (SciPy)  nfev (SciPy)  njev (SciPy)  max|x - x*|   ours rel. fun err"
    );
    for case in cases() {
        let lambda = case["lambda"].as_f64().expect("lambda");
        if lambda == 0.0 {
            continue;
        }
        let file = case["file"].as_str().expect("file");
        let data = load(file);
        assert_eq!(data.len() as u64, case["n"].as_u64().expect("n"));
        let w0 = vector(&case["w0"]);
        let fit = fit_logistic(
            &data,
            name_of(file),
            Lambda::new(lambda).unwrap(),
            [w0[0], w0[1], w0[2]],
        )
        .expect("the fit runs");
        let optimum = vector(&case["newton"]["x"]);
        let optimum_fun = case["newton"]["fun"].as_f64().expect("fun");
        let distance = (0..3).fold(0.0f64, |m, k| m.max((fit.result.x[k] - optimum[k]).abs()));
        let relative_fun = (fit.result.fun - optimum_fun).abs() / optimum_fun.abs();
        let scipy = &case["bfgs"];
        println!(
            "{file:<20} {lambda:<5} {:>3} ({:>2})     {:>3} ({:>2})     {:>3} ({:>2})    {distance:.2e}      {relative_fun:.2e}",
            fit.result.nit,
            scipy["nit"],
            fit.result.nfev,
            scipy["nfev"],
            fit.result.njev,
            scipy["njev"],
        );
        assert!(
            fit.result.success(),
            "{file} λ={lambda}: {}",
            fit.result.message()
        );
        assert!(
            distance <= 1e-6,
            "{file} λ={lambda}: x is {distance:e} from the optimum"
        );
        assert!(
            relative_fun <= 1e-9,
            "{file} λ={lambda}: fun off by {relative_fun:e}"
        );
        // Our own Newton cross-check, from w0 and sharing nothing with the BFGS run, agrees
        // with the fixture's to near machine precision.
        let cross_check = &fit.newton;
        assert!(cross_check.result.success(), "{file} λ={lambda}");
        for (ours, theirs) in cross_check.result.x.iter().zip(&optimum) {
            assert!((ours - theirs).abs() <= 1e-12, "{file} λ={lambda}");
        }
        assert!(cross_check.distance.is_some_and(|d| d <= 1e-6));
        // The library's Newton from w0 is that cross-check.
        let objective = LogisticObjective::new(&data, Lambda::new(lambda).expect("valid lambda"));
        let from_w0 = newton(&objective, [w0[0], w0[1], w0[2]]).expect("Newton runs");
        assert_eq!(from_w0, cross_check.result);
        // SciPy stops 1.4e-5 from the optimum on the separable set with λ = 0.1; we must do
        // better than SciPy wherever it was off by more than our own bound.
        let scipy_x = vector(&scipy["x"]);
        let scipy_distance = (0..3).fold(0.0f64, |m, k| m.max((scipy_x[k] - optimum[k]).abs()));
        assert!(distance < scipy_distance.max(1e-6));
        checked += 1;
    }
    assert_eq!(checked, 3, "the fixtures hold three regularised cases");
}

#[test]
fn unregularised_separable_fit_reports_no_minimum_and_says_how_far_it_went() {
    let case = cases()
        .into_iter()
        .find(|c| c["lambda"].as_f64() == Some(0.0))
        .expect("a λ = 0 case");
    let data = load(case["file"].as_str().expect("file"));
    let fit = fit_logistic(
        &data,
        DatasetName::Separable,
        Lambda::new(0.0).unwrap(),
        [2.0, 1.5, -2.0],
    )
    .expect("fit runs");
    let r = &fit.result;
    assert!(r.x.iter().all(|v| v.is_finite()), "{:?}", r.x);
    assert!(r.fun.is_finite() && r.fun >= 0.0);
    assert!(r.jac.iter().all(|v| v.is_finite()));
    assert!(r.hess_inv.iter().all(|v| v.is_finite()));
    assert_eq!(fit.accuracy, 1.0);
    // The weights went further than SciPy's (‖w‖ ≈ 54), since we stop at a smaller gradient.
    let scipy_norm = vector(&case["bfgs"]["x"])
        .iter()
        .map(|v| v * v)
        .sum::<f64>()
        .sqrt();
    assert!(
        fit.weight_norm > scipy_norm,
        "{} vs {scipy_norm}",
        fit.weight_norm
    );
    // SciPy calls this a success (status 0); there is no minimum, and we say so.
    assert_eq!(case["bfgs"]["status"].as_i64(), Some(0));
    assert_eq!(r.status.code(), 4, "{}", r.message());
    assert!(!r.success());
    assert_eq!(r.distance_estimate, None);
    let message = r.message();
    assert!(
        message.starts_with(
            "The data are separable: the loss has no minimum; the weights grew to ‖w‖ = "
        ),
        "{message}"
    );
    assert!(
        message.contains("before the gradient's largest component fell below 1e-8"),
        "{message}"
    );
    // Newton's method from w0 reaches the same verdict on its own, in a few steps.
    let newton = &fit.newton;
    assert_eq!(
        newton.result.status.code(),
        4,
        "{}",
        newton.result.message()
    );
    assert!(newton.result.nit <= 10, "{}", newton.result.nit);
    assert_eq!(newton.distance, None);
    assert_eq!(newton.disagreement, None);
}
