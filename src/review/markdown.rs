//! The review as GitHub-flavoured Markdown, short enough for a CI job summary or a comment on
//! a pull request: the verdict, the files that did not stay identical, why each figure moved,
//! which numbers moved, and the command that accepts the run.

use std::fmt::Write;

use super::findings::Review;
use super::numbers::{Leaf, Scope};
use super::sidecar::MARKER;
use super::verdict::{Header, error_line, last_line, parameter_lines, state};
use crate::numbers::short;
use crate::output::Verdict;

/// Rows of the table of files, and lines of each list, before the rest is counted.
const MOST: usize = 20;

/// The Markdown summary of `review`.
pub fn summary(review: &Review, header: &Header) -> String {
    let mut out = String::new();
    let state = state(review, header);
    let mark = match state {
        "identical" => "PASS, identical",
        "within" => "PASS, within the tolerances (baseline stale)",
        "accepted" => "ACCEPTED",
        _ => "FAIL",
    };
    let _ = writeln!(out, "{MARKER}");
    let _ = writeln!(out, "### logreg-report review: {mark}\n");
    let parameters = parameter_lines(review, header);
    if !parameters.is_empty() {
        let _ = writeln!(
            out,
            "> [!WARNING]\n> **The baseline was made with other parameters**; accepting this run \
             replaces that report with one made with this run's:\n>"
        );
        for line in &parameters {
            let _ = writeln!(out, "> - {}", escape(line));
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{}\n", escape(&last_line(review, header)));
    let _ = writeln!(
        out,
        "Baseline `{}`, compared with a fresh run ({}).\n",
        code(&header.baseline),
        escape(&header.run)
    );
    let changed: Vec<_> = review
        .files
        .iter()
        .filter(|f| f.verdict != Verdict::Identical)
        .collect();
    if !changed.is_empty() {
        let _ = writeln!(out, "| file | verdict | result | why |\n|---|---|---|---|");
        let mut rows = changed.clone();
        rows.sort_by_key(|f| f.passed);
        for f in rows.iter().take(MOST) {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                code(&f.path),
                f.verdict.word(),
                if f.passed { "pass" } else { "**FAIL**" },
                escape(&f.note)
            );
        }
        if rows.len() > MOST {
            let _ = writeln!(out, "\n… and {} more files.", rows.len() - MOST);
        }
        let identical = review.files.len() - changed.len();
        let _ = writeln!(out, "\n{identical} other files are identical.\n");
    }
    let moved: Vec<String> = review
        .figures
        .iter()
        .filter(|f| !f.causes.is_empty())
        .map(|f| {
            let name = match f.number {
                Some(n) => format!("Figure {n} (`{}`)", code(&f.file_name)),
                None => format!("`{}`", code(&f.file_name)),
            };
            let causes: Vec<String> = f.causes.iter().map(|c| escape(&c.to_string())).collect();
            format!("- {name}: {}", causes.join("; "))
        })
        .collect();
    if !moved.is_empty() {
        let _ = writeln!(out, "**Why the figures moved**\n");
        list(&mut out, &moved);
    }
    if let Some(numbers) = &review.numbers
        && !numbers.changes.is_empty()
    {
        let _ = writeln!(
            out,
            "**Numbers beyond the tolerance {}**: {} of {} values, by part of `results.json`:\n",
            short(review.tolerances.numbers),
            numbers.changes.len(),
            numbers.compared
        );
        let mut scopes: Vec<&Scope> = Vec::new();
        for change in &numbers.changes {
            if !scopes.contains(&&change.key.scope) {
                scopes.push(&change.key.scope);
            }
        }
        let lines: Vec<String> = scopes
            .iter()
            .map(|scope| {
                let here: Vec<_> = numbers
                    .changes
                    .iter()
                    .filter(|c| &c.key.scope == *scope)
                    .collect();
                let what = if here.iter().all(|c| c.old == Leaf::Absent) {
                    format!("new in this run, {} values", here.len())
                } else if here.iter().all(|c| c.new == Leaf::Absent) {
                    format!("gone from this run, {} values", here.len())
                } else {
                    let some: Vec<String> = here
                        .iter()
                        .take(4)
                        .map(|c| escape(&super::inputs::movement(c)))
                        .collect();
                    let more = if here.len() > 4 {
                        format!(", … ({} in all)", here.len())
                    } else {
                        String::new()
                    };
                    format!("{}{more}", some.join(", "))
                };
                format!("- {}: {what}", escape(&scope.to_string()))
            })
            .collect();
        list(&mut out, &lines);
    }
    if !header.review_page.is_empty() {
        let _ = writeln!(
            out,
            "The review page, with every figure side by side, flipped, overlaid and blinking: \
             `{}`.\n",
            code(&header.review_page)
        );
    }
    if matches!(state, "within" | "failed") {
        let _ = writeln!(
            out,
            "To make this run the baseline (all files or none), run `{}` and commit the \
             baseline with the code.",
            code(&header.accept_command)
        );
    }
    out
}

/// The summary of a review that could not be made.
pub fn error_summary(message: &str) -> String {
    format!(
        "{MARKER}\n### logreg-report review: ERROR\n\n{}\n",
        escape(&error_line(message))
    )
}

fn list(out: &mut String, lines: &[String]) {
    for line in lines.iter().take(MOST) {
        let _ = writeln!(out, "{line}");
    }
    if lines.len() > MOST {
        let _ = writeln!(out, "- … and {} more", lines.len() - MOST);
    }
    out.push('\n');
}

/// Text for a table cell or a line: the characters Markdown would take for markup escaped,
/// and line breaks made spaces.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '*' | '_' | '<' | '>' | '[' | ']' | '\\' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for inside a code span: no backticks or line breaks, and a `|` that cannot end a
/// table cell.
fn code(text: &str) -> String {
    text.replace('`', "'")
        .replace(['\n', '\r'], " ")
        .replace('|', "\\|")
}
