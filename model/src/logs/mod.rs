//! Container logs: what a browser or script asks for, and the lines and stream states it gets.
//!
//! One viewer shows one pod (one container or all of them) or every pod of a workload merged.
//! Lines always carry the cluster's timestamp (shown or not): it is how a stream that broke picks
//! up where it stopped without repeating a line.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub mod cursor;
pub mod ended;

use crate::FieldError;

/// The kinds whose logs can be read, as the routes spell them and as the resource browser keys
/// them: a pod, or the pods of a workload.
pub const LOG_KINDS: [(&str, &str); 6] = [
    ("pods", "pods"),
    ("deployments", "deployments.apps"),
    ("statefulsets", "statefulsets.apps"),
    ("daemonsets", "daemonsets.apps"),
    ("replicasets", "replicasets.apps"),
    ("jobs", "jobs.batch"),
];

/// The kind key of a route's kind segment (`deployments` → `deployments.apps`).
pub fn kind_key(route: &str) -> Option<&'static str> {
    LOG_KINDS.iter().find(|(r, _)| *r == route).map(|(_, k)| *k)
}

/// The route segment of a kind key (`deployments.apps` → `deployments`).
pub fn route_kind(key: &str) -> Option<&'static str> {
    LOG_KINDS.iter().find(|(_, k)| *k == key).map(|(r, _)| *r)
}

/// The most lines a tail may ask for; a bigger log is downloaded instead.
pub const MAX_TAIL_LINES: i64 = 100_000;

/// What to read. Field names are the query parameters of the REST and WebSocket routes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct LogOptions {
    /// A container of the pod (init containers too); none means every container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// Keep the stream open and send lines as they are written.
    pub follow: bool,
    /// The log of the container's previous run (before its last restart).
    pub previous: bool,
    /// Only the last N lines of each container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tail_lines: Option<i64>,
    /// Only lines of the last N seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_seconds: Option<i64>,
    /// Only lines written at or after this time (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_time: Option<DateTime<Utc>>,
    /// Prefix each line of a text download with its time.
    pub timestamps: bool,
}

impl LogOptions {
    /// Every problem with the options, each naming its field.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, message: String| {
            errors.push(FieldError {
                field: field.into(),
                message,
            })
        };
        if let Some(n) = self.tail_lines
            && !(0..=MAX_TAIL_LINES).contains(&n)
        {
            fail(
                "tail_lines",
                format!("Show between 0 and {MAX_TAIL_LINES} lines; download the log for more."),
            );
        }
        if let Some(n) = self.since_seconds
            && n < 1
        {
            fail(
                "since_seconds",
                "Give a positive number of seconds.".to_string(),
            );
        }
        if self.since_seconds.is_some() && self.since_time.is_some() {
            fail(
                "since_time",
                "Give either a number of seconds or a time to start from, not both.".to_string(),
            );
        }
        if let Some(c) = &self.container
            && let Err(why) = crate::names::validate_dns_label(c)
        {
            fail("container", format!("Not a container name: {why}"));
        }
        if self.previous && self.follow {
            fail(
                "previous",
                "The previous run of a container has ended: its log cannot be followed."
                    .to_string(),
            );
        }
        errors
    }
}

/// One line of a container's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogLine {
    pub pod: String,
    pub container: String,
    /// When the container wrote it, as the cluster says (RFC 3339 with nanoseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    pub text: String,
}

/// One container being read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogSource {
    pub pod: String,
    pub container: String,
}

/// Where a source's stream stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SourceState {
    /// Lines arrive as they are written.
    Streaming,
    /// The stream broke (container restarted, network, cluster); reading resumes by itself
    /// after the last line shown.
    Reconnecting { reason: String },
    /// The container is not running (yet or any more); reading resumes when it runs.
    Waiting { reason: String },
    /// Nothing more will come: the whole log was read, or the pod is gone.
    Ended { reason: String },
}

/// A message of the log WebSocket, server to browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LogEvent {
    /// Lines in the order they were read (one source's lines in its order; sources interleave).
    Lines { lines: Vec<LogLine> },
    /// A source's stream changed state.
    Source {
        #[serde(flatten)]
        source: LogSource,
        #[serde(flatten)]
        state: SourceState,
    },
    /// Every source has ended (a read without follow, or all pods gone).
    Done,
    /// The request cannot be served (bad options, no such pod, cluster unreachable).
    Error { error: crate::AppError },
}

/// A container of a pod, for the container picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContainerChoice {
    pub name: String,
    pub init: bool,
    pub restarts: i32,
    /// Running now (a terminal can attach, a follow streams).
    pub running: bool,
}

/// A pod whose log can be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PodChoice {
    pub name: String,
    pub node: Option<String>,
    pub phase: String,
    pub containers: Vec<ContainerChoice>,
}

/// The pods (one, or a workload's) and containers a log page offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogTargets {
    /// "Pod web-1", "Deployment web".
    pub title: String,
    pub pods: Vec<PodChoice>,
    /// More pods matched than a merged view reads at once; these are the first.
    pub truncated: bool,
    /// Pods that ended or were deleted and whose logs Capstan kept, newest first.
    #[serde(default)]
    pub ended: Vec<ended::EndedPod>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_name_the_field_at_fault() {
        let bad = LogOptions {
            container: Some("Web_1".into()),
            follow: true,
            previous: true,
            tail_lines: Some(-1),
            since_seconds: Some(0),
            since_time: Some(Utc::now()),
            timestamps: false,
        };
        let fields: Vec<String> = bad.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "tail_lines",
                "since_seconds",
                "since_time",
                "container",
                "previous"
            ]
        );
        assert!(LogOptions::default().validate().is_empty());
    }

    #[test]
    fn events_are_tagged_json() {
        let event = LogEvent::Source {
            source: LogSource {
                pod: "web-1".into(),
                container: "nginx".into(),
            },
            state: SourceState::Waiting {
                reason: "CrashLoopBackOff".into(),
            },
        };
        let json = serde_json::to_value(&event).unwrap_or_default();
        assert_eq!(json["type"], "source");
        assert_eq!(json["state"], "waiting");
        assert_eq!(json["pod"], "web-1");
        let back: LogEvent = serde_json::from_value(json).unwrap_or(LogEvent::Done);
        assert_eq!(back, event);
    }
}
