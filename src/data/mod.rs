//! Data sets: the validated two-feature, 0/1-label table and the study's two generators (CSV
//! in and out is in [`csv`](self)).
//!
//! Columns are stored apart (`x1`, `x2`, `labels` as bytes) so that the objective streams
//! through them and the memory is the data itself: 17 bytes a point.
//!
//! # How a data set is drawn
//!
//! The labels are shuffled with the caller's generator, which then gives a 32-byte key. The
//! points are drawn in blocks of [`POINT_BLOCK_ROWS`] rows; block `k` of a data set has its
//! own ChaCha8 generator, keyed with that key, on the stream numbered by the data set and
//! `k`. Blocks are independent, so they are drawn on all cores, and a seed gives the same
//! bits whatever the number of threads. Normal deviates come from Marsaglia's polar method
//! (a point of the unit disc, scaled by √(−2·ln s / s)) with `libm`'s `log`: uniform draws
//! and IEEE arithmetic only, plus one pure-Rust logarithm, so the same bits on every machine.

use rand::seq::SliceRandom;
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Distribution, UnitDisc};
use rayon::prelude::*;

pub use error::DataError;

mod csv;
mod error;
pub mod visits;

/// The study's random generator: ChaCha with 8 rounds, a named algorithm whose output for a
/// seed does not change with rand's version (unlike `StdRng`).
pub type StudyRng = rand::rngs::ChaCha8Rng;

/// A generator seeded for a study run.
pub fn study_rng(seed: u64) -> StudyRng {
    StudyRng::seed_from_u64(seed)
}

/// Centre of class A's cloud in the fuzzy set, on both axes; class B's is its negative.
pub const FUZZY_CENTRE: f64 = -1.0;
/// Side of the squares of the separable set: class A in [−side, 0)², class B in [0, side)².
pub const SEPARABLE_SIDE: f64 = 4.0;

/// Rows per block of points, each block drawn from its own stream. Part of the definition of
/// a seed's data: changing it changes every data set with more rows than this.
pub const POINT_BLOCK_ROWS: usize = 65_536;

/// The CSV header written and expected.
pub const CSV_HEADER: &str = "x1,x2,label";

/// Points `(x1, x2)` with labels 1 ("class A") or 0 ("class B"); at least two points, all
/// finite.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    x1: Vec<f64>,
    x2: Vec<f64>,
    labels: Vec<u8>,
}

impl Dataset {
    /// Checks and takes the columns. Labels are given as numbers so that anything other than
    /// exactly 0 or 1 can be refused with its row.
    pub fn new(x1: Vec<f64>, x2: Vec<f64>, labels: &[f64]) -> Result<Self, DataError> {
        if x1.len() != x2.len() || x1.len() != labels.len() {
            return Err(DataError::LengthMismatch {
                x1: x1.len(),
                x2: x2.len(),
                labels: labels.len(),
            });
        }
        if x1.len() < 2 {
            return Err(DataError::TooFewPoints { n: x1.len() });
        }
        for (column, values) in [("x1", &x1), ("x2", &x2)] {
            if let Some(row) = values.iter().position(|v| !v.is_finite()) {
                return Err(DataError::NonFiniteData {
                    row,
                    column,
                    value: values[row],
                });
            }
        }
        let labels = labels
            .iter()
            .enumerate()
            .map(|(row, &value)| match value {
                0.0 => Ok(0u8),
                1.0 => Ok(1u8),
                _ => Err(DataError::BadLabel { row, value }),
            })
            .collect::<Result<Vec<u8>, DataError>>()?;
        Ok(Dataset { x1, x2, labels })
    }

