//! `logreg-report serve` over real HTTP: the report and its live review built in memory, a
//! rebuild on every save, an error page while a build fails, 404 and 405 for what is not the
//! report's, several clients at once, and Ctrl-C. Every test runs the program in a project
//! folder of its own and checks that nothing in it was written.

mod answers;
pub mod preview;
mod rebuilds;

pub use preview::{Preview, Project, raw, written};
