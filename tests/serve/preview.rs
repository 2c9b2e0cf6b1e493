//! A project folder and a running `logreg-report serve` in it, spoken to over plain HTTP:
//! what the serve tests, the browser tests and the reload benchmark share.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{binary_path, snapshot};

/// How long anything a test waits for may take before the test fails (a hang, not a speed).
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A project folder: the page template in `templates/`, a `report.toml` naming it, and (when
/// asked for) a report in `output/` to review against.
pub struct Project {
    pub root: tempfile::TempDir,
}

impl Project {
    pub fn new(with_baseline: bool) -> Project {
        let root = tempfile::tempdir().expect("temp dir");
        let templates = root.path().join("templates");
        std::fs::create_dir(&templates).expect("writable");
        std::fs::write(
            templates.join("report.html"),
            include_str!("../../templates/report.html"),
        )
        .expect("writable");
        std::fs::write(
            root.path().join("report.toml"),
            "templates = \"templates\"\n",
        )
        .expect("writable");
        if with_baseline {
            let status = std::process::Command::new(binary_path())
                .current_dir(root.path())
                .arg("--quiet")
                .status()
                .expect("runs");
            assert!(status.success());
        }
        Project { root }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.path().join(relative)
    }

    pub fn template(&self) -> String {
        std::fs::read_to_string(self.path("templates/report.html")).expect("readable")
    }

    /// Saves the template as an editor does: a new file renamed over the old one.
    pub fn save_template(&self, text: &str) {
        let temporary = self.path("templates/.report.html.swp");
        std::fs::write(&temporary, text).expect("writable");
        std::fs::rename(&temporary, self.path("templates/report.html")).expect("renamed");
    }
}

/// A running `serve`; killed when dropped if a test failed before stopping it.
pub struct Preview {
    child: Option<Child>,
    /// `http://127.0.0.1:PORT/`.
    pub address: String,
    stderr: Arc<Mutex<String>>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Preview {
    /// Starts `serve --port 0` (and `args`) in `dir`, and waits until it says where it serves.
    pub fn start(dir: &Path, args: &[&str]) -> Preview {
        let mut child = std::process::Command::new(binary_path())
            .current_dir(dir)
            .args(["serve", "--port", "0"])
            .args(args)
            .env_remove("CARGO")
            .env_remove("CARGO_PKG_NAME")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary runs");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let pipe = child.stderr.take().expect("piped");
        let kept = stderr.clone();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if let Some(at) = line.find("serving the report at http://") {
                    let rest = &line[at + "serving the report at ".len()..];
                    let address = rest.split_whitespace().next().unwrap_or_default();
                    let _ = tx.send(address.to_string());
                }
                let mut all = kept.lock().unwrap_or_else(|p| p.into_inner());
                all.push_str(&line);
                all.push('\n');
            }
        });
        let Ok(address) = rx.recv_timeout(PATIENCE) else {
            let _ = child.kill();
            panic!(
                "serve said nowhere it serves within {PATIENCE:?}:\n{}",
                stderr.lock().unwrap_or_else(|p| p.into_inner())
            );
        };
        Preview {
            child: Some(child),
            address,
            stderr,
            reader: Some(reader),
        }
    }

    /// What it printed on stderr so far.
    pub fn said(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// What it printed on stderr once it says `text` (it prints just after it serves).
    pub fn says(&self, text: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let said = self.said();
            if said.contains(text) {
                return said;
            }
            assert!(Instant::now() < deadline, "never said {text:?}:\n{said}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[])
    }

    /// Sends `method path` as written (no normalising of the path) with `headers`.
    pub fn request(&self, method: &str, path: &str, headers: &[&str]) -> Reply {
        let host = self
            .address
            .trim_start_matches("http://")
            .trim_end_matches('/');
        let mut text = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        if !headers
            .iter()
            .any(|h| h.to_ascii_lowercase().starts_with("host:"))
        {
            text.push_str(&format!("Host: {host}\r\n"));
        }
        for header in headers {
            text.push_str(header);
            text.push_str("\r\n");
        }
        text.push_str("\r\n");
        raw(host, text.as_bytes())
    }

    /// Waits on the reload channel until the build `since` is replaced; returns the new one.
    pub fn next_build(&self, since: &str) -> String {
        let started = Instant::now();
        loop {
            let reply = self.get(&format!("/__reload?since={since}"));
            assert_eq!(reply.status, 200, "{}", reply.text());
            let now = reply.text();
            if now != since {
                return now;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "no new build within {PATIENCE:?}: {}",
                self.said()
            );
        }
    }

    /// Sends SIGINT, as Ctrl-C does, and waits for it to end.
    pub fn interrupt(mut self) -> (ExitStatus, String) {
        let mut child = self.child.take().expect("running");
        let pid = rustix::process::Pid::from_child(&child);
        rustix::process::kill_process(pid, rustix::process::Signal::INT).expect("signalled");
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = child.try_wait().expect("waitable") {
                // The reader has the last lines once the pipe closes with the process.
                if let Some(reader) = self.reader.take() {
                    let _ = reader.join();
                }
                return (status, self.said());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("serve did not stop within {PATIENCE:?} of SIGINT");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// An HTTP answer.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `request` to `host` and reads the answer until the server closes the connection.
pub fn raw(host: &str, request: &[u8]) -> Reply {
    let mut stream = TcpStream::connect(host).expect("the preview accepts connections");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    stream.write_all(request).expect("sent");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("an answer");
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(&bytes)));
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {head:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = bytes[end + 4..].to_vec();
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    // A HEAD answer says how its GET would be sent, with no body.
    if chunked && !body.is_empty() {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

/// The body of a chunked answer: each chunk's bytes, without the sizes between them.
fn dechunk(mut bytes: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = bytes
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("a chunk size line");
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&bytes[..line_end])
                .split(';')
                .next()
                .unwrap_or_default()
                .trim(),
            16,
        )
        .expect("a hex chunk size");
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&bytes[..size]);
        bytes = &bytes[size + 2..];
    }
}

/// Every entry of `dir` but the template folder's own temporary files, for "nothing written".
pub fn written(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    snapshot(dir)
}
