//! The numbers layer of a review: `results.json` of the baseline and of the fresh run, field by
//! field. Fits are matched by their data set and their place among that data set's fits: the
//! i-th separable fit of the baseline with the i-th of the run, as figure 9 draws the i-th
//! fit in its i-th panel, so that a changed strength shows as the fit that moved ("the third
//! separable fit (λ 10 → 1) moved: …"), and a strength added at the end as a new fit. The
//! files' hashes (`artifacts`) are left out: the byte-level verdicts already say which files
//! changed.

use std::collections::HashMap;
use std::fmt;

use serde_json::Value;

use crate::numbers::short;

/// Which part of `results.json` a number belongs to.
#[derive(Clone, Debug, PartialEq, PartialOrd)]
pub enum Scope {
    /// The run's parameters: `seed`, `n`, `lambdas`, `version`.
    Run,
    /// The optimiser demo (experiment 5).
    Demo,
    /// One logistic fit, by its place among the fits of its data set.
    Fit {
        /// "fuzzy" or "separable".
        dataset: String,
        /// 0 for the data set's first fit, 1 for its second, …
        place: usize,
        /// Its L2 strength in the baseline and in the run (None where that side has no fit
        /// at this place).
        lambda: Strengths,
    },
}

/// A fit's strength on both sides of a review.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct Strengths {
    /// The baseline's.
    pub baseline: Option<f64>,
    /// The run's.
    pub run: Option<f64>,
}

impl fmt::Display for Strengths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.baseline, self.run) {
            (Some(a), Some(b)) if a != b => write!(f, "λ {} → {}", short(a), short(b)),
            (Some(a), _) | (None, Some(a)) => write!(f, "λ = {}", short(a)),
            (None, None) => Ok(()),
        }
    }
}

/// "first", "second", …, "10th", …: the place of a fit in words.
pub fn ordinal(place: usize) -> String {
    const WORDS: [&str; 10] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ];
    if let Some(word) = WORDS.get(place) {
        return (*word).to_string();
    }
    let n = place + 1;
    let suffix = match (n % 10, n % 100) {
        (1, k) if k != 11 => "st",
        (2, k) if k != 12 => "nd",
        (3, k) if k != 13 => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Run => write!(f, "the run"),
            Scope::Demo => write!(f, "the optimiser demo"),
            Scope::Fit {
                dataset,
                place,
                lambda,
            } => {
                // The study fits the fuzzy data once: its place goes without saying.
                if dataset == "fuzzy" && *place == 0 {
                    write!(f, "the fuzzy fit ({lambda})")
                } else {
                    write!(f, "the {} {dataset} fit ({lambda})", ordinal(*place))
                }
            }
        }
    }
}

/// Where a number sits: its scope and its field inside it, e.g. `x[1]` or `grad_check.error`.
#[derive(Clone, Debug, PartialEq, PartialOrd)]
pub struct Key {
    /// The part of the file.
    pub scope: Scope,
    /// The field's path inside the scope.
    pub field: String,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.scope {
            Scope::Run => write!(f, "{}", self.field),
            Scope::Demo => write!(f, "optimizer_demo.{}", self.field),
            Scope::Fit { dataset, place, .. } => {
                let dot = if self.field.is_empty() { "" } else { "." };
                write!(f, "fits[{dataset} #{}]{dot}{}", place + 1, self.field)
            }
        }
    }
}

impl Key {
    /// What the key's scope is, whatever the strengths: a fit by its data set and place.
    fn scope_id(&self) -> String {
        match &self.scope {
            Scope::Fit { dataset, place, .. } => format!("{dataset}#{place}"),
            other => format!("{other:?}"),
        }
    }

    /// The field's name without indices or sub-fields: `x` for `x[1]`, `grad_check` for
    /// `grad_check.error`.
    pub fn head(&self) -> &str {
        let end = self.field.find(['[', '.']).unwrap_or(self.field.len());
        &self.field[..end]
    }
}

/// One value of `results.json`, or its absence.
#[derive(Clone, Debug, PartialEq)]
pub enum Leaf {
    /// A whole number written without a fraction (a seed, N, a count): compared exactly, as
    /// a seed of 2⁶⁴ − 1 has no exact double.
    Integer(i128),
    /// A number with a fraction or exponent.
    Number(f64),
    /// A text, such as a fit's message.
    Text(String),
    /// true or false.
    Bool(bool),
    /// JSON null.
    Null,
    /// Not there at all (a fit or field only one side has).
    Absent,
}

impl fmt::Display for Leaf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Leaf::Integer(k) => write!(f, "{k}"),
            Leaf::Number(x) => write!(f, "{}", short(*x)),
            Leaf::Text(text) => write!(f, "{text:?}"),
            Leaf::Bool(b) => write!(f, "{b}"),
            Leaf::Null => write!(f, "null"),
            Leaf::Absent => write!(f, "(absent)"),
        }
    }
}

/// A value that differs between the baseline and the run, beyond the tolerance.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Where.
    pub key: Key,
    /// The baseline's value.
    pub old: Leaf,
    /// The run's value.
    pub new: Leaf,
}

