//! The main command: one run of the study, written to --out, or compared with it (--check).

use std::io::Write;

use logreg_report::config::{self, Template};
use logreg_report::output::{self, OutputError, Target, Verdict};
use logreg_report::progress::Progress;
use logreg_report::project::{Lookup, Overrides, Project};
use logreg_report::{pipeline, report};

use crate::args::{Cli, RunOptions};
use crate::printer::{Quiet, StepPrinter, say};
use crate::words::{accept_command, flag_of, project_words, words, write_command};
use logreg_report::numbers::counted;

/// The page template compiled into the program, used where no project names a templates
/// folder. It is compiled here, not into the library, so that editing the template rebuilds
/// only this thin binary (a second or two), never the library.
pub(crate) const BUILT_IN_TEMPLATE: &str = include_str!("../../../templates/report.html");

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

/// The built-in template, as the library takes it.
pub(crate) fn built_in_template() -> Template {
    Template::text("report.html (built in)", BUILT_IN_TEMPLATE)
}

/// The project these options (and `more`, the subcommand's own flags) make: the project file
/// with the flags laid over it, every value checked. Errors come worded for the command line.
pub(crate) fn load_project(
    options: &RunOptions,
    more: impl FnOnce(&mut Overrides),
) -> Result<(Project, Lookup), String> {
    let lookup = options.lookup();
    let mut overrides = options.overrides();
    more(&mut overrides);
    let project = Project::load(&lookup, &overrides, &built_in_template())
        .map_err(|e| project_words(&e, &lookup))?;
    Ok((project, lookup))
}

/// The run's parameters and where they came from, for the first line of its progress.
pub(crate) fn parameters_line(project: &Project) -> String {
    format!("{}: {}", project.provenance(flag_of), run_words(project))
}

/// The study's parameters in words: `seed 0, N = 100, λ = 0,0.1,10`.
pub(crate) fn run_words(project: &Project) -> String {
    let study = &project.config.study;
    let lambdas = config::format_lambdas(&study.lambdas);
    format!("seed {}, N = {}, λ = {lambdas}", study.seed, study.n)
}

/// Where a run's progress goes: nowhere with `--quiet`; otherwise the line of its parameters
/// now, then a line per step.
pub(crate) fn progress(project: &Project, quiet: bool) -> Box<dyn Progress> {
    if quiet {
        return Box::new(Quiet);
    }
    say(format_args!("{}", parameters_line(project)));
    Box::new(StepPrinter { spinner: None })
}

pub(crate) fn run(cli: Cli) -> Result<Outcome, String> {
    install_cleanup();
    let (project, lookup) = load_project(&cli.run, |o| o.out = cli.out.clone())?;
    let config = &project.config;
    // A folder that is not a report of this tool is refused before the study runs.
    let target = Target::resolve(&config.out).map_err(words(&project))?;
    report::templates_apart(&config.template, target.path()).map_err(words(&project))?;
    if cli.check && target.manifest().is_none() {
        return Err(words(&project)(OutputError::NoReport {
            path: config.out.clone(),
        }));
    }
    let progress = &mut *progress(&project, cli.run.quiet);
    let report = pipeline::generate(config, progress).map_err(words(&project))?;
    if cli.check {
        let differences = output::compare(&target, &report.artifacts).map_err(words(&project))?;
        // A reader that went away (`| head -1`) does not change the verdict.
        let mut stdout = std::io::stdout().lock();
        for difference in &differences {
            // The review's words for the same verdicts.
            let (word, path) = (difference.verdict.word(), &difference.path);
            let line = match &difference.verdict {
                Verdict::Unreadable(why) => format!("{word}  {path}: {why}"),
                _ => format!("{word:<8} {path}"),
            };
            if writeln!(stdout, "{line}").is_err() {
                break;
            }
        }
        if differences.is_empty() {
            if !cli.run.quiet {
                say(format_args!("{} is up to date", config.out.display()));
            }
            return Ok(Outcome::UpToDate);
        }
        let accept = accept_command(&project, &lookup);
        say(format_args!(
            "{} is not what the code writes ({}): run `{}` to see why, and `{accept}` to make \
             it so (what `{}` writes), then commit it",
            config.out.display(),
            counted(differences.len(), "file differs", "files differ"),
            accept.trim_end_matches(" --accept"),
            write_command(&project, &lookup),
        ));
        return Ok(Outcome::Stale);
    }
    progress.start("writing");
    let started = std::time::Instant::now();
    output::write(&target, &report.artifacts, progress).map_err(words(&project))?;
    progress.finish(
        &format!("wrote {}", config.out.join(report::PAGE).display()),
        started.elapsed(),
    );
    Ok(Outcome::Written)
}
