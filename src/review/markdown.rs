//! The review as GitHub-flavoured Markdown, short enough for a CI job summary or a comment on
//! a pull request: the verdict, the files that did not stay identical, why each figure moved,
//! which numbers moved, and the command that accepts the run.

use std::fmt::Write;

use super::findings::Review;
use super::numbers::{Change, Moved, by_scope};
use super::sidecar::MARKER;
use super::verdict::{Header, State, error_line, last_line, parameter_lines, state};
use crate::numbers::short;
use crate::output::Verdict;

/// Rows of the table of files, and lines of each list, before the rest is counted.
const MOST: usize = 20;

/// The Markdown summary of `review`.
pub fn summary(review: &Review, header: &Header) -> String {
    let state = state(review, header);
    let mark = match state {
        State::Identical => "PASS, identical",
        State::Within => "PASS, within the tolerances (baseline stale)",
        State::Accepted => "ACCEPTED",
        State::Failed | State::Error | State::Unfinished => "FAIL",
    };
    let mut out = format!("{MARKER}\n### logreg-report review: {mark}\n\n");
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
        "Baseline {}, compared with a fresh run ({}).\n",
        code_span(&header.baseline),
        escape(&header.run)
    );
    write_files(&mut out, review);
    write_moved_figures(&mut out, review);
    write_numbers(&mut out, review);
    if !header.review_page.is_empty() {
        let _ = writeln!(
            out,
            "Every changed figure side by side, flipped, overlaid and blinking: {}.\n",
            page_link(&header.review_page)
        );
    }
    if state.acceptable() {
        let _ = writeln!(
            out,
            "To make this run the baseline (all files or none), run {} and commit the \
             baseline with the code.",
            code_span(&header.accept_command)
        );
    }
    out
}

/// The table of the files that are not identical, failing ones first.
fn write_files(out: &mut String, review: &Review) {
    let mut rows: Vec<_> = review
        .files
        .iter()
        .filter(|f| f.verdict != Verdict::Identical)
        .collect();
    if rows.is_empty() {
        return;
    }
    let identical = review.files.len() - rows.len();
    let _ = writeln!(out, "| file | verdict | result | why |\n|---|---|---|---|");
    rows.sort_by_key(|f| f.passed);
    for f in rows.iter().take(MOST) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            code_span(&f.path).replace('|', "\\|"),
            f.verdict.word(),
            if f.passed { "pass" } else { "**FAIL**" },
            cell(&f.note)
        );
    }
    if rows.len() > MOST {
        let _ = writeln!(out, "\n… and {} more files.", rows.len() - MOST);
    }
    let _ = writeln!(out, "\n{identical} other files are identical.\n");
}

/// Why the figures moved: for each, what it is drawn from that moved.
fn write_moved_figures(out: &mut String, review: &Review) {
    let moved: Vec<String> = review
        .figures
        .iter()
        .filter(|f| !f.causes.is_empty())
        .map(|f| {
            let name = match f.number {
                Some(n) => format!("Figure {n} ({})", code_span(&f.file_name)),
                None => code_span(&f.file_name),
            };
            let causes: Vec<_> = f.causes.iter().map(|c| escape(&c.to_string())).collect();
            format!("- {name}: {}", causes.join("; "))
        })
        .collect();
    if !moved.is_empty() {
        let _ = writeln!(out, "**Why the figures moved**\n");
        list(out, &moved);
    }
}

/// The numbers beyond the tolerance, a line for each part of `results.json` they are in.
fn write_numbers(out: &mut String, review: &Review) {
    let Some(numbers) = review.numbers.as_ref().filter(|n| !n.changes.is_empty()) else {
        return;
    };
    let _ = writeln!(
        out,
        "**Numbers beyond the tolerance {}**: {} of {} values, by part of `results.json`:\n",
        short(review.tolerances.numbers),
        numbers.changes.len(),
        numbers.compared
    );
    let lines: Vec<_> = by_scope(&numbers.changes)
        .iter()
        .map(|(scope, here, how)| {
            format!("- {}: {}", escape(&scope.to_string()), moved(here, *how))
        })
        .collect();
    list(out, &lines);
}

