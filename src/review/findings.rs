//! What a review found: a verdict for every file, the evidence for every figure, and the
//! numbers and page text that moved.

use super::inputs::Cause;
use super::numbers::Numbers;
use super::pictures::Picture;
use super::text::PageText;
use super::tolerances::Tolerances;
use crate::figures::FigureId;
use crate::output::Verdict;
use crate::report::FIGURES_DIR;

/// One file of the review: its verdict, whether it passes, and why in one line.
#[derive(Clone, Debug, PartialEq)]
pub struct FileReview {
    /// Its path in the report.
    pub path: String,
    /// The byte-level verdict, or `Unreadable` when a layer could not read the baseline's.
    pub verdict: Verdict,
    /// Whether it is within the tolerances.
    pub passed: bool,
    /// Why, in one line; empty for an identical file.
    pub note: String,
}

/// One figure of the review.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureReview {
    /// Which figure of the table, if it is one (a removed figure may be of an older table).
    pub id: Option<FigureId>,
    /// Its file name.
    pub file_name: String,
    /// Its number in the report (1-based), if it is one of the table's.
    pub number: Option<usize>,
    /// Its title, if it is one of the table's.
    pub title: Option<&'static str>,
    /// Pixels and images; None when its bytes are identical.
    pub picture: Option<Picture>,
    /// The numbers and data files it is drawn from that moved (see [`causes`](super::inputs::causes)).
    pub causes: Vec<Cause>,
}

/// Everything a review found.
#[derive(Clone, Debug, PartialEq)]
pub struct Review {
    /// Every file, in path order.
    pub files: Vec<FileReview>,
    /// Every figure, in report order (removed ones last).
    pub figures: Vec<FigureReview>,
    /// The numbers of `results.json`, when it changed and both sides could be compared.
    pub numbers: Option<Numbers>,
    /// The page's text, when the page changed and both sides could be read.
    pub page_text: Option<PageText>,
    /// The tolerances it was judged by.
    pub tolerances: Tolerances,
}

impl Review {
    /// Whether nothing changed beyond the tolerances (and nothing is missing or unreadable).
    pub fn passed(&self) -> bool {
        self.files.iter().all(|f| f.passed)
    }

    /// The review of the file at `path`.
    pub fn file(&self, path: &str) -> Option<&FileReview> {
        self.files.iter().find(|f| f.path == path)
    }
}

/// A figure's path in the report.
pub(super) fn figure_path(file_name: &str) -> String {
    format!("{FIGURES_DIR}/{file_name}")
}

pub(super) fn is_figure(path: &str) -> bool {
    path.strip_prefix(FIGURES_DIR)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| name.ends_with(".svg") && !name.contains('/'))
}
