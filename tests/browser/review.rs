//! The review page in headless Chromium, as a reviewer uses it on a desktop and on a phone:
//! nothing loaded from outside, nothing scrolling sideways, no text under 12 px at 390 px,
//! and each viewing mode (side by side, flip by a tap, a click or the keyboard, onion skin,
//! blink) doing what it says, without a line of script in the page.

use super::cdp::{Act, Chromium};
use super::page::View;
use super::server::Server;
use super::{DARK, DESKTOP, MOUNT, PHONE, luminance, text};
use crate::support::binary;

/// The opacity of this run's picture on the card of `figure`, as drawn.
fn opacity(figure: &str) -> String {
    format!("getComputedStyle(document.querySelector('#file-figures-{figure} .cand')).opacity")
}

/// The smallest font size of any text the reader can see, and where it is.
const SMALLEST_TEXT: &str = "(() => { let min = 1e9, at = ''; \
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT); \
    while (walk.nextNode()) { const node = walk.currentNode; if (!node.textContent.trim()) continue; \
      const e = node.parentElement; const r = e.getBoundingClientRect(); \
      if (r.width <= 1 || r.height <= 1) continue; const size = parseFloat(getComputedStyle(e).fontSize); \
      if (size < min) { min = size; at = e.tagName + ': ' + node.textContent.trim().slice(0, 40); } } \
    return [min, at]; })()";

#[test]
#[ignore = "needs Chromium (apt-get install chromium); .ci/run runs it with --include-ignored"]
fn the_review_page_reads_well_and_every_viewing_mode_works() {
    let root = tempfile::tempdir().expect("create a temporary directory");
    let baseline = root.path().join("output");
    crate::support::write_report(&baseline);
    let review = root.path().join("review");
    binary()
        .args(["review", "--quiet", "--seed", "5", "--baseline"])
        .arg(&baseline)
        .arg("--review-dir")
        .arg(&review)
        .assert()
        .code(1);
    let server = Server::start(&review, MOUNT).expect("a local server");
    let mut chromium = Chromium::start(&server.url(""))
        .unwrap_or_else(|e| panic!("browser check could not run: {e}"));
    let images = std::fs::read_dir(review.join("images"))
        .expect("the review's images")
        .count();
    for view in [DESKTOP, PHONE] {
        every_viewing_mode_works(&mut chromium, &server, view, images);
    }
    // The reader's dark mode: a dark page, the pictures on their own light backgrounds.
    let dark = chromium
        .open(&server.url("review.html"), DARK, None)
        .unwrap_or_else(|e| panic!("browser check could not run: {e}"));
    assert!(
        luminance(&dark.body_background) < 0.05,
        "the review under a dark colour scheme: {:?}",
        dark.body_background
    );
    the_keyboard_alone_flips_a_figure(&mut chromium, &server);
    drop(chromium);
    assert!(
        server.log().iter().all(|l| l.status == 200),
        "{:#?}",
        server.log()
    );
}

