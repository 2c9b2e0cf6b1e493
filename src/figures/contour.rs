//! Labelled contour lines of σ(b + w1·x1 + w2·x2): marching squares (the `contour` crate) to
//! pixel polylines, labels placed on the lines and turned along them, gaps cut under the labels,
//! all written as SVG elements (plotters turns text only by multiples of 90°).
//!
//! Placement follows what matplotlib's `clabel(inline=True)` does, with firmer rules: a label
//! sits on a straight enough stretch of its own line, reads upright, stays inside the plot
//! area, never overlaps another label, and no line (its own or another) is drawn under it.

use std::fmt::Write;

use contour::ContourBuilder;

use super::style::{
    CONTOUR_COLOUR, CONTOUR_LEVELS, CONTOUR_WIDTH, FONT, GRID_POINTS, MARKER_RADIUS, PLANE_RANGE,
    SMALL_SIZE,
};
use super::svg::{Frame, push_px, px};
use super::{FigureError, FigureSpec};

/// Labels closer than this many half-widths apart pay [`SPREAD_WEIGHT`] per pixel.
const SPREAD_DISTANCE: f64 = 6.0;
/// Cost of a pixel of crowding, against 1 per pixel away from a line's middle.
const SPREAD_WEIGHT: f64 = 2.0;

/// Cost of a data point over a label, against 1 per pixel away from a line's middle.
const COVERED_POINT_COST: f64 = 60.0;

/// A point in pixels.
pub(crate) type Point = (f64, f64);

/// The lines of one contour level, in pixels.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LevelLines {
    /// The value of σ along the lines.
    pub level: f64,
    /// Open or closed polylines.
    pub lines: Vec<Vec<Point>>,
}

/// A label written on a contour line.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ContourLabel {
    /// The level it names.
    pub level: f64,
    /// The text, e.g. `0.125`.
    pub text: String,
    /// Centre of the label, in pixels.
    pub centre: Point,
    /// Clockwise turn on screen, in degrees, within (−90, 90] so the text reads upright.
    pub angle: f64,
    /// Half the length of the gap along the line.
    pub half_width: f64,
    /// Half the height of the gap across the line.
    pub half_height: f64,
}

