//! Unit tests of the review's layers: page text, numbers, causes, tolerances, JUnit.

use super::inputs::{self, Input, causes, sig2};
use super::numbers::{self, Leaf, Scope};
use super::text::{diff_pages, visible_text};
use super::*;
use crate::figures::{FIGURES, FigureId};

#[test]
fn visible_text_leaves_out_svg_style_and_script_and_keeps_mathml() {
    let html = r#"<!DOCTYPE html><html><head><title>T &amp; U</title>
<style>p { color: red }</style><script>var x = "<p>";</script></head>
<body><h1>Study</h1><p>The sigmoid <math><mi>σ</mi><mo>(</mo><mi>z</mi><mo>)</mo></math> is
&lt;1&gt;.</p><!-- a comment --><figure><svg><text>axis</text><svg><text>inner</text></svg></svg>
<figcaption>Figure&#160;1 &#x2014; data</figcaption></figure>
<table><tr><th>λ</th><th>fun</th></tr><tr><td>0.1</td><td>16.46</td></tr></table>
<math display="block"><mi>E</mi></math><p>end</p></body></html>"#;
    assert_eq!(
        visible_text(html),
        "T & U\nStudy\nThe sigmoid σ(z) is <1>.\nFigure 1 — data\nλ | fun\n0.1 | 16.46\nE\nend\n"
    );
}

/// Hunk headers as GNU diff writes them, so that `patch` puts each change where it was: a
/// one-line range without its count, an empty range from the line before it.
#[test]
fn hunk_headers_place_a_change_as_patch_reads_them() {
    let header = |old: &str, new: &str| text::diff_lines(old, new).unwrap().hunks[0].header.clone();
    assert_eq!(header("", "a\nb\n"), "@@ -0,0 +1,2 @@");
    assert_eq!(header("a\n", "b\n"), "@@ -1 +1 @@");
    assert_eq!(header("a\nb\n", ""), "@@ -1,2 +0,0 @@");
}

#[test]
fn the_page_diff_counts_lines_and_shows_context() {
    let old = "<p>a</p><p>b</p><p>c</p><p>d</p><p>e</p><p>f</p><p>g</p><p>h</p>";
    let new = old.replace("<p>e</p>", "<p>E</p>");
    let text = diff_pages(old, &new).unwrap();
    assert_eq!((text.removed, text.added), (1, 1));
    assert_eq!(text.hunks.len(), 1);
    assert_eq!(text.hunks[0].header, "@@ -2,7 +2,7 @@");
    assert!(text.unified().contains("\n-e\n+E\n"), "{}", text.unified());
    assert!(diff_pages(old, old).unwrap().same());
    // Markup alone is no change of text.
    assert!(
        diff_pages("<p>a <b>b</b></p>", "<p>a <i>b</i></p>")
            .unwrap()
            .same()
    );
}

/// A results.json with the fields the review reads.
fn results(seed: u64, fits: &[(&str, f64, [f64; 3])]) -> Vec<u8> {
    let fits: Vec<serde_json::Value> = fits
        .iter()
        .map(|(dataset, lambda, x)| {
            serde_json::json!({ "dataset": dataset, "lambda": lambda, "x": x, "nit": 3,
                                "message": "Converged" })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "tool": "logreg-report", "seed": seed, "n": 100, "lambdas": [0.0, 0.1],
        "optimizer_demo": { "x": [1.0] }, "fits": fits,
        "artifacts": { "figures/a.svg": "00" }
    }))
    .unwrap()
}

