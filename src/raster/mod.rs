//! Pixels from the figures: a pinned SVG renderer (resvg with only the bundled DejaVu Sans), PNG
//! bytes, and the pixel comparison a visual review needs (matplotlib's RMS and a
//! pixelmatch-style perceptual count that tells anti-aliasing from real change).
//!
//! ```
//! use logreg_report::raster::{CompareOptions, Renderer, compare};
//!
//! let renderer = Renderer::new();
//! let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20">
//!     <text x="2" y="15" font-family="sans-serif" font-size="12">σ = 0.5</text></svg>"#;
//! let baseline = renderer.render(svg, 1.0)?;
//! let candidate = renderer.render(svg, 1.0)?;
//! let stats = compare(&baseline, &candidate, &CompareOptions::default());
//! assert_eq!(stats.pixels().map(|p| p.differing), Some(0));
//! assert!(baseline.encode_png()?.starts_with(b"\x89PNG"));
//! # Ok::<(), logreg_report::raster::RasterError>(())
//! ```

mod compare;
mod error;
mod guard;
mod image;

#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex, PoisonError};

use resvg::tiny_skia;
use resvg::usvg::{self, fontdb};

pub use compare::{
    AA_COLOUR, CompareOptions, Comparison, DIFF_COLOUR, PixelStats, compare, diff_image,
};
pub use error::{MAX_DEPTH, MAX_ELEMENTS, MAX_PAINTED, MAX_PIXELS, MAX_SVG_BYTES, RasterError};
pub use image::Image;

/// The family every text is drawn in, whatever family the SVG names.
pub const FONT_FAMILY: &str = "DejaVu Sans";

/// The pinned SVG renderer: builds its font database once, from the bundled DejaVu Sans only,
/// so the same SVG gives the same pixels on every machine.
///
/// `Renderer` is `Send + Sync` and [`Renderer::render`] takes `&self`: one renderer can serve
/// every thread (the font data is shared, read-only, behind an `Arc`).
#[derive(Clone, Debug)]
pub struct Renderer {
    fonts: Arc<fontdb::Database>,
    regular: fontdb::ID,
    bold: fontdb::ID,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    /// A renderer whose only fonts are DejaVu Sans regular and bold; `sans-serif`, `serif`,
    /// `monospace`, the other generic families and every named family resolve to them.
    pub fn new() -> Self {
        let mut fonts = fontdb::Database::new();
        // Borrowing the fonts from the binary's read-only data avoids a 1.4 MB copy.
        let regular = load_static(&mut fonts, dejavu::sans::regular());
        let bold = load_static(&mut fonts, dejavu::sans::bold());
        fonts.set_sans_serif_family(FONT_FAMILY);
        fonts.set_serif_family(FONT_FAMILY);
        fonts.set_monospace_family(FONT_FAMILY);
        fonts.set_cursive_family(FONT_FAMILY);
        fonts.set_fantasy_family(FONT_FAMILY);
        // The bundled faces always parse (a test checks), so the dummy ids are never used.
        Renderer {
            fonts: Arc::new(fonts),
            regular: regular.unwrap_or(fontdb::ID::dummy()),
            bold: bold.or(regular).unwrap_or(fontdb::ID::dummy()),
        }
    }

    /// Draws `svg` at `scale` times its own size (rounded up to whole pixels) onto opaque white.
    ///
    /// Fails on a document usvg cannot parse, on text the bundled font has no glyphs for (it
    /// would otherwise come out as boxes or not at all), on embedded raster images (they
    /// would be left out), on a bad scale, on images over [`MAX_PIXELS`], and on documents
    /// past the other limits (see [`MAX_SVG_BYTES`], [`MAX_DEPTH`], [`MAX_ELEMENTS`],
    /// [`MAX_PAINTED`]).
    pub fn render(&self, svg: &str, scale: f32) -> Result<Image, RasterError> {
        if !(scale.is_finite() && scale > 0.0) {
            return Err(RasterError::InvalidScale(scale));
        }
        guard::before_parsing(svg)?;
        let unmatched = Mutex::new(Vec::new());
        let tree = usvg::Tree::from_str(svg, &self.options(&unmatched))
            .map_err(|e| RasterError::Parse(e.to_string()))?;
        let unmatched = unmatched
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        check_content(tree.root(), &unmatched)?;

        let size = tree.size();
        let width = (f64::from(size.width()) * f64::from(scale)).ceil();
        let height = (f64::from(size.height()) * f64::from(scale)).ceil();
        let too_large = || RasterError::TooLarge {
            width: width as u64,
            height: height as u64,
        };
        if width * height > MAX_PIXELS as f64 {
            return Err(too_large());
        }
        guard::paint_cost(tree.root(), f64::from(scale), width, height)?;
        let mut pixmap =
            tiny_skia::Pixmap::new(width as u32, height as u32).ok_or_else(too_large)?;
        // Compositing onto opaque white makes every pixel opaque, so premultiplied and straight
        // alpha coincide and the buffer can be handed out as plain RGBA.
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(scale, scale),
            &mut pixmap.as_mut(),
        );
        Image::from_opaque(pixmap.width(), pixmap.height(), pixmap.take())
    }

    /// usvg options for one render. The resolvers record characters no font can supply into
    /// `unmatched`, which is why options are built per call rather than kept in `self`.
    fn options<'a>(&'a self, unmatched: &'a Mutex<Vec<char>>) -> usvg::Options<'a> {
        let (regular, bold) = (self.regular, self.bold);
        let faces = [regular, bold];
        usvg::Options {
            font_family: FONT_FAMILY.into(),
            fontdb: Arc::clone(&self.fonts),
            font_resolver: usvg::FontResolver {
                // Every family is DejaVu Sans; only the weight picks the face (CSS matching
                // rounds weights above 500 up to bold). There are no italic faces: italics
                // come out upright rather than from another machine's fonts.
                select_font: Box::new(move |font, _| {
                    Some(if font.weight() > 500 { bold } else { regular })
                }),
                select_fallback: Box::new(move |c, used, fonts| {
                    let other = faces
                        .into_iter()
                        .find(|id| !used.contains(id) && has_glyph(fonts, *id, c));
                    if other.is_none() {
                        unmatched
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .push(c);
                    }
                    other
                }),
            },
            // Hrefs to files would make the pixels depend on the working directory; data URLs
            // still work.
            image_href_resolver: usvg::ImageHrefResolver {
                resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
                resolve_string: Box::new(|_, _| None),
            },
            ..usvg::Options::default()
        }
    }
}

