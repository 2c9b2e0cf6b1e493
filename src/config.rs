//! The one place where user input becomes validated values.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::model::Lambda;
use crate::study::StudyConfig;

/// The largest `--n` accepted. Past it a run would need more memory than a workstation has,
/// and the allocator would abort the process instead of reporting an error.
pub const MAX_N: usize = 100_000_000;

/// Everything one run of the tool needs, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// What the study computes.
    pub study: StudyConfig,
    /// The folder the report is written to (replaced as a whole).
    pub out: PathBuf,
    /// A folder holding a site's own `report.html` template, instead of the built-in one.
    pub templates: Option<PathBuf>,
    /// Seconds since the epoch to print as the report's date (from `SOURCE_DATE_EPOCH`);
    /// without it the report carries no timestamp, so that reruns give the same bytes.
    pub timestamp: Option<i64>,
}

impl Config {
    /// Checks raw values as a user typed them.
    pub fn new(
        seed: u64,
        n: usize,
        lambdas: &str,
        out: PathBuf,
        templates: Option<PathBuf>,
    ) -> Result<Self> {
        if n < 2 {
            return Err(Error::TooFewPoints { n });
        }
        if n > MAX_N {
            return Err(Error::TooManyPoints { n, max: MAX_N });
        }
        if out.as_os_str().is_empty() {
            return Err(Error::NoOutputName);
        }
        Ok(Config {
            study: StudyConfig {
                seed,
                n,
                lambdas: parse_lambdas(lambdas)?,
                max_iterations: None,
            },
            out,
            templates,
            timestamp: None,
        })
    }
}

/// Reads `SOURCE_DATE_EPOCH` (the reproducible-builds convention): unset or empty means no
/// timestamp; anything but a whole number of seconds is an error.
pub fn source_date_epoch(value: Option<std::ffi::OsString>) -> Result<Option<i64>> {
    let Some(value) = value else {
        return Ok(None);
    };
    let text = value.to_string_lossy();
    if text.trim().is_empty() {
        return Ok(None);
    }
    text.trim()
        .parse()
        .map(Some)
        .map_err(|_| Error::SourceDateEpoch {
            text: text.into_owned(),
        })
}

/// Parses a comma-separated list of regularisation strengths, each checked by [`Lambda::new`].
pub fn parse_lambdas(text: &str) -> Result<Vec<Lambda>> {
    text.split(',')
        .map(|part| {
            let part = part.trim();
            let value: f64 = part.parse().map_err(|_| Error::NotANumber {
                text: part.to_string(),
            })?;
            Lambda::new(value)
        })
        .collect()
}

/// Writes strengths the way `--lambdas` takes them.
pub fn format_lambdas(lambdas: &[Lambda]) -> String {
    lambdas
        .iter()
        .map(|l| crate::numbers::short(l.get()))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::DEFAULT_LAMBDAS;

    #[test]
    fn lambdas_round_trip_through_their_text() {
        let text = format_lambdas(&DEFAULT_LAMBDAS);
        assert_eq!(text, "0,0.1,10");
        assert_eq!(parse_lambdas(&text).unwrap(), DEFAULT_LAMBDAS.to_vec());
    }

    #[test]
    fn minus_zero_is_zero() {
        let lambdas = parse_lambdas("-0,0.1").unwrap();
        assert!(lambdas[0].get().is_sign_positive());
        assert_eq!(format_lambdas(&lambdas), "0,0.1");
    }

    #[test]
    fn bad_lambdas_are_refused_with_what_was_wrong() {
        for bad in ["-1", "nan", "inf"] {
            let err = parse_lambdas(bad).unwrap_err();
            assert!(matches!(err, Error::InvalidLambda(_)), "{bad}: {err}");
        }
        for bad in ["0,,1", "abc", ""] {
            let err = parse_lambdas(bad).unwrap_err();
            assert!(matches!(err, Error::NotANumber { .. }), "{bad}: {err}");
        }
    }

    #[test]
    fn n_out_of_range_is_refused() {
        let err = Config::new(0, MAX_N + 1, "0", "output".into(), None).unwrap_err();
        assert!(matches!(err, Error::TooManyPoints { n, max: MAX_N } if n == MAX_N + 1));
        assert!(Config::new(0, MAX_N, "0", "output".into(), None).is_ok());
        let err = Config::new(0, 1, "0", "output".into(), None).unwrap_err();
        assert!(matches!(err, Error::TooFewPoints { n: 1 }));
    }
}
