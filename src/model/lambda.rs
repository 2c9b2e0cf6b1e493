//! The regularisation strength: a number checked once, where it is made, and trusted after.

use super::error::ModelError;

/// An L2 regularisation strength λ: finite and ≥ 0. The only way to get one is
/// [`Lambda::new`] (or [`Lambda::constant`] for the study's own values), so everything that
/// takes a `Lambda` may rely on it without checking again.
///
/// ```
/// use logreg_report::model::Lambda;
/// assert_eq!(Lambda::new(0.1)?.get(), 0.1);
/// assert!(Lambda::new(-1.0).is_err() && Lambda::new(f64::NAN).is_err());
/// assert!(Lambda::new(-0.0)?.get().is_sign_positive());
/// # Ok::<(), logreg_report::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Lambda(f64);

impl Lambda {
    /// No regularisation.
    pub const ZERO: Lambda = Lambda(0.0);

    /// `value` as a strength, if it is finite and ≥ 0; −0 becomes 0.
    pub fn new(value: f64) -> Result<Lambda, ModelError> {
        if value.is_finite() && value >= 0.0 {
            Ok(Lambda(if value == 0.0 { 0.0 } else { value }))
        } else {
            Err(ModelError::InvalidLambda(value))
        }
    }

    /// A strength written into the program; a value that is not one fails to compile.
    pub const fn constant(value: f64) -> Lambda {
        assert!(
            value >= 0.0 && value <= f64::MAX,
            "a strength is finite and >= 0"
        );
        Lambda(value)
    }

    /// The number.
    pub fn get(self) -> f64 {
        self.0
    }
}
