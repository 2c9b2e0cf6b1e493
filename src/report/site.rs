//! What makes the output folder a static site beside the page itself: the one
//! Content-Security-Policy (in the page's `<meta>`, the redirect's and `_headers`), the
//! inline favicon, the page's description, the link-preview tags `--site-url` allows, the
//! redirect from the old `report.html`, `_headers` and `.nojekyll`.

use crate::markup::html as escape;

use serde::Serialize;

use super::files::{PAGE, SOCIAL_CARD, TITLE};
use super::format::{and_list, count};
use crate::config::SiteUrl;
use crate::numbers::prose;
use crate::study::Study;

/// The policy of every page of the report: nothing but the page itself and inline styles and
/// `data:` images, so a published report can make no request at all.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; \
                       base-uri 'none'; form-action 'none'";

/// The icon browsers show in tabs, inline: without a `<link rel="icon">` a browser asks the
/// host for `/favicon.ico`, outside the report's folder. A sigmoid on the accent colour.
pub const FAVICON: &str = "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'\
%20viewBox='0%200%2032%2032'%3E%3Crect%20width='32'%20height='32'%20rx='6'%20fill='%230a5a9c'/%3E\
%3Cpath%20d='M4%2026C15%2026%2017%206%2028%206'%20fill='none'%20stroke='%23fff'\
%20stroke-width='3.5'%20stroke-linecap='round'/%3E%3C/svg%3E";

/// Width and height of the social card in pixels: the size link previews display best.
pub const CARD_SIZE: (u32, u32) = (1200, 630);

/// The head's link-preview tags, present only with `--site-url`.
#[derive(Clone, Serialize)]
pub(super) struct SiteContext {
    /// The page's canonical address: the folder's, which static hosts serve as `index.html`.
    url: String,
    /// The social card's address.
    image: String,
    image_width: u32,
    image_height: u32,
    image_alt: String,
}

/// The link-preview tags for a report published at `url`.
pub(super) fn site_context(url: &SiteUrl) -> SiteContext {
    SiteContext {
        url: url.as_str().to_string(),
        image: url.join(SOCIAL_CARD),
        image_width: CARD_SIZE.0,
        image_height: CARD_SIZE.1,
        image_alt: CARD_ALT.to_string(),
    }
}

/// What the social card shows, for those who cannot see it.
pub(super) const CARD_ALT: &str = "The report's title and run parameters over two of its \
    figures: the sigmoid of the starting weights as a colour map over the plane, and the \
    fitted model's lines of equal probability over the overlapping data.";

/// The page's description: one sentence about this run, for search results and previews.
pub(super) fn description(study: &Study) -> String {
    format!(
        "{TITLE} on two seeded data sets (seed {}, N = {} points each): gradient checks, fits \
         cross-checked by Newton's method, and the linearly separable data fitted with λ = {}.",
        study.config.seed,
        count(study.config.n),
        and_list(&lambda_words(study))
    )
}

/// The run's strengths in words.
fn lambda_words(study: &Study) -> Vec<String> {
    let lambdas = study.config.lambdas.iter();
    lambdas.map(|l| prose(l.get())).collect()
}

/// The run's parameters in one line, as the social card writes them.
pub(super) fn parameters(study: &Study) -> String {
    format!(
        "seed {} · N = {} points per data set · λ = {}",
        study.config.seed,
        count(study.config.n),
        lambda_words(study).join(", ")
    )
}

/// The old page's address, `report.html`, kept as a page that sends readers on to the page:
/// links people saved or shared keep working, and search engines are told not to index it.
pub(super) fn redirect_page(site: Option<&SiteUrl>) -> String {
    let canonical = site.map_or_else(String::new, |url| {
        format!(
            "<link rel=\"canonical\" href=\"{}\">\n",
            escape(url.as_str())
        )
    });
    format!(
        "<!DOCTYPE html>\n\
         <html lang=\"en-GB\">\n\
         <head>\n\
         <meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={PAGE}\">\n\
         {canonical}\
         <link rel=\"icon\" href=\"{icon}\">\n\
         <title>{TITLE}: moved</title>\n\
         </head>\n\
         <body>\n\
         <p>This report has moved to <a href=\"{PAGE}\">{PAGE}</a> in the same folder.</p>\n\
         </body>\n\
         </html>\n",
        csp = escape(CSP),
        icon = escape(FAVICON),
    )
}

/// `_headers`, read by Netlify and Cloudflare Pages: the page's policy as a real HTTP
/// header (which, unlike the `<meta>`, also covers the SVG, CSV and JSON files), and no
/// guessing of file types.
pub(super) fn headers_file() -> String {
    format!(
        "# HTTP headers for hosts that read this file (Netlify, Cloudflare Pages).\n\
         /*\n  Content-Security-Policy: {CSP}\n  X-Content-Type-Options: nosniff\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_redirect_carries_the_policy_and_no_absolute_url_unless_asked() {
        let page = redirect_page(None);
        assert!(page.contains(&format!("content=\"{}\"", escape(CSP))));
        assert!(page.contains("<meta http-equiv=\"refresh\" content=\"0; url=index.html\">"));
        assert!(page.contains("<a href=\"index.html\">"));
        assert!(page.contains("noindex"));
        // The favicon's SVG names its namespace; no attribute links anywhere absolute.
        assert!(!page.contains("href=\"http") && !page.contains("content=\"http"));
        let url = SiteUrl::parse("https://example.org/a&b").unwrap();
        let page = redirect_page(Some(&url));
        assert!(page.contains("<link rel=\"canonical\" href=\"https://example.org/a&amp;b/\">"));
    }

    #[test]
    fn headers_name_the_same_policy() {
        assert!(headers_file().contains(&format!("\n  Content-Security-Policy: {CSP}\n")));
    }
}
