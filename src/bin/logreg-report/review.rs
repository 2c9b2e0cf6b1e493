//! `logreg-report review`: the command's side of the review (the library does the work).
//! Every place it writes is checked before anything is computed; from then on, whatever
//! happens, each of them ends up holding this review's verdict (an error included), never an
//! earlier one.

use std::io::Write;
use std::path::{Path, PathBuf};

use logreg_report::output::{self, Baseline, Committed, Existing, Kind, OutputError, Target};
use logreg_report::pipeline;
use logreg_report::progress::Progress;
use logreg_report::project::{Key, Lookup, Overrides, Project};
use logreg_report::review::page::{IMAGES_DIR, REVIEW_PAGE};
use logreg_report::review::parameters::PARAMETER_KEYS;
use logreg_report::review::sidecar::{self, Places, Sidecar};
use logreg_report::review::{self, Accepted, Header, Review, Standing, verdict};

use crate::args::ReviewArgs;
use crate::printer::{Quiet, say};
use crate::run::{Outcome, built_in_template, install_cleanup, load_project, progress, run_words};
use crate::words::{Names, accept_command, flag_of, prefixed, words};

/// The places a review writes, checked: its folder and the files asked for beside it.
struct Destinations {
    review_dir: Target,
    junit: Option<PathBuf>,
    markdown: Option<PathBuf>,
    /// The baseline's folder, when it is one: checked again, on the folder each write opens,
    /// at the moment it writes.
    baseline: Option<PathBuf>,
}

impl Destinations {
    /// The JUnit and Markdown files asked for, each with its kind and its flag.
    fn sidecars(&self) -> impl Iterator<Item = (&Path, Sidecar, &'static str)> {
        [
            (&self.junit, Sidecar::Junit, "--junit"),
            (&self.markdown, Sidecar::Markdown, "--markdown"),
        ]
        .into_iter()
        .filter_map(|(path, kind, flag)| Some((path.as_deref()?, kind, flag)))
    }
}

/// `logreg-report review`: regenerates the report in memory, compares it with the baseline,
/// writes the review folder (and the JUnit and Markdown files when asked), and with
/// `--accept` the baseline. Errors come back worded with the flag they concern.
pub(crate) fn review(args: ReviewArgs) -> Result<Outcome, String> {
    install_cleanup();
    let overrides = |o: &mut Overrides| {
        args.compare.add_to(o);
        o.review_dir = args.review_dir.clone();
    };
    if let Some(url) = &args.review_url {
        let web = url.starts_with("https://") || url.starts_with("http://");
        if !web || url.contains(char::is_whitespace) {
            return Err(format!(
                "--review-url {url:?}: must be an http:// or https:// address without spaces"
            ));
        }
    }
    let (project, lookup) =
        load_project(&args.run, overrides).inspect_err(|message| record_refusal(&args, message))?;
    let (mut baseline, mut places) = resolve(&args, &project)?;
    // Held until every file of this review is written, so that they all come from one run.
    let (_turn, waited) = wait_for_turn(places.review_dir.path(), &project.review_dir);
    if waited {
        // The other review wrote meanwhile: what stands in the places may have changed.
        (baseline, places) = resolve(&args, &project)?;
    }
    let mut header = header(&project, &lookup, baseline.label());
    if let Some(url) = &args.review_url {
        header.review_page = url.clone();
    }
    mark_unfinished(&places);
    compare(&args, &project, &baseline, &places, &mut header)
        .inspect_err(|message| record_error(&places, &header, message))
}

/// A review refused for a value of its flags (a tolerance out of range): where the places it
/// writes can still be told from the project and the path flags alone, each gets this
/// refusal, so that no earlier verdict stays behind to be read as this one's.
fn record_refusal(args: &ReviewArgs, message: &str) {
    let lookup = args.run.lookup();
    let overrides = Overrides {
        baseline: args.compare.baseline.clone(),
        review_dir: args.review_dir.clone(),
        ..Overrides::default()
    };
    if let Ok(project) = Project::load(&lookup, &overrides, &built_in_template())
        && let Ok((baseline, places)) = resolve(args, &project)
    {
        record_error(
            &places,
            &header(&project, &lookup, baseline.label()),
            message,
        );
    }
}

