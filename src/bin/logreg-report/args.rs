//! The command line: the flags of a run and of `review`, and their help texts.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use logreg_report::project::{Lookup, Overrides};

/// Regenerates the logistic-regression study as a self-contained HTML report.
///
/// Writes a static site into the output folder: the page (index.html), figures/*.svg,
/// data/*.csv and results.json. The folder must be new, empty, or a report this tool wrote.
/// Only the files of the previous report are replaced, all at once by an atomic swap; files
/// of your own there are kept. Same parameters, same bytes.
///
/// The parameters come from the project file, report.toml in the current folder (or the
/// file --config names), whose paths are relative to its own folder; a flag overrides the
/// file for one run; without either, the defaults shown below hold. `logreg-report review`
/// compares a fresh run with a baseline report, and `logreg-report serve` previews the
/// report in a browser, rebuilt on every save.
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
    /// [default: report.toml's `out`, else output]
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Write nothing: compare a fresh run with the report in --out, list every file that
    /// would change, and exit with status 1 if any would (0 if the report is up to date).
    #[arg(long)]
    pub(crate) check: bool,
}

/// What a run computes and how it reports, shared by the plain command, `review` and
/// `serve`: a flag added here reaches all three, so that a review or a preview always makes
/// what a run would write.
#[derive(Args, Debug)]
pub(crate) struct RunOptions {
    /// The project file to read instead of ./report.toml; the paths in it are relative to
    /// its own folder.
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Seed of the random generator that draws both data sets.
    /// [default: report.toml's `seed`, else 0]
    #[arg(long, value_name = "N")]
    pub(crate) seed: Option<u64>,
    /// Points per data set (at least 2; with odd N class A gets the extra point).
    /// [default: report.toml's `n`, else 100]
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub(crate) n: Option<usize>,
    /// Regularisation strengths compared on the separable data, comma-separated, each from 0
    /// to 1e100. [default: report.toml's `lambdas`, else 0,0.1,10]
    #[arg(long, value_name = "LIST", allow_negative_numbers = true)]
    pub(crate) lambdas: Option<String>,
    /// A folder whose report.html is the page template, read at run time.
    /// [default: report.toml's `templates`, else the template built into this program]
    #[arg(long, value_name = "DIR")]
    pub(crate) templates: Option<PathBuf>,
    /// Print nothing but warnings, errors and (for review) its one summary line or (for
    /// serve) its address.
    #[arg(long)]
    pub(crate) quiet: bool,
    /// The address the output folder will be published at (http:// or https://). The page
    /// then names it as its canonical address, gets link-preview tags (Open Graph, Twitter)
    /// and a social card, social-card.png. Without it the report holds no absolute URL.
    /// [default: report.toml's `site_url`, else none]
    #[arg(long, value_name = "URL")]
    pub(crate) site_url: Option<String>,
}

/// What a review compares with and how strictly: shared by `review` and `serve`'s live review.
#[derive(Args, Debug)]
pub(crate) struct CompareOptions {
    /// The report to compare with: a report this tool wrote (refused otherwise, untouched).
    /// [default: report.toml's `review.baseline`, else the output folder]
    #[arg(long, value_name = "DIR")]
    pub(crate) baseline: Option<PathBuf>,
    /// Compare with the report committed at this git revision (a branch, tag or commit), in
    /// the folder --baseline names, instead of the folder on disk. Nothing is written.
    #[arg(long, value_name = "REV")]
    pub(crate) baseline_rev: Option<String>,
    /// Largest RMS (0-255, over R, G and B of every pixel) a changed figure may have.
    /// [default: report.toml's `review.tolerance`, else 2]
    #[arg(long, value_name = "RMS", allow_negative_numbers = true)]
    pub(crate) tolerance: Option<Short>,
    /// YIQ colour-distance threshold (0-1) past which a pixel counts as different.
    /// [default: report.toml's `review.threshold`, else 0.1]
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    pub(crate) threshold: Option<Short>,
    /// Real (not anti-aliased) differing pixels a changed figure may have.
    /// [default: report.toml's `review.max_diff_pixels`, else 0]
    #[arg(long, value_name = "N")]
    pub(crate) max_diff_pixels: Option<u64>,
    /// Largest relative change of a number in results.json that counts as none.
    /// [default: report.toml's `review.number_tolerance`, else 1e-9]
    #[arg(long, value_name = "REL", allow_negative_numbers = true)]
    pub(crate) number_tolerance: Option<Short>,
}

