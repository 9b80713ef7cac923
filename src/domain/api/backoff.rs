//! How long to wait: between polls of a task (2 s growing to 30 s), before retrying a failed request (the
//! server's Retry-After when given, else exponential backoff with jitter), and when a task has timed out
//! (contract §3).
//!
//! Pure arithmetic on milliseconds; the jitter is a number in [0, 1) supplied by the caller.

use super::error::ApiError;

pub const POLL_FIRST_MS: u64 = 2_000;
pub const POLL_MAX_MS: u64 = 30_000;
/// A task not finished after 30 minutes has timed out.
pub const TASK_TIMEOUT_MS: u64 = 30 * 60 * 1_000;
pub const RETRY_BASE_MS: u64 = 1_000;
pub const RETRY_MAX_MS: u64 = 60_000;
/// Transient failures in a row for one request before the run pauses and asks the admin.
pub const MAX_ATTEMPTS: u32 = 10;

/// The wait before the next poll, after `polls` unfinished answers: 2 s, 3 s, 4.5 s … at most 30 s.
pub fn poll_delay(polls: u32) -> u64 {
    let grown = POLL_FIRST_MS as f64 * 1.5_f64.powi(polls.min(20) as i32);
    (grown as u64).min(POLL_MAX_MS)
}

/// The wait before retry number `attempt` (1 for the first retry). Retry-After is honoured exactly; otherwise
/// "equal jitter": half the exponential step plus a random share of the other half, so clients that failed
/// together do not retry together.
pub fn retry_delay(error: &ApiError, attempt: u32, jitter: f64) -> u64 {
    if let Some(ms) = error.retry_after_ms() {
        return ms;
    }
    let base = if matches!(error, ApiError::TooManyTasks) { POLL_FIRST_MS } else { RETRY_BASE_MS };
    let step = base.saturating_mul(1u64 << attempt.saturating_sub(1).min(16)).min(RETRY_MAX_MS);
    let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.5 };
    step / 2 + (step as f64 / 2.0 * jitter) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn polling_backs_off_from_2_to_30_seconds() {
        assert_eq!(poll_delay(0), 2_000);
        assert_eq!(poll_delay(1), 3_000);
        assert_eq!(poll_delay(2), 4_500);
        assert_eq!(poll_delay(7), 30_000);
        assert_eq!(poll_delay(500), 30_000);
    }

    #[test]
    fn retry_after_wins_over_backoff() {
        let e = ApiError::RateLimited { retry_after_ms: Some(7_000) };
        assert_eq!(retry_delay(&e, 5, 0.9), 7_000);
    }

    #[test]
    fn backoff_doubles_with_jitter_inside_the_upper_half_and_is_capped() {
        let e = ApiError::ConnectionLost;
        assert_eq!(retry_delay(&e, 1, 0.0), 500);
        assert_eq!(retry_delay(&e, 1, 1.0), 1_000);
        assert_eq!(retry_delay(&e, 3, 0.0), 2_000);
        assert_eq!(retry_delay(&e, 3, 0.5), 3_000);
        assert_eq!(retry_delay(&e, 40, 1.0), RETRY_MAX_MS);
        assert_eq!(retry_delay(&e, 1, f64::NAN), 750);
    }

    #[test]
    fn a_full_task_queue_waits_like_a_poll() {
        assert_eq!(retry_delay(&ApiError::TooManyTasks, 1, 1.0), 2_000);
    }
}
