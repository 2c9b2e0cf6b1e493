//! The vector and scalar paths of each pass, side by side, for the test that holds them to
//! the same bits on every CPU with AVX2 (`tests/vector_paths.rs`). Not part of the API.

use super::blocks::HESSIAN;
pub use super::blocks::has_avx2;
use super::curve::{self, Line};
use super::kernel;

/// One block's loss, gradient and Hessian terms on the scalar path and on the AVX2 path, or
/// `None` where this CPU has no AVX2.
pub fn fused_block(
    w: [f64; 3],
    x1: &[f64],
    x2: &[f64],
    y: &[u8],
) -> Option<([f64; 10], [f64; 10])> {
    if !has_avx2() {
        return None;
    }
    let sums = |vector| kernel::block_sums::<HESSIAN>(w, x1, x2, y, vector).to_array();
    Some((sums(false), sums(true)))
}

/// One block's loss along `line` (the loss-curve pass) built without and with AVX2, or
/// `None` where this CPU has no AVX2.
pub fn curve_block(
    x1: &[f64],
    x2: &[f64],
    y: &[u8],
    b: f64,
    w2: f64,
    line: Line,
) -> Option<(Vec<f64>, Vec<f64>)> {
    if !has_avx2() {
        return None;
    }
    let portable = curve::block_sums_portable(x1, x2, y, b, w2, line);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: the CPU supports AVX2, checked just above.
    let vector = unsafe { curve::block_sums_avx2(x1, x2, y, b, w2, line) };
    #[cfg(not(target_arch = "x86_64"))]
    let vector = portable.clone();
    Some((portable, vector))
}