/// How one part of `results.json` (a fit, the data, …) moved as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Moved {
    /// Every value of it is new in this run.
    New,
    /// Every value of it is gone from this run.
    Gone,
    /// Some of its values changed.
    Changed,
}

/// `changes` grouped by their part of `results.json`, in the order each part first comes,
/// with how each part moved.
pub fn by_scope<'a>(
    changes: impl IntoIterator<Item = &'a Change>,
) -> Vec<(&'a Scope, Vec<&'a Change>, Moved)> {
    let mut groups: Vec<(&Scope, Vec<&Change>)> = Vec::new();
    for change in changes {
        match groups
            .iter_mut()
            .find(|(scope, _)| *scope == &change.key.scope)
        {
            Some((_, here)) => here.push(change),
            None => groups.push((&change.key.scope, vec![change])),
        }
    }
    groups
        .into_iter()
        .map(|(scope, here)| {
            let how = if here.iter().all(|c| c.old == Leaf::Absent) {
                Moved::New
            } else if here.iter().all(|c| c.new == Leaf::Absent) {
                Moved::Gone
            } else {
                Moved::Changed
            };
            (scope, here, how)
        })
        .collect()
}

impl Leaf {
    /// The value as a double, if it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Leaf::Integer(k) => Some(*k as f64),
            Leaf::Number(x) => Some(*x),
            _ => None,
        }
    }
}

impl Change {
    /// |new − old| for two numbers.
    pub fn absolute(&self) -> Option<f64> {
        match (&self.old, &self.new) {
            (Leaf::Integer(a), Leaf::Integer(b)) => Some(a.abs_diff(*b) as f64),
            (a, b) => Some((b.as_f64()? - a.as_f64()?).abs()),
        }
    }

    /// |new − old| / max(|old|, |new|) for two numbers (0 when both are 0).
    pub fn relative(&self) -> Option<f64> {
        Some(relative(self.old.as_f64()?, self.new.as_f64()?))
    }
}

/// How the numbers of two `results.json` compare.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Numbers {
    /// Values compared (both sides together, each key once).
    pub compared: usize,
    /// Numbers that differ but within the tolerance: they count as equal.
    pub within: usize,
    /// Everything that differs beyond the tolerance, in file order.
    pub changes: Vec<Change>,
}

/// Why a `results.json` cannot be compared: it is not what this tool writes.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unreadable(pub String);

/// Compares the baseline's `results.json` with the run's; numbers whose relative difference is
/// at most `tolerance` count as equal. Fails when either is not a `results.json` of this tool.
pub fn compare(baseline: &[u8], candidate: &[u8], tolerance: f64) -> Result<Numbers, Unreadable> {
    let mut old = flatten(baseline, Side::Baseline)?;
    let mut new = flatten(candidate, Side::Run)?;
    // Each fit's scope names its strength on both sides.
    let mut strengths: HashMap<String, Strengths> = HashMap::new();
    for (key, _) in old.iter().chain(&new) {
        if let Scope::Fit { lambda, .. } = &key.scope {
            let both = strengths.entry(key.scope_id()).or_default();
            both.baseline = both.baseline.or(lambda.baseline);
            both.run = both.run.or(lambda.run);
        }
    }
    for (key, _) in old.iter_mut().chain(new.iter_mut()) {
        let id = key.scope_id();
        if let Scope::Fit { lambda, .. } = &mut key.scope
            && let Some(both) = strengths.get(&id)
        {
            *lambda = *both;
        }
    }
    let mut numbers = Numbers::default();
    let mut seen = vec![false; new.len()];
    // By the key's text: keys hold floats (λ), which have no total order or hash of their own.
    let index: HashMap<String, usize> = new
        .iter()
        .enumerate()
        .map(|(at, (key, _))| (key.to_string(), at))
        .collect();
    for (key, a) in &old {
        let b = index.get(&key.to_string()).map_or(&Leaf::Absent, |&at| {
            seen[at] = true;
            &new[at].1
        });
        judge(&mut numbers, key, a, b, tolerance);
    }
    for ((key, b), _) in new.iter().zip(&seen).filter(|(_, seen)| !**seen) {
        judge(&mut numbers, key, &Leaf::Absent, b, tolerance);
    }
    Ok(numbers)
}

/// Counts the value of `key` as compared, and notes how `a` (the baseline's) and `b` differ.
fn judge(numbers: &mut Numbers, key: &Key, a: &Leaf, b: &Leaf, tolerance: f64) {
    numbers.compared += 1;
    if a == b {
        return;
    }
    // Whole numbers are counts and seeds: equal or not. Measurements have a tolerance.
    let measured = matches!(a, Leaf::Number(_)) || matches!(b, Leaf::Number(_));
    if let (true, Some(x), Some(y)) = (measured, a.as_f64(), b.as_f64())
        && relative(x, y) <= tolerance
    {
        numbers.within += 1;
        return;
    }
    numbers.changes.push(Change {
        key: key.clone(),
        old: a.clone(),
        new: b.clone(),
    });
}

