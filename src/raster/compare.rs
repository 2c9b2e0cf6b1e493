//! Comparing two images: matplotlib's RMS, and a perceptual count of differing pixels that
//! sets anti-aliasing apart, written from the definitions pixelmatch cites.
//!
//! Colour difference: Kotsarenko & Ramos, "Measuring perceived color difference using YIQ NTSC
//! transmission color space in mobile applications" (2010): the squared distance of two
//! colours in YIQ with weights 0.5053 (Y), 0.299 (I) and 0.1957 (Q), at most 35215. A pixel
//! differs when its distance exceeds 35215 · threshold², as in pixelmatch.
//!
//! Anti-aliasing: after Vysniauskas, "Anti-aliased pixel and intensity slope detector" (2009).
//! A blended edge pixel sits on an intensity slope: at most two of its 8 neighbours share its
//! colour, and it lies between a darker and a brighter neighbour. The edge it blends is the
//! same in both images when the darkest or the brightest of those neighbours has the same
//! colour in both and lies inside a flat region (three or more neighbours of its colour) in
//! both. A pixel over the threshold counts as anti-aliasing when this holds with either image
//! as the one looked at. Unlike pixelmatch, the flat neighbour must keep its colour: there, an
//! area repainted flat in another colour next to an edge passes for anti-aliasing.

use super::error::RasterError;
use super::image::Image;

/// Colour of real differences in [`diff_image`] (pixelmatch's default).
pub const DIFF_COLOUR: [u8; 3] = [255, 0, 0];
/// Colour of anti-aliased differences in [`diff_image`] (pixelmatch's default).
pub const AA_COLOUR: [u8; 3] = [255, 255, 0];

/// The largest squared YIQ distance between two colours (Kotsarenko & Ramos weights).
const MAX_YIQ_DELTA: f64 = 35215.0;

/// How [`compare`] and [`diff_image`] judge pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CompareOptions {
    /// Matching threshold from 0 (any change counts) to 1 (nothing does): a pixel differs when
    /// its squared YIQ distance exceeds 35215 · threshold². pixelmatch's default is 0.1,
    /// Playwright's `toHaveScreenshot` uses 0.2. Values outside [0, 1] are clamped, NaN is 0.
    pub threshold: f64,
    /// Count anti-aliased pixels apart from real changes (pixelmatch with `includeAA: false`).
    /// When false, every pixel over the threshold is a real change.
    pub detect_antialiasing: bool,
}

/// How much of the expected image's brightness shows through the unchanged pixels of
/// [`diff_image`]: 0 is white, 1 the original grey level.
const FADE: f64 = 0.1;

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            threshold: 0.1,
            detect_antialiasing: true,
        }
    }
}

/// The outcome of [`compare`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Comparison {
    /// The images differ in size, so no pixel is compared.
    SizeMismatch {
        /// Width and height of the expected image.
        expected: (u32, u32),
        /// Width and height of the actual image.
        actual: (u32, u32),
    },
    /// The images have the same size; here is how their pixels differ.
    Pixels(PixelStats),
}

impl Comparison {
    /// The pixel statistics, unless the sizes differ.
    pub fn pixels(&self) -> Option<&PixelStats> {
        match self {
            Comparison::Pixels(stats) => Some(stats),
            Comparison::SizeMismatch { .. } => None,
        }
    }
}

/// How two images of one size differ.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PixelStats {
    /// Root mean square of expected − actual over every R, G and B value (0–255), as
    /// matplotlib's `compare_images` computes it for opaque images.
    pub rms: f64,
    /// Pixels whose R, G or B differ at all.
    pub changed: u64,
    /// Pixels over the threshold and not explained by anti-aliasing: the real changes.
    pub differing: u64,
    /// Pixels over the threshold that anti-aliasing explains.
    pub antialiased: u64,
    /// Pixels compared: width × height.
    pub total: u64,
}

impl PixelStats {
    /// `differing / total`, 0 for an empty image.
    pub fn differing_share(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            self.differing as f64 / self.total as f64
        }
    }
}

