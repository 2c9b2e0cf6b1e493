//! What the figures show, computed here: the curves at the points they are drawn, the colour
//! ramp of σ over the plane, and the lines of equal probability of every model drawn. The
//! figures turn these numbers into pixels and compute none of their own.
//!
//! The lines are exact: σ(b + w1·x1 + w2·x2) = p on the straight line b + w1·x1 + w2·x2 =
//! logit(p), cut to the square the plane figures show (Liang–Barsky clipping).

use crate::data::Dataset;
use crate::fastmath::sigmoid;
use crate::model::{Line, loss_along_w1};

use super::demo::OptimizerDemo;
use super::fits::LogisticFit;
use super::motion::{self, Convergence, Growth};
use crate::descent::DescentResult;

/// Points on each curve (figures 2, 5 and 6).
pub const CURVE_POINTS: usize = 100;
/// The x range of the sigmoid and optimiser-demo curves.
pub const CURVE_RANGE: (f64, f64) = (-5.0, 5.0);
/// Figure 6 shows w1 within this distance of the fitted value.
pub const LOSS_WINDOW: f64 = 2.0;
/// The square [lo, hi]² the plane figures show (figures 3, 4, 7 and 9).
pub const PLANE_RANGE: (f64, f64) = (-5.0, 5.0);
/// The contour levels of σ drawn and labelled: 0.125, 0.25, …, 0.875.
pub const CONTOUR_LEVELS: [f64; 7] = [0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875];
/// Steps of σ between the colour ramp's stops: the colour between two stops never changes by
/// more than one such step of the colour map.
pub const RAMP_STEPS: usize = 64;

/// A sampled curve, and the point marked on it, if any.
#[derive(Clone, Debug, PartialEq)]
pub struct Curve {
    /// (x, y) in order of x.
    pub points: Vec<(f64, f64)>,
    /// The marked point, e.g. the minimum found.
    pub marked: Option<(f64, f64)>,
}

/// The part of the line σ = `level` inside the square.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LevelLine {
    /// The value of σ along it.
    pub level: f64,
    /// One end, (x1, x2), on the square's border.
    pub from: (f64, f64),
    /// The other end.
    pub to: (f64, f64),
}

/// A model drawn over the plane: its weights and its lines of equal probability.
#[derive(Clone, Debug, PartialEq)]
pub struct Plane {
    /// [b, w1, w2].
    pub w: [f64; 3],
    /// The levels whose line crosses the square, in increasing order.
    pub lines: Vec<LevelLine>,
}

/// σ over the square as a colour ramp: constant along lines of equal z, so one ramp along
/// the gradient of z describes it.
#[derive(Clone, Debug, PartialEq)]
pub enum ColourRamp {
    /// σ changes by less than one step over the square: one value stands for all of it.
    Flat(f64),
    /// σ from the square's lowest z to its highest.
    Along {
        /// The lowest and highest z over the square (at two of its corners).
        z: (f64, f64),
        /// (offset along the ramp in [0, 1], σ there), at equal steps of σ.
        stops: Vec<(f64, f64)>,
    },
}

/// Every number the figures draw.
#[derive(Clone, Debug, PartialEq)]
pub struct Views {
    /// Figure 2: σ(z).
    pub sigmoid: Curve,
    /// Figure 5: f(x) = x² − 2x, with the minimum BFGS found marked.
    pub demo: Curve,
    /// Figure 6: the fuzzy fit's loss along w1, its optimum marked.
    pub loss: Curve,
    /// Figures 3 and 4: the starting weights.
    pub start: Plane,
    /// Figure 3: σ of the starting weights as colours.
    pub ramp: ColourRamp,
    /// Figure 7: the fuzzy fit.
    pub fitted: Plane,
    /// Figure 9: one plane per separable fit, in the order of the fits.
    pub separable: Vec<Plane>,
    /// Figure 10: how BFGS, Newton's method and gradient descent closed in on the fuzzy fit's
    /// optimum.
    pub convergence: Convergence,
    /// Figure 11: ‖w‖ along each separable fit.
    pub growth: Vec<Growth>,
    /// Figure 13: one plane per fit of the regularisation path, in increasing λ.
    pub path: Vec<Plane>,
}

