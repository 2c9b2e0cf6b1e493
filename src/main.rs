//! The `logreg-report` command: a thin CLI over the library. Parses flags, runs the study,
//! writes the report, prints progress and errors, and sets the exit status.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use logreg_report::Error;
use logreg_report::config::{self, Config};
use logreg_report::output::{self, Difference, Existing, Kind, Target};
use logreg_report::progress::Progress;
use logreg_report::review::{self, Tolerance, Tolerances};
use logreg_report::study::{DEFAULT_LAMBDAS, DEFAULT_N, DEFAULT_SEED};
use logreg_report::{pipeline, report};

/// Regenerates the logistic-regression study as a self-contained HTML report.
///
/// Writes a static site into the output folder: the page (index.html), figures/*.svg,
/// data/*.csv and results.json. The folder must be new, empty, or a report this tool wrote.
/// Only the files of the previous report are replaced, all at once by an atomic swap; files
/// of your own there are kept. Same options, same bytes. `logreg-report review` compares a
/// fresh run with a baseline report instead (see `logreg-report review --help`).
#[derive(Parser, Debug)]
#[command(
    name = "logreg-report",
    version,
    about,
    long_about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunOptions,
    /// Output folder: new, empty, or a report this tool wrote. The new report replaces the
    /// files the previous run wrote, atomically; files of your own in it are kept.
    #[arg(long, default_value = "output")]
    out: PathBuf,
    /// Write nothing: compare a fresh run with the report in --out, list every file that
    /// would change, and exit with status 1 if any would (0 if the report is up to date).
    #[arg(long)]
    check: bool,
}

/// What a run computes and how it reports, shared by the plain command and `review`: a flag
/// added here reaches both, so a review always regenerates what a run would write.
#[derive(Args, Debug)]
struct RunOptions {
    /// Seed of the random generator that draws both data sets.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    seed: u64,
    /// Points per data set (at least 2; with odd N class A gets the extra point).
    #[arg(long, default_value_t = DEFAULT_N, allow_negative_numbers = true)]
    n: usize,
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
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Compare a fresh run with a baseline report: files, pixels, numbers and page text.
    #[command(long_about = REVIEW_ABOUT, after_long_help = REVIEW_VERDICTS)]
    Review(ReviewArgs),
}

const REVIEW_ABOUT: &str = "\
Compare a fresh run with a baseline report: files, pixels, numbers and page text.

Regenerates the report in memory (the baseline is not written) and compares every file with the
baseline's, byte for byte. A figure whose bytes changed is drawn from both SVGs at scale 1 (one
pixel per SVG unit) with the pinned renderer (bundled DejaVu Sans) and compared pixel by pixel;
results.json is compared value by value (fits matched by data set and lambda), and each changed
figure is traced to the numbers it is drawn from; the page's visible text is diffed line by line.

Writes review.html (baseline, new and difference images, the changed numbers, the text diff; no
script, nothing loaded from outside) and review.json into --review-dir, prints one line per file
that is not identical and the page's path, and exits with status 0 when nothing changed beyond
the tolerances, 1 when something did (or is missing, new, removed or unreadable), 2 on errors
(bad flags, a baseline that is not a report of this tool).

--accept is all or nothing: it writes the whole run as the new baseline, every file, exactly what
`logreg-report --out BASELINE` writes (your own files in the folder are kept); there is no
accepting one figure and not another.";

const REVIEW_VERDICTS: &str = "\
Verdicts:
  identical   the baseline holds exactly the bytes the run makes (figures are not drawn)
  changed     the bytes differ; it passes when the review finds the difference within the
              tolerances: a figure \"visually identical\" (same pixels) or within --tolerance and
              --max-diff-pixels, results.json with no value beyond --number-tolerance (only
              the files' hashes differ), the page with the same visible text; data files pass
              only when identical
  new         the run makes a file the baseline's run did not write
  missing     the baseline's run wrote the file, but it is not in the folder any more
  removed     the baseline holds a file of its run that the run no longer makes
  unreadable  the baseline's file cannot be read as one: a link, folder or FIFO in its place,
              an SVG that does not parse, a results.json that is not this tool's
Only identical and passing changed files give exit status 0.";

/// Where and how strictly to review.
#[derive(Args, Debug)]
struct ReviewArgs {
    #[command(flatten)]
    run: RunOptions,
    /// The report to compare with: a report this tool wrote (refused otherwise, untouched).
    #[arg(long, value_name = "DIR", default_value = "output")]
    baseline: PathBuf,
    /// Make this run the new baseline: all files or none, as a plain run with --out BASELINE.
    #[arg(long)]
    accept: bool,
    /// Largest RMS (0-255, over R, G and B of every pixel) a changed figure may have.
    #[arg(long, value_name = "RMS", default_value_t = Short(Tolerances::default().rms), allow_negative_numbers = true)]
    tolerance: Short,
    /// YIQ colour-distance threshold (0-1) past which a pixel counts as different.
    #[arg(long, value_name = "T", default_value_t = Short(Tolerances::default().threshold), allow_negative_numbers = true)]
    threshold: Short,
    /// Real (not anti-aliased) differing pixels a changed figure may have.
    #[arg(long, value_name = "N", default_value_t = Tolerances::default().max_diff_pixels)]
    max_diff_pixels: u64,
    /// Largest relative change of a number in results.json that counts as none.
    #[arg(long, value_name = "REL", default_value_t = Short(Tolerances::default().numbers), allow_negative_numbers = true)]
    number_tolerance: Short,
    /// Also write the verdicts as JUnit XML to FILE (one test case per file of the report).
    #[arg(long, value_name = "FILE")]
    junit: Option<PathBuf>,
    /// Folder for review.html and review.json: new, empty, or a review folder of this tool
    /// (marked by its review.json). Any other folder is refused.
    #[arg(long, value_name = "DIR", default_value = "review")]
    review_dir: PathBuf,
}

/// A number given and shown in its shortest form (`1e-9`, not `0.000000001`).
#[derive(Clone, Copy, Debug)]
struct Short(f64);

impl std::fmt::Display for Short {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&logreg_report::numbers::short(self.0))
    }
}

