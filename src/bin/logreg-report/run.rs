//! The main command: one run of the study, written to --out, or compared with it (--check).

use std::io::Write;

use std::path::PathBuf;

use logreg_report::config::{self, Config, ConfigError};
use logreg_report::output::{self, Difference, OutputError, Target};
use logreg_report::progress::Progress;
use logreg_report::report::ReportError;
use logreg_report::{Error, pipeline, report};

use crate::args::{Cli, RunOptions};
use crate::printer::{Quiet, StepPrinter, say};
use crate::words::accept_command;
use logreg_report::numbers::counted;

/// What a successful run found.
pub(crate) enum Outcome {
    Written,
    UpToDate,
    Stale,
}

/// Asks for the staging folder to be removed on SIGINT, SIGTERM and SIGHUP; where that cannot
/// be set up, says what it means and goes on.
pub(crate) fn install_cleanup() {
    if let Err(e) = output::install_signal_cleanup() {
        say(format_args!(
            "warning: an interrupted run may leave a staging folder behind for the next run to remove ({e})"
        ));
    }
}

/// The checked configuration of a run whose report is `folder`: the flags both commands
/// share, and `SOURCE_DATE_EPOCH`.
pub(crate) fn checked_config(options: &RunOptions, folder: PathBuf) -> Result<Config, ConfigError> {
    let site_url = options
        .site_url
        .as_deref()
        .map(config::SiteUrl::parse)
        .transpose()?;
    let mut config = Config::new(
        options.seed,
        options.n,
        &options.lambdas,
        folder,
        options.templates.clone(),
    )?;
    config.timestamp = config::source_date_epoch(std::env::var_os("SOURCE_DATE_EPOCH"))?;
    config.site_url = site_url;
    Ok(config)
}

pub(crate) fn run(cli: Cli) -> Result<Outcome, Error> {
    install_cleanup();
    let options = cli.run;
    let config = checked_config(&options, cli.out)?;
    // A folder that is not a report of this tool is refused before the study runs.
    let target = Target::resolve(&config.out)?;
    if let Some(templates) = &config.templates
        && std::fs::canonicalize(templates).is_ok_and(|t| t == target.path())
    {
        return Err(ReportError::TemplatesInOutput {
            path: templates.clone(),
        }
        .into());
    }
    if cli.check && target.manifest().is_none() {
        return Err(OutputError::NoReport { path: config.out }.into());
    }
    let mut printer = StepPrinter { spinner: None };
    let progress: &mut dyn Progress = if options.quiet {
        &mut Quiet
    } else {
        &mut printer
    };
    let report = pipeline::generate(&config, progress)?;
    if cli.check {
        let differences = output::compare(&target, &report.artifacts)?;
        // A reader that went away (`| head -1`) does not change the verdict.
        let mut stdout = std::io::stdout().lock();
        for difference in &differences {
            let line = match difference {
                Difference::Changed(path) => format!("changed  {path}"),
                Difference::Added(path) => format!("added    {path}"),
                Difference::Removed(path) => format!("removed  {path}"),
                Difference::Unreadable(path, why) => format!("unreadable  {path}: {why}"),
            };
            if writeln!(stdout, "{line}").is_err() {
                break;
            }
        }
        if differences.is_empty() {
            if !options.quiet {
                say(format_args!("{} is up to date", config.out.display()));
            }
            return Ok(Outcome::UpToDate);
        }
        say(format_args!(
            "{} is not what the code writes ({}): `{}` shows why and, with --accept, makes it \
             so (as `logreg-report --out {}` does)",
            config.out.display(),
            counted(differences.len(), "file differs", "files differ"),
            accept_command(&options, &config.out).trim_end_matches(" --accept"),
            config.out.display()
        ));
        return Ok(Outcome::Stale);
    }
    progress.start("writing");
    let started = std::time::Instant::now();
    output::write(&target, &report.artifacts, progress)?;
    progress.finish(
        &format!("wrote {}", config.out.join(report::PAGE).display()),
        started.elapsed(),
    );
    Ok(Outcome::Written)
}
