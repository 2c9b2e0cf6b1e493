//! How the fits get where they end: gradient descent beside BFGS and Newton's method on the
//! fuzzy data, the distance of every iterate to the certified optimum, the growth of ‖w‖ on
//! the separable data, and the regularisation path (a warm-started fit at every λ of a grid).

use crate::descent::DescentResult;
use crate::fit::{FitError, Iterate, Status};
use crate::linalg::norm2;
use crate::model::Lambda;

use super::fits::{FitPlan, LogisticFit};

/// The regularisation path's strengths above 0: from 10^FIRST to 10^LAST decades, STEPS a
/// decade.
const PATH_DECADES: (i32, i32) = (-3, 3);
/// Grid points per decade of the path.
const PATH_STEPS: i32 = 4;

/// The path's strengths in increasing order: 0, then 10⁻³ to 10³ at four a decade (26 in all).
pub fn path_lambdas() -> Vec<Lambda> {
    let (first, last) = PATH_DECADES;
    let grid = (first * PATH_STEPS..=last * PATH_STEPS).map(|k| {
        // Whole decades exactly (1e-3, not 0.0010000000000000002).
        let value = match k % PATH_STEPS {
            0 => format!("1e{}", k / PATH_STEPS).parse().unwrap_or(f64::NAN),
            _ => libm::pow(10.0, f64::from(k) / f64::from(PATH_STEPS)),
        };
        Lambda::new(value).ok()
    });
    std::iter::once(Lambda::constant(0.0))
        .chain(grid.flatten())
        .collect()
}

/// The path: a fit at each of [`path_lambdas`], from the largest λ (started at the plan's w0)
/// down to λ = 0, each started where the previous one ended. Returned in increasing λ; each
/// fit's `w0` is where it started.
pub fn path(plan: &FitPlan<'_>) -> Result<Vec<LogisticFit>, FitError> {
    let mut fits: Vec<LogisticFit> = Vec::new();
    for lambda in path_lambdas().into_iter().rev() {
        let start = match fits.last().map(|previous| &previous.result.x) {
            Some(x) if x.iter().all(|v| v.is_finite()) => [x[0], x[1], x[2]],
            _ => plan.w0,
        };
        fits.push(plan.fit_from(lambda, start)?);
    }
    fits.reverse();
    Ok(fits)
}

/// The methods figure 10 compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// BFGS, as every fit of the study.
    Bfgs,
    /// Newton's method, the fits' cross-check.
    Newton,
    /// Gradient descent with backtracking.
    GradientDescent,
}

impl Method {
    /// Its name in the report: "BFGS", "Newton's method", "gradient descent".
    pub fn name(self) -> &'static str {
        match self {
            Method::Bfgs => "BFGS",
            Method::Newton => "Newton's method",
            Method::GradientDescent => "gradient descent",
        }
    }
}

/// One method's way to the optimum: its distance there at each iteration.
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    /// Which method.
    pub method: Method,
    /// (iteration, ‖w − optimum‖₂) for every iterate not exactly at the optimum.
    pub points: Vec<(u64, f64)>,
    /// Iterations taken.
    pub iterations: u64,
    /// Passes over the data it cost, as its own records count them.
    pub passes: u64,
    /// How it ended: 0 when it certified its own answer, 1 at its iteration limit, ….
    pub status: Status,
}

/// Figure 10's numbers: where the fuzzy fit's optimum is, and how each method approached it.
#[derive(Clone, Debug, PartialEq)]
pub enum Convergence {
    /// BFGS and Newton's method agree on the optimum within the tolerance: distances to
    /// Newton's answer (the more precise of the two).
    Certified {
        /// The optimum measured from.
        optimum: [f64; 3],
        /// BFGS, Newton's method, gradient descent.
        traces: Vec<Trace>,
    },
    /// No optimum was certified, so there is nothing to measure distances to.
    Uncertified(String),
}

/// The distances of `iterates` to `optimum`.
fn trace(method: Method, iterates: &[Iterate], optimum: [f64; 3], status: &Status) -> Trace {
    let points = iterates
        .iter()
        .enumerate()
        .filter_map(|(k, it)| {
            let gap: Vec<f64> = it.w.iter().zip(optimum).map(|(a, b)| a - b).collect();
            let distance = norm2(&gap);
            (distance > 0.0).then_some((k as u64, distance))
        })
        .collect();
    Trace {
        method,
        points,
        iterations: iterates.len().saturating_sub(1) as u64,
        passes: iterates.last().map_or(0, |it| it.passes),
        status: status.clone(),
    }
}

/// The convergence of the three methods on the fuzzy fit.
pub(crate) fn convergence(fuzzy_fit: &LogisticFit, descent: &DescentResult) -> Convergence {
    if !fuzzy_fit.confirmed() {
        return Convergence::Uncertified(format!(
            "{} was not certified (BFGS status {}, Newton's method status {})",
            fuzzy_fit.describe(),
            fuzzy_fit.result.status.code(),
            fuzzy_fit.newton.result.status.code()
        ));
    }
    let (bfgs, newton) = (&fuzzy_fit.result, &fuzzy_fit.newton.result);
    let optimum = newton.x;
    let traces = [
        (Method::Bfgs, &bfgs.iterates, &bfgs.status),
        (Method::Newton, &newton.iterates, &newton.status),
        (Method::GradientDescent, &descent.iterates, &descent.status),
    ];
    Convergence::Certified {
        optimum,
        traces: traces.map(|(m, i, s)| trace(m, i, optimum, s)).into(),
    }
}

/// Figure 11's numbers for one separable fit: ‖w‖ at each of its iterations.
#[derive(Clone, Debug, PartialEq)]
pub struct Growth {
    /// The fit's λ.
    pub lambda: f64,
    /// ‖w‖₂ at each iterate, from w0.
    pub norms: Vec<f64>,
    /// The fit's status code.
    pub status: i32,
}

/// ‖w‖ along each fit's iterates.
pub(crate) fn growth(fits: &[LogisticFit]) -> Vec<Growth> {
    fits.iter()
        .map(|fit| Growth {
            lambda: fit.lambda,
            norms: fit.result.iterates.iter().map(|it| norm2(&it.w)).collect(),
            status: fit.result.status.code(),
        })
        .collect()
}
