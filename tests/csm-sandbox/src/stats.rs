//! Counters for `/_sandbox/state`: requests, submits, replays, conflicts, rejections, faults and calls per route.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::config::FaultKind;

#[derive(Debug, Default)]
pub struct Stats {
    pub api_requests: u64,
    pub bulk_submits: u64,
    pub tasks_created: u64,
    pub idempotent_replays: u64,
    pub key_conflicts: u64,
    pub task_limit_rejections: u64,
    faults: BTreeMap<&'static str, u64>,
    by_route: BTreeMap<String, u64>,
}

impl Stats {
    /// Counts one API request under its route, e.g. `GET /tasks/{id}`.
    pub fn count_request(&mut self, route: &str) {
        self.api_requests += 1;
        *self.by_route.entry(route.to_owned()).or_default() += 1;
    }

    pub fn count_fault(&mut self, kind: FaultKind) {
        *self.faults.entry(kind.as_str()).or_default() += 1;
    }

    pub fn to_json(&self) -> Value {
        let faults: BTreeMap<_, _> = FaultKind::ALL
            .iter()
            .map(|kind| (kind.as_str(), self.faults.get(kind.as_str()).copied().unwrap_or(0)))
            .collect();
        json!({
            "apiRequests": self.api_requests,
            "bulkSubmits": self.bulk_submits,
            "tasksCreated": self.tasks_created,
            "idempotentReplays": self.idempotent_replays,
            "keyConflicts": self.key_conflicts,
            "taskLimitRejections": self.task_limit_rejections,
            "faults": faults,
            "byRoute": self.by_route,
        })
    }
}
