//! The optimiser demo of experiment 5: f(x) = x² − 2x, minimised by BFGS from x0 = 3.

use crate::model::{Objective, SecondOrder};

/// The optimiser demo of the study: f(x) = x² − 2x, minimised at x = 1.
#[derive(Clone, Copy, Debug, Default)]
pub struct OptimizerDemo;

impl OptimizerDemo {
    /// f(x) = x² − 2x.
    pub fn value(x: f64) -> f64 {
        x * x - 2.0 * x
    }
}

impl Objective for OptimizerDemo {
    fn dim(&self) -> usize {
        1
    }

    fn value_and_gradient(&self, w: &[f64], grad: &mut [f64]) -> f64 {
        grad[0] = 2.0 * w[0] - 2.0;
        Self::value(w[0])
    }

    fn name(&self) -> String {
        "the optimiser demo f(x) = x^2 - 2x".into()
    }

    fn reference_gradient(&self, w: &[f64]) -> Option<Vec<f64>> {
        let x = crate::reference::Dual::<1>::variable(w[0], 0);
        Some((x * x - x * 2.0).tangent.to_vec())
    }

    fn second_order(&self, w: &[f64]) -> Option<SecondOrder> {
        let gradient = 2.0 * w[0] - 2.0;
        Some(SecondOrder {
            value: Self::value(w[0]),
            gradient: vec![gradient],
            // f'' = 2 everywhere.
            newton_step: Some(vec![gradient / 2.0]),
        })
    }
}
