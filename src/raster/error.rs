//! Why an SVG could not become pixels or pixels PNG bytes, and the limits past which no SVG
//! is read and no image is made: whatever a file holds, drawing it stays within a few hundred
//! megabytes and a few seconds.

/// The largest image, in pixels, that this module allocates (2048 × 2048, 16 MiB of RGBA):
/// the largest figure is under a megapixel, so anything larger is a mistake in a scale or a
/// size attribute, or a file that is not a figure of this tool's.
pub const MAX_PIXELS: u64 = 4 * 1024 * 1024;
/// The largest SVG read, in bytes: a figure is tens of kilobytes.
pub const MAX_SVG_BYTES: usize = 4 << 20;
/// The deepest nesting of SVG elements read: a figure nests five or six deep.
pub const MAX_DEPTH: usize = 256;
/// The most elements an SVG may hold: a figure holds a few thousand.
pub const MAX_ELEMENTS: usize = 100_000;
/// The most pixels all the shapes of an SVG may cover together, each counted as often as it
/// is painted (fill and stroke): what drawing it costs. A figure paints a few million.
pub const MAX_PAINTED: f64 = 256.0 * 1024.0 * 1024.0;

/// Why an SVG could not be turned into pixels, or pixels into PNG bytes.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum RasterError {
    /// usvg refused the document (not XML, not SVG, truncated, bad size).
    #[error("cannot parse the SVG: {0}")]
    Parse(String),
    /// A text would be drawn with missing glyphs (boxes) or not at all.
    #[error("no glyphs in the bundled font for the text {text:?}")]
    MissingGlyphs {
        /// The text element's characters (or the unmatched characters, when usvg dropped the
        /// element altogether).
        text: String,
    },
    /// The SVG is larger, deeper or holds more than this module reads (see the limits).
    #[error("{0}")]
    Limit(String),
    /// The SVG holds an element that this tool's figures never draw and that can make
    /// drawing cost without bound (references, filters, patterns, masks, images, entities).
    #[error("it holds {0}, which the figures of logreg-report never draw")]
    Unsupported(String),
    /// The scale factor is zero, negative, NaN or infinite.
    #[error("scale must be a finite number > 0, got {0}")]
    InvalidScale(f32),
    /// The image would exceed [`MAX_PIXELS`].
    #[error("a {width}×{height} image is larger than the limit of {MAX_PIXELS} pixels")]
    TooLarge {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
    },
    /// The SVG embeds a PNG, JPEG, GIF or WebP image, which this build cannot decode.
    #[error("embedded raster images are not supported (only vector content is drawn)")]
    RasterImage,
    /// An RGBA buffer does not hold width × height × 4 bytes.
    #[error("{len} bytes are not a {width}×{height} RGBA image")]
    BufferSize {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// Bytes given.
        len: usize,
    },
    /// Two images that must have the same size do not.
    #[error("the images differ in size: {expected:?} and {actual:?}")]
    SizeMismatch {
        /// Width and height of the expected image.
        expected: (u32, u32),
        /// Width and height of the actual image.
        actual: (u32, u32),
    },
    /// The PNG encoder or decoder failed.
    #[error("PNG: {0}")]
    Png(String),
}
