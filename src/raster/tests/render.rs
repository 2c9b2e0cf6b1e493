//! Tests of the renderer: the bundled font, scale, limits, refusals and PNG bytes.

use super::{figure_like, filled, is_white, render, renderer, svg};
use crate::raster::*;

#[test]
fn both_bundled_faces_load_and_differ() {
    let r = renderer();
    assert_eq!(r.fonts.len(), 2);
    assert_ne!(r.regular, r.bold);
    for id in [r.regular, r.bold] {
        let face = r.fonts.face(id).expect("loaded face");
        assert_eq!(face.families[0].0, FONT_FAMILY);
    }
}

#[test]
fn the_same_svg_gives_the_same_pixels_and_png_bytes() {
    let first = render(&figure_like());
    let second = Renderer::new()
        .render(&figure_like(), 1.0)
        .expect("renders");
    assert_eq!((first.width(), first.height()), (460, 440));
    assert!(first == second, "pixels differ between two renders");
    let png = first.encode_png().expect("encodes");
    assert_eq!(png, second.encode_png().expect("encodes"));
    assert_eq!(Image::decode_png(&png).expect("decodes"), first);
}

#[test]
fn every_pixel_is_opaque_even_without_a_background() {
    let bare = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"8\" height=\"8\">\
                <rect x=\"2\" y=\"2\" width=\"4\" height=\"4\" fill=\"#000\" opacity=\"0.5\"/></svg>";
    let image = render(bare);
    assert!(image.rgba().chunks_exact(4).all(|p| p[3] == 255));
    assert!(is_white(image.pixel(0, 0).expect("inside")));
    let grey = image.pixel(3, 3).expect("inside");
    assert!(
        (120..=136).contains(&grey[0]),
        "half black over white: {grey:?}"
    );
}

#[test]
fn text_draws_ink_where_it_stands_and_nowhere_else() {
    let image = render(&svg(
        120,
        40,
        "<text x=\"10\" y=\"28\" font-family=\"sans-serif\" font-size=\"20\">Wσλ−²</text>",
    ));
    let dark = |x0: u32, x1: u32, y0: u32, y1: u32| {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (x, y)))
            .filter(|&(x, y)| image.pixel(x, y).is_some_and(|p| p[0] < 128))
            .count()
    };
    assert!(
        dark(10, 90, 8, 30) > 60,
        "too little ink inside the text box"
    );
    assert_eq!(dark(0, 120, 32, 40), 0, "ink below the baseline box");
    assert_eq!(dark(100, 120, 0, 40), 0, "ink right of the text");
}

#[test]
fn every_family_name_is_dejavu_sans_and_bold_is_bold() {
    let text = |attrs: &str| {
        render(&svg(
            100,
            30,
            &format!("<text x=\"4\" y=\"20\" font-size=\"16\" {attrs}>Loss λ</text>"),
        ))
    };
    let sans = text("font-family=\"sans-serif\"");
    for family in ["serif", "monospace", "No Such Font", "Arial, Helvetica"] {
        assert!(
            text(&format!("font-family=\"{family}\"")) == sans,
            "{family} is not drawn as DejaVu Sans"
        );
    }
    assert!(text("") == sans, "the default family is not DejaVu Sans");
    let ink = |image: &Image| {
        image
            .rgba()
            .iter()
            .map(|&v| u64::from(255 - v))
            .sum::<u64>()
    };
    let bold = text("font-family=\"sans-serif\" font-weight=\"bold\"");
    assert!(ink(&bold) > ink(&sans) * 11 / 10, "bold is not bolder");
}

#[test]
fn a_character_no_bundled_font_has_is_an_error() {
    // U+E000 is a private-use code point: DejaVu has no glyph, and usvg would draw a box.
    for family in ["sans-serif", "No Such Font"] {
        let result = renderer().render(
            &svg(
                80,
                30,
                &format!(
                    "<text x=\"4\" y=\"20\" font-family=\"{family}\">ok</text>\
                     <text x=\"40\" y=\"20\" font-family=\"{family}\">a\u{E000}b</text>"
                ),
            ),
            1.0,
        );
        assert_eq!(
            result,
            Err(RasterError::MissingGlyphs {
                text: "a\u{E000}b".into()
            })
        );
    }
    let error = renderer()
        .render(&svg(40, 30, "<text y=\"20\">中</text>"), 1.0)
        .expect_err("DejaVu Sans has no CJK ideographs");
    assert!(error.to_string().contains("no glyphs"), "{error}");
}

#[test]
fn a_missing_glyph_is_drawn_as_a_box_so_only_the_resolvers_record_sees_it() {
    let doc = svg(40, 30, "<text x=\"24\" y=\"20\">a\u{E000}</text>");
    let unmatched = std::sync::Mutex::new(Vec::new());
    let tree = resvg::usvg::Tree::from_str(&doc, &renderer().options(&unmatched)).expect("parses");
    let unmatched = unmatched.into_inner().expect("not poisoned");
    assert_eq!(unmatched, ['\u{E000}']);
    // The text is in the tree with outlines, a .notdef box left of the "a": a walk that only
    // looks for texts without outlines would let it through.
    assert_eq!(check_content(tree.root(), &[]), Ok(()));
    let mut pixmap = resvg::tiny_skia::Pixmap::new(40, 30).expect("small");
    resvg::render(&tree, Default::default(), &mut pixmap.as_mut());
    let inked = |x0: usize, x1: usize| {
        pixmap
            .data()
            .chunks_exact(4)
            .enumerate()
            .any(|(i, p)| (x0..x1).contains(&(i % 40)) && p[3] > 128 && p[0] < 128)
    };
    assert!(inked(24, 31), "no 'a'");
    assert!(inked(32, 40), "no box");
    assert_eq!(
        check_content(tree.root(), &unmatched),
        Err(RasterError::MissingGlyphs {
            text: "a\u{E000}".into()
        })
    );
}

