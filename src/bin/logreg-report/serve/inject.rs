//! What a served page gets that a published one never does: a small script that reloads the
//! page when its build is replaced, and a Content-Security-Policy that lets that one script
//! (by its hash) run and reach this server. Only the copies served by `serve` change.

use base64::Engine as _;
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

/// `page` as served: the reload script (marked with `build`) before `</body>`, and a policy
/// that lets it run in place of the page's own, which allows no script.
pub(super) fn served_page(page: &[u8], build: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    let mut text = allow_script(&text);
    let tag = format!(
        "<script data-build=\"{}\">{}</script>\n",
        build.replace(['"', '<', '>', '&'], ""),
        script()
    );
    match text.rfind("</body>") {
        Some(at) => text.insert_str(at, &tag),
        None => text.push_str(&tag),
    }
    text.into_bytes()
}

/// The page with its `<meta http-equiv="Content-Security-Policy">` widened by the reload
/// script's hash and a connection back to this server; a page without one is left as it is.
fn allow_script(page: &str) -> String {
    const MARK: &str = "http-equiv=\"Content-Security-Policy\" content=\"";
    let Some(start) = page.find(MARK).map(|k| k + MARK.len()) else {
        return page.to_string();
    };
    let Some(length) = page[start..].find('"') else {
        return page.to_string();
    };
    let end = start + length;
    format!(
        "{}; script-src {}; connect-src 'self'{}",
        &page[..end],
        script_hash(),
        &page[end..]
    )
}

/// The page shown while the build fails: where and why, and the reload script, so that the
/// next good save brings the report back.
pub(super) fn error_page(detail: &str, build: &str) -> Vec<u8> {
    let escaped = detail
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let page = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'\">\n<meta name=\"color-scheme\" content=\"light dark\">\n\
         <title>Build failed: logreg-report</title>\n<style>\n\
         body {{ font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; \
         padding: 0 1rem; }}\n\
         pre {{ white-space: pre-wrap; overflow-wrap: anywhere; padding: .8rem 1rem; \
         border-left: 4px solid #b3261e; background: rgba(179, 38, 30, .08); }}\n\
         </style>\n</head>\n<body>\n<h1>The report could not be built</h1>\n\
         <pre id=\"build-error\">{escaped}</pre>\n\
         <p>Fix it and save: this page reloads with the report.</p>\n</body>\n</html>\n"
    );
    served_page(page.as_bytes(), build)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_served_page_lets_only_its_reload_script_run() {
        let page = "<head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src \
                    'none'\"></head><body><p>x</p></body>";
        let served = String::from_utf8(served_page(page.as_bytes(), "r1")).unwrap();
        assert!(served.contains(&format!(
            "content=\"default-src 'none'; script-src {}; connect-src 'self'\"",
            script_hash()
        )));
        assert!(served.contains("<script data-build=\"r1\">"));
        assert!(served.ends_with("</script>\n</body>"));
    }
}