#[test]
fn fits_are_matched_by_data_set_and_place() {
    let a = results(
        0,
        &[
            ("fuzzy", 0.1, [1.0, 2.0, 3.0]),
            ("separable", 0.1, [4.0, 5.0, 6.0]),
        ],
    );
    // The data sets' fits in another order: each still meets its own.
    let swapped = results(
        0,
        &[
            ("separable", 0.1, [4.0, 5.0, 6.0]),
            ("fuzzy", 0.1, [1.0, 2.0, 3.0]),
        ],
    );
    let found = numbers::compare(&a, &swapped, 1e-9).unwrap();
    assert!(found.changes.is_empty(), "{:?}", found.changes);
    // A strength changed: the fit at its place moved, and says from which λ to which.
    let other = results(
        0,
        &[
            ("fuzzy", 0.1, [1.0, 2.0, 3.0]),
            ("separable", 1.0, [4.5, 5.0, 6.0]),
        ],
    );
    let found = numbers::compare(&a, &other, 1e-9).unwrap();
    let keys: Vec<String> = found.changes.iter().map(|c| c.key.to_string()).collect();
    assert_eq!(
        keys,
        ["fits[separable #1].lambda", "fits[separable #1].x[0]"]
    );
    assert_eq!(
        found.changes[0].key.scope.to_string(),
        "the first separable fit (λ 0.1 → 1)"
    );
    // A strength added at the end is one new fit.
    let more = results(
        0,
        &[
            ("fuzzy", 0.1, [1.0, 2.0, 3.0]),
            ("separable", 0.1, [4.0, 5.0, 6.0]),
            ("separable", 10.0, [9.0, 9.0, 9.0]),
        ],
    );
    let found = numbers::compare(&a, &more, 1e-9).unwrap();
    assert!(!found.changes.is_empty());
    assert!(found.changes.iter().all(|c| c.old == Leaf::Absent
        && matches!(&c.key.scope, Scope::Fit { place: 1, lambda, .. }
            if lambda.run == Some(10.0) && lambda.baseline.is_none())));
    assert_eq!(
        found.changes[0].key.scope.to_string(),
        "the second separable fit (λ = 10)"
    );
}

#[test]
fn numbers_within_the_tolerance_are_equal_and_whole_numbers_exact() {
    let a = results(u64::MAX, &[("fuzzy", 0.1, [1.0, 2.0, 3.0])]);
    let noise = results(u64::MAX, &[("fuzzy", 0.1, [1.0 + 1e-12, 2.0, 3.0])]);
    let found = numbers::compare(&a, &noise, 1e-9).unwrap();
    assert_eq!((found.changes.len(), found.within), (0, 1));
    let found = numbers::compare(&a, &noise, 0.0).unwrap();
    assert_eq!(found.changes.len(), 1);
    assert_eq!(found.changes[0].key.to_string(), "fits[fuzzy #1].x[0]");
    // 2⁶⁴ − 1 and 2⁶⁴ − 2 are the same double, but not the same seed.
    let other = results(u64::MAX - 1, &[("fuzzy", 0.1, [1.0, 2.0, 3.0])]);
    let found = numbers::compare(&a, &other, 1.0).unwrap();
    assert_eq!(found.changes.len(), 1);
    assert_eq!(found.changes[0].key.to_string(), "seed");
}

#[test]
fn a_results_file_that_is_not_ours_is_unreadable() {
    let good = results(0, &[]);
    for bad in [
        &b"{ cut"[..],
        b"[1, 2]",
        br#"{"seed": "zero", "n": 1, "optimizer_demo": {}, "fits": []}"#,
        br#"{"seed": 0, "n": 1, "optimizer_demo": {}, "fits": [{"x": 1}]}"#,
    ] {
        assert!(numbers::compare(bad, &good, 1e-9).is_err(), "{bad:?}");
    }
}

#[test]
fn a_figure_is_traced_to_the_numbers_it_is_drawn_from() {
    let a = results(
        0,
        &[
            ("fuzzy", 0.1, [1.0, 2.0, 3.0]),
            ("separable", 0.1, [4.0, 5.0, 6.0]),
        ],
    );
    let b = results(
        0,
        &[
            ("fuzzy", 0.1, [1.0, 2.0, 3.0]),
            ("separable", 0.1, [4.0, 5.0003, 6.0]),
        ],
    );
    let changes = numbers::compare(&a, &b, 1e-9).unwrap().changes;
    let why = causes(FigureId::RegVsNo, &changes, &[]);
    assert_eq!(why.len(), 1);
    assert_eq!(
        why[0].to_string(),
        "the separable fits: the first separable fit (λ = 0.1) moved: x[1] by 3e-4 (relative 6e-5)"
    );
    // The fuzzy figures do not draw the separable fits.
    assert!(causes(FigureId::FittedWeights, &changes, &[]).is_empty());
    // A data file that changed is named.
    let why = causes(FigureId::Fuzzy, &[], &["data/fuzzy.csv"]);
    assert_eq!(why[0].to_string(), "the fuzzy data: data/fuzzy.csv changed");
}

