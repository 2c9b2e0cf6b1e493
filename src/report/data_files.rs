//! The data sets' CSV files: formatted in memory when small enough to embed in the page,
//! otherwise made piece by piece as they are written.

use std::sync::Arc;

use super::files::{DATA_DIR, EMBED_CSV_LIMIT};
use crate::data::Dataset;
use crate::output::{Body, Pieces};
use crate::study::{DatasetName, Study};

/// A data set's CSV, ready to be written and offered on the page.
pub(crate) struct DataFile {
    /// "fuzzy" or "separable".
    pub name: &'static str,
    /// Its path in the report.
    pub path: String,
    /// Its bytes, or the pieces they are made of.
    pub body: Body,
}

impl DataFile {
    /// The bytes, when they are held (small data sets).
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.body {
            Body::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }
}

/// Data sets with at most this many rows are formatted in memory, so that the page can embed
/// them when their CSV is at most [`EMBED_CSV_LIMIT`] bytes; a row is at least 6 bytes
/// (`0,0,1` and a newline), so larger sets never fit and are formatted as they are written.
const FORMAT_IN_MEMORY_ROWS: usize = EMBED_CSV_LIMIT / 6;

/// A data set's CSV text in pieces, made as it is written.
struct CsvPieces(Arc<Dataset>);

impl Pieces for CsvPieces {
    fn each(&self, sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()> {
        self.0.csv_pieces(sink)
    }
}

pub(super) fn data_files(study: &Study) -> Vec<DataFile> {
    let sets: [(&'static str, &Arc<Dataset>); 2] = [
        (DatasetName::Fuzzy.as_str(), &study.fuzzy),
        (DatasetName::Separable.as_str(), &study.separable),
    ];
    sets.into_iter()
        .map(|(name, data)| DataFile {
            name,
            path: format!("{DATA_DIR}/{name}.csv"),
            body: if data.len() <= FORMAT_IN_MEMORY_ROWS {
                Body::Bytes(data.csv_bytes())
            } else {
                Body::Pieces(Arc::new(CsvPieces(Arc::clone(data))))
            },
        })
        .collect()
}
