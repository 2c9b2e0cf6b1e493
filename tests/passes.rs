//! The passes `results.json` reports are the passes made: counted here by the blocks of rows
//! each kind of pass visited, a count kept where the rows are read.
//!
//! A test binary of its own: the counters are the process's, so no other test may run beside.

use logreg_report::config::{Config, Template};
use logreg_report::data::visits::blocks_visited;
use logreg_report::model::CHUNK_ROWS;
use logreg_report::output::artifact::materialise;
use logreg_report::pipeline;
use logreg_report::progress::Silent;
use serde_json::Value;

fn check(n: usize) {
    let template = Template::text("report.html", include_str!("../templates/report.html"));
    let config = Config::new(3, n, "0,0.1,10", "unused".into(), template).expect("valid");
    let before = blocks_visited();
    let report = pipeline::generate(&config, &mut Silent).expect("the report builds");
    let after = blocks_visited();
    let files = materialise(&report.artifacts).expect("files");
    let results: Value = serde_json::from_slice(
        &files
            .iter()
            .find(|(p, _)| p == "results.json")
            .expect("results.json")
            .1,
    )
    .expect("JSON");
    let blocks = n.div_ceil(CHUNK_ROWS) as u64;
    let count = |v: &Value| v.as_u64().expect("a count");
    let passes = &results["passes"];
    // A pass count by kind (value, gradient, Hessian), summed.
    let kinds = |p: &Value| count(&p["value"]) + count(&p["gradient"]) + count(&p["hessian"]);
    // What the fits of a list of results.json made, each counting its own.
    let each = |list: &str| -> u64 {
        let fits = results[list].as_array().expect("a list of fits");
        fits.iter().map(|f| kinds(&f["passes"])).sum()
    };
    let (fit_total, path_total) = (kinds(&passes["fits"]), kinds(&passes["path"]));
    assert_eq!(each("fits"), fit_total, "N = {n}: the fits' passes add up");
    assert_eq!(
        each("path"),
        path_total,
        "N = {n}: the path's passes add up"
    );
    let descent = count(&passes["gradient_descent"]);
    assert!(descent <= count(&results["gradient_descent"]["nfev"]));
    assert_eq!(
        after[0] - before[0],
        (fit_total + path_total + descent) * blocks,
        "N = {n}: fused passes"
    );
    assert_eq!(
        after[1] - before[1],
        count(&passes["gradient_check_reference"]) * blocks,
        "N = {n}: reference passes"
    );
    assert_eq!(
        after[2] - before[2],
        count(&passes["loss_curve"]) * blocks,
        "N = {n}: loss-curve passes"
    );
    assert_eq!(
        count(&passes["total"]),
        fit_total
            + path_total
            + descent
            + count(&passes["gradient_check_reference"])
            + count(&passes["loss_curve"])
    );
}

#[test]
fn reported_passes_are_the_passes_made() {
    // One block, and several (the last one partial), so a pass is not mistaken for a block.
    check(100);
    check(3 * CHUNK_ROWS + 5);
}
