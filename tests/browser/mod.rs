//! Browser tests: the report, published as a site under a sub-path of a local HTTP server,
//! opened in headless Chromium as a reader would, on a desktop, on a phone and in dark mode.
//! They fail on a 404, a console error, any request leaving the site, an SVG or MathML
//! element not rendered, anything scrolling inside the page (on a desktop and on a phone: a
//! wide table reflows, a long equation breaks), figure text below 10 CSS px on a desktop or
//! 9 px on a phone, and a light page under a dark colour scheme.

mod cdp;
mod control;
mod launch;
mod page;
mod review;
mod serve;
mod server;

use std::path::Path;

use cdp::Chromium;
use page::{PageReport, View};
use server::{Server, status_of};

use crate::support::binary;
use logreg_report::report::{PAGE, REDIRECT};

/// Where the site is mounted: a project's site is rarely at a host's root.
const MOUNT: &str = "/project/";
/// How many `<svg>` a default report inlines: every figure, figure 9 as one panel per
/// strength, figure 13 as its data and one layer per strength of the path.
pub fn figure_svgs() -> usize {
    logreg_report::figures::FIGURES.len() - 2
        + logreg_report::study::DEFAULT_LAMBDAS.len()
        + 1
        + logreg_report::study::path_lambdas().len()
}
/// The smallest figure text allowed in a 1280-pixel window, and on a 390-pixel phone.
const DESKTOP_MIN_TEXT: f64 = 10.0;
const PHONE_MIN_TEXT: f64 = 9.0;

const DESKTOP: View = View {
    width: 1280,
    mobile: false,
    dark: false,
};
const PHONE: View = View {
    width: 390,
    mobile: true,
    dark: false,
};
const DARK: View = View {
    width: 1280,
    mobile: false,
    dark: true,
};

