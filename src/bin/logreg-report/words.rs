//! The library's errors and the commands it advises in the words of the command line: which
//! flag a value or path came from, and which flags repeat a run. The library's messages never
//! name a flag; this is the one place that does.

use std::path::Path;

use logreg_report::Error;
use logreg_report::config;
use logreg_report::config::ConfigError;
use logreg_report::data::DataError;
use logreg_report::model::ModelError;
use logreg_report::numbers::short;
use logreg_report::output::OutputError;
use logreg_report::report::ReportError;
use logreg_report::review::{ReviewError, Tolerance};
use logreg_report::study::{DEFAULT_LAMBDAS, DEFAULT_N, DEFAULT_SEED, StudyError};

use crate::args::RunOptions;

/// The library's error in the words of the command line: which flag the value came from.
pub(crate) fn in_flag_words(error: &Error) -> String {
    match error {
        Error::Config(e) => config_words(e),
        Error::Model(ModelError::InvalidLambda { got, max }) => lambda_words(*got, *max),
        Error::Study(StudyError::NoLambdas) => "--lambdas: at least one lambda is needed".into(),
        Error::Study(StudyError::Data(DataError::TooFewPoints { n }))
        | Error::Data(DataError::TooFewPoints { n }) => too_few(*n),
        Error::Output(
            OutputError::NotAFolder { .. }
            | OutputError::DanglingLink { .. }
            | OutputError::NotAReport { .. }
            | OutputError::InTheWay { .. }
            | OutputError::LinkInTheWay { .. }
            | OutputError::Unwritable { .. }
            | OutputError::Io { .. }
            | OutputError::KeepUserFile { .. }
            | OutputError::RootOutput { .. },
        ) => format!("--out {error}"),
        Error::Output(OutputError::NoReport { .. }) => format!("--check: --out {error}"),
        Error::Report(
            ReportError::TemplatesInOutput { .. }
            | ReportError::TemplateNotAFile { .. }
            | ReportError::Io { .. },
        ) => format!("--templates {error}"),
        Error::Review(ReviewError::BadTolerance { what, value }) => {
            let flag = match what {
                Tolerance::Rms => "--tolerance",
                Tolerance::Threshold => "--threshold",
                Tolerance::Numbers => "--number-tolerance",
            };
            format!("{flag} must be {}, got {}", what.rule(), short(*value))
        }
        other => other.to_string(),
    }
}

fn config_words(error: &ConfigError) -> String {
    match error {
        ConfigError::TooFewPoints { n } => too_few(*n),
        ConfigError::TooManyPoints { n, max } => {
            format!("--n may be at most {max} (both data sets are held in memory), got {n}")
        }
        ConfigError::NotANumber { text } => format!("--lambdas: {text:?} is not a number"),
        ConfigError::Lambda(ModelError::InvalidLambda { got, max }) => lambda_words(*got, *max),
        ConfigError::NoOutputName => "--out must name a folder".into(),
        ConfigError::SiteUrl { .. } => format!("--site-url {error}"),
        ConfigError::SourceDateEpoch { .. } => error.to_string(),
    }
}

fn too_few(n: usize) -> String {
    format!("--n must be at least 2 (one point per class), got {n}")
}

fn lambda_words(value: f64, max: f64) -> String {
    format!(
        "--lambdas: each lambda must be a number from 0 to {} (larger strengths leave the \
         range a fit can be computed in), got {}",
        short(max),
        short(value)
    )
}

/// Any stage's error in the words of the command line.
pub(crate) fn words(error: impl Into<Error>) -> String {
    in_flag_words(&error.into())
}

/// An error about the path given to `flag`, with the flag in front.
pub(crate) fn flag<E: std::fmt::Display>(flag: &'static str) -> impl Fn(E) -> String {
    move |e| format!("{flag} {e}")
}

/// The command that accepts this run: `logreg-report review`, the options that make the run
/// what it was, and `--accept`.
pub(crate) fn accept_command(o: &RunOptions, baseline: &Path) -> String {
    let mut parts = vec!["logreg-report review".to_string()];
    let mut add = |flag: &str, value: String| parts.push(format!("{flag} {}", quoted(&value)));
    if baseline != Path::new("output") {
        add("--baseline", baseline.display().to_string());
    }
    if o.seed != DEFAULT_SEED {
        add("--seed", o.seed.to_string());
    }
    if o.n != DEFAULT_N {
        add("--n", o.n.to_string());
    }
    if o.lambdas != config::format_lambdas(&DEFAULT_LAMBDAS) {
        add("--lambdas", o.lambdas.clone());
    }
    if let Some(templates) = &o.templates {
        add("--templates", templates.display().to_string());
    }
    if let Some(url) = &o.site_url {
        add("--site-url", url.clone());
    }
    parts.push("--accept".into());
    parts.join(" ")
}

/// `text` as one shell word: as it is when that is safe, else in single quotes.
fn quoted(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./,:=+@%".contains(c));
    if plain {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
