//! Data sets: the validated two-feature, 0/1-label table, the study's two generators, and CSV.
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

use std::io::{BufRead, Write};
use std::path::Path;

use rand::seq::SliceRandom;
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Distribution, UnitDisc};
use rayon::prelude::*;

use crate::error::{Error, Result};

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
    pub fn new(x1: Vec<f64>, x2: Vec<f64>, labels: &[f64]) -> Result<Self> {
        if x1.len() != x2.len() || x1.len() != labels.len() {
            return Err(Error::LengthMismatch {
                x1: x1.len(),
                x2: x2.len(),
                labels: labels.len(),
            });
        }
        if x1.len() < 2 {
            return Err(Error::TooFewPoints { n: x1.len() });
        }
        for (column, values) in [("x1", &x1), ("x2", &x2)] {
            if let Some(row) = values.iter().position(|v| !v.is_finite()) {
                return Err(Error::NonFiniteData {
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
                _ => Err(Error::BadLabel { row, value }),
            })
            .collect::<Result<Vec<u8>>>()?;
        Ok(Dataset { x1, x2, labels })
    }

    /// The fuzzy (overlapping) set: ⌈n/2⌉ points of class A (label 1) drawn from a standard
    /// normal around (−1, −1), ⌊n/2⌋ of class B (label 0) around (1, 1), rows in random order.
    pub fn fuzzy<R: Rng>(n: usize, rng: &mut R) -> Result<Self> {
        Self::generate(n, rng, StreamTag::Fuzzy, |rng, label| {
            let centre = if label == 1 {
                FUZZY_CENTRE
            } else {
                -FUZZY_CENTRE
            };
            let (dx, dy) = normal_pair(rng);
            (centre + dx, centre + dy)
        })
    }

    /// The separable set: ⌈n/2⌉ points of class A (label 1) uniform in [−4, 0)², ⌊n/2⌋ of class
    /// B (label 0) uniform in [0, 4)², rows in random order.
    pub fn separable<R: Rng>(n: usize, rng: &mut R) -> Result<Self> {
        Self::generate(n, rng, StreamTag::Separable, |rng, label| {
            let low = if label == 1 { -SEPARABLE_SIDE } else { 0.0 };
            let x: f64 = rng.random_range(low..low + SEPARABLE_SIDE);
            let y: f64 = rng.random_range(low..low + SEPARABLE_SIDE);
            (x, y)
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
    ) -> Result<Self> {
        if n < 2 {
            return Err(Error::TooFewPoints { n });
        }
        let class_a = n.div_ceil(2);
        let mut labels: Vec<u8> = (0..n).map(|i| u8::from(i < class_a)).collect();
        labels.shuffle(rng);
        let key: [u8; 32] = rng.random();
        let mut x1 = vec![0.0; n];
        let mut x2 = vec![0.0; n];
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

    /// Writes `x1,x2,label` and one row a point. Floats are written in their shortest form
    /// that reads back to the same bits.
    pub fn write_csv<W: Write>(&self, mut out: W) -> std::io::Result<()> {
        out.write_all(&self.csv_bytes())?;
        out.flush()
    }

    /// The CSV text of [`Dataset::write_csv`], formatted on all cores in blocks of rows and
    /// joined in order, so the bytes do not depend on the number of threads.
    pub fn csv_bytes(&self) -> Vec<u8> {
        const ROWS: usize = 1 << 15;
        let format_rows = |start: usize| {
            let end = (start + ROWS).min(self.len());
            let mut text = Vec::with_capacity((end - start) * 44);
            let mut buffer = ryu::Buffer::new();
            for i in start..end {
                text.extend_from_slice(buffer.format_finite(self.x1[i]).as_bytes());
                text.push(b',');
                text.extend_from_slice(buffer.format_finite(self.x2[i]).as_bytes());
                text.extend_from_slice(if self.labels[i] == 1 {
                    b",1\n"
                } else {
                    b",0\n"
                });
            }
            text
        };
        let blocks: Vec<Vec<u8>> = (0..self.len())
            .step_by(ROWS)
            .collect::<Vec<_>>()
            .into_par_iter()
            .map(format_rows)
            .collect();
        let mut bytes =
            Vec::with_capacity(CSV_HEADER.len() + 1 + blocks.iter().map(Vec::len).sum::<usize>());
        bytes.extend_from_slice(CSV_HEADER.as_bytes());
        bytes.push(b'\n');
        for block in blocks {
            bytes.extend_from_slice(&block);
        }
        bytes
    }

    /// Reads a CSV written by [`Dataset::write_csv`] (or any with the same header); `path` only
    /// names the source in error messages.
    pub fn read_csv<R: BufRead>(input: R, path: &Path) -> Result<Self> {
        let csv_error = |line: usize, message: String| Error::Csv {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut lines = input.lines();
        let header = match lines.next() {
            Some(line) => line.map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?,
            None => return Err(csv_error(1, "the file is empty".into())),
        };
        if header.trim_end() != CSV_HEADER {
            return Err(csv_error(
                1,
                format!("expected the header {CSV_HEADER:?}, found {header:?}"),
            ));
        }
        let (mut x1, mut x2, mut labels) = (Vec::new(), Vec::new(), Vec::new());
        for (index, line) in lines.enumerate() {
            let number = index + 2;
            let line = line.map_err(|source| Error::Io {
                path: path.to_path_buf(),
                source,
            })?;
            if line.trim().is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.trim_end().split(',').collect();
            if fields.len() != 3 {
                return Err(csv_error(
                    number,
                    format!("expected 3 fields, found {}", fields.len()),
                ));
            }
            let parse = |text: &str| {
                text.trim()
                    .parse::<f64>()
                    .map_err(|_| csv_error(number, format!("{text:?} is not a number")))
            };
            x1.push(parse(fields[0])?);
            x2.push(parse(fields[1])?);
            labels.push(parse(fields[2])?);
        }
        if x1.is_empty() {
            return Err(csv_error(2, "the file has a header but no rows".into()));
        }
        Dataset::new(x1, x2, &labels).map_err(|e| match e {
            // Report rows as file lines, which is what a user can look up.
            Error::NonFiniteData { row, column, value } => csv_error(
                row + 2,
                format!("{column} is {value}, but data must be finite"),
            ),
            Error::BadLabel { row, value } => {
                csv_error(row + 2, format!("label {value} is not 0 or 1"))
            }
            other => other,
        })
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
mod tests {
    use super::*;

    #[test]
    fn odd_n_gives_class_a_the_extra_point() {
        let mut rng = study_rng(1);
        for n in [2, 3, 7, 100, 101] {
            let fuzzy = Dataset::fuzzy(n, &mut rng).unwrap();
            assert_eq!(fuzzy.len(), n);
            assert_eq!(fuzzy.count_class_a(), n.div_ceil(2));
            let separable = Dataset::separable(n, &mut rng).unwrap();
            assert_eq!(separable.count_class_a(), n.div_ceil(2));
        }
    }

    #[test]
    fn separable_classes_stay_in_their_squares() {
        let data = Dataset::separable(2000, &mut study_rng(3)).unwrap();
        for i in 0..data.len() {
            let (a, b) = (data.x1()[i], data.x2()[i]);
            if data.labels()[i] == 1 {
                assert!((-4.0..0.0).contains(&a) && (-4.0..0.0).contains(&b));
            } else {
                assert!((0.0..4.0).contains(&a) && (0.0..4.0).contains(&b));
            }
        }
    }

    #[test]
    fn fuzzy_class_means_are_near_their_centres() {
        let data = Dataset::fuzzy(20_000, &mut study_rng(4)).unwrap();
        let mut sums = [[0.0; 2]; 2];
        for i in 0..data.len() {
            let class = usize::from(data.labels()[i]);
            sums[class][0] += data.x1()[i];
            sums[class][1] += data.x2()[i];
        }
        let half = 10_000.0;
        for (class, centre) in [(1usize, -1.0), (0usize, 1.0)] {
            for s in sums[class] {
                assert!(
                    (s / half - centre).abs() < 0.05,
                    "class {class}: {}",
                    s / half
                );
            }
        }
    }

    #[test]
    fn one_thread_and_two_threads_draw_the_same_bits() {
        let n = 2 * POINT_BLOCK_ROWS + 123;
        let draw = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let mut rng = study_rng(11);
                (
                    Dataset::fuzzy(n, &mut rng).unwrap(),
                    Dataset::separable(n, &mut rng).unwrap(),
                )
            })
        };
        let (one, two) = (draw(1), draw(2));
        for (a, b) in [(&one.0, &two.0), (&one.1, &two.1)] {
            assert_eq!(a.labels(), b.labels());
            assert!(
                a.x1()
                    .iter()
                    .zip(b.x1())
                    .all(|(p, q)| p.to_bits() == q.to_bits())
            );
            assert!(
                a.x2()
                    .iter()
                    .zip(b.x2())
                    .all(|(p, q)| p.to_bits() == q.to_bits())
            );
        }
    }

    #[test]
    fn blocks_draw_different_points() {
        // Each block has its own stream: block 1 must not repeat block 0.
        let data = Dataset::separable(2 * POINT_BLOCK_ROWS, &mut study_rng(5)).unwrap();
        let (first, second) = data.x1().split_at(POINT_BLOCK_ROWS);
        assert_ne!(&first[..100], &second[..100]);
    }

    #[test]
    fn polar_deviates_have_the_moments_of_a_standard_normal() {
        let mut rng = StudyRng::seed_from_u64(1);
        let count = 200_000;
        let (mut sum, mut squares, mut fourth, mut beyond_two) = (0.0, 0.0, 0.0, 0usize);
        for _ in 0..count / 2 {
            let (a, b) = normal_pair(&mut rng);
            for x in [a, b] {
                sum += x;
                squares += x * x;
                fourth += x * x * x * x;
                beyond_two += usize::from(x.abs() > 2.0);
            }
        }
        let n = count as f64;
        assert!((sum / n).abs() < 0.01, "mean {}", sum / n);
        assert!((squares / n - 1.0).abs() < 0.01, "variance {}", squares / n);
        assert!(
            (fourth / n - 3.0).abs() < 0.06,
            "fourth moment {}",
            fourth / n
        );
        // P(|X| > 2) = 0.0455 for a standard normal.
        let tail = beyond_two as f64 / n;
        assert!((tail - 0.0455).abs() < 0.002, "tail {tail}");
    }

    #[test]
    fn rows_are_shuffled_not_grouped_by_class() {
        let data = Dataset::fuzzy(100, &mut study_rng(0)).unwrap();
        let first_half_a = data.labels()[..50].iter().filter(|&&l| l == 1).count();
        assert!(first_half_a > 10 && first_half_a < 40, "{first_half_a}");
    }

    #[test]
    fn csv_round_trips_bit_exactly() {
        let data = Dataset::fuzzy(1000, &mut study_rng(9)).unwrap();
        let mut bytes = Vec::new();
        data.write_csv(&mut bytes).unwrap();
        let back = Dataset::read_csv(bytes.as_slice(), Path::new("mem.csv")).unwrap();
        for (a, b) in data.x1().iter().zip(back.x1()) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
        for (a, b) in data.x2().iter().zip(back.x2()) {
            assert_eq!(a.to_bits(), b.to_bits());
        }
        assert_eq!(data.labels(), back.labels());
    }

    #[test]
    fn csv_errors_name_the_line() {
        let read = |text: &str| Dataset::read_csv(text.as_bytes(), Path::new("d.csv"));
        let message = |text: &str| read(text).unwrap_err().to_string();
        assert!(message("").contains("empty"));
        assert!(message("a,b,c\n").contains("header"));
        assert!(message("x1,x2,label\n").contains("no rows"));
        assert_eq!(
            message("x1,x2,label\n1,2,1\n1,2,0.5\n"),
            "d.csv: line 3: label 0.5 is not 0 or 1"
        );
        assert!(message("x1,x2,label\n1,2,1\nnan,2,0\n").contains("line 3: x1 is NaN"));
        assert!(message("x1,x2,label\n1,2\n").contains("line 2: expected 3 fields"));
        assert!(message("x1,x2,label\n1,abc,1\n2,2,0\n").contains("\"abc\" is not a number"));
        assert!(matches!(
            read("x1,x2,label\n1,2,1\n"),
            Err(Error::TooFewPoints { n: 1 })
        ));
    }
}
