//! The tolerances and limits that decide how a fit ends: BFGS's three stopping rules, the
//! certificate of convergence, the iteration limits and the gradient check's bound.

/// The largest distance estimate, relative to max(1, ‖w‖∞), that counts as converged.
pub const DISTANCE_TOLERANCE: f64 = 1e-6;
/// BFGS's step rule: the largest quasi-Newton step, relative to max(1, ‖w‖∞).
pub const STEP_TOLERANCE: f64 = 1e-9;
/// BFGS's resolution rule: how many units of rounding of E the promised decrease may be.
pub const RESOLUTION_ULPS: f64 = 16.0;
/// BFGS's gradient rule: the largest gradient max-norm.
pub const GRADIENT_TOLERANCE: f64 = 1e-8;
/// The iteration limit per parameter (SciPy's default).
pub const MAX_ITERS_PER_PARAMETER: u64 = 200;
/// The most Newton steps taken after BFGS stops. From where BFGS's gradient rule fires, a
/// damped Newton step gains about one unit of margin, and even λ = 1e−12 needs fewer than 40.
pub const MAX_FINISHING_STEPS: u64 = 60;
/// The largest gradient-check error accepted, relative to max(1, ‖∇E‖₂).
pub const GRADIENT_CHECK_TOLERANCE: f64 = 1e-6;

/// A damped Newton step is accepted when E drops by this fraction of what the quadratic model
/// promises (Armijo's rule).
pub(crate) const ARMIJO_FRACTION: f64 = 1e-4;
/// Each refused damped step halves α.
pub(crate) const STEP_SHRINK: f64 = 0.5;
/// The smallest α a damped step tries.
pub(crate) const SMALLEST_STEP: f64 = 1e-10;
/// Below this many units of E's rounding, the promised decrease cannot be told from rounding.
pub(crate) const NEWTON_RESOLUTION_ULPS: f64 = 64.0;

/// The one line search of the Newton steps (the finishing steps after BFGS and the Newton
/// cross-check): α from 1, times [`STEP_SHRINK`] while `try_alpha(α)`'s value does not drop
/// below `fun` by [`ARMIJO_FRACTION`] · α · `decrement` (the decrease the quadratic model
/// promises, times two), down to [`SMALLEST_STEP`]. Where the promise is below E's rounding
/// values cannot rank the points, and the full step (exact for the quadratic model) is taken.
/// Returns what `try_alpha` made at the accepted α, and whether the step was unresolved
/// that way; `None` when no α lowers E.
pub(crate) fn damped_step<T>(
    fun: f64,
    decrement: f64,
    mut try_alpha: impl FnMut(f64) -> (f64, T),
) -> Option<(T, bool)> {
    if 0.5 * decrement <= NEWTON_RESOLUTION_ULPS * f64::EPSILON * fun.abs() {
        return Some((try_alpha(1.0).1, true));
    }
    backtrack(fun, decrement, try_alpha).map(|made| (made, false))
}

/// Armijo's backtracking alone: α from 1, times [`STEP_SHRINK`] while `try_alpha(α)`'s value
/// does not drop below `fun` by [`ARMIJO_FRACTION`] · α · `decrement`, down to
/// [`SMALLEST_STEP`]. Returns what `try_alpha` made at the accepted α; `None` when no α
/// lowers E that much (as when the decrease is below E's rounding).
pub(crate) fn backtrack<T>(
    fun: f64,
    decrement: f64,
    mut try_alpha: impl FnMut(f64) -> (f64, T),
) -> Option<T> {
    let mut alpha = 1.0;
    while alpha >= SMALLEST_STEP {
        let (value, made) = try_alpha(alpha);
        if value <= fun - ARMIJO_FRACTION * alpha * decrement {
            return Some(made);
        }
        alpha *= STEP_SHRINK;
    }
    None
}