/// Compares `actual` with `expected`: RMS over channels and counts of changed, differing and
/// anti-aliased pixels. Different sizes are reported, not compared.
pub fn compare(expected: &Image, actual: &Image, options: &CompareOptions) -> Comparison {
    if let Some((expected, actual)) = size_mismatch(expected, actual) {
        return Comparison::SizeMismatch { expected, actual };
    }
    let total = u64::from(expected.width()) * u64::from(expected.height());
    let mut stats = PixelStats {
        total,
        ..PixelStats::default()
    };
    if expected.rgba() == actual.rgba() {
        return Comparison::Pixels(stats);
    }
    let mut squares: u64 = 0;
    classify(expected, actual, options, |_, verdict, e, a| {
        if verdict == Verdict::Unchanged {
            return;
        }
        stats.changed += 1;
        squares += e
            .iter()
            .zip(&a)
            .map(|(&e, &a)| u64::from(e.abs_diff(a)).pow(2))
            .sum::<u64>();
        match verdict {
            Verdict::Differing => stats.differing += 1,
            Verdict::Antialiased => stats.antialiased += 1,
            Verdict::Unchanged | Verdict::BelowThreshold => {}
        }
    });
    if total > 0 {
        stats.rms = (squares as f64 / (total * 3) as f64).sqrt();
    }
    Comparison::Pixels(stats)
}

/// pixelmatch's picture of the differences: the expected image in faded grey, real changes in
/// [`DIFF_COLOUR`], anti-aliased ones in [`AA_COLOUR`].
pub fn diff_image(
    expected: &Image,
    actual: &Image,
    options: &CompareOptions,
) -> Result<Image, RasterError> {
    if let Some((expected, actual)) = size_mismatch(expected, actual) {
        return Err(RasterError::SizeMismatch { expected, actual });
    }
    let mut out = vec![255; expected.rgba().len()];
    classify(expected, actual, options, |index, verdict, e, _| {
        let colour = match verdict {
            Verdict::Differing => DIFF_COLOUR,
            Verdict::Antialiased => AA_COLOUR,
            Verdict::Unchanged | Verdict::BelowThreshold => {
                let grey = (255.0 + (luma(e) - 255.0) * FADE).round().clamp(0.0, 255.0) as u8;
                [grey; 3]
            }
        };
        out[index * 4..index * 4 + 3].copy_from_slice(&colour);
    });
    Image::from_rgba(expected.width(), expected.height(), out)
}

fn size_mismatch(expected: &Image, actual: &Image) -> Option<((u32, u32), (u32, u32))> {
    let sizes = (
        (expected.width(), expected.height()),
        (actual.width(), actual.height()),
    );
    (sizes.0 != sizes.1).then_some(sizes)
}

/// What a pixel of the actual image is, compared with the expected one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    /// Same R, G and B.
    Unchanged,
    /// Changed, but not past the threshold.
    BelowThreshold,
    /// Past the threshold, explained by anti-aliasing.
    Antialiased,
    /// Past the threshold: a real change.
    Differing,
}

/// Calls `each(pixel index, verdict, expected RGB, actual RGB)` for every pixel, in order.
/// The images must have the same size.
fn classify(
    expected: &Image,
    actual: &Image,
    options: &CompareOptions,
    mut each: impl FnMut(usize, Verdict, [u8; 3], [u8; 3]),
) {
    let threshold = match options.threshold {
        t if t.is_nan() => 0.0,
        t => t.clamp(0.0, 1.0),
    };
    let max_delta = MAX_YIQ_DELTA * threshold * threshold;
    let width = expected.width() as usize;
    let pairs = expected
        .rgba()
        .chunks_exact(4)
        .zip(actual.rgba().chunks_exact(4));
    for (index, (e, a)) in pairs.enumerate() {
        let (e, a) = ([e[0], e[1], e[2]], [a[0], a[1], a[2]]);
        let verdict = if e == a {
            Verdict::Unchanged
        } else if yiq_delta(e, a) <= max_delta {
            Verdict::BelowThreshold
        } else {
            let (x, y) = (index % width, index / width);
            if options.detect_antialiasing
                && (on_slope(expected, actual, x, y) || on_slope(actual, expected, x, y))
            {
                Verdict::Antialiased
            } else {
                Verdict::Differing
            }
        };
        each(index, verdict, e, a);
    }
}

