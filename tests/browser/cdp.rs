//! A small DevTools client over tungstenite: opens a page of the site in a new tab at a given
//! window size and colour scheme, stops every request that leaves the site, records console
//! errors, and runs the page check (`check.js`) once the page has settled.

// Named by path, so that the reload benchmark, which includes this file, finds it too.
#[path = "cdp/act.rs"]
mod act;
pub use act::Act;

use std::io::ErrorKind;
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

use super::launch::{Browser, find_chromium};
use super::page::{PageReport, View};

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

/// The page check, run in the page.
const CHECK_JS: &str = include_str!("check.js");

/// A headless Chromium and one DevTools connection to it, for pages of one site.
pub struct Chromium {
    cdp: Cdp,
    /// Dropped after the connection: a clean `Browser.close` first, the kill as a fallback.
    _browser: Browser,
}

impl Chromium {
    /// Starts a fresh Chromium for pages whose site is every URL starting with `site`.
    pub fn start(site: &str) -> Result<Chromium, String> {
        let exe = find_chromium().ok_or(
            "no Chromium found (looked at $CHROMIUM, then chromium, chromium-browser and \
             google-chrome on PATH): apt-get install chromium",
        )?;
        let browser = Browser::launch(&exe)?;
        let cdp = Cdp::connect(&browser.ws_url, site)?;
        Ok(Chromium {
            cdp,
            _browser: browser,
        })
    }

    /// Loads `url` as [`Chromium::open`] does, then acts on the page as a reader would, in
    /// order: what each [`Act::Eval`] gave comes back, in order, beside the report.
    pub fn open_acting(
        &mut self,
        url: &str,
        view: View,
        acts: &[Act<'_>],
    ) -> Result<(PageReport, Vec<Value>), String> {
        let result = self.cdp.run(url, view, None).and_then(|report| {
            let mut values = Vec::new();
            for act in acts {
                if let Some(value) = self.cdp.act(act, view)? {
                    values.push(value);
                }
            }
            Ok((report, values))
        });
        self.cdp.close_tab();
        result
    }

    /// Loads `url` in a new tab in `view`, and reports what happened once the page settled
    /// and, when `wait_for` is given, once the page's address ends with it (a redirect).
    pub fn open(
        &mut self,
        url: &str,
        view: View,
        wait_for: Option<&str>,
    ) -> Result<PageReport, String> {
        let result = self.cdp.run(url, view, wait_for);
        self.cdp.close_tab();
        result
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        // A clean shutdown lets Chromium take its helper processes down with it.
        self.cdp.send("Browser.close", json!({}), None).ok();
    }
}

/// One DevTools connection driving one tab at a time, recording what the page does.
struct Cdp {
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// The site's address: the only place the page may load anything from.
    site: String,
    target: Option<String>,
    session: Option<String>,
    loaded: bool,
    found: PageReport,
}

impl Cdp {
    fn connect(ws_url: &str, site: &str) -> Result<Self, String> {
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
            site: site.to_owned(),
            target: None,
            session: None,
            loaded: false,
            found: PageReport::default(),
        })
    }

    fn run(&mut self, url: &str, view: View, wait_for: Option<&str>) -> Result<PageReport, String> {
        self.session = None;
        self.loaded = false;
        self.found = PageReport::default();
        let target = self.call("Target.createTarget", json!({ "url": "about:blank" }))?;
        let target_id = target["targetId"]
            .as_str()
            .ok_or("Target.createTarget: no targetId")?
            .to_owned();
        self.target = Some(target_id.clone());
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
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": view.width, "height": 900, "deviceScaleFactor": 1, "mobile": view.mobile }),
        )?;
        let scheme = if view.dark { "dark" } else { "light" };
        self.call(
            "Emulation.setEmulatedMedia",
            json!({ "media": "screen", "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        )?;
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
        self.settle()?;
        if let Some(suffix) = wait_for {
            // The first page has loaded: the next load event is the page it leads to.
            self.loaded = false;
            let deadline = Instant::now() + LOAD_TIMEOUT;
            while !self
                .evaluate("location.href")?
                .as_str()
                .is_some_and(|h| h.ends_with(suffix))
            {
                if Instant::now() > deadline {
                    return Err(format!(
                        "{url} did not lead to …{suffix} within {LOAD_TIMEOUT:?}"
                    ));
                }
                self.pump()?;
            }
            while !self.loaded && Instant::now() < deadline {
                self.pump()?;
            }
            self.settle()?;
        }

        let v = self.evaluate(CHECK_JS)?;
        let checked = PageReport::from_check(&v)?;
        let found = std::mem::take(&mut self.found);
        Ok(PageReport {
            external_requests: found.external_requests,
            console_errors: found.console_errors,
            ..checked
        })
    }

    /// Processes events until the page has been quiet for a while: late console messages or
    /// requests (timers, lazy content) still count.
    fn settle(&mut self) -> Result<(), String> {
        let settle_end = Instant::now() + SETTLE_MAX;
        let mut quiet_since = Instant::now();
        while Instant::now() < settle_end && quiet_since.elapsed() < SETTLE_QUIET {
            if self.pump()? {
                quiet_since = Instant::now();
            }
        }
        Ok(())
    }

    /// The value of `expression` in the page.
    fn evaluate(&mut self, expression: &str) -> Result<Value, String> {
        let evaluated = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
        )?;
        if let Some(details) = evaluated.get("exceptionDetails") {
            return Err(format!("script failed: {details}"));
        }
        Ok(evaluated["result"]["value"].clone())
    }

    /// Closes the tab `run` opened, if any; a failure only leaves a tab until the browser
    /// closes.
    fn close_tab(&mut self) {
        self.session = None;
        if let Some(target) = self.target.take() {
            self.call("Target.closeTarget", json!({ "targetId": target }))
                .ok();
        }
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

    /// The site's own addresses and URLs that never touch the network or the file system.
    fn allowed(&self, url: &str) -> bool {
        ["data:", "about:", "blob:"]
            .iter()
            .any(|scheme| url.starts_with(scheme))
            || url.starts_with(&self.site)
    }

    fn external(&mut self, url: &str) {
        // Fetch and Network both see most requests; one entry each is enough.
        if !self.found.external_requests.iter().any(|u| u == url) {
            self.found.external_requests.push(url.to_owned());
        }
    }
}
