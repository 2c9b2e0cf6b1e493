//! What can be wrong with a data set: its shape, its values, or the CSV file it came from.

/// A data set that cannot be made, each with a message fit for one line on stderr.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// A data set needs at least two points, one per class.
    #[error("a data set needs at least 2 points (one per class), got {n}")]
    TooFewPoints {
        /// The number of points asked for or found.
        n: usize,
    },
    /// The columns of a data set have different lengths.
    #[error("columns differ in length: x1 has {x1}, x2 has {x2}, label has {labels}")]
    LengthMismatch {
        /// Length of the first feature column.
        x1: usize,
        /// Length of the second feature column.
        x2: usize,
        /// Length of the label column.
        labels: usize,
    },
    /// A feature value is NaN or infinite.
    #[error("row {row}: {column} is {value}, but data must be finite")]
    NonFiniteData {
        /// Zero-based row index.
        row: usize,
        /// Column name.
        column: &'static str,
        /// The offending value.
        value: f64,
    },
    /// A label is neither 0 nor 1.
    #[error("row {row}: label {value} is not 0 or 1")]
    BadLabel {
        /// Zero-based row index.
        row: usize,
        /// The offending value.
        value: f64,
    },
}
