//! The library's errors and the commands it advises in the words of the command line: which
//! flag (or which line of the project file) a value or path came from, and which flags
//! repeat a run. The library's messages never name a flag; this is the one place that does.

use logreg_report::Error;
use logreg_report::config;
use logreg_report::config::ConfigError;
use logreg_report::data::DataError;
use logreg_report::model::ModelError;
use logreg_report::numbers::short;
use logreg_report::output::OutputError;
use logreg_report::project::{Key, Lookup, Project, ProjectError, Source};
use logreg_report::report::ReportError;
use logreg_report::review::{ReviewError, Tolerance};
use logreg_report::study::StudyError;

/// The flag that sets `key`.
pub(crate) fn flag_of(key: Key) -> &'static str {
    match key {
        Key::Seed => "--seed",
        Key::N => "--n",
        Key::Lambdas => "--lambdas",
        Key::SiteUrl => "--site-url",
        Key::Templates => "--templates",
        Key::Out => "--out",
        Key::Baseline => "--baseline",
        Key::ReviewDir => "--review-dir",
        Key::Tolerance => "--tolerance",
        Key::Threshold => "--threshold",
        Key::MaxDiffPixels => "--max-diff-pixels",
        Key::NumberTolerance => "--number-tolerance",
    }
}

/// How messages name where a value came from: its flag, or its place in the project file.
#[derive(Clone, Copy, Default)]
pub(crate) struct Names<'a>(Option<&'a Project>);

impl<'a> Names<'a> {
    /// Names as `project` gives its values.
    pub(crate) fn of(project: &'a Project) -> Self {
        Names(Some(project))
    }

    /// `--out`, or `report.toml:6:7: out:` where the project file gave the value.
    pub(crate) fn name(&self, key: Key) -> String {
        match self.0.map(|p| p.source(key)) {
            Some(Source::File(place)) => format!("{place}: {key}:"),
            _ => flag_of(key).to_string(),
        }
    }
}

/// A project that cannot be used, in the words of the command line.
pub(crate) fn project_words(error: &ProjectError, lookup: &Lookup) -> String {
    match error {
        ProjectError::CommandLine { error, .. } => in_flag_words(error, Names::default()),
        ProjectError::Read { .. } | ProjectError::NotAFile { .. }
            if matches!(lookup, Lookup::File(_)) =>
        {
            format!("--config {error}")
        }
        other => other.to_string(),
    }
}

/// The library's error in the words of the command line: which flag (or line of the project
/// file) the value came from.
pub(crate) fn in_flag_words(error: &Error, names: Names<'_>) -> String {
    match error {
        Error::Config(ConfigError::Lambda(ModelError::InvalidLambda { got, max }))
        | Error::Model(ModelError::InvalidLambda { got, max }) => format!(
            "--lambdas: each lambda must be a number from 0 to {} (larger strengths leave the \
             range a fit can be computed in), got {}",
            short(*max),
            short(*got)
        ),
        Error::Config(ConfigError::NoLambdas) | Error::Study(StudyError::NoLambdas) => {
            "--lambdas: at least one lambda is needed".into()
        }
        Error::Config(ConfigError::TooFewPoints { n })
        | Error::Study(StudyError::Data(DataError::TooFewPoints { n }))
        | Error::Data(DataError::TooFewPoints { n }) => {
            format!("--n must be at least 2 (one point per class), got {n}")
        }
        Error::Config(ConfigError::TooManyPoints { n, max }) => {
            format!("--n may be at most {max} (both data sets are held in memory), got {n}")
        }
        Error::Config(ConfigError::NotANumber { .. } | ConfigError::TooManyLambdas { .. }) => {
            format!("--lambdas: {error}")
        }
        Error::Config(ConfigError::NoOutputName) => "--out must name a folder".into(),
        Error::Config(ConfigError::EmptyPath) => "a folder's path is empty".into(),
        Error::Config(ConfigError::SiteUrl { .. }) => format!("--site-url {error}"),
        Error::Output(
            OutputError::NotAFolder { .. }
            | OutputError::DanglingLink { .. }
            | OutputError::NotAReport { .. }
            | OutputError::InTheWay { .. }
            | OutputError::LinkInTheWay { .. }
            | OutputError::Unwritable { .. }
            | OutputError::Io { .. }
            | OutputError::KeepUserFile { .. }
            | OutputError::RootOutput { .. }
            | OutputError::Changed { .. }
            | OutputError::CannotMake { .. }
            | OutputError::Inside { .. },
        ) => format!("{} {error}", names.name(Key::Out)),
        Error::Output(OutputError::NoReport { .. }) => {
            format!("--check: {} {error}", names.name(Key::Out))
        }
        Error::Report(
            ReportError::TemplatesInOutput { .. }
            | ReportError::TemplateNotAFile { .. }
            | ReportError::Io { .. },
        ) => format!("{} {error}", names.name(Key::Templates)),
        // The template's line and a caret under the place follow the message: an author
        // fixes a template by looking at it.
        Error::Report(ReportError::Template(template)) => template.detail(),
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

/// Any stage's error in the words of the command line, its paths named as `project` gives
/// them.
pub(crate) fn words<E: Into<Error>>(project: &Project) -> impl Fn(E) -> String + '_ {
    move |error| in_flag_words(&error.into(), Names::of(project))
}

/// An error about the path given to `flag`, with the flag in front.
pub(crate) fn prefixed<E: std::fmt::Display>(flag: String) -> impl Fn(E) -> String {
    move |e| format!("{flag} {e}")
}

/// How the user runs this program: `cargo run --release --` when cargo started it (a clone
/// of the repository), its own name otherwise.
pub(crate) fn program() -> String {
    let by_cargo = std::env::var_os("CARGO").is_some()
        && std::env::var("CARGO_PKG_NAME").is_ok_and(|name| name == env!("CARGO_PKG_NAME"));
    if !by_cargo {
        return env!("CARGO_PKG_NAME").into();
    }
    let release = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.file_name()? == "release"))
        .unwrap_or(true);
    let mode = if release { " --release" } else { "" };
    format!("cargo run{mode} --")
}

