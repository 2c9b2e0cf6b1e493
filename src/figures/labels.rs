//! Where the labels of the contour lines go. Placement follows what matplotlib's
//! `clabel(inline=True)` does, with firmer rules: a label sits on a straight enough stretch of
//! its own line, reads upright, stays inside the plot area, never overlaps another label, no
//! line (its own or another) is drawn under it, and it avoids the data points drawn on top.

use super::geometry::{LevelLines, OrientedRect, Point, distance, distance_to_segment, upright};
use super::style::{CONTOUR_LABEL_SIZE, MARKER_RADIUS};
use super::svg::Frame;

/// Labels closer than this many half-widths apart pay [`SPREAD_WEIGHT`] per pixel.
const SPREAD_DISTANCE: f64 = 6.0;
/// Cost of a pixel of crowding, against 1 per pixel away from a line's middle.
const SPREAD_WEIGHT: f64 = 2.0;

/// Cost of a data point over a label, against 1 per pixel away from a line's middle.
const COVERED_POINT_COST: f64 = 60.0;

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

/// A level as its label writes it: three decimals, as matplotlib's default did.
pub(crate) fn level_text(level: f64) -> String {
    format!("{level:.3}")
}

/// Half the gap a label needs along and across its line. No font is embedded, so the width is
/// estimated generously from the characters (digits are 0.56 em in Arial, 0.64 em in DejaVu).
pub(crate) fn label_half_size(text: &str) -> (f64, f64) {
    let size = f64::from(CONTOUR_LABEL_SIZE);
    let em: f64 = text
        .chars()
        .map(|c| if c == '.' { 0.32 } else { 0.62 })
        .sum();
    (em * size / 2.0 + 3.0, 0.42 * size + 1.0)
}

/// A polyline with its cumulative arc length, for walking along it.
struct Walk<'a> {
    points: &'a [Point],
    arc: Vec<f64>,
}

impl<'a> Walk<'a> {
    fn new(points: &'a [Point]) -> Self {
        let steps = points.windows(2).scan(0.0, |total, pair| {
            *total += distance(pair[0], pair[1]);
            Some(*total)
        });
        let arc = std::iter::once(0.0).chain(steps).collect();
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
            placed.extend(best.map(|(_, label)| label));
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
    let label = ContourLabel {
        level: levels[level_index].level,
        text: text.to_string(),
        centre: walk.at(s),
        angle: upright(libm::atan2(b.1 - a.1, b.0 - a.0).to_degrees()),
        half_width,
        half_height,
    };
    let rect = label.rect();
    let inside = rect.corners().iter().all(|&(x, y)| {
        (frame.left + 1.0..=frame.right - 1.0).contains(&x)
            && (frame.top + 1.0..=frame.bottom - 1.0).contains(&y)
    });
    if !inside {
        return None;
    }
    // Labels keep a small margin between them so they read as separate words.
    let roomy = rect.grown(1.5);
    if placed.iter().any(|other| roomy.overlaps(&other.rect())) {
        return None;
    }
    let own_stretch = (s0 - half_height, s1 + half_height);
    let crossings = crossings(levels, (level_index, line_index), walk, own_stretch, &roomy);
    // Spread labels out along crowded lines instead of stacking them in the middle: being
    // near another label costs more than moving away from the middle.
    let nearest = placed
        .iter()
        .map(|other| distance(other.centre, label.centre))
        .fold(f64::INFINITY, f64::min);
    let crowding = (SPREAD_DISTANCE * half_width - nearest).max(0.0);
    // A data point on the label hides part of it: worth moving a label some way to avoid.
    let covered = scene
        .obstacles
        .iter()
        .filter(|&&p| rect.grown(MARKER_RADIUS + 1.0).contains(p))
        .count();
    let cost = crossings as f64 * 10_000.0
        + covered as f64 * COVERED_POINT_COST
        + (s - walk.length() / 2.0).abs()
        + SPREAD_WEIGHT * crowding;
    Some((cost, label))
}

/// How many segments of the lines cross `roomy`, but for those of the label's own line (`own`,
/// walked by `walk`) within arc lengths `lo` to `hi`, which are meant to pass through it.
fn crossings(
    levels: &[LevelLines],
    own: (usize, usize),
    walk: &Walk<'_>,
    (lo, hi): (f64, f64),
    roomy: &OrientedRect,
) -> usize {
    let mut crossings = 0;
    for (li, level) in levels.iter().enumerate() {
        for (pi, line) in level.lines.iter().enumerate() {
            let own_line = (li, pi) == own;
            for (k, pair) in line.windows(2).enumerate() {
                let on_stretch = own_line && walk.arc[k + 1] >= lo && walk.arc[k] <= hi;
                if !on_stretch && roomy.clip_segment(pair[0], pair[1]).is_some() {
                    crossings += 1;
                }
            }
        }
    }
    crossings
}
