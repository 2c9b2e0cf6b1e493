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
