//! What the requests and the watcher of a preview share: the build being served, its
//! failure, the live review, and the counters that tell pages to reload.

use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use logreg_report::project::Lookup;

use super::build::{Build, Files};

/// How long the reload channel holds a request before answering "no change" (the page then
/// asks again): short enough for proxies and browsers never to give up on it.
pub(super) const RELOAD_HOLD: Duration = Duration::from_secs(25);

/// What every request and the watcher share.
pub(super) struct Shared {
    state: Mutex<State>,
    /// Woken whenever a build, the baseline or `stopping` changes.
    pub changed: Condvar,
    /// Held while the live review is made, so that concurrent requests make it once.
    pub reviewing: Mutex<()>,
    /// `http://127.0.0.1:PORT/`.
    pub address: String,
    /// The git revision the live review compares with, if not the folder on disk.
    pub rev: Option<String>,
    /// Which project file the builds read.
    pub lookup: Lookup,
    /// Requests being answered: a stopping preview lets them finish.
    pub in_flight: AtomicUsize,
}

/// What is being served.
#[derive(Default)]
pub(super) struct State {
    /// Counts builds whose files (or failure) differ from the one before.
    report: u64,
    /// Counts changes to the baseline folder.
    baseline: u64,
    /// The last good build.
    pub build: Option<Arc<Build>>,
    /// Why the latest build failed, on several lines; None once a build succeeds.
    pub failure: Option<String>,
    /// The live review and the token of the builds it was made from.
    pub review: Option<(String, Arc<Files>)>,
    /// Set once Ctrl-C (or SIGTERM, SIGHUP) asked the preview to end.
    pub stopping: bool,
}

impl State {
    /// The token report pages carry: it changes whenever the report does.
    pub fn report_token(&self) -> String {
        format!("r{}", self.report)
    }

    /// The token review pages carry: it changes whenever the report or the baseline does.
    pub fn review_token(&self) -> String {
        format!("v{}.{}", self.report, self.baseline)
    }
}

impl Shared {
    pub fn new(address: String, rev: Option<String>, lookup: Lookup) -> Self {
        Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            reviewing: Mutex::new(()),
            address,
            rev,
            lookup,
            in_flight: AtomicUsize::new(0),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes a new build (or its failure); wakes every page when what is served changed.
    /// Returns whether it did.
    pub fn publish(&self, result: Result<Build, String>) -> bool {
        let mut state = self.lock();
        let changed = match result {
            Ok(build) => {
                let same = state.failure.is_none()
                    && state.build.as_ref().is_some_and(|b| b.files == build.files);
                state.failure = None;
                state.build = Some(Arc::new(build));
                !same
            }
            Err(detail) => {
                let same = state.failure.as_deref() == Some(detail.as_str());
                state.failure = Some(detail);
                !same
            }
        };
        if changed {
            state.report += 1;
            self.changed.notify_all();
        }
        changed
    }

    /// The baseline changed on disk: review pages reload.
    pub fn baseline_changed(&self) {
        self.lock().baseline += 1;
        self.changed.notify_all();
    }

    pub fn stop(&self) {
        self.lock().stopping = true;
        self.changed.notify_all();
    }

    pub fn stopping(&self) -> bool {
        self.lock().stopping
    }
}