/// Luma Y of NTSC YIQ, 0–255.
fn luma([r, g, b]: [u8; 3]) -> f64 {
    0.298_895_31 * f64::from(r) + 0.586_622_47 * f64::from(g) + 0.114_482_23 * f64::from(b)
}

/// The weighted squared YIQ distance of Kotsarenko & Ramos.
fn yiq_delta(e: [u8; 3], a: [u8; 3]) -> f64 {
    let [r, g, b] = [0, 1, 2].map(|i| f64::from(e[i]) - f64::from(a[i]));
    let y = 0.298_895_31 * r + 0.586_622_47 * g + 0.114_482_23 * b;
    let i = 0.595_977_99 * r - 0.274_176_10 * g - 0.321_801_89 * b;
    let q = 0.211_470_17 * r - 0.522_617_11 * g + 0.311_146_94 * b;
    0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q
}

fn rgb(image: &Image, x: usize, y: usize) -> [u8; 3] {
    let at = (y * image.width() as usize + x) * 4;
    let p = &image.rgba()[at..at + 3];
    [p[0], p[1], p[2]]
}

/// The up to 8 neighbours of (x, y) inside the image, row by row; pixels beyond the border
/// are not there rather than counted as anything.
fn neighbours(image: &Image, x: usize, y: usize) -> impl Iterator<Item = (usize, usize)> {
    let (width, height) = (image.width() as usize, image.height() as usize);
    let columns = x.saturating_sub(1)..=(x + 1).min(width - 1);
    (y.saturating_sub(1)..=(y + 1).min(height - 1))
        .flat_map(move |ny| columns.clone().map(move |nx| (nx, ny)))
        .filter(move |&n| n != (x, y))
}

/// Whether (x, y) of `image` lies on an intensity slope whose darker or brighter end is flat
/// in both `image` and `other` (see the module documentation).
fn on_slope(image: &Image, other: &Image, x: usize, y: usize) -> bool {
    let centre = rgb(image, x, y);
    let centre_luma = luma(centre);
    let mut identical = 0;
    // (luma step, position) of the darkest and the brightest neighbour; the first one found
    // wins a tie, so the result does not depend on anything but the pixels.
    let mut darkest: Option<(f64, (usize, usize))> = None;
    let mut brightest: Option<(f64, (usize, usize))> = None;
    for (nx, ny) in neighbours(image, x, y) {
        let colour = rgb(image, nx, ny);
        if colour == centre {
            identical += 1;
            // Part of a flat run, not a blend between two levels.
            if identical > 2 {
                return false;
            }
            continue;
        }
        let step = luma(colour) - centre_luma;
        if step < 0.0 && darkest.is_none_or(|(d, _)| step < d) {
            darkest = Some((step, (nx, ny)));
        }
        if step > 0.0 && brightest.is_none_or(|(b, _)| step > b) {
            brightest = Some((step, (nx, ny)));
        }
    }
    let (Some((_, dark)), Some((_, bright))) = (darkest, brightest) else {
        // A local extreme of brightness is a feature of its own, not a blend.
        return false;
    };
    // Either end suffices: a thin line's dark end is never flat (pixelmatch issue #74).
    // The end must also keep its colour: an area repainted flat in another colour is a
    // change, not the same edge drawn differently.
    let same_flat_in_both = |(px, py)| {
        rgb(image, px, py) == rgb(other, px, py) && is_flat(image, px, py) && is_flat(other, px, py)
    };
    same_flat_in_both(dark) || same_flat_in_both(bright)
}

/// Whether (x, y) has at least three neighbours of exactly its colour.
fn is_flat(image: &Image, x: usize, y: usize) -> bool {
    let colour = rgb(image, x, y);
    neighbours(image, x, y)
        .filter(|&(nx, ny)| rgb(image, nx, ny) == colour)
        .nth(2)
        .is_some()
}
