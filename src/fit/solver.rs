//! argmin's BFGS under our rules: one pass over the data per point for value and gradient
//! together, the stopping rules of `fit`, breakdowns turned into a reported stop on
//! the last good iterate, and the inverse-Hessian update recomputed so that its bits do not
//! depend on the CPU.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use argmin::core::{
    CostFunction, Gradient, IterState, KV, Problem, Solver, State, TerminationReason,
    TerminationStatus,
};
use ndarray::{Array1, Array2};

use super::iterates::{Iterate, record};
use super::rules::{GRADIENT_TOLERANCE, RESOLUTION_ULPS, STEP_TOLERANCE};
use super::status::{BfgsStop, StopRule};
use crate::linalg::max_abs;
use crate::model::Objective;

pub(super) type Param = Array1<f64>;
pub(super) type BfgsState = IterState<Param, Param, (), Array2<f64>, (), f64>;

/// Presents an [`Objective`] to argmin. argmin asks for the value and the gradient in
/// separate calls, usually at the same point; the last point's pair is kept, so a value
/// and a gradient at one point cost one pass over the data.
pub(super) struct FusedProblem<'o, O: ?Sized> {
    objective: &'o O,
    last: RefCell<Option<(Param, f64, Param)>>,
    /// Passes over the data so far, shared with the [`StoppingRule`] that records iterates.
    pub passes: Rc<Cell<u64>>,
}

impl<'o, O: Objective + ?Sized> FusedProblem<'o, O> {
    pub fn new(objective: &'o O) -> Self {
        FusedProblem {
            objective,
            last: RefCell::new(None),
            passes: Rc::new(Cell::new(0)),
        }
    }

    fn evaluate(&self, w: &Param) -> (f64, Param) {
        if let Some((point, value, grad)) = self.last.borrow().as_ref()
            && point.iter().zip(w).all(|(a, b)| a.to_bits() == b.to_bits())
        {
            return (*value, grad.clone());
        }
        let point = w
            .as_slice()
            .map_or_else(|| w.to_vec().into(), Cow::Borrowed);
        let mut out = vec![0.0; w.len()];
        let value = self.objective.value_and_gradient(&point, &mut out);
        let grad = Array1::from(out);
        self.passes.set(self.passes.get() + 1);
        *self.last.borrow_mut() = Some((w.clone(), value, grad.clone()));
        (value, grad)
    }
}

impl<O: Objective + ?Sized> CostFunction for FusedProblem<'_, O> {
    type Param = Param;
    type Output = f64;

    fn cost(&self, w: &Param) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.evaluate(w).0)
    }
}

impl<O: Objective + ?Sized> Gradient for FusedProblem<'_, O> {
    type Param = Param;
    type Gradient = Param;

    fn gradient(&self, w: &Param) -> std::result::Result<Param, argmin::core::Error> {
        Ok(self.evaluate(w).1)
    }
}

/// Wraps argmin's BFGS to apply the stopping rules of this module, and to turn a breakdown
/// (an error from the line search, a step that does not lower E, lost curvature, a
/// non-finite value) into a reported stop on the last good iterate instead of an error that
/// would throw the iterate away.
/// It also records every iterate it accepts, the start included.
pub(super) struct StoppingRule<S> {
    inner: S,
    pub stopped: Option<BfgsStop>,
    pub undone: bool,
    pub passes: Rc<Cell<u64>>,
    pub iterates: Vec<Iterate>,
}

impl<S> StoppingRule<S> {
    /// `passes` counts the passes over the data, for the iterates' record.
    pub fn new(inner: S, passes: Rc<Cell<u64>>) -> Self {
        StoppingRule {
            inner,
            stopped: None,
            undone: false,
            passes,
            iterates: Vec::new(),
        }
    }

    /// Records `state`'s iterate.
    fn record(&mut self, state: &BfgsState) {
        if let (Some(w), Some(g)) = (state.get_param(), state.get_gradient()) {
            let (w, g, passes) = (w.to_vec(), g.to_vec(), self.passes.get());
            record(&mut self.iterates, &w, state.get_cost(), &g, passes);
        }
    }

    fn rule_holds(state: &BfgsState) -> Option<StopRule> {
        let (w, g, h) = (
            state.get_param()?,
            state.get_gradient()?,
            state.get_inv_hessian()?,
        );
        let step = h.dot(g);
        if max_abs(&step) <= STEP_TOLERANCE * max_abs(w).max(1.0) {
            return Some(StopRule::Step);
        }
        let promised = 0.5 * g.dot(&step);
        let resolution = RESOLUTION_ULPS * f64::EPSILON * state.get_cost().abs();
        if (0.0..=resolution).contains(&promised) {
            return Some(StopRule::Resolution);
        }
        (max_abs(g) <= GRADIENT_TOLERANCE).then_some(StopRule::Gradient)
    }
}