/// What moved in one part of `results.json`: new or gone as a whole, else its first changes.
fn moved(here: &[&Change], how: Moved) -> String {
    match how {
        Moved::New => return format!("new in this run, {} values", here.len()),
        Moved::Gone => return format!("gone from this run, {} values", here.len()),
        Moved::Changed => {}
    }
    let some: Vec<String> = here
        .iter()
        .filter(|c| c.key.field != "lambda")
        .take(4)
        .map(|c| escape(&super::inputs::movement(c)))
        .collect();
    if here.len() > 4 {
        return format!("{}, … ({} in all)", some.join(", "), here.len());
    }
    some.join(", ")
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

/// Prose for a line: its `code spans` kept as code (nothing escaped inside them, where a
/// backslash would show), the rest with the characters Markdown takes for markup escaped, and
/// line breaks made spaces.
fn escape(text: &str) -> String {
    prose(text, false)
}

/// [`escape`] for a table cell, where a `|` ends the cell even inside a code span unless it
/// is escaped (GitHub's tables take `\|` there and show `|`).
fn cell(text: &str) -> String {
    prose(text, true)
}

fn prose(text: &str, in_table: bool) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let mut out = String::with_capacity(text.len());
    // Text between backticks is code; an odd backtick at the end is a plain one.
    let parts: Vec<&str> = text.split('`').collect();
    let closed = parts.len() - usize::from(parts.len().is_multiple_of(2));
    for (k, part) in parts.iter().enumerate() {
        if k % 2 == 1 && k < closed {
            let bar = if in_table { "\\|" } else { "|" };
            out.push_str(&code_span(part).replace('|', bar));
        } else {
            if k % 2 == 1 {
                out.push_str("\\`");
            }
            plain(&mut out, part);
        }
    }
    out
}

/// Text outside code spans: addresses as autolinks (`<https://…>`, so that no punctuation
/// after them is taken into them and nothing in them is escaped), the rest escaped.
fn plain(out: &mut String, mut text: &str) {
    while let Some(at) = ["https://", "http://"]
        .iter()
        .filter_map(|scheme| text.find(scheme))
        .min()
    {
        escape_into(out, &text[..at]);
        let rest = &text[at..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let url = rest[..end].trim_end_matches([';', ',', '.', ':', ')', '!', '?']);
        out.push('<');
        out.push_str(&url.replace(['<', '>'], ""));
        out.push('>');
        text = &rest[url.len()..];
    }
    escape_into(out, text);
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        if "\\`*_[]<>#|~!".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// `text` as one code span, whatever it holds: fenced by one backtick more than its longest
/// run of backticks, and padded with a space where it starts or ends with one.
fn code_span(text: &str) -> String {
    let text = text.replace(['\n', '\r'], " ");
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Where the review page is: a link when it has an address, its path in code otherwise.
fn page_link(page: &str) -> String {
    if page.starts_with("https://") || page.starts_with("http://") {
        format!(
            "[the review page]({})",
            page.replace(' ', "%20").replace(')', "%29")
        )
    } else {
        format!("the review page, {}", code_span(page))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_are_kept_and_nothing_inside_them_is_escaped() {
        assert_eq!(
            escape("the test `committed_output_is_not_stale` fails_here"),
            "the test `committed_output_is_not_stale` fails\\_here"
        );
        assert_eq!(escape("a `b|c` d|e"), "a `b|c` d\\|e");
        assert_eq!(cell("a `b|c` d|e"), "a `b\\|c` d\\|e");
        assert_eq!(escape("an odd ` tick"), "an odd \\` tick");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`x"), "`` `x ``");
        assert_eq!(escape("line\nbreak *x*"), "line break \\*x\\*");
        assert_eq!(
            escape("look at https://h.example/runs/7#artifacts; then"),
            "look at <https://h.example/runs/7#artifacts>; then"
        );
    }
}
