//! Benchmarks of the numerical core: one fused evaluation of the loss and gradient, and a
//! whole BFGS fit, on the fuzzy data with λ = 0.1.
//!
//! Run with `cargo bench --bench core`. Each line gives the median of repeated runs and its
//! ratio to a baseline measured in the same run: the plain formula with the standard
//! library's `exp` and `ln_1p` on one thread (what a straightforward port would do), and the
//! figures measured for NumPy/SciPy on this kind of machine (fixed numbers, from the issue).

use std::hint::black_box;
use std::time::{Duration, Instant};

use logreg_report::data::study_rng;
use logreg_report::model::Lambda;
use logreg_report::study::{DatasetName, W0, bfgs_fit, fit_logistic};
use logreg_report::{Dataset, LogisticObjective, Objective};

/// NumPy's fused evaluation at N = 1e6 (seconds).
const NUMPY_EVAL_1E6: f64 = 14.3e-3;
/// SciPy's whole BFGS fit at N = 1e6 and 1e7 (seconds; lower end of the range measured).
const SCIPY_FIT_1E6: f64 = 0.42;
const SCIPY_FIT_1E7: f64 = 5.4;

fn median(mut runs: Vec<Duration>) -> f64 {
    runs.sort();
    runs[runs.len() / 2].as_secs_f64()
}

fn time<T>(repeats: usize, mut f: impl FnMut() -> T) -> f64 {
    black_box(f());
    median(
        (0..repeats)
            .map(|_| {
                let start = Instant::now();
                black_box(f());
                start.elapsed()
            })
            .collect(),
    )
}

/// The plain formula, one thread, the standard library's libm: the in-run baseline.
fn plain(data: &Dataset, lambda: f64, w: [f64; 3]) -> (f64, [f64; 3]) {
    let mut loss = lambda * (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
    let mut grad = [
        2.0 * lambda * w[0],
        2.0 * lambda * w[1],
        2.0 * lambda * w[2],
    ];
    for i in 0..data.len() {
        let (a, b, y) = (data.x1()[i], data.x2()[i], f64::from(data.labels()[i]));
        let z = w[0] + w[1] * a + w[2] * b;
        loss += z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z;
        let r = 1.0 / (1.0 + (-z).exp()) - y;
        grad[0] += r;
        grad[1] += r * a;
        grad[2] += r * b;
    }
    (loss, grad)
}

fn report(name: &str, seconds: f64, baseline_name: &str, baseline: f64) {
    println!(
        "{name:<44} median {:>9.3} ms   {:>6.2}x faster than {baseline_name} ({:.3} ms)",
        seconds * 1e3,
        baseline / seconds,
        baseline * 1e3
    );
}

fn main() {
    let threads = rayon::current_num_threads();
    println!("threads: {threads}");
    let w = W0;

    let data = Dataset::fuzzy(1_000_000, &mut study_rng(0)).expect("valid size");
    let objective = LogisticObjective::new(&data, Lambda::new(0.1).expect("valid lambda"));
    let mut grad = [0.0; 3];
    let plain_eval = time(21, || plain(&data, 0.1, w));
    let fused_eval = time(51, || objective.value_and_gradient(&w, &mut grad));
    let single = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a thread pool");
    let fused_one_thread =
        single.install(|| time(51, || objective.value_and_gradient(&w, &mut grad)));
    report(
        "eval N=1e6, plain libm, 1 thread",
        plain_eval,
        "NumPy",
        NUMPY_EVAL_1E6,
    );
    report(
        "eval N=1e6, fused, 1 thread",
        fused_one_thread,
        "plain",
        plain_eval,
    );
    report(
        "eval N=1e6, fused, all threads",
        fused_eval,
        "plain",
        plain_eval,
    );
    report(
        "eval N=1e6, fused, all threads",
        fused_eval,
        "NumPy",
        NUMPY_EVAL_1E6,
    );

    let fit_1e6 = time(11, || bfgs_fit(&objective, W0).expect("fit"));
    report(
        "fit N=1e6: gradient check + BFGS",
        fit_1e6,
        "SciPy",
        SCIPY_FIT_1E6,
    );
    let checked_1e6 = time(11, || {
        fit_logistic(&data, DatasetName::Fuzzy, Lambda::new(0.1).unwrap(), W0).expect("fit")
    });
    report(
        "fit N=1e6: + Newton cross-check",
        checked_1e6,
        "SciPy",
        SCIPY_FIT_1E6,
    );

    let big = Dataset::fuzzy(10_000_000, &mut study_rng(0)).expect("valid size");
    let big_objective = LogisticObjective::new(&big, Lambda::new(0.1).expect("valid lambda"));
    let fit_1e7 = time(5, || bfgs_fit(&big_objective, W0).expect("fit"));
    report(
        "fit N=1e7: gradient check + BFGS",
        fit_1e7,
        "SciPy",
        SCIPY_FIT_1E7,
    );
    let checked_1e7 = time(5, || {
        fit_logistic(&big, DatasetName::Fuzzy, Lambda::new(0.1).unwrap(), W0).expect("fit")
    });
    report(
        "fit N=1e7: + Newton cross-check",
        checked_1e7,
        "SciPy",
        SCIPY_FIT_1E7,
    );
}
