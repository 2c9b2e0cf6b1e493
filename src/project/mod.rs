//! The project: every parameter a report is made with, read once into one checked value
//! that every command (a run, `--check`, `review`, `serve`) starts from.
//!
//! The parameters live in the project file, `report.toml`, committed beside the report, so
//! that the next person (and CI) makes the same report without remembering any flag. A value
//! comes from, in order: a flag on the command line (for that run only), the project file,
//! or the default. Paths in the file are relative to the file's own folder, and so are the
//! default folders when a file is read; a flag's path is relative to the current folder.
//! Every value is checked here, and one that cannot be taken is refused with its place: the
//! file, line, column and key, or the flag that gave it.

mod error;
mod file;
mod keys;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::{self, Config, SiteUrl, Template};
use crate::error::Error;
use crate::report::format::and_list;
use crate::review::{Tolerance, Tolerances};
use crate::study::{DEFAULT_LAMBDAS, DEFAULT_N, DEFAULT_SEED, StudyConfig};
use file::ProjectFile;

pub use error::ProjectError;
pub use file::MAX_PROJECT_FILE_BYTES;
pub use keys::{Key, Place, Source};

/// The project file's name, looked for in the current folder.
pub const FILE_NAME: &str = "report.toml";
/// The output folder when neither the file nor a flag names one.
pub const DEFAULT_OUT: &str = "output";
/// The review folder when neither the file nor a flag names one.
pub const DEFAULT_REVIEW_DIR: &str = "review";

type Result<T, E = ProjectError> = std::result::Result<T, E>;

/// What the command line gives, each `None` where no flag was given. Lambdas are the text
/// a flag takes (`0,0.1,10`); paths are relative to the current folder.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overrides {
    /// `seed`.
    pub seed: Option<u64>,
    /// `n`.
    pub n: Option<usize>,
    /// `lambdas`, comma-separated.
    pub lambdas: Option<String>,
    /// `site_url`.
    pub site_url: Option<String>,
    /// `templates`.
    pub templates: Option<PathBuf>,
    /// `out`.
    pub out: Option<PathBuf>,
    /// `review.baseline`.
    pub baseline: Option<PathBuf>,
    /// `review.dir`.
    pub review_dir: Option<PathBuf>,
    /// `review.tolerance`.
    pub tolerance: Option<f64>,
    /// `review.threshold`.
    pub threshold: Option<f64>,
    /// `review.max_diff_pixels`.
    pub max_diff_pixels: Option<u64>,
    /// `review.number_tolerance`.
    pub number_tolerance: Option<f64>,
}

/// Which project file to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// `report.toml` in the current folder if there is one; the defaults otherwise.
    CurrentFolder,
    /// This file, which must exist (`--config FILE`).
    File(PathBuf),
}

/// A project, every value checked, with where each came from.
#[derive(Clone, Debug)]
pub struct Project {
    /// The project file read, as named; `None` where there was none.
    pub file: Option<PathBuf>,
    /// What a run makes and where it writes it.
    pub config: Config,
    /// The report a review compares with (by default the output folder).
    pub baseline: PathBuf,
    /// The folder a review writes its page into.
    pub review_dir: PathBuf,
    /// How much change a review lets pass.
    pub tolerances: Tolerances,
    /// Where each value came from; a key missing here took its default.
    sources: BTreeMap<Key, Source>,
    /// Keys a flag gave a value other than the one the file or the default would give.
    changed_by_flags: Vec<Key>,
    /// Keys a flag gave a value other than the project file's.
    overridden: Vec<Key>,
}

impl Project {
    /// Reads the project file `lookup` names (if any), lays `overrides` over it and the
    /// defaults under it, and checks every value. `built_in` is the page template used where
    /// neither names a templates folder. `SOURCE_DATE_EPOCH` sets the report's timestamp.
    pub fn load(lookup: &Lookup, overrides: &Overrides, built_in: &Template) -> Result<Project> {
        let here = Path::new(FILE_NAME);
        let file = match lookup {
            Lookup::File(path) => Some(ProjectFile::read(path)?),
            Lookup::CurrentFolder => match std::fs::symlink_metadata(here) {
                Ok(_) => Some(ProjectFile::read(here)?),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                Err(source) => {
                    return Err(ProjectError::Read {
                        path: here.into(),
                        source,
                    });
                }
            },
        };
        Resolver {
            file: file.as_ref(),
            overrides,
            sources: BTreeMap::new(),
            changed_by_flags: Vec::new(),
            overridden: Vec::new(),
        }
        .resolve(built_in)
    }

    /// Where the value of `key` came from.
    pub fn source(&self, key: Key) -> &Source {
        self.sources.get(&key).unwrap_or(&Source::Default)
    }

