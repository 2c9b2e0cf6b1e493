//! Browser test: opens output/report.html in headless Chromium over the DevTools Protocol and
//! fails on any request leaving the page, any console error, or an SVG/MathML element at zero size.

use std::io::{BufRead, BufReader, ErrorKind};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

/// How long Chromium may take to start and print its DevTools address.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(30);
/// How long any single protocol command may take to be answered.
const CALL_TIMEOUT: Duration = Duration::from_secs(15);
/// How long the page may take to fire its load event.
const LOAD_TIMEOUT: Duration = Duration::from_secs(20);
/// After the load event, late console messages or requests (timers, lazy content) still count,
/// so events are processed until the page has been quiet this long, up to `SETTLE_MAX`.
const SETTLE_QUIET: Duration = Duration::from_millis(300);
const SETTLE_MAX: Duration = Duration::from_secs(2);
/// Short socket timeout so every wait loop can check its own deadline.
const POLL: Duration = Duration::from_millis(100);

/// The report has nine figures, all inline SVG.
const MIN_SVGS: usize = 9;

/// What loading a page in Chromium showed.
#[derive(Debug, Default)]
struct PageReport {
    /// URLs the page tried to fetch other than itself and data:/about:/blob: URLs.
    external_requests: Vec<String>,
    /// console.error/console.assert, uncaught exceptions and browser log entries of level error.
    console_errors: Vec<String>,
    /// Rendered `<svg>` elements (those inside defs, symbol, clipPath, mask, pattern or marker
    /// are templates, never laid out, so they are not counted).
    svg_count: usize,
    zero_svgs: Vec<String>,
    math_count: usize,
    zero_maths: Vec<String>,
    /// `<img>` elements, and those that did not load or decode (no natural size).
    img_count: usize,
    broken_imgs: Vec<String>,
    title: String,
}

/// Runs in the page; returns counts and descriptions of zero-sized elements.
const CHECK_JS: &str = r#"(() => {
  const describe = (el, i) => {
    const r = el.getBoundingClientRect();
    let s = '#' + i + ' <' + el.localName;
    if (el.id) s += ' id="' + el.id + '"';
    const c = el.getAttribute('class');
    if (c) s += ' class="' + c + '"';
    const t = (el.textContent || '').replace(/\s+/g, ' ').trim().slice(0, 60);
    return s + '> ' + r.width + 'x' + r.height + (t ? ' "' + t + '"' : '');
  };
  const zero = el => { const r = el.getBoundingClientRect(); return !(r.width > 0 && r.height > 0); };
  const templates = 'defs,symbol,clipPath,mask,pattern,marker';
  const svgs = [...document.querySelectorAll('svg')]
    .filter(s => !(s.parentElement && s.parentElement.closest(templates)));
  const maths = [...document.querySelectorAll('math')];
  const zeros = list => list.map((el, i) => [el, i]).filter(([el]) => zero(el)).map(([el, i]) => describe(el, i));
  const imgs = [...document.images];
  const broken = imgs.map((el, i) => [el, i])
    .filter(([el]) => !(el.complete && el.naturalWidth > 0 && el.naturalHeight > 0))
    .map(([el, i]) => '#' + i + ' <img alt="' + el.alt + '">');
  return {
    img_count: imgs.length,
    broken_imgs: broken,
    svg_count: svgs.length,
    zero_svgs: zeros(svgs),
    math_count: maths.length,
    zero_maths: zeros(maths),
    title: document.title,
  };
})()"#;

#[test]
#[ignore = "needs Chromium (apt-get install chromium); .ci/run runs it with --include-ignored"]
fn report_renders_offline_without_errors() {
    let report = Path::new(env!("CARGO_MANIFEST_DIR")).join("output/report.html");
    assert!(
        report.is_file(),
        "{} does not exist: run `cargo run --release` first to generate the report",
        report.display()
    );
    let found = check_page(&report).unwrap_or_else(|e| panic!("browser check could not run: {e}"));

    let mut problems = Vec::new();
    if !found.external_requests.is_empty() {
        problems.push(format!(
            "requests leaving the page: {:#?}",
            found.external_requests
        ));
    }
    if !found.console_errors.is_empty() {
        problems.push(format!("console errors: {:#?}", found.console_errors));
    }
    if found.svg_count < MIN_SVGS {
        problems.push(format!(
            "only {} rendered <svg>, expected at least {MIN_SVGS}",
            found.svg_count
        ));
    }
    if !found.zero_svgs.is_empty() {
        problems.push(format!("<svg> at zero size: {:#?}", found.zero_svgs));
    }
    if found.math_count == 0 {
        problems.push("no <math> element".to_owned());
    }
    if !found.zero_maths.is_empty() {
        problems.push(format!("<math> at zero size: {:#?}", found.zero_maths));
    }
    if found.title.trim().is_empty() {
        problems.push("empty document title".to_owned());
    }
    assert!(
        problems.is_empty(),
        "{}:\n{}",
        report.display(),
        problems.join("\n")
    );
}

