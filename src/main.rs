//! The `logreg-report` command: a thin CLI over the library. Parses flags, runs the study,
//! writes the report, prints progress and errors, and sets the exit status.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use logreg_report::config::{self, Config};
use logreg_report::report::check::Difference;
use logreg_report::report::{self, Progress};
use logreg_report::study::{DEFAULT_LAMBDAS, DEFAULT_N, DEFAULT_SEED};

/// Regenerates the logistic-regression study as a self-contained HTML report.
///
/// Writes report.html, figures/*.svg, data/*.csv and results.json into the output folder,
/// replacing it as a whole only once everything is ready. Same options, same bytes.
#[derive(Parser, Debug)]
#[command(name = "logreg-report", version, about, long_about)]
struct Cli {
    /// Seed of the random generator that draws both data sets.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Points per data set (at least 2; with odd N class A gets the extra point).
    #[arg(long, default_value_t = DEFAULT_N, allow_negative_numbers = true)]
    n: usize,
    /// Output folder; replaced as a whole, atomically.
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
    /// Write nothing: compare a fresh run with the report in --out, list every file that
    /// would change, and exit with status 1 if any would (0 if the report is up to date).
    #[arg(long)]
    check: bool,
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
        eprintln!("{:>9.3} s  {step}", elapsed.as_secs_f64());
    }

    fn warn(&mut self, message: &str) {
        match &self.spinner {
            Some(spinner) => spinner.suspend(|| warning(message)),
            None => warning(message),
        }
    }
}

/// Warnings are about the results themselves, so even --quiet prints them.
struct Quiet;

impl Progress for Quiet {
    fn warn(&mut self, message: &str) {
        warning(message);
    }
}

/// One `warning: …` line on stderr. A closed stderr must not end the run that writes the
/// report, so a failed write is ignored.
fn warning(message: &str) {
    let _ = writeln!(std::io::stderr(), "warning: {message}");
}

/// What a successful run found.
enum Outcome {
    Written,
    UpToDate,
    Stale,
}

fn run(cli: Cli) -> Result<Outcome, logreg_report::Error> {
    let mut config = Config::new(cli.seed, cli.n, &cli.lambdas, cli.out, cli.templates)?;
    config.timestamp = config::source_date_epoch(std::env::var_os("SOURCE_DATE_EPOCH"))?;
    let mut printer = StepPrinter { spinner: None };
    let progress: &mut dyn Progress = if cli.quiet { &mut Quiet } else { &mut printer };
    let report = report::generate(&config, progress)?;
    if cli.check {
        let differences = report::check::compare(&config.out, &report.artifacts)?;
        for difference in &differences {
            match difference {
                Difference::Changed(path) => println!("changed  {path}"),
                Difference::Added(path) => println!("added    {path}"),
                Difference::Removed(path) => println!("removed  {path}"),
            }
        }
        if differences.is_empty() {
            if !cli.quiet {
                eprintln!("{} is up to date", config.out.display());
            }
            return Ok(Outcome::UpToDate);
        }
        return Ok(Outcome::Stale);
    }
    progress.start("writing");
    let started = std::time::Instant::now();
    report::write_atomically(&config.out, &report.artifacts)?;
    progress.finish(
        &format!("wrote {}", config.out.join(report::PAGE).display()),
        started.elapsed(),
    );
    Ok(Outcome::Written)
}

fn main() -> ExitCode {
    // Usage errors (unknown flags, malformed values) are clap's, with its usual text and
    // exit status 2.
    let cli = Cli::parse();
    match run(cli) {
        Ok(Outcome::Written | Outcome::UpToDate) => ExitCode::SUCCESS,
        Ok(Outcome::Stale) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