    /// Where `key`'s value came from, in a few words: the project file as named, the flag
    /// (as `flag` names it), or "the default".
    pub fn source_words(&self, key: Key, flag: fn(Key) -> &'static str) -> String {
        match self.source(key) {
            Source::Default => "the default".into(),
            Source::File(place) => place.file.display().to_string(),
            Source::CommandLine => flag(key).into(),
        }
    }

    /// The keys whose value a flag changed from what the project file or the default gives:
    /// the flags a command must repeat to make the same run.
    pub fn changed_by_flags(&self) -> &[Key] {
        &self.changed_by_flags
    }

    /// Keys whose value a flag gave where the project file gives another: a report made so
    /// is not what the project makes.
    pub fn overridden(&self) -> &[Key] {
        &self.overridden
    }

    /// Where the run's parameters came from, for its progress: "report.toml", with the flags
    /// that override it, or the defaults.
    pub fn provenance(&self, flag: fn(Key) -> &'static str) -> String {
        let flags: Vec<String> = Key::ALL
            .into_iter()
            .filter(|k| *self.source(*k) == Source::CommandLine)
            .map(|k| flag(k).to_string())
            .collect();
        let base = match &self.file {
            Some(file) => format!("parameters from {}", file.display()),
            None => format!("parameters: the defaults (no {FILE_NAME} here)"),
        };
        if flags.is_empty() {
            base
        } else {
            format!("{base}, with {} from the command line", and_list(&flags))
        }
    }
}

/// Lays the flags over the file and the defaults under both, one key at a time.
struct Resolver<'a> {
    file: Option<&'a ProjectFile>,
    overrides: &'a Overrides,
    sources: BTreeMap<Key, Source>,
    changed_by_flags: Vec<Key>,
    overridden: Vec<Key>,
}

/// A value from the file: where it stands and the value, checked.
type FromFile<V> = Option<(std::ops::Range<usize>, Result<V, Error>)>;

