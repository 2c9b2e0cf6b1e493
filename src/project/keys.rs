//! The keys of the project file and where each value of a project came from.

use std::fmt;
use std::path::PathBuf;

/// A parameter a project holds, by its key in the project file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// `seed`: the seed of the generator that draws both data sets.
    Seed,
    /// `n`: points per data set.
    N,
    /// `lambdas`: the strengths compared on the separable data.
    Lambdas,
    /// `site_url`: the address the report will be published at.
    SiteUrl,
    /// `templates`: the folder holding the page template, `report.html`.
    Templates,
    /// `out`: the folder the report is written to.
    Out,
    /// `review.baseline`: the report a review compares with.
    Baseline,
    /// `review.dir`: the folder a review writes its page into.
    ReviewDir,
    /// `review.tolerance`: the largest RMS a changed figure may have.
    Tolerance,
    /// `review.threshold`: the YIQ distance past which a pixel differs.
    Threshold,
    /// `review.max_diff_pixels`: the real differing pixels a changed figure may have.
    MaxDiffPixels,
    /// `review.number_tolerance`: the largest relative change of a number that counts as none.
    NumberTolerance,
}

impl Key {
    /// Every key, in the order the README lists them.
    pub const ALL: [Key; 12] = [
        Key::Seed,
        Key::N,
        Key::Lambdas,
        Key::SiteUrl,
        Key::Templates,
        Key::Out,
        Key::Baseline,
        Key::ReviewDir,
        Key::Tolerance,
        Key::Threshold,
        Key::MaxDiffPixels,
        Key::NumberTolerance,
    ];

    /// The key as written in the file, dotted below its table: `seed`, `review.dir`.
    pub fn name(self) -> &'static str {
        match self {
            Key::Seed => "seed",
            Key::N => "n",
            Key::Lambdas => "lambdas",
            Key::SiteUrl => "site_url",
            Key::Templates => "templates",
            Key::Out => "out",
            Key::Baseline => "review.baseline",
            Key::ReviewDir => "review.dir",
            Key::Tolerance => "review.tolerance",
            Key::Threshold => "review.threshold",
            Key::MaxDiffPixels => "review.max_diff_pixels",
            Key::NumberTolerance => "review.number_tolerance",
        }
    }

    /// What a value of the key must be, for messages about a value of the wrong type.
    pub(super) fn expected(self) -> &'static str {
        match self {
            Key::Seed => "a whole number from 0 to 18446744073709551615",
            Key::N => "a whole number of points, such as 100 or 1_000_000",
            Key::Lambdas => "an array of numbers, such as [0, 0.1, 10]",
            Key::SiteUrl => "an address in quotes, such as \"https://example.org/report/\"",
            Key::Templates | Key::Out | Key::Baseline | Key::ReviewDir => {
                "a folder's path in quotes, relative to the project file's folder"
            }
            Key::Tolerance | Key::Threshold | Key::NumberTolerance => "a number",
            Key::MaxDiffPixels => "a whole number of pixels",
        }
    }

    /// The key with this dotted name.
    pub(super) fn named(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.name() == name)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a value of a project came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Neither the file nor a flag gave it.
    Default,
    /// The project file, at this place.
    File(Place),
    /// A flag on the command line.
    CommandLine,
}

/// A place in the project file: the file as named, and a line and column counted from 1
/// (columns in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    /// The project file, as named (`report.toml`, or what `--config` gave).
    pub file: PathBuf,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

impl Place {
    /// The place of byte `offset` of `text`, the contents of `file`.
    pub(super) fn at(file: PathBuf, text: &str, offset: usize) -> Place {
        let mut end = offset.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let before = &text[..end];
        Place {
            file,
            line: before.matches('\n').count() + 1,
            column: before.chars().rev().take_while(|&c| c != '\n').count() + 1,
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}
