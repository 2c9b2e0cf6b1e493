//! Acting on a page as a reader does: a tap or a click on an element, a key, or a script
//! whose value comes back.

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
}

impl Cdp {
    /// Does `act` in the page; the value of an [`Act::Eval`].
    pub(super) fn act(&mut self, act: &Act<'_>, view: View) -> Result<Option<Value>, String> {
        match act {
            Act::Eval(script) => return self.evaluate(script).map(Some),
            Act::Tap(selector) => {
                let at = self.evaluate(&format!(
                    "(() => {{ const e = document.querySelector({selector:?}); \
                     e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); \
                     return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
                ))?;
                let (x, y) = (at[0].as_f64().unwrap_or(0.0), at[1].as_f64().unwrap_or(0.0));
                if view.mobile {
                    self.call(
                        "Emulation.setTouchEmulationEnabled",
                        json!({ "enabled": true }),
                    )?;
                    for kind in ["touchStart", "touchEnd"] {
                        let points = if kind == "touchEnd" {
                            json!([])
                        } else {
                            json!([{ "x": x, "y": y }])
                        };
                        self.call(
                            "Input.dispatchTouchEvent",
                            json!({ "type": kind, "touchPoints": points }),
                        )?;
                    }
                } else {
                    for kind in ["mousePressed", "mouseReleased"] {
                        self.call(
                            "Input.dispatchMouseEvent",
                            json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
                        )?;
                    }
                }
            }
            Act::Key(key) => {
                let (code, vk, text) = match *key {
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
            }
        }
        self.settle()?;
        Ok(None)
    }
}
