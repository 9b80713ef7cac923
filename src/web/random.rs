//! Randomness for the import: 16 bytes from the browser's cryptographic generator for each Idempotency-Key, and
//! a jitter fraction for backoff.

/// 16 random bytes for a version-4 UUID. Falls back to `Math.random` only if the crypto API is missing.
pub fn key_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// A number in [0, 1) for backoff jitter.
pub fn jitter() -> f64 {
    js_sys::Math::random()
}

/// Milliseconds since 1970.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}
