//! The run, in order: the study computes, the figures draw, the report assembles its files.
//! Nothing here is written to disk; the caller hands the artifacts to [`crate::output`].
//! This is the top of the library: it drives every stage and returns their errors composed
//! in [`Error`].

use crate::config::Config;
use crate::error::{Error, Result};
use crate::figures::{self, Figure};
use crate::memory;
use crate::output::Artifact;
use crate::progress::{Progress, step};
use crate::report;
use crate::study::{self, Study};

/// What a run produced: the numbers, the figures and every file of the output folder.
pub struct Report {
    /// The study's numbers.
    pub study: Study,
    /// The figures, in report order.
    pub figures: Vec<Figure>,
    /// Every file of the output folder, `results.json` last.
    pub artifacts: Vec<Artifact>,
}

/// Runs the study, draws the figures and builds every file of the report in memory.
pub fn generate(config: &Config, progress: &mut dyn Progress) -> Result<Report> {
    if let Some(shortfall) = memory::shortfall(config.study.n) {
        return Err(Error::OutOfMemory {
            n: config.study.n,
            shortfall,
        });
    }
    let template = report::template(config)?;
    let study = study::run_with(&config.study, progress)?;
    for disagreement in study.disagreements() {
        progress.warn(disagreement);
    }
    let figures = step(progress, "figures", || figures::render_all(&study))?;
    let artifacts = step(progress, "page, data and results", || {
        report::build(config, &template, &study, &figures)
    })?;
    Ok(Report {
        study,
        figures,
        artifacts,
    })
}