impl ContourLabel {
    /// The label's box as an oriented rectangle.
    pub fn rect(&self) -> OrientedRect {
        OrientedRect::new(self.centre, self.angle, self.half_width, self.half_height)
    }
}

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
                if den == 0.0 {
                    if num < 0.0 {
                        return None;
                    }
                } else {
                    let t = num / den;
                    if den > 0.0 {
                        t1 = t1.min(t);
                    } else {
                        t0 = t0.max(t);
                    }
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

fn dot(a: Point, b: Point) -> f64 {
    a.0 * b.0 + a.1 * b.1
}

fn distance(a: Point, b: Point) -> f64 {
    libm::hypot(a.0 - b.0, a.1 - b.1)
}

/// A level as its label writes it: three decimals, as matplotlib's default did.
pub(crate) fn level_text(level: f64) -> String {
    format!("{level:.3}")
}

/// Half the gap a label needs along and across its line. No font is embedded, so the width is
/// estimated generously from the characters (digits are 0.56 em in Arial, 0.64 em in DejaVu).
pub(crate) fn label_half_size(text: &str) -> (f64, f64) {
    let size = f64::from(SMALL_SIZE);
    let em: f64 = text
        .chars()
        .map(|c| if c == '.' { 0.32 } else { 0.62 })
        .sum();
    (em * size / 2.0 + 3.0, 0.42 * size + 1.0)
}

/// z = b + w1·x1 + w2·x2 on the grid of [`GRID_POINTS`]² points spanning [`PLANE_RANGE`]²
/// (both ends included), rows along x2, x1 varying fastest: the layout the `contour` crate
/// reads.
///
/// The lines of σ at a level are the lines of z at logit(level), since σ is increasing; z is
/// what gets contoured because marching squares interpolates linearly between grid points,
/// which is exact for z but turns the lines of a steep σ (a large ‖w‖) into staircases.
pub(crate) fn linear_grid(w: [f64; 3]) -> Vec<f64> {
    let n = GRID_POINTS;
    let step = (PLANE_RANGE.1 - PLANE_RANGE.0) / (n - 1) as f64;
    let mut values = Vec::with_capacity(n * n);
    for j in 0..n {
        let x2 = PLANE_RANGE.0 + j as f64 * step;
        for i in 0..n {
            let x1 = PLANE_RANGE.0 + i as f64 * step;
            values.push(w[0] + w[1] * x1 + w[2] * x2);
        }
    }
    values
}

/// logit(p) = ln(p / (1 − p)), the z at which σ(z) = p.
pub(crate) fn logit(p: f64) -> f64 {
    libm::log(p / (1.0 - p))
}

/// The contour lines of the grid at `thresholds`, mapped into the frame's pixels and
/// simplified; each comes back with its level from `levels` (the two run in parallel, so that
/// a grid of z can be cut at logit(level) and still be named by the level of σ).
///
/// The `contour` crate returns closed rings around the region above the level, running along
/// the grid's border where the region meets it; those border runs are not contour lines, so
/// each ring is split where it touches the border. The crate also puts the value of cell `i`
/// at `i + 1/2`: the shift back is done here, so lines land where σ has the level.
pub(crate) fn isolines(
    spec: &FigureSpec,
    values: &[f64],
    thresholds: &[f64],
    levels: &[f64],
    frame: &Frame,
) -> Result<Vec<LevelLines>, FigureError> {
    let n = GRID_POINTS;
    let step = (PLANE_RANGE.1 - PLANE_RANGE.0) / (n - 1) as f64;
    let lines = ContourBuilder::new(n, n, true)
        .lines(values, thresholds)
        .map_err(|e| FigureError::Contour {
            figure: spec.file_name,
            message: format!("{e:?}"),
        })?;
    let edge = n as f64;
    let on_border = |x: f64, y: f64| x < 0.25 || y < 0.25 || x > edge - 0.25 || y > edge - 0.25;
    let pixel = |x: f64, y: f64| {
        frame.pixel(
            PLANE_RANGE.0 + (x - 0.5) * step,
            PLANE_RANGE.0 + (y - 0.5) * step,
        )
    };
    Ok(lines
        .into_iter()
        .zip(levels)
        .map(|(line, &level)| {
            let mut pieces = Vec::new();
            for ring in &line.geometry().0 {
                let raw: Vec<(f64, f64)> = ring.0.iter().map(|c| (c.x, c.y)).collect();
                for run in split_at_border(&raw, |p| on_border(p.0, p.1)) {
                    let pixels: Vec<Point> = run.iter().map(|&(x, y)| pixel(x, y)).collect();
                    let simple = simplify(&pixels, 0.2);
                    if simple.len() >= 2 {
                        pieces.push(simple);
                    }
                }
            }
            LevelLines {
                level,
                lines: pieces,
            }
        })
        .collect())
}

/// Splits a closed ring (first point repeated last) into the runs of points not on the
/// border; a ring that never touches the border comes back whole, still closed.
pub(crate) fn split_at_border(
    ring: &[Point],
    on_border: impl Fn(Point) -> bool,
) -> Vec<Vec<Point>> {
    let open = match ring.split_last() {
        Some((last, rest)) if rest.first() == Some(last) => rest,
        _ => ring,
    };
    let Some(start) = open.iter().position(|&p| on_border(p)) else {
        return vec![ring.to_vec()];
    };
    // Walking from a border point, every run of inner points is one whole line.
    let mut runs = Vec::new();
    let mut run = Vec::new();
    for k in 1..=open.len() {
        let p = open[(start + k) % open.len()];
        if on_border(p) {
            if run.len() >= 2 {
                runs.push(std::mem::take(&mut run));
            }
            run.clear();
        } else {
            run.push(p);
        }
    }
    runs
}

/// Douglas–Peucker: drops points closer than `tolerance` pixels to the simplified line, so a
/// straight contour costs two points instead of a hundred.
fn simplify(points: &[Point], tolerance: f64) -> Vec<Point> {
    if points.len() <= 2 {
        return points.to_vec();
    }
    let mut keep = vec![false; points.len()];
    keep[0] = true;
    keep[points.len() - 1] = true;
    let mut stack = vec![(0, points.len() - 1)];
    while let Some((first, last)) = stack.pop() {
        let (a, b) = (points[first], points[last]);
        let mut worst = (0.0, first);
        for (k, &p) in points.iter().enumerate().take(last).skip(first + 1) {
            let d = distance_to_segment(p, a, b);
            if d > worst.0 {
                worst = (d, k);
            }
        }
        if worst.0 > tolerance {
            keep[worst.1] = true;
            stack.push((first, worst.1));
            stack.push((worst.1, last));
        }
    }
    points
        .iter()
        .zip(&keep)
        .filter_map(|(&p, &k)| k.then_some(p))
        .collect()
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

/// A polyline with its cumulative arc length, for walking along it.
struct Walk<'a> {
    points: &'a [Point],
    arc: Vec<f64>,
}

impl<'a> Walk<'a> {
    fn new(points: &'a [Point]) -> Self {
        let mut arc = Vec::with_capacity(points.len());
        let mut total = 0.0;
        arc.push(0.0);
        for pair in points.windows(2) {
            total += distance(pair[0], pair[1]);
            arc.push(total);
        }
        Walk { points, arc }
    }

    fn length(&self) -> f64 {
        self.arc.last().copied().unwrap_or(0.0)
    }

    /// The point at arc length `s` (clamped to the line).
    fn at(&self, s: f64) -> Point {
        let s = s.clamp(0.0, self.length());
        let k = self
            .arc
            .partition_point(|&a| a <= s)
            .clamp(1, self.points.len() - 1);
        let (a, b) = (self.points[k - 1], self.points[k]);
        let span = self.arc[k] - self.arc[k - 1];
        let t = if span > 0.0 {
            (s - self.arc[k - 1]) / span
        } else {
            0.0
        };
        (a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1))
    }

    /// How far the line strays from the chord between arc lengths `s0` and `s1`.
    fn bend(&self, s0: f64, s1: f64) -> f64 {
        let (a, b) = (self.at(s0), self.at(s1));
        self.points
            .iter()
            .zip(&self.arc)
            .filter(|&(_, &s)| s > s0 && s < s1)
            .map(|(&p, _)| distance_to_segment(p, a, b))
            .fold(0.0, f64::max)
    }
}

