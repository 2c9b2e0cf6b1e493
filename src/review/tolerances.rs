//! How much change a review lets pass: the pixel and number tolerances, checked once.

/// How much change a review lets pass, checked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tolerances {
    /// A figure fails when the RMS of its pixels (0–255) is above this (matplotlib's 2.0).
    pub rms: f64,
    /// A pixel differs when its YIQ distance is above this share of the largest (0–1;
    /// pixelmatch's 0.1).
    pub threshold: f64,
    /// A figure fails when more real (not anti-aliased) pixels differ than this.
    pub max_diff_pixels: u64,
    /// Numbers whose relative difference is at most this are equal.
    pub numbers: f64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances {
            rms: 2.0,
            threshold: 0.1,
            max_diff_pixels: 0,
            numbers: 1e-9,
        }
    }
}