/// Makes every place that holds an earlier review's verdict say that this one has not
/// finished, so that a review stopped half-way (Ctrl-C) leaves no earlier verdict to be read
/// as its own. A place that holds nothing yet is left as it is.
fn mark_unfinished(places: &Destinations) {
    for (path, kind, _) in places.sidecars() {
        if std::fs::metadata(path).is_ok_and(|m| m.len() > 0) {
            write_error(places, path, kind, review::page::UNFINISHED);
        }
    }
    // The review folder's marker last: once it says so, every place does.
    let _ = review::page::mark_unfinished(places.review_dir.path());
}

/// Makes every place of the review say that it could not be made, and why.
fn record_error(places: &Destinations, header: &Header, message: &str) {
    if let Ok(files) = review::page::error_artifacts(message, header) {
        let _ = output::write(&places.review_dir, &files, &mut Quiet);
    }
    for (path, kind, _) in places.sidecars() {
        write_error(places, path, kind, message);
    }
}

/// Writes at `path` a JUnit report or a Markdown summary that says only that the review could
/// not be made, and why.
fn write_error(places: &Destinations, path: &Path, kind: Sidecar, message: &str) {
    let text = match kind {
        Sidecar::Junit => review::junit::error_xml(message),
        Sidecar::Markdown => review::markdown::error_summary(message),
    };
    let _ = sidecar::write(path, kind, &text, places.baseline.as_deref());
}

/// Waits until no other review holds the folder that holds `review_dir` (`flock` on it: no
/// file is made, and the system drops the lock when a process ends, however it ends).
/// Returns the held folder, if it could be locked, and whether another review was waited for.
fn wait_for_turn(review_dir: &Path, shown: &Path) -> (Option<std::fs::File>, bool) {
    let mut at = review_dir.parent();
    while let Some(folder) = at
        && !folder.is_dir()
    {
        at = folder.parent();
    }
    let Some(folder) = at.and_then(|folder| std::fs::File::open(folder).ok()) else {
        return (None, false);
    };
    match folder.try_lock() {
        Ok(()) => (Some(folder), false),
        Err(std::fs::TryLockError::WouldBlock) => {
            say(format_args!(
                "warning: another review is writing in the folder that holds {}; waiting for it to finish",
                shown.display()
            ));
            // Where the folder cannot be locked (some network file systems), no lock is held.
            (folder.lock().is_ok().then_some(folder), true)
        }
        Err(std::fs::TryLockError::Error(_)) => (None, false),
    }
}

/// What every output of a review says of where it came from, before it is made.
pub(crate) fn header(project: &Project, lookup: &Lookup, baseline: String) -> Header {
    Header {
        baseline,
        run: run_words(project),
        accepted: false,
        accept_command: accept_command(project, lookup),
        review_page: project.review_dir.join(REVIEW_PAGE).display().to_string(),
        sources: PARAMETER_KEYS
            .iter()
            .filter_map(|name| {
                let key = Key::ALL.into_iter().find(|k| k.name() == *name)?;
                Some((name.to_string(), project.source_words(key, flag_of)))
            })
            .collect(),
    }
}

/// The baseline a review compares with: the report committed at `rev` in the baseline
/// folder, or that folder on disk, which must be a report of this tool.
pub(crate) fn open_baseline(project: &Project, rev: Option<&str>) -> Result<Baseline, String> {
    let path = &project.baseline;
    if let Some(rev) = rev {
        return Committed::read(rev, path)
            .map(Baseline::Committed)
            .map_err(prefixed("--baseline-rev".into()));
    }
    let shown = Names::of(project).name(Key::Baseline);
    let target = Target::resolve_baseline(path).map_err(|e| match e {
        // A review needs a report to compare with: a new or empty folder would not do.
        OutputError::NotAReport { reason, .. } => format!(
            "{shown} {}: the folder is not a report of logreg-report ({}); nothing \
             was changed: name a report this tool wrote (such as output), or make one \
             with `{} --out {}`",
            path.display(),
            reason.describe(Kind::Report),
            crate::words::program(),
            path.display()
        ),
        other => prefixed(shown.clone())(other),
    })?;
    if matches!(target.existing(), Existing::Missing | Existing::Empty) {
        return Err(format!(
            "{shown} {}; make one with `{} --out {}`, or name a report this tool wrote",
            OutputError::NoReport { path: path.clone() },
            crate::words::program(),
            path.display()
        ));
    }
    Ok(Baseline::Folder(target))
}

