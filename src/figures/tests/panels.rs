//! Figure 9 panel by panel: the same drawing as the whole figure, moved, with ids of its own.

use std::collections::BTreeSet;

use roxmltree::Document;

use super::*;

/// The panel's points, contour labels and plot area, relative to the plot area's corner.
fn contents(scope: Node<'_, '_>) -> (Vec<String>, Vec<String>, (f64, f64)) {
    let (left, top, width, height, _, _) = plot_area(scope);
    let moved = |x: f64, y: f64| format!("{:.1},{:.1}", x - left, y - top);
    let points = find_all(scope, "points")
        .iter()
        .flat_map(|g| g.children().filter(|n| n.is_element()))
        .map(
            |n| match (n.attribute("cx"), n.attribute("cy"), n.attribute("d")) {
                (Some(x), Some(y), _) => moved(x.parse().expect("x"), y.parse().expect("y")),
                // A square: "M x y h…".
                (_, _, Some(d)) => {
                    let corner: Vec<f64> = d[1..]
                        .split(['h', ' '])
                        .take(2)
                        .map(|v| v.parse().expect("a number"))
                        .collect();
                    moved(corner[0], corner[1])
                }
                _ => panic!("a marker without a position"),
            },
        )
        .collect();
    let labels = find_all(scope, "contour-label")
        .iter()
        .map(parse_label)
        .map(|l| format!("{} {}", l.text, moved(l.centre.0, l.centre.1)))
        .collect();
    (points, labels, (width, height))
}

#[test]
fn each_panel_on_its_own_is_the_panel_of_the_whole_figure() {
    let nine = figure(FigureId::RegVsNo);
    let panels = nine.panels.as_ref().expect("figure 9 has panels");
    let whole = Document::parse(&nine.svg).expect("parses");
    let scopes = scopes(&whole);
    assert_eq!(panels.svgs.len(), default_study().separable_fits.len());
    assert_eq!(panels.svgs.len(), scopes.len());
    for (k, (svg, scope)) in panels.svgs.iter().zip(scopes).enumerate() {
        let doc = Document::parse(svg).expect("a panel parses");
        let own = super::scopes(&doc);
        assert_eq!(own.len(), 1, "panel {k}");
        assert_eq!(contents(own[0]), contents(scope), "panel {k}");
        let lambda = default_study().separable_fits[k].lambda;
        let title = doc
            .root_element()
            .children()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .expect("a title");
        assert!(title.contains(&format!("λ = {lambda}")), "{title}");
    }
    // No subsample at the default N: nothing to say under the panels.
    assert_eq!(panels.note, None);
    assert!(figure(FigureId::Fuzzy).panels.is_none());
}

#[test]
fn ids_are_unique_across_the_figures_and_panels_a_page_inlines() {
    let mut seen = BTreeSet::new();
    let mut documents: Vec<&str> = default_figures().iter().map(|f| f.svg.as_str()).collect();
    let panels = figure(FigureId::RegVsNo).panels.as_ref().expect("panels");
    documents.extend(panels.svgs.iter().map(String::as_str));
    for svg in documents {
        let doc = Document::parse(svg).expect("parses");
        for id in doc.descendants().filter_map(|n| n.attribute("id")) {
            assert!(seen.insert(id.to_string()), "id {id} twice");
        }
        // The root names its own title and description, in that order.
        let root = doc.root_element();
        assert_eq!(root.attribute("role"), Some("img"));
        let named: Vec<&str> = root
            .attribute("aria-labelledby")
            .expect("aria-labelledby")
            .split_whitespace()
            .collect();
        let of = |tag: &str| {
            root.children()
                .find(|n| n.has_tag_name(tag))
                .and_then(|n| n.attribute("id"))
        };
        assert_eq!(
            named,
            [of("title"), of("desc")].map(Option::unwrap_or_default)
        );
    }
}

#[test]
fn a_subsample_note_goes_with_the_panels() {
    let study = study_with(3, 2_000);
    let figures = render_all(&study).expect("figures render");
    let figure = &figures[FigureId::RegVsNo as usize];
    let note = figure
        .panels
        .as_ref()
        .and_then(|p| p.note.clone())
        .expect("a note at N = 2000");
    assert!(note.starts_with("showing "), "{note}");
    assert!(figure.svg.contains(&escape(&note)), "{note}");
}
