//! The report's files, built in memory from one run: a static site whose page is filled from
//! a logic-free Tera template (its context in [`context`](self), numbers formatted in
//! [`format`](mod@format)), with the figures' SVG, the data sets' CSV, `results.json`, and what a static
//! host needs beside them ([`site`]: the redirect from the old page name, `_headers`,
//! `.nojekyll`, and with `--site-url` the social card). Running the study is the
//! pipeline's business, writing the files the output folder's.

mod card;
mod context;
mod data_files;
mod error;
mod files;
pub mod format;
mod motion;
pub mod results;
pub mod site;

use std::fs;
use std::path::Path;
use std::sync::Arc;

use crate::budget::Exceeded;
use crate::config::{Config, Template};
use crate::figures::Figure;
use crate::output::fsx::{self, NotRead};
use crate::output::{Artifact, Body, Ledger};
use crate::study::Study;
use context::{PageContext, page_context};
use data_files::data_files;

pub use error::{ReportError, TemplateError};
pub use files::{
    DATA_DIR, EMBED_CSV_LIMIT, FIGURES_DIR, HEADERS, NOJEKYLL, PAGE, REDIRECT, RESULTS,
    SOCIAL_CARD, TEMPLATE, TITLE,
};

type Result<T, E = ReportError> = std::result::Result<T, E>;

/// Every file of the report: the page, the redirect from its old name, the host's files, the
/// figures, the data sets, the social card (with `--site-url`) and, last, `results.json` with
/// the sha256 of each of the others.
///
/// A data set small enough to embed in the page is formatted here; a larger one is a body of
/// pieces, formatted as it is written. The page states a linked CSV's size, known only once it
/// is made, so with such a CSV the page is made after it; `results.json` is always made last.
pub fn build(
    config: &Config,
    template: &PageTemplate,
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
        .filter(|(_, d)| d.bytes().is_none())
        .map(|(k, d)| (k, d.path.clone()))
        .collect();
    let mut artifacts = Vec::new();
    let mut later = Vec::new();
    if streamed.is_empty() {
        artifacts.push(Artifact::bytes(PAGE, page.into_bytes()));
    } else {
        let template = template.clone();
        later.push(Artifact {
            path: PAGE.into(),
            body: Body::Later(Arc::new(move |made: &Ledger| {
                let mut context = context.clone();
                for (k, path) in &streamed {
                    context.set_download_size(*k, made.get(path).map_or(0, |m| m.len));
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
    artifacts.extend(card.map(|card| Artifact::bytes(SOCIAL_CARD, card)));
    for figure in figures {
        artifacts.push(Artifact::bytes(
            format!("{FIGURES_DIR}/{}", figure.file_name),
            figure.svg.clone().into_bytes(),
        ));
    }
    artifacts.extend(downloads.into_iter().map(|d| Artifact {
        path: d.path,
        body: d.body,
    }));
    artifacts.extend(later);
    let results = results::prepare(study, config.site_url.as_ref());
    artifacts.push(Artifact {
        path: RESULTS.into(),
        body: Body::Later(Arc::new(move |made: &Ledger| {
            Ok(results::render(&results, made)?)
        })),
    });
    Ok(artifacts)
}

/// The page template `config` asks for, read now: a folder's `report.html`, or the text the
/// caller gave.
pub fn template(config: &Config) -> Result<PageTemplate> {
    match &config.template {
        Template::Folder(dir) => read_template(dir),
        Template::Text { name, text } => Ok(PageTemplate {
            name: name.clone(),
            text: text.clone(),
        }),
    }
}

/// Refuses a templates folder that is the report's folder `out` (resolved): the report's
/// swap would take the templates with it.
pub fn templates_apart(template: &Template, out: &Path) -> Result<()> {
    match template {
        Template::Folder(templates) if fs::canonicalize(templates).is_ok_and(|t| t == out) => {
            Err(ReportError::TemplatesInOutput {
                path: templates.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// A page template and the name its errors give (its file's path as the user named it).
#[derive(Clone, Debug)]
pub struct PageTemplate {
    /// The file's path as shown, or the name of a template held in memory.
    pub name: String,
    /// The template.
    pub text: Arc<str>,
}

/// Reads `dir/report.html`, which must be a regular file: a FIFO there would block the run.
fn read_template(dir: &Path) -> Result<PageTemplate> {
    /// A template larger than this is not a page template.
    const LIMIT: u64 = 64 << 20;
    let path = dir.join(TEMPLATE);
    let bytes = fsx::read_following(&path, LIMIT).map_err(|why| match why {
        NotRead::NotAFile(kind) => ReportError::TemplateNotAFile {
            path: path.clone(),
            kind,
        },
        NotRead::Io(source) => ReportError::Io {
            path: path.clone(),
            source,
        },
    })?;
    let name = path.display().to_string();
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        ReportError::Template(TemplateError {
            file: name.clone(),
            line: Some(line),
            message: "the file is not UTF-8 text".into(),
            ..TemplateError::default()
        })
    })?;
    Ok(PageTemplate {
        name,
        text: text.into(),
    })
}

/// The largest page the tool writes, in bytes: the page with both CSVs embedded is a few
/// megabytes, and a review reads a page up to this size.
pub const MAX_PAGE_BYTES: u64 = 16 << 20;
/// What rendering the page may hold in memory: the default page takes a few megabytes.
pub const RENDER_MEMORY: usize = 256 << 20;
/// How long rendering the page may take: the default page takes milliseconds.
pub const RENDER_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// The page from its template, rendered within [`RENDER_MEMORY`] and [`RENDER_TIME`] (a
/// template is the author's code: one that doubles a string or loops for ever is stopped)
/// and refused when it would be larger than [`MAX_PAGE_BYTES`].
fn render_page(template: &PageTemplate, context: &PageContext) -> Result<String> {
    let failed = |e: tera::Error| {
        ReportError::Template(TemplateError::from_tera(&e, &template.name, &template.text))
    };
    let stopped = |message: String| {
        ReportError::Template(TemplateError {
            file: template.name.clone(),
            message,
            ..TemplateError::default()
        })
    };
    let mut tera = tera::Tera::new();
    // The page is HTML whatever its file is called: escape every template.
    tera.autoescape_on([""]);
    tera.add_raw_template(&template.name, &template.text)
        .map_err(failed)?;
    let context = tera::Context::from_serialize(context).map_err(failed)?;
    let name = template.name.clone();
    let page = crate::budget::within(RENDER_MEMORY, RENDER_TIME, move || {
        tera.render(&name, &context)
    })
    .map_err(|exceeded| {
        stopped(match exceeded {
            Exceeded::Memory => format!(
                "rendering it took more than {} MiB (a page takes a few), and was stopped",
                RENDER_MEMORY >> 20
            ),
            Exceeded::Time => format!(
                "rendering it took more than {} s (a page takes milliseconds), and was stopped",
                RENDER_TIME.as_secs()
            ),
            Exceeded::Failed => "rendering it failed".into(),
        })
    })?
    .map_err(failed)?;
    if page.len() as u64 > MAX_PAGE_BYTES {
        return Err(stopped(format!(
            "the page it makes is {} bytes, more than the {MAX_PAGE_BYTES} a page may be (a \
             review reads pages up to that size)",
            page.len()
        )));
    }
    Ok(page)
}

#[cfg(test)]
mod tests;
