//! What the command prints: progress and warnings on stderr, whatever becomes of stderr.

use std::io::Write;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use logreg_report::progress::Progress;

/// Writes a line to stderr. A closed or full stderr (`2>/dev/full`, a pipe whose reader is
/// gone) must never stop a run that can still write its report, so errors are dropped.
pub(crate) fn say(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// One line per step on stderr with its time, and a spinner with the elapsed time while a
/// step runs, so that long steps (fits and CSVs at large N) show they are alive. indicatif
/// draws the spinner only when stderr is a terminal; logs get the lines alone.
pub(crate) struct StepPrinter {
    pub(crate) spinner: Option<ProgressBar>,
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
        timed(step, elapsed);
    }

    fn warn(&mut self, message: &str) {
        let line = || say(format_args!("warning: {message}"));
        match &self.spinner {
            Some(spinner) => spinner.suspend(line),
            None => line(),
        }
    }
}

/// The line of a step that is done: its time, then what it did.
pub(crate) fn timed(step: &str, elapsed: Duration) {
    say(format_args!("{:>9.3} s  {step}", elapsed.as_secs_f64()));
}

/// Prints nothing but warnings: they are about the results themselves, so a user must
/// see them even after asking for quiet.
pub(crate) struct Quiet;

impl Progress for Quiet {
    fn warn(&mut self, message: &str) {
        say(format_args!("warning: {message}"));
    }
}
