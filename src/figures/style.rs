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
/// Figure titles.
pub const TITLE_SIZE: u32 = 16;
/// Axis descriptions.
pub const AXIS_LABEL_SIZE: u32 = 14;
/// Tick labels, legends, notes and contour labels.
pub const SMALL_SIZE: u32 = 12;
/// The subsampling note at the foot of a figure.
pub const NOTE_SIZE: u32 = 10;
/// Side of the square plot area of the plane figures, in pixels.
pub const PLOT_SIDE: u32 = 360;
/// Radius of a class A marker (a disc); class B markers are squares of the same area.
pub const MARKER_RADIUS: f64 = 3.0;
/// At most this many markers per figure (over all classes and panels): past it a figure
/// shows an evenly strided subsample and says so, so that its size does not grow with N.
pub const MAX_MARKERS_PER_FIGURE: usize = 900;
