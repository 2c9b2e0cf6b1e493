//! 3 × 3 linear algebra for Newton steps: a symmetric positive definite system solved by
//! Cholesky, its inverse, and the max-norm and overflow-safe Euclidean norm of a vector.

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
/// is not positive definite (or has a NaN).
pub fn solve_spd(a: [[f64; 3]; 3], b: [f64; 3]) -> Option<[f64; 3]> {
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

/// The largest absolute entry (0 for an empty vector; NaN entries are passed over).
pub fn max_abs<'a>(v: impl IntoIterator<Item = &'a f64>) -> f64 {
    v.into_iter().fold(0.0f64, |m, x| m.max(x.abs()))
}

/// The Euclidean norm, scaled so that squares of huge entries (a gradient of 1e300 with an
/// enormous λ) do not overflow; a NaN entry makes a NaN norm.
pub fn norm2(v: &[f64]) -> f64 {
    let scale = max_abs(v);
    if scale == 0.0 || !scale.is_finite() {
        // NaN.max(0) is 0, so look for NaN separately: a NaN entry is a NaN norm.
        return if v.iter().any(|x| x.is_nan()) {
            f64::NAN
        } else {
            scale
        };
    }
    scale
        * v.iter()
            .map(|x| {
                let r = x / scale;
                r * r
            })
            .sum::<f64>()
            .sqrt()
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