#[derive(Subcommand, Debug)]
pub(crate) enum Command {
    /// Compare a fresh run with a baseline report: files, pixels, numbers and page text.
    #[command(long_about = REVIEW_ABOUT, after_long_help = REVIEW_VERDICTS)]
    Review(ReviewArgs),
    /// Preview the report in a browser, rebuilt in memory on every save, with its live review.
    #[command(long_about = SERVE_ABOUT)]
    Serve(ServeArgs),
}

pub(crate) const SERVE_ABOUT: &str = "\
Preview the report in a browser, rebuilt in memory on every save, with its live review.

Serves the report at http://127.0.0.1:PORT/ (loopback only) and the review of the current state
against the baseline at http://127.0.0.1:PORT/review/. Nothing is written: not to the output
folder, not anywhere else. It watches the project file and the templates folder; every save
rebuilds the report (the study is computed again only when its parameters change) and reloads
every open page. A build that fails (a template that does not parse, a bad report.toml) is shown
in the terminal and in the browser with its file, line and message, until the next good save.

The served pages carry a small script that reloads them; the files a run writes never do. Only
GET and HEAD are answered; any path that is not a file of the report or its review is 404.
Ctrl-C stops it.";

/// Where to serve and what the live review compares with.
#[derive(Args, Debug)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) run: RunOptions,
    #[command(flatten)]
    pub(crate) compare: CompareOptions,
    /// The port on 127.0.0.1 to serve at (0 picks a free one).
    #[arg(long, default_value_t = 3000)]
    pub(crate) port: u16,
}

pub(crate) const REVIEW_ABOUT: &str = "\
Compare a fresh run with a baseline report: files, pixels, numbers and page text.

Regenerates the report in memory (the baseline is not written) and compares every file with the
baseline's, byte for byte. A figure whose bytes changed is drawn from both SVGs at scale 1 (one
pixel per SVG unit) with the pinned renderer (bundled DejaVu Sans) and compared pixel by pixel;
results.json is compared value by value (fits matched by data set and place), and each changed
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

The run's parameters, the baseline, the review folder and the tolerances come from the project
file (report.toml) as a run's do; a flag overrides it for one review. When the baseline was made
with other parameters (its results.json records them), every output says so before anything
else, and the accept advice says that accepting replaces a report made with other parameters.

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
    #[command(flatten)]
    pub(crate) compare: CompareOptions,
    /// Make this run the new baseline: all files or none, as a plain run with --out BASELINE.
    #[arg(long, conflicts_with = "baseline_rev")]
    pub(crate) accept: bool,
    /// Also write the verdicts as JUnit XML to FILE (one test case per file of the report).
    /// FILE must be new, empty, or a JUnit report this tool wrote.
    #[arg(long, value_name = "FILE")]
    pub(crate) junit: Option<PathBuf>,
    /// Also write a GitHub-flavoured Markdown summary to FILE, for a CI job summary or a pull
    /// request. FILE must be new, empty, or a summary this tool wrote.
    #[arg(long, value_name = "FILE")]
    pub(crate) markdown: Option<PathBuf>,
    /// The address readers will open the review page at (such as the CI run's artifacts),
    /// named instead of the review folder's path in the last line and the Markdown summary.
    #[arg(long, value_name = "URL")]
    pub(crate) review_url: Option<String>,
    /// Folder for review.html and review.json: new, empty, or a review folder of this tool
    /// (marked by its review.json). Any other folder is refused.
    /// [default: report.toml's `review.dir`, else review]
    #[arg(long, value_name = "DIR")]
    pub(crate) review_dir: Option<PathBuf>,
}

impl RunOptions {
    /// The values these flags give, by the project's keys.
    pub(crate) fn overrides(&self) -> Overrides {
        Overrides {
            seed: self.seed,
            n: self.n,
            lambdas: self.lambdas.clone(),
            site_url: self.site_url.clone(),
            templates: self.templates.clone(),
            ..Overrides::default()
        }
    }

    /// Which project file to read.
    pub(crate) fn lookup(&self) -> Lookup {
        self.config
            .clone()
            .map_or(Lookup::CurrentFolder, Lookup::File)
    }
}

impl CompareOptions {
    /// Adds what these flags give to `overrides`.
    pub(crate) fn add_to(&self, overrides: &mut Overrides) {
        overrides.baseline = self.baseline.clone();
        overrides.tolerance = self.tolerance.map(|t| t.0);
        overrides.threshold = self.threshold.map(|t| t.0);
        overrides.max_diff_pixels = self.max_diff_pixels;
        overrides.number_tolerance = self.number_tolerance.map(|t| t.0);
    }
}

/// A number given on the command line, in any form (`1e-9` or `0.000000001`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Short(pub(crate) f64);

impl std::str::FromStr for Short {
    type Err = std::num::ParseFloatError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.trim().parse().map(Short)
    }
}
