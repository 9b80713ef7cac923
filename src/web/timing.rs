//! Where the time of a long job went, left as User Timing entries (`performance.measure`) for the benchmark to
//! read (`scripts/bench.sh` prints them). Only names and durations: never a cell value, and nothing leaves the page.
//! Never fails: without `performance.measure` nothing is recorded.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Records `name` as a span of `duration_ms` ending now.
pub fn measure(name: &str, duration_ms: f64) {
    let global = js_sys::global();
    let Some(performance) = Reflect::get(&global, &"performance".into()).ok().filter(|p| p.is_object()) else {
        return;
    };
    let Some(measure) = Reflect::get(&performance, &"measure".into()).ok().and_then(|m| m.dyn_into::<Function>().ok())
    else {
        return;
    };
    let options = Object::new();
    let end = super::yield_now::now_ms();
    let _ = Reflect::set(&options, &"start".into(), &JsValue::from_f64((end - duration_ms).max(0.0)));
    let _ = Reflect::set(&options, &"end".into(), &JsValue::from_f64(end));
    let _ = measure.call2(&performance, &JsValue::from_str(name), &options);
}
