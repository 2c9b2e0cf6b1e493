//! Which numbers of `results.json` (and which data files) each figure is drawn from: the one
//! table that lets a review say why a figure moved ("figure 9 moved because the separable fit
//! with λ = 0.1 moved by 3e-4 in `x[1]`"), or that none of its numbers did, so the change comes
//! from the drawing code.

use crate::figures::FigureId;
use crate::report::DATA_DIR;
use crate::study::DatasetName;

use super::numbers::{Change, Key, Leaf, Moved, PATH, Scope, by_scope};

/// A part of the run's results that figures are drawn from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    /// The fuzzy data set, drawn from `seed` and `n`.
    FuzzyData,
    /// The separable data set, drawn from `seed` and `n`.
    SeparableData,
    /// The weights every fit starts from (the fits' `w0`).
    StartWeights,
    /// The optimiser demo's answer.
    OptimizerDemo,
    /// The fuzzy fit's weights.
    FuzzyFit,
    /// The separable fits' weights, one panel each.
    SeparableFits,
    /// The fuzzy fit's iterates and Newton's from the same start.
    FuzzyIterates,
    /// Gradient descent on the fuzzy data.
    GradientDescent,
    /// The separable fits' iterates.
    SeparableIterates,
    /// The fits of the regularisation path.
    PathFits,
    /// The strengths the run compares, marked on the path.
    RunLambdas,
}

/// What each figure is drawn from. A match rather than a list, so that a new figure cannot be
/// added without saying what it draws.
pub fn inputs(id: FigureId) -> &'static [Input] {
    use Input::*;
    match id {
        FigureId::Fuzzy => &[FuzzyData],
        // σ itself: no number of the run.
        FigureId::Sigmoid => &[],
        FigureId::Sigmoid2d => &[StartWeights],
        FigureId::BadFit => &[FuzzyData, StartWeights],
        FigureId::Optimizer => &[OptimizerDemo],
        FigureId::LossOverW1 => &[FuzzyData, FuzzyFit],
        FigureId::FittedWeights => &[FuzzyData, FuzzyFit],
        FigureId::LinSep => &[SeparableData],
        FigureId::RegVsNo => &[SeparableData, SeparableFits],
        FigureId::Convergence => &[FuzzyData, FuzzyIterates, GradientDescent],
        FigureId::WeightGrowth => &[SeparableData, SeparableIterates],
        FigureId::LambdaPath => &[SeparableData, PathFits, RunLambdas],
        FigureId::LambdaFrames => &[SeparableData, PathFits],
    }
}

impl Input {
    /// What it is, in the study's words.
    pub fn describe(self) -> &'static str {
        match self {
            Input::FuzzyData => "the fuzzy data",
            Input::SeparableData => "the separable data",
            Input::StartWeights => "the start weights w0",
            Input::OptimizerDemo => "the optimiser demo",
            Input::FuzzyFit => "the fuzzy fit",
            Input::SeparableFits => "the separable fits",
            Input::FuzzyIterates => "the iterates of the fuzzy fit and its Newton cross-check",
            Input::GradientDescent => "gradient descent",
            Input::SeparableIterates => "the iterates of the separable fits",
            Input::PathFits => "the fits of the regularisation path",
            Input::RunLambdas => "the run's strengths",
        }
    }

    /// The data file it is, if it is a data set.
    pub fn file(self) -> Option<String> {
        let name = match self {
            Input::FuzzyData => DatasetName::Fuzzy,
            Input::SeparableData => DatasetName::Separable,
            _ => return None,
        };
        Some(format!("{DATA_DIR}/{}.csv", name.as_str()))
    }

    /// Whether the value at `key` is one this input is made of.
    pub fn feeds(self, key: &Key) -> bool {
        let fit_of = |wanted: DatasetName| matches!(&key.scope, Scope::Fit { dataset, .. } if dataset == wanted.as_str());
        match self {
            Input::FuzzyData | Input::SeparableData => {
                key.scope == Scope::Run && matches!(key.head(), "seed" | "n")
            }
            // The path's fits start where the fit before them ended: their `w0` is no start of
            // the study's.
            Input::StartWeights => {
                matches!(&key.scope, Scope::Fit { dataset, .. } if dataset != PATH)
                    && key.head() == "w0"
            }
            Input::OptimizerDemo => key.scope == Scope::Demo && key.head() == "x",
            Input::FuzzyFit => fit_of(DatasetName::Fuzzy) && matches!(key.head(), "x"),
            // Each panel of figure 9 is titled with its fit's λ.
            Input::SeparableFits => {
                fit_of(DatasetName::Separable)
                    && matches!(key.head(), "x" | "weight_norm" | "lambda")
            }
            Input::FuzzyIterates => {
                fit_of(DatasetName::Fuzzy) && matches!(key.head(), "iterates" | "newton")
            }
            Input::GradientDescent => key.scope == Scope::Run && key.head() == "gradient_descent",
            Input::SeparableIterates => {
                fit_of(DatasetName::Separable) && matches!(key.head(), "iterates" | "lambda")
            }
            // A point's place (λ), its height (x) and whether it is drawn open (confirmed).
            Input::PathFits => {
                matches!(&key.scope, Scope::Fit { dataset, .. } if dataset == PATH)
                    && matches!(key.head(), "x" | "lambda" | "status" | "success" | "newton")
            }
            Input::RunLambdas => key.scope == Scope::Run && key.head() == "lambdas",
        }
    }
}

