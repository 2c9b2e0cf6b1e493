//! An opaque RGBA image and its PNG bytes.

use std::fmt;

use super::error::{MAX_PIXELS, RasterError};

/// An opaque 8-bit image: rows top to bottom, four bytes per pixel (R, G, B, A).
///
/// Every constructor composites onto white, so alpha is always 255 and straight and
/// premultiplied alpha are the same thing; comparisons look at R, G and B only.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

impl fmt::Debug for Image {
    // Printing a megabyte of pixels in a failed assertion helps nobody.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Image")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("bytes", &self.rgba.len())
            .finish()
    }
}

impl Image {
    /// An image from straight-alpha RGBA bytes; pixels that are not opaque are composited
    /// onto white.
    pub fn from_rgba(width: u32, height: u32, rgba: Vec<u8>) -> Result<Image, RasterError> {
        check_pixels(width, height)?;
        let mut image = Image::from_opaque(width, height, rgba)?;
        for pixel in image.rgba.chunks_exact_mut(4) {
            let alpha = u32::from(pixel[3]);
            if alpha < 255 {
                for channel in &mut pixel[..3] {
                    let over_white = u32::from(*channel) * alpha + 255 * (255 - alpha);
                    *channel = ((over_white + 127) / 255) as u8;
                }
                pixel[3] = 255;
            }
        }
        Ok(image)
    }

    /// Wraps a buffer the renderer drew onto opaque white: no compositing needed.
    pub(super) fn from_opaque(
        width: u32,
        height: u32,
        rgba: Vec<u8>,
    ) -> Result<Image, RasterError> {
        let len = rgba.len();
        if len as u64 != u64::from(width) * u64::from(height) * 4 {
            return Err(RasterError::BufferSize { width, height, len });
        }
        Ok(Image {
            width,
            height,
            rgba,
        })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The pixels as RGBA bytes, alpha always 255.
    pub fn rgba(&self) -> &[u8] {
        &self.rgba
    }

    /// The pixel at column `x`, row `y`, or `None` outside the image.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let at = (y as usize * self.width as usize + x as usize) * 4;
        self.rgba.get(at..at + 4)?.try_into().ok()
    }

    /// The part of the image `width` × `height` pixels from (`x`, `y`), cut to the image
    /// where it reaches past it.
    pub fn crop(&self, x: u32, y: u32, width: u32, height: u32) -> Image {
        let (x, y) = (x.min(self.width), y.min(self.height));
        let (width, height) = (width.min(self.width - x), height.min(self.height - y));
        let mut rgba = Vec::with_capacity(width as usize * height as usize * 4);
        for row in y..y + height {
            let start = (row as usize * self.width as usize + x as usize) * 4;
            rgba.extend_from_slice(&self.rgba[start..start + width as usize * 4]);
        }
        Image {
            width,
            height,
            rgba,
        }
    }

    /// The image shrunk so that neither side exceeds `side` pixels, each pixel of it the
    /// mean of the block of pixels it covers (integer arithmetic: the same bytes everywhere).
    /// An image that fits already is returned as it is.
    pub fn thumbnail(&self, side: u32) -> Image {
        let side = side.max(1);
        let factor = self.width.max(self.height).div_ceil(side).max(1);
        if factor == 1 {
            return self.clone();
        }
        let (width, height) = (self.width.div_ceil(factor), self.height.div_ceil(factor));
        let mut rgba = Vec::with_capacity(width as usize * height as usize * 4);
        for ty in 0..height {
            for tx in 0..width {
                rgba.extend_from_slice(&self.block_mean(tx, ty, factor));
            }
        }
        Image {
            width,
            height,
            rgba,
        }
    }

    /// The opaque mean colour of the block of pixels that thumbnail pixel (`tx`, `ty`) covers.
    fn block_mean(&self, tx: u32, ty: u32, factor: u32) -> [u8; 4] {
        let (mut sum, mut count) = ([0u32; 3], 0u32);
        for y in ty * factor..((ty + 1) * factor).min(self.height) {
            for x in tx * factor..((tx + 1) * factor).min(self.width) {
                if let Some(p) = self.pixel(x, y) {
                    for k in 0..3 {
                        sum[k] += u32::from(p[k]);
                    }
                    count += 1;
                }
            }
        }
        let mean = |k: usize| ((sum[k] + count / 2) / count.max(1)) as u8;
        [mean(0), mean(1), mean(2), 255]
    }

    /// PNG bytes: 8-bit RGB (the image is opaque), with the encoder's settings spelled out so
    /// that the same image gives the same bytes for a given `Cargo.lock`.
    pub fn encode_png(&self) -> Result<Vec<u8>, RasterError> {
        let rgb: Vec<u8> = self
            .rgba
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        let mut out = Vec::with_capacity(rgb.len() / 4 + 1024);
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Default);
        encoder.set_filter(png::FilterType::Sub);
        encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
        let mut writer = encoder.write_header().map_err(png_error)?;
        writer.write_image_data(&rgb).map_err(png_error)?;
        writer.finish().map_err(png_error)?;
        Ok(out)
    }

    /// Reads a PNG of any colour type and bit depth (16-bit channels are cut to 8, palettes
    /// and grey expanded); transparent pixels are composited onto white.
    pub fn decode_png(bytes: &[u8]) -> Result<Image, RasterError> {
        let mut decoder = png::Decoder::new_with_limits(
            bytes,
            png::Limits {
                bytes: (MAX_PIXELS * 4) as usize,
            },
        );
        decoder.set_transformations(png::Transformations::normalize_to_color8());
        let mut reader = decoder.read_info().map_err(png_error)?;
        let (width, height) = (reader.info().width, reader.info().height);
        check_pixels(width, height)?;
        let mut buffer = vec![0; reader.output_buffer_size()];
        let frame = reader.next_frame(&mut buffer).map_err(png_error)?;
        let channels = match frame.color_type {
            png::ColorType::Grayscale => 1,
            png::ColorType::GrayscaleAlpha => 2,
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            png::ColorType::Indexed => {
                return Err(RasterError::Png("palette was not expanded".into()));
            }
        };
        let mut rgba = Vec::with_capacity(width as usize * height as usize * 4);
        // Rows may be padded past width × channels; read each row on its own.
        for row in buffer.chunks(frame.line_size.max(1)).take(height as usize) {
            for p in row.chunks_exact(channels).take(width as usize) {
                rgba.extend_from_slice(&match *p {
                    [g] => [g, g, g, 255],
                    [g, a] => [g, g, g, a],
                    [r, g, b] => [r, g, b, 255],
                    [r, g, b, a] => [r, g, b, a],
                    _ => [255; 4],
                });
            }
        }
        Image::from_rgba(width, height, rgba)
    }
}

/// Fails on an image of more than [`MAX_PIXELS`] pixels.
fn check_pixels(width: u32, height: u32) -> Result<(), RasterError> {
    let (width, height) = (u64::from(width), u64::from(height));
    if width * height > MAX_PIXELS {
        return Err(RasterError::TooLarge { width, height });
    }
    Ok(())
}

fn png_error(error: impl fmt::Display) -> RasterError {
    RasterError::Png(error.to_string())
}
