use logreg_report::Dataset;
use logreg_report::data::study_rng;
use logreg_report::model::Lambda;
use logreg_report::study::{DatasetName, FitPlan, W0};
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().unwrap())
        .unwrap_or(1_000_000);
    let l: f64 = std::env::args()
        .nth(2)
        .map(|a| a.parse().unwrap())
        .unwrap_or(10.0);
    let mut rng = study_rng(0);
    let _fuzzy = Dataset::fuzzy(n, &mut rng).unwrap();
    let separable = Dataset::separable(n, &mut rng).unwrap();
    let plan = FitPlan::new(&separable, DatasetName::Separable, W0, None);
    let fit = plan.fit(Lambda::new(l).unwrap()).unwrap();
    println!(
        "x {:?} fun {} nit {} nfev {} msg {}",
        fit.result.x,
        fit.result.fun,
        fit.result.nit,
        fit.result.nfev,
        fit.result.message()
    );
    println!(
        "newton x {:?} nit {} nfev {} {}",
        fit.newton.result.x,
        fit.newton.result.nit,
        fit.newton.result.nfev,
        fit.newton.result.message()
    );
}