/// A `results.json` with the run's fits and a regularisation path of `path` (λ, x).
fn with_path(path: &[(f64, [f64; 3])]) -> Vec<u8> {
    let mut top: serde_json::Value = serde_json::from_slice(&results(0, &[])).unwrap();
    top["path"] = path
        .iter()
        .map(|(lambda, x)| serde_json::json!({ "dataset": "separable", "lambda": lambda, "x": x }))
        .collect();
    serde_json::to_vec(&top).unwrap()
}

#[test]
fn a_path_figure_is_traced_to_the_path_fits_that_moved() {
    let a = with_path(&[(0.0, [1.0, 2.0, 3.0]), (0.001, [4.0, 5.0, 6.0])]);
    let b = with_path(&[(0.0, [1.0, 2.0, 3.0]), (0.001, [4.0, 5.0, 6.5])]);
    let changes = numbers::compare(&a, &b, 1e-9).unwrap().changes;
    for figure in [FigureId::LambdaPath, FigureId::LambdaFrames] {
        let why = causes(figure, &changes, &[]);
        assert_eq!(
            why.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [
                "the fits of the regularisation path: the second path fit (λ = 0.001) moved: x[2] \
              by 0.5 (relative 0.077)"
            ],
            "{figure:?}"
        );
    }
    // The run's own separable fits, and figure 9, did not move.
    assert!(causes(FigureId::RegVsNo, &changes, &[]).is_empty());
    // A path fit's warm start moving is no change of the study's start weights: figures 2
    // and 4, drawn from w0, do not cite it.
    let mut warm = serde_json::from_slice::<serde_json::Value>(&a).unwrap();
    warm["path"][1]["w0"] = serde_json::json!([1.0, 2.0, 3.0]);
    let mut moved = warm.clone();
    moved["path"][1]["w0"] = serde_json::json!([1.0, 2.0, 3.5]);
    let (warm, moved) = (
        serde_json::to_vec(&warm).unwrap(),
        serde_json::to_vec(&moved),
    );
    let changes = numbers::compare(&warm, &moved.unwrap(), 1e-9)
        .unwrap()
        .changes;
    assert_eq!(changes.len(), 1, "{changes:?}");
    for figure in [FigureId::Sigmoid2d, FigureId::BadFit] {
        assert!(causes(figure, &changes, &[]).is_empty(), "{figure:?}");
    }
    // A path fit that is new in the run says so.
    let longer = with_path(&[
        (0.0, [1.0, 2.0, 3.0]),
        (0.001, [4.0, 5.0, 6.0]),
        (1.0, [0.0; 3]),
    ]);
    let changes = numbers::compare(&a, &longer, 1e-9).unwrap().changes;
    let why = causes(FigureId::LambdaPath, &changes, &[]);
    assert_eq!(
        why[0].to_string(),
        "the fits of the regularisation path: the third path fit (λ = 1) is new"
    );
}

#[test]
fn every_figure_says_what_it_is_drawn_from() {
    for spec in FIGURES {
        let drawn = inputs::inputs(spec.id);
        assert_eq!(drawn.is_empty(), spec.id == FigureId::Sigmoid, "{spec:?}");
    }
    assert_eq!(
        Input::SeparableData.file().as_deref(),
        Some("data/separable.csv")
    );
}