fn has_glyph(fonts: &fontdb::Database, id: fontdb::ID, c: char) -> bool {
    fonts
        .with_face_data(id, |data, index| {
            ttf_parser::Face::parse(data, index)
                .ok()
                .and_then(|face| face.glyph_index(c))
                .is_some()
        })
        .unwrap_or(false)
}

fn load_static(fonts: &mut fontdb::Database, data: &'static [u8]) -> Option<fontdb::ID> {
    fonts
        .load_font_source(fontdb::Source::Binary(Arc::new(data)))
        .first()
        .copied()
}

/// Fails where the pixels would silently lack something the SVG asks for: a text one of
/// whose characters had no glyph in any face (`unmatched`, recorded while usvg shaped it;
/// usvg draws a .notdef box or, when nothing of the text has outlines, drops the element), a
/// text with characters that draw ink, paint and visibility that yet has no outlines, or an
/// embedded PNG/JPEG/GIF/WebP (resvg is built without raster-image decoders and would skip
/// it).
///
/// usvg 0.45 drops every text without outlines, so the outline check cannot fire today; it
/// stays as the guard the record cannot replace should a later usvg keep such texts.
fn check_content(root: &usvg::Group, unmatched: &[char]) -> Result<(), RasterError> {
    let mut found = None;
    let mut seen_unmatched = false;
    walk(root, &mut |node| {
        if found.is_some() {
            return;
        }
        match node {
            usvg::Node::Text(text) => {
                let content: String = text.chunks().iter().map(|c| c.text()).collect();
                let lacks_glyph = content.chars().any(|c| unmatched.contains(&c));
                seen_unmatched |= lacks_glyph;
                let no_outlines = || paints_ink(text) && !text.flattened().has_children();
                found = (lacks_glyph || no_outlines())
                    .then_some(RasterError::MissingGlyphs { text: content });
            }
            usvg::Node::Image(image) if !matches!(image.kind(), usvg::ImageKind::SVG(_)) => {
                found = Some(RasterError::RasterImage);
            }
            _ => {}
        }
    });
    match found {
        Some(error) => Err(error),
        // usvg drops a text element whose layout came out empty, so its characters are only in
        // the resolver's record.
        None if !unmatched.is_empty() && !seen_unmatched => Err(RasterError::MissingGlyphs {
            text: unmatched.iter().collect(),
        }),
        None => Ok(()),
    }
}

/// Calls `f` on every node, including those inside clip paths, masks, patterns and nested SVG
/// images, but not on the outlines a text was turned into.
fn walk(group: &usvg::Group, f: &mut dyn FnMut(&usvg::Node)) {
    for node in group.children() {
        f(node);
        match node {
            usvg::Node::Group(inner) => walk(inner, f),
            usvg::Node::Text(_) => continue,
            usvg::Node::Path(_) | usvg::Node::Image(_) => {}
        }
        node.subroots(|sub| walk(sub, f));
    }
}

/// Whether some visible, filled or stroked span of `text` has a character that draws ink.
fn paints_ink(text: &usvg::Text) -> bool {
    text.chunks().iter().any(|chunk| {
        chunk.spans().iter().any(|span| {
            span.is_visible()
                && (span.fill().is_some() || span.stroke().is_some())
                && chunk
                    .text()
                    .get(span.start()..span.end())
                    .is_some_and(|s| s.chars().any(draws_ink))
        })
    })
}

/// Whether a character has a visible glyph: not white space, not a control character, and
/// not one of the invisible format characters (zero-width spaces and joiners, direction
/// marks, soft hyphen, variation selectors, byte-order mark).
fn draws_ink(c: char) -> bool {
    !(c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{E0000}'..='\u{E0FFF}'
        ))
}
