//! The `logreg-report` command: a thin CLI over the library. Parses flags, runs the study,
//! writes the report, prints progress and errors, and sets the exit status.

mod args;
mod printer;
mod review;
mod words;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use logreg_report::Error;
use logreg_report::config::{self, Config};
use logreg_report::output::{self, Difference, Target};
use logreg_report::progress::Progress;
use logreg_report::{pipeline, report};

use args::{Cli, Command};
use printer::{Quiet, StepPrinter, say};
use words::in_flag_words;

/// What a successful run found.
pub(crate) enum Outcome {
    Written,
    UpToDate,
    Stale,
}

fn run(cli: Cli) -> Result<Outcome, Error> {
    if let Err(e) = output::install_signal_cleanup() {
        say(format_args!(
            "warning: an interrupted run may leave a staging folder behind for the next run to remove ({e})"
        ));
    }
    let options = cli.run;
    let site_url = options
        .site_url
        .as_deref()
        .map(config::SiteUrl::parse)
        .transpose()?;
    let mut config = Config::new(
        options.seed,
        options.n,
        &options.lambdas,
        cli.out,
        options.templates,
    )?;
    config.timestamp = config::source_date_epoch(std::env::var_os("SOURCE_DATE_EPOCH"))?;
    config.site_url = site_url;
    // A folder that is not a report of this tool is refused before the study runs.
    let target = Target::resolve(&config.out)?;
    if let Some(templates) = &config.templates
        && std::fs::canonicalize(templates).is_ok_and(|t| t == target.path())
    {
        return Err(Error::TemplatesInOutput {
            path: templates.clone(),
        });
    }
    if cli.check && target.manifest().is_none() {
        return Err(Error::NoReport { path: config.out });
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

fn main() -> ExitCode {
    // A file-size limit (`ulimit -f`) must end a run with an error that leaves the previous
    // report in place, not kill it by SIGXFSZ halfway through a write.
    #[cfg(unix)]
    // SAFETY: setting a signal's disposition to "ignore" before any thread starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    // Usage errors (unknown flags, malformed values) are clap's, with its usual text and
    // exit status 2.
    let cli = Cli::parse();
    let outcome = match cli.command {
        Some(Command::Review(args)) => review::review(args),
        None => run(cli).map_err(|e| in_flag_words(&e)),
    };
    match outcome {
        Ok(Outcome::Written | Outcome::UpToDate) => ExitCode::SUCCESS,
        Ok(Outcome::Stale) => ExitCode::from(1),
        Err(message) => {
            say(format_args!("error: {message}"));
            ExitCode::from(2)
        }
    }
}
