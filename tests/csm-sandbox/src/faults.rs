//! Fault injection: every Nth API request plays the next fault of the configured list, round-robin; and the
//! response body that makes hyper abort the connection for a `drop` fault.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::response::Response;
use http_body::Frame;

use crate::config::{Behaviour, FaultKind};

/// Counts API requests since the fault plan was last set, and how many faults were played.
#[derive(Debug, Default)]
pub struct FaultCounter {
    requests: u64,
    played: usize,
}

impl FaultCounter {
    /// Counts one API request and says which fault, if any, it gets.
    pub fn next(&mut self, behaviour: &Behaviour) -> Option<FaultKind> {
        self.requests += 1;
        let every = behaviour.fault_every;
        if every == 0 || behaviour.faults.is_empty() || !self.requests.is_multiple_of(every) {
            return None;
        }
        let kind = behaviour.faults[self.played % behaviour.faults.len()];
        self.played += 1;
        Some(kind)
    }
}

/// Keeps the (already processed) response's status and headers but swaps its body for one that fails at once:
/// hyper then closes the connection, and the client never gets a complete answer.
pub fn dropped(response: Response) -> Response {
    let (parts, _body) = response.into_parts();
    Response::from_parts(parts, Body::new(BrokenBody))
}

struct BrokenBody;

impl http_body::Body for BrokenBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        Poll::Ready(Some(Err(io::Error::new(io::ErrorKind::ConnectionAborted, "csm-sandbox drop fault"))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nth_request_plays_the_next_fault_in_turn() {
        let behaviour =
            Behaviour { fault_every: 2, faults: vec![FaultKind::RateLimit, FaultKind::Drop], ..Behaviour::default() };
        let mut counter = FaultCounter::default();
        let played: Vec<_> = (0..8).map(|_| counter.next(&behaviour)).collect();
        let (rate, drop) = (Some(FaultKind::RateLimit), Some(FaultKind::Drop));
        assert_eq!(played, vec![None, rate, None, drop, None, rate, None, drop]);
    }

    #[test]
    fn no_fault_is_played_without_a_list_or_a_period() {
        let mut counter = FaultCounter::default();
        let only_period = Behaviour { fault_every: 1, ..Behaviour::default() };
        assert_eq!(counter.next(&only_period), None);
        let only_list = Behaviour { faults: vec![FaultKind::Unavailable], ..Behaviour::default() };
        assert_eq!(counter.next(&only_list), None);
    }
}
