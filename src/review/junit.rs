//! The review as JUnit XML, for CI systems that show test reports: one test case per file of
//! the report, failing when the file changed beyond the tolerances, is missing, new, removed
//! or unreadable.

use std::io::Write;
use std::path::Path;

use super::error::ReviewError;
use super::findings::Review;
use crate::output::Verdict;

/// The XML text of `review`. After `--accept` (`accepted`), changes were taken on purpose:
/// every case passes and says what was accepted.
pub fn xml(review: &Review, accepted: bool) -> String {
    let failures = if accepted {
        0
    } else {
        review.files.iter().filter(|f| !f.passed).count()
    };
    let tests = review.files.len();
    let name = "logreg-report review";
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n"
    ));
    for file in &review.files {
        out.push_str(&format!(
            "    <testcase classname=\"logreg-report.review\" name=\"{}\"",
            escape(&file.path)
        ));
        let detail = if file.verdict == Verdict::Identical {
            String::new()
        } else {
            format!("{}: {}", file.verdict.word(), file.note)
        };
        if detail.is_empty() {
            out.push_str("/>\n");
            continue;
        }
        out.push_str(">\n");
        let figure = review
            .figures
            .iter()
            .find(|f| file.path.ends_with(&format!("/{}", f.file_name)));
        let causes = match figure {
            Some(f) if f.causes.is_empty() && file.verdict == Verdict::Changed => {
                "None of the numbers or data it is drawn from moved: the change comes from how \
                 it is drawn."
                    .to_string()
            }
            Some(f) if !f.causes.is_empty() => {
                let lines: Vec<String> = f.causes.iter().map(ToString::to_string).collect();
                format!("What it is drawn from that moved:\n{}", lines.join("\n"))
            }
            _ => String::new(),
        };
        if file.passed || accepted {
            let prefix = if file.passed { "" } else { "accepted: " };
            out.push_str(&format!(
                "      <system-out>{}{}</system-out>\n",
                prefix,
                escape(&detail)
            ));
        } else {
            out.push_str(&format!(
                "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                file.verdict.word(),
                escape(&detail),
                escape(&causes)
            ));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Writes `text` to `path` whole or not at all: through a temporary file beside it, renamed
/// into place.
pub fn write(path: &Path, text: &str) -> Result<(), ReviewError> {
    let io = |source| ReviewError::Io {
        path: path.to_path_buf(),
        source,
    };
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".logreg-report-junit-")
        .tempfile_in(parent)
        .map_err(io)?;
    file.write_all(text.as_bytes()).map_err(io)?;
    file.as_file().sync_all().map_err(io)?;
    file.persist(path).map_err(|e| io(e.error))?;
    Ok(())
}

/// `text` with the five XML special characters escaped, and characters XML 1.0 cannot hold
/// (most control characters) replaced.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}
