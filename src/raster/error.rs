//! Why an SVG could not become pixels or pixels PNG bytes, and the size past which no image
//! is made.

/// The largest image, in pixels, that this module allocates (256 MiB of RGBA): a figure is
/// well under a megapixel, so anything larger is a mistake in a scale or a size attribute.
pub const MAX_PIXELS: u64 = 64 * 1024 * 1024;

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
