//! Command-line options (every one documented in `--help`) and turning them into [`Settings`].

use clap::Parser;

use crate::config::{Behaviour, FaultKind, Settings};

/// Local stand-in of the Atlassian Customer Service Management (CSM) REST API, for end-to-end tests and API-mode
/// demos. Serves /jsm/csm/cloudid/{cloudId}/api/v1/... (any cloudId) on 127.0.0.1 only.
#[derive(Parser, Debug)]
#[command(
    name = "csm-sandbox",
    version,
    after_help = "Control API (no auth, CORS always allowed): GET /_sandbox/state, POST /_sandbox/reset, \
                  GET|POST /_sandbox/config, POST /_sandbox/fields.\n\
                  Prints `csm-sandbox listening on http://127.0.0.1:PORT` once bound; stops on SIGINT/SIGTERM."
)]
pub struct Cli {
    /// Port on 127.0.0.1; 0 picks a free one (the startup line names it)
    #[arg(long, value_name = "PORT", default_value_t = 8081)]
    pub port: u16,

    /// Email accepted in `Authorization: Basic base64(EMAIL:TOKEN)`
    #[arg(long, value_name = "EMAIL", default_value = "admin@example.com")]
    pub email: String,

    /// API token accepted with the email (Basic) or alone (`Authorization: Bearer TOKEN`)
    #[arg(long, value_name = "TOKEN", default_value = "sandbox-token")]
    pub token: String,

    /// A second token that authenticates (Basic with the same email, or Bearer) but lacks the Administer Jira
    /// permission: reads work, writes (bulk submits, creating detail fields) answer 403
    #[arg(long, value_name = "TOKEN")]
    pub readonly_token: Option<String>,

    /// Start refusing CORS to every origin on the API (default: allow any origin by reflecting its Origin)
    #[arg(long)]
    pub refuse_cors: bool,

    /// Milliseconds from submit to a task being done: NOT_STARTED for the first third, then IN_PROGRESS
    #[arg(long, value_name = "MS", default_value_t = 1500)]
    pub task_ms: u64,

    /// Every new task ends FAILED and applies nothing
    #[arg(long)]
    pub fail_tasks: bool,

    /// Play a fault on every Nth API request (0: never; needs --faults)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub fault_every: u64,

    /// Faults played in turn, comma-separated: 429 (rate limited), 503 (unavailable), drop (process the request,
    /// then close the connection without an answer)
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_fault)]
    pub faults: Vec<FaultKind>,

    /// Seconds sent in Retry-After with injected 429 and 503 answers
    #[arg(long, value_name = "SECS", default_value_t = 1)]
    pub retry_after: u64,

    /// cloudId answered by GET /_edge/tenant_info (API paths accept any cloudId)
    #[arg(long, value_name = "ID", default_value = "sandbox-cloud")]
    pub cloud_id: String,
}

fn parse_fault(text: &str) -> Result<FaultKind, String> {
    FaultKind::parse(text).ok_or_else(|| format!("unknown fault '{text}': use 429, 503 or drop"))
}

impl Cli {
    pub fn into_settings(self) -> Result<Settings, String> {
        if self.readonly_token.as_deref() == Some(self.token.as_str()) {
            return Err("--readonly-token must differ from --token".to_owned());
        }
        Ok(Settings {
            email: self.email,
            token: self.token,
            readonly_token: self.readonly_token,
            cloud_id: self.cloud_id,
            behaviour: Behaviour {
                cors_allow: !self.refuse_cors,
                task_ms: self.task_ms,
                fail_tasks: self.fail_tasks,
                fault_every: self.fault_every,
                faults: self.faults,
                retry_after: self.retry_after,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn faults_are_read_as_a_comma_list() {
        let cli = Cli::try_parse_from(["csm-sandbox", "--fault-every", "3", "--faults", "429,drop"]).unwrap();
        let settings = cli.into_settings().unwrap();
        assert_eq!(settings.behaviour.faults, vec![FaultKind::RateLimit, FaultKind::Drop]);
        assert!(Cli::try_parse_from(["csm-sandbox", "--faults", "500"]).is_err());
    }
}
