//! Reading the CSV the program writes back: only the tests do (the `test-support` feature).

use std::io::BufRead;
use std::path::Path;

use super::error::DataError;
use super::{CSV_HEADER, Dataset};

impl Dataset {
    /// Reads a CSV written by [`Dataset::write_csv`] (or any with the same header); `path` only
    /// names the source in error messages.
    pub fn read_csv<R: BufRead>(input: R, path: &Path) -> Result<Self, DataError> {
        let csv_error = |line: usize, message: String| DataError::Csv {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut lines = input.lines();
        let header = match lines.next() {
            Some(line) => line.map_err(|source| DataError::Io {
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
            let line = line.map_err(|source| DataError::Io {
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
            DataError::NonFiniteData { row, column, value } => csv_error(
                row + 2,
                format!("{column} is {value}, but data must be finite"),
            ),
            DataError::BadLabel { row, value } => {
                csv_error(row + 2, format!("label {value} is not 0 or 1"))
            }
            other => other,
        })
    }
}
