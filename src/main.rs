//! The `logreg-report` command: runs the study and prints its numbers.

use std::process::ExitCode;

use logreg_report::study::{self, StudyConfig};

fn main() -> ExitCode {
    let mut config = StudyConfig::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(n) = args.first() {
        match n.parse() {
            Ok(n) => config.n = n,
            Err(_) => {
                eprintln!("error: N must be a whole number, got {n:?}");
                return ExitCode::from(2);
            }
        }
    }
    match study::run(&config) {
        Ok(study) => {
            let demo = &study.optimizer_demo;
            println!(
                "optimizer demo: x = {} nit = {} {}",
                demo.x,
                demo.nit,
                demo.message()
            );
            for fit in study.fits() {
                let r = &fit.result;
                println!(
                    "{:9} lambda={:<4} fun={:.12} x={:.9} nit={} nfev={} njev={} |w|={:.4} acc={} newton_dist={:?} status={} {}",
                    fit.dataset.as_str(),
                    fit.lambda,
                    r.fun,
                    r.x,
                    r.nit,
                    r.nfev,
                    r.njev,
                    fit.weight_norm,
                    fit.accuracy,
                    fit.newton.as_ref().map(|n| n.distance),
                    r.status.code(),
                    r.message()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
