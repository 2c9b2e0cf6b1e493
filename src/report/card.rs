//! The social card: the image link previews show (Open Graph, Twitter), drawn from the
//! report's own title, its run's parameters and two of its figures by the pinned renderer
//! (bundled DejaVu Sans only), so that the same run gives the same PNG bytes everywhere.

use crate::markup::xml as escape;
use std::fmt::Write;

use super::error::ReportError;
use super::files::TITLE;
use super::site::{CARD_SIZE, parameters};
use crate::figures::{Figure, FigureId};
use crate::raster::Renderer;
use crate::study::Study;

/// The figures on the card, left to right: the colour map of σ and the fitted model over
/// the data, the two that say "logistic regression" at a glance.
const CARD_FIGURES: [FigureId; 2] = [FigureId::Sigmoid2d, FigureId::FittedWeights];
/// Height the figures are scaled to, and where their row starts.
const FIGURE_HEIGHT: f64 = 452.0;
const FIGURE_TOP: f64 = 156.0;
/// Space between the figures.
const GAP: f64 = 32.0;

/// The card as PNG bytes.
pub(super) fn social_card(study: &Study, figures: &[Figure]) -> Result<Vec<u8>, ReportError> {
    Renderer::new()
        .render(&card_svg(study, figures), 1.0)
        .and_then(|image| image.encode_png())
        .map_err(ReportError::SocialCard)
}

/// The card as SVG: title and parameters centred over the figures, which are nested as they
/// are (their element ids are already unique to each figure).
pub(super) fn card_svg(study: &Study, figures: &[Figure]) -> String {
    let (width, height) = CARD_SIZE;
    let chosen: Vec<(&str, f64, f64)> = CARD_FIGURES
        .iter()
        .filter_map(|id| figures.iter().find(|f| f.id == *id))
        .filter_map(|f| {
            let svg = &f.svg[f.svg.find("<svg")?..];
            let (w, h) = (size_of(svg, "width")?, size_of(svg, "height")?);
            (w > 0.0 && h > 0.0).then_some((svg, w, h))
        })
        .collect();
    let scaled = |w: f64, h: f64| w * FIGURE_HEIGHT / h;
    let row: f64 = chosen.iter().map(|&(_, w, h)| scaled(w, h)).sum::<f64>()
        + GAP * chosen.len().saturating_sub(1) as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\">\n\
         <rect width=\"{width}\" height=\"{height}\" fill=\"#eef2f6\"/>\n\
         <rect width=\"{width}\" height=\"10\" fill=\"#0a5a9c\"/>\n\
         <text x=\"{centre}\" y=\"84\" text-anchor=\"middle\" font-family=\"sans-serif\" \
         font-weight=\"bold\" font-size=\"46\" fill=\"#1b1b1b\">{title}</text>\n\
         <text x=\"{centre}\" y=\"128\" text-anchor=\"middle\" font-family=\"sans-serif\" \
         font-size=\"26\" fill=\"#444\">{parameters}</text>\n",
        centre = width / 2,
        title = escape(TITLE),
        parameters = escape(&parameters(study)),
    );
    let mut x = (f64::from(width) - row) / 2.0;
    for (svg, w, h) in chosen {
        let scale = FIGURE_HEIGHT / h;
        let _ = writeln!(
            out,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"#fff\" \
             stroke=\"#c8d0d8\" stroke-width=\"2\"/>\n\
             <g transform=\"translate({x:.1} {FIGURE_TOP}) scale({scale:.6})\">\n{}\n</g>",
            x - 1.0,
            FIGURE_TOP - 1.0,
            w * scale + 2.0,
            FIGURE_HEIGHT + 2.0,
            svg.trim_end()
        );
        x += scaled(w, h) + GAP;
    }
    out.push_str("</svg>\n");
    out
}

/// A number-valued attribute of an SVG's opening tag, e.g. its `width`.
fn size_of(svg: &str, name: &str) -> Option<f64> {
    let tag = &svg[..svg.find('>')?];
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[at..].split_once('"')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raster::Image;
    use crate::study::{self, StudyConfig};

    #[test]
    fn the_card_is_1200_by_630_the_same_every_time_and_small() {
        let study = study::run(&StudyConfig::default()).unwrap();
        let figures = crate::figures::render_all(&study).unwrap();
        let svg = card_svg(&study, &figures);
        // Both figures made it onto the card.
        assert_eq!(svg.matches("<svg").count(), 3, "{svg:.300}");
        let png = social_card(&study, &figures).unwrap();
        assert_eq!(png, social_card(&study, &figures).unwrap());
        let image = Image::decode_png(&png).unwrap();
        assert_eq!((image.width(), image.height()), CARD_SIZE);
        assert!(png.len() < 400 << 10, "{} bytes", png.len());
    }

    #[test]
    fn sizes_are_read_from_the_opening_tag() {
        let svg =
            "<svg width=\"428\" height=\"474.5\" viewBox=\"0 0 1 1\"><rect width=\"9\"/></svg>";
        assert_eq!(size_of(svg, "width"), Some(428.0));
        assert_eq!(size_of(svg, "height"), Some(474.5));
        assert_eq!(size_of(svg, "depth"), None);
    }
}
