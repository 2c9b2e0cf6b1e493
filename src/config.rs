//! The one place where user input becomes validated values.

use std::path::PathBuf;

use crate::model::{Lambda, ModelError};
use crate::study::StudyConfig;

/// A value the user gave that the run cannot take, each with a message fit for one line on
/// stderr (the command line adds the flag it came from).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Fewer than two points per data set.
    #[error("a data set needs at least 2 points (one per class), got {n}")]
    TooFewPoints {
        /// The number of points asked for.
        n: usize,
    },
    /// More points than a run can hold.
    #[error("N may be at most {max} (both data sets are held in memory), got {n}")]
    TooManyPoints {
        /// Points asked for.
        n: usize,
        /// The most allowed.
        max: usize,
    },
    /// The output path is empty.
    #[error("the output folder has no name")]
    NoOutputName,
    /// A folder's path is empty.
    #[error("the path is empty")]
    EmptyPath,
    /// A number was expected (in a list of strengths) and something else was given.
    #[error("{text:?} is not a number")]
    NotANumber {
        /// What was given.
        text: String,
    },
    /// A strength that is not one.
    #[error(transparent)]
    Lambda(#[from] ModelError),
    /// `--site-url` is not an absolute http:// or https:// address of a folder.
    #[error("{text:?} is not a site address: {reason}")]
    SiteUrl {
        /// What was given.
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An empty list of strengths.
    #[error("at least one lambda is needed")]
    NoLambdas,
    /// More strengths than a report can show and a review can read back.
    #[error("at most {max} lambdas can be compared (figure 9 draws a panel for each), got {count}")]
    TooManyLambdas {
        /// Strengths given.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// SOURCE_DATE_EPOCH is set to something other than a whole number of seconds.
    #[error("SOURCE_DATE_EPOCH must be a whole number of seconds, got {text:?}")]
    SourceDateEpoch {
        /// Its text.
        text: String,
    },
}

type Result<T, E = ConfigError> = std::result::Result<T, E>;

/// The most strengths a run compares. Figure 9 draws one panel per strength, and the review
/// must be able to read back everything a run writes: at this many panels figure 9 is 2.6
/// million pixels (the review draws figures of up to 4.2 million), and `results.json` stays
/// far within the size a review reads.
pub const MAX_LAMBDAS: usize = 12;

/// The largest `--n` accepted. Past it a run would need more memory than a workstation has,
/// and the allocator would abort the process instead of reporting an error.
pub const MAX_N: usize = 100_000_000;

/// Everything one run of the tool needs, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// What the study computes.
    pub study: StudyConfig,
    /// The folder the report is written to (replaced as a whole).
    pub out: PathBuf,
    /// The page template: a folder's `report.html`, or a text the caller holds.
    pub template: Template,
    /// Seconds since the epoch to print as the report's date (from `SOURCE_DATE_EPOCH`);
    /// without it the report carries no timestamp, so that reruns give the same bytes.
    pub timestamp: Option<i64>,
    /// Where the output folder will be published (`--site-url`): with it the page names its
    /// canonical address and gets link-preview tags and a social card; without it the report
    /// holds no absolute URL at all.
    pub site_url: Option<SiteUrl>,
}

/// Where the page template comes from. The library holds no template of its own: the
/// command compiles the default one in, so that editing a template never rebuilds the
/// library, and a project names its own folder to be read at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Template {
    /// `report.html` in this folder, read when the report is made.
    Folder(PathBuf),
    /// A template the caller holds, under the name its errors show.
    Text {
        /// The name errors give it, e.g. `report.html (built in)`.
        name: String,
        /// The template itself.
        text: std::sync::Arc<str>,
    },
}

impl Template {
    /// A template held in memory under `name`.
    pub fn text(name: impl Into<String>, text: impl Into<std::sync::Arc<str>>) -> Template {
        Template::Text {
            name: name.into(),
            text: text.into(),
        }
    }
}

