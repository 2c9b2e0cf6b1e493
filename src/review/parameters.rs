//! The parameters a report was made with (`seed`, `n`, `lambdas`, `site_url` in its
//! `results.json`), compared before anything else: a baseline made with other parameters
//! differs in nearly every file, and accepting the run would replace it with another study.

use serde_json::Value;

use crate::numbers::short;

/// The keys of `results.json` that hold a run's parameters, named as the project file names
/// them.
pub const PARAMETER_KEYS: [&str; 4] = ["seed", "n", "lambdas", "site_url"];

/// A parameter the baseline's report was made with that this run does not share.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParameterChange {
    /// Its key: `seed`, `n`, `lambdas` or `site_url`.
    pub key: &'static str,
    /// The baseline's value, in words.
    pub baseline: String,
    /// This run's value, in words.
    pub run: String,
}

/// The parameters that differ between two `results.json` files (the baseline's, then this
/// run's), in the order of [`PARAMETER_KEYS`]. A key one of them does not record (a report
/// made before `site_url` was recorded) is not compared; files that do not parse give none.
pub fn compare(baseline: &[u8], run: &[u8]) -> Vec<ParameterChange> {
    let (Ok(old), Ok(new)) = (
        serde_json::from_slice::<Value>(baseline),
        serde_json::from_slice::<Value>(run),
    ) else {
        return Vec::new();
    };
    PARAMETER_KEYS
        .into_iter()
        .filter_map(|key| {
            let (old, new) = (old.get(key)?, new.get(key)?);
            (old != new).then(|| ParameterChange {
                key,
                baseline: words(old),
                run: words(new),
            })
        })
        .collect()
}

/// A parameter's value as a user would write it: `3`, `0,0.1,10`, an address, or `none`.
fn words(value: &Value) -> String {
    match value {
        Value::Null => "none".into(),
        Value::String(text) => text.clone(),
        Value::Number(number) => match (number.as_u64(), number.as_f64()) {
            (Some(whole), _) => whole.to_string(),
            (None, Some(x)) => short(x),
            _ => number.to_string(),
        },
        Value::Array(items) => items.iter().map(words).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differing_parameters_are_listed_in_order_and_in_words() {
        let old = br#"{"seed": 3, "n": 100, "lambdas": [0.0, 0.1, 5.0], "site_url": "https://example.org/r/"}"#;
        let new = br#"{"seed": 0, "n": 100, "lambdas": [0.0, 0.1, 10.0], "site_url": null}"#;
        let changes = compare(old, new);
        let lines: Vec<String> = changes
            .iter()
            .map(|c| format!("{}: {} -> {}", c.key, c.baseline, c.run))
            .collect();
        assert_eq!(
            lines,
            [
                "seed: 3 -> 0",
                "lambdas: 0,0.1,5 -> 0,0.1,10",
                "site_url: https://example.org/r/ -> none"
            ]
        );
    }

    #[test]
    fn a_key_one_side_does_not_record_is_not_compared() {
        let old = br#"{"seed": 0, "n": 100, "lambdas": [0.0]}"#;
        let new = br#"{"seed": 0, "n": 100, "lambdas": [0.0], "site_url": null}"#;
        assert!(compare(old, new).is_empty());
        assert!(compare(b"not json", new).is_empty());
    }
}