/// Resolves the baseline and every place the review writes, refusing (with nothing changed)
/// any that is not the tool's to write.
fn resolve(args: &ReviewArgs, project: &Project) -> Result<(Baseline, Destinations), String> {
    let names = Names::of(project);
    let baseline = open_baseline(project, args.compare.baseline_rev.as_deref())?;
    let mut review_dir = Target::resolve_kind(&project.review_dir, Kind::Review)
        .map_err(prefixed(names.name(Key::ReviewDir)))?;
    if let Some(folder) = baseline.folder() {
        review_dir.keep_apart_from(folder.path());
        let (b, r) = (folder.path(), review_dir.path());
        let how = match (r.starts_with(b), b.starts_with(r)) {
            (true, _) => Some("is inside the baseline"),
            (_, true) => Some("holds the baseline"),
            _ => None,
        };
        if let Some(how) = how {
            return Err(format!(
                "{} {}: {how} {}; a review never writes into its baseline: choose a \
                 folder beside it, such as {}",
                names.name(Key::ReviewDir),
                project.review_dir.display(),
                project.baseline.display(),
                suggest_beside(&project.baseline)
            ));
        }
    }
    let review_files = [REVIEW_PAGE, output::REVIEW, &format!("{IMAGES_DIR}/")];
    let destinations = Destinations {
        baseline: baseline.folder().map(|f| f.path().to_path_buf()),
        review_dir,
        junit: args.junit.clone(),
        markdown: args.markdown.clone(),
    };
    let places = Places {
        baseline: baseline.folder().map(Target::path),
        review_dir: destinations.review_dir.path(),
        review_dir_given: &project.review_dir,
        review_files: &review_files,
    };
    for (path, kind, flag) in destinations.sidecars() {
        sidecar::check(path, kind, &places).map_err(|e| format!("{flag} {e}"))?;
    }
    if let (Some(junit), Some(markdown)) = (&args.junit, &args.markdown)
        // Whether the two name the same file, placed as every path a flag names is.
        && let full = (|p: &Path| output::resolve_lenient(p).ok().flatten())
        && let (Some(a), Some(b)) = (full(junit), full(markdown))
        && a == b
    {
        return Err(format!(
            "--markdown {}: is the file --junit names; give each its own file",
            markdown.display()
        ));
    }
    Ok((baseline, destinations))
}

/// A folder name beside `baseline` that a review would accept.
fn suggest_beside(baseline: &Path) -> String {
    let parent = baseline.parent().filter(|p| !p.as_os_str().is_empty());
    parent
        .map_or_else(|| PathBuf::from("review"), |p| p.join("review"))
        .display()
        .to_string()
}

/// The review proper, once every place it writes is known to be the tool's.
fn compare(
    args: &ReviewArgs,
    project: &Project,
    baseline: &Baseline,
    places: &Destinations,
    header: &mut Header,
) -> Result<Outcome, String> {
    // What a run would write into the baseline, refused where the baseline holds the templates.
    let mut config = project.config.clone();
    config.out = project.baseline.clone();
    if let Some(folder) = baseline.folder() {
        logreg_report::report::templates_apart(&config.template, folder.path())
            .map_err(words(project))?;
    }
    let progress = &mut *progress(project, args.run.quiet);
    let report = pipeline::generate(&config, progress).map_err(words(project))?;
    let found = review::review(baseline, &report.artifacts, &project.tolerances, progress)
        .map_err(words(project))?;
    if args.accept && found.standing() != Standing::Identical {
        accept(project, baseline, places, &report, progress)?;
        header.accepted = true;
        warn_overridden(project);
    }
    write_review(project, places, &found, header, progress)?;
    print(&found, header, args.run.quiet);
    Ok(if header.accepted || found.passed() {
        Outcome::UpToDate
    } else {
        Outcome::Stale
    })
}