/// The views of a study's results.
pub(crate) fn compute(
    w0: [f64; 3],
    demo_minimum: f64,
    fuzzy: &Dataset,
    fuzzy_fit: &LogisticFit,
    separable_fits: &[LogisticFit],
    (descent, path): (&DescentResult, &[LogisticFit]),
) -> Views {
    let curve_x = Line::spanning(CURVE_RANGE.0, CURVE_RANGE.1, CURVE_POINTS);
    let sample = |f: &dyn Fn(f64) -> f64| -> Vec<(f64, f64)> {
        (0..curve_x.count)
            .map(|k| curve_x.at(k))
            .map(|x| (x, f(x)))
            .collect()
    };
    let weights = |fit: &LogisticFit| [fit.result.x[0], fit.result.x[1], fit.result.x[2]];
    let w = weights(fuzzy_fit);
    let along = Line::spanning(w[1] - LOSS_WINDOW, w[1] + LOSS_WINDOW, CURVE_POINTS);
    let loss = loss_along_w1(fuzzy, fuzzy_fit.lambda, w[0], w[2], along);
    Views {
        sigmoid: Curve {
            points: sample(&sigmoid),
            marked: None,
        },
        demo: Curve {
            points: sample(&OptimizerDemo::value),
            marked: Some((demo_minimum, OptimizerDemo::value(demo_minimum))),
        },
        loss: Curve {
            points: (0..along.count).map(|k| (along.at(k), loss[k])).collect(),
            marked: Some((w[1], fuzzy_fit.result.fun)),
        },
        start: plane(w0),
        ramp: ramp(w0),
        fitted: plane(w),
        separable: separable_fits.iter().map(|f| plane(weights(f))).collect(),
        convergence: motion::convergence(fuzzy_fit, descent),
        growth: motion::growth(separable_fits),
        path: path.iter().map(|f| plane(weights(f))).collect(),
    }
}

/// logit(p) = ln(p / (1 − p)), the z at which σ(z) = p.
pub fn logit(p: f64) -> f64 {
    libm::log(p / (1.0 - p))
}

/// The model `w` over the square, with its lines of equal probability.
pub fn plane(w: [f64; 3]) -> Plane {
    Plane {
        w,
        lines: CONTOUR_LEVELS
            .iter()
            .filter_map(|&level| {
                let (from, to) = clip_line(w, logit(level), PLANE_RANGE)?;
                Some(LevelLine { level, from, to })
            })
            .collect(),
    }
}

/// The segment of the line b + w1·x1 + w2·x2 = z inside [lo, hi]², if it crosses it.
pub fn clip_line(w: [f64; 3], z: f64, (lo, hi): (f64, f64)) -> Option<((f64, f64), (f64, f64))> {
    let [b, w1, w2] = w;
    // A point on the line and its direction: along the axis the line is steeper against,
    // so the parameter is well conditioned.
    let (origin, direction) = if w2.abs() >= w1.abs() {
        if w2 == 0.0 {
            return None;
        }
        (
            (lo, (z - b - w1 * lo) / w2),
            (hi - lo, -w1 * (hi - lo) / w2),
        )
    } else {
        (
            ((z - b - w2 * lo) / w1, lo),
            (-w2 * (hi - lo) / w1, hi - lo),
        )
    };
    if !(origin.0.is_finite() && origin.1.is_finite() && direction.0.is_finite()) {
        return None;
    }
    // Liang–Barsky: keep t where lo ≤ origin + t·direction ≤ hi on both axes.
    let (mut t0, mut t1) = (f64::NEG_INFINITY, f64::INFINITY);
    for (start, delta) in [(origin.0, direction.0), (origin.1, direction.1)] {
        if delta == 0.0 {
            if start < lo || start > hi {
                return None;
            }
            continue;
        }
        let (a, b) = ((lo - start) / delta, (hi - start) / delta);
        t0 = t0.max(a.min(b));
        t1 = t1.min(a.max(b));
    }
    if t0 >= t1 {
        return None;
    }
    let at = |t: f64| (origin.0 + t * direction.0, origin.1 + t * direction.1);
    // Run with higher σ on the right (as contour tracers do), so that a line's direction, and
    // with it where its label's search begins, does not depend on which axis it was solved for.
    if direction.0 * w2 - direction.1 * w1 > 0.0 {
        Some((at(t1), at(t0)))
    } else {
        Some((at(t0), at(t1)))
    }
}

