//! Figures 10 to 12: how close each method is to the optimum at each iteration, how far the
//! separable fits' weights grow, and the weights along the regularisation path.

use crate::descent::MAX_ITERATIONS as DESCENT_CAP;
use crate::fit::Status;
use crate::numbers::{bounds, counted, two_digits};
use crate::study::{Convergence, Growth, LogisticFit, Method, Trace};

use super::spec::{FigureError, FigureSpec};
use super::style::{FONT, TITLE_SIZE};
use super::svg::{TITLE_BAND, draw_title, finish_figure, number, px, with_canvas};
use super::traces::{Corner, Lines, Series, TEXT_SIZE, draw_lines};

/// One panel of lines.
const PANEL: (u32, u32) = (480, 380);
/// The left panel of figure 10 shows this many iterations more than BFGS and Newton's method
/// took, so that their last points stand clear of the frame.
const MARGIN_ITERATIONS: u64 = 2;

/// Figure 10 gets a second panel for the first iterations when gradient descent ran more
/// than this many times as long as the slower of BFGS and Newton's method.
const SPLIT_RATIO: u64 = 4;

/// Where λ = 0 stands on the path's decade axis, apart from the grid (10⁻³ to 10³).
const ZERO_AT: f64 = -4.0;

/// "BFGS: 16 iterations, 18 passes".
fn trace_label(trace: &Trace) -> String {
    let capped = match trace.status {
        Status::MaxIterations => " (the cap)",
        _ => "",
    };
    format!(
        "{}: {}{capped}, {}",
        trace.method.name(),
        counted(trace.iterations, "iteration", "iterations"),
        counted(trace.passes, "pass", "passes")
    )
}

/// A trace as a series on a decade y axis, its iterations up to `last`.
fn trace_series(trace: &Trace, last: u64) -> Series {
    let points: Vec<(f64, f64)> = trace
        .points
        .iter()
        .filter(|(k, _)| *k <= last)
        .map(|&(k, d)| (k as f64, libm::log10(d)))
        .collect();
    Series {
        label: trace_label(trace),
        open: vec![false; points.len()],
        points,
    }
}

/// Figure 10: the distance to the certified optimum at each iteration of each method; where
/// gradient descent ran much longer than the others, a second panel on the left shows their
/// first iterations.
pub(crate) fn convergence(spec: &FigureSpec, data: &Convergence) -> Result<String, FigureError> {
    let traces = match data {
        Convergence::Certified { traces, .. } => traces,
        Convergence::Uncertified(why) => return uncertified(spec, why),
    };
    let decades = traces
        .iter()
        .flat_map(|t| &t.points)
        .map(|p| libm::log10(p.1));
    let (lo, hi) = bounds(decades);
    let y = ((lo - 0.5).floor(), (hi + 0.5).ceil());
    let fast = traces
        .iter()
        .filter(|t| t.method != Method::GradientDescent);
    let short = fast.map(|t| t.iterations).max().unwrap_or(0) + MARGIN_ITERATIONS;
    let long = traces
        .iter()
        .map(|t| t.iterations)
        .max()
        .unwrap_or(0)
        .max(1);
    // One panel, unless gradient descent ran so much longer that the others would be a sliver
    // at its start: then their iterations on the left, all of them on the right.
    let all = (long, format!("All {long} iterations"), Corner::LowerLeft);
    let views = if long > SPLIT_RATIO * short {
        let first = format!("The first {short} iterations");
        vec![(short, first, Corner::UpperRight), all]
    } else {
        vec![all]
    };
    let (width, height) = (PANEL.0 * views.len() as u32, PANEL.1);
    let (plotters_svg, extra) = with_canvas(spec, (width, height), |root| {
        let (panels, titled) = match views.len() {
            1 => (vec![root.clone()], false),
            _ => {
                draw_title(root, spec, spec.title, TITLE_SIZE)?;
                let (_, below) = root.split_vertically(TITLE_BAND);
                (below.split_evenly((1, views.len())), true)
            }
        };
        let mut extra = String::new();
        for (area, (last, title, legend)) in panels.iter().zip(views.iter().cloned()) {
            let series: Vec<Series> = traces.iter().map(|t| trace_series(t, last)).collect();
            let lines = Lines {
                title: if titled { &title } else { spec.title },
                x: (0.0, last as f64),
                y,
                descs: ("iteration", "distance to the optimum"),
                decades: (false, true),
                series: &series,
                marks: &[],
                special_tick: None,
                legend,
            };
            extra.push_str(&draw_lines(area, spec, &lines)?.0);
        }
        Ok(extra)
    })?;
    let each: Vec<String> = traces
        .iter()
        .map(|t| {
            let end = t.points.last().map_or(0.0, |p| p.1);
            format!("{}, last distance {}", trace_label(t), two_digits(end))
        })
        .collect();
    let desc = format!(
        "The distance ‖w − w*‖₂ from each iterate to the optimum w* of the fuzzy fit (as \
         Newton's method certified it, BFGS agreeing), on a logarithmic scale, for three methods \
         started from the same w0: {}. Gradient descent is capped at {DESCENT_CAP} iterations. \
         A point exactly at the optimum has no logarithm and is left out.{}",
        each.join("; "),
        match views.len() {
            1 => String::new(),
            _ => format!(
                " The left panel shows the first {short} iterations, the right one all {long}."
            ),
        }
    );
    Ok(finish_figure(spec, (&plotters_svg, &extra), &desc))
}

