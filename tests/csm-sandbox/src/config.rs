//! What the sandbox is told at start: fixed settings (credentials, cloud id) and the live behaviour switches
//! (CORS policy, task timing, task failure, fault injection) that `/_sandbox/config` can change and read back.

use serde_json::{json, Value};

/// A fault that fault injection can play.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// 429 with Retry-After, request not processed.
    RateLimit,
    /// 503 with Retry-After, request not processed.
    Unavailable,
    /// Request processed, then the connection is dropped without a response.
    Drop,
}

impl FaultKind {
    pub const ALL: [FaultKind; 3] = [FaultKind::RateLimit, FaultKind::Unavailable, FaultKind::Drop];

    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::RateLimit => "429",
            FaultKind::Unavailable => "503",
            FaultKind::Drop => "drop",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text.trim())
    }
}

/// Switches that can change while the sandbox runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Behaviour {
    pub cors_allow: bool,
    pub task_ms: u64,
    pub fail_tasks: bool,
    pub fault_every: u64,
    pub faults: Vec<FaultKind>,
    pub retry_after: u64,
}

impl Default for Behaviour {
    fn default() -> Self {
        Self { cors_allow: true, task_ms: 1500, fail_tasks: false, fault_every: 0, faults: Vec::new(), retry_after: 1 }
    }
}

impl Behaviour {
    pub fn to_json(&self) -> Value {
        json!({
            "cors": if self.cors_allow { "allow" } else { "refuse" },
            "taskMs": self.task_ms,
            "failTasks": self.fail_tasks,
            "faultEvery": self.fault_every,
            "faults": self.faults.iter().map(|kind| kind.as_str()).collect::<Vec<_>>(),
            "retryAfter": self.retry_after,
        })
    }

    /// Applies any subset of the `to_json` keys, all or nothing. `Ok(true)` when the fault plan changed
    /// (so fault counting restarts from this point).
    pub fn patch(&mut self, body: &Value) -> Result<bool, Vec<String>> {
        let Some(object) = body.as_object() else {
            return Err(vec!["The config must be a JSON object.".to_owned()]);
        };
        let mut next = self.clone();
        let mut errors = Vec::new();
        for (key, value) in object {
            if let Err(error) = next.set(key, value) {
                errors.push(error);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let faults_changed = object.contains_key("faultEvery") || object.contains_key("faults");
        *self = next;
        Ok(faults_changed)
    }

    fn set(&mut self, key: &str, value: &Value) -> Result<(), String> {
        let number = || value.as_u64().ok_or_else(|| format!("'{key}' must be a non-negative integer."));
        match key {
            "cors" => {
                self.cors_allow = match value.as_str() {
                    Some("allow") => true,
                    Some("refuse") => false,
                    _ => return Err("'cors' must be \"allow\" or \"refuse\".".to_owned()),
                }
            }
            "taskMs" => self.task_ms = number()?,
            "failTasks" => self.fail_tasks = value.as_bool().ok_or("'failTasks' must be true or false.")?,
            "faultEvery" => self.fault_every = number()?,
            "retryAfter" => self.retry_after = number()?,
            "faults" => {
                let list = value.as_array().ok_or("'faults' must be an array of \"429\", \"503\" or \"drop\".")?;
                self.faults = list
                    .iter()
                    .map(|item| {
                        item.as_str()
                            .and_then(FaultKind::parse)
                            .ok_or_else(|| format!("Unknown fault {item}: use \"429\", \"503\" or \"drop\"."))
                    })
                    .collect::<Result<_, _>>()?;
            }
            other => return Err(format!("Unknown config key '{other}'.")),
        }
        Ok(())
    }
}

/// Everything fixed at start.
#[derive(Clone, Debug)]
pub struct Settings {
    pub email: String,
    pub token: String,
    pub readonly_token: Option<String>,
    pub cloud_id: String,
    /// The behaviour at start, and again after `/_sandbox/reset`.
    pub behaviour: Behaviour,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            email: "admin@example.com".to_owned(),
            token: "sandbox-token".to_owned(),
            readonly_token: None,
            cloud_id: "sandbox-cloud".to_owned(),
            behaviour: Behaviour::default(),
        }
    }
}