/// At `view`'s size: side by side, flip, onion skin and blink on one figure; figure 9 whole
/// or panel by panel; every image of the review on the page, none broken, nothing outside.
fn every_viewing_mode_works(chromium: &mut Chromium, server: &Server, view: View, images: usize) {
    let fuzzy = opacity("fuzzy");
    let nine = "#file-figures-reg-vs-no";
    let whole_nine =
        format!("getComputedStyle(document.querySelector('{nine} .frames.has-panels')).display");
    let panels_nine = format!(
        "[...document.querySelectorAll('{nine} .frames.panel')].map(f => getComputedStyle(f).display).join(',')"
    );
    let panel_opacity = format!(
        "[...document.querySelectorAll('{nine} .frames.panel .cand')].map(f => getComputedStyle(f).opacity).join(',')"
    );
    // On a phone the picture itself is tapped; on a desktop the button is clicked (the
    // pointer then rests on it, not on the picture, where hovering shows the other run).
    let flip_back = if view.mobile {
        "#file-figures-fuzzy .tap"
    } else {
        "#file-figures-fuzzy .l-flipped"
    };
    let acts = [
        Act::Eval(&fuzzy),
        Act::Tap("#file-figures-fuzzy .l-flip"),
        Act::Eval(&fuzzy),
        Act::Tap(flip_back),
        Act::Eval(&fuzzy),
        Act::Tap("#file-figures-fuzzy .l-onion"),
        Act::Eval(&fuzzy),
        Act::Tap("#file-figures-fuzzy .l-o25"),
        Act::Eval(&fuzzy),
        Act::Tap("#file-figures-fuzzy .l-blink"),
        Act::Eval(
            "getComputedStyle(document.querySelector('#file-figures-fuzzy .cand')).animationName",
        ),
        Act::Eval(SMALLEST_TEXT),
        // Figure 9: whole on a desktop, panel by panel on a phone, in every mode.
        Act::Eval(&whole_nine),
        Act::Eval(&panels_nine),
        Act::Tap("#file-figures-reg-vs-no .l-flip"),
        Act::Eval(&panels_nine),
        Act::Eval(&panel_opacity),
        Act::Tap("#file-figures-reg-vs-no .l-onion"),
        Act::Eval(&panel_opacity),
    ];
    let (found, values) = chromium
        .open_acting(&server.url("review.html"), view, &acts)
        .unwrap_or_else(|e| panic!("browser check could not run: {e}"));
    let seen: Vec<String> = values.iter().map(text).collect();
    let width = view.width;
    assert!(found.external_requests.is_empty(), "{width}: {found:#?}");
    assert!(found.console_errors.is_empty(), "{width}: {found:#?}");
    assert!(found.scrollers.is_empty(), "{width}: {found:#?}");
    assert!(
        found.page_width <= found.viewport_width,
        "{width}: the page scrolls sideways: {found:#?}"
    );
    // Every image the review wrote is on its page: each changed figure's baseline, run,
    // difference and thumbnail, and figure 9's panels.
    assert_eq!(found.img_count, images, "{width}: {found:#?}");
    assert!(found.broken_imgs.is_empty(), "{width}: {found:#?}");
    assert!(found.title.starts_with("Review: "), "{found:#?}");
    // Side by side; flip shows the baseline, a tap (or click) this run; onion skin at
    // half and then a quarter; blink runs its animation.
    assert_eq!(
        seen[..6],
        ["1", "0", "1", "0.5", "0.25", "blink"],
        "{width}: {seen:?}"
    );
    let smallest = &values[6];
    assert!(
        smallest[0].as_f64().is_some_and(|px| px >= 12.0),
        "{width}: text under 12 px: {smallest}"
    );
    let (whole, panels) = if view.mobile {
        ("none", "grid,grid,grid")
    } else {
        ("grid", "none,none,none")
    };
    assert_eq!(seen[7..9], [whole, panels], "{width}: figure 9: {seen:?}");
    // Flipped, each panel shows the baseline; as an onion skin, half of this run.
    assert_eq!(
        seen[9..],
        [panels, "0,0,0", "0.5,0.5,0.5"],
        "{width}: figure 9's panels: {seen:?}"
    );
}

/// The keyboard alone: into the mode buttons, an arrow to "flip", Tab to the flip button,
/// space to show this run.
fn the_keyboard_alone_flips_a_figure(chromium: &mut Chromium, server: &Server) {
    let bad_fit = opacity("bad-fit");
    let acts = [
        Act::Eval("document.querySelector('#side-figures-bad-fit').focus()"),
        Act::Key("ArrowRight"),
        Act::Eval("document.querySelector('#flip-figures-bad-fit').checked"),
        Act::Eval(&bad_fit),
        Act::Key("Tab"),
        Act::Eval("document.activeElement.id"),
        Act::Key(" "),
        Act::Eval(&bad_fit),
    ];
    let (_, values) = chromium
        .open_acting(&server.url("review.html"), DESKTOP, &acts)
        .unwrap_or_else(|e| panic!("browser check could not run: {e}"));
    let seen: Vec<String> = values.iter().map(text).collect();
    assert_eq!(
        seen,
        ["null", "true", "0", "flipped-figures-bad-fit", "1"],
        "{seen:?}"
    );
}
