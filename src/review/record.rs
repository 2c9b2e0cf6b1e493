//! `review.json`: every verdict and number of a review, its state and its last line, for
//! machines. It also marks the folder as a review folder of this tool.

use serde_json::{Value, json};

use super::findings::{FigureReview, Review, Standing};
use super::numbers::{Leaf, Numbers};
use super::pictures::{Look, SCALE};
use super::verdict::{Accepted, Header, State, error_line, last_line, parameter_lines, state};
use crate::output::TOOL;

fn leaf(value: &Leaf) -> Option<Value> {
    match value {
        Leaf::Integer(k) => Some(json!(k)),
        Leaf::Number(x) => Some(json!(x)),
        Leaf::Text(text) => Some(json!(text)),
        Leaf::Bool(b) => Some(json!(b)),
        Leaf::Null => Some(Value::Null),
        Leaf::Absent => None,
    }
}

/// `review.json` without its list of files.
pub(super) fn record(review: &Review, header: &Header) -> Value {
    let t = &review.tolerances;
    let files: Vec<Value> = review
        .files
        .iter()
        .map(|f| json!({ "path": f.path, "verdict": f.verdict.word(), "passed": f.passed, "note": f.note }))
        .collect();
    let page_text = review.page_text.as_ref().map(
        |text| json!({ "removed": text.removed, "added": text.added, "diff": text.unified() }),
    );
    let texts: Vec<Value> = review
        .texts
        .iter()
        .map(|t| match &t.diff {
            Some(diff) => json!({ "path": t.path, "removed": diff.removed, "added": diff.added, "diff": diff.unified() }),
            None => json!({ "path": t.path, "note": t.note }),
        })
        .collect();
    let accepted = header.accepted.then(|| {
        let a = Accepted::of(review);
        json!({ "replaced": a.replaced, "new": a.new, "removed": a.removed })
    });
    let stale = !header.accepted && review.standing() != Standing::Identical;
    json!({
        "tool": TOOL,
        "version": env!("CARGO_PKG_VERSION"),
        "parameters": parameters(review, header),
        "state": state(review, header),
        "passed": review.passed(),
        "baseline_stale": stale,
        "accept_command": stale.then_some(&header.accept_command),
        "accepted": accepted,
        "last_line": last_line(review, header),
        "baseline": header.baseline,
        "run": header.run,
        "tolerances": {
            "rms": t.rms,
            "threshold": t.threshold,
            "max_diff_pixels": t.max_diff_pixels,
            "numbers": t.numbers,
            "scale": SCALE,
        },
        "files": files,
        "figures": review.figures.iter().map(figure).collect::<Vec<_>>(),
        "numbers": review.numbers.as_ref().map(numbers),
        "page_text": page_text,
        "texts": texts,
        "artifacts": {},
    })
}

/// The parameters the baseline was made with that this run does not share, with their lines.
fn parameters(review: &Review, header: &Header) -> Vec<Value> {
    let lines = parameter_lines(review, header);
    review
        .parameters
        .iter()
        .zip(&lines)
        .map(|(change, line)| {
            json!({
                "key": change.key,
                "baseline": change.baseline,
                "run": change.run,
                "line": line,
            })
        })
        .collect()
}

/// A figure: its place in the report, what moved it, and what its pixels showed.
fn figure(figure: &FigureReview) -> Value {
    let mut entry = json!({
        "file": figure.file_name,
        "number": figure.number,
        "title": figure.title,
        "causes": figure.causes,
    });
    match figure.picture.as_ref().map(|p| &p.look) {
        Some(Look::Compared(stats)) => {
            entry["rms"] = json!(stats.rms);
            entry["changed_pixels"] = json!(stats.changed);
            entry["differing_pixels"] = json!(stats.differing);
            entry["antialiased_pixels"] = json!(stats.antialiased);
            entry["total_pixels"] = json!(stats.total);
        }
        Some(Look::SizeMismatch {
            baseline,
            candidate,
        }) => {
            entry["baseline_size"] = json!([baseline.0, baseline.1]);
            entry["candidate_size"] = json!([candidate.0, candidate.1]);
        }
        Some(Look::Unreadable(why)) => entry["unreadable"] = json!(why),
        Some(Look::OneSide) | None => {}
    }
    entry
}

/// The numbers of `results.json`: how many were compared, and each change beyond the tolerance.
fn numbers(numbers: &Numbers) -> Value {
    let changes: Vec<Value> = numbers
        .changes
        .iter()
        .map(|c| {
            let mut change = json!({ "key": c.key.to_string(), "absolute": c.absolute(), "relative": c.relative() });
            for (side, value) in [("old", &c.old), ("new", &c.new)] {
                if let Some(value) = leaf(value) {
                    change[side] = value;
                }
            }
            change
        })
        .collect();
    json!({ "compared": numbers.compared, "within_tolerance": numbers.within, "changes": changes })
}

/// `review.json` of a review that could not be made.
pub(super) fn error_record(message: &str, header: &Header) -> Value {
    json!({
        "tool": TOOL,
        "version": env!("CARGO_PKG_VERSION"),
        "parameters": [],
        "state": State::Error,
        "passed": false,
        "error": message,
        "last_line": error_line(message),
        "baseline": header.baseline,
        "run": header.run,
        "files": [],
        "artifacts": {},
    })
}
