//! Plane geometry in pixels for the contour figures: points, the lines of one level, distances,
//! and the turned rectangle of a label's box (clipping a segment against it, overlap tests).

/// A point in pixels.
pub(crate) type Point = (f64, f64);

/// A rectangle turned by an angle: a label's box.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct OrientedRect {
    centre: Point,
    /// Unit vector along the text.
    along: Point,
    /// Unit vector across the text.
    across: Point,
    half_width: f64,
    half_height: f64,
}

impl OrientedRect {
    /// The rectangle centred at `centre`, turned by `angle` degrees clockwise on screen.
    pub fn new(centre: Point, angle: f64, half_width: f64, half_height: f64) -> Self {
        let (sin, cos) = libm::sincos(angle.to_radians());
        OrientedRect {
            centre,
            along: (cos, sin),
            across: (-sin, cos),
            half_width,
            half_height,
        }
    }

    /// The same rectangle grown by `margin` on every side.
    pub fn grown(&self, margin: f64) -> Self {
        OrientedRect {
            half_width: self.half_width + margin,
            half_height: self.half_height + margin,
            ..*self
        }
    }

    fn local(&self, p: Point) -> Point {
        let d = (p.0 - self.centre.0, p.1 - self.centre.1);
        (dot(d, self.along), dot(d, self.across))
    }

    /// The four corners.
    pub fn corners(&self) -> [Point; 4] {
        let (c, u, v) = (self.centre, self.along, self.across);
        let (w, h) = (self.half_width, self.half_height);
        [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)].map(|(a, b)| {
            (
                c.0 + a * w * u.0 + b * h * v.0,
                c.1 + a * w * u.1 + b * h * v.1,
            )
        })
    }

    /// The parameter interval `[t0, t1]` of the segment p→q that lies inside, if any
    /// (Liang–Barsky clipping in the rectangle's own frame).
    pub fn clip_segment(&self, p: Point, q: Point) -> Option<(f64, f64)> {
        let (a, b) = (self.local(p), self.local(q));
        let d = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (delta, start, half) in [(d.0, a.0, self.half_width), (d.1, a.1, self.half_height)] {
            // Two slabs per axis: −half ≤ start + t·delta ≤ half.
            for (num, den) in [(half - start, delta), (half + start, -delta)] {
                if den > 0.0 {
                    t1 = t1.min(num / den);
                } else if den < 0.0 {
                    t0 = t0.max(num / den);
                } else if den == 0.0 && num < 0.0 {
                    return None;
                }
            }
        }
        (t0 < t1).then_some((t0, t1))
    }

    /// Whether a point lies inside.
    pub fn contains(&self, p: Point) -> bool {
        let (a, b) = self.local(p);
        a.abs() <= self.half_width && b.abs() <= self.half_height
    }

    /// Whether two rectangles overlap (separating-axis test).
    pub fn overlaps(&self, other: &OrientedRect) -> bool {
        let d = (
            other.centre.0 - self.centre.0,
            other.centre.1 - self.centre.1,
        );
        let radius = |r: &OrientedRect, axis: Point| {
            r.half_width * dot(r.along, axis).abs() + r.half_height * dot(r.across, axis).abs()
        };
        [self.along, self.across, other.along, other.across]
            .iter()
            .all(|&axis| dot(d, axis).abs() <= radius(self, axis) + radius(other, axis))
    }
}

pub(crate) fn dot(a: Point, b: Point) -> f64 {
    a.0 * b.0 + a.1 * b.1
}

pub(crate) fn distance(a: Point, b: Point) -> f64 {
    libm::hypot(a.0 - b.0, a.1 - b.1)
}

/// Distance from `p` to the segment a→b.
pub(crate) fn distance_to_segment(p: Point, a: Point, b: Point) -> f64 {
    let d = (b.0 - a.0, b.1 - a.1);
    let length2 = dot(d, d);
    if length2 == 0.0 {
        return distance(p, a);
    }
    let t = (dot((p.0 - a.0, p.1 - a.1), d) / length2).clamp(0.0, 1.0);
    distance(p, (a.0 + t * d.0, a.1 + t * d.1))
}

/// An angle in degrees turned into (−90, 90] so that text along it reads upright.
pub(crate) fn upright(angle: f64) -> f64 {
    match angle % 180.0 {
        a if a > 90.0 => a - 180.0,
        a if a <= -90.0 => a + 180.0,
        a => a,
    }
}

/// The lines of one contour level, in pixels.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LevelLines {
    /// The value of σ along the lines.
    pub level: f64,
    /// Open or closed polylines.
    pub lines: Vec<Vec<Point>>,
}
