//! Answering one request: a file of the report or of the live review (pages with the reload
//! script), the reload channel, or 404, 405 and 403 for everything else.

use std::sync::Arc;

use tiny_http::{Header, Method, Request, Response};

use super::build::live_review;
use super::inject::{Corner, error_page, served_page};
use super::paths::{REVIEW_PREFIX, Route, content_type, route};
use super::state::{RELOAD_HOLD, Shared, State};

/// Answers `request`; a client that went away is no error of ours.
pub(super) fn answer(shared: &Shared, request: Request) {
    let (status, body, kind, extra) = respond(shared, &request);
    let mut response = Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("X-Content-Type-Options", "nosniff"));
    for (name, value) in extra {
        response = response.with_header(header(name, &value));
    }
    let _ = request.respond(response);
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .unwrap_or_else(|()| Header::from_bytes(&b"X-Invalid"[..], &b"1"[..]).expect("valid"))
}

type Answer = (u16, Vec<u8>, &'static str, Vec<(&'static str, String)>);

const TEXT: &str = "text/plain; charset=utf-8";
const HTML: &str = "text/html; charset=utf-8";

fn respond(shared: &Shared, request: &Request) -> Answer {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return (
            405,
            b"Only GET and HEAD are answered here.\n".to_vec(),
            TEXT,
            vec![("Allow", "GET, HEAD".into())],
        );
    }
    if !host_is_ours(shared, request) {
        return (
            403,
            b"This preview answers only to its own address.\n".to_vec(),
            TEXT,
            Vec::new(),
        );
    }
    match route(request.url()) {
        Route::NotFound => not_found(),
        Route::Redirect(to) => (308, Vec::new(), TEXT, vec![("Location", to)]),
        Route::Reload(since) => {
            let now = wait_for_change(shared, &since);
            (200, now.into_bytes(), TEXT, Vec::new())
        }
        Route::File(path) if path.starts_with(REVIEW_PREFIX) => review_file(shared, &path),
        Route::File(path) => report_file(shared, &path),
    }
}

/// Whether the request names this server as its host: a page of another site that a
/// browser was tricked into sending here (DNS rebinding) gets nothing.
fn host_is_ours(shared: &Shared, request: &Request) -> bool {
    let Some(host) = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str())
    else {
        return true;
    };
    let port = shared
        .address
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap_or_default();
    [format!("127.0.0.1:{port}"), format!("localhost:{port}")]
        .iter()
        .any(|ours| ours.eq_ignore_ascii_case(host))
}

fn not_found() -> Answer {
    (
        404,
        b"<!DOCTYPE html><title>Not found</title><p>No such file in this report.</p>\n".to_vec(),
        HTML,
        Vec::new(),
    )
}

/// A file of the report; a page carries the reload script; while the build fails, every
/// page is the error.
fn report_file(shared: &Shared, path: &str) -> Answer {
    let (token, build, failure) = {
        let state = shared.lock();
        (
            state.report_token(),
            state.build.clone(),
            state.failure.clone(),
        )
    };
    if let Some(detail) = failure
        && (path.ends_with(".html") || build.is_none())
    {
        return failed(&detail, &token, Corner::Report);
    }
    match build.as_ref().and_then(|b| b.files.get(path)) {
        Some(bytes) => served(bytes, path, &token, Corner::Report),
        None => not_found(),
    }
}

/// A file of the report or the review: a page carries the reload script of its `corner`.
fn served(bytes: &[u8], path: &str, token: &str, corner: Corner) -> Answer {
    let body = match path.ends_with(".html") {
        true => served_page(bytes, token, corner),
        false => bytes.to_vec(),
    };
    (200, body, content_type(path), Vec::new())
}

/// The page that says why the build failed, with the reload script of its `corner`.
fn failed(detail: &str, token: &str, corner: Corner) -> Answer {
    (500, error_page(detail, token, corner), HTML, Vec::new())
}

/// A file of the live review, made for the current build and baseline when first asked for.
fn review_file(shared: &Shared, path: &str) -> Answer {
    let _turn = shared.reviewing.lock().unwrap_or_else(|p| p.into_inner());
    let (token, build, failure, kept) = {
        let state = shared.lock();
        (
            state.review_token(),
            state.build.clone(),
            state.failure.clone(),
            state.review.clone(),
        )
    };
    if let Some(detail) = failure {
        return match path.ends_with(".html") {
            true => failed(&detail, &token, Corner::Review),
            false => not_found(),
        };
    }
    let Some(build) = build else {
        return not_found();
    };
    let files = match kept {
        Some((made_for, files)) if made_for == token => files,
        _ => {
            let files = Arc::new(live_review(
                &build,
                &shared.lookup,
                shared.rev.as_deref(),
                &format!("{}review/", shared.address),
            ));
            shared.lock().review = Some((token.clone(), files.clone()));
            files
        }
    };
    files.get(path).map_or_else(not_found, |bytes| {
        served(bytes, path, &token, Corner::Review)
    })
}

/// Waits until what the page showing build `since` shows changes (a report page's `r…`, a
/// review page's `v…`), the server stops, or [`RELOAD_HOLD`] passes; answers the token now.
fn wait_for_change(shared: &Shared, since: &str) -> String {
    let token = if since.starts_with('v') {
        State::review_token
    } else {
        State::report_token
    };
    let deadline = std::time::Instant::now() + RELOAD_HOLD;
    let mut state = shared.lock();
    loop {
        let now = token(&state);
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if now != since || state.stopping || left.is_zero() {
            return now;
        }
        state = shared
            .changed
            .wait_timeout(state, left)
            .map(|(guard, _)| guard)
            .unwrap_or_else(|p| p.into_inner().0);
    }
}
