//! Bulk tasks: numbering, the status timeline (NOT_STARTED → IN_PROGRESS → FINISHED or FAILED, a function of the
//! time since submit), finishing due tasks in submit order, the 5-unfinished limit and Idempotency-Key replay.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::bulk::Item;
use crate::entity::Entity;
use crate::errors::ApiError;
use crate::fields::Catalogue;
use crate::profiles::{Failure, Profiles};

/// At most this many tasks may be unfinished (all entities together).
pub const MAX_UNFINISHED: usize = 5;

/// What a FAILED task says.
const FAILED_ERROR: &str = "The task failed. Submit it again.";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    NotStarted,
    InProgress,
    Finished,
    Failed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "NOT_STARTED",
            Status::InProgress => "IN_PROGRESS",
            Status::Finished => "FINISHED",
            Status::Failed => "FAILED",
        }
    }
}

#[derive(Debug)]
enum Outcome {
    Finished(Vec<Failure>),
    Failed,
}

#[derive(Debug)]
pub struct Task {
    id: String,
    entity: Entity,
    submitted: Instant,
    /// Submit to done; fixed when the task is created.
    duration: Duration,
    /// The task was created while fail-tasks was on.
    fails: bool,
    /// Items not applied yet (emptied when the task finishes).
    pending: Vec<Item>,
    item_count: usize,
    key: Option<String>,
    outcome: Option<Outcome>,
}

impl Task {
    fn is_due(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.submitted) >= self.duration
    }

    pub fn status(&self, now: Instant) -> Status {
        match &self.outcome {
            Some(Outcome::Finished(_)) => Status::Finished,
            Some(Outcome::Failed) => Status::Failed,
            None if now.saturating_duration_since(self.submitted) < self.duration / 3 => Status::NotStarted,
            None => Status::InProgress,
        }
    }

    fn failures(&self) -> &[Failure] {
        match &self.outcome {
            Some(Outcome::Finished(failures)) => failures,
            _ => &[],
        }
    }

    /// `GET /tasks/{id}`.
    pub fn to_json(&self, now: Instant) -> Value {
        let mut answer = json!({
            "id": self.id,
            "type": self.entity.task_type(),
            "status": self.status(now).as_str(),
            "failures": self.failures().iter().map(Failure::to_json).collect::<Vec<_>>(),
        });
        if matches!(self.outcome, Some(Outcome::Failed)) {
            answer["error"] = json!(FAILED_ERROR);
        }
        answer
    }

    /// The answer to a submit (and to its replays).
    pub fn submit_answer(&self) -> Value {
        json!({ "id": self.id, "statusUrl": format!("/api/v1/tasks/{}", self.id) })
    }

    fn dump(&self, now: Instant) -> Value {
        json!({
            "id": self.id,
            "type": self.entity.task_type(),
            "status": self.status(now).as_str(),
            "items": self.item_count,
            "idempotencyKey": self.key,
            "failures": self.failures().len(),
        })
    }
}

/// A validated bulk request.
pub struct Submission {
    pub entity: Entity,
    pub items: Vec<Item>,
    pub key: Option<String>,
    /// The parsed body, compared on replay.
    pub body: Value,
}

/// How a submit was answered.
#[derive(Debug, PartialEq, Eq)]
pub enum Submitted {
    Created(Value),
    Replayed(Value),
}

#[derive(Debug)]
struct Remembered {
    body: Value,
    task: usize,
}

#[derive(Debug, Default)]
pub struct Tasks {
    list: Vec<Task>,
    keys: HashMap<String, Remembered>,
}

impl Tasks {
    pub fn unfinished(&self) -> usize {
        self.list.iter().filter(|task| task.outcome.is_none()).count()
    }

    /// Replays a known key with the same body, refuses it with another body, refuses a sixth unfinished task,
    /// or creates the task.
    pub fn submit(
        &mut self,
        submission: Submission,
        now: Instant,
        duration: Duration,
        fails: bool,
    ) -> Result<Submitted, ApiError> {
        if let Some(remembered) = submission.key.as_ref().and_then(|key| self.keys.get(key)) {
            if remembered.body != submission.body {
                return Err(ApiError::KeyConflict);
            }
            let task = self.list.get(remembered.task).ok_or(ApiError::NotFound("Task not found.".into()))?;
            return Ok(Submitted::Replayed(task.submit_answer()));
        }
        if self.unfinished() >= MAX_UNFINISHED {
            return Err(ApiError::TaskLimit);
        }
        let index = self.list.len();
        let task = Task {
            id: format!("task-{}", index + 1),
            entity: submission.entity,
            submitted: now,
            duration,
            fails,
            item_count: submission.items.len(),
            pending: submission.items,
            key: submission.key.clone(),
            outcome: None,
        };
        let answer = task.submit_answer();
        self.list.push(task);
        if let Some(key) = submission.key {
            self.keys.insert(key, Remembered { body: submission.body, task: index });
        }
        Ok(Submitted::Created(answer))
    }

    /// Finishes every due task, in submit order, applying its items one by one.
    pub fn finish_due(
        &mut self,
        now: Instant,
        profiles: &mut Profiles,
        customers: &Catalogue,
        organizations: &Catalogue,
    ) {
        for task in self.list.iter_mut().filter(|task| task.outcome.is_none() && task.is_due(now)) {
            let items = std::mem::take(&mut task.pending);
            task.outcome = Some(if task.fails {
                Outcome::Failed
            } else {
                let fields = match task.entity {
                    Entity::Customer => customers,
                    Entity::Organization => organizations,
                };
                let failures =
                    items.iter().filter_map(|item| profiles.apply(task.entity, item, fields).err()).collect();
                Outcome::Finished(failures)
            });
        }
    }

    pub fn find(&self, id: &str) -> Option<&Task> {
        self.list.iter().find(|task| task.id == id)
    }

    pub fn dump(&self, now: Instant) -> Value {
        self.list.iter().map(|task| task.dump(now)).collect()
    }
}
