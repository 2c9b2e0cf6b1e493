//! Watching what a preview is built from: the project file, the templates folder and the
//! baseline. Every save rebuilds the report (a save that changes nothing served reloads no
//! page); a new baseline (an accepted review) reloads the review.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use logreg_report::output;
use logreg_report::project::{DEFAULT_OUT, FILE_NAME, Lookup};
use notify::{Event, EventKind, RecursiveMode, Watcher};

use super::build::{Builder, Watched, watched};
use super::state::Shared;
use crate::printer::{say, timed};

/// Saves come in bursts (an editor writes a temporary file, renames it, touches a backup):
/// the rebuild waits until no event came for this long.
const QUIET: Duration = Duration::from_millis(25);
/// How often the watcher looks whether the server is stopping.
const POLL: Duration = Duration::from_millis(200);

/// What an event touched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Touched {
    Source,
    Baseline,
}

/// The watched places, resolved to the names the system reports events by.
struct Places {
    watched: Watched,
    /// The project file's folder, resolved, and the file's name.
    file: Option<(PathBuf, std::ffi::OsString)>,
    templates: Option<PathBuf>,
    baseline: Option<(PathBuf, std::ffi::OsString)>,
    /// The folders being watched.
    folders: BTreeSet<PathBuf>,
}

impl Places {
    fn of(watched: Watched) -> Places {
        let split = |path: &Path| {
            let name = path.file_name()?.to_os_string();
            let parent = std::fs::canonicalize(output::folder_of(path)).ok()?;
            Some((parent, name))
        };
        let file = split(&watched.file);
        let templates = watched
            .templates
            .as_deref()
            .and_then(|t| std::fs::canonicalize(t).ok());
        let baseline = split(&watched.baseline);
        let folders = file
            .iter()
            .map(|(dir, _)| dir.clone())
            .chain(templates.clone())
            .chain(baseline.iter().map(|(dir, _)| dir.clone()))
            .collect();
        Places {
            watched,
            file,
            templates,
            baseline,
            folders,
        }
    }

    fn touched(&self, path: &Path) -> Option<Touched> {
        let parent = path.parent()?;
        let name = path.file_name()?;
        let is = |place: &Option<(PathBuf, std::ffi::OsString)>| {
            place
                .as_ref()
                .is_some_and(|(dir, n)| dir == parent && n == name)
        };
        if is(&self.file) || self.templates.as_deref() == Some(parent) {
            Some(Touched::Source)
        } else if is(&self.baseline) {
            Some(Touched::Baseline)
        } else {
            None
        }
    }
}

/// A watcher whose watches are set, its events queued until [`Watch::run`] takes them.
pub(super) struct Watch {
    watcher: notify::RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    places: Places,
}

impl Watch {
    /// Watches what `builder`'s project is read from, now: a save from this moment on is
    /// seen, even one made before the first build is served.
    pub(super) fn start(builder: &Builder) -> Result<Watch, String> {
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
            let _ = tx.send(event);
        })
        .map_err(|e| format!("cannot watch the project's files: {e}"))?;
        let first = builder.project().ok().map_or_else(
            || Watched {
                file: match &builder.lookup {
                    Lookup::File(f) => f.clone(),
                    Lookup::CurrentFolder => FILE_NAME.into(),
                },
                templates: None,
                baseline: DEFAULT_OUT.into(),
            },
            |p| watched(&p),
        );
        let places = Places::of(first);
        watch_all(&mut watcher, &BTreeSet::new(), &places.folders);
        Ok(Watch {
            watcher,
            events,
            places,
        })
    }

    /// Rebuilds with `builder` on every save, in a thread of its own, until the preview
    /// stops.
    pub(super) fn run(
        self,
        shared: Arc<Shared>,
        builder: Builder,
        quiet: bool,
    ) -> Result<(), String> {
        std::thread::Builder::new()
            .name("watch".into())
            .spawn(move || self.serve(&shared, builder, quiet))
            .map(|_| ())
            .map_err(|e| format!("cannot watch the project's files: {e}"))
    }

    fn serve(mut self, shared: &Shared, mut builder: Builder, quiet: bool) {
        while !shared.stopping() {
            let first = match self.events.recv_timeout(POLL) {
                Ok(event) => event,
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => return,
            };
            let (sources, baseline) = self.burst(first);
            if baseline {
                shared.baseline_changed();
            }
            if sources.is_empty() {
                continue;
            }
            let started = Instant::now();
            let result = builder.build();
            let next = match &result {
                Ok(build) => Some(watched(&build.project)),
                Err(_) => builder.project().ok().map(|p| watched(&p)),
            };
            let failed = result.as_ref().err().cloned();
            let changed = shared.publish(result);
            match failed {
                Some(detail) if changed => say(format_args!("error: {detail}")),
                None if !quiet => {
                    // An editor's temporary files come and go; name what is there now.
                    let names: Vec<String> = sources
                        .iter()
                        .filter(|p| p.exists())
                        .map(|p| shown(p))
                        .collect();
                    let names = match names.is_empty() {
                        true => "a file".to_string(),
                        false => names.join(", "),
                    };
                    let note = if changed { "" } else { " (the report did not)" };
                    timed(
                        &format!("rebuilt after {names} changed{note}"),
                        started.elapsed(),
                    );
                }
                _ => {}
            }
            if let Some(next) = next
                && next != self.places.watched
            {
                let before = std::mem::replace(&mut self.places, Places::of(next)).folders;
                watch_all(&mut self.watcher, &before, &self.places.folders);
            }
        }
    }

    /// Takes `first` and every event that follows it closely: the sources that changed, and
    /// whether the baseline did.
    fn burst(&self, first: notify::Result<Event>) -> (Vec<PathBuf>, bool) {
        let mut sources = Vec::new();
        let mut baseline = false;
        let mut take = |event: notify::Result<Event>| {
            let Ok(event) = event else { return };
            // Reading a file (ours included) is no change.
            if matches!(event.kind, EventKind::Access(_)) {
                return;
            }
            for path in event.paths {
                match self.places.touched(&path) {
                    Some(Touched::Source) if !sources.contains(&path) => sources.push(path),
                    Some(Touched::Baseline) => baseline = true,
                    _ => {}
                }
            }
        };
        take(first);
        let mut last = Instant::now();
        while last.elapsed() < QUIET {
            if let Ok(event) = self.events.recv_timeout(QUIET) {
                take(event);
                last = Instant::now();
            }
        }
        (sources, baseline)
    }
}

/// A changed file's name as the user knows it: relative to the current folder if it can be.
fn shown(path: &Path) -> String {
    let here = std::env::current_dir().ok();
    let relative = here.and_then(|here| path.strip_prefix(here).ok());
    relative.unwrap_or(path).display().to_string()
}

/// Watches `now`'s folders, and no longer those only `before` had.
fn watch_all(watcher: &mut impl Watcher, before: &BTreeSet<PathBuf>, now: &BTreeSet<PathBuf>) {
    for gone in before.difference(now) {
        let _ = watcher.unwatch(gone);
    }
    for folder in now.difference(before) {
        if let Err(e) = watcher.watch(folder, RecursiveMode::NonRecursive) {
            say(format_args!(
                "warning: {} is not watched: saves there reload nothing ({e})",
                folder.display()
            ));
        }
    }
}
