//! The report's file names, folders and title: the one place each is written down.

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
/// CSVs up to this size are embedded in the page as downloads; larger ones are linked to
/// their file in `data/`, so that the page stays small whatever N is.
pub const EMBED_CSV_LIMIT: usize = 1 << 20;
