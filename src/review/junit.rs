//! The review as JUnit XML, for CI systems that show test reports: one test case per file of
//! the report, failing when the file changed beyond the tolerances, is missing, new, removed
//! or unreadable, each naming the place on the review page that shows it; the suite carries
//! the review's last line.

use super::findings::{FileReview, Review};
use super::page::anchor;
use super::sidecar::MARKER;
use super::verdict::{Header, error_line, last_line, parameter_lines};
use crate::markup::xml as escape;
use crate::output::Verdict;

/// The XML text of `review`. After `--accept`, changes were taken on purpose: every case
/// passes and says what was accepted.
pub fn xml(review: &Review, header: &Header) -> String {
    // The parameters come first: a case of their own, failing while the run's differ from
    // the baseline's and nothing was accepted.
    let parameters = parameter_lines(review, header);
    let parameters_fail = !parameters.is_empty() && !header.accepted;
    let failures = if header.accepted {
        0
    } else {
        review.files.iter().filter(|f| !f.passed).count() + usize::from(parameters_fail)
    };
    let tests = review.files.len() + 1;
    let name = "logreg-report review";
    let verdict = escape(&last_line(review, header));
    let mut out = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{MARKER}\n");
    out.push_str(&format!(
        "<testsuites name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"{name}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n"
    ));
    out.push_str(&format!(
        "    <properties>\n      <property name=\"review_page\" value=\"{}\"/>\n      <property name=\"verdict\" value=\"{verdict}\"/>\n    </properties>\n",
        escape(&header.review_page)
    ));
    out.push_str(&parameters_case(&parameters, parameters_fail));
    for file in &review.files {
        out.push_str(&file_case(review, header, file));
    }
    out.push_str(&format!("    <system-out>{verdict}</system-out>\n"));
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// The case of the parameters the run does not share with the baseline: failing when `fail`.
fn parameters_case(parameters: &[String], fail: bool) -> String {
    let open = "    <testcase classname=\"logreg-report.review\" name=\"parameters\"";
    if parameters.is_empty() {
        return format!("{open}/>\n");
    }
    let lines = escape(&parameters.join("\n"));
    let head = "the baseline was made with other parameters";
    if fail {
        format!(
            "{open}>\n      <failure type=\"parameters\" message=\"{head}\">{lines}</failure>\n    </testcase>\n"
        )
    } else {
        format!(
            "{open}>\n      <system-out>accepted: {head}:\n{lines}</system-out>\n    </testcase>\n"
        )
    }
}

/// A file's case: a failure says what moved and where the review page shows it.
fn file_case(review: &Review, header: &Header, file: &FileReview) -> String {
    let open = format!(
        "    <testcase classname=\"logreg-report.review\" name=\"{}\"",
        escape(&file.path)
    );
    if file.verdict == Verdict::Identical {
        return format!("{open}/>\n");
    }
    let detail = escape(&format!("{}: {}", file.verdict.word(), file.note));
    if file.passed || header.accepted {
        let prefix = if file.passed { "" } else { "accepted: " };
        return format!(
            "{open}>\n      <system-out>{prefix}{detail}</system-out>\n    </testcase>\n"
        );
    }
    let see = format!("See {}#{}", header.review_page, anchor(&file.path));
    let why = causes(review, file).map_or(see.clone(), |causes| format!("{causes}\n{see}"));
    format!(
        "{open}>\n      <failure type=\"{}\" message=\"{detail}\">{}</failure>\n    </testcase>\n",
        file.verdict.word(),
        escape(&why)
    )
}

/// For a figure's file: whether what it is drawn from moved, and what.
fn causes(review: &Review, file: &FileReview) -> Option<String> {
    let figure = review
        .figures
        .iter()
        .find(|f| file.path.ends_with(&format!("/{}", f.file_name)))?;
    if !figure.causes.is_empty() {
        let lines: String = figure.causes.iter().map(|c| format!("\n{c}")).collect();
        Some(format!("What it is drawn from that moved:{lines}"))
    } else if file.verdict == Verdict::Changed {
        Some(
            "None of the numbers or data it is drawn from moved: the change comes from how it \
             is drawn."
                .to_string(),
        )
    } else {
        None
    }
}

/// The XML of a review that could not be made: one case, in error, with the reason.
pub fn error_xml(message: &str) -> String {
    let name = "logreg-report review";
    let line = escape(&error_line(message));
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{MARKER}\n<testsuites name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"1\">\n  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    <testcase classname=\"logreg-report.review\" name=\"review\">\n      <error type=\"error\" message=\"{line}\">{line}</error>\n    </testcase>\n  </testsuite>\n</testsuites>\n"
    )
}
