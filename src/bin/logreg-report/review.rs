//! `logreg-report review`: the command's side of the review (the library does the work).

use std::io::Write;

use logreg_report::config;
use logreg_report::output::{self, Existing, Kind, OutputError, Target};
use logreg_report::pipeline;
use logreg_report::progress::Progress;
use logreg_report::report::ReportError;
use logreg_report::review::{self, Tolerances};

use crate::args::ReviewArgs;
use crate::printer::{Quiet, StepPrinter, say};
use crate::run::{Outcome, checked_config, install_cleanup};
use crate::words::{flag, words};

/// `logreg-report review`: regenerates the report in memory, compares it with the baseline,
/// writes the review folder (and JUnit XML when asked), and with `--accept` the baseline.
/// Errors come back worded with the flag they concern.
pub(crate) fn review(args: ReviewArgs) -> Result<Outcome, String> {
    install_cleanup();
    let options = args.run;
    let config = checked_config(&options, args.baseline.clone()).map_err(words)?;
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
            OutputError::NoReport {
                path: args.baseline.clone()
            }
        ));
    }
    let review_dir =
        Target::resolve_kind(&args.review_dir, Kind::Review).map_err(flag("--review-dir"))?;
    if let Some(templates) = &config.templates
        && std::fs::canonicalize(templates).is_ok_and(|t| t == baseline.path())
    {
        return Err(words(ReportError::TemplatesInOutput {
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