/// An angle in degrees turned into (−90, 90] so that text along it reads upright.
pub(crate) fn upright(angle: f64) -> f64 {
    let mut a = angle % 180.0;
    if a > 90.0 {
        a -= 180.0;
    } else if a <= -90.0 {
        a += 180.0;
    }
    a
}

/// Places one label on each contour line long enough to carry one.
///
/// Levels are labelled in order; on each line the candidate spots are tried every two pixels,
/// and the chosen one is the closest to the line's middle among those that are straight
/// enough, inside the plot area and clear of earlier labels, preferring spots whose box no
/// other line crosses. Where lines crowd closer than a label is tall (a steep σ), no such spot
/// exists; the label then sits on its own line over its neighbours, and the gap cut under it
/// (see [`cut_gaps`]) opens all of them.
pub(crate) fn place_labels(
    levels: &[LevelLines],
    frame: &Frame,
    obstacles: &[Point],
) -> Vec<ContourLabel> {
    let scene = Scene {
        levels,
        frame,
        obstacles,
    };
    let mut placed: Vec<ContourLabel> = Vec::new();
    for (level_index, level) in levels.iter().enumerate() {
        let text = level_text(level.level);
        let (half_width, half_height) = label_half_size(&text);
        for (line_index, line) in level.lines.iter().enumerate() {
            let walk = Walk::new(line);
            let length = walk.length();
            if length < 2.0 * half_width + 4.0 {
                continue;
            }
            let mut best: Option<(f64, ContourLabel)> = None;
            let mut s = half_width + 1.0;
            while s <= length - half_width - 1.0 {
                if let Some((cost, label)) = candidate(
                    &scene,
                    (level_index, line_index),
                    &walk,
                    s,
                    &text,
                    (half_width, half_height),
                    &placed,
                ) && best.as_ref().is_none_or(|(b, _)| cost < *b)
                {
                    best = Some((cost, label));
                }
                s += 2.0;
            }
            if let Some((_, label)) = best {
                placed.push(ContourLabel {
                    level: level.level,
                    ..label
                });
            }
        }
    }
    placed
}

