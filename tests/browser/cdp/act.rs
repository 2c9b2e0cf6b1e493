//! Acting on a page as a reader does: a tap or a click on an element, a key, or a script
//! whose value comes back.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Cdp;
use crate::browser::page::View;

/// What a reader does to a page.
pub enum Act<'a> {
    /// Presses the pointer (a finger on a phone) on the middle of the element `selector`
    /// names.
    Tap(&'a str),
    /// Presses and lets go of a key: `Tab`, ` ` (space), `ArrowRight`, `Enter`.
    Key(&'a str),
    /// Evaluates a script and hands back its value.
    Eval(&'a str),
    /// Does something outside the browser (saves a file the page is served from).
    Do(&'a dyn Fn()),
    /// Evaluates a script until it is true (the page may reload in between, as often as it
    /// likes), and hands back how long that took in milliseconds; an error after
    /// [`WAIT_LIMIT`].
    WaitFor(&'a str),
}

/// How long [`Act::WaitFor`] waits before it fails.
pub const WAIT_LIMIT: Duration = Duration::from_secs(20);

impl Cdp {
    /// Does `act` in the page; the value of an [`Act::Eval`].
    pub(super) fn act(&mut self, act: &Act<'_>, view: View) -> Result<Option<Value>, String> {
        match act {
            Act::Eval(script) => return self.evaluate(script).map(Some),
            Act::Do(work) => {
                work();
                return Ok(None);
            }
            Act::WaitFor(script) => return self.wait_for(script).map(Some),
            Act::Tap(selector) => self.tap(selector, view)?,
            Act::Key(key) => self.key(key)?,
        }
        self.settle()?;
        Ok(None)
    }

    /// Waits until `script` is true in the page; the milliseconds it took.
    fn wait_for(&mut self, script: &str) -> Result<Value, String> {
        let started = Instant::now();
        loop {
            // While the page reloads there is no document to ask: that is "not yet".
            if self.evaluate(script).is_ok_and(|v| v == Value::Bool(true)) {
                return Ok(json!(started.elapsed().as_secs_f64() * 1000.0));
            }
            if started.elapsed() > WAIT_LIMIT {
                return Err(format!("{script} was not true within {WAIT_LIMIT:?}"));
            }
            // Each evaluation handles the events that came meanwhile (the reload's
            // requests among them), so a short pause is all the loop needs.
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Taps (on a phone) or clicks (on a desktop) the middle of the element `selector` names.
    fn tap(&mut self, selector: &str, view: View) -> Result<(), String> {
        let at = self.evaluate(&format!(
            "(() => {{ const e = document.querySelector({selector:?}); \
             e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); \
             return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        ))?;
        let (x, y) = (at[0].as_f64().unwrap_or(0.0), at[1].as_f64().unwrap_or(0.0));
        if !view.mobile {
            for kind in ["mousePressed", "mouseReleased"] {
                self.call(
                    "Input.dispatchMouseEvent",
                    json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
                )?;
            }
            return Ok(());
        }
        self.call(
            "Emulation.setTouchEmulationEnabled",
            json!({ "enabled": true }),
        )?;
        for (kind, points) in [
            ("touchStart", json!([{ "x": x, "y": y }])),
            ("touchEnd", json!([])),
        ] {
            self.call(
                "Input.dispatchTouchEvent",
                json!({ "type": kind, "touchPoints": points }),
            )?;
        }
        Ok(())
    }

    /// Presses and releases `key`.
    fn key(&mut self, key: &str) -> Result<(), String> {
        let (code, vk, text) = match key {
            "Tab" => ("Tab", 9, ""),
            " " => ("Space", 32, " "),
            "Enter" => ("Enter", 13, "\r"),
            "ArrowRight" => ("ArrowRight", 39, ""),
            other => return Err(format!("no key {other:?} in this client")),
        };
        self.call(
            "Input.dispatchKeyEvent",
            json!({ "type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": vk, "text": text }),
        )?;
        self.call(
            "Input.dispatchKeyEvent",
            json!({ "type": "keyUp", "key": key, "code": code, "windowsVirtualKeyCode": vk }),
        )?;
        Ok(())
    }
}
