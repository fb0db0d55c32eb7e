//! Logs of pods that are gone: Capstan keeps the last part of each container's log when a pod of
//! a workload ends or is deleted, and the workload's log page lists those pods beside live ones.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::LogLine;

/// One container of an ended pod, as kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndedContainer {
    /// The kept log's id: `GET /api/v1/k8s/cluster/{id}/ended-logs/{log_id}` reads it.
    pub log_id: i64,
    pub container: String,
    pub init: bool,
    /// The container's last exit code and reason, when the cluster reported them.
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Size of the kept text.
    pub bytes: i32,
    /// Whether older lines were cut to keep the size limit.
    pub truncated: bool,
    /// Why no log was kept, when none was.
    pub note: Option<String>,
}

/// A pod that ended (or was deleted) and the containers whose logs were kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndedPod {
    pub name: String,
    pub uid: String,
    pub node: Option<String>,
    /// The pod's controller, `ReplicaSet/web-7d9f8`.
    pub owner: Option<String>,
    /// When Capstan saw it end or start terminating.
    pub ended_at: DateTime<Utc>,
    pub containers: Vec<EndedContainer>,
}

impl EndedContainer {
    /// Whether it exited with an error.
    pub fn failed(&self) -> bool {
        self.exit_code.is_some_and(|code| code != 0)
    }

    /// How it ended, in short: `OOMKilled (137)`, `exit 1`, `Deleted`; empty when unknown.
    pub fn exit_text(&self) -> String {
        match (&self.reason, self.exit_code) {
            (Some(reason), Some(code)) => format!("{reason} ({code})"),
            (Some(reason), None) => reason.clone(),
            (None, Some(code)) => format!("exit {code}"),
            (None, None) => String::new(),
        }
    }
}

impl EndedPod {
    /// Whether a container of it exited with an error.
    pub fn failed(&self) -> bool {
        self.containers.iter().any(EndedContainer::failed)
    }

    /// A short reason for the list: the first failing container's reason and exit code, else the
    /// first container's.
    pub fn summary(&self) -> String {
        let pick = self
            .containers
            .iter()
            .find(|c| c.failed())
            .or_else(|| self.containers.iter().find(|c| !c.init))
            .or(self.containers.first());
        pick.map(EndedContainer::exit_text).unwrap_or_default()
    }
}

/// A kept log, parsed into lines for the viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndedLog {
    pub pod: String,
    pub container: String,
    pub ended_at: DateTime<Utc>,
    pub exit_code: Option<i32>,
    pub reason: Option<String>,
    pub truncated: bool,
    pub note: Option<String>,
    pub lines: Vec<LogLine>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn container(
        name: &str,
        init: bool,
        code: Option<i32>,
        reason: Option<&str>,
    ) -> EndedContainer {
        EndedContainer {
            log_id: 1,
            container: name.into(),
            init,
            exit_code: code,
            reason: reason.map(str::to_owned),
            started_at: None,
            finished_at: None,
            bytes: 0,
            truncated: false,
            note: None,
        }
    }

    #[test]
    fn the_summary_names_the_failing_container_first() {
        let mut pod = EndedPod {
            name: "web-1".into(),
            uid: "u".into(),
            node: None,
            owner: None,
            ended_at: Utc::now(),
            containers: vec![
                container("init", true, Some(0), Some("Completed")),
                container("web", false, Some(0), Some("Completed")),
                container("sidecar", false, Some(137), Some("OOMKilled")),
            ],
        };
        assert_eq!(pod.summary(), "OOMKilled (137)");
        assert!(pod.failed());
        pod.containers.pop();
        assert_eq!(pod.summary(), "Completed (0)");
        assert!(!pod.failed());
        pod.containers.clear();
        assert_eq!(pod.summary(), "");
    }
}
