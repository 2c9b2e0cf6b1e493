//! How a run tells its caller what it is doing: steps as they start and end, and warnings
//! about things that did not stop the run. The CLI prints them; the library never prints.

use std::time::Duration;

/// Told when each step of a run starts and ends, and of anything worth a warning.
pub trait Progress {
    /// A step begins.
    fn start(&mut self, _step: &str) {}
    /// A step ended after `elapsed`.
    fn finish(&mut self, _step: &str, _elapsed: Duration) {}
    /// Something the user must not miss that did not stop the run: a contradiction in the
    /// results (a fit reports success and its Newton cross-check disagrees), or a previous
    /// report that could not be fully removed. The run goes on.
    fn warn(&mut self, _message: &str) {}
}

/// Progress that goes nowhere.
pub struct Silent;

impl Progress for Silent {}

/// Runs `work` as the step `name`, telling `progress` when it starts and how long it took.
pub fn step<T, E>(
    progress: &mut dyn Progress,
    name: &str,
    work: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    progress.start(name);
    let started = std::time::Instant::now();
    let value = work()?;
    progress.finish(name, started.elapsed());
    Ok(value)
}
