//! The library's errors in the words of the command line.

use logreg_report::Error;
use logreg_report::review::Tolerance;

/// The library's error in the words of the command line: which flag the value came from.
pub(crate) fn in_flag_words(error: &Error) -> String {
    match error {
        Error::TooFewPoints { n } => {
            format!("--n must be at least 2 (one point per class), got {n}")
        }
        Error::TooManyPoints { n, max } => {
            format!("--n may be at most {max} (both data sets are held in memory), got {n}")
        }
        Error::NotANumber { text } => format!("--lambdas: {text:?} is not a number"),
        Error::InvalidLambda(value) => format!(
            "--lambdas: each lambda must be a finite number >= 0, got {}",
            logreg_report::numbers::short(*value)
        ),
        Error::NoLambdas => "--lambdas: at least one lambda is needed".into(),
        Error::NoOutputName => "--out must name a folder".into(),
        Error::SiteUrl { .. } => format!("--site-url {error}"),
        Error::NotAFolder { .. }
        | Error::DanglingLink { .. }
        | Error::NotAReport { .. }
        | Error::InTheWay { .. }
        | Error::RootOutput { .. } => format!("--out {error}"),
        Error::NoReport { .. } => format!("--check: --out {error}"),
        Error::TemplatesInOutput { .. } | Error::TemplateNotAFile { .. } => {
            format!("--templates {error}")
        }
        Error::BadTolerance { what, value } => {
            let flag = match what {
                Tolerance::Rms => "--tolerance",
                Tolerance::Threshold => "--threshold",
                Tolerance::Numbers => "--number-tolerance",
            };
            let value = logreg_report::numbers::short(*value);
            format!("{flag} must be {}, got {value}", what.rule())
        }
        other => other.to_string(),
    }
}
