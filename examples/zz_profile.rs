use logreg_report::data::study_rng;
use logreg_report::model::{Lambda, Line, loss_along_w1};
use logreg_report::study::{DatasetName, FitPlan, W0};
use logreg_report::{Dataset, LogisticObjective, Objective};
use std::time::Instant;
fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().unwrap())
        .unwrap_or(10_000_000);
    let t = Instant::now();
    let mut rng = study_rng(0);
    let fuzzy = Dataset::fuzzy(n, &mut rng).unwrap();
    let separable = Dataset::separable(n, &mut rng).unwrap();
    println!("data: {:?}", t.elapsed());
    let obj = LogisticObjective::new(&fuzzy, Lambda::new(0.1).unwrap());
    let mut g = [0.0; 3];
    let mut times = vec![];
    for _ in 0..7 {
        let t = Instant::now();
        obj.value_and_gradient(&W0, &mut g);
        times.push(t.elapsed());
    }
    times.sort();
    let pass = times[3];
    println!("pass: {:?}", pass);
    let t = Instant::now();
    obj.value(W0);
    println!("value pass: {:?}", t.elapsed());
    let t = Instant::now();
    obj.value_gradient_hessian(W0);
    println!("hessian pass: {:?}", t.elapsed());
    let t = Instant::now();
    logreg_report::reference::data_loss_and_gradient(&fuzzy, W0);
    println!(
        "reference: {:?} = {:.1} passes",
        t.elapsed(),
        t.elapsed().as_secs_f64() / pass.as_secs_f64()
    );
    let t = Instant::now();
    loss_along_w1(&fuzzy, 0.1, 0.0, -2.0, Line::spanning(-4.0, 0.0, 100));
    println!(
        "curve: {:?} = {:.1} passes",
        t.elapsed(),
        t.elapsed().as_secs_f64() / pass.as_secs_f64()
    );
    for (data, name, lambdas) in [
        (&fuzzy, DatasetName::Fuzzy, vec![0.1]),
        (&separable, DatasetName::Separable, vec![0.0, 0.1, 10.0]),
    ] {
        let t = Instant::now();
        let plan = FitPlan::new(data, name, W0, None);
        println!("{name:?} plan (reference): {:?}", t.elapsed());
        for l in lambdas {
            let t = Instant::now();
            let fit = plan.fit(Lambda::new(l).unwrap()).unwrap();
            let e = t.elapsed();
            println!(
                "{name:?} λ={l}: {:?} = {:.1} passes; bfgs nfev {} nhev {} nit {}; newton nit {} nfev {}",
                e,
                e.as_secs_f64() / pass.as_secs_f64(),
                fit.result.nfev,
                fit.result.nhev,
                fit.result.nit,
                fit.newton.result.nit,
                fit.newton.result.nfev
            );
        }
    }
}
#[allow(dead_code)]
fn unused() {}
