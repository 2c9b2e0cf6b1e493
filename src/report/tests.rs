//! Tests of the page: warnings shown where the run found contradictions, and only there.

use super::context::page_context;
use super::*;
use crate::figures;
use crate::model::Lambda;
use crate::pipeline::generate;
use crate::progress::Progress;
use crate::study::{self, StudyConfig};

/// The page template the program compiles in.
fn built_in() -> crate::config::Template {
    crate::config::Template::text("report.html", include_str!("../../templates/report.html"))
}

/// Remembers warnings.
#[derive(Default)]
struct Warnings(Vec<String>);

impl Progress for Warnings {
    fn warn(&mut self, message: &str) {
        self.0.push(message.to_string());
    }
}

#[test]
fn a_disagreement_is_shown_on_the_page_as_a_warning() {
    let config = Config::new(0, 100, "0,0.1", "unused".into(), built_in()).unwrap();
    let mut study = study::run(&StudyConfig {
        lambdas: vec![Lambda::ZERO, Lambda::constant(0.1)],
        ..StudyConfig::default()
    })
    .unwrap();
    let contradiction = "the separable fit with lambda = 0.1 reports success, but …";
    study.separable_fits[1].newton.disagreement = Some(contradiction.into());
    study.fuzzy_fit.newton.disagreement = Some("the fuzzy fit disagrees".into());
    let figures = figures::render_all(&study).unwrap();
    let downloads = data_files(&study);
    let page = render_page(
        &template(&config).unwrap(),
        &page_context(&config, &study, &figures, &downloads, None),
    )
    .unwrap();
    assert!(page.contains(
        "<p class=\"warning\">Warning: The separable fit with lambda = 0.1 reports success, but …."
    ));
    assert!(page.contains("<p class=\"warning\">Warning: The fuzzy fit disagrees.</p>"));
    assert_eq!(page.matches("class=\"warning\"").count(), 2);
}

#[test]
fn a_run_without_contradictions_warns_about_nothing() {
    let config = Config::new(0, 60, "0,0.1,10", "unused".into(), built_in()).unwrap();
    let mut warnings = Warnings::default();
    let report = generate(&config, &mut warnings).unwrap();
    assert!(warnings.0.is_empty(), "{:?}", warnings.0);
    let files = crate::output::artifact::materialise(&report.artifacts).unwrap();
    let page = String::from_utf8(files[0].1.clone()).unwrap();
    assert!(!page.contains("class=\"warning\""));
}

#[test]
fn a_results_file_too_large_for_its_readers_is_refused_not_written() {
    let mut study = study::run(&StudyConfig::default()).unwrap();
    let made = crate::output::Ledger::default();
    let fits = results::render(&results::prepare(&study, None), &made).unwrap();
    assert!((fits.len() as u64) < crate::output::MAX_RESULTS_BYTES / 8);
    // Every fit of the path held to its iteration limit, and far beyond: more than a later
    // run reads back.
    let iterate = study.path[0].result.iterates[0].clone();
    for fit in &mut study.path {
        fit.result.iterates = vec![iterate.clone(); 20_000];
    }
    let refused = results::render(&results::prepare(&study, None), &made);
    let Err(ReportError::ResultsTooLarge { size, limit }) = refused else {
        panic!("a results.json over the limit was made");
    };
    assert_eq!(limit, crate::output::MAX_RESULTS_BYTES);
    assert!(size > limit);
}
