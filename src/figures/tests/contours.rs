//! Contour lines and their labels, as drawn.

use roxmltree::Document;

use super::*;

#[test]
fn points_are_drawn_over_the_contours() {
    for id in [FigureId::BadFit, FigureId::FittedWeights, FigureId::RegVsNo] {
        let svg = &figure(id).svg;
        let lines = svg.find("class=\"contour-line\"").expect("lines");
        let dots = svg.find("class=\"points").expect("points");
        assert!(lines < dots, "{id:?}");
    }
}

#[test]
fn every_drawn_level_carries_a_label_naming_it() {
    for id in CONTOUR_FIGURES {
        let doc = Document::parse(&figure(id).svg).expect("parses");
        for scope in scopes(&doc) {
            let labels: Vec<Label> = find_all(scope, "contour-label")
                .iter()
                .map(parse_label)
                .collect();
            let lines = contour_lines(scope);
            assert!(!lines.is_empty(), "{id:?}");
            for (level, _) in lines {
                assert!(
                    labels
                        .iter()
                        .any(|l| l.level == level && l.text.parse::<f64>().ok() == Some(level)),
                    "{id:?}: level {level} has no label"
                );
            }
        }
    }
}

#[test]
fn labels_follow_their_line_read_upright_and_keep_apart() {
    for id in CONTOUR_FIGURES {
        let doc = Document::parse(&figure(id).svg).expect("parses");
        for scope in scopes(&doc) {
            let (x, y, width, height, _, _) = plot_area(scope);
            let lines = contour_lines(scope);
            let labels: Vec<Label> = find_all(scope, "contour-label")
                .iter()
                .map(parse_label)
                .collect();
            let rects: Vec<OrientedRect> = labels
                .iter()
                .map(|l| {
                    let (w, h) = label_half_size(&l.text);
                    OrientedRect::new(l.centre, l.angle, w, h)
                })
                .collect();
            for (label, rect) in labels.iter().zip(&rects) {
                assert!(
                    label.angle > -90.0 && label.angle <= 90.0,
                    "{}",
                    label.angle
                );
                for (cx, cy) in rect.corners() {
                    assert!(cx >= x && cx <= x + width && cy >= y && cy <= y + height);
                }
                // The direction of the nearest piece of the label's own line.
                let (_, direction) = lines
                    .iter()
                    .filter(|(level, _)| *level == label.level)
                    .flat_map(|(_, pieces)| pieces.iter())
                    .flat_map(|piece| piece.windows(2))
                    .map(|s| {
                        let d = distance_to_segment(label.centre, s[0], s[1]);
                        let angle = (s[1].1 - s[0].1).atan2(s[1].0 - s[0].0).to_degrees();
                        (d, angle)
                    })
                    .fold(
                        (f64::INFINITY, 0.0),
                        |best, c| if c.0 < best.0 { c } else { best },
                    );
                let mut difference = (upright(direction) - label.angle).abs();
                difference = difference.min(180.0 - difference);
                assert!(difference <= 10.0, "{id:?} {}: {difference}°", label.text);
            }
            for (i, a) in rects.iter().enumerate() {
                for b in &rects[i + 1..] {
                    assert!(!a.overlaps(b), "{id:?}: labels overlap");
                }
            }
        }
    }
}

#[test]
fn no_line_passes_under_a_label() {
    for id in CONTOUR_FIGURES {
        let doc = Document::parse(&figure(id).svg).expect("parses");
        for scope in scopes(&doc) {
            let lines = contour_lines(scope);
            for label in find_all(scope, "contour-label").iter().map(parse_label) {
                let (w, h) = label_half_size(&label.text);
                // Coordinates are written to a tenth of a pixel: allow for that rounding.
                let inner = OrientedRect::new(label.centre, label.angle, w - 0.3, h - 0.3);
                let segments = lines.iter().flat_map(|(level, pieces)| {
                    pieces
                        .iter()
                        .flat_map(|p| p.windows(2))
                        .map(move |s| (level, s))
                });
                for (level, segment) in segments {
                    assert!(
                        inner.clip_segment(segment[0], segment[1]).is_none(),
                        "{id:?}: a line of level {level} crosses label {}",
                        label.text
                    );
                }
            }
        }
    }
}

#[test]
fn the_panels_of_figure_9_share_their_axes() {
    let doc = Document::parse(&figure(FigureId::RegVsNo).svg).expect("parses");
    let areas: Vec<_> = scopes(&doc).into_iter().map(plot_area).collect();
    assert_eq!(areas.len(), default_study().separable_fits.len());
    for area in &areas {
        assert_eq!((area.2, area.3), (areas[0].2, areas[0].3));
        assert_eq!(area.4, "-5 5");
        assert_eq!(area.5, "-5 5");
    }
    let titles: Vec<_> = default_study()
        .separable_fits
        .iter()
        .map(|f| format!("λ = {}", f.lambda))
        .collect();
    for title in titles {
        assert!(figure(FigureId::RegVsNo).svg.contains(&title), "{title}");
    }
}

#[test]
fn contour_lines_are_drawn_where_the_study_put_them() {
    let frame = Frame {
        left: 0.0,
        top: 0.0,
        right: 1000.0,
        bottom: 1000.0,
        x: (-5.0, 5.0),
        y: (-5.0, 5.0),
    };
    let w = [0.5, 1.0, -0.7];
    let plane = crate::study::views::plane(w);
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\">{}</svg>",
        super::contour::labelled_contours(&frame, &plane, &[])
    );
    let doc = Document::parse(&svg).expect("well-formed");
    let lines = contour_lines(doc.root_element());
    assert_eq!(lines.len(), plane.lines.len());
    for (level, pieces) in lines {
        let logit = (level / (1.0 - level)).ln();
        for piece in &pieces {
            for &(px, py) in piece {
                let (x, y) = (-5.0 + px / 100.0, 5.0 - py / 100.0);
                let z = w[0] + w[1] * x + w[2] * y;
                // Pixels are written to 0.1 px: 0.001 in the plane.
                assert!((z - logit).abs() < 0.01, "level {level}: z {z}");
            }
        }
    }
}
