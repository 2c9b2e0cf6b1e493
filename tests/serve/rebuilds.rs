//! Saves while `serve` runs: a template save rebuilds and wakes every page, a broken template
//! or project file is shown with its place until the next good save, the study is kept when
//! only the page changes, and the live review follows the edit and the baseline.

use super::{Preview, Project, written};

#[test]
fn a_template_save_rebuilds_the_page_and_wakes_every_page() {
    let project = Project::new(false);
    let preview = Preview::start(project.root.path(), &[]);
    assert!(!preview.get("/").text().contains("A word changed"));
    let edited = project
        .template()
        .replacen("<h1>", "<h1>A word changed: ", 1);
    project.save_template(&edited);
    assert_eq!(preview.next_build("r1"), "r2");
    let page = preview.get("/").text();
    assert!(page.contains("A word changed: "), "{page}");
    assert!(page.contains("<script data-build=\"r2\">"));
    preview.says("rebuilt after templates/report.html changed");
    // The same bytes saved again change nothing served: no page reloads (a page of the
    // first build still hears of the second, and of no third).
    project.save_template(&edited);
    preview.says("(the report did not)");
    assert_eq!(preview.get("/__reload?since=r1").text(), "r2");
}

#[test]
fn a_broken_template_is_shown_with_its_place_until_it_is_fixed() {
    let project = Project::new(false);
    let before = written(project.root.path());
    let preview = Preview::start(project.root.path(), &[]);
    let good = project.template();
    let line = good
        .lines()
        .position(|l| l.contains("<h1>"))
        .expect("a heading")
        + 1;
    let broken = good.replacen("<h1>", "<h1>{{ seed + }}", 1);
    project.save_template(&broken);
    let build = preview.next_build("r1");
    let page = preview.get("/");
    assert_eq!(page.status, 500);
    let text = page.text();
    let place = format!("templates/report.html:{line}:");
    assert!(text.contains(&place), "{place} not in {text}");
    assert!(text.contains("Found `}}` but expected"), "{text}");
    assert!(
        text.contains("<script data-build"),
        "the error page reloads too"
    );
    // The terminal says the same, with the line and a caret under the place.
    let said = preview.says(&format!("error: {place}"));
    assert!(
        said.lines().any(|l| l.trim_start().starts_with('^')),
        "{said}"
    );
    // The review says it too, and the figures are still the last good build's.
    assert_eq!(preview.get("/review/").status, 500);
    assert_eq!(preview.get("/figures/fuzzy.svg").status, 200);
    project.save_template(&good.replacen("<h1>", "<h1>Fixed: ", 1));
    preview.next_build(&build);
    let page = preview.get("/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Fixed: "));
    drop(preview);
    let mut after = written(project.root.path());
    after.remove(std::path::Path::new("templates/report.html"));
    let mut before = before;
    before.remove(std::path::Path::new("templates/report.html"));
    assert_eq!(after, before);
}

#[test]
fn a_bad_project_file_is_shown_with_its_place_until_it_is_fixed() {
    let project = Project::new(false);
    let preview = Preview::start(project.root.path(), &[]);
    let toml = project.path("report.toml");
    std::fs::write(&toml, "templates = \"templates\"\nsed = 3\n").expect("writable");
    let build = preview.next_build("r1");
    let page = preview.get("/");
    assert_eq!(page.status, 500);
    assert!(
        page.text().contains("report.toml:2:1: sed: unknown key"),
        "{}",
        page.text()
    );
    std::fs::write(&toml, "templates = \"templates\"\nseed = 3\n").expect("writable");
    preview.next_build(&build);
    let results: serde_json::Value =
        serde_json::from_slice(&preview.get("/results.json").body).expect("JSON");
    assert_eq!(results["seed"], 3);
    preview.says("error: report.toml:2:1: sed: unknown key");
    preview.says("rebuilt after report.toml changed");
}

#[test]
fn the_live_review_shows_the_edit_against_the_baseline() {
    let project = Project::new(true);
    let preview = Preview::start(project.root.path(), &[]);
    let review = preview.get("/review/").text();
    assert!(review.contains("Nothing to do"), "{review}");
    let edited = project
        .template()
        .replacen("<h1>", "<h1>Freshly reworded ", 1);
    project.save_template(&edited);
    preview.next_build("v1.0");
    let review = preview.get("/review/");
    assert_eq!(review.status, 200);
    let text = review.text();
    assert!(text.contains("index.html"), "{text}");
    assert!(
        text.contains("Freshly reworded"),
        "the page text diff shows the edit"
    );
    // Its evidence is served beside it, and its accept advice is the one to run.
    assert!(preview.get("/review/review.json").status == 200);
    let record: serde_json::Value =
        serde_json::from_slice(&preview.get("/review/review.json").body).expect("JSON");
    assert_eq!(record["state"], "failed");
    assert_eq!(record["accept_command"], "logreg-report review --accept");
    // Accepting writes the baseline: the review follows it.
    let accepted = std::process::Command::new(crate::support::binary_path())
        .current_dir(project.root.path())
        .args(["review", "--accept", "--quiet"])
        .env_remove("CARGO")
        .output()
        .expect("runs");
    assert!(accepted.status.success());
    preview.next_build("v2.0");
    let review = preview.get("/review/").text();
    assert!(review.contains("Nothing to do"), "{review}");
}

#[test]
fn a_new_seed_in_the_project_file_recomputes_the_study() {
    let project = Project::new(false);
    let preview = Preview::start(project.root.path(), &[]);
    let before = preview.get("/data/fuzzy.csv").body;
    std::fs::write(
        project.path("report.toml"),
        "templates = \"templates\"\nseed = 9\nn = 40\n",
    )
    .expect("writable");
    preview.next_build("r1");
    let after = preview.get("/data/fuzzy.csv").body;
    assert_ne!(before, after);
    assert_eq!(after.iter().filter(|&&b| b == b'\n').count(), 41);
}
