//! The λ control of the report, in headless Chromium: radio buttons and CSS alone switch the
//! layer over the separable data and the numbers beside it, by a tap, by the keyboard, on a
//! desktop and on a phone, and a reader who asks for reduced motion gets no fading.

use super::cdp::{Act, Chromium};
use super::server::Server;
use super::{DESKTOP, MOUNT, PHONE, text};
use crate::support::binary;

/// Which layer is visible and which numbers are shown: "k:visible-layers:shown-readouts".
const SHOWN: &str = "(() => { const on = s => [...document.querySelectorAll(s)].filter(e => \
    getComputedStyle(e).visibility === 'visible' && getComputedStyle(e).opacity !== '0' && \
    getComputedStyle(e).display !== 'none'); \
    const k = document.querySelector('.lc-in:checked').id; \
    const layers = on('.stage .layer').map(e => e.className).join(','); \
    const numbers = [...document.querySelectorAll('.readout')].filter(e => \
      getComputedStyle(e).display !== 'none').map(e => e.textContent.split(':')[0]).join(','); \
    return k + '|' + layers + '|' + numbers; })()";

/// The transition the page's own style sheet gives the layers under reduced motion.
const REDUCED: &str = "(() => { for (const sheet of document.styleSheets) for (const rule of \
    sheet.cssRules) if (rule.conditionText === '(prefers-reduced-motion: reduce)') \
    for (const inner of rule.cssRules) if (inner.selectorText === '.stage .layer') \
    return inner.style.transition; return 'no rule'; })()";

#[test]
#[ignore = "needs Chromium (apt-get install chromium); .ci/run runs it with --include-ignored"]
fn the_lambda_control_switches_the_fit_shown_without_script() {
    let root = tempfile::tempdir().expect("temp dir");
    let site = root.path().join("site");
    binary()
        .args(["--quiet", "--out"])
        .arg(&site)
        .assert()
        .success();
    let page = std::fs::read_to_string(site.join("index.html")).expect("the page");
    assert!(!page.contains("<script"), "the page carries no script");
    let path = logreg_report::study::path_lambdas();
    // The first of the run's strengths on the path is shown first: λ = 0 by default.
    let label = |k: usize| logreg_report::numbers::label(path[k].get());
    let server = Server::start(&site, MOUNT).expect("a local server");
    let mut chromium = Chromium::start(&server.url(""))
        .unwrap_or_else(|e| panic!("browser check could not run: {e}"));
    let last = path.len() - 1;
    let tap_last = format!("label[for=lam-{last}]");
    let acts = [
        Act::Eval(SHOWN),
        Act::Eval("document.querySelector('#lam-0').focus()"),
        Act::Key("ArrowRight"),
        Act::Eval(SHOWN),
        Act::Tap(&tap_last),
        Act::Eval(SHOWN),
        Act::Eval("getComputedStyle(document.querySelector('.stage .layer')).transitionDuration"),
        Act::Eval(REDUCED),
    ];
    for view in [DESKTOP, PHONE] {
        let (_, values) = chromium
            .open_acting(&server.url(""), view, &acts)
            .unwrap_or_else(|e| panic!("browser check could not run in {view:?}: {e}"));
        let seen: Vec<String> = values.iter().map(text).collect();
        let expect = |k: usize| format!("lam-{k}|layer layer-{k}|λ = {}", label(k));
        assert_eq!(
            seen,
            [
                expect(0),
                "null".into(),
                expect(1),
                expect(last),
                "0.25s, 0.25s".into(),
                "none".into()
            ],
            "{view:?}"
        );
    }
}
