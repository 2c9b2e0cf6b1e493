//! How many blocks of rows each kind of pass has visited in this process: a count kept where
//! the rows are read, independent of the model's bookkeeping of its passes, so that a test can
//! hold the pass counts reported in `results.json` to the work actually done. One relaxed
//! atomic addition per block of 8192 rows costs nothing measurable.

use std::sync::atomic::{AtomicU64, Ordering};

/// Blocks visited by the fused pass (value, gradient, Hessian).
pub(crate) static FUSED: AtomicU64 = AtomicU64::new(0);
/// Blocks visited by the gradient check's independent reference.
pub(crate) static REFERENCE: AtomicU64 = AtomicU64::new(0);
/// Blocks visited by the loss-curve pass.
pub(crate) static CURVE: AtomicU64 = AtomicU64::new(0);

/// Counts one block visited.
#[inline]
pub(crate) fn visit(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Blocks visited so far by the fused pass, the reference and the loss curve, in that order.
#[cfg(feature = "test-support")]
pub fn blocks_visited() -> [u64; 3] {
    [&FUSED, &REFERENCE, &CURVE].map(|c| c.load(Ordering::Relaxed))
}
