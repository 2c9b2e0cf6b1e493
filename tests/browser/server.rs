//! A static file server for the browser tests, on `tiny_http` as `serve` is: a folder mounted
//! under a sub-path of `http://127.0.0.1:PORT`, as a static host publishes a project's site,
//! answering GET of its files and 404 to anything else, with a log of every request.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response};

/// One request as the server saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    /// Method and target, e.g. `GET /project/`.
    pub request: String,
    /// The status answered.
    pub status: u16,
}

/// A running server; stopped when dropped.
pub struct Server {
    addr: SocketAddr,
    mount: String,
    log: Arc<Mutex<Vec<Logged>>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Serves `root` under `mount`, a path that starts and ends with `/`.
    pub fn start(root: &Path, mount: &str) -> std::io::Result<Server> {
        let server =
            Arc::new(tiny_http::Server::http("127.0.0.1:0").map_err(std::io::Error::other)?);
        let addr = server
            .server_addr()
            .to_ip()
            .ok_or_else(|| std::io::Error::other("not an IP address"))?;
        let log = Arc::new(Mutex::new(Vec::new()));
        let (root, prefix) = (root.to_path_buf(), mount.to_string());
        let (thread_server, thread_log) = (Arc::clone(&server), Arc::clone(&log));
        let thread = std::thread::spawn(move || {
            for request in thread_server.incoming_requests() {
                answer(request, &root, &prefix, &thread_log);
            }
        });
        Ok(Server {
            addr,
            mount: mount.to_string(),
            log,
            server,
            thread: Some(thread),
        })
    }

    /// The address of `relative` in the mounted folder (`""` for the folder itself).
    pub fn url(&self, relative: &str) -> String {
        format!("http://{}{}{relative}", self.addr, self.mount)
    }

    /// Everything requested so far, in order of answer.
    pub fn log(&self) -> Vec<Logged> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers one request: a file under the mount to GET, 404 or 405 to anything else.
fn answer(request: Request, root: &Path, prefix: &str, log: &Mutex<Vec<Logged>>) {
    let target = request.url().to_string();
    let (status, body, kind) = match (request.method(), file_for(root, prefix, &target)) {
        (Method::Get, Some(path)) => match std::fs::read(&path) {
            Ok(bytes) => (200, bytes, content_type(&path)),
            Err(_) => (404, b"not found\n".to_vec(), "text/plain"),
        },
        (Method::Get, None) => (404, b"not found\n".to_vec(), "text/plain"),
        _ => (405, b"only GET\n".to_vec(), "text/plain"),
    };
    log.lock().unwrap_or_else(|p| p.into_inner()).push(Logged {
        request: format!("{} {target}", request.method()),
        status,
    });
    let mut response = Response::from_data(body).with_status_code(status);
    if let Ok(header) = Header::from_bytes("Content-Type", kind) {
        response.add_header(header);
    }
    let _ = request.respond(response);
}

/// The file a request target names: under `prefix`, percent-decoded, `index.html` for a
/// folder, nothing that climbs out of `root` or is not a regular file.
fn file_for(root: &Path, prefix: &str, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let relative = percent_encoding::percent_decode_str(path.strip_prefix(prefix)?)
        .decode_utf8()
        .ok()?
        .into_owned();
    let relative = if relative.is_empty() || relative.ends_with('/') {
        format!("{relative}index.html")
    } else {
        relative
    };
    let relative = Path::new(&relative);
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let file = root.join(relative);
    std::fs::symlink_metadata(&file)
        .is_ok_and(|m| m.is_file())
        .then_some(file)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

/// Fetches `url` (an `http://127.0.0.1:PORT/...` address) and returns its status.
pub fn status_of(url: &str) -> Result<u16, String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("not an http URL: {url}"))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let mut stream = TcpStream::connect(host).map_err(|e| format!("{url}: {e}"))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| format!("{url}: {e}"))?;
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{url}: {e}"))?;
    // The body may be binary: only the status line is read as text.
    let answer = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("{url}: no status in {answer:?}"))
}