impl Config {
    /// Checks raw values as a user typed them (`lambdas` as a comma-separated list).
    pub fn new(
        seed: u64,
        n: usize,
        lambdas: &str,
        out: PathBuf,
        template: Template,
    ) -> Result<Self> {
        let study = StudyConfig {
            seed,
            n: check_n(n)?,
            lambdas: parse_lambdas(lambdas)?,
            max_iterations: None,
        };
        if out.as_os_str().is_empty() {
            return Err(ConfigError::NoOutputName);
        }
        Ok(Config {
            study,
            out,
            template,
            timestamp: None,
            site_url: None,
        })
    }
}

/// Checks a number of points per data set: from 2 to [`MAX_N`].
pub fn check_n(n: usize) -> Result<usize> {
    match n {
        ..2 => Err(ConfigError::TooFewPoints { n }),
        _ if n > MAX_N => Err(ConfigError::TooManyPoints { n, max: MAX_N }),
        _ => Ok(n),
    }
}

/// Checks strengths given as numbers: at least one, each by [`Lambda::new`].
pub fn check_lambdas(values: &[f64]) -> Result<Vec<Lambda>> {
    match values.len() {
        0 => Err(ConfigError::NoLambdas),
        count if count > MAX_LAMBDAS => Err(ConfigError::TooManyLambdas {
            count,
            max: MAX_LAMBDAS,
        }),
        _ => values.iter().map(|&v| Ok(Lambda::new(v)?)).collect(),
    }
}

/// The absolute address a report is published at: `http://` or `https://`, a host, an
/// optional port and path, always ending with `/` so that a file's address is the base and
/// its relative path. Scheme and host are lower-case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteUrl(String);

impl SiteUrl {
    /// Checks an address as a user typed it: absolute, http or https, with a host, without
    /// a query, fragment, user name or characters that need escaping (`%XX` escapes are
    /// kept as they are). What passes is written in its canonical form (the `url` crate's:
    /// scheme and host in lower case, no default port, `.` and `..` segments resolved),
    /// with a final `/` added where it is missing: the address names the folder.
    pub fn parse(text: &str) -> Result<SiteUrl> {
        let refuse = |reason: &str| ConfigError::SiteUrl {
            text: text.to_string(),
            reason: reason.to_string(),
        };
        let trimmed = text.trim();
        let (_, rest) = trimmed
            .split_once("://")
            .filter(|(s, _)| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))
            .ok_or_else(|| refuse("it must start with http:// or https://"))?;
        // Characters an address may hold as typed: RFC 3986's unreserved and reserved
        // characters and `%`, except the query and fragment delimiters.
        let url_char = |c: char| c.is_ascii_alphanumeric() || "-._~:/[]@!$&'()*+,;=%".contains(c);
        if let Some(bad) = rest.chars().find(|&c| !url_char(c)) {
            return Err(refuse(if bad == '?' || bad == '#' {
                "a site address has no query (?) or fragment (#)"
            } else if bad.is_ascii() {
                "it has a space or a character that must be %-escaped"
            } else {
                "non-ASCII characters must be written as %-escapes (and host names in punycode)"
            }));
        }
        if !crate::markup::percent_escapes_well_formed(rest) {
            return Err(refuse("a % must start an escape of two hex digits"));
        }
        if rest.starts_with('/') {
            // The url crate would take the first path segment for the host.
            return Err(refuse("it has no host name"));
        }
        let url = url::Url::parse(trimmed).map_err(|e| refuse(&e.to_string()))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refuse("a public address has no user name or password"));
        }
        let mut canonical = String::from(url);
        if !canonical.ends_with('/') {
            canonical.push('/');
        }
        Ok(SiteUrl(canonical))
    }

    /// The address, ending with `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address of a file of the report, from its path relative to the folder.
    pub fn join(&self, relative: &str) -> String {
        format!("{}{relative}", self.0)
    }
}

/// Reads `SOURCE_DATE_EPOCH` (the reproducible-builds convention): unset or empty means no
/// timestamp; anything but a whole number of seconds is an error.
pub fn source_date_epoch(value: Option<std::ffi::OsString>) -> Result<Option<i64>> {
    let text = value
        .map(|v| v.to_string_lossy().into_owned())
        .unwrap_or_default();
    if text.trim().is_empty() {
        return Ok(None);
    }
    let parsed = text.trim().parse().map(Some);
    parsed.map_err(|_| ConfigError::SourceDateEpoch { text })
}

