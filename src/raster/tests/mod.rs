//! The raster module's tests: helpers here, rendering and PNG in `render`, comparison in
//! `compare`.

use std::sync::OnceLock;

use super::*;

mod compare;
mod render;

/// One renderer for all tests, as the program would share it.
fn renderer() -> &'static Renderer {
    static RENDERER: OnceLock<Renderer> = OnceLock::new();
    RENDERER.get_or_init(Renderer::new)
}

fn svg(width: u32, height: u32, body: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>{body}</svg>"
    )
}

fn render(svg: &str) -> Image {
    renderer().render(svg, 1.0).expect("renders")
}

/// A solid image.
fn filled(width: u32, height: u32, rgb: [u8; 3]) -> Image {
    let rgba = (0..width * height)
        .flat_map(|_| [rgb[0], rgb[1], rgb[2], 255])
        .collect();
    Image::from_rgba(width, height, rgba).expect("valid size")
}

fn is_white(p: [u8; 4]) -> bool {
    p == [255; 4]
}

/// Something like a figure: a frame, tick labels, a curve, points.
fn figure_like() -> String {
    let mut body = String::from(
        "<rect x=\"50\" y=\"40\" width=\"360\" height=\"360\" fill=\"none\" stroke=\"#000\"/>\
         <text x=\"230\" y=\"24\" font-family=\"sans-serif\" font-size=\"16\" \
         text-anchor=\"middle\">Fitted weights on the fuzzy data, λ = 0.1</text>\
         <path d=\"M50 380 C150 380 250 60 410 60\" fill=\"none\" stroke=\"#0072B2\" \
         stroke-width=\"2\"/>",
    );
    for i in 0..40 {
        let (x, y) = (60 + (i * 37) % 340, 50 + (i * 53) % 340);
        body.push_str(&format!(
            "<circle cx=\"{x}.5\" cy=\"{y}.3\" r=\"3\" fill=\"#E69F00\"/>\
             <text x=\"{x}\" y=\"420\" font-family=\"sans-serif\" font-size=\"12\">{i}</text>"
        ));
    }
    svg(460, 440, &body)
}
