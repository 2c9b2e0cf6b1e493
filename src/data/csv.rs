//! Data sets as CSV: `x1,x2,label`, one row a point, every float in its shortest form that
//! reads back to the same bits.

use std::io::Write;

use rayon::prelude::*;

use super::{CSV_HEADER, Dataset};

/// Rows formatted together into one piece of CSV text.
pub const CSV_BLOCK_ROWS: usize = 1 << 15;
/// Pieces formatted at once, on all cores: about 11 MB of text in flight.
pub const CSV_BATCH_BLOCKS: usize = 8;

impl Dataset {
    /// Writes `x1,x2,label` and one row a point. Floats are written in their shortest form
    /// that reads back to the same bits.
    pub fn write_csv<W: Write>(&self, mut out: W) -> std::io::Result<()> {
        self.csv_pieces(&mut |piece| out.write_all(piece))?;
        out.flush()
    }

    /// The CSV text of [`Dataset::write_csv`] in memory.
    pub fn csv_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(CSV_HEADER.len() + 1 + self.len() * 44);
        // Writing into a vector cannot fail.
        let _ = self.write_csv(&mut bytes);
        bytes
    }

    /// Hands the CSV text to `sink` in order, in pieces of `CSV_BLOCK_ROWS` rows: the header
    /// first, then the blocks, formatted `CSV_BATCH_BLOCKS` at a time on all cores. The whole
    /// text is never held, and the bytes do not depend on the number of threads.
    pub fn csv_pieces(
        &self,
        sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        sink(format!("{CSV_HEADER}\n").as_bytes())?;
        let starts: Vec<usize> = (0..self.len()).step_by(CSV_BLOCK_ROWS).collect();
        for batch in starts.chunks(CSV_BATCH_BLOCKS) {
            let texts: Vec<Vec<u8>> = batch
                .par_iter()
                .map(|&start| self.csv_rows(start))
                .collect();
            texts.iter().try_for_each(|text| sink(text))?;
        }
        Ok(())
    }

    /// The CSV rows of the block starting at row `start`.
    fn csv_rows(&self, start: usize) -> Vec<u8> {
        let end = (start + CSV_BLOCK_ROWS).min(self.len());
        let mut text = Vec::with_capacity((end - start) * 44);
        let mut buffer = ryu::Buffer::new();
        for i in start..end {
            text.extend_from_slice(buffer.format_finite(self.x1[i]).as_bytes());
            text.push(b',');
            text.extend_from_slice(buffer.format_finite(self.x2[i]).as_bytes());
            text.extend_from_slice(&[b',', b'0' + self.labels[i], b'\n']);
        }
        text
    }
}
