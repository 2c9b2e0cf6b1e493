//! The report and its live review, built in memory: nothing is written anywhere. A study and
//! its figures are kept while their parameters stay the same, so that a save of the template
//! or of the site's address costs a page, not a study.

use std::collections::BTreeMap;
use std::sync::Arc;

use logreg_report::figures::Figure;
use logreg_report::output::artifact::materialise;
use logreg_report::output::{Artifact, Baseline};
use logreg_report::pipeline;
use logreg_report::project;
use logreg_report::project::{Lookup, Overrides, Project};
use logreg_report::report;
use logreg_report::review;
use logreg_report::study::{Study, StudyConfig};

use crate::printer::Quiet;
use crate::review::{header, open_baseline};
use crate::run::built_in_template;
use crate::words::{project_words, words};

/// Files by their path in the served site.
pub(super) type Files = BTreeMap<String, Vec<u8>>;

/// A report built in memory, with the project it was built from.
pub(super) struct Build {
    pub project: Project,
    pub files: Arc<Files>,
}

/// Builds the report again and again, keeping what it can.
pub(super) struct Builder {
    /// Which project file is read.
    pub lookup: Lookup,
    overrides: Overrides,
    kept: Option<(StudyConfig, Arc<Computed>)>,
}

/// A study and its figures.
type Computed = (Study, Vec<Figure>);

impl Builder {
    pub(super) fn new(lookup: Lookup, overrides: Overrides) -> Self {
        Builder {
            lookup,
            overrides,
            kept: None,
        }
    }

    /// The project as it stands on disk now.
    pub(super) fn project(&self) -> Result<Project, String> {
        Project::load(&self.lookup, &self.overrides, &built_in_template())
            .map_err(|e| project_words(&e, &self.lookup))
    }

    /// The report as the project and its template stand now; an error (the project file,
    /// the template) comes on several lines with its place.
    pub(super) fn build(&mut self) -> Result<Build, String> {
        let project = self.project()?;
        let template = report::template(&project.config).map_err(words(&project))?;
        let study_config = &project.config.study;
        let computed = match &self.kept {
            Some((config, computed)) if config == study_config => computed.clone(),
            _ => {
                let computed =
                    Arc::new(pipeline::compute(study_config, &mut Quiet).map_err(words(&project))?);
                self.kept = Some((study_config.clone(), computed.clone()));
                computed
            }
        };
        let (study, figures) = &*computed;
        let artifacts = pipeline::assemble(&project.config, &template, study, figures, &mut Quiet)
            .map_err(words(&project))?;
        let files = materialise(&artifacts).map_err(words(&project))?;
        Ok(Build {
            project,
            files: Arc::new(files.into_iter().collect()),
        })
    }
}

/// The review of `build` against the project's baseline (or the report committed at `rev`),
/// as the files of the review folder, under `review/`; where the review cannot be made, its
/// error page.
pub(super) fn live_review(
    build: &Build,
    lookup: &Lookup,
    rev: Option<&str>,
    address: &str,
) -> Files {
    let project = &build.project;
    let baseline = open_baseline(project, rev);
    let label = baseline
        .as_ref()
        .map_or_else(|_| project.baseline.display().to_string(), Baseline::label);
    let mut header = header(project, lookup, label);
    header.review_page = address.to_string();
    let made = baseline.and_then(|baseline| {
        let artifacts: Vec<Artifact> = build
            .files
            .iter()
            .map(|(path, bytes)| Artifact::bytes(path.clone(), bytes.clone()))
            .collect();
        let found = review::review(&baseline, &artifacts, &project.tolerances, &mut Quiet)
            .map_err(words(project))?;
        review::page::artifacts(&found, &header).map_err(|e| e.to_string())
    });
    made.or_else(|message| {
        review::page::error_artifacts(&message, &header).map_err(|e| e.to_string())
    })
    .and_then(|a| materialise(&a).map_err(|e| e.to_string()))
    .unwrap_or_default()
    .into_iter()
    .map(|(path, bytes)| (format!("{}{path}", super::paths::REVIEW_PREFIX), bytes))
    .collect()
}

/// The files `serve` reads, for its watcher: the project file, the templates folder and the
/// baseline.
pub(super) fn watched(project: &Project) -> Watched {
    Watched {
        file: project
            .file
            .clone()
            .unwrap_or_else(|| project::FILE_NAME.into()),
        templates: match &project.config.template {
            logreg_report::config::Template::Folder(dir) => Some(dir.clone()),
            logreg_report::config::Template::Text { .. } => None,
        },
        baseline: project.baseline.clone(),
    }
}

/// What a change to which a preview answers can touch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Watched {
    /// The project file (which may not exist yet).
    pub file: std::path::PathBuf,
    /// The templates folder, when the project names one.
    pub templates: Option<std::path::PathBuf>,
    /// The baseline folder on disk.
    pub baseline: std::path::PathBuf,
}