/// What labels are placed among: the lines, the plot area, and the data points that will be
/// drawn over everything (a label under a point would be hidden).
struct Scene<'a> {
    levels: &'a [LevelLines],
    frame: &'a Frame,
    obstacles: &'a [Point],
}

/// Scores one spot at arc length `s` of a line; `None` where a label cannot go.
fn candidate(
    scene: &Scene<'_>,
    (level_index, line_index): (usize, usize),
    walk: &Walk<'_>,
    s: f64,
    text: &str,
    (half_width, half_height): (f64, f64),
    placed: &[ContourLabel],
) -> Option<(f64, ContourLabel)> {
    let (levels, frame) = (scene.levels, scene.frame);
    let (s0, s1) = (s - half_width, s + half_width);
    // A label on a bend would not follow the line; a third of its height is the slack.
    if walk.bend(s0, s1) > (half_height / 3.0).max(0.8) {
        return None;
    }
    let (a, b) = (walk.at(s0), walk.at(s1));
    let centre = walk.at(s);
    let angle = upright(libm::atan2(b.1 - a.1, b.0 - a.0).to_degrees());
    let label = ContourLabel {
        level: levels[level_index].level,
        text: text.to_string(),
        centre,
        angle,
        half_width,
        half_height,
    };
    let rect = label.rect();
    let inside = rect.corners().iter().all(|&(x, y)| {
        x >= frame.left + 1.0
            && x <= frame.right - 1.0
            && y >= frame.top + 1.0
            && y <= frame.bottom - 1.0
    });
    if !inside {
        return None;
    }
    // Labels keep a small margin between them so they read as separate words.
    let roomy = rect.grown(1.5);
    if placed.iter().any(|other| roomy.overlaps(&other.rect())) {
        return None;
    }
    let mut crossings = 0usize;
    for (li, level) in levels.iter().enumerate() {
        for (pi, line) in level.lines.iter().enumerate() {
            let own = li == level_index && pi == line_index;
            let own_walk = own.then(|| Walk::new(line));
            for (k, pair) in line.windows(2).enumerate() {
                if let Some(w) = &own_walk {
                    // The label's own stretch of line is meant to pass through its box.
                    let (lo, hi) = (w.arc[k], w.arc[k + 1]);
                    if hi >= s0 - half_height && lo <= s1 + half_height {
                        continue;
                    }
                }
                if roomy.clip_segment(pair[0], pair[1]).is_some() {
                    crossings += 1;
                }
            }
        }
    }
    // Spread labels out along crowded lines instead of stacking them in the middle: being
    // near another label costs more than moving away from the middle.
    let nearest = placed
        .iter()
        .map(|other| distance(other.centre, centre))
        .fold(f64::INFINITY, f64::min);
    let crowding = (SPREAD_DISTANCE * half_width - nearest).max(0.0);
    // A data point on the label hides part of it: worth moving a label some way to avoid.
    let marker_reach = MARKER_RADIUS + 1.0;
    let covered = scene
        .obstacles
        .iter()
        .filter(|&&p| rect.grown(marker_reach).contains(p))
        .count();
    let cost = crossings as f64 * 10_000.0
        + covered as f64 * COVERED_POINT_COST
        + (s - walk.length() / 2.0).abs()
        + SPREAD_WEIGHT * crowding;
    Some((cost, label))
}