impl std::str::FromStr for Short {
    type Err = std::num::ParseFloatError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.trim().parse().map(Short)
    }
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

/// `logreg-report review`: regenerates the report in memory, compares it with the baseline,
/// writes the review folder (and JUnit XML when asked), and with `--accept` the baseline.
/// Errors come back worded with the flag they concern.
fn review(args: ReviewArgs) -> Result<Outcome, String> {
    let words = |e: Error| in_flag_words(&e);
    let flag = |flag: &'static str| move |e: Error| format!("{flag} {e}");
    if let Err(e) = output::install_signal_cleanup() {
        say(format_args!(
            "warning: an interrupted run may leave a staging folder behind for the next run to remove ({e})"
        ));
    }
    let options = args.run;
    let site_url = options
        .site_url
        .as_deref()
        .map(config::SiteUrl::parse)
        .transpose()
        .map_err(words)?;
    let mut config = Config::new(
        options.seed,
        options.n,
        &options.lambdas,
        args.baseline.clone(),
        options.templates,
    )
    .map_err(words)?;
    config.timestamp =
        config::source_date_epoch(std::env::var_os("SOURCE_DATE_EPOCH")).map_err(words)?;
    config.site_url = site_url;
    let tolerances = Tolerances::new(
        args.tolerance.0,
        args.threshold.0,
        args.max_diff_pixels,
        args.number_tolerance.0,
    )
    .map_err(words)?;
    // Both folders are checked before anything is computed: a baseline that is not a report,
    // or a review folder that is not one of ours, is refused with nothing touched.
    let baseline = Target::resolve_baseline(&args.baseline).map_err(flag("--baseline"))?;
    if matches!(baseline.existing(), Existing::Missing | Existing::Empty) {
        return Err(format!(
            "--baseline {}",
            Error::NoReport {
                path: args.baseline.clone()
            }
        ));
    }
    let review_dir =
        Target::resolve_kind(&args.review_dir, Kind::Review).map_err(flag("--review-dir"))?;
    if let Some(templates) = &config.templates
        && std::fs::canonicalize(templates).is_ok_and(|t| t == baseline.path())
    {
        return Err(words(Error::TemplatesInOutput {
            path: templates.clone(),
        }));
    }
    if let Some(junit) = &args.junit
        && let Ok(meta) = std::fs::symlink_metadata(junit)
        && meta.is_dir()
    {
        return Err(format!(
            "--junit {}: is a folder, not a file",
            junit.display()
        ));
    }
    let mut printer = StepPrinter { spinner: None };
    let progress: &mut dyn Progress = if options.quiet {
        &mut Quiet
    } else {
        &mut printer
    };
    let report = pipeline::generate(&config, progress).map_err(words)?;
    let found =
        review::review(&baseline, &report.artifacts, &tolerances, progress).map_err(words)?;
    let unchanged = found
        .files
        .iter()
        .all(|f| f.verdict == output::Verdict::Identical);
    let accepted = args.accept && !unchanged;
    if accepted {
        progress.start("accepting");
        let started = std::time::Instant::now();
        output::write(&baseline, &report.artifacts, progress).map_err(flag("--baseline"))?;
        progress.finish(
            &format!("accepted: wrote {}", args.baseline.display()),
            started.elapsed(),
        );
    }
    let header = review::page::Header {
        baseline: args.baseline.display().to_string(),
        run: format!(
            "seed {}, N = {}, λ = {}",
            config.study.seed,
            config.study.n,
            config::format_lambdas(&config.study.lambdas)
        ),
        accepted,
    };
    let artifacts = review::page::artifacts(&found, &header).map_err(words)?;
    progress.start("writing the review");
    let started = std::time::Instant::now();
    output::write(&review_dir, &artifacts, progress).map_err(flag("--review-dir"))?;
    let page = args.review_dir.join(review::page::REVIEW_PAGE);
    progress.finish(&format!("wrote {}", page.display()), started.elapsed());
    if let Some(junit) = &args.junit {
        let xml = review::junit::xml(&found, accepted);
        review::junit::write(junit, &xml).map_err(|e| format!("--junit {e}"))?;
    }
    // A reader that went away (`| head -1`) does not change the verdict.
    let mut stdout = std::io::stdout().lock();
    let lines = found
        .files
        .iter()
        .filter(|f| f.verdict != output::Verdict::Identical)
        .map(|f| {
            let status = if f.passed { "ok" } else { "FAIL" };
            format!(
                "{status:<4} {:<10} {}: {}",
                f.verdict.word(),
                f.path,
                f.note
            )
        })
        .chain([format!("review page: {}", page.display())]);
    for line in lines {
        if writeln!(stdout, "{line}").is_err() {
            break;
        }
    }
    if !options.quiet {
        say(format_args!("{}", review::page::summary(&found)));
    }
    Ok(if accepted || found.passed() {
        Outcome::UpToDate
    } else {
        Outcome::Stale
    })
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
        Some(Command::Review(args)) => review(args),
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