/// The command that accepts this run: the program, `review`, the flags that made the run
/// what it was (the project file's values need none), and `--accept`.
pub(crate) fn accept_command(project: &Project, lookup: &Lookup) -> String {
    let mut parts = vec![format!("{} review", program())];
    parts.extend(run_flags(project, lookup));
    parts.push("--accept".into());
    parts.join(" ")
}

/// The command that writes this run's report into its output folder.
pub(crate) fn write_command(project: &Project, lookup: &Lookup) -> String {
    let mut parts = vec![program()];
    parts.extend(run_flags(project, lookup));
    if *project.source(Key::Out) == Source::CommandLine {
        parts.push(shell_flag(
            "--out",
            &project.config.out.display().to_string(),
        ));
    }
    parts.join(" ")
}

/// The flags, as shell words, that make a run what this one is beyond its project file:
/// `--config` and every flag that gave a parameter of the report or its baseline.
fn run_flags(project: &Project, lookup: &Lookup) -> Vec<String> {
    let mut parts = Vec::new();
    let mut add = |flag: &str, value: String| parts.push(shell_flag(flag, &value));
    if let Lookup::File(file) = lookup {
        add("--config", file.display().to_string());
    }
    let c = &project.config;
    for &key in project.changed_by_flags() {
        let value = match key {
            Key::Seed => c.study.seed.to_string(),
            Key::N => c.study.n.to_string(),
            Key::Lambdas => config::format_lambdas(&c.study.lambdas),
            Key::SiteUrl => c
                .site_url
                .as_ref()
                .map_or_else(String::new, |u| u.as_str().into()),
            Key::Templates => match &c.template {
                config::Template::Folder(dir) => dir.display().to_string(),
                config::Template::Text { .. } => continue,
            },
            Key::Baseline => project.baseline.display().to_string(),
            // The output folder, the review folder and the tolerances do not change what
            // is accepted.
            _ => continue,
        };
        add(flag_of(key), value);
    }
    parts
}

/// `--flag value` as shell words: the value quoted where it needs to be, and joined with `=`
/// where it starts with a dash (which the parser would take for a flag).
pub(crate) fn shell_flag(flag: &str, value: &str) -> String {
    let joint = if value.starts_with('-') { '=' } else { ' ' };
    // The value as one shell word: as it is when that is safe, else in single quotes.
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./,:=+@%".contains(c));
    if plain {
        format!("{flag}{joint}{value}")
    } else {
        format!("{flag}{joint}'{}'", value.replace('\'', "'\\''"))
    }
}
