//! Data points, their subsample, axes and legend, as drawn.

use roxmltree::Document;

use super::*;

#[test]
fn every_point_of_each_class_is_drawn_once() {
    let study = default_study();
    let cases = [
        (FigureId::Fuzzy, &study.fuzzy),
        (FigureId::BadFit, &study.fuzzy),
        (FigureId::FittedWeights, &study.fuzzy),
        (FigureId::LinSep, &study.separable),
        (FigureId::RegVsNo, &study.separable),
    ];
    for (id, data) in cases {
        let doc = Document::parse(&figure(id).svg).expect("parses");
        let a = data.count_class_a();
        let b = data.len() - a;
        let scopes = scopes(&doc);
        assert_eq!(scopes.len(), if id == FigureId::RegVsNo { 3 } else { 1 });
        for scope in scopes {
            for (class, expected) in [("class-a", a), ("class-b", b)] {
                let groups: Vec<_> = find_all(scope, class)
                    .into_iter()
                    .filter(|g| has_class(g, "points"))
                    .collect();
                assert_eq!(groups.len(), 1);
                let drawn = groups[0].children().filter(|n| n.is_element()).count();
                assert_eq!(drawn, expected, "{:?} {class}", id);
            }
        }
    }
}

#[test]
fn scatter_axes_are_square() {
    for id in [FigureId::Fuzzy, FigureId::LinSep, FigureId::BadFit] {
        let doc = Document::parse(&figure(id).svg).expect("parses");
        let (_, _, width, height, xr, yr) = plot_area(doc.root_element());
        assert!((width - height).abs() <= 1.0, "{id:?}: {width} × {height}");
        let span = |r: &str| {
            let v: Vec<f64> = r.split(' ').map(|t| t.parse().expect("number")).collect();
            v[1] - v[0]
        };
        assert!((span(&xr) - span(&yr)).abs() < 1e-9, "{id:?}");
    }
}

#[test]
fn the_legend_names_class_and_label_in_two_colours() {
    let svg = &figure(FigureId::Fuzzy).svg;
    assert!(svg.contains("class A (label 1)"));
    assert!(svg.contains("class B (label 0)"));
    assert!(svg.contains(style::CLASS_A_COLOUR) && svg.contains(style::CLASS_B_COLOUR));
}

#[test]
fn large_n_draws_a_stated_subsample_and_stays_small() {
    let study = study_with(5, 40_000);
    for figure in render_all(&study).expect("renders") {
        assert!(
            figure.svg.len() <= super::file_limit(&figure),
            "{}: {} bytes",
            figure.file_name,
            figure.svg.len()
        );
        let doc = Document::parse(&figure.svg).expect("parses");
        let groups = find_all(doc.root_element(), "points");
        if groups.is_empty() {
            continue;
        }
        let notes = find_all(doc.root_element(), "subsample-note");
        assert_eq!(notes.len(), 1, "{}", figure.file_name);
        let note = notes[0].text().unwrap_or_default();
        assert!(
            note.contains("of 20000 points of class A") && note.contains("class B"),
            "{note}"
        );
    }
}