    /// The fuzzy (overlapping) set: ⌈n/2⌉ points of class A (label 1) drawn from a standard
    /// normal around (−1, −1), ⌊n/2⌋ of class B (label 0) around (1, 1), rows in random order.
    pub fn fuzzy<R: Rng>(n: usize, rng: &mut R) -> Result<Self, DataError> {
        Self::generate(n, rng, StreamTag::Fuzzy, |rng, label| {
            let centre = [-FUZZY_CENTRE, FUZZY_CENTRE][usize::from(label)];
            let (dx, dy) = normal_pair(rng);
            (centre + dx, centre + dy)
        })
    }

    /// The separable set: ⌈n/2⌉ points of class A (label 1) uniform in [−4, 0)², ⌊n/2⌋ of class
    /// B (label 0) uniform in [0, 4)², rows in random order.
    pub fn separable<R: Rng>(n: usize, rng: &mut R) -> Result<Self, DataError> {
        Self::generate(n, rng, StreamTag::Separable, |rng, label| {
            let low = if label == 1 { -SEPARABLE_SIDE } else { 0.0 };
            let mut side = || rng.random_range(low..low + SEPARABLE_SIDE);
            (side(), side())
        })
    }

    /// Shuffles the labels first, then draws each row's point for its label (the same
    /// distribution as drawing by class and shuffling the rows, without a second copy), in
    /// blocks with streams of their own as the module documentation describes.
    fn generate<R: Rng>(
        n: usize,
        rng: &mut R,
        tag: StreamTag,
        draw: impl Fn(&mut StudyRng, u8) -> (f64, f64) + Sync,
    ) -> Result<Self, DataError> {
        if n < 2 {
            return Err(DataError::TooFewPoints { n });
        }
        let class_a = n.div_ceil(2);
        let mut labels: Vec<u8> = (0..n).map(|i| u8::from(i < class_a)).collect();
        labels.shuffle(rng);
        let key: [u8; 32] = rng.random();
        let (mut x1, mut x2) = (vec![0.0; n], vec![0.0; n]);
        x1.par_chunks_mut(POINT_BLOCK_ROWS)
            .zip(x2.par_chunks_mut(POINT_BLOCK_ROWS))
            .zip(labels.par_chunks(POINT_BLOCK_ROWS))
            .enumerate()
            .for_each(|(block, ((x1, x2), labels))| {
                let mut block_rng = StudyRng::from_seed(key);
                block_rng.set_stream(tag.stream(block));
                for ((a, b), &label) in x1.iter_mut().zip(x2.iter_mut()).zip(labels) {
                    (*a, *b) = draw(&mut block_rng, label);
                }
            });
        Ok(Dataset { x1, x2, labels })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Always false: a data set holds at least two points.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// First feature.
    pub fn x1(&self) -> &[f64] {
        &self.x1
    }

    /// Second feature.
    pub fn x2(&self) -> &[f64] {
        &self.x2
    }

    /// Labels, each 0 or 1.
    pub fn labels(&self) -> &[u8] {
        &self.labels
    }

    /// Number of points with label 1 (class A).
    pub fn count_class_a(&self) -> usize {
        self.labels.iter().filter(|&&l| l == 1).count()
    }
}

/// Which data set a stream of points belongs to: the high half of the stream number.
#[derive(Clone, Copy)]
enum StreamTag {
    Fuzzy = 1,
    Separable = 2,
}

impl StreamTag {
    /// The stream of block `block`: the data set in the high 32 bits, the block in the low.
    fn stream(self, block: usize) -> u64 {
        ((self as u64) << 32) | block as u64
    }
}

/// Two independent standard normal deviates by Marsaglia's polar method.
fn normal_pair(rng: &mut StudyRng) -> (f64, f64) {
    loop {
        let [u, v]: [f64; 2] = UnitDisc.sample(rng);
        let s = u * u + v * v;
        // s = 0 has no logarithm; it is drawn with probability zero in theory, 2^-104 or so
        // in practice.
        if s > 0.0 {
            let factor = (-2.0 * libm::log(s) / s).sqrt();
            return (u * factor, v * factor);
        }
    }
}

#[cfg(test)]
mod tests;
