//! The `logreg-report` command: a thin CLI over the library. Parses flags, runs the study,
//! writes the report, prints progress and errors, and sets the exit status.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use logreg_report::Error;
use logreg_report::config::{self, Config};
use logreg_report::output::{self, Difference, Target};
use logreg_report::progress::Progress;
use logreg_report::study::{DEFAULT_LAMBDAS, DEFAULT_N, DEFAULT_SEED};
use logreg_report::{pipeline, report};

/// Regenerates the logistic-regression study as a self-contained HTML report.
///
/// Writes a static site into the output folder: the page (index.html), figures/*.svg,
/// data/*.csv and results.json. The folder must be new, empty, or a report this tool wrote.
/// Only the files of the previous report are replaced, all at once by an atomic swap; files
/// of your own there are kept. Same options, same bytes.
#[derive(Parser, Debug)]
#[command(name = "logreg-report", version, about, long_about)]
struct Cli {
    /// Seed of the random generator that draws both data sets.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Points per data set (at least 2; with odd N class A gets the extra point).
    #[arg(long, default_value_t = DEFAULT_N, allow_negative_numbers = true)]
    n: usize,
    /// Output folder: new, empty, or a report this tool wrote. The new report replaces the
    /// files the previous run wrote, atomically; files of your own in it are kept.
    #[arg(long, default_value = "output")]
    out: PathBuf,
    /// Regularisation strengths compared on the separable data, comma-separated, each >= 0.
    #[arg(long, default_value_t = config::format_lambdas(&DEFAULT_LAMBDAS), allow_negative_numbers = true)]
    lambdas: String,
    /// A folder with a site's own report.html template, used instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// Print nothing but warnings and errors.
    #[arg(long)]
    quiet: bool,
    /// The address the output folder will be published at (http:// or https://). The page
    /// then names it as its canonical address, gets link-preview tags (Open Graph, Twitter)
    /// and a social card, social-card.png. Without it the report holds no absolute URL.
    #[arg(long, value_name = "URL")]
    site_url: Option<String>,
    /// Write nothing: compare a fresh run with the report in --out, list every file that
    /// would change, and exit with status 1 if any would (0 if the report is up to date).
    #[arg(long)]
    check: bool,
}

/// Writes a line to stderr. A closed or full stderr (`2>/dev/full`, a pipe whose reader is
/// gone) must never stop a run that can still write its report, so errors are dropped.
fn say(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// One line per step on stderr with its time, and a spinner with the elapsed time while a
/// step runs, so that long steps (fits and CSVs at large N) show they are alive. indicatif
/// draws the spinner only when stderr is a terminal; logs get the lines alone.
struct StepPrinter {
    spinner: Option<ProgressBar>,
}

impl Progress for StepPrinter {
    fn start(&mut self, step: &str) {
        let spinner = ProgressBar::new_spinner();
        spinner.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        spinner.set_message(step.to_string());
        spinner.enable_steady_tick(Duration::from_millis(120));
        self.spinner = Some(spinner);
    }

    fn finish(&mut self, step: &str, elapsed: Duration) {
        if let Some(spinner) = self.spinner.take() {
            spinner.finish_and_clear();
        }
        say(format_args!("{:>9.3} s  {step}", elapsed.as_secs_f64()));
    }

    fn warn(&mut self, message: &str) {
        let line = || say(format_args!("warning: {message}"));
        match &self.spinner {
            Some(spinner) => spinner.suspend(line),
            None => line(),
        }
    }
}

/// Prints nothing but warnings: they are about the results themselves, so a user must
/// see them even after asking for quiet.
struct Quiet;

impl Progress for Quiet {
    fn warn(&mut self, message: &str) {
        say(format_args!("warning: {message}"));
    }
}

/// What a successful run found.
enum Outcome {
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
    let mut config = Config::new(cli.seed, cli.n, &cli.lambdas, cli.out, cli.templates)?;
    config.timestamp = config::source_date_epoch(std::env::var_os("SOURCE_DATE_EPOCH"))?;
    config.site_url = cli
        .site_url
        .as_deref()
        .map(config::SiteUrl::parse)
        .transpose()?;
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
    let progress: &mut dyn Progress = if cli.quiet { &mut Quiet } else { &mut printer };
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
            if !cli.quiet {
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

/// The library's error in the words of the command line: which flag the value came from.
fn in_flag_words(error: &Error) -> String {
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
        other => other.to_string(),
    }
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
    match run(cli) {
        Ok(Outcome::Written | Outcome::UpToDate) => ExitCode::SUCCESS,
        Ok(Outcome::Stale) => ExitCode::from(1),
        Err(e) => {
            say(format_args!("error: {}", in_flag_words(&e)));
            ExitCode::from(2)
        }
    }
}
