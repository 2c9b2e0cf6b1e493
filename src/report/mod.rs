//! The report's files, built in memory from one run: a static site whose page is filled from
//! a logic-free Tera template (its context in [`context`](self), numbers formatted in
//! [`format`]), with the figures' SVG, the data sets' CSV, `results.json`, and what a static
//! host needs beside them ([`site`]: the redirect from the old page name, `_headers`,
//! `.nojekyll`, and with `--site-url` the social card). Running the study is
//! [`crate::pipeline`]'s business, writing the files [`crate::output`]'s.

mod card;
mod context;
pub mod format;
pub mod results;
pub mod site;

use std::path::Path;

use crate::config::Config;
use crate::data::Dataset;
use crate::error::{Error, Result};
use crate::figures::Figure;
pub use crate::output::Artifact;
use crate::output::{Body, Ledger, Pieces};
pub use crate::progress::{Progress, Silent};
use crate::study::{self, Study};
use context::{PageContext, page_context};
use std::sync::Arc;

/// The page's file name: the one a static host serves for the folder's own address.
pub const PAGE: &str = "index.html";
/// The page's name before the report became a site: now a page that sends readers on to
/// [`PAGE`], so that old links keep working.
pub const REDIRECT: &str = "report.html";
/// The page template's file name, in a `--templates` folder.
pub const TEMPLATE: &str = "report.html";
/// An empty file that tells GitHub Pages to serve the folder as it is, without Jekyll (which
/// would drop files whose names start with `_`, such as [`HEADERS`]).
pub const NOJEKYLL: &str = ".nojekyll";
/// HTTP headers for hosts that read them from a file (Netlify, Cloudflare Pages).
pub const HEADERS: &str = "_headers";
/// The image link previews show; written only with `--site-url`, the only case in which
/// the page can give its absolute address.
pub const SOCIAL_CARD: &str = "social-card.png";
/// The page's title, also its link previews' and the social card's.
pub const TITLE: &str = "Logistic regression fitted by BFGS";
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

/// Every file of the report: the page, the redirect from its old name, the host's files, the
/// figures, the data sets, the social card (with `--site-url`) and, last, `results.json` with
/// the sha256 of each of the others.
///
/// A data set small enough to embed in the page is formatted here; a larger one is a body of
/// pieces, formatted as it is written. The page states a linked CSV's size, known only once it
/// is made, so with such a CSV the page is made after it; `results.json` is always made last.
pub fn build(
    config: &Config,
    template: &str,
    study: &Study,
    figures: &[Figure],
) -> Result<Vec<Artifact>> {
    let downloads = data_files(study);
    let card = match &config.site_url {
        Some(_) => Some(card::social_card(study, figures)?),
        None => None,
    };
    let context = page_context(config, study, figures, &downloads, card.as_deref());
    // Rendered now in every case: a template that cannot render fails before anything is
    // written.
    let page = render_page(template, &context)?;
    let streamed: Vec<(usize, String)> = downloads
        .iter()
        .enumerate()
        .filter(|(_, d)| !d.in_memory())
        .map(|(k, d)| (k, d.path.clone()))
        .collect();
    let mut artifacts = Vec::new();
    let mut later = Vec::new();
    if streamed.is_empty() {
        artifacts.push(Artifact::bytes(PAGE, page.into_bytes()));
    } else {
        let template = template.to_string();
        later.push(Artifact {
            path: PAGE.into(),
            body: Body::Later(Arc::new(move |made: &Ledger| {
                let mut context = context.clone();
                for (k, path) in &streamed {
                    let len = made.get(path).map_or(0, |m| m.len);
                    context.set_download_size(*k, len);
                }
                Ok(render_page(&template, &context)?.into_bytes())
            })),
        });
    }
    artifacts.push(Artifact::bytes(
        REDIRECT,
        site::redirect_page(config.site_url.as_ref()).into_bytes(),
    ));
    artifacts.push(Artifact::bytes(NOJEKYLL, Vec::new()));
    artifacts.push(Artifact::bytes(HEADERS, site::headers_file().into_bytes()));
    if let Some(card) = card {
        artifacts.push(Artifact::bytes(SOCIAL_CARD, card));
    }
    for figure in figures {
        artifacts.push(Artifact::bytes(
            format!("{FIGURES_DIR}/{}", figure.file_name),
            figure.svg.clone().into_bytes(),
        ));
    }
    for download in downloads {
        artifacts.push(Artifact {
            path: download.path,
            body: download.body,
        });
    }
    artifacts.extend(later);
    let results = results::prepare(study);
    artifacts.push(Artifact {
        path: RESULTS.into(),
        body: Body::Later(Arc::new(move |made: &Ledger| {
            Ok(results::render(&results, made)?)
        })),
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
    let path = dir.join(TEMPLATE);
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
    /// "fuzzy" or "separable".
    pub name: &'static str,
    /// Its path in the report.
    pub path: String,
    /// Its bytes, or the pieces they are made of.
    pub body: Body,
}

impl DataFile {
    /// The bytes, when they are held (small data sets).
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.body {
            Body::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }

    fn in_memory(&self) -> bool {
        self.bytes().is_some()
    }
}

/// Data sets with at most this many rows are formatted in memory, so that the page can embed
/// them when their CSV is at most [`EMBED_CSV_LIMIT`] bytes; a row is at least 6 bytes
/// (`0,0,1` and a newline), so larger sets never fit and are formatted as they are written.
const FORMAT_IN_MEMORY_ROWS: usize = EMBED_CSV_LIMIT / 6;

/// A data set's CSV text in pieces, made as it is written.
struct CsvPieces(Arc<Dataset>);

impl Pieces for CsvPieces {
    fn each(&self, sink: &mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()> {
        self.0.csv_pieces(sink)
    }
}

fn data_files(study: &Study) -> Vec<DataFile> {
    let sets: [(&'static str, &Arc<Dataset>); 2] = [
        (study::DatasetName::Fuzzy.as_str(), &study.fuzzy),
        (study::DatasetName::Separable.as_str(), &study.separable),
    ];
    sets.into_iter()
        .map(|(name, data)| DataFile {
            name,
            path: format!("{DATA_DIR}/{name}.csv"),
            body: if data.len() <= FORMAT_IN_MEMORY_ROWS {
                Body::Bytes(data.csv_bytes())
            } else {
                Body::Pieces(Arc::new(CsvPieces(Arc::clone(data))))
            },
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
