//! The review page's sections below the pictures, as the template shows them: the numbers of
//! `results.json` grouped by the fit they belong to, and the line diffs (the page's visible
//! text, the other text files) with the changed words marked.

use serde::Serialize;

use super::findings::Review;
use super::inputs::sig2;
use super::numbers::{Moved, by_scope};
use super::text::{Hunk, Part};
use crate::numbers::counted;
use crate::output::Verdict;
use crate::report::{PAGE, RESULTS};

#[derive(Serialize)]
pub(super) struct NumberGroup {
    pub(super) scope: String,
    /// "changed", "new" (only this run has it) or "gone" (only the baseline has it).
    pub(super) kind: &'static str,
    pub(super) count: usize,
    pub(super) rows: Vec<NumberRow>,
    pub(super) texts: Vec<NumberRow>,
}

#[derive(Serialize)]
pub(super) struct NumberRow {
    pub(super) field: String,
    pub(super) old: String,
    pub(super) new: String,
    pub(super) absolute: String,
    pub(super) relative: String,
}

#[derive(Serialize)]
pub(super) struct TextFile {
    pub(super) anchor: String,
    pub(super) path: String,
    pub(super) note: String,
    pub(super) hunks: Vec<Hunk>,
}

/// The note on `results.json` and its changed values, grouped by the fit (or part) they
/// belong to; a fit only one side has is one group of its own.
pub(super) fn numbers(review: &Review) -> (String, Vec<NumberGroup>) {
    let numbers = review.numbers.as_ref();
    let note = match (numbers, review.file(RESULTS)) {
        (_, Some(f)) if f.verdict == Verdict::Identical => "results.json is identical.".into(),
        (Some(n), _) if n.changes.is_empty() => format!(
            "No value of results.json changed beyond the tolerance ({} within it).",
            counted(n.within, "number moved", "numbers moved")
        ),
        (Some(n), _) => format!(
            "{} beyond the tolerance, of {} compared ({} within it). Fits are matched by data \
             set and place: the i-th fit of the baseline with the i-th of this run.",
            counted(n.changes.len(), "value changed", "values changed"),
            n.compared,
            counted(n.within, "number moved", "numbers moved")
        ),
        (None, Some(f)) => format!("results.json could not be compared: {}.", f.note),
        (None, None) => "results.json could not be compared.".into(),
    };
    let groups = by_scope(numbers.map(|n| n.changes.as_slice()).unwrap_or_default())
        .into_iter()
        .map(|(scope, here, moved)| {
            let (rows, texts): (Vec<NumberRow>, Vec<NumberRow>) = here
                .iter()
                .map(|c| NumberRow {
                    field: if c.key.field.is_empty() {
                        c.key.to_string()
                    } else {
                        c.key.field.clone()
                    },
                    old: c.old.to_string(),
                    new: c.new.to_string(),
                    absolute: c.absolute().map(sig2).unwrap_or_default(),
                    relative: c.relative().map(sig2).unwrap_or_default(),
                })
                .partition(|row| !row.old.starts_with('"') && !row.new.starts_with('"'));
            NumberGroup {
                scope: scope.to_string(),
                kind: match moved {
                    Moved::New => "new",
                    Moved::Gone => "gone",
                    Moved::Changed => "changed",
                },
                count: here.len(),
                rows,
                texts,
            }
        })
        .collect();
    (note, groups)
}

pub(super) fn page_text(review: &Review) -> (String, Vec<Hunk>) {
    // A note alone: the page shows no diff.
    let alone = |note: &str| (note.to_string(), Vec::new());
    match (&review.page_text, review.file(PAGE)) {
        (_, Some(f)) if f.verdict == Verdict::Identical => alone("The page is identical."),
        (Some(text), _) if text.same() => {
            alone("The page's visible text is the same; only markup or inline figures differ.")
        }
        (Some(text), _) => (
            format!(
                "The page's visible text (figures, styles and scripts left out): {} removed, \
                 {} added; the words that changed are marked.",
                counted(text.removed, "line", "lines"),
                counted(text.added, "line", "lines")
            ),
            text.hunks.clone(),
        ),
        (None, Some(f)) => alone(&format!("The page could not be compared: {}.", f.note)),
        (None, None) => alone("The page could not be compared."),
    }
}

/// A line in stretches: what stands between backticks is a command (marked), the rest prose.
pub(super) fn code_spans(line: &str) -> Vec<Part> {
    line.split('`')
        .enumerate()
        .filter(|(_, text)| !text.is_empty())
        .map(|(k, text)| Part {
            changed: k % 2 == 1,
            text: text.to_string(),
        })
        .collect()
}
