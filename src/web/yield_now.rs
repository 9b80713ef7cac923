//! Giving the browser its turn between two slices of long work, so the page paints, scrolls and answers clicks.
//!
//! Posts a message to ourselves through a `MessageChannel` and waits for it: the work resumes as an ordinary task,
//! in turn with everything else queued (input, timers, rendering), without `setTimeout`'s 4 ms clamp. Not
//! `scheduler.yield()`: its continuations run ahead of other tasks, which starves them while the work lasts.
//! Never fails: without a `MessageChannel` the promise resolves at once (a microtask; the work still completes).
//! `after_paint` waits for the next frame to be drawn.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Returns after the browser has had a chance to run other tasks (input, rendering).
pub async fn yield_now() {
    let promise = Promise::new(&mut |resolve: Function, _reject| {
        let Ok(channel) = web_sys::MessageChannel::new() else {
            let _ = resolve.call0(&JsValue::UNDEFINED);
            return;
        };
        let fallback = resolve.clone();
        // The closure holds the channel, so it lives until its message has arrived.
        let keep = channel.clone();
        let on_message = Closure::once_into_js(move || {
            keep.port1().set_onmessage(None);
            let _ = resolve.call0(&JsValue::UNDEFINED);
        });
        channel.port1().set_onmessage(Some(on_message.unchecked_ref()));
        if channel.port2().post_message(&JsValue::UNDEFINED).is_err() {
            let _ = fallback.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(promise).await;
}

/// At most this long is waited for a frame (`after_paint`): a tab in the background paints none.
const PAINT_WAIT_MS: i32 = 100;

/// Returns once the browser has drawn its next frame (`requestAnimationFrame`, then one more turn), or after
/// `PAINT_WAIT_MS` when no frame comes (a tab in the background): work started then (workers starting) does not
/// compete for the processor with drawing what just changed. Never fails: without a window, at once.
pub async fn after_paint() {
    let promise = Promise::new(&mut |resolve: Function, _reject| {
        let Some(window) = web_sys::window() else {
            let _ = resolve.call0(&JsValue::UNDEFINED);
            return;
        };
        // Whichever comes first resolves the promise; the other then does nothing.
        let (on_frame, on_timeout) = (resolve.clone(), resolve.clone());
        let frame = Closure::once_into_js(move || {
            let _ = on_frame.call0(&JsValue::UNDEFINED);
        });
        let timeout = Closure::once_into_js(move || {
            let _ = on_timeout.call0(&JsValue::UNDEFINED);
        });
        let framed = window.request_animation_frame(frame.unchecked_ref()).is_ok();
        let timed = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(timeout.unchecked_ref(), PAINT_WAIT_MS)
            .is_ok();
        if !framed && !timed {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(promise).await;
    // The frame's callbacks run before it is drawn: one more turn lets the drawing happen first.
    yield_now().await;
}

thread_local! {
    /// `performance` and its `now`, looked up once per thread: the page's loops ask the time around every message
    /// (two property lookups a call cost about 0.1 s of a million-row read).
    static CLOCK: Option<(JsValue, Function)> = {
        let performance = Reflect::get(&js_sys::global(), &JsValue::from_str("performance")).ok();
        performance.filter(|p| !p.is_undefined()).and_then(|p| {
            let now = Reflect::get(&p, &JsValue::from_str("now")).ok()?.dyn_into::<Function>().ok()?;
            Some((p, now))
        })
    };
}

/// A monotonic clock in milliseconds (`performance.now()`), or the wall clock where there is none.
pub fn now_ms() -> f64 {
    CLOCK
        .with(|clock| clock.as_ref().and_then(|(performance, now)| now.call0(performance).ok()?.as_f64()))
        .unwrap_or_else(js_sys::Date::now)
}