#[test]
fn embedded_images_of_any_kind_are_refused_before_parsing() {
    use base64::Engine;
    let png = filled(1, 1, [0; 3]).encode_png().expect("encodes");
    let png = base64::engine::general_purpose::STANDARD.encode(png);
    let inner = base64::engine::general_purpose::STANDARD.encode(svg(20, 20, "<text>x</text>"));
    for href in [
        format!("data:image/png;base64,{png}"),
        format!("data:image/svg+xml;base64,{inner}"),
    ] {
        let doc = svg(
            20,
            20,
            &format!("<image width=\"10\" height=\"10\" href=\"{href}\"/>"),
        );
        assert_eq!(
            renderer().render(&doc, 1.0),
            Err(RasterError::Unsupported("a <image> element".into()))
        );
    }
}

#[test]
fn invisible_or_blank_text_is_not_missing_glyphs() {
    // U+2800 (Braille pattern blank) has a glyph in DejaVu, an empty one.
    let image = render(&svg(
        60,
        30,
        "<text x=\"4\" y=\"20\" fill=\"none\">hidden</text>\
         <text x=\"4\" y=\"20\" visibility=\"hidden\">hidden</text>\
         <text x=\"4\" y=\"20\">   </text><text x=\"4\" y=\"20\">\u{200B}</text>\
         <text x=\"4\" y=\"20\">\u{2800}</text>",
    ));
    assert!(image.rgba().iter().all(|&v| v == 255));
}

#[test]
fn broken_svg_is_a_parse_error_with_usvgs_message() {
    let whole = figure_like();
    for broken in [
        &whole[..whole.len() / 2],
        "",
        "not svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"0\" height=\"10\"/>",
    ] {
        match renderer().render(broken, 1.0) {
            Err(RasterError::Parse(message)) => assert!(!message.is_empty()),
            other => panic!("{broken:?} gave {other:?}"),
        }
    }
}

#[test]
fn scale_multiplies_the_size_and_bad_scales_or_huge_images_are_refused() {
    let doc = svg(30, 20, "");
    let big = renderer().render(&doc, 2.5).expect("renders");
    assert_eq!((big.width(), big.height()), (75, 50));
    for scale in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        assert!(matches!(
            renderer().render(&doc, scale),
            Err(RasterError::InvalidScale(_))
        ));
    }
    assert_eq!(
        renderer().render(&svg(100_000, 100_000, ""), 1.0),
        Err(RasterError::TooLarge {
            width: 100_000,
            height: 100_000
        })
    );
    assert!(matches!(
        renderer().render(&doc, 3e4),
        Err(RasterError::TooLarge { .. })
    ));
}

#[test]
fn every_figure_of_a_small_report_renders() {
    let study = crate::study::run(&crate::study::StudyConfig {
        n: 40,
        ..crate::study::StudyConfig::default()
    })
    .expect("study runs");
    for figure in crate::figures::render_all(&study).expect("figures draw") {
        let image = renderer()
            .render(&figure.svg, 1.0)
            .unwrap_or_else(|e| panic!("{}: {e}", figure.file_name));
        let dark = image.rgba().chunks_exact(4).filter(|p| p[0] < 100).count();
        assert!(dark > 1000, "{} is nearly blank", figure.file_name);
    }
}

// ---- images and PNG ----

#[test]
fn rgba_buffers_are_checked_and_composited_onto_white() {
    assert_eq!(
        Image::from_rgba(2, 2, vec![0; 15]),
        Err(RasterError::BufferSize {
            width: 2,
            height: 2,
            len: 15
        })
    );
    let image = Image::from_rgba(2, 1, vec![0, 0, 0, 0, 200, 100, 0, 128]).expect("valid");
    assert_eq!(image.pixel(0, 0), Some([255, 255, 255, 255]));
    assert_eq!(image.pixel(1, 0), Some([227, 177, 127, 255]));
    assert_eq!(image.pixel(2, 0), None);
}

#[test]
fn png_round_trips_and_rejects_garbage() {
    let image = Image::from_rgba(
        3,
        2,
        (0..24)
            .map(|v| if v % 4 == 3 { 255 } else { v * 10 })
            .collect(),
    )
    .expect("valid");
    let png = image.encode_png().expect("encodes");
    assert_eq!(Image::decode_png(&png).expect("decodes"), image);
    assert!(matches!(
        Image::decode_png(&png[..png.len() / 2]),
        Err(RasterError::Png(_))
    ));
    assert!(matches!(
        Image::decode_png(b"GIF89a"),
        Err(RasterError::Png(_))
    ));
}
