//! How a pass over the data is cut up: rows per block, lanes inside a block, how much a pass
//! computes, a block's sums, and the ordered addition of the blocks. The scalar and AVX2
//! row loops (`kernel`) and the loss curve (`curve`) share these, so they are kept apart from
//! both.

/// Rows per block of the reduction. Part of the numerical definition of the sum: changing
/// it changes the last bits of every result.
pub const CHUNK_ROWS: usize = 8192;
/// How much a pass computes: the value only, value and gradient, or all three with the
/// Hessian.
pub(crate) const VALUE: u8 = 0;
pub(crate) const GRADIENT: u8 = 1;
pub(crate) const HESSIAN: u8 = 2;
/// Below this many rows, spreading a pass over threads costs more than it saves.
pub(crate) const PARALLEL_MIN_ROWS: usize = 4 * CHUNK_ROWS;

/// The rows of block `index` of a pass over `len` rows.
pub(crate) fn rows_of(index: usize, len: usize) -> std::ops::Range<usize> {
    let start = index * CHUNK_ROWS;
    start..(start + CHUNK_ROWS).min(len)
}

/// Rows taken side by side, each in accumulators of its own (the passes' sums and the loss
/// curve's products): enough for 512-bit vectors of f64.
pub(crate) const LANES: usize = 8;

/// Whether this CPU runs the AVX2 paths.
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Sums over a block of rows: loss, gradient and (optionally) the Hessian's upper triangle
/// in the order h00, h01, h02, h11, h12, h22.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct BlockSums {
    pub loss: f64,
    pub grad: [f64; 3],
    pub hess: [f64; 6],
}

impl BlockSums {
    /// The sums in one row: loss, gradient, Hessian.
    pub(crate) fn to_array(self) -> [f64; 10] {
        let (g, h) = (self.grad, self.hess);
        [
            self.loss, g[0], g[1], g[2], h[0], h[1], h[2], h[3], h[4], h[5],
        ]
    }

    /// The sums from one row in the order of [`BlockSums::to_array`].
    pub(crate) fn from_array(s: [f64; 10]) -> BlockSums {
        BlockSums {
            loss: s[0],
            grad: [s[1], s[2], s[3]],
            hess: [s[4], s[5], s[6], s[7], s[8], s[9]],
        }
    }
}

/// Adds `term` to `sum` with Neumaier's compensation, kept in `compensation`.
pub(crate) fn neumaier(sum: &mut f64, compensation: &mut f64, term: f64) {
    let t = *sum + term;
    *compensation += if sum.abs() >= term.abs() {
        (*sum - t) + term
    } else {
        (term - t) + *sum
    };
    *sum = t;
}

/// The eight lanes added as a fixed tree: ((0+4)+(2+6)) + ((1+5)+(3+7)).
pub(crate) fn add_lanes(v: &[f64; LANES]) -> f64 {
    let q = [v[0] + v[4], v[1] + v[5], v[2] + v[6], v[3] + v[7]];
    (q[0] + q[2]) + (q[1] + q[3])
}

/// Adds the blocks in order, with Neumaier's compensation so that the total does not
/// depend on how large N is beyond the rounding of each block.
pub(crate) fn add_blocks(blocks: &[BlockSums]) -> BlockSums {
    let (mut sum, mut compensation) = ([0.0; 10], [0.0; 10]);
    for block in blocks {
        for (k, term) in block.to_array().into_iter().enumerate() {
            neumaier(&mut sum[k], &mut compensation[k], term);
        }
    }
    BlockSums::from_array(std::array::from_fn(|k| sum[k] + compensation[k]))
}

/// Sums of a block of rows kept per lane: row i of the block goes to lane i mod 8.
pub(crate) type LaneSums = [[f64; LANES]; 10];
