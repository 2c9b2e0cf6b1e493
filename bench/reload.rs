//! How long an author waits: from saving `templates/report.html` while `serve` runs to the
//! page in headless Chromium reloaded with the edit (its load event), at the default N, as the
//! median of several saves; beside it, in the same run and alternating with it, the same page
//! reloaded without any save (the browser's own cost of loading it), and their ratio.
//!
//!     cargo bench --bench reload              # 21 saves, 21 plain reloads
//!     RUNS=41 cargo bench --bench reload
//!
//! Times are taken from the system clock on both sides: the save's moment here, the load
//! event's in the page (`performance.timeOrigin` plus the navigation's `loadEventEnd`).
//! Without Chromium it says so and measures nothing.

#[allow(dead_code)]
#[path = "../tests/support.rs"]
mod support;

// The tests' DevTools client and preview harness, as the tests' own modules lay them out.
#[allow(dead_code)]
#[path = "../tests/browser/cdp.rs"]
mod cdp;
#[allow(dead_code)]
#[path = "../tests/browser/launch.rs"]
mod launch;
#[allow(dead_code)]
#[path = "../tests/browser/page.rs"]
pub mod page;
#[allow(dead_code)]
#[path = "../tests/serve/preview.rs"]
mod preview;
mod browser {
    pub use crate::page;
}

use std::cell::Cell;
use std::time::{SystemTime, UNIX_EPOCH};

use cdp::{Act, Chromium};
use launch::find_chromium;
use page::View;
use preview::{Preview, Project};

/// When the page's last load ended, in milliseconds since the epoch.
const LOAD_END: &str = "performance.timeOrigin + \
    performance.getEntriesByType('navigation')[0].loadEventEnd";

fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn main() {
    if find_chromium().is_none() {
        println!("reload: no Chromium here (apt-get install chromium); nothing measured");
        return;
    }
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(21);
    let project = Project::new(false);
    let preview = Preview::start(project.root.path(), &["--quiet"]);
    let mut chromium = Chromium::start(&preview.address).expect("Chromium starts");
    let template = project.template();
    let view = View {
        width: 1280,
        mobile: false,
        dark: false,
    };

    // Per round: a plain reload, then a save; each followed by a wait for the new load.
    let started: Vec<Cell<f64>> = (0..2 * runs).map(|_| Cell::new(0.0)).collect();
    let saves: Vec<String> = (0..runs)
        .map(|k| template.replacen("<h1>", &format!("<h1>Round {k}: "), 1))
        .collect();
    let waits: Vec<(String, String)> = (0..runs)
        .map(|k| {
            (
                format!("window.round === undefined && document.readyState === 'complete' && document.title !== '' && (document.querySelector('h1') || {{}}).textContent.startsWith('{}')", if k == 0 { "Logistic" } else { "Round" }),
                format!(
                    "window.round === undefined && document.readyState === 'complete' && \
                     (document.querySelector('h1') || {{}}).textContent.startsWith('Round {k}: ')"
                ),
            )
        })
        .collect();
    let plain: Vec<Box<dyn Fn()>> = (0..runs)
        .map(|k| {
            let cell = &started[2 * k];
            Box::new(move || cell.set(now_ms())) as Box<dyn Fn()>
        })
        .collect();
    let saving: Vec<Box<dyn Fn()>> = (0..runs)
        .map(|k| {
            let (cell, text, project) = (&started[2 * k + 1], &saves[k], &project);
            Box::new(move || {
                cell.set(now_ms());
                project.save_template(text);
            }) as Box<dyn Fn()>
        })
        .collect();
    let mut acts = Vec::new();
    for k in 0..runs {
        acts.push(Act::Eval("window.round = 1; true"));
        acts.push(Act::Do(&*plain[k]));
        acts.push(Act::Eval("setTimeout(() => location.reload(), 0); true"));
        acts.push(Act::WaitFor(&waits[k].0));
        acts.push(Act::Eval(LOAD_END));
        acts.push(Act::Eval("window.round = 1; true"));
        acts.push(Act::Do(&*saving[k]));
        acts.push(Act::WaitFor(&waits[k].1));
        acts.push(Act::Eval(LOAD_END));
    }
    let (_, values) = chromium
        .open_acting(&preview.address, view, &acts)
        .expect("the page loads and reloads");
    // Each round gave: true, true, waited, load end (plain); true, waited, load end (save).
    let per_round = values.len() / runs;
    let mut reload = Vec::new();
    let mut save = Vec::new();
    for k in 0..runs {
        let v = &values[k * per_round..(k + 1) * per_round];
        let end = |i: usize| v[i].as_f64().expect("a load time");
        reload.push(end(3) - started[2 * k].get());
        save.push(end(6) - started[2 * k + 1].get());
    }
    let (r, s) = (median(&mut reload), median(&mut save));
    println!("reload: {runs} rounds at the default N, medians (ms, from the system clock)");
    println!(
        "  save of templates/report.html -> reloaded page: {s:.0} ms (min {:.0}, max {:.0})",
        save[0],
        save[runs - 1]
    );
    println!(
        "  plain reload of the same page (no save):        {r:.0} ms (min {:.0}, max {:.0})",
        reload[0],
        reload[runs - 1]
    );
    println!("  ratio save / plain reload: {:.2}", s / r);
    drop(preview);
}
