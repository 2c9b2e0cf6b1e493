//! `report.toml` as written: its keys, each value with where it stands in the file, and
//! errors that name the file, line, column and key.

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::error::ProjectError;
use super::keys::{Key, Place};
use crate::output::fsx::{self, NotRead};

/// A project file larger than this is not one: it holds a dozen lines.
pub const MAX_PROJECT_FILE_BYTES: u64 = 1 << 20;

/// The file's values, each with its place; what the file leaves out is `None`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileValues {
    pub seed: Option<Spanned<u64>>,
    pub n: Option<Spanned<usize>>,
    pub lambdas: Option<Spanned<Vec<f64>>>,
    pub site_url: Option<Spanned<String>>,
    pub templates: Option<Spanned<PathBuf>>,
    pub out: Option<Spanned<PathBuf>>,
    pub review: Option<ReviewValues>,
}

/// The `[review]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReviewValues {
    pub baseline: Option<Spanned<PathBuf>>,
    pub dir: Option<Spanned<PathBuf>>,
    pub tolerance: Option<Spanned<f64>>,
    pub threshold: Option<Spanned<f64>>,
    pub max_diff_pixels: Option<Spanned<u64>>,
    pub number_tolerance: Option<Spanned<f64>>,
}

/// A project file, read and parsed.
#[derive(Debug)]
pub(super) struct ProjectFile {
    /// The file as named.
    pub path: PathBuf,
    /// Its text, for placing values.
    pub text: String,
    /// Its values.
    pub values: FileValues,
}

impl ProjectFile {
    /// Reads and parses the file at `path`.
    pub fn read(path: &Path) -> Result<ProjectFile, ProjectError> {
        let bytes = fsx::read_following(path, MAX_PROJECT_FILE_BYTES).map_err(|why| match why {
            NotRead::NotAFile(kind) => ProjectError::NotAFile {
                path: path.to_path_buf(),
                kind,
            },
            NotRead::Io(source) => ProjectError::Read {
                path: path.to_path_buf(),
                source,
            },
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            ProjectError::File {
                place: Place::at(path.to_path_buf(), &text, e.utf8_error().valid_up_to()),
                key: None,
                message: "the file is not UTF-8 text".into(),
            }
        })?;
        ProjectFile::parse(path, text)
    }

    /// Parses `text`, the contents of `path`.
    pub fn parse(path: &Path, text: String) -> Result<ProjectFile, ProjectError> {
        let values = toml::from_str(&text).map_err(|e| explain(path, &text, &e))?;
        Ok(ProjectFile {
            path: path.to_path_buf(),
            text,
            values,
        })
    }

    /// The place of a value's span.
    pub fn place(&self, span: Range<usize>) -> Place {
        Place::at(self.path.clone(), &self.text, span.start)
    }

    /// An error about the value of `key` at `span`.
    pub fn refuse(&self, key: Key, span: Range<usize>, message: impl Into<String>) -> ProjectError {
        ProjectError::File {
            place: self.place(span),
            key: Some(key.name().to_string()),
            message: message.into(),
        }
    }
}

/// TOML's error in the project's words: the place, the key it is about, and what was wrong.
fn explain(path: &Path, text: &str, error: &toml::de::Error) -> ProjectError {
    let span = error.span().unwrap_or(0..0);
    let place = Place::at(path.to_path_buf(), text, span.start);
    let message = error.message().trim().to_string();
    let key = key_at(text, span.start);
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default().to_string();
        let dotted = match key.as_deref().and_then(|k| k.rsplit_once('.')) {
            Some((table, _)) => format!("{table}.{name}"),
            None => name,
        };
        return ProjectError::File {
            place,
            message: unknown_key(&dotted),
            key: Some(dotted),
        };
    }
    let message = match key.as_deref().and_then(Key::named).zip(found(&message)) {
        Some((known, found)) => format!("expected {}, got {found}", known.expected()),
        None => message,
    };
    ProjectError::File {
        place,
        key,
        message,
    }
}

/// What a type error says was found: `string "3"` of `invalid type: string "3", expected u64`.
fn found(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))?;
    let (what, _) = rest.rsplit_once(", expected")?;
    Some(
        what.replace("floating point", "the number")
            .replace("integer", "the number"),
    )
}

/// Why an unknown key is refused, and what the keys are.
fn unknown_key(dotted: &str) -> String {
    let known = Key::ALL.map(Key::name);
    let elsewhere = known
        .into_iter()
        .find(|name| name.rsplit('.').next() == dotted.rsplit('.').next() && *name != dotted);
    match elsewhere {
        Some(name) => format!("unknown key here; did you mean {name}?"),
        None => format!("unknown key; the keys are {}", known.join(", ")),
    }
}

/// The dotted key whose line holds byte `offset` of `text`: the innermost key whose name or
/// value spans it. None where the text does not parse or no key spans it.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let table = DeTable::parse(text).ok()?;
    innermost(table.get_ref(), offset, "")
}

fn innermost(table: &DeTable<'_>, offset: usize, prefix: &str) -> Option<String> {
    for (key, value) in table.iter() {
        let name = format!("{prefix}{}", key.get_ref());
        let spans = |r: Range<usize>| r.start <= offset && offset < r.end.max(r.start + 1);
        if let DeValue::Table(inner) = value.get_ref()
            && let Some(found) = innermost(inner, offset, &format!("{name}."))
        {
            return Some(found);
        }
        if spans(key.span()) || spans(value.span()) {
            return Some(name);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        ProjectFile::parse(Path::new("report.toml"), text.to_string())
            .expect_err("refused")
            .to_string()
    }

    #[test]
    fn an_unknown_key_is_named_with_its_place() {
        assert_eq!(
            error("seed = 1\nsed = 2\n"),
            format!(
                "report.toml:2:1: sed: unknown key; the keys are {}",
                Key::ALL.map(|k| k.name()).join(", ")
            )
        );
        assert_eq!(
            error("[review]\ntolerance = 1\nbogus = 2\n"),
            format!(
                "report.toml:3:1: review.bogus: unknown key; the keys are {}",
                Key::ALL.map(|k| k.name()).join(", ")
            )
        );
    }

    #[test]
    fn a_key_in_the_wrong_table_is_pointed_to_its_place() {
        assert_eq!(
            error("tolerance = 2\n"),
            "report.toml:1:1: tolerance: unknown key here; did you mean review.tolerance?"
        );
    }

    #[test]
    fn a_wrong_type_names_the_key_and_what_it_must_be() {
        assert_eq!(
            error("n = 100\nseed = \"three\"\n"),
            "report.toml:2:8: seed: expected a whole number from 0 to 18446744073709551615, \
             got string \"three\""
        );
        assert_eq!(
            error("lambdas = [0, \"x\"]\n"),
            "report.toml:1:15: lambdas: expected an array of numbers, such as [0, 0.1, 10], \
             got string \"x\""
        );
        assert_eq!(
            error("[review]\nmax_diff_pixels = -1\n"),
            "report.toml:2:19: review.max_diff_pixels: expected a whole number of pixels, got \
             the number `-1`"
        );
    }

    #[test]
    fn broken_toml_gives_its_place() {
        let message = error("seed = 1\nn = \n");
        assert!(message.starts_with("report.toml:2:"), "{message}");
    }

    #[test]
    fn places_count_characters_not_bytes() {
        let place = Place::at("f".into(), "# λλ\nx = 1", 11);
        assert_eq!((place.line, place.column), (2, 5));
        let place = Place::at("f".into(), "λλ = 1", 4);
        assert_eq!((place.line, place.column), (1, 3));
    }
}
