//! The picture layer of a review: a figure whose bytes changed is drawn from both SVGs by the
//! pinned renderer at one fixed scale (a raster image, the social card, is decoded from both
//! PNGs), and the two images are compared pixel by pixel (matplotlib's RMS, pixelmatch-style
//! count of real changes). The images are PNG bytes: the page shows them inline and links
//! files of them at full size.

use crate::raster::{self, CompareOptions, Comparison, Image, PixelStats, Renderer};

/// Figures are drawn at one pixel per SVG unit: the size the report shows them at, and the
/// same for every review, so that RMS and pixel counts mean the same from one run to the next.
pub const SCALE: f32 = 1.0;

/// The longest side of a thumbnail in the list of changed files, in pixels.
pub const THUMBNAIL: u32 = 96;

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

/// One image of the page: PNG bytes and the size they show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Png {
    /// The PNG file's bytes.
    pub bytes: Vec<u8>,
    /// Width and height in pixels.
    pub size: (u32, u32),
}

/// The images a changed figure is shown with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Images {
    /// The baseline's figure.
    pub baseline: Option<Png>,
    /// The run's figure.
    pub candidate: Option<Png>,
    /// Real changes in red, anti-aliasing in yellow, over the baseline in faded grey.
    pub diff: Option<Png>,
    /// A small copy of the run's figure (else the baseline's), for the list of files.
    pub thumbnail: Option<Png>,
}

/// A changed figure's pixels and images.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    /// What the comparison found.
    pub look: Look,
    /// What the page shows.
    pub images: Images,
    /// The same images cut into the figure's panels, left to right (figure 9's fits), for
    /// screens too narrow for the whole; empty for a figure of one panel.
    pub panels: Vec<Images>,
    /// Width and height of the drawing (the run's, else the baseline's).
    pub size: Option<(u32, u32)>,
    /// Whether its images were let go: a review keeps at most [`MAX_IMAGE_BYTES`] of images.
    pub withheld: bool,
}

/// The most bytes of PNG images a review keeps for its page, all figures together: the
/// default report's changed figures take a few megabytes; a baseline listing many large
/// figures gets its verdicts in full, and its images up to this.
pub const MAX_IMAGE_BYTES: usize = 32 << 20;

impl Picture {
    /// The bytes of every image it keeps.
    pub fn image_bytes(&self) -> usize {
        let of = |i: &Images| {
            [&i.baseline, &i.candidate, &i.diff, &i.thumbnail]
                .iter()
                .filter_map(|p| p.as_ref())
                .map(|p| p.bytes.len())
                .sum::<usize>()
        };
        of(&self.images) + self.panels.iter().map(of).sum::<usize>()
    }

    /// Lets its images go, keeping what the comparison found.
    pub fn withhold(&mut self) {
        self.images = Images::default();
        self.panels.clear();
        self.withheld = true;
    }
}

/// Where the panels of a drawing of some size lie in it: (x, y, width, height) each.
pub type PanelBoxes<'a> = &'a (dyn Fn((u32, u32)) -> Vec<(u32, u32, u32, u32)> + Sync);

/// Draws and compares a figure whose bytes are not identical: `baseline` is the baseline's
/// SVG (None when it has none, Err when it could not be read), `candidate` the run's.
pub fn picture(
    renderer: &Renderer,
    baseline: Option<Result<&[u8], String>>,
    candidate: Option<&[u8]>,
    options: &CompareOptions,
    panels: PanelBoxes<'_>,
) -> Picture {
    let draw = |svg: &[u8]| -> Result<Image, String> {
        let text = std::str::from_utf8(svg).map_err(|_| "the SVG is not UTF-8 text".to_string())?;
        renderer.render(text, SCALE).map_err(|e| e.to_string())
    };
    judge(baseline, candidate, draw, "figure", options, panels)
}

/// Decodes and compares a raster image (PNG) whose bytes are not identical, as [`picture`]
/// does for a figure.
pub fn raster_picture(
    baseline: Option<Result<&[u8], String>>,
    candidate: Option<&[u8]>,
    options: &CompareOptions,
) -> Picture {
    let decode = |png: &[u8]| Image::decode_png(png).map_err(|e| e.to_string());
    // No panels: a figure shown whole on every screen.
    judge(baseline, candidate, decode, "image", options, &|_| vec![])
}

/// Draws both sides with `draw` (the renderer, or a PNG decoder), compares them and makes the
/// page's images.
fn judge(
    baseline: Option<Result<&[u8], String>>,
    candidate: Option<&[u8]>,
    draw: impl Fn(&[u8]) -> Result<Image, String> + Sync,
    what: &str,
    options: &CompareOptions,
    panels: PanelBoxes<'_>,
) -> Picture {
    let (old, new) = rayon::join(
        || baseline.map(|b| b.and_then(&draw)),
        || candidate.map(&draw),
    );
    let look = match (&old, &new) {
        (Some(Err(why)), _) => Look::Unreadable(format!("the baseline's {what}: {why}")),
        (_, Some(Err(why))) => Look::Unreadable(format!("the run's {what}: {why}")),
        (Some(Ok(a)), Some(Ok(b))) => match raster::compare(a, b, options) {
            Comparison::Pixels(stats) => Look::Compared(stats),
            Comparison::SizeMismatch { expected, actual } => Look::SizeMismatch {
                baseline: expected,
                candidate: actual,
            },
        },
        _ => Look::OneSide,
    };
    let (old, new) = (old.and_then(Result::ok), new.and_then(Result::ok));
    let shown = new.as_ref().or(old.as_ref());
    let size = shown.map(|image| (image.width(), image.height()));
    // Pixels that are all the same need no pictures: the page lists the figure by name.
    if let Look::Compared(stats) = &look
        && stats.changed == 0
    {
        return Picture {
            look,
            images: Images::default(),
            panels: Vec::new(),
            size,
            withheld: false,
        };
    }
    let diff_image = match (&old, &new, &look) {
        (Some(a), Some(b), Look::Compared(_)) => raster::diff_image(a, b, options).ok(),
        _ => None,
    };
    let thumbnail = shown.map(|i| i.thumbnail(THUMBNAIL));
    let ((baseline, candidate), (diff, thumbnail)) = rayon::join(
        || rayon::join(|| old.as_ref().and_then(png), || new.as_ref().and_then(png)),
        || {
            rayon::join(
                || diff_image.as_ref().and_then(png),
                || thumbnail.as_ref().and_then(png),
            )
        },
    );
    // Panels only where the sides can be laid over each other, or only one side is there.
    let boxes = match (&look, size) {
        (Look::Compared(_) | Look::OneSide, Some(size)) => panels(size),
        _ => Vec::new(),
    };
    let cut = |image: &Option<Image>, (x, y, w, h): (u32, u32, u32, u32)| {
        image.as_ref().and_then(|i| png(&i.crop(x, y, w, h)))
    };
    let panels = boxes
        .into_iter()
        .map(|b| Images {
            baseline: cut(&old, b),
            candidate: cut(&new, b),
            diff: cut(&diff_image, b),
            thumbnail: None,
        })
        .collect();
    Picture {
        look,
        images: Images {
            baseline,
            candidate,
            diff,
            thumbnail,
        },
        panels,
        size,
        withheld: false,
    }
}

/// The image's PNG bytes; None if it cannot be encoded.
fn png(image: &Image) -> Option<Png> {
    Some(Png {
        bytes: image.encode_png().ok()?,
        size: (image.width(), image.height()),
    })
}
