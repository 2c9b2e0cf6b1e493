//! The gradient check: the analytic gradient at the starting point against an independent
//! computation, reported as scipy's `check_grad` reports it.

use super::rules::GRADIENT_CHECK_TOLERANCE;
use crate::linalg::norm2;
use crate::model::Objective;

/// What the analytic gradient was compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckMethod {
    /// The objective's own independent computation ([`Objective::reference_gradient`]; for
    /// the logistic loss, forward-mode differentiation of the plain formula with `libm`).
    Reference,
    /// Central differences of the value, for objectives without a reference.
    CentralDifferences,
}

impl CheckMethod {
    /// A short name for results.json.
    pub fn as_str(self) -> &'static str {
        match self {
            CheckMethod::Reference => "independent reference",
            CheckMethod::CentralDifferences => "central differences",
        }
    }
}

/// The analytic gradient compared with a reference, as scipy's `check_grad` reports.
#[derive(Clone, Debug, PartialEq)]
pub struct GradientCheck {
    /// ‖analytic − reference‖₂ (what `check_grad` returns).
    pub error: f64,
    /// `error / max(1, ‖analytic‖₂)`.
    pub relative: f64,
    /// The largest `relative` accepted.
    pub tolerance: f64,
    /// What the analytic gradient was compared with.
    pub method: CheckMethod,
}

impl GradientCheck {
    /// True when the check passed (a NaN error fails it).
    pub fn passed(&self) -> bool {
        self.relative <= self.tolerance
    }
}

/// Compares the analytic gradient at `w` with the objective's independent reference, or with
/// central differences of the value where it has none (step ε^(1/3)·max(1, |wᵢ|) per
/// coordinate, which balances truncation and rounding).
pub fn check_gradient<O: Objective + ?Sized>(objective: &O, w: &[f64]) -> GradientCheck {
    if let Some(reference) = objective.reference_gradient(w) {
        return check_gradient_against(objective, w, &reference);
    }
    let dim = objective.dim();
    let mut analytic = vec![0.0; dim];
    objective.value_and_gradient(w, &mut analytic);
    let mut scratch = vec![0.0; dim];
    let mut point = w.to_vec();
    let mut numeric = vec![0.0; dim];
    for i in 0..dim {
        let h = f64::EPSILON.cbrt() * w[i].abs().max(1.0);
        let (up_x, down_x) = (w[i] + h, w[i] - h);
        point[i] = up_x;
        let up = objective.value_and_gradient(&point, &mut scratch);
        point[i] = down_x;
        let down = objective.value_and_gradient(&point, &mut scratch);
        point[i] = w[i];
        numeric[i] = (up - down) / (up_x - down_x);
    }
    compare(&analytic, &numeric, CheckMethod::CentralDifferences)
}

/// Compares the analytic gradient at `w` with `reference`, a gradient computed elsewhere (the
/// study computes the data part once per data set and adds 2λ·w0 per fit).
pub fn check_gradient_against<O: Objective + ?Sized>(
    objective: &O,
    w: &[f64],
    reference: &[f64],
) -> GradientCheck {
    let mut analytic = vec![0.0; objective.dim()];
    objective.value_and_gradient(w, &mut analytic);
    compare(&analytic, reference, CheckMethod::Reference)
}

pub(super) fn compare(analytic: &[f64], reference: &[f64], method: CheckMethod) -> GradientCheck {
    let difference: Vec<f64> = if analytic.len() == reference.len() {
        analytic.iter().zip(reference).map(|(a, r)| a - r).collect()
    } else {
        vec![f64::NAN]
    };
    let error = norm2(&difference);
    GradientCheck {
        error,
        relative: error / norm2(analytic).max(1.0),
        tolerance: GRADIENT_CHECK_TOLERANCE,
        method,
    }
}