/// σ of `w` over the square as a colour ramp.
pub fn ramp(w: [f64; 3]) -> ColourRamp {
    let (lo, hi) = PLANE_RANGE;
    let corners = [(lo, lo), (lo, hi), (hi, lo), (hi, hi)];
    let (z_min, z_max) = crate::numbers::bounds(corners.map(|(x, y)| w[0] + w[1] * x + w[2] * y));
    let (s_min, s_max) = (sigmoid(z_min), sigmoid(z_max));
    if s_max - s_min < 1.0 / RAMP_STEPS as f64 {
        return ColourRamp::Flat((s_min + s_max) / 2.0);
    }
    ColourRamp::Along {
        z: (z_min, z_max),
        stops: (0..=RAMP_STEPS)
            .map(|k| {
                let s = s_min + (s_max - s_min) * k as f64 / RAMP_STEPS as f64;
                let z = logit(s).clamp(z_min, z_max);
                ((z - z_min) / (z_max - z_min), s)
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_cut_to_the_square() {
        // x1 = x2 through the origin: from corner to corner.
        let (a, b) = clip_line([0.0, 1.0, -1.0], 0.0, (-5.0, 5.0)).unwrap();
        assert_eq!((a, b), ((-5.0, -5.0), (5.0, 5.0)));
        // x2 = 3: horizontal, across, with higher σ (above) on the right going right to left.
        let (a, b) = clip_line([-3.0, 0.0, 1.0], 0.0, (-5.0, 5.0)).unwrap();
        assert_eq!((a, b), ((5.0, 3.0), (-5.0, 3.0)));
        // Outside the square, and no line at all.
        assert_eq!(clip_line([-30.0, 1.0, 1.0], 0.0, (-5.0, 5.0)), None);
        assert_eq!(clip_line([1.0, 0.0, 0.0], 0.0, (-5.0, 5.0)), None);
    }

    #[test]
    fn every_point_of_a_line_has_its_level() {
        let w = [2.0, 1.5, -2.0];
        let plane = plane(w);
        assert_eq!(plane.lines.len(), CONTOUR_LEVELS.len());
        for line in &plane.lines {
            for t in [0.0, 0.3, 1.0] {
                let x = line.from.0 + t * (line.to.0 - line.from.0);
                let y = line.from.1 + t * (line.to.1 - line.from.1);
                let p = sigmoid(w[0] + w[1] * x + w[2] * y);
                assert!((p - line.level).abs() < 1e-12, "{p} vs {}", line.level);
                assert!((-5.0 - 1e-12..=5.0 + 1e-12).contains(&x));
                assert!((-5.0 - 1e-12..=5.0 + 1e-12).contains(&y));
            }
        }
    }

    #[test]
    fn the_ramp_runs_from_the_lowest_to_the_highest_probability() {
        let ColourRamp::Along { z, stops } = ramp([2.0, 1.5, -2.0]) else {
            panic!("σ varies over the square");
        };
        assert_eq!(z, (2.0 - 7.5 - 10.0, 2.0 + 7.5 + 10.0));
        assert_eq!(stops.len(), RAMP_STEPS + 1);
        assert!(
            stops
                .windows(2)
                .all(|p| p[0].0 <= p[1].0 && p[0].1 < p[1].1)
        );
        assert!(matches!(ramp([0.0, 1e-4, 0.0]), ColourRamp::Flat(_)));
    }
}
