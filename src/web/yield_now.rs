//! Giving the browser its turn between two slices of long work, so the page paints, scrolls and answers clicks.
//!
//! Uses `scheduler.yield()` where the browser has it (Chromium since 129: the work resumes ahead of other queued
//! tasks, without setTimeout's 4 ms clamp), else a `setTimeout(0)`. Never fails: a missing API falls back.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Returns after the browser has had a chance to run other tasks (input, rendering).
pub async fn yield_now() {
    if let Some(promise) = scheduler_yield() {
        if JsFuture::from(promise).await.is_ok() {
            return;
        }
    }
    gloo_timers::future::TimeoutFuture::new(0).await;
}

/// `scheduler.yield()` as a promise, if the browser has it.
fn scheduler_yield() -> Option<Promise> {
    let scheduler = Reflect::get(&js_sys::global(), &JsValue::from_str("scheduler")).ok()?;
    if scheduler.is_undefined() || scheduler.is_null() {
        return None;
    }
    let method = Reflect::get(&scheduler, &JsValue::from_str("yield")).ok()?.dyn_into::<Function>().ok()?;
    method.call0(&scheduler).ok()?.dyn_into::<Promise>().ok()
}

/// A monotonic clock in milliseconds (`performance.now()`), or the wall clock where there is none.
pub fn now_ms() -> f64 {
    Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()
        .filter(|p| !p.is_undefined())
        .and_then(|p| {
            let now = Reflect::get(&p, &JsValue::from_str("now")).ok()?.dyn_into::<Function>().ok()?;
            now.call0(&p).ok()?.as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}
