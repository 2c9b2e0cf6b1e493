//! The unit of `bench/run.sh`: the median time of one value+gradient pass over the fuzzy data
//! of N points, on all threads, printed as one JSON line.
//!
//!     cargo run --release --example pass_time -- N [PASSES]
//!
//! A whole run divided by this says how many passes' worth of time it costs, a number that
//! stays comparable when the machine is busier or faster than usual, as long as both are
//! measured in the same benchmark run.

use std::error::Error;
use std::hint::black_box;
use std::time::Instant;

use logreg_report::data::study_rng;
use logreg_report::study::{DEFAULT_SEED, FUZZY_LAMBDA, W0};
use logreg_report::{Dataset, LogisticObjective, Objective};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: pass_time N [PASSES]";
    let n: usize = args.next().ok_or(usage)?.parse()?;
    let passes: usize = args.next().map_or(Ok(21), |a| a.parse())?;
    if passes == 0 {
        return Err(usage.into());
    }
    // The same data the run fits with the default seed.
    let data = Dataset::fuzzy(n, &mut study_rng(DEFAULT_SEED))?;
    let objective = LogisticObjective::new(&data, FUZZY_LAMBDA);
    let mut grad = [0.0; 3];
    // A first pass not counted: it pays for page faults and the start of the thread pool,
    // which a run pays once, not per pass.
    black_box(objective.value_and_gradient(&W0, &mut grad));
    let mut seconds: Vec<f64> = (0..passes)
        .map(|k| {
            // A point of its own for every pass: the objective remembers its recent passes,
            // and a remembered one would time a lookup, not a pass.
            let w = [W0[0] + (k + 1) as f64 * 1e-12, W0[1], W0[2]];
            let start = Instant::now();
            black_box(objective.value_and_gradient(&w, &mut grad));
            start.elapsed().as_secs_f64()
        })
        .collect();
    seconds.sort_by(f64::total_cmp);
    println!(
        "{{\"n\": {n}, \"threads\": {}, \"passes\": {passes}, \"median_seconds\": {}}}",
        rayon::current_num_threads(),
        seconds[passes / 2]
    );
    Ok(())
}
