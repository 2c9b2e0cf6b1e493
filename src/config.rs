//! The one place where user input becomes validated values.

use std::path::PathBuf;

use crate::error::{Error, Result};
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
            return Err(Error::InvalidParameter(format!(
                "--n must be at least 2 (one point per class), got {n}"
            )));
        }
        if n > MAX_N {
            return Err(Error::InvalidParameter(format!(
                "--n may be at most {MAX_N}: a run holds both data sets and their CSV text in \
                 memory, about 120 bytes a point (12 GB at the limit), got {n}"
            )));
        }
        if out.as_os_str().is_empty() {
            return Err(Error::InvalidParameter("--out must name a folder".into()));
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
    text.trim().parse().map(Some).map_err(|_| {
        Error::InvalidParameter(format!(
            "SOURCE_DATE_EPOCH must be a whole number of seconds, got {text:?}"
        ))
    })
}

/// Parses a comma-separated list of regularisation strengths, each finite and ≥ 0.
pub fn parse_lambdas(text: &str) -> Result<Vec<f64>> {
    let lambdas = text
        .split(',')
        .map(|part| {
            let part = part.trim();
            let value: f64 = part.parse().map_err(|_| {
                Error::InvalidParameter(format!("--lambdas: {part:?} is not a number"))
            })?;
            if value.is_finite() && value >= 0.0 {
                // −0 is 0, and is written so.
                Ok(if value == 0.0 { 0.0 } else { value })
            } else {
                Err(Error::InvalidParameter(format!(
                    "--lambdas: each lambda must be a finite number >= 0, got {part}"
                )))
            }
        })
        .collect::<Result<Vec<f64>>>()?;
    Ok(lambdas)
}

/// Writes lambdas the way `--lambdas` takes them.
pub fn format_lambdas(lambdas: &[f64]) -> String {
    lambdas
        .iter()
        .map(|&l| crate::numbers::short(l))
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
        assert!(lambdas[0].is_sign_positive());
        assert_eq!(format_lambdas(&lambdas), "0,0.1");
    }

    #[test]
    fn bad_lambdas_are_refused_with_their_text() {
        for bad in ["-1", "nan", "inf", "0,,1", "abc", ""] {
            let err = parse_lambdas(bad).unwrap_err().to_string();
            assert!(err.starts_with("--lambdas: "), "{bad}: {err}");
        }
    }

    #[test]
    fn n_beyond_the_memory_limit_is_refused() {
        let err = Config::new(0, MAX_N + 1, "0", "output".into(), None).unwrap_err();
        assert!(
            err.to_string().starts_with("--n may be at most 100000000"),
            "{err}"
        );
        assert!(Config::new(0, MAX_N, "0", "output".into(), None).is_ok());
    }

    #[test]
    fn n_below_two_is_refused() {
        let err = Config::new(0, 1, "0", "output".into(), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "--n must be at least 2 (one point per class), got 1"
        );
    }
}
