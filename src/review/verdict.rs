//! The review's verdict in words: one last line that the terminal, the page, `review.json`,
//! JUnit and the Markdown summary all end with, so that they never disagree with each other
//! or with the test suite. Whenever the baseline's bytes differ from what the code writes,
//! the line says so and names the one command that makes both green: `review --accept`.

use super::findings::{Review, Standing, figure_path};
use crate::numbers::counted;
use crate::output::Verdict;

/// Where a review came from and what it did, for every file that reports it.
#[derive(Clone, Debug, Default)]
pub struct Header {
    /// The baseline as the user named it: a folder, or `REV:folder/`.
    pub baseline: String,
    /// The run's options in words, e.g. "seed 5, N = 100, λ = 0,0.1,10".
    pub run: String,
    /// Whether `--accept` made the run the new baseline.
    pub accepted: bool,
    /// The command that makes this run the baseline, with the options it was run with.
    pub accept_command: String,
    /// The review page's path as the user would open it.
    pub review_page: String,
    /// Where each of the run's parameters came from, by key (`seed` → `report.toml`,
    /// `--seed` or `the default`); a key not listed is not said.
    pub sources: Vec<(String, String)>,
}

/// One line per parameter the baseline was made with that this run does not share, e.g.
/// `seed: 3 in the baseline, 0 in this run (report.toml)`: what every output says first.
pub fn parameter_lines(review: &Review, header: &Header) -> Vec<String> {
    review
        .parameters
        .iter()
        .map(|change| {
            // Where the run's value came from, if the header says.
            let source = header
                .sources
                .iter()
                .find(|(k, _)| k == change.key)
                .map(|(_, s)| format!(" ({s})"))
                .unwrap_or_default();
            format!(
                "{}: {} in the baseline, {} in this run{source}",
                change.key, change.baseline, change.run
            )
        })
        .collect()
}

/// What accepting means when the baseline was made with other parameters, to end an advice
/// with: empty when the parameters are the same.
fn replaces(review: &Review) -> String {
    if review.parameters.is_empty() {
        return String::new();
    }
    let which: Vec<String> = review
        .parameters
        .iter()
        .map(|c| format!("{} {}", c.key, c.baseline))
        .collect();
    format!(
        " (accepting replaces a report made with other parameters: {}, with this run's)",
        which.join(", ")
    )
}

/// What `--accept` changed in the baseline, file by file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Accepted {
    /// Files the baseline held with other bytes (or could not be read), now replaced.
    pub replaced: Vec<String>,
    /// Files the baseline did not hold, now written.
    pub new: Vec<String>,
    /// Files the baseline's run wrote that this run does not, now removed.
    pub removed: Vec<String>,
}

impl Accepted {
    /// What accepting `review` changes.
    pub fn of(review: &Review) -> Accepted {
        let mut accepted = Accepted::default();
        for file in &review.files {
            let list = match file.verdict {
                Verdict::Identical => continue,
                Verdict::Changed | Verdict::Unreadable(_) => &mut accepted.replaced,
                Verdict::New | Verdict::Missing => &mut accepted.new,
                Verdict::Removed => &mut accepted.removed,
            };
            list.push(file.path.clone());
        }
        accepted
    }

    /// "2 files replaced, 1 new, 0 removed".
    pub fn counts(&self) -> String {
        format!(
            "{} replaced, {} new, {} removed",
            counted(self.replaced.len(), "file", "files"),
            self.new.len(),
            self.removed.len()
        )
    }

    /// One line per file: `replaced  figures/x.svg`, `new       social-card.png`, …
    pub fn lines(&self) -> Vec<String> {
        let each = [
            ("replaced", &self.replaced),
            ("new", &self.new),
            ("removed", &self.removed),
        ];
        each.into_iter()
            .flat_map(|(word, paths)| paths.iter().map(move |p| format!("{word:<9} {p}")))
            .collect()
    }
}

/// The state of a review, for `review.json` (in one word, as serialised), the page's colours,
/// the Markdown summary's heading and CI.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Every file is byte for byte the baseline's.
    Identical,
    /// Passed within the tolerances, but the baseline's bytes are stale.
    Within,
    /// Something changed beyond the tolerances (or is new, missing, removed or unreadable).
    Failed,
    /// `--accept` made the run the baseline.
    Accepted,
    /// The review could not be made.
    Error,
    /// The review was started and has not finished (or was stopped).
    #[default]
    Unfinished,
}