/// One input of a figure that moved, and how.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Cause {
    /// The input, e.g. "the separable fits".
    pub input: &'static str,
    /// What moved, one phrase each: "the second separable fit (λ = 0.1) moved: `x[1]` by
    /// 3.1e-4 (relative 1.3e-4)", "seed 0 → 5", "data/fuzzy.csv changed".
    pub moved: Vec<String>,
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.input, self.moved.join("; "))
    }
}

/// Why a figure changed: each of its inputs that moved. `changed_files` are the paths of the
/// files that are not identical. Empty when none of its inputs moved.
pub fn causes(id: FigureId, changes: &[Change], changed_files: &[&str]) -> Vec<Cause> {
    let mut causes = Vec::new();
    for &input in inputs(id) {
        let moved: Vec<&Change> = changes.iter().filter(|c| input.feeds(&c.key)).collect();
        let file = input.file().filter(|f| changed_files.contains(&f.as_str()));
        if moved.is_empty() && file.is_none() {
            continue;
        }
        // One phrase per scope: the separable fits are several fits, each moving on its own.
        let phrases = by_scope(moved).into_iter().flat_map(|(scope, here, how)| {
            // A fit's scope already says how its λ moved.
            let moves: Vec<String> = here
                .iter()
                .filter(|c| c.key.field != "lambda")
                .map(|c| movement(c))
                .collect();
            match (scope, how) {
                (Scope::Run, _) => moves,
                (_, Moved::New) => vec![format!("{scope} is new")],
                (_, Moved::Gone) => vec![format!("{scope} is gone")],
                (_, Moved::Changed) => vec![format!("{scope} moved: {}", moves.join(", "))],
            }
        });
        let file = file.map(|file| format!("{file} changed"));
        causes.push(Cause {
            input: input.describe(),
            moved: phrases.chain(file).collect(),
        });
    }
    causes
}

/// "`x[1]` by 3.1e-4 (relative 1.3e-4)" for a measurement, "seed 0 → 5" for anything else.
pub fn movement(change: &Change) -> String {
    let field = &change.key.field;
    let measured = matches!(change.old, Leaf::Number(_)) || matches!(change.new, Leaf::Number(_));
    match (measured, change.absolute(), change.relative()) {
        (true, Some(by), Some(relative)) => {
            format!("{field} by {} (relative {})", sig2(by), sig2(relative))
        }
        _ => format!("{field} {} → {}", change.old, change.new),
    }
}

/// Two significant digits: plain from 0.001 to 10 000 (0.13, 6.8, 1200), exponent form
/// outside (3.1e-4, 1.2e7), where plain digits would only count zeros.
pub fn sig2(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return crate::numbers::short(x);
    }
    let rounded: f64 = format!("{x:.1e}").parse().unwrap_or(x);
    if (1e-3..1e4).contains(&rounded.abs()) {
        crate::numbers::short(rounded)
    } else {
        format!("{rounded:.1e}").replace(".0e", "e")
    }
}