/// The review page of a change to every figure but three: every image (baseline, run and
/// difference, as PNG data URIs) is drawn, and nothing leaves the page.
#[test]
#[ignore = "needs Chromium (apt-get install chromium); .ci/run runs it with --include-ignored"]
fn review_page_renders_offline_without_errors() {
    let root = tempfile::tempdir().expect("create a temporary directory");
    let baseline = root.path().join("output");
    crate::support::write_report(&baseline);
    let review = root.path().join("review");
    crate::support::binary()
        .args(["review", "--quiet", "--seed", "5", "--baseline"])
        .arg(&baseline)
        .arg("--review-dir")
        .arg(&review)
        .assert()
        .code(1);
    let page = review.join("review.html");
    let found = check_page(&page).unwrap_or_else(|e| panic!("browser check could not run: {e}"));
    assert!(found.external_requests.is_empty(), "{found:#?}");
    assert!(found.console_errors.is_empty(), "{found:#?}");
    // Six changed figures: baseline, run and difference each.
    assert_eq!(found.img_count, 18, "{found:#?}");
    assert!(found.broken_imgs.is_empty(), "{found:#?}");
    assert!(found.title.starts_with("Review: "), "{found:#?}");
}

/// Without this, a checker that silently saw nothing would pass the report test.
#[test]
#[ignore = "needs Chromium (apt-get install chromium); .ci/run runs it with --include-ignored"]
fn checker_reports_each_kind_of_problem() {
    let dir = tempfile::tempdir().expect("create a temporary directory");
    // A space and a '#' in the name: the page's own URL must be recognised however Chromium
    // escapes it, or the page would block itself.
    let page = dir.path().join("broken page #1.html");
    std::fs::write(
        &page,
        r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>broken on purpose</title></head>
<body>
<img src="http://example.invalid/x.png" alt="">
<script>console.error("self-test: deliberate console error");</script>
<svg id="flat" width="0" height="0"><circle cx="1" cy="1" r="1"/></svg>
<svg id="fine" width="20" height="20"><circle cx="10" cy="10" r="5"/></svg>
<img src="data:image/png;base64,AAAA" alt="not a png">
<math><mi>x</mi></math>
</body></html>
"#,
    )
    .expect("write the test page");

    let found = check_page(&page).unwrap_or_else(|e| panic!("browser check could not run: {e}"));
    assert!(
        found
            .external_requests
            .iter()
            .any(|u| u.starts_with("http://example.invalid/x.png")),
        "external image not reported: {found:#?}"
    );
    assert!(
        found
            .console_errors
            .iter()
            .any(|e| e.contains("self-test: deliberate console error")),
        "console.error not reported: {found:#?}"
    );
    assert_eq!(found.svg_count, 2, "{found:#?}");
    assert!(
        found.zero_svgs.len() == 1 && found.zero_svgs[0].contains(r#"id="flat""#),
        "zero-size <svg> not reported (alone): {found:#?}"
    );
    assert_eq!(
        (found.math_count, found.zero_maths.len()),
        (1, 0),
        "{found:#?}"
    );
    assert_eq!(found.title, "broken on purpose");
    // The external image and the undecodable one.
    assert_eq!(found.img_count, 2, "{found:#?}");
    assert!(
        found.broken_imgs.iter().any(|i| i.contains("not a png")),
        "broken image not reported: {found:#?}"
    );
}

/// The Chromium executable: $CHROMIUM, else the usual names on PATH.
fn find_chromium() -> Option<PathBuf> {
    let on_path = |name: &str| {
        std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    };
    if let Some(explicit) = std::env::var_os("CHROMIUM") {
        let explicit = PathBuf::from(explicit);
        if explicit.components().count() > 1 {
            return explicit.is_file().then_some(explicit);
        }
        return on_path(&explicit.to_string_lossy());
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find_map(on_path)
}

/// Loads `path` in a fresh headless Chromium and reports what happened.
fn check_page(path: &Path) -> Result<PageReport, String> {
    let exe = find_chromium().ok_or(
        "no Chromium found (looked at $CHROMIUM, then chromium, chromium-browser and \
         google-chrome on PATH): apt-get install chromium",
    )?;
    let path = std::path::absolute(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let browser = Browser::launch(&exe)?;
    let mut cdp = Cdp::connect(&browser.ws_url, &path)?;
    let result = cdp.run(&file_url(&path));
    // A clean shutdown lets Chromium take its helper processes down with it; the guard's
    // kill is the fallback.
    cdp.send("Browser.close", json!({}), None).ok();
    drop(cdp);
    drop(browser);
    result
}

/// A running Chromium; killed when dropped so a failing test leaves no browser behind.
struct Browser {
    child: Child,
    ws_url: String,
    /// Dropped after the process is gone (fields drop after `Drop::drop`).
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch(exe: &Path) -> Result<Self, String> {
        let profile = tempfile::tempdir().map_err(|e| format!("temporary profile: {e}"))?;
        let mut child = Command::new(exe)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-default-browser-check",
                // Containers often have a tiny /dev/shm, which crashes renderers.
                "--disable-dev-shm-usage",
                // No host name resolves, so nothing can leave the machine even if a request
                // slipped past the interception below.
                "--host-resolver-rules=MAP * ~NOTFOUND",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
        let stderr = child.stderr.take().expect("stderr was piped");
        let mut browser = Browser {
            child,
            ws_url: String::new(),
            _profile: profile,
        };

        // Chromium blocks once the stderr pipe is full, so a thread keeps draining it after
        // the address has been found.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            let mut sent = false;
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sent {
                    continue;
                }
                if let Some(at) = line.find("ws://") {
                    sent = true;
                    tx.send(Ok(line[at..].trim().to_owned())).ok();
                } else {
                    seen.push(line);
                }
            }
            if !sent {
                tx.send(Err(seen.join("\n"))).ok();
            }
        });
        browser.ws_url = match rx.recv_timeout(LAUNCH_TIMEOUT) {
            Ok(Ok(url)) => url,
            Ok(Err(log)) => return Err(format!("Chromium exited before DevTools was up:\n{log}")),
            Err(_) => {
                return Err(format!(
                    "Chromium printed no DevTools address within {LAUNCH_TIMEOUT:?}"
                ));
            }
        };
        Ok(browser)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) | Err(_) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// One DevTools connection driving one page, recording what the page does.
struct Cdp {
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// The page's own file: the only non-inline resource it may load.
    page: PathBuf,
    session: Option<String>,
    loaded: bool,
    found: PageReport,
}

impl Cdp {
    fn connect(ws_url: &str, page: &Path) -> Result<Self, String> {
        let host_port = ws_url
            .strip_prefix("ws://")
            .and_then(|rest| rest.split('/').next())
            .ok_or_else(|| format!("unexpected DevTools address {ws_url:?}"))?;
        let addr = host_port
            .to_socket_addrs()
            .ok()
            .and_then(|mut a| a.next())
            .ok_or_else(|| format!("cannot resolve {host_port}"))?;
        let stream = TcpStream::connect_timeout(&addr, CALL_TIMEOUT)
            .map_err(|e| format!("connect {addr}: {e}"))?;
        stream
            .set_read_timeout(Some(CALL_TIMEOUT))
            .map_err(|e| e.to_string())?;
        let (ws, _) =
            tungstenite::client(ws_url, stream).map_err(|e| format!("websocket handshake: {e}"))?;
        ws.get_ref()
            .set_read_timeout(Some(POLL))
            .map_err(|e| e.to_string())?;
        Ok(Cdp {
            ws,
            next_id: 0,
            page: page.to_owned(),
            session: None,
            loaded: false,
            found: PageReport::default(),
        })
    }

    fn run(&mut self, url: &str) -> Result<PageReport, String> {
        let target = self.call("Target.createTarget", json!({ "url": "about:blank" }))?;
        let target_id = target["targetId"]
            .as_str()
            .ok_or("Target.createTarget: no targetId")?;
        let attached = self.call(
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        )?;
        self.session = Some(
            attached["sessionId"]
                .as_str()
                .ok_or("Target.attachToTarget: no sessionId")?
                .to_owned(),
        );
        // Inspector only to hear of a renderer crash at once instead of a load timeout.
        for domain in ["Inspector", "Page", "Runtime", "Log", "Network"] {
            self.call(&format!("{domain}.enable"), json!({}))?;
        }
        // Pausing every request is what lets a request be stopped before it leaves, rather
        // than merely noticed afterwards.
        self.call(
            "Fetch.enable",
            json!({ "patterns": [{ "urlPattern": "*" }] }),
        )?;

        let nav = self.call("Page.navigate", json!({ "url": url }))?;
        if let Some(err) = nav["errorText"].as_str() {
            return Err(format!("navigation to {url} failed: {err}"));
        }
        let deadline = Instant::now() + LOAD_TIMEOUT;
        while !self.loaded {
            if Instant::now() > deadline {
                return Err(format!("{url} fired no load event within {LOAD_TIMEOUT:?}"));
            }
            self.pump()?;
        }
        let settle_end = Instant::now() + SETTLE_MAX;
        let mut quiet_since = Instant::now();
        while Instant::now() < settle_end && quiet_since.elapsed() < SETTLE_QUIET {
            if self.pump()? {
                quiet_since = Instant::now();
            }
        }

        let evaluated = self.call(
            "Runtime.evaluate",
            json!({ "expression": CHECK_JS, "returnByValue": true }),
        )?;
        if let Some(details) = evaluated.get("exceptionDetails") {
            return Err(format!("check script failed: {details}"));
        }
        let v = &evaluated["result"]["value"];
        let strings = |key: &str| -> Vec<String> {
            v[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect()
        };
        let count = |key: &str| v[key].as_u64().and_then(|n| usize::try_from(n).ok());
        self.found.svg_count =
            count("svg_count").ok_or_else(|| format!("check script returned {v}"))?;
        self.found.math_count =
            count("math_count").ok_or_else(|| format!("check script returned {v}"))?;
        self.found.zero_svgs = strings("zero_svgs");
        self.found.zero_maths = strings("zero_maths");
        self.found.img_count =
            count("img_count").ok_or_else(|| format!("check script returned {v}"))?;
        self.found.broken_imgs = strings("broken_imgs");
        self.found.title = v["title"].as_str().unwrap_or_default().to_owned();
        Ok(std::mem::take(&mut self.found))
    }

    fn send(&mut self, method: &str, params: Value, session: Option<&str>) -> Result<u64, String> {
        self.next_id += 1;
        let mut msg = json!({ "id": self.next_id, "method": method, "params": params });
        if let Some(s) = session {
            msg["sessionId"] = json!(s);
        }
        self.ws
            .send(Message::text(msg.to_string()))
            .map_err(|e| format!("send {method}: {e}"))?;
        Ok(self.next_id)
    }

    /// Sends a command on the page session (browser-level before attaching) and waits for
    /// its answer, handling events that arrive in between.
    fn call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let session = self.session.clone();
        let id = self.send(method, params, session.as_deref())?;
        let deadline = Instant::now() + CALL_TIMEOUT;
        loop {
            if Instant::now() > deadline {
                return Err(format!("{method}: no answer within {CALL_TIMEOUT:?}"));
            }
            let Some(msg) = self.read()? else { continue };
            if msg.get("method").is_some() {
                self.on_event(&msg)?;
            } else if msg["id"].as_u64() == Some(id) {
                if let Some(err) = msg.get("error") {
                    return Err(format!("{method}: {err}"));
                }
                return Ok(msg["result"].clone());
            }
            // Any other answer belongs to a fire-and-forget command sent from `on_event`.
        }
    }

    /// Handles at most one incoming message; true if one arrived.
    fn pump(&mut self) -> Result<bool, String> {
        match self.read()? {
            Some(msg) if msg.get("method").is_some() => self.on_event(&msg).map(|()| true),
            Some(_) => Ok(true),
            None => Ok(false),
        }
    }

    fn read(&mut self) -> Result<Option<Value>, String> {
        match self.ws.read() {
            Ok(Message::Text(text)) => serde_json::from_str(text.as_str())
                .map(Some)
                .map_err(|e| format!("bad DevTools message: {e}")),
            Ok(Message::Close(frame)) => Err(format!(
                "Chromium closed the DevTools connection: {frame:?}"
            )),
            Ok(_) => Ok(None),
            Err(tungstenite::Error::Io(e))
                if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
            {
                Ok(None)
            }
            Err(e) => Err(format!("DevTools connection: {e}")),
        }
    }

    fn on_event(&mut self, msg: &Value) -> Result<(), String> {
        let params = &msg["params"];
        let session = msg["sessionId"].as_str();
        match msg["method"].as_str().unwrap_or_default() {
            "Fetch.requestPaused" => {
                let url = params["request"]["url"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                let request_id = params["requestId"].clone();
                if self.allowed(&url) {
                    self.send(
                        "Fetch.continueRequest",
                        json!({ "requestId": request_id }),
                        session,
                    )?;
                } else {
                    self.external(&url);
                    self.send(
                        "Fetch.failRequest",
                        json!({ "requestId": request_id, "errorReason": "BlockedByClient" }),
                        session,
                    )?;
                }
            }
            // Belt and braces: requests Fetch might not pause (e.g. websockets) still show here.
            "Network.requestWillBeSent" => {
                let url = params["request"]["url"].as_str().unwrap_or_default();
                if !self.allowed(url) {
                    self.external(url);
                }
            }
            "Network.webSocketCreated" => {
                let url = params["url"].as_str().unwrap_or_default().to_owned();
                self.external(&url);
            }
            "Runtime.consoleAPICalled" => {
                let kind = params["type"].as_str().unwrap_or_default();
                if kind == "error" || kind == "assert" {
                    let text = params["args"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|a| match &a["value"] {
                            Value::String(s) => s.clone(),
                            Value::Null => a["description"].as_str().unwrap_or_default().to_owned(),
                            other => other.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(" ");
                    self.found
                        .console_errors
                        .push(format!("console.{kind}: {text}"));
                }
            }
            "Runtime.exceptionThrown" => {
                let d = &params["exceptionDetails"];
                let text = d["exception"]["description"]
                    .as_str()
                    .or(d["text"].as_str())
                    .unwrap_or_default();
                let line = d["lineNumber"].as_i64().unwrap_or(-1) + 1;
                self.found
                    .console_errors
                    .push(format!("uncaught exception (line {line}): {text}"));
            }
            "Log.entryAdded" => {
                let entry = &params["entry"];
                if entry["level"] == "error" {
                    let source = entry["source"].as_str().unwrap_or_default();
                    let text = entry["text"].as_str().unwrap_or_default();
                    let url = entry["url"].as_str().unwrap_or_default();
                    self.found
                        .console_errors
                        .push(format!("log.{source}: {text} {url}").trim_end().to_owned());
                }
            }
            "Page.loadEventFired" => self.loaded = true,
            "Inspector.targetCrashed" => return Err("the page crashed".to_owned()),
            _ => {}
        }
        Ok(())
    }

    /// The page itself and URLs that never touch the network or the file system.
    fn allowed(&self, url: &str) -> bool {
        if ["data:", "about:", "blob:"]
            .iter()
            .any(|scheme| url.starts_with(scheme))
        {
            return true;
        }
        let without_fragment = url.split('#').next().unwrap_or_default();
        // Compare decoded paths: Chromium canonicalises escapes its own way.
        without_fragment
            .strip_prefix("file://")
            .is_some_and(|p| percent_decode(p) == self.page.as_os_str().as_encoded_bytes())
    }

    fn external(&mut self, url: &str) {
        // Fetch and Network both see most requests; one entry each is enough.
        if !self.found.external_requests.iter().any(|u| u == url) {
            self.found.external_requests.push(url.to_owned());
        }
    }
}

fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // from_str_radix alone would also take a sign, as in "%+1".
        let hex = bytes
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(decoded)) => {
                out.push(decoded);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}
