//! What can stop the report from being assembled: its template, the social card, or
//! `results.json`.

use std::path::PathBuf;

use crate::raster::RasterError;

/// Why the report's files could not be made, each with a message fit for one line on stderr
/// (the command line adds the flag a path came from).
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The page template could not be read as text, parsed or rendered.
    #[error("{0}")]
    Template(TemplateError),
    /// A template path that is not a regular file (a FIFO would block the run).
    #[error("{}: is {kind}, not a template file", path.display())]
    TemplateNotAFile {
        /// The path.
        path: PathBuf,
        /// What it is.
        kind: &'static str,
    },
    /// The template folder is the output folder, whose page the run replaces.
    #[error(
        "{}: the templates folder is the output folder, whose page every run replaces; \
         keep templates outside it",
        path.display()
    )]
    TemplatesInOutput {
        /// The folder.
        path: PathBuf,
    },
    /// The template file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The social card could not be drawn or encoded.
    #[error("social card: {0}")]
    SocialCard(#[source] RasterError),
    /// results.json could not be written out.
    #[error("writing results.json: {0}")]
    Results(#[from] serde_json::Error),
    /// results.json would be larger than a later run reads back.
    #[error(
        "results.json would take {size} bytes, more than the {limit} a later run or review \
         reads of it; nothing was written"
    )]
    ResultsTooLarge {
        /// Its size.
        size: u64,
        /// The limit its readers keep to.
        limit: u64,
    },
}

/// Where a page template went wrong and why: its file (as the user named it), the line and
/// column when the engine knows them, the engine's message, and the lines it points at.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TemplateError {
    /// The template's file, as named (`templates/report.html`).
    pub file: String,
    /// The line, from 1.
    pub line: Option<usize>,
    /// The column, from 1.
    pub column: Option<usize>,
    /// What is wrong, in the engine's words, on one line.
    pub message: String,
    /// The template's line the error is on and a caret line under the place, each cut short.
    pub excerpt: Vec<String>,
}

/// An excerpt line longer than this many characters is cut around the place it points at:
/// a template may hold a line of megabytes, and the message must stay short.
const EXCERPT_CHARS: usize = 120;
/// A message longer than this many characters is cut: some messages list every variable.
const MESSAGE_CHARS: usize = 600;

impl TemplateError {
    /// The engine's error, placed in the template `text` called `name`.
    pub(crate) fn from_tera(error: &tera::Error, name: &str, text: &str) -> Self {
        let (tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report)) =
            error.kind()
        else {
            return TemplateError {
                file: name.to_string(),
                message: cut(&one_line(&error.to_string()), MESSAGE_CHARS),
                ..TemplateError::default()
            };
        };
        let span = report.span();
        let line = span.start_line;
        let column = span.start_col + 1;
        let width = if span.end_line == span.start_line {
            span.end_col.saturating_sub(span.start_col).max(1)
        } else {
            1
        };
        let source_line = text.lines().nth(line.saturating_sub(1));
        TemplateError {
            file: name.to_string(),
            line: Some(line),
            column: Some(column),
            message: cut(&one_line(report.message()), MESSAGE_CHARS),
            excerpt: source_line
                .map(|text| excerpt(text, column, width))
                .unwrap_or_default(),
        }
    }

    /// `file:line:column` as far as it is known.
    pub fn place(&self) -> String {
        match (self.line, self.column) {
            (Some(line), Some(column)) => format!("{}:{line}:{column}", self.file),
            (Some(line), None) => format!("{}:{line}", self.file),
            _ => self.file.clone(),
        }
    }

    /// The error on several lines: the place and message, then the template's line with a
    /// caret under the place.
    pub fn detail(&self) -> String {
        let mut lines = vec![self.to_string()];
        lines.extend(self.excerpt.iter().cloned());
        lines.join("\n    ")
    }
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.place(), self.message)
    }
}

/// Whitespace, line breaks included, as single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` cut to at most `most` characters, with `…` where it was cut.
fn cut(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        return text.to_string();
    }
    let kept: String = text.chars().take(most.saturating_sub(1)).collect();
    kept + "…"
}

/// The template's line around `column` (from 1), at most [`EXCERPT_CHARS`] characters, and a
/// caret line under the `width` characters the error points at.
fn excerpt(line: &str, column: usize, width: usize) -> Vec<String> {
    let chars: Vec<char> = line
        .chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .collect();
    let at = column.saturating_sub(1).min(chars.len());
    let start = chars
        .len()
        .checked_sub(EXCERPT_CHARS)
        .map_or(0, |most| at.saturating_sub(EXCERPT_CHARS / 3).min(most));
    let end = (start + EXCERPT_CHARS).min(chars.len());
    let mut shown: String = chars[start..end].iter().collect();
    let mut offset = at - start;
    if start > 0 {
        shown.insert(0, '…');
        offset += 1;
    }
    if end < chars.len() {
        shown.push('…');
    }
    let width = width.min(end.saturating_sub(at)).max(1);
    vec![
        shown,
        format!("{}{}", " ".repeat(offset), "^".repeat(width)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_of_a_huge_line_stays_short_and_points_at_the_place() {
        let line = format!(
            "{}{{{{ x + }}}}{}",
            "a".repeat(1_000_000),
            "b".repeat(1_000_000)
        );
        let lines = excerpt(&line, 1_000_001, 10);
        assert!(
            lines[0].chars().count() <= EXCERPT_CHARS + 2,
            "{}",
            lines[0]
        );
        let caret = lines[1].find('^').expect("a caret");
        let pointed: String = lines[0].chars().skip(caret).take(2).collect();
        assert_eq!(pointed, "{{");
    }

    #[test]
    fn a_short_line_is_shown_whole() {
        let lines = excerpt("<p>{{ x + }}</p>", 4, 8);
        assert_eq!(
            lines,
            vec!["<p>{{ x + }}</p>".to_string(), "   ^^^^^^^^".to_string()]
        );
    }
}