impl State {
    /// Whether the baseline's bytes are not what the code writes and accepting would change
    /// them: the states that name the accept command.
    pub fn acceptable(self) -> bool {
        matches!(self, State::Within | State::Failed)
    }
}

/// The state of a finished review.
pub fn state(review: &Review, header: &Header) -> State {
    match (header.accepted, review.standing()) {
        (_, Standing::Identical) => State::Identical,
        (true, _) => State::Accepted,
        (false, Standing::Within { .. }) => State::Within,
        (false, Standing::Beyond { .. }) => State::Failed,
    }
}

/// The review's last line: what it found and, whenever the baseline's bytes are not what the
/// code writes, the command that makes them so.
pub fn last_line(review: &Review, header: &Header) -> String {
    let total = review.files.len();
    let accept = &header.accept_command;
    match (header.accepted, review.standing()) {
        (_, Standing::Identical) => format!(
            "Nothing to do: every file of the baseline ({total}) is byte for byte what the code \
             writes."
        ),
        (true, _) => format!(
            "Accepted: {} now holds this run ({}); commit it with the code.",
            header.baseline,
            Accepted::of(review).counts()
        ),
        (false, Standing::Within { differing }) => format!(
            "Passed within the tolerances, but {differing} of {total} files differ from the \
             baseline's bytes, so the baseline is stale (`--check` and the test \
             `committed_output_is_not_stale` fail until it is accepted): run `{accept}`{}.",
            replaces(review)
        ),
        (false, Standing::Beyond { failing, .. }) => format!(
            "{failing} of {total} files changed beyond the tolerances (or are new, missing, \
             removed or unreadable): look at {}; to make this run the baseline, run \
             `{accept}`{}.",
            header.review_page,
            replaces(review)
        ),
    }
}

/// The last line of a review that could not be made.
pub fn error_line(message: &str) -> String {
    format!("The review could not be made, so nothing was compared: {message}")
}

/// A few words for a CI system's checks, beside the summary: which figures changed and how
/// many numbers moved. None when every file is identical.
pub fn notice(review: &Review, header: &Header) -> Option<String> {
    if review.standing() == Standing::Identical {
        return None;
    }
    let figures: Vec<String> = review
        .figures
        .iter()
        .filter(|f| {
            review
                .file(&figure_path(&f.file_name))
                .is_some_and(|file| file.verdict != Verdict::Identical)
        })
        .map(|f| match f.number {
            Some(n) => format!("figure {n} ({})", f.file_name),
            None => f.file_name.clone(),
        })
        .collect();
    let mut parts = parameter_lines(review, header);
    parts.push(if figures.is_empty() {
        "no figure changed".to_string()
    } else {
        format!(
            "{} changed: {}",
            counted(figures.len(), "figure", "figures"),
            figures.join(", ")
        )
    });
    if let Some(numbers) = &review.numbers
        && !numbers.changes.is_empty()
    {
        parts.push(format!(
            "{} of results.json moved beyond the tolerance",
            counted(numbers.changes.len(), "number", "numbers")
        ));
    }
    let state = match state(review, header) {
        State::Accepted => "accepted",
        State::Failed => "beyond the tolerances",
        _ => "within the tolerances",
    };
    let parts = parts.join("; ");
    Some(format!("{parts} ({state}); see the job summary"))
}

#[cfg(test)]
mod state_tests {
    use super::State;

    #[test]
    fn states_keep_the_words_readers_know() {
        let words: Vec<String> = [
            State::Identical,
            State::Within,
            State::Failed,
            State::Accepted,
            State::Error,
            State::Unfinished,
        ]
        .iter()
        .map(|s| serde_json::to_string(s).unwrap())
        .collect();
        assert_eq!(
            words,
            [
                "\"identical\"",
                "\"within\"",
                "\"failed\"",
                "\"accepted\"",
                "\"error\"",
                "\"unfinished\""
            ]
        );
    }
}