/// A figure that says why it has nothing to draw.
fn uncertified(spec: &FigureSpec, why: &str) -> Result<String, FigureError> {
    let (plotters_svg, extra) = with_canvas(spec, PANEL, |root| {
        draw_title(root, spec, spec.title, TITLE_SIZE)?;
        Ok(format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-family=\"{FONT}\" \
             font-size=\"15\">No certified optimum to measure distances to.</text>\n",
            PANEL.0 / 2,
            PANEL.1 / 2,
        ))
    })?;
    let desc = format!("Nothing is drawn: {why}, so no distance to an optimum can be measured.");
    Ok(finish_figure(spec, (&plotters_svg, &extra), &desc))
}

/// "λ = 0.1 (status 0)".
fn growth_label(g: &Growth) -> String {
    format!("λ = {} (status {})", number(g.lambda), g.status)
}

/// Figure 11: ‖w‖ at each iteration of each separable fit.
pub(crate) fn growth(spec: &FigureSpec, fits: &[Growth]) -> Result<String, FigureError> {
    let series: Vec<Series> = fits
        .iter()
        .map(|g| Series {
            label: growth_label(g),
            points: g
                .norms
                .iter()
                .enumerate()
                .map(|(k, &n)| (k as f64, libm::log10(n)))
                .collect(),
            open: vec![false; g.norms.len()],
        })
        .collect();
    let longest = fits.iter().map(|g| g.norms.len()).max().unwrap_or(1);
    let (lo, hi) = bounds(fits.iter().flat_map(|g| &g.norms).map(|&n| libm::log10(n)));
    let lines = Lines {
        title: spec.title,
        x: (0.0, longest.saturating_sub(1).max(1) as f64),
        y: ((lo - 0.3).floor(), (hi + 0.3).ceil()),
        descs: ("iteration", "‖w‖"),
        decades: (false, true),
        series: &series,
        marks: &[],
        special_tick: None,
        legend: Corner::LowerRight,
    };
    let (plotters_svg, extra) =
        with_canvas(spec, PANEL, |root| Ok(draw_lines(root, spec, &lines)?.0))?;
    let each: Vec<String> = fits
        .iter()
        .map(|g| {
            format!(
                "{}: {} from {} to {}",
                growth_label(g),
                counted(g.norms.len().saturating_sub(1), "iteration", "iterations"),
                two_digits(g.norms.first().copied().unwrap_or(f64::NAN)),
                two_digits(g.norms.last().copied().unwrap_or(f64::NAN))
            )
        })
        .collect();
    let desc = format!(
        "The length ‖w‖₂ of the weights at each iteration of BFGS on the separable data, one \
         line per λ: {}.",
        each.join("; ")
    );
    Ok(finish_figure(spec, (&plotters_svg, &extra), &desc))
}

/// Where a path λ stands on the decade axis.
fn lambda_at(lambda: f64) -> f64 {
    match lambda {
        0.0 => ZERO_AT,
        l => libm::log10(l),
    }
}