/// |b − a| / max(|a|, |b|); 0 when both are 0, infinite when either is not finite and they
/// differ.
pub fn relative(a: f64, b: f64) -> f64 {
    if a == b {
        return 0.0;
    }
    let scale = a.abs().max(b.abs());
    if !(scale.is_finite() && scale > 0.0) {
        return f64::INFINITY;
    }
    (b - a).abs() / scale
}

/// The most values of a `results.json` compared: a run has about 100 a fit.
pub const MAX_VALUES: usize = 200_000;

/// How many leaves `value` holds.
fn count(value: &Value) -> usize {
    match value {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Object(members) => members.values().map(count).sum(),
        _ => 1,
    }
}

/// A leaf of the file as the review compares it: a number written without a fraction or
/// exponent is whole, and compared exactly.
fn leaf(value: &Value) -> Leaf {
    match value {
        Value::Number(k) if !k.is_f64() => Leaf::Integer(k.as_i128().unwrap_or(0)),
        Value::Number(x) => Leaf::Number(x.as_f64().unwrap_or(f64::NAN)),
        Value::String(text) => Leaf::Text(text.clone()),
        Value::Bool(b) => Leaf::Bool(*b),
        _ => Leaf::Null,
    }
}

/// The list of the regularisation path's fits in `results.json`, and their scope's name.
pub const PATH: &str = "path";

/// Which side of a review a `results.json` is.
#[derive(Clone, Copy)]
enum Side {
    Baseline,
    Run,
}

/// Every value of a `results.json` by its key, in file order.
fn flatten(bytes: &[u8], side: Side) -> Result<Vec<(Key, Leaf)>, Unreadable> {
    // Its members in the order of the file (serde_json keeps it here, `preserve_order`), so
    // that a fit's weights `x` are listed before its `accuracy`.
    let top: Value = serde_json::from_slice(bytes)
        .map_err(|e| Unreadable(format!("results.json is not JSON: {e}")))?;
    let Value::Object(members) = &top else {
        return Err(Unreadable("results.json is not a JSON object".into()));
    };
    for field in ["seed", "n"] {
        if top.get(field).and_then(Value::as_f64).is_none() {
            return Err(Unreadable(format!("results.json has no number `{field}`")));
        }
    }
    let Some(Value::Object(demo)) = top.get("optimizer_demo") else {
        return Err(Unreadable(
            "results.json has no object `optimizer_demo`".into(),
        ));
    };
    let Some(Value::Array(fits)) = top.get("fits") else {
        return Err(Unreadable("results.json has no list `fits`".into()));
    };
    let values = count(&top);
    if values > MAX_VALUES {
        return Err(Unreadable(format!(
            "results.json holds {values} values, more than the {MAX_VALUES} compared"
        )));
    }
    let mut out = Vec::new();
    for (name, value) in members {
        match name.as_str() {
            "optimizer_demo" | "fits" | "artifacts" | PATH => {}
            _ => leaves(&mut out, &Scope::Run, name.clone(), value),
        }
    }
    for (name, value) in demo {
        leaves(&mut out, &Scope::Demo, name.clone(), value);
    }
    let mut places: Vec<&str> = Vec::new();
    let fits = fits.iter().enumerate().map(|(k, f)| (k, f, "fits"));
    let path = top[PATH].as_array().map_or(&[][..], Vec::as_slice);
    let path = path.iter().enumerate().map(|(k, f)| (k, f, PATH));
    for (k, fit, list) in fits.chain(path) {
        let (Value::Object(fields), Some(dataset), Some(lambda)) = (
            fit,
            fit.get("dataset").and_then(Value::as_str),
            fit.get("lambda").and_then(Value::as_f64),
        ) else {
            return Err(Unreadable(format!(
                "results.json: {list}[{k}] has no `dataset` and `lambda`"
            )));
        };
        // The path's fits are a scope of their own, whatever data set they fit.
        let dataset = if list == PATH { PATH } else { dataset };
        let place = places.iter().filter(|d| **d == dataset).count();
        places.push(dataset);
        let scope = Scope::Fit {
            dataset: dataset.to_string(),
            place,
            lambda: Strengths {
                baseline: matches!(side, Side::Baseline).then_some(lambda),
                run: matches!(side, Side::Run).then_some(lambda),
            },
        };
        // The strength is compared like any value: a fit whose λ changed says so first.
        for (name, value) in fields {
            if name != "dataset" {
                leaves(&mut out, &scope, name.clone(), value);
            }
        }
    }
    Ok(out)
}

/// Adds every leaf under `node`, its field path starting at `field`.
fn leaves(out: &mut Vec<(Key, Leaf)>, scope: &Scope, field: String, node: &Value) {
    match node {
        Value::Array(items) => {
            for (k, item) in items.iter().enumerate() {
                leaves(out, scope, format!("{field}[{k}]"), item);
            }
        }
        Value::Object(members) => {
            for (name, item) in members {
                leaves(out, scope, format!("{field}.{name}"), item);
            }
        }
        value => out.push((
            Key {
                scope: scope.clone(),
                field,
            },
            leaf(value),
        )),
    }
}
