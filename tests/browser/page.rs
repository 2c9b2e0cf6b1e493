//! What a page showed: the window it was opened in, and the report of the DevTools client
//! and the page check (`check.js`) together.

use serde_json::Value;

/// The window a page is opened in.
#[derive(Clone, Copy, Debug)]
pub struct View {
    /// Width in CSS pixels.
    pub width: u32,
    /// Emulate a phone (touch, overlay scroll bars, the viewport `<meta>` honoured).
    pub mobile: bool,
    /// Emulate `prefers-color-scheme: dark`.
    pub dark: bool,
}

/// What loading a page in Chromium showed.
#[derive(Debug, Default)]
pub struct PageReport {
    /// URLs the page tried to fetch outside the site, other than data:/about:/blob: URLs.
    pub external_requests: Vec<String>,
    /// console.error/console.assert, uncaught exceptions and browser log entries of level error.
    pub console_errors: Vec<String>,
    /// The page's address once it settled (after any redirect).
    pub location: String,
    /// The document's title.
    pub title: String,
    /// Rendered `<svg>` elements (those inside defs, symbol, clipPath, mask, pattern or
    /// marker are templates, never laid out, so they are not counted).
    pub svg_count: usize,
    /// Rendered `<svg>` elements at zero size.
    pub zero_svgs: Vec<String>,
    /// `<math>` elements.
    pub math_count: usize,
    /// `<math>` elements at zero size.
    pub zero_maths: Vec<String>,
    /// `<math>` elements the browser did not parse as MathML.
    pub not_mathml: usize,
    /// The smallest text of any inline SVG in CSS pixels, and where it is.
    pub min_text_px: Option<f64>,
    /// The figure and text of the smallest text.
    pub min_text_at: String,
    /// Elements whose content scrolls (or is clipped) inside them.
    pub scrollers: Vec<String>,
    /// The document's width and the window's: a wider document scrolls sideways.
    pub page_width: u64,
    /// The window's width in CSS pixels.
    pub viewport_width: u64,
    /// The body's background colour, RGB.
    pub body_background: Vec<f64>,
    /// Each outermost inline SVG's background colour, RGB.
    pub figure_backgrounds: Vec<Vec<f64>>,
    /// Every link's absolute address, in-page anchors and data: URLs left out.
    pub links: Vec<String>,
    /// `<img>` elements.
    pub img_count: usize,
    /// `<img>` elements that did not load or decode (no natural size).
    pub broken_imgs: Vec<String>,
}

impl PageReport {
    /// The check script's answer as a report (without the requests and console errors,
    /// which the client records).
    pub fn from_check(v: &Value) -> Result<PageReport, String> {
        let strings = |key: &str| -> Vec<String> {
            v[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        };
        let count = |key: &str| {
            v[key]
                .as_u64()
                .ok_or_else(|| format!("check script returned {v}"))
        };
        let rgb = |colour: &Value| -> Vec<f64> {
            colour
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_f64)
                .collect()
        };
        let text = |key: &str| v[key].as_str().unwrap_or_default().to_owned();
        Ok(PageReport {
            location: text("location"),
            title: text("title"),
            svg_count: count("svg_count")? as usize,
            math_count: count("math_count")? as usize,
            not_mathml: count("not_mathml")? as usize,
            zero_svgs: strings("zero_svgs"),
            zero_maths: strings("zero_maths"),
            min_text_px: v["min_text_px"].as_f64(),
            min_text_at: text("min_text_at"),
            scrollers: strings("scrollers"),
            page_width: count("page_width")?,
            viewport_width: count("viewport_width")?,
            body_background: rgb(&v["body_background"]),
            figure_backgrounds: v["figure_backgrounds"]
                .as_array()
                .into_iter()
                .flatten()
                .map(rgb)
                .collect(),
            links: strings("links"),
            img_count: count("img_count")? as usize,
            broken_imgs: strings("broken_imgs"),
            ..PageReport::default()
        })
    }
}
