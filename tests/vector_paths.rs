//! The AVX2 paths give the scalar paths' bits: the fused pass's block sums and the loss
//! curve's. Whether the CPU has AVX2 is found out when the tests run, so a machine without it
//! lists both as ignored (never as passed), and a plain `cargo test` runs them wherever it can.

use libtest_mimic::{Arguments, Failed, Trial};
use logreg_report::Dataset;
use logreg_report::data::study_rng;
use logreg_report::model::{CHUNK_ROWS, Line, paths};

fn main() {
    let args = Arguments::from_args();
    let no_avx2 = !paths::has_avx2();
    let trials = vec![
        Trial::test("every_vector_path_gives_the_same_bits", fused_pass).with_ignored_flag(no_avx2),
        Trial::test("the_vector_build_gives_the_portable_bits", loss_curve)
            .with_ignored_flag(no_avx2),
    ];
    if no_avx2 {
        eprintln!(
            "this CPU has no AVX2: the vector paths are not run here, so they are not tested"
        );
    }
    libtest_mimic::run(&args, trials).exit();
}

/// Bits, so that -0.0 and 0.0 or two NaNs are told apart or matched exactly.
fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

fn fused_pass() -> Result<(), Failed> {
    // One block and a tail shorter than a vector, so both loops and the remainder run.
    let data = Dataset::fuzzy(CHUNK_ROWS + 13, &mut study_rng(2))?;
    let (x1, x2, y) = (data.x1(), data.x2(), data.labels());
    for w in [
        [0.3, -1.7, 2.2],
        [0.0, 0.0, 0.0],
        [5.0, 300.0, -400.0],
        [1.0, f64::MAX, 0.0],
    ] {
        let (scalar, vector) = paths::fused_block(w, x1, x2, y)
            .ok_or("this CPU has no AVX2: there is no vector path to compare")?;
        if bits(&scalar) != bits(&vector) {
            return Err(format!("w = {w:?}: scalar {scalar:?}, AVX2 {vector:?}").into());
        }
    }
    Ok(())
}

fn loss_curve() -> Result<(), Failed> {
    let data = Dataset::fuzzy(CHUNK_ROWS + 5, &mut study_rng(9))?;
    let (x1, x2, y) = (data.x1(), data.x2(), data.labels());
    let line = Line::spanning(-3.0, 1.0, 100);
    let (portable, vector) = paths::curve_block(x1, x2, y, 0.1, -2.0, line)
        .ok_or("this CPU has no AVX2: there is no vector path to compare")?;
    if bits(&portable) != bits(&vector) {
        return Err(format!("portable {portable:?}, AVX2 {vector:?}").into());
    }
    Ok(())
}
