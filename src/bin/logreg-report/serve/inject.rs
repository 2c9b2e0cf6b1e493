//! What a served page gets that a published one never does: a small script that reloads the
//! page when its build is replaced, and a Content-Security-Policy that lets that one script
//! (by its hash) run and reach this server. Only the copies served by `serve` change.

use base64::Engine as _;
use logreg_report::markup;
use sha2::{Digest, Sha256};

use super::paths::RELOAD_PATH;

/// The reload script: asks the server to answer when the build this page came from is
/// replaced, then reloads (the browser keeps the scroll position); while the server is gone,
/// asks again every second.
const RELOAD_SCRIPT: &str = "(function () {
  var build = document.currentScript.dataset.build;
  function wait() {
    fetch('__RELOAD__?since=' + encodeURIComponent(build), { cache: 'no-store' })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (now) { if (now !== build) { location.reload(); } else { wait(); } })
      .catch(function () { setTimeout(wait, 1000); });
  }
  wait();
})();";

fn script() -> String {
    RELOAD_SCRIPT.replace("__RELOAD__", RELOAD_PATH)
}

/// The CSP source that allows exactly the reload script.
fn script_hash() -> String {
    let digest = Sha256::digest(script().as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Where a served page's corner link leads: the report's pages to the live review, the
/// review's to the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Corner {
    /// A page of the report.
    Report,
    /// A page of the review.
    Review,
}

/// `page` as served: a link in its corner to the other half of the preview, the reload
/// script (marked with `build`) before `</body>`, and a policy that lets that script run in
/// place of the page's own, which allows no script.
pub(super) fn served_page(page: &[u8], build: &str, corner: Corner) -> Vec<u8> {
    let mut text = allow_script(&String::from_utf8_lossy(page));
    let (href, label) = match corner {
        Corner::Report => ("/review/", "Live review"),
        Corner::Review => ("/", "The report"),
    };
    let tag = format!(
        "<a id=\"logreg-report-preview\" href=\"{href}\" style=\"position: fixed; right: .8rem; \
         bottom: .8rem; z-index: 10; padding: .35rem .8rem; border-radius: 1rem; background: \
         #0a5a9c; color: #fff; font: 600 14px/1.4 system-ui, sans-serif; text-decoration: none; \
         box-shadow: 0 1px 4px rgba(0, 0, 0, .3)\">{label}</a>\n\
         <script data-build=\"{}\">{}</script>\n",
        build.replace(['"', '<', '>', '&'], ""),
        script()
    );
    text.insert_str(text.rfind("</body>").unwrap_or(text.len()), &tag);
    text.into_bytes()
}

/// The page with its `<meta http-equiv="Content-Security-Policy">` widened by the reload
/// script's hash and a connection back to this server; a page without one is left as it is.
fn allow_script(page: &str) -> String {
    const MARK: &str = "http-equiv=\"Content-Security-Policy\" content=\"";
    let Some(end) = page.find(MARK).and_then(|k| {
        let start = k + MARK.len();
        Some(start + page[start..].find('"')?)
    }) else {
        return page.to_string();
    };
    format!(
        "{}; script-src {}; connect-src 'self'{}",
        &page[..end],
        script_hash(),
        &page[end..]
    )
}

/// The page shown while the build fails: where and why, and the reload script, so that the
/// next good save brings the report back. `detail`'s first line is the place and message;
/// the lines after it (the template's line and a caret under the place) are shown as they
/// are, unwrapped, so that the caret stays under its place.
pub(super) fn error_page(detail: &str, build: &str, corner: Corner) -> Vec<u8> {
    let (message, excerpt) = detail.split_once('\n').unwrap_or((detail, ""));
    let excerpt = if excerpt.is_empty() {
        String::new()
    } else {
        format!("<pre>{}</pre>\n", markup::html(excerpt))
    };
    let message = markup::html(message);
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'\">\n<meta name=\"color-scheme\" content=\"light dark\">\n\
         <title>Build failed: logreg-report</title>\n<style>\n\
         body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; \
         padding: 0 1rem; }}\n\
         #build-error {{ font-family: ui-monospace, monospace; overflow-wrap: anywhere; \
         padding: .8rem 1rem; border-left: 4px solid #b3261e; background: rgba(179, 38, 30, \
         .08); }}\n\
         pre {{ overflow-x: auto; padding: .5rem 1rem; background: rgba(127, 127, 127, .12); }}\n\
         </style>\n</head>\n<body>\n<h1>The report could not be built</h1>\n\
         <p id=\"build-error\">{message}</p>\n{excerpt}\
         <p>Fix it and save: this page reloads with the report.</p>\n</body>\n</html>\n"
    );
    served_page(page.as_bytes(), build, corner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_served_page_lets_only_its_reload_script_run() {
        let page = "<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src \
                    'none'\"></head><body><p>x</p></body>";
        let served = String::from_utf8(served_page(page.as_bytes(), "r1", Corner::Report)).unwrap();
        assert!(served.contains(&format!(
            "content=\"default-src 'none'; script-src {}; connect-src 'self'\"",
            script_hash()
        )));
        assert!(served.contains("<script data-build=\"r1\">"));
        assert!(served.contains("href=\"/review/\""));
        assert!(served.ends_with("</script>\n</body>"));
    }
}