/// Parses a comma-separated list of regularisation strengths, checked by [`check_lambdas`].
pub fn parse_lambdas(text: &str) -> Result<Vec<Lambda>> {
    let values = text
        .split(',')
        .map(|part| {
            let part = part.trim();
            part.parse().map_err(|_| ConfigError::NotANumber {
                text: part.to_string(),
            })
        })
        .collect::<Result<Vec<f64>>>()?;
    check_lambdas(&values)
}

/// Writes strengths the way `--lambdas` takes them.
pub fn format_lambdas(lambdas: &[Lambda]) -> String {
    lambdas
        .iter()
        .map(|l| crate::numbers::short(l.get()))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::study::DEFAULT_LAMBDAS;

    #[test]
    fn lambdas_round_trip_through_their_text() {
        let text = format_lambdas(&DEFAULT_LAMBDAS);
        assert_eq!(text, "0,0.1,10");
        assert_eq!(parse_lambdas(&text).unwrap(), DEFAULT_LAMBDAS.to_vec());
    }

    #[test]
    fn minus_zero_is_zero() {
        let lambdas = parse_lambdas("-0,0.1").unwrap();
        assert!(lambdas[0].get().is_sign_positive());
        assert_eq!(format_lambdas(&lambdas), "0,0.1");
    }

    #[test]
    fn bad_lambdas_are_refused_with_what_was_wrong() {
        for bad in ["-1", "nan", "inf"] {
            let err = parse_lambdas(bad).unwrap_err();
            assert!(
                matches!(err, ConfigError::Lambda(ModelError::InvalidLambda { .. })),
                "{bad}: {err}"
            );
        }
        for bad in ["0,,1", "abc", ""] {
            let err = parse_lambdas(bad).unwrap_err();
            assert!(
                matches!(err, ConfigError::NotANumber { .. }),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn site_urls_are_normalised_or_refused_with_a_reason() {
        let ok = |text: &str| SiteUrl::parse(text).unwrap().as_str().to_string();
        assert_eq!(
            ok("https://example.org/project"),
            "https://example.org/project/"
        );
        assert_eq!(ok("HTTPS://Example.ORG"), "https://example.org/");
        assert_eq!(
            ok("http://127.0.0.1:8080/a/b/"),
            "http://127.0.0.1:8080/a/b/"
        );
        assert_eq!(ok("https://[::1]:443/x%20y"), "https://[::1]/x%20y/");
        assert_eq!(ok("https://h.example/a/../b"), "https://h.example/b/");
        assert_eq!(
            ok("https://XN--bcher-kva.example"),
            "https://xn--bcher-kva.example/"
        );
        let card = SiteUrl::parse("https://h.example/p").unwrap();
        assert_eq!(
            card.join("social-card.png"),
            "https://h.example/p/social-card.png"
        );
        for bad in [
            "example.org",
            "ftp://example.org/",
            "https://",
            "https:///path",
            "https://example.org/a b",
            "https://example.org/?q=1",
            "https://example.org/#top",
            "https://user:pw@example.org/",
            "https://example.org:99999/",
            "https://exämple.org/",
            "https://example.org/100%",
            "https://[::1",
            "https://[::1]x/",
            "https://ex]ample.org/",
            "https://example.org:port/",
            "/relative/path",
            "",
        ] {
            let err = SiteUrl::parse(bad).unwrap_err();
            assert!(matches!(err, ConfigError::SiteUrl { .. }), "{bad}: {err}");
        }
    }

    fn none() -> Template {
        Template::text("none.html", "")
    }

    #[test]
    fn n_out_of_range_is_refused() {
        let err = Config::new(0, MAX_N + 1, "0", "output".into(), none()).unwrap_err();
        assert!(matches!(err, ConfigError::TooManyPoints { n, max: MAX_N } if n == MAX_N + 1));
        assert!(Config::new(0, MAX_N, "0", "output".into(), none()).is_ok());
        let err = Config::new(0, 1, "0", "output".into(), none()).unwrap_err();
        assert!(matches!(err, ConfigError::TooFewPoints { n: 1 }));
    }
}
