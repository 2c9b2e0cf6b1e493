//! Colours, sizes and fonts shared by every figure.

/// Class A (label 1): Okabe–Ito blue, told apart from the orange by colour-blind readers.
pub const CLASS_A_COLOUR: &str = "#0072B2";
/// Class B (label 0): Okabe–Ito orange.
pub const CLASS_B_COLOUR: &str = "#E69F00";
/// Curves (same blue as class A: one data colour per figure).
pub const CURVE_COLOUR: &str = CLASS_A_COLOUR;
/// [`CURVE_COLOUR`] for plotters (legend swatches).
pub const CURVE_RGB: (u8, u8, u8) = (0x00, 0x72, 0xB2);
/// Contour lines.
pub const CONTOUR_COLOUR: &str = "#000";
/// Contour line width in pixels.
pub const CONTOUR_WIDTH: f64 = 1.3;
/// The one font family: no font is embedded or required (plotters without `ttf`).
pub const FONT: &str = "sans-serif";
// Text sizes are chosen for the smallest screen the page is read on: a figure fills a
// 390-pixel phone, where its widest (the colour map, 512 units) is drawn at 0.76 of its size.
// plotters writes a size of S as S / 1.24 units, so tick labels (15) are 12.1 units, 9.2
// CSS pixels there: no figure text is below 9 CSS pixels on a phone.
/// Figure titles.
pub const TITLE_SIZE: u32 = 18;
/// Axis descriptions.
pub const AXIS_LABEL_SIZE: u32 = 16;
/// Tick labels, legends, notes and contour labels.
pub const SMALL_SIZE: u32 = 15;
/// The subsampling note at the foot of a figure.
pub const NOTE_SIZE: u32 = 13;
/// Contour labels, in pixels (written as they are, not scaled as plotters scales its sizes):
/// the size of the tick labels, so that every level of the closest lines (figure 9 without a
/// penalty) still finds room for its label; 9.1 CSS pixels on a phone in the widest figure.
pub const CONTOUR_LABEL_SIZE: u32 = 12;
/// Side of the square plot area of the plane figures, in pixels.
pub const PLOT_SIDE: u32 = 360;
/// Radius of a class A marker (a disc); class B markers are squares of the same area.
pub const MARKER_RADIUS: f64 = 3.0;
/// At most this many markers per figure (over all classes and panels): past it a figure
/// shows an evenly strided subsample and says so, so that its size does not grow with N.
pub const MAX_MARKERS_PER_FIGURE: usize = 900;
