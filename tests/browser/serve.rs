//! `serve` in headless Chromium, as an author uses it: the page open while the template is
//! saved reloads by itself, shows a broken template's error with its place, and comes back
//! with the next good save; the live review follows the edit. On a desktop and on a phone.

use serde_json::Value;

use super::cdp::{Act, Chromium};
use super::{DESKTOP, PHONE, basic_problems, figure_svgs};
use crate::serve::{Preview, Project};
use crate::support::files_listed;

/// The text of the page's first heading, or "" while there is none.
const HEADING: &str = "(document.querySelector('h1') || {}).textContent || ''";

fn heading_starts(text: &str) -> String {
    format!("({HEADING}).startsWith({text:?})")
}

#[test]
#[ignore = "needs Chromium (apt-get install chromium); .ci/run runs it with --include-ignored"]
fn a_save_reloads_the_open_page_and_a_broken_template_shows_where_until_fixed() {
    let project = Project::new(true);
    let preview = Preview::start(project.root.path(), &[]);
    let mut chromium = Chromium::start(&preview.address)
        .unwrap_or_else(|e| panic!("browser check could not run: {e}"));
    let template = project.template();
    let line = template
        .lines()
        .position(|l| l.contains("<h1>"))
        .expect("a heading")
        + 1;
    for (k, view) in [DESKTOP, PHONE].into_iter().enumerate() {
        let edited = template.replacen("<h1>", &format!("<h1>Saved {k}: "), 1);
        let broken = template.replacen("<h1>", "<h1>{{ seed + }}", 1);
        let fixed = template.replacen("<h1>", &format!("<h1>Fixed {k}: "), 1);
        let save = |text: &str| {
            let text = text.to_string();
            let project = &project;
            move || project.save_template(&text)
        };
        let (save_edited, save_broken, save_fixed) = (save(&edited), save(&broken), save(&fixed));
        let reloaded = format!(
            "{} && window.untouched === undefined",
            heading_starts(&format!("Saved {k}: "))
        );
        // The whole page, not only its heading: a long page is still arriving when its
        // heading shows.
        let fixed_again = format!(
            "{} && document.readyState === 'complete'",
            heading_starts(&format!("Fixed {k}: "))
        );
        let acts = [
            // A mark only this load of the page carries: a reload drops it.
            Act::Eval("window.untouched = true; document.title"),
            Act::Do(&save_edited),
            Act::WaitFor(&reloaded),
            Act::Do(&save_broken),
            Act::WaitFor("document.title.startsWith('Build failed')"),
            Act::Eval("document.getElementById('build-error').textContent"),
            Act::Do(&save_fixed),
            Act::WaitFor(&fixed_again),
            Act::Eval("document.querySelectorAll('svg').length"),
        ];
        let (found, values) = chromium
            .open_acting(&preview.address, view, &acts)
            .unwrap_or_else(|e| panic!("browser check could not run: {e}"));
        // The served page passes what a published one passes: no request leaves it, no
        // console error (its reload script is allowed by hash), every figure and equation.
        let problems = basic_problems(&found);
        assert!(problems.is_empty(), "{}: {problems:#?}", view.width);
        // What came back: the title, three waits, the error's text, a wait, the figures.
        let error = values[3].as_str().unwrap_or_default();
        assert!(
            error.starts_with(&format!("templates/report.html:{line}:")),
            "{error}"
        );
        assert!(error.contains("Found `}}` but expected"), "{error}");
        assert!(
            values[5].as_u64().unwrap_or(0) >= figure_svgs() as u64,
            "{:?}",
            values[5]
        );
    }
}

#[test]
#[ignore = "needs Chromium (apt-get install chromium); .ci/run runs it with --include-ignored"]
fn the_live_review_follows_the_edit() {
    let project = Project::new(true);
    let preview = Preview::start(project.root.path(), &[]);
    let mut chromium = Chromium::start(&preview.address)
        .unwrap_or_else(|e| panic!("browser check could not run: {e}"));
    let edited = project
        .template()
        .replacen("<h1>", "<h1>Reworded while the review was open ", 1);
    let save = || project.save_template(&edited);
    let acts = [
        Act::Eval("document.getElementById('verdict').textContent"),
        Act::Do(&save),
        Act::WaitFor(
            "(document.getElementById('page-text') || {}).textContent !== undefined && \
             document.body.textContent.includes('Reworded while the review was open')",
        ),
        Act::Eval("document.getElementById('verdict').textContent"),
    ];
    let (found, values) = chromium
        .open_acting(&format!("{}review/", preview.address), DESKTOP, &acts)
        .unwrap_or_else(|e| panic!("browser check could not run: {e}"));
    assert!(
        found.console_errors.is_empty(),
        "{:#?}",
        found.console_errors
    );
    assert!(found.external_requests.is_empty());
    let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
    // The verdict before the save, the wait, the verdict after it.
    assert!(
        text(&values[0]).starts_with("Nothing to do"),
        "{:?}",
        values[0]
    );
    assert!(
        text(&values[2]).starts_with(&format!(
            "1 of {} files changed beyond the tolerances",
            files_listed(&project.path("output"))
        )),
        "{:?}",
        values[2]
    );
}