/// Cuts every line where it passes under a label's box: the inline gap of `clabel`.
pub(crate) fn cut_gaps(levels: &[LevelLines], labels: &[ContourLabel]) -> Vec<LevelLines> {
    let rects: Vec<OrientedRect> = labels.iter().map(|l| l.rect().grown(0.5)).collect();
    levels
        .iter()
        .map(|level| {
            let mut pieces: Vec<Vec<Point>> = Vec::new();
            for line in &level.lines {
                let mut current: Vec<Point> = Vec::new();
                for pair in line.windows(2) {
                    let (p, q) = (pair[0], pair[1]);
                    let mut hidden: Vec<(f64, f64)> =
                        rects.iter().filter_map(|r| r.clip_segment(p, q)).collect();
                    hidden.sort_by(|a, b| a.0.total_cmp(&b.0));
                    let at = |t: f64| (p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1));
                    let mut t = 0.0;
                    for (h0, h1) in hidden {
                        if h0 > t {
                            if current.is_empty() {
                                current.push(at(t));
                            }
                            current.push(at(h0));
                        }
                        if current.len() >= 2 {
                            pieces.push(std::mem::take(&mut current));
                        }
                        current.clear();
                        t = t.max(h1);
                    }
                    if t < 1.0 {
                        if current.is_empty() {
                            current.push(at(t));
                        }
                        current.push(q);
                    }
                }
                if current.len() >= 2 {
                    pieces.push(current);
                }
            }
            LevelLines {
                level: level.level,
                lines: pieces,
            }
        })
        .collect()
}

/// The lines as one `<path>` per level, and the labels as `<text>` elements turned along them.
pub(crate) fn svg_elements(levels: &[LevelLines], labels: &[ContourLabel]) -> String {
    let mut out = format!(
        "<g class=\"contours\" fill=\"none\" stroke=\"{CONTOUR_COLOUR}\" stroke-width=\"{CONTOUR_WIDTH}\" \
         stroke-linejoin=\"round\">\n"
    );
    for level in levels.iter().filter(|l| !l.lines.is_empty()) {
        let _ = write!(
            out,
            "<path class=\"contour-line\" data-level=\"{}\" d=\"",
            level_text(level.level)
        );
        for line in &level.lines {
            for (k, &(x, y)) in line.iter().enumerate() {
                out.push_str(match k {
                    0 => "M",
                    1 => "L",
                    _ => " ",
                });
                push_px(&mut out, x);
                out.push(',');
                push_px(&mut out, y);
            }
        }
        out.push_str("\"/>\n");
    }
    out.push_str("</g>\n");
    let _ = writeln!(
        out,
        "<g class=\"contour-labels\" font-family=\"{FONT}\" font-size=\"{SMALL_SIZE}\" \
         text-anchor=\"middle\">"
    );
    // Digits stand on the baseline; lowering it by half their height centres them on the line.
    let baseline = px(0.36 * f64::from(SMALL_SIZE));
    for label in labels {
        let _ = writeln!(
            out,
            "<text class=\"contour-label\" data-level=\"{}\" transform=\"translate({} {}) rotate({})\" \
             y=\"{baseline}\">{}</text>",
            level_text(label.level),
            px(label.centre.0),
            px(label.centre.1),
            px(label.angle),
            label.text
        );
    }
    out.push_str("</g>\n");
    out
}

/// The whole pipeline for one plot area: grid, lines, labels (kept clear of `obstacles`, the
/// pixels of the points to be drawn on top), gaps, SVG.
pub(crate) fn labelled_contours(
    spec: &FigureSpec,
    frame: &Frame,
    w: [f64; 3],
    obstacles: &[Point],
) -> Result<String, FigureError> {
    let values = linear_grid(w);
    let thresholds = CONTOUR_LEVELS.map(logit);
    let levels = isolines(spec, &values, &thresholds, &CONTOUR_LEVELS, frame)?;
    let labels = place_labels(&levels, frame, obstacles);
    let cut = cut_gaps(&levels, &labels);
    Ok(svg_elements(&cut, &labels))
}