#[test]
fn two_significant_digits() {
    assert_eq!(sig2(0.00031), "3.1e-4");
    assert_eq!(sig2(0.1349), "0.13");
    assert_eq!(sig2(6.84), "6.8");
    assert_eq!(sig2(1234.0), "1200");
    assert_eq!(sig2(12345678.0), "1.2e7");
    assert_eq!(sig2(3e-4), "3e-4");
    assert_eq!(sig2(0.0), "0");
}

#[test]
fn tolerances_out_of_range_are_refused() {
    let defaults = Tolerances::default();
    assert_eq!(Tolerance::Rms.check(defaults.rms).ok(), Some(defaults.rms));
    assert_eq!(
        Tolerance::Threshold.check(defaults.threshold).ok(),
        Some(defaults.threshold)
    );
    assert_eq!(
        Tolerance::Numbers.check(defaults.numbers).ok(),
        Some(defaults.numbers)
    );
    for (what, value) in [
        (Tolerance::Rms, -1.0),
        (Tolerance::Rms, f64::NAN),
        (Tolerance::Threshold, 1.5),
        (Tolerance::Threshold, -0.1),
        (Tolerance::Numbers, f64::INFINITY),
    ] {
        let err = what.check(value).unwrap_err();
        assert!(matches!(err, ReviewError::BadTolerance { .. }), "{err}");
    }
}

fn file(path: &str, verdict: Verdict, passed: bool) -> FileReview {
    FileReview {
        path: path.into(),
        verdict,
        passed,
        note: "a note with <markup> & \"quotes\"".into(),
    }
}

#[test]
fn junit_is_well_formed_with_a_failure_per_failing_file() {
    let review = Review {
        parameters: Vec::new(),
        files: vec![
            file("figures/a.svg", Verdict::Changed, false),
            file("figures/b.svg", Verdict::Changed, true),
            file("results.json", Verdict::Identical, true),
            file(PAGE, Verdict::Unreadable("\u{1}".into()), false),
        ],
        figures: Vec::new(),
        numbers: None,
        page_text: None,
        images: Vec::new(),
        texts: Vec::new(),
        tolerances: Tolerances::default(),
    };
    let mut header = Header {
        review_page: "review/review.html".into(),
        accept_command: "logreg-report review --accept".into(),
        ..Header::default()
    };
    let xml = junit::xml(&review, &header);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, 2, "{xml}");
    // Each failure names where the page shows it, and the suite ends with the last line.
    assert!(
        xml.contains("See review/review.html#file-figures-a"),
        "{xml}"
    );
    assert!(xml.contains("logreg-report review --accept"), "{xml}");
    header.accepted = true;
    let accepted = junit::xml(&review, &header);
    let doc = roxmltree::Document::parse(&accepted).unwrap();
    assert!(!doc.descendants().any(|n| n.has_tag_name("failure")));
}

#[test]
fn the_page_and_its_record_render_for_an_empty_review() {
    let review = Review {
        parameters: Vec::new(),
        files: vec![file("results.json", Verdict::Identical, true)],
        figures: Vec::new(),
        numbers: Some(Default::default()),
        page_text: None,
        images: Vec::new(),
        texts: Vec::new(),
        tolerances: Tolerances::default(),
    };
    let artifacts = page::artifacts(&review, &Header::default()).unwrap();
    let files = crate::output::artifact::materialise(&artifacts).unwrap();
    let html = String::from_utf8(files[0].1.clone()).unwrap();
    assert!(html.contains("Content-Security-Policy"));
    assert!(
        html.contains("Nothing to do: every file of the baseline (1)"),
        "{html}"
    );
    let record: serde_json::Value = serde_json::from_slice(&files[1].1).unwrap();
    assert_eq!(record["state"], "identical");
    assert_eq!(record["baseline_stale"], false);
    assert_eq!(record["tool"], "logreg-report");
    assert!(record["artifacts"]["review.html"].is_string());
    // The record marks the folder as a review folder of this tool.
    assert!(crate::output::Manifest::parse_kind(&files[1].1, crate::output::Kind::Review).is_ok());
}
