//! The `logreg-report` command: a thin CLI over the library. Parses flags, runs the study,
//! writes the report, prints progress and errors, and sets the exit status.

mod args;
mod printer;
mod review;
mod run;
mod serve;
mod words;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use printer::say;
use run::{Outcome, run};

/// The system's allocator, counting what a page template's rendering holds, so that a
/// runaway template is stopped with an error instead of exhausting the machine.
#[global_allocator]
static ALLOCATOR: logreg_report::budget::BudgetAllocator = logreg_report::budget::BudgetAllocator;

fn main() -> ExitCode {
    // A file-size limit (`ulimit -f`) must end a run with an error that leaves the previous
    // report in place, not kill it by SIGXFSZ halfway through a write.
    // SAFETY: setting a signal's disposition to "ignore" before any thread starts.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
    // Usage errors (unknown flags, malformed values) are clap's, with its usual text and
    // exit status 2.
    let cli = Cli::parse();
    let outcome = match cli.command {
        Some(Command::Review(args)) => review::review(args),
        Some(Command::Serve(args)) => serve::serve(args),
        None => run(cli),
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
