use logreg_report::data::study_rng;
use logreg_report::newton::newton;
use logreg_report::study::{DatasetName, W0, fit_logistic};
use logreg_report::{Dataset, LogisticObjective, Objective};
use std::time::Instant;
fn main() {
    let n: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let t = Instant::now();
    let mut rng = study_rng(0);
    let f = Dataset::fuzzy(n, &mut rng).unwrap();
    println!("fuzzy gen {:.3}", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let s = Dataset::separable(n, &mut rng).unwrap();
    println!("sep gen {:.3}", t.elapsed().as_secs_f64());
    for (name, d, l) in [
        (DatasetName::Fuzzy, &f, 0.1),
        (DatasetName::Separable, &s, 0.0),
        (DatasetName::Separable, &s, 0.1),
        (DatasetName::Separable, &s, 10.0),
    ] {
        let t = Instant::now();
        let fit = fit_logistic(d, name, l, W0).unwrap();
        let total = t.elapsed().as_secs_f64();
        let obj = LogisticObjective::new(d, l).unwrap();
        let t = Instant::now();
        let nw = if l > 0.0 {
            Some(newton(&obj, W0).unwrap())
        } else {
            None
        };
        let nt = t.elapsed().as_secs_f64();
        let mut g = [0.0; 3];
        let t = Instant::now();
        for _ in 0..10 {
            obj.value_and_gradient(&W0, &mut g);
        }
        let pass = t.elapsed().as_secs_f64() / 10.0;
        println!(
            "{:?} l={} total {:.3} newton {:.3} ({:?} its) nit {} nfev {} pass {:.4}",
            name,
            l,
            total,
            nt,
            nw.map(|n| n.iterations),
            fit.result.nit,
            fit.result.nfev,
            pass
        );
    }
}
