//! What the page says of the optimiser's way to its answer and of the regularisation path:
//! figures 10 to 13 in words and numbers, and the frames of the λ control.

use serde::Serialize;

use super::format::{count, fixed, objective, percent, sci};
use crate::descent::MAX_ITERATIONS as DESCENT_CAP;
use crate::numbers::label;
use crate::study::{Convergence, Study};

/// One method of figure 10.
#[derive(Clone, Serialize)]
pub(super) struct MethodContext {
    method: &'static str,
    iterations: String,
    passes: String,
    last: String,
    converged: bool,
}

/// Figure 10 and 11 in numbers.
#[derive(Clone, Serialize)]
pub(super) struct MotionContext {
    /// Whether an optimum was certified to measure distances to.
    certified: bool,
    /// Why not, where it was not.
    why: Option<String>,
    methods: Vec<MethodContext>,
    /// Gradient descent's iteration limit.
    cap: String,
}

/// One frame of the λ control: a fit of the path.
#[derive(Clone, Serialize)]
pub(super) struct FrameContext {
    /// Its place, for the element ids.
    k: usize,
    lambda: String,
    weight_norm: String,
    fun: String,
    accuracy: String,
    nit: u64,
    status: i32,
    verdict: &'static str,
    confirmed: bool,
    /// Newton's status from the same start.
    newton_status: i32,
    /// The frame shown before the reader chooses.
    checked: bool,
    /// One of the strengths the run compares.
    in_run: bool,
}

/// The path in numbers.
#[derive(Clone, Serialize)]
pub(super) struct PathContext {
    count: usize,
    /// How many of its fits BFGS and Newton's method found at the same point.
    confirmed: usize,
    /// The passes its fits made, and the path's share of the run's.
    passes: String,
    descent_passes: String,
    total_passes: String,
    frames: Vec<FrameContext>,
}

pub(super) fn motion(study: &Study) -> MotionContext {
    let (certified, why, methods) = match &study.views.convergence {
        Convergence::Certified { traces, .. } => {
            let methods = traces
                .iter()
                .map(|t| MethodContext {
                    method: t.method.name(),
                    iterations: count(t.iterations as usize),
                    passes: count(t.passes as usize),
                    last: t.points.last().map_or_else(|| "0".into(), |p| sci(p.1)),
                    converged: t.status.success(),
                })
                .collect();
            (true, None, methods)
        }
        Convergence::Uncertified(why) => (false, Some(why.clone()), Vec::new()),
    };
    MotionContext {
        certified,
        why,
        methods,
        cap: count(DESCENT_CAP as usize),
    }
}

pub(super) fn path(study: &Study) -> PathContext {
    // The frame shown first: the first of the run's strengths on the path, else λ = 0.
    let shown = (study.config.lambdas.iter())
        .find_map(|l| study.path.iter().position(|f| f.lambda == l.get()))
        .unwrap_or(0);
    let passes = &study.passes;
    PathContext {
        count: study.path.len(),
        confirmed: study.path.iter().filter(|f| f.confirmed()).count(),
        passes: count(passes.path.total() as usize),
        descent_passes: count(passes.gradient_descent as usize),
        total_passes: count(passes.total as usize),
        frames: study
            .path
            .iter()
            .enumerate()
            .map(|(k, fit)| FrameContext {
                k,
                lambda: label(fit.lambda),
                weight_norm: fixed(fit.weight_norm, 2),
                fun: objective(fit.result.fun),
                accuracy: percent(fit.accuracy),
                nit: fit.result.nit,
                status: fit.result.status.code(),
                verdict: fit.result.status.verdict(),
                confirmed: fit.confirmed(),
                newton_status: fit.newton.result.status.code(),
                checked: k == shown,
                in_run: study.config.lambdas.iter().any(|l| l.get() == fit.lambda),
            })
            .collect(),
    }
}
