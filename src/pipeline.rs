//! The run, in order: the study computes, the figures draw, the report assembles its files.
//! Nothing here is written to disk; the caller hands the artifacts to [`crate::output`].
//! This is the top of the library's run: it drives every stage and returns their errors
//! composed in [`Error`]. The steps are callable one by one, so that a preview can keep a
//! study and its figures while only the page's template changes.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::figures::{self, Figure};
use crate::memory;
use crate::output::Artifact;
use crate::progress::{Progress, step};
use crate::report::{self, PageTemplate};
use crate::study::{self, Study, StudyConfig};

/// What a run produced: the numbers, the figures and every file of the output folder.
pub struct Report {
    /// Every file of the output folder, `results.json` last.
    pub artifacts: Vec<Artifact>,
}

/// Runs the study, draws the figures and builds every file of the report in memory.
pub fn generate(config: &Config, progress: &mut dyn Progress) -> Result<Report> {
    // Read first: a template that cannot be read fails before anything is computed.
    let template = report::template(config)?;
    let (study, figures) = compute(&config.study, progress)?;
    let artifacts = assemble(config, &template, &study, &figures, progress)?;
    Ok(Report { artifacts })
}

/// The study and its figures: everything that depends on the study's parameters alone.
/// Checks the memory the study needs before drawing any data; warns of every fit whose
/// Newton check disagrees with it.
pub fn compute(config: &StudyConfig, progress: &mut dyn Progress) -> Result<(Study, Vec<Figure>)> {
    if let Some(shortfall) = memory::shortfall(config.n) {
        return Err(Error::OutOfMemory {
            n: config.n,
            shortfall,
        });
    }
    let study = study::run_with(config, progress)?;
    for disagreement in study.disagreements() {
        progress.warn(disagreement);
    }
    let figures = step(progress, "figures", || figures::render_all(&study))?;
    Ok((study, figures))
}

/// Every file of the report from a study, its figures and the page's template.
pub fn assemble(
    config: &Config,
    template: &PageTemplate,
    study: &Study,
    figures: &[Figure],
    progress: &mut dyn Progress,
) -> Result<Vec<Artifact>> {
    Ok(step(progress, "page, data and results", || {
        report::build(config, template, study, figures)
    })?)
}