impl Resolver<'_> {
    /// The project: every value laid out and checked, in the order of [`Key::ALL`].
    fn resolve(mut self, built_in: &Template) -> Result<Project> {
        let study = self.study()?;
        let o = self.overrides;
        let values = self.file.map(|f| &f.values);
        let review = values.and_then(|v| v.review.as_ref());
        let url = |text: &String| -> Result<_, Error> { Ok(Some(SiteUrl::parse(text)?)) };
        let site_url = self.value(
            Key::SiteUrl,
            o.site_url.as_ref().map(url),
            self.in_file(values.and_then(|v| v.site_url.as_ref()), url),
            || None,
        )?;
        let base = self.base();
        let templates = self.path(
            Key::Templates,
            o.templates.clone(),
            values.and_then(|v| v.templates.as_ref()),
            None,
        )?;
        let out = self.path(
            Key::Out,
            o.out.clone(),
            values.and_then(|v| v.out.as_ref()),
            Some(base.join(DEFAULT_OUT)),
        )?;
        let out = out.unwrap_or_else(|| DEFAULT_OUT.into());
        // A review compares with the report a run writes, unless told otherwise.
        let baseline = self.path(
            Key::Baseline,
            o.baseline.clone(),
            review.and_then(|r| r.baseline.as_ref()),
            Some(out.clone()),
        )?;
        let review_dir = self.path(
            Key::ReviewDir,
            o.review_dir.clone(),
            review.and_then(|r| r.dir.as_ref()),
            Some(base.join(DEFAULT_REVIEW_DIR)),
        )?;
        Ok(Project {
            file: self.file.map(|f| f.path.clone()),
            baseline: baseline.unwrap_or_else(|| out.clone()),
            review_dir: review_dir.unwrap_or_else(|| DEFAULT_REVIEW_DIR.into()),
            tolerances: self.tolerances()?,
            config: Config {
                study,
                out,
                template: templates.map_or_else(|| built_in.clone(), Template::Folder),
                timestamp: config::source_date_epoch(std::env::var_os("SOURCE_DATE_EPOCH"))
                    .map_err(ProjectError::Environment)?,
                site_url,
            },
            sources: self.sources,
            changed_by_flags: self.changed_by_flags,
            overridden: self.overridden,
        })
    }

    /// The study's parameters: seed, N and the lambdas.
    fn study(&mut self) -> Result<StudyConfig> {
        let o = self.overrides;
        let values = self.file.map(|f| &f.values);
        let checked_n = |&n: &usize| -> Result<_, Error> { Ok(config::check_n(n)?) };
        Ok(StudyConfig {
            seed: self.value(
                Key::Seed,
                o.seed.map(Ok),
                self.in_file(values.and_then(|v| v.seed.as_ref()), |&s| Ok(s)),
                || DEFAULT_SEED,
            )?,
            n: self.value(
                Key::N,
                o.n.as_ref().map(checked_n),
                self.in_file(values.and_then(|v| v.n.as_ref()), checked_n),
                || DEFAULT_N,
            )?,
            lambdas: self.value(
                Key::Lambdas,
                o.lambdas
                    .as_deref()
                    .map(|text| Ok(config::parse_lambdas(text)?)),
                self.in_file(values.and_then(|v| v.lambdas.as_ref()), |values| {
                    Ok(config::check_lambdas(values)?)
                }),
                || DEFAULT_LAMBDAS.to_vec(),
            )?,
            max_iterations: None,
        })
    }

    /// How much change a review lets pass.
    fn tolerances(&mut self) -> Result<Tolerances> {
        let o = self.overrides;
        let review = self.file.and_then(|f| f.values.review.as_ref());
        let defaults = Tolerances::default();
        Ok(Tolerances {
            rms: self.tolerance(
                Key::Tolerance,
                o.tolerance,
                review.and_then(|r| r.tolerance.as_ref()),
                defaults.rms,
            )?,
            threshold: self.tolerance(
                Key::Threshold,
                o.threshold,
                review.and_then(|r| r.threshold.as_ref()),
                defaults.threshold,
            )?,
            max_diff_pixels: self.value(
                Key::MaxDiffPixels,
                o.max_diff_pixels.map(Ok),
                self.in_file(review.and_then(|r| r.max_diff_pixels.as_ref()), |&p| Ok(p)),
                || defaults.max_diff_pixels,
            )?,
            numbers: self.tolerance(
                Key::NumberTolerance,
                o.number_tolerance,
                review.and_then(|r| r.number_tolerance.as_ref()),
                defaults.numbers,
            )?,
        })
    }

    /// The folder the project file's paths are relative to (the current one without a file).
    fn base(&self) -> PathBuf {
        self.file
            .and_then(|f| f.path.parent())
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }

    /// A value of the file, checked by `check`, with where it stands.
    fn in_file<F, V>(
        &self,
        value: Option<&toml::Spanned<F>>,
        check: impl FnOnce(&F) -> Result<V, Error>,
    ) -> FromFile<V> {
        value.map(|v| (v.span(), check(v.get_ref())))
    }

    /// The value of `key`: the flag's, else the file's, else the default; either given value
    /// that cannot be taken is an error, even where the other wins.
    fn value<V: PartialEq>(
        &mut self,
        key: Key,
        flag: Option<Result<V, Error>>,
        file: FromFile<V>,
        default: impl FnOnce() -> V,
    ) -> Result<V> {
        let refuse_flag = |error| ProjectError::CommandLine {
            key,
            error: Box::new(error),
        };
        let (fallback, in_file) = match (file, self.file) {
            (Some((span, Ok(value))), Some(f)) => (value, Some(f.place(span))),
            (Some((span, Err(error))), Some(f)) => {
                return Err(f.refuse(key, span, error.to_string()));
            }
            _ => (default(), None),
        };
        let flag = flag.transpose().map_err(refuse_flag)?;
        Ok(match flag {
            Some(flag) => {
                if flag != fallback {
                    self.changed_by_flags.push(key);
                    if in_file.is_some() {
                        self.overridden.push(key);
                    }
                }
                self.sources.insert(key, Source::CommandLine);
                flag
            }
            None => {
                if let Some(place) = in_file {
                    self.sources.insert(key, Source::File(place));
                }
                fallback
            }
        })
    }

    /// A folder's path: a flag's as given, the file's relative to the file's folder, else
    /// `default`.
    fn path(
        &mut self,
        key: Key,
        flag: Option<PathBuf>,
        file: Option<&toml::Spanned<PathBuf>>,
        default: Option<PathBuf>,
    ) -> Result<Option<PathBuf>> {
        let base = self.base();
        let not_empty = |path: &Path| match path.as_os_str().is_empty() {
            true => Err(Error::from(config::ConfigError::EmptyPath)),
            false => Ok(()),
        };
        let in_file = self.in_file(file, |path| not_empty(path).map(|()| Some(base.join(path))));
        let flag = flag.map(|path| not_empty(&path).map(|()| Some(path)));
        self.value(key, flag, in_file, || default)
    }

    /// A review tolerance, checked by [`Tolerance::check`].
    fn tolerance(
        &mut self,
        key: Key,
        flag: Option<f64>,
        file: Option<&toml::Spanned<f64>>,
        default: f64,
    ) -> Result<f64> {
        let what = match key {
            Key::Threshold => Tolerance::Threshold,
            Key::NumberTolerance => Tolerance::Numbers,
            _ => Tolerance::Rms,
        };
        let check = move |value: f64| Ok(what.check(value)?);
        let in_file = self.in_file(file, |&v| check(v));
        self.value(key, flag.map(check), in_file, || default)
    }
}
