//! Starting and stopping headless Chromium for the browser tests.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long Chromium may take to start and print its DevTools address.
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(30);

/// The Chromium executable: $CHROMIUM, else the usual names on PATH.
pub fn find_chromium() -> Option<PathBuf> {
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

/// A running Chromium; killed when dropped so a failing test leaves no browser behind.
pub struct Browser {
    child: Child,
    /// The DevTools websocket address.
    pub ws_url: String,
    /// Dropped after the process is gone (fields drop after `Drop::drop`).
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts `exe` headless, off the network, with a throw-away profile.
    pub fn launch(exe: &Path) -> Result<Self, String> {
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
                // slipped past the interception below; the test's own server is an address.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
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