/// Figure 12: b, w1 and w2 against λ along the path, the run's strengths marked.
pub(crate) fn path(
    spec: &FigureSpec,
    fits: &[LogisticFit],
    run_lambdas: &[f64],
) -> Result<String, FigureError> {
    // λ = 0 has no point when its fit found no minimum: there is nothing to draw.
    let drawn: Vec<&LogisticFit> = fits
        .iter()
        .filter(|f| f.lambda > 0.0 || f.result.success())
        .collect();
    let series: Vec<Series> = ["b", "w1", "w2"]
        .iter()
        .enumerate()
        .map(|(k, name)| Series {
            label: name.to_string(),
            points: drawn
                .iter()
                .map(|f| (lambda_at(f.lambda), f.result.x[k]))
                .collect(),
            open: drawn.iter().map(|f| !f.confirmed()).collect(),
        })
        .collect();
    let values = series.iter().flat_map(|s| &s.points).map(|p| p.1);
    let (lo, hi) = values.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let pad = (hi - lo) * 0.06 + 1e-9;
    let marks: Vec<(f64, String)> = run_lambdas
        .iter()
        .filter(|l| **l == 0.0 || (1e-3..=1e3).contains(*l))
        .map(|&l| (lambda_at(l), format!("λ = {}", crate::numbers::label(l))))
        .collect();
    let lines = Lines {
        title: spec.title,
        x: (ZERO_AT - 0.5, 3.5),
        y: (lo - pad, hi + pad),
        descs: ("λ", "weight at the optimum"),
        decades: (true, false),
        series: &series,
        marks: &marks,
        special_tick: Some((ZERO_AT, "0")),
        legend: Corner::UpperRight,
    };
    let (plotters_svg, extra) = with_canvas(spec, PANEL, |root| {
        let (mut extra, frame) = draw_lines(root, spec, &lines)?;
        if !fits.iter().any(|f| f.lambda == 0.0 && f.result.success()) {
            let (x, y) = frame.pixel(ZERO_AT, (lines.y.0 + lines.y.1) / 2.0);
            extra.push_str(&format!(
                "<text class=\"no-minimum\" x=\"{0}\" y=\"{1}\" transform=\"rotate(-90 {0} {1})\" \
                 text-anchor=\"middle\" dy=\"-4\" font-family=\"{FONT}\" \
                 font-size=\"{TEXT_SIZE}\">no minimum at λ = 0</text>\n",
                px(x),
                px(y),
            ));
        }
        // The break between λ = 0 and the grid.
        let (x, y) = frame.pixel(ZERO_AT + 0.5, lines.y.0);
        extra.push_str(&format!(
            "<path class=\"axis-break\" d=\"M{0} {1}l6 -12M{2} {1}l6 -12\" stroke=\"#000\"/>\n",
            px(x - 5.0),
            px(y + 6.0),
            px(x + 1.0),
        ));
        Ok(extra)
    })?;
    let desc = path_desc(fits, run_lambdas, &drawn);
    Ok(finish_figure(spec, (&plotters_svg, &extra), &desc))
}

/// Figure 12's description: what is drawn, what is not and why.
fn path_desc(fits: &[LogisticFit], run_lambdas: &[f64], drawn: &[&LogisticFit]) -> String {
    let uncertified = drawn.iter().filter(|f| !f.confirmed()).count();
    let zero = match fits.iter().find(|f| f.lambda == 0.0) {
        Some(f) if !f.result.success() => format!(
            " At λ = 0 (drawn apart, left of the break) BFGS found no minimum (status {}), so \
             no weights are drawn there.",
            f.result.status.code()
        ),
        Some(_) => " λ = 0 is drawn apart, left of the break.".to_string(),
        None => String::new(),
    };
    let outside: Vec<String> = run_lambdas
        .iter()
        .filter(|l| **l != 0.0 && !(1e-3..=1e3).contains(*l))
        .map(|l| number(*l))
        .collect();
    let outside = match outside.is_empty() {
        true => String::new(),
        false => format!(" Outside the path's range: λ = {}.", outside.join(", ")),
    };
    let ends = |f: Option<&&LogisticFit>| {
        f.map_or(String::new(), |f| {
            format!(
                "[{}, {}, {}] at λ = {}",
                two_digits(f.result.x[0]),
                two_digits(f.result.x[1]),
                two_digits(f.result.x[2]),
                number(f.lambda)
            )
        })
    };
    format!(
        "The fitted bias b and weights w1 and w2 of the separable data against λ on a \
         logarithmic axis from 10⁻³ to 10³, {} fits each started where the fit at the next \
         larger λ ended: from {} to {}, shrinking towards 0 as λ grows. {} drawn open (not \
         confirmed by Newton's method).{zero} Dashed lines mark the run's strengths.{outside}",
        fits.len(),
        ends(drawn.first()),
        ends(drawn.last()),
        counted(uncertified, "point is", "points are"),
    )
}