/// `after` with its inverse-Hessian estimate recomputed from `before`'s by the BFGS formula
/// H₁ = (I − ρ·s·yᵀ)·H₀·(I − ρ·y·sᵀ) + ρ·s·sᵀ, ρ = 1/(yᵀs), in plain loops.
///
/// argmin forms the two matrix products with ndarray, which hands them to `matrixmultiply`;
/// that crate picks a fused multiply-add kernel or another by the CPU it runs on, so the
/// last bits of H, and from there every later iterate, would depend on the machine. The
/// loops here do the same arithmetic in a fixed order with separate roundings.
pub(super) fn portable_update(before: &BfgsState, after: BfgsState) -> BfgsState {
    let (Some(x0), Some(g0), Some(h0), Some(x1), Some(g1)) = (
        before.get_param(),
        before.get_gradient(),
        before.get_inv_hessian(),
        after.get_param(),
        after.get_gradient(),
    ) else {
        // `breakdown` reports a state this incomplete.
        return after;
    };
    let s = x1 - x0;
    let y = g1 - g0;
    let rho = 1.0 / y.dot(&s);
    let n = s.len();
    // Left and right factors, as argmin builds them: I − (s·yᵀ)·ρ and its transpose.
    let left = Array2::from_shape_fn((n, n), |(i, j)| {
        f64::from(u8::from(i == j)) - s[i] * y[j] * rho
    });
    let right = left.t().to_owned();
    let product = |a: &Array2<f64>, b: &Array2<f64>| {
        Array2::from_shape_fn((n, n), |(i, j)| {
            (0..n).fold(0.0, |sum, k| sum + a[(i, k)] * b[(k, j)])
        })
    };
    let mut h1 = product(&left, &product(h0, &right));
    for ((i, j), value) in h1.indexed_iter_mut() {
        *value += s[i] * s[j] * rho;
    }
    after.inv_hessian(h1)
}

/// Why a step from `before` to `after` cannot be kept, if it cannot.
fn breakdown(before: &BfgsState, after: &BfgsState) -> Option<BfgsStop> {
    let (Some(x0), Some(x1)) = (before.get_param(), after.get_param()) else {
        return Some(BfgsStop::Breakdown("the solver lost its iterate".into()));
    };
    let (Some(g0), Some(g1), Some(h)) = (
        before.get_gradient(),
        after.get_gradient(),
        after.get_inv_hessian(),
    ) else {
        return Some(BfgsStop::Breakdown("the solver lost its gradient".into()));
    };
    let finite = |a: &Param| a.iter().all(|v| v.is_finite());
    if !(after.get_cost().is_finite() && finite(x1) && finite(g1)) {
        return Some(BfgsStop::NotFinite);
    }
    if after.get_cost() > before.get_cost() {
        return Some(BfgsStop::Breakdown(
            "the line search returned a point with a higher objective".into(),
        ));
    }
    let s = x1 - x0;
    if s.iter().all(|v| *v == 0.0) {
        return Some(BfgsStop::Breakdown("the line search could not move".into()));
    }
    let curvature = (g1 - g0).dot(&s);
    if curvature.is_nan() || curvature <= 0.0 || !h.iter().all(|v| v.is_finite()) {
        return Some(BfgsStop::Breakdown(
            "the curvature condition y's > 0 failed, so the inverse-Hessian update is undefined"
                .into(),
        ));
    }
    None
}

impl<O, S> Solver<O, BfgsState> for StoppingRule<S>
where
    S: Solver<O, BfgsState>,
{
    fn name(&self) -> &str {
        "BFGS"
    }

    fn init(
        &mut self,
        problem: &mut Problem<O>,
        state: BfgsState,
    ) -> std::result::Result<(BfgsState, Option<KV>), argmin::core::Error> {
        let (state, kv) = self.inner.init(problem, state)?;
        let gradient_finite = state.get_gradient().is_some_and(|g| max_abs(g).is_finite());
        if !(state.get_cost().is_finite() && gradient_finite) {
            self.stopped = Some(BfgsStop::NotFinite);
        }
        self.record(&state);
        Ok((state, kv))
    }

    fn next_iter(
        &mut self,
        problem: &mut Problem<O>,
        state: BfgsState,
    ) -> std::result::Result<(BfgsState, Option<KV>), argmin::core::Error> {
        let before = state.clone();
        let failure = match self.inner.next_iter(problem, state) {
            Ok((after, kv)) => {
                let after = portable_update(&before, after);
                let Some(status) = breakdown(&before, &after) else {
                    self.record(&after);
                    return Ok((after, kv));
                };
                status
            }
            Err(e) => BfgsStop::Breakdown(format!("the line search failed ({e})")),
        };
        self.stopped = Some(failure);
        self.undone = true;
        Ok((before, None))
    }

    fn terminate(&mut self, state: &BfgsState) -> TerminationStatus {
        if self.stopped.is_some() {
            return TerminationStatus::Terminated(TerminationReason::SolverExit("stopped".into()));
        }
        let Some(rule) = Self::rule_holds(state) else {
            return TerminationStatus::NotTerminated;
        };
        self.stopped = Some(BfgsStop::Rule(rule));
        TerminationStatus::Terminated(TerminationReason::SolverConverged)
    }
}
