//! The picture layer of a review: a figure whose bytes changed is drawn from both SVGs by the
//! pinned renderer at one fixed scale, and the two images are compared pixel by pixel
//! (matplotlib's RMS, pixelmatch-style count of real changes). Images go on the review page as
//! PNG data URIs: baseline, run and the difference.

use base64::Engine;

use crate::raster::{self, CompareOptions, Comparison, Image, PixelStats, Renderer};

/// Figures are drawn at one pixel per SVG unit: the size the report shows them at, and the
/// same for every review, so that RMS and pixel counts mean the same from one run to the next.
pub const SCALE: f32 = 1.0;

/// What the pixels of a changed figure show.
#[derive(Clone, Debug, PartialEq)]
pub enum Look {
    /// Both sides drawn and compared.
    Compared(PixelStats),
    /// The two drawings differ in size, so no pixel is compared.
    SizeMismatch {
        /// Width and height of the baseline's drawing.
        baseline: (u32, u32),
        /// Width and height of the run's.
        candidate: (u32, u32),
    },
    /// Only one side has the figure.
    OneSide,
    /// A side could not be drawn (why).
    Unreadable(String),
}

/// PNG images as `data:` URIs, for the review page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Images {
    /// The baseline's figure.
    pub baseline: Option<String>,
    /// The run's figure.
    pub candidate: Option<String>,
    /// Real changes in red, anti-aliasing in yellow, over the baseline in faded grey.
    pub diff: Option<String>,
}

/// A changed figure's pixels and images.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    /// What the comparison found.
    pub look: Look,
    /// What the page shows.
    pub images: Images,
    /// Width and height of the drawing (the run's, else the baseline's).
    pub size: Option<(u32, u32)>,
}

/// Draws and compares a figure whose bytes are not identical: `baseline` is the baseline's
/// SVG (None when it has none, Err when it could not be read), `candidate` the run's.
pub fn picture(
    renderer: &Renderer,
    baseline: Option<Result<&[u8], String>>,
    candidate: Option<&[u8]>,
    options: &CompareOptions,
) -> Picture {
    let draw = |svg: &[u8]| -> Result<Image, String> {
        let text = std::str::from_utf8(svg).map_err(|_| "the SVG is not UTF-8 text".to_string())?;
        renderer.render(text, SCALE).map_err(|e| e.to_string())
    };
    let (old, new) = rayon::join(
        || baseline.map(|b| b.and_then(draw)),
        || candidate.map(draw),
    );
    let unreadable = match (&old, &new) {
        (Some(Err(why)), _) => Some(format!("the baseline's figure: {why}")),
        (_, Some(Err(why))) => Some(format!("the run's figure: {why}")),
        _ => None,
    };
    let (old, new) = (old.and_then(Result::ok), new.and_then(Result::ok));
    let size = new
        .as_ref()
        .or(old.as_ref())
        .map(|image| (image.width(), image.height()));
    let look = match (&old, &new, unreadable) {
        (_, _, Some(why)) => Look::Unreadable(why),
        (Some(a), Some(b), None) => match raster::compare(a, b, options) {
            Comparison::Pixels(stats) => Look::Compared(stats),
            Comparison::SizeMismatch { expected, actual } => Look::SizeMismatch {
                baseline: expected,
                candidate: actual,
            },
        },
        _ => Look::OneSide,
    };
    // Pixels that are all the same need no pictures: the page lists the figure by name.
    if let Look::Compared(stats) = &look
        && stats.changed == 0
    {
        return Picture {
            look,
            images: Images::default(),
            size,
        };
    }
    let diff = match (&old, &new, &look) {
        (Some(a), Some(b), Look::Compared(_)) => raster::diff_image(a, b, options).ok(),
        _ => None,
    };
    let ((baseline, candidate), diff) = rayon::join(
        || {
            rayon::join(
                || old.as_ref().and_then(data_uri),
                || new.as_ref().and_then(data_uri),
            )
        },
        || diff.as_ref().and_then(data_uri),
    );
    Picture {
        look,
        images: Images {
            baseline,
            candidate,
            diff,
        },
        size,
    }
}

/// The image as a `data:image/png;base64,…` URI; None if it cannot be encoded.
fn data_uri(image: &Image) -> Option<String> {
    let png = image.encode_png().ok()?;
    let mut uri = String::from("data:image/png;base64,");
    base64::engine::general_purpose::STANDARD.encode_string(png, &mut uri);
    Some(uri)
}
