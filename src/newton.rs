//! The independent cross-check: Newton's method on the exact 3 × 3 Hessian.
//!
//! It shares nothing with the BFGS path but the objective: exact second derivatives,
//! Cholesky-solved Newton steps with backtracking, quadratic convergence, so its answer is
//! the optimum to the last few bits from any starting point (the tests start it from w0 as
//! well). It needs λ > 0 (a strictly convex objective with a finite minimiser).

use crate::error::{Error, Result};
use crate::model::LogisticObjective;

/// The most Newton iterations tried; the quadratic phase needs fewer than ten.
const MAX_ITERATIONS: usize = 100;

/// The optimum by Newton's method.
#[derive(Clone, Debug, PartialEq)]
pub struct NewtonResult {
    /// The minimiser.
    pub x: [f64; 3],
    /// The objective there.
    pub fun: f64,
    /// ‖∇E(x)‖∞.
    pub grad_max: f64,
    /// Newton steps taken.
    pub iterations: usize,
}

/// Minimises the regularised loss from `start` by damped Newton steps.
pub fn newton(objective: &LogisticObjective<'_>, start: [f64; 3]) -> Result<NewtonResult> {
    if objective.lambda() <= 0.0 {
        return Err(Error::InvalidParameter(
            "Newton's cross-check needs lambda > 0: without it the optimum may lie at infinity"
                .into(),
        ));
    }
    let mut w = start;
    let (mut fun, mut grad, mut hessian) = objective.value_gradient_hessian(w);
    let mut iterations = 0;
    while iterations < MAX_ITERATIONS {
        let Some(step) = solve_spd(hessian, grad) else {
            break;
        };
        let step = step.map(|s| -s);
        // Newton decrement: the decrease the quadratic model promises, times two.
        let decrement: f64 = -(0..3).map(|k| grad[k] * step[k]).sum::<f64>();
        let scale = w.iter().fold(1.0f64, |m, v| m.max(v.abs()));
        if step.iter().all(|s| s.abs() <= 4.0 * f64::EPSILON * scale) {
            break;
        }
        // Where the promised decrease is below E's rounding, values cannot rank points any
        // more; the full step is then the right one (the quadratic model is exact there).
        let resolved = 0.5 * decrement <= 64.0 * f64::EPSILON * fun.abs();
        let mut alpha = 1.0;
        let accepted = loop {
            let trial = [
                w[0] + alpha * step[0],
                w[1] + alpha * step[1],
                w[2] + alpha * step[2],
            ];
            let evaluated = objective.value_gradient_hessian(trial);
            if resolved || evaluated.0 <= fun - 1e-4 * alpha * decrement {
                break Some((trial, evaluated));
            }
            alpha *= 0.5;
            if alpha < 1e-10 {
                break None;
            }
        };
        let Some((trial, evaluated)) = accepted else {
            break;
        };
        iterations += 1;
        w = trial;
        (fun, grad, hessian) = evaluated;
        if resolved {
            break;
        }
    }
    Ok(NewtonResult {
        x: w,
        fun,
        grad_max: grad.iter().fold(0.0f64, |m, g| m.max(g.abs())),
        iterations,
    })
}

/// The inverse of a symmetric positive definite 3 × 3 matrix, or `None` if it is not
/// positive definite.
pub fn inverse_spd(a: [[f64; 3]; 3]) -> Option<[[f64; 3]; 3]> {
    let columns = [
        solve_spd(a, [1.0, 0.0, 0.0])?,
        solve_spd(a, [0.0, 1.0, 0.0])?,
        solve_spd(a, [0.0, 0.0, 1.0])?,
    ];
    Some(std::array::from_fn(|i| {
        std::array::from_fn(|j| columns[j][i])
    }))
}

/// Solves `A·x = b` for a symmetric positive definite 3 × 3 `A` by Cholesky; `None` if `A`
/// is not positive definite.
pub(crate) fn solve_spd(a: [[f64; 3]; 3], b: [f64; 3]) -> Option<[f64; 3]> {
    let mut l = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in 0..=i {
            let dot: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - dot;
                if d.is_nan() || d <= 0.0 {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - dot) / l[j][j];
            }
        }
    }
    let mut y = [0.0; 3];
    for i in 0..3 {
        let dot: f64 = (0..i).map(|k| l[i][k] * y[k]).sum();
        y[i] = (b[i] - dot) / l[i][i];
    }
    let mut x = [0.0; 3];
    for i in (0..3).rev() {
        let dot: f64 = (i + 1..3).map(|k| l[k][i] * x[k]).sum();
        x[i] = (y[i] - dot) / l[i][i];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cholesky_solves_a_known_system() {
        let a = [[4.0, 2.0, 0.4], [2.0, 5.0, 1.0], [0.4, 1.0, 3.0]];
        let x = [1.0, -2.0, 0.5];
        let b: [f64; 3] = std::array::from_fn(|i| (0..3).map(|k| a[i][k] * x[k]).sum());
        let solved = solve_spd(a, b).unwrap();
        for k in 0..3 {
            assert!((solved[k] - x[k]).abs() < 1e-14);
        }
        assert!(solve_spd([[1.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]], b).is_none());
    }
}
