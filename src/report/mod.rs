//! The report's files, built in memory from one run: the page filled from a logic-free Tera
//! template (its context in [`context`](self), numbers formatted in [`format`]), the figures'
//! SVG, the data sets' CSV and `results.json`. Running the study is [`crate::pipeline`]'s
//! business, writing the files [`crate::output`]'s.

mod context;
pub mod format;
pub mod results;

use std::path::Path;

use crate::config::Config;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::figures::Figure;
pub use crate::output::Artifact;
pub use crate::progress::{Progress, Silent};
use crate::study::{self, Study};
use context::{PageContext, page_context};

/// The page's file name, in the output folder and among the templates.
pub const PAGE: &str = "report.html";
/// The results file's name.
pub const RESULTS: &str = crate::output::RESULTS;
/// The folder of the figures inside the output folder.
pub const FIGURES_DIR: &str = "figures";
/// The folder of the data sets inside the output folder.
pub const DATA_DIR: &str = "data";
/// The built-in page template, compiled into the binary.
pub const BUILT_IN_TEMPLATE: &str = include_str!("../../templates/report.html");
/// CSVs up to this size are embedded in the page as downloads; larger ones are linked to
/// their file in `data/`, so that the page stays small whatever N is.
pub const EMBED_CSV_LIMIT: usize = 1 << 20;

/// Every file of the report: the page, the figures, the data sets and, last, `results.json`
/// with the sha256 of each of the others.
pub fn build(
    config: &Config,
    template: &str,
    study: &Study,
    figures: &[Figure],
) -> Result<Vec<Artifact>> {
    let mut artifacts = Vec::new();
    let downloads = data_files(study);
    let page = render_page(template, &page_context(config, study, figures, &downloads))?;
    artifacts.push(Artifact {
        path: PAGE.into(),
        bytes: page.into_bytes(),
    });
    for figure in figures {
        artifacts.push(Artifact {
            path: format!("{FIGURES_DIR}/{}", figure.file_name),
            bytes: figure.svg.clone().into_bytes(),
        });
    }
    for download in downloads {
        artifacts.push(Artifact {
            path: download.path,
            bytes: download.bytes,
        });
    }
    let results = results::render(study, &artifacts)?;
    artifacts.push(Artifact {
        path: RESULTS.into(),
        bytes: results,
    });
    Ok(artifacts)
}

/// The page template `config` asks for: the site's own, or the built-in one.
pub fn template(config: &Config) -> Result<String> {
    match &config.templates {
        Some(dir) => read_template(dir),
        None => Ok(BUILT_IN_TEMPLATE.to_string()),
    }
}

/// Reads `dir/report.html`, which must be a regular file: a FIFO there would block the run.
fn read_template(dir: &Path) -> Result<String> {
    /// A template larger than this is not a page template.
    const LIMIT: u64 = 64 << 20;
    let path = dir.join(PAGE);
    let meta = std::fs::metadata(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    if !meta.is_file() {
        return Err(Error::TemplateNotAFile {
            path,
            kind: crate::output::fsx::describe(meta.file_type()),
        });
    }
    let bytes = crate::output::fsx::read_following(&path, LIMIT).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    String::from_utf8(bytes)
        .map_err(|_| Error::Template(format!("{}: is not UTF-8 text", path.display())))
}

/// A data set's CSV, ready to be written and offered on the page.
pub(crate) struct DataFile {
    pub name: &'static str,
    pub path: String,
    pub bytes: Vec<u8>,
}

fn data_files(study: &Study) -> Vec<DataFile> {
    let sets: [(&'static str, &Dataset); 2] = [
        (study::DatasetName::Fuzzy.as_str(), &study.fuzzy),
        (study::DatasetName::Separable.as_str(), &study.separable),
    ];
    sets.into_iter()
        .map(|(name, data)| DataFile {
            name,
            path: format!("{DATA_DIR}/{name}.csv"),
            bytes: data.csv_bytes(),
        })
        .collect()
}

fn render_page(template: &str, context: &PageContext) -> Result<String> {
    let one_line = |e: tera::Error| {
        // Tera's errors span several lines; the report needs one.
        let text = format!("{e:#}");
        Error::Template(text.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    let mut tera = tera::Tera::new();
    tera.add_raw_template(PAGE, template).map_err(one_line)?;
    let context = tera::Context::from_serialize(context).map_err(one_line)?;
    tera.render(PAGE, &context).map_err(one_line)
}

#[cfg(test)]
mod tests;
