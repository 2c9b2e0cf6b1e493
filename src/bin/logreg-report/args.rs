//! The command line: the flags of a run and of `review`, and their help texts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use logreg_report::config;
use logreg_report::review::Tolerances;
use logreg_report::study::{DEFAULT_LAMBDAS, DEFAULT_N, DEFAULT_SEED};

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
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
    #[command(flatten)]
    pub(crate) run: RunOptions,
    /// Output folder: new, empty, or a report this tool wrote. The new report replaces the
    /// files the previous run wrote, atomically; files of your own in it are kept.
    #[arg(long, default_value = "output")]
    pub(crate) out: PathBuf,
    /// Write nothing: compare a fresh run with the report in --out, list every file that
    /// would change, and exit with status 1 if any would (0 if the report is up to date).
    #[arg(long)]
    pub(crate) check: bool,
}

/// What a run computes and how it reports, shared by the plain command and `review`: a flag
/// added here reaches both, so a review always regenerates what a run would write.
#[derive(Args, Debug)]
pub(crate) struct RunOptions {
    /// Seed of the random generator that draws both data sets.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub(crate) seed: u64,
    /// Points per data set (at least 2; with odd N class A gets the extra point).
    #[arg(long, default_value_t = DEFAULT_N, allow_negative_numbers = true)]
    pub(crate) n: usize,
    /// Regularisation strengths compared on the separable data, comma-separated, each from 0 to
    /// 1e100.
    #[arg(long, default_value_t = config::format_lambdas(&DEFAULT_LAMBDAS), allow_negative_numbers = true)]
    pub(crate) lambdas: String,
    /// A folder with a site's own report.html template, used instead of the built-in one.
    #[arg(long, value_name = "DIR")]
    pub(crate) templates: Option<PathBuf>,
    /// Print nothing but warnings, errors and (for review) its one summary line.
    #[arg(long)]
    pub(crate) quiet: bool,
    /// The address the output folder will be published at (http:// or https://). The page
    /// then names it as its canonical address, gets link-preview tags (Open Graph, Twitter)
    /// and a social card, social-card.png. Without it the report holds no absolute URL.
    #[arg(long, value_name = "URL")]
    pub(crate) site_url: Option<String>,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Compare a fresh run with a baseline report: files, pixels, numbers and page text.
    #[command(long_about = REVIEW_ABOUT, after_long_help = REVIEW_VERDICTS)]
    Review(ReviewArgs),
}

pub(crate) const REVIEW_ABOUT: &str = "\
Compare a fresh run with a baseline report: files, pixels, numbers and page text.

Regenerates the report in memory (the baseline is not written) and compares every file with the
baseline's, byte for byte. A figure whose bytes changed is drawn from both SVGs at scale 1 (one
pixel per SVG unit) with the pinned renderer (bundled DejaVu Sans) and compared pixel by pixel;
results.json is compared value by value (fits matched by data set and lambda), and each changed
figure is traced to the numbers it is drawn from; the page's visible text is diffed line by line.

Writes review.html (each changed picture side by side with its difference, flipped, as an onion
skin or blinking; the changed numbers by fit; the diffs of the page's text and the text files; no
script, nothing loaded from outside), its images at full size and review.json into --review-dir.
Prints one line per file that is not identical, the page's path, and a last line that says where
that leaves the baseline: whenever its bytes are not what the code writes, that line names the
command that accepts the run (`review --accept`).

Exit status: 0 when nothing changed beyond the tolerances: either every file is identical, or
the changes are within the tolerances (the review passes, but the baseline is stale, `--check`
fails, and the last line says to accept); 1 when something changed beyond them (or is missing,
new, removed or unreadable); 2 on errors (bad flags, a baseline that is not a report of this
tool, a --junit or --markdown path that is not the tool's to write).

--baseline-rev REV compares with the report committed at REV in the folder --baseline names,
read from git (no worktree is made, nothing is written to the repository).

--accept is all or nothing: it writes the whole run as the new baseline, every file, exactly what
`logreg-report --out BASELINE` writes (your own files in the folder are kept); there is no
accepting one figure and not another: change the code until only the changes you want remain.";

pub(crate) const REVIEW_VERDICTS: &str = "\
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
pub(crate) struct ReviewArgs {
    #[command(flatten)]
    pub(crate) run: RunOptions,
    /// The report to compare with: a report this tool wrote (refused otherwise, untouched).
    #[arg(long, value_name = "DIR", default_value = "output")]
    pub(crate) baseline: PathBuf,
    /// Make this run the new baseline: all files or none, as a plain run with --out BASELINE.
    #[arg(long)]
    pub(crate) accept: bool,
    /// Largest RMS (0-255, over R, G and B of every pixel) a changed figure may have.
    #[arg(long, value_name = "RMS", default_value_t = Short(Tolerances::default().rms), allow_negative_numbers = true)]
    pub(crate) tolerance: Short,
    /// YIQ colour-distance threshold (0-1) past which a pixel counts as different.
    #[arg(long, value_name = "T", default_value_t = Short(Tolerances::default().threshold), allow_negative_numbers = true)]
    pub(crate) threshold: Short,
    /// Real (not anti-aliased) differing pixels a changed figure may have.
    #[arg(long, value_name = "N", default_value_t = Tolerances::default().max_diff_pixels)]
    pub(crate) max_diff_pixels: u64,
    /// Largest relative change of a number in results.json that counts as none.
    #[arg(long, value_name = "REL", default_value_t = Short(Tolerances::default().numbers), allow_negative_numbers = true)]
    pub(crate) number_tolerance: Short,
    /// Compare with the report committed at this git revision (a branch, tag or commit), in
    /// the folder --baseline names, instead of the folder on disk. Nothing is written.
    #[arg(long, value_name = "REV", conflicts_with = "accept")]
    pub(crate) baseline_rev: Option<String>,
    /// Also write the verdicts as JUnit XML to FILE (one test case per file of the report).
    /// FILE must be new, empty, or a JUnit report this tool wrote.
    #[arg(long, value_name = "FILE")]
    pub(crate) junit: Option<PathBuf>,
    /// Also write a GitHub-flavoured Markdown summary to FILE, for a CI job summary or a pull
    /// request. FILE must be new, empty, or a summary this tool wrote.
    #[arg(long, value_name = "FILE")]
    pub(crate) markdown: Option<PathBuf>,
    /// Folder for review.html and review.json: new, empty, or a review folder of this tool
    /// (marked by its review.json). Any other folder is refused.
    #[arg(long, value_name = "DIR", default_value = "review")]
    pub(crate) review_dir: PathBuf,
}

/// A number given and shown in its shortest form (`1e-9`, not `0.000000001`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Short(pub(crate) f64);

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
