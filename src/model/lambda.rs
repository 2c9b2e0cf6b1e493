//! The regularisation strength: a number checked once, where it is made, and trusted after.

use super::error::ModelError;

/// The largest strength a fit is made with. Past about 1e300 the penalty at the gradient
/// check's points leaves the range of `f64` (the check fails with NaN) and past 1e306 BFGS no
/// longer reaches its optimum; long before that, at about 1e20, the optimum is w = 0 to the
/// last bit. 1e100 keeps every fit two hundred orders of magnitude inside what works.
pub const MAX_LAMBDA: f64 = 1e100;

/// An L2 regularisation strength λ: finite, ≥ 0 and at most [`MAX_LAMBDA`]. The only way to get one is
/// [`Lambda::new`] (or [`Lambda::constant`] for the study's own values), so everything that
/// takes a `Lambda` may rely on it without checking again.
///
/// ```
/// use logreg_report::model::Lambda;
/// assert_eq!(Lambda::new(0.1)?.get(), 0.1);
/// assert!(Lambda::new(-1.0).is_err() && Lambda::new(f64::NAN).is_err());
/// assert!(Lambda::new(1e100).is_ok() && Lambda::new(1e101).is_err());
/// assert!(Lambda::new(-0.0)?.get().is_sign_positive());
/// # Ok::<(), logreg_report::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Lambda(f64);

impl Lambda {
    /// No regularisation.
    pub const ZERO: Lambda = Lambda(0.0);

    /// `value` as a strength, if it is from 0 to [`MAX_LAMBDA`]; −0 becomes 0.
    pub fn new(value: f64) -> Result<Lambda, ModelError> {
        if !(0.0..=MAX_LAMBDA).contains(&value) {
            return Err(ModelError::InvalidLambda {
                got: value,
                max: MAX_LAMBDA,
            });
        }
        Ok(Lambda::constant(value))
    }

    /// A strength written into the program; −0 becomes 0, as in [`Lambda::new`]. In a `const`
    /// a value that is not a strength fails to compile; called at run time with one, this
    /// panics (a value from outside the program goes through [`Lambda::new`]).
    ///
    /// ```compile_fail
    /// use logreg_report::model::Lambda;
    /// const NEGATIVE: Lambda = Lambda::constant(-1.0);
    /// ```
    pub const fn constant(value: f64) -> Lambda {
        assert!(
            value >= 0.0 && value <= MAX_LAMBDA,
            "a strength is from 0 to MAX_LAMBDA"
        );
        Lambda(if value == 0.0 { 0.0 } else { value })
    }

    /// The number.
    pub fn get(self) -> f64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_constant_is_checked_and_has_no_negative_zero() {
        const ZERO_FROM_BELOW: Lambda = Lambda::constant(-0.0);
        assert!(ZERO_FROM_BELOW.get().is_sign_positive());
        assert_eq!(ZERO_FROM_BELOW, Lambda::new(-0.0).unwrap());
        let at_run_time = std::panic::catch_unwind(|| Lambda::constant(std::hint::black_box(-1.0)));
        assert!(
            at_run_time.is_err(),
            "a bad strength made at run time panics"
        );
    }
}