/// Writes the run as the new baseline. All or nothing, side outputs included: every place
/// this review writes after the baseline must be known writable before the baseline changes.
fn accept(
    project: &Project,
    baseline: &Baseline,
    places: &Destinations,
    report: &pipeline::Report,
    progress: &mut dyn Progress,
) -> Result<(), String> {
    let Some(folder) = baseline.folder() else {
        return Err("--accept: a baseline read from git cannot be written".into());
    };
    let names = Names::of(project);
    output::ready(&places.review_dir, &[REVIEW_PAGE, output::REVIEW])
        .map_err(prefixed(names.name(Key::ReviewDir)))?;
    for (path, kind, flag) in places.sidecars() {
        sidecar::ready(path, kind).map_err(|e| format!("{flag} {e}; nothing was changed"))?;
    }
    progress.start("accepting");
    let started = std::time::Instant::now();
    output::write(folder, &report.artifacts, progress)
        .map_err(prefixed(names.name(Key::Baseline)))?;
    progress.finish(
        &format!("accepted: wrote {}", project.baseline.display()),
        started.elapsed(),
    );
    Ok(())
}

/// Writes the review folder, then the JUnit and Markdown files asked for.
fn write_review(
    project: &Project,
    places: &Destinations,
    found: &Review,
    header: &Header,
    progress: &mut dyn Progress,
) -> Result<(), String> {
    // Once the baseline is accepted, an error says so: the baseline did change.
    let after = |message: String| {
        if header.accepted {
            format!(
                "{} now holds this run (accepted), but then: {message}",
                project.baseline.display()
            )
        } else {
            message
        }
    };
    let artifacts = review::page::artifacts(found, header).map_err(|e| after(words(project)(e)))?;
    progress.start("writing the review");
    let started = std::time::Instant::now();
    output::write(&places.review_dir, &artifacts, progress)
        .map_err(|e| after(format!("{} {e}", Names::of(project).name(Key::ReviewDir))))?;
    progress.finish(&format!("wrote {}", header.review_page), started.elapsed());
    for (path, kind, flag) in places.sidecars() {
        let text = match kind {
            Sidecar::Junit => review::junit::xml(found, header),
            Sidecar::Markdown => review::markdown::summary(found, header),
        };
        sidecar::write(path, kind, &text, places.baseline.as_deref())
            .map_err(|e| after(format!("{flag} {e}")))?;
    }
    Ok(())
}

/// What the terminal shows: a line per file that is not identical (or, after `--accept`, per
/// file accepted), the page's path, and the last line. With `--quiet`, the last line alone.
fn print(found: &Review, header: &Header, quiet: bool) {
    let mut lines: Vec<String> = Vec::new();
    if !quiet {
        let parameters = verdict::parameter_lines(found, header);
        if !parameters.is_empty() {
            lines.push("The baseline was made with other parameters:".into());
            lines.extend(parameters.iter().map(|line| format!("  {line}")));
        }
        if header.accepted {
            lines.extend(Accepted::of(found).lines());
        } else {
            lines.extend(
                found
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
                    }),
            );
        }
        lines.push(format!("review page: {}", header.review_page));
    }
    lines.push(review::last_line(found, header));
    // In GitHub Actions, a notice on the run's checks says what changed, beside the summary.
    if std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
        && let Some(notice) = verdict::notice(found, header)
    {
        // Text as the data of a GitHub workflow command: `%`, CR and LF escaped.
        let data = notice
            .replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A");
        lines.push(format!("::notice title=logreg-report review::{data}"));
    }
    // A reader that went away (`| head -1`) does not change the verdict.
    let mut stdout = std::io::stdout().lock();
    for line in lines {
        if writeln!(stdout, "{line}").is_err() {
            say(format_args!(
                "warning: standard output went away; the verdict is in {}",
                header.review_page
            ));
            break;
        }
    }
}

/// After accepting a run whose flags override the project file: the baseline now holds what
/// the file does not make, so the next plain run (and the stale check) would undo it.
fn warn_overridden(project: &Project) {
    let keys: Vec<Key> = project
        .overridden()
        .iter()
        .copied()
        .filter(|k| PARAMETER_KEYS.contains(&k.name()) || *k == Key::Templates)
        .collect();
    let (false, Some(file)) = (keys.is_empty(), &project.file) else {
        return;
    };
    let flags: Vec<&str> = keys.iter().map(|k| flag_of(*k)).collect();
    let names: Vec<&str> = keys.iter().map(|k| k.name()).collect();
    say(format_args!(
        "warning: {} now holds a report made with {}, which {} sets otherwise: a plain run \
         and the stale check will make it what {} says again; set {} there to keep this report",
        project.baseline.display(),
        flags.join(", "),
        file.display(),
        file.display(),
        names.join(", ")
    ));
}