/// Relative luminance of an sRGB colour (0 black, 1 white).
fn luminance(rgb: &[f64]) -> f64 {
    let linear = |c: f64| {
        let c = c / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    match rgb {
        [r, g, b] => 0.2126 * linear(*r) + 0.7152 * linear(*g) + 0.0722 * linear(*b),
        _ => f64::NAN,
    }
}

/// What every page of the site must satisfy in any window.
fn basic_problems(found: &PageReport) -> Vec<String> {
    let mut problems = Vec::new();
    if !found.external_requests.is_empty() {
        problems.push(format!(
            "requests leaving the site: {:#?}",
            found.external_requests
        ));
    }
    if !found.console_errors.is_empty() {
        problems.push(format!("console errors: {:#?}", found.console_errors));
    }
    if found.svg_count < figure_svgs() {
        problems.push(format!(
            "only {} rendered <svg>, expected at least {}",
            found.svg_count,
            figure_svgs()
        ));
    }
    if !found.zero_svgs.is_empty() {
        problems.push(format!("<svg> at zero size: {:#?}", found.zero_svgs));
    }
    if found.math_count == 0 || found.not_mathml > 0 {
        problems.push(format!(
            "{} <math>, {} not parsed as MathML",
            found.math_count, found.not_mathml
        ));
    }
    if !found.zero_maths.is_empty() {
        problems.push(format!("<math> at zero size: {:#?}", found.zero_maths));
    }
    if found.title.trim().is_empty() {
        problems.push("empty document title".to_owned());
    }
    if found.page_width > found.viewport_width {
        problems.push(format!(
            "the page is {} px wide in a {} px window: it scrolls sideways",
            found.page_width, found.viewport_width
        ));
    }
    problems
}

fn min_text(found: &PageReport, least: f64) -> Option<String> {
    match found.min_text_px {
        Some(px) if px >= least => None,
        Some(px) => Some(format!(
            "figure text at {px:.2} CSS px (< {least}): {}",
            found.min_text_at
        )),
        None => Some("no figure text measured".into()),
    }
}

#[test]
#[ignore = "needs Chromium (apt-get install chromium); .ci/run runs it with --include-ignored"]
fn the_published_site_reads_well_on_every_screen() {
    let root = tempfile::tempdir().expect("temp dir");
    let site = root.path().join("site");
    // With an address, so that the absolute URLs of the preview tags are there to be (not)
    // requested.
    binary()
        .args([
            "--quiet",
            "--site-url",
            "https://example.org/project/",
            "--out",
        ])
        .arg(&site)
        .assert()
        .success();
    let server = Server::start(&site, MOUNT).expect("a local server");
    let mut chromium = Chromium::start(&server.url(""))
        .unwrap_or_else(|e| panic!("browser check could not run: {e}"));
    let open = |chromium: &mut Chromium, relative: &str, view: View, wait_for: Option<&str>| {
        chromium
            .open(&server.url(relative), view, wait_for)
            .unwrap_or_else(|e| panic!("{relative} in {view:?}: {e}"))
    };
    let desktop = open(&mut chromium, "", DESKTOP, None);
    let phone = open(&mut chromium, "", PHONE, None);
    let dark = open(&mut chromium, "", DARK, None);
    let moved = open(&mut chromium, REDIRECT, DESKTOP, Some(PAGE));
    drop(chromium);

    let mut problems = Vec::new();
    for (name, found) in [
        ("1280 px", &desktop),
        ("390 px", &phone),
        ("dark", &dark),
        ("report.html", &moved),
    ] {
        problems.extend(
            basic_problems(found)
                .into_iter()
                .map(|p| format!("{name}: {p}")),
        );
    }
    for (name, found) in [("1280 px", &desktop), ("390 px", &phone)] {
        if !found.scrollers.is_empty() {
            problems.push(format!(
                "{name}: elements scroll inside the page: {:#?}",
                found.scrollers
            ));
        }
    }
    problems.extend(min_text(&desktop, DESKTOP_MIN_TEXT).map(|p| format!("1280 px: {p}")));
    problems.extend(min_text(&phone, PHONE_MIN_TEXT).map(|p| format!("390 px: {p}")));
    problems.extend(colour_problems(&desktop, &dark));
    if moved.location != server.url(PAGE) {
        problems.push(format!(
            "report.html led to {}, not to {PAGE}",
            moved.location
        ));
    }

    problems.extend(request_and_link_problems(&server, &desktop));
    eprintln!(
        "smallest figure text: {:.2} px at 1280 px ({}), {:.2} px at 390 px ({})",
        desktop.min_text_px.unwrap_or(f64::NAN),
        desktop.min_text_at,
        phone.min_text_px.unwrap_or(f64::NAN),
        phone.min_text_at
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A value a page handed back, as text: a string as it is, anything else as JSON.
fn text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// What is wrong with the colours: a light page in light mode, a dark one in dark mode, and
/// every figure on a light card in both.
fn colour_problems(desktop: &PageReport, dark: &PageReport) -> Vec<String> {
    let mut problems = Vec::new();
    let background = luminance(&dark.body_background);
    if background.is_nan() || background >= 0.05 {
        problems.push(format!(
            "dark: the page's background {:?} is not dark",
            dark.body_background
        ));
    }
    if luminance(&desktop.body_background) < 0.9 {
        problems.push(format!(
            "light: the page's background {:?} is not light",
            desktop.body_background
        ));
    }
    for colour in &dark.figure_backgrounds {
        if luminance(colour).is_nan() || luminance(colour) <= 0.9 {
            problems.push(format!("dark: a figure on {colour:?}, not on a light card"));
        }
    }
    problems
}

/// What is wrong with the requests and links: every request the pages made stayed inside the
/// site, and every link a visitor can follow leads to a file of it.
fn request_and_link_problems(server: &Server, desktop: &PageReport) -> Vec<String> {
    let mut problems = Vec::new();
    let page_requests: Vec<_> = server.log().into_iter().map(|l| l.request).collect();
    let expected = [
        format!("GET {MOUNT}"),
        format!("GET {MOUNT}{REDIRECT}"),
        format!("GET {MOUNT}{PAGE}"),
    ];
    for request in &page_requests {
        if !expected.contains(request) {
            problems.push(format!("the page requested {request}"));
        }
    }
    assert!(desktop.links.len() >= 12, "{:#?}", desktop.links);
    for link in &desktop.links {
        if !link.starts_with(&server.url("")) {
            problems.push(format!("a link leaves the site: {link}"));
        }
        match status_of(link) {
            Ok(200) => {}
            other => problems.push(format!("{link}: {other:?}")),
        }
    }
    for logged in server.log() {
        if logged.status != 200 {
            problems.push(format!("{} answered {}", logged.request, logged.status));
        }
    }
    problems
}

/// Without this, a checker that silently saw nothing would pass the site.
#[test]
#[ignore = "needs Chromium (apt-get install chromium); .ci/run runs it with --include-ignored"]
fn checker_reports_each_kind_of_problem() {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    write_broken_page(dir.path());
    let server = Server::start(dir.path(), MOUNT).expect("a local server");
    let mut chromium = Chromium::start(&server.url(""))
        .unwrap_or_else(|e| panic!("browser check could not run: {e}"));
    let found = chromium
        .open(&server.url(""), DARK, None)
        .unwrap_or_else(|e| panic!("browser check could not run: {e}"));
    drop(chromium);

    assert!(
        found
            .external_requests
            .iter()
            .any(|u| u.starts_with("http://example.invalid/x.png")),
        "external image not reported: {found:#?}"
    );
    assert!(
        found
            .console_errors
            .iter()
            .any(|e| e.contains("self-test: deliberate console error")),
        "console.error not reported: {found:#?}"
    );
    assert_eq!(found.svg_count, 2, "{found:#?}");
    assert!(
        found.zero_svgs.len() == 1 && found.zero_svgs[0].contains(r#"id="flat""#),
        "zero-size <svg> not reported (alone): {found:#?}"
    );
    assert_eq!((found.math_count, found.zero_maths.len()), (1, 0));
    assert_eq!(found.title, "broken on purpose");
    // The external image, the missing one and the undecodable one.
    assert_eq!(found.img_count, 3, "{found:#?}");
    assert!(
        found.broken_imgs.iter().any(|i| i.contains("not a png")),
        "broken image not reported: {found:#?}"
    );
    // 10 px text in a 200-unit viewBox drawn 100 px wide: 5 CSS px.
    let px = found.min_text_px.expect("text measured");
    assert!((px - 5.0).abs() < 0.01, "{px}");
    assert!(
        found.scrollers.len() == 1 && found.scrollers[0].contains(r#"id="scroller""#),
        "{found:#?}"
    );
    assert!(found.page_width > found.viewport_width, "{found:#?}");
    // The page ignores the dark scheme: its white background is reported as it is.
    assert!(luminance(&found.body_background) > 0.9, "{found:#?}");
    assert!(
        server
            .log()
            .iter()
            .any(|l| l.request == format!("GET {MOUNT}missing.png") && l.status == 404),
        "{:#?}",
        server.log()
    );
}

/// A page with one of each problem the site test looks for.
fn write_broken_page(dir: &Path) {
    std::fs::write(
        dir.join("index.html"),
        r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>broken on purpose</title>
<link rel="icon" href="data:,"></head>
<body style="background: #fff">
<img src="http://example.invalid/x.png" alt="">
<img src="missing.png" alt="">
<img src="data:image/png;base64,AAAA" alt="not a png">
<script>console.error("self-test: deliberate console error");</script>
<svg id="flat" width="0" height="0"><circle cx="1" cy="1" r="1"/></svg>
<svg id="fine" width="100" height="50" viewBox="0 0 200 100"><text x="5" y="50" font-size="10">tiny</text></svg>
<div id="scroller" style="width: 50px; height: 20px; overflow: auto">long enough to scroll sideways</div>
<div style="width: 3000px">wider than the window</div>
<math><mi>x</mi></math>
</body></html>
"#,
    )
    .expect("write the test page");
}
