//! What a request asks for: a file of the report, a file of the live review, the reload
//! channel, or nothing. Anything that is not plainly one of those is nothing: a path with
//! `.` or `..` segments, empty segments, a backslash, a NUL or an encoded slash, in any
//! spelling, is not found; no path ever reaches the file system.

use logreg_report::{markup, output};

/// The path of the reload channel the served pages listen on. No file of a report starts
/// with two underscores.
pub(super) const RELOAD_PATH: &str = "/__reload";

/// Where the live review is served.
pub(super) const REVIEW_PREFIX: &str = "review/";

/// What a request's URL asks for.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Route {
    /// A file of the report (`index.html`, `figures/fuzzy.svg`) or of the review
    /// (`review/review.html`, `review/images/…`), by its path in the served site.
    File(String),
    /// The same place with a slash at the end: a folder's address.
    Redirect(String),
    /// The reload channel, with the build the page was served from.
    Reload(String),
    /// Anything else.
    NotFound,
}

/// The route of a request's URL (its path and query as sent).
pub(super) fn route(url: &str) -> Route {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    if path == RELOAD_PATH {
        let since = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("since="))
            .unwrap_or_default();
        return Route::Reload(since.to_string());
    }
    let Some(rest) = path.strip_prefix('/').and_then(decode) else {
        return Route::NotFound;
    };
    if rest.is_empty() {
        return Route::File("index.html".into());
    }
    let inner = rest.strip_suffix('/').unwrap_or(&rest);
    if !output::is_plain_relative(inner) || inner.contains('\0') {
        return Route::NotFound;
    }
    match rest.as_str() {
        "review" => Route::Redirect("/review/".into()),
        REVIEW_PREFIX => Route::File(format!("{REVIEW_PREFIX}review.html")),
        _ if rest.ends_with('/') => Route::NotFound,
        _ => Route::File(rest),
    }
}

/// The path with its `%XX` escapes decoded; None where an escape is malformed, decodes to a
/// slash, a backslash or a NUL (which a file's path never needs), or the result is not UTF-8.
fn decode(path: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()?;
    // A backslash or a NUL is refused by the caller however it was written; an escaped
    // slash would make two names one.
    let slashes = |text: &str| text.matches('/').count();
    (markup::percent_escapes_well_formed(path) && slashes(&decoded) == slashes(path))
        .then(|| decoded.into_owned())
}

/// The `Content-Type` of a served file, by its name.
pub(super) fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map_or("", |(_, e)| e) {
        "html" => "text/html; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        _ => "text/plain; charset=utf-8",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_and_review_files_are_found_by_their_paths() {
        assert_eq!(route("/"), Route::File("index.html".into()));
        assert_eq!(route("/?x=1"), Route::File("index.html".into()));
        assert_eq!(
            route("/figures/fuzzy.svg"),
            Route::File("figures/fuzzy.svg".into())
        );
        assert_eq!(route("/review"), Route::Redirect("/review/".into()));
        assert_eq!(route("/review/"), Route::File("review/review.html".into()));
        assert_eq!(
            route("/review/images/a%20b.png"),
            Route::File("review/images/a b.png".into())
        );
        assert_eq!(route("/__reload?since=r3"), Route::Reload("r3".into()));
    }

    #[test]
    fn traversal_in_any_spelling_is_not_found() {
        for url in [
            "/../etc/passwd",
            "/figures/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/figures%2ffuzzy.svg",
            "/figures%5c..%5cx",
            "/.",
            "/./index.html",
            "//etc/passwd",
            "/figures//fuzzy.svg",
            "/a%00b",
            "/%zz",
            "/%",
            "/%+1",
            "/%c0%ae%c0%ae/x",
            "http://127.0.0.1/index.html",
            "*",
            "/figures/",
            "/..",
        ] {
            assert_eq!(route(url), Route::NotFound, "{url}");
        }
    }
}
