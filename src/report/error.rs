//! What can stop the report from being assembled: its template, the social card, or
//! `results.json`.

use std::path::PathBuf;

use crate::raster::RasterError;

/// Why the report's files could not be made, each with a message fit for one line on stderr
/// (the command line adds the flag a path came from).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The page template could not be read as text or rendered.
    #[error("template: {0}")]
    Template(String),
    /// A template path that is not a regular file (a FIFO would block the run).
    #[error("{}: is {kind}, not a template file", path.display())]
    TemplateNotAFile {
        /// The path.
        path: PathBuf,
        /// What it is.
        kind: &'static str,
    },
    /// The template folder is the output folder, whose page the run replaces.
    #[error(
        "{}: the templates folder is the output folder, whose page every run replaces; \
         keep templates outside it",
        path.display()
    )]
    TemplatesInOutput {
        /// The folder.
        path: PathBuf,
    },
    /// The template file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The social card could not be drawn or encoded.
    #[error("social card: {0}")]
    SocialCard(#[source] RasterError),
    /// results.json could not be written out.
    #[error("writing results.json: {0}")]
    Results(#[from] serde_json::Error),
}
