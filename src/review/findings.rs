//! What a review found: a verdict for every file, the evidence for every figure and image,
//! the numbers that moved, the diffs of the text files, and where that leaves the baseline.

use super::inputs::Cause;
use super::numbers::Numbers;
use super::parameters::ParameterChange;
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

/// A raster image of the report (the social card): its pixels, drawn from the PNG files.
#[derive(Clone, Debug, PartialEq)]
pub struct ImageReview {
    /// Its path in the report.
    pub path: String,
    /// Pixels and images.
    pub picture: Picture,
}

/// A text file of the report other than the page and `results.json` (the redirect page,
/// `_headers`, the CSVs): the diff of its lines, or why there is none.
#[derive(Clone, Debug, PartialEq)]
pub struct TextReview {
    /// Its path in the report.
    pub path: String,
    /// The line diff (a new file is all added lines, a removed one all removed lines).
    pub diff: Option<PageText>,
    /// Why there is no diff (too large, not text, unreadable); empty when there is one.
    pub note: String,
}

/// Where a review leaves the baseline, in the order of how much there is to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Every file is byte for byte what the code writes: nothing to do.
    Identical,
    /// Nothing changed beyond the tolerances, but `differing` files have other bytes: the
    /// review passes, and the baseline is stale until it is accepted.
    Within {
        /// Files that are not identical.
        differing: usize,
    },
    /// `failing` files changed beyond the tolerances (or are new, missing, removed or
    /// unreadable), of `differing` that are not identical.
    Beyond {
        /// Files that do not pass.
        failing: usize,
        /// Files that are not identical.
        differing: usize,
    },
}

/// Everything a review found.
#[derive(Clone, Debug, PartialEq)]
pub struct Review {
    /// The parameters the baseline was made with that this run does not share (from both
    /// `results.json` files), first in every output.
    pub parameters: Vec<ParameterChange>,
    /// Every file, in path order.
    pub files: Vec<FileReview>,
    /// Every figure, in report order (removed ones last).
    pub figures: Vec<FigureReview>,
    /// The numbers of `results.json`, when it changed and both sides could be compared.
    pub numbers: Option<Numbers>,
    /// The page's text, when the page changed and both sides could be read.
    pub page_text: Option<PageText>,
    /// Raster images that are not identical.
    pub images: Vec<ImageReview>,
    /// Other text files that are not identical.
    pub texts: Vec<TextReview>,
    /// The tolerances it was judged by.
    pub tolerances: Tolerances,
}

impl Review {
    /// Whether nothing changed beyond the tolerances (and nothing is missing or unreadable).
    pub fn passed(&self) -> bool {
        self.files.iter().all(|f| f.passed)
    }

    /// Where the review leaves the baseline.
    pub fn standing(&self) -> Standing {
        let differing = self
            .files
            .iter()
            .filter(|f| f.verdict != Verdict::Identical)
            .count();
        let failing = self.files.iter().filter(|f| !f.passed).count();
        match (differing, failing) {
            (0, _) => Standing::Identical,
            (differing, 0) => Standing::Within { differing },
            (differing, failing) => Standing::Beyond { failing, differing },
        }
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

/// Whether `path` is one of the report's figures (an SVG in `figures/`).
pub(super) fn is_figure(path: &str) -> bool {
    path.strip_prefix(FIGURES_DIR)
        .and_then(|rest| rest.strip_prefix('/'))
        .is_some_and(|name| name.ends_with(".svg") && !name.contains('/'))
}

/// Whether `path` is a raster image (PNG) of the report.
pub(super) fn is_raster(path: &str) -> bool {
    path.ends_with(".png")
}
