//! Clusters as the browser and API clients see them: never their credentials.
//!
//! Ids are strings (UUIDs) so this crate needs no uuid dependency in the browser.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a cluster sits in the release path; decides guardrails such as typed confirmations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Environment {
    Production,
    Staging,
    Development,
    #[default]
    Other,
}

impl Environment {
    pub const ALL: [Environment; 4] = [
        Environment::Production,
        Environment::Staging,
        Environment::Development,
        Environment::Other,
    ];

    /// The value stored in the database and used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Staging => "staging",
            Environment::Development => "development",
            Environment::Other => "other",
        }
    }

    /// The inverse of [`Environment::as_str`].
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == value)
    }
}

/// The health of a cluster as last checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClusterStatus {
    /// Not checked yet.
    #[default]
    Unknown,
    /// Reachable, every node ready, answering quickly.
    Healthy,
    /// Reachable but degraded: NotReady nodes, slow answers, or some lists refused.
    Warning,
    /// Reachable but the API answers with errors (refused credentials, server errors).
    Error,
    /// Not reachable at all (DNS, refused, TLS, timeout).
    Unavailable,
}

impl ClusterStatus {
    pub const ALL: [ClusterStatus; 5] = [
        ClusterStatus::Unknown,
        ClusterStatus::Healthy,
        ClusterStatus::Warning,
        ClusterStatus::Error,
        ClusterStatus::Unavailable,
    ];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ClusterStatus::Unknown => "unknown",
            ClusterStatus::Healthy => "healthy",
            ClusterStatus::Warning => "warning",
            ClusterStatus::Error => "error",
            ClusterStatus::Unavailable => "unavailable",
        }
    }

    /// The inverse of [`ClusterStatus::as_str`].
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// How Capstan authenticates to a cluster (the secret itself stays on the server).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuthKind {
    /// A bearer token.
    Token,
    /// A client certificate and key.
    ClientCertificate,
    /// A user name and password.
    Basic,
    /// No credentials at all (the cluster allows anonymous access).
    Anonymous,
}

impl AuthKind {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::Token => "token",
            AuthKind::ClientCertificate => "client_certificate",
            AuthKind::Basic => "basic",
            AuthKind::Anonymous => "anonymous",
        }
    }

    /// The inverse of [`AuthKind::as_str`].
    pub fn parse(value: &str) -> Option<Self> {
        [
            AuthKind::Token,
            AuthKind::ClientCertificate,
            AuthKind::Basic,
            AuthKind::Anonymous,
        ]
        .into_iter()
        .find(|k| k.as_str() == value)
    }
}

/// What the health checker last found.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterHealth {
    pub status: ClusterStatus,
    /// Why the status is not healthy, in words a user understands.
    pub reason: Option<String>,
    /// The Kubernetes version, e.g. `v1.35.0`.
    pub version: Option<String>,
    pub node_count: Option<i32>,
    pub ready_nodes: Option<i32>,
    /// Control-plane nodes (labelled `node-role.kubernetes.io/control-plane` or `master`).
    pub master_nodes: Option<i32>,
    pub worker_nodes: Option<i32>,
    pub pod_count: Option<i32>,
    pub namespace_count: Option<i32>,
    /// How long the check's first request took.
    pub latency_ms: Option<i32>,
    pub last_sync_at: Option<DateTime<Utc>>,
}

/// A managed cluster, without its credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterInfo {
    pub id: String,
    pub name: String,
    pub description: String,
    pub environment: Environment,
    /// A CSS colour (`#rrggbb`) for badges and banners; empty for the theme's default.
    pub colour: String,
    pub read_only: bool,
    /// Whether Capstan keeps the logs of this cluster's pods that end or are deleted.
    pub keep_ended_logs: bool,
    pub server_url: String,
    pub auth_kind: AuthKind,
    pub is_default: bool,
    pub health: ClusterHealth,
    /// The user name of whoever imported it; `None` for the built-in default or a deleted user.
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Where the credentials of a new (or edited) cluster come from. `Debug` hides the secrets, so
/// logging a request never writes a token to the log.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClusterSource {
    /// One context of a pasted or uploaded kubeconfig (the current context when `context` is `None`).
    Kubeconfig {
        kubeconfig: String,
        context: Option<String>,
    },
    /// A server URL with a bearer token, trusting `ca_pem` (or the system roots when `None`).
    Token {
        server: String,
        token: String,
        ca_pem: Option<String>,
        #[serde(default)]
        insecure_skip_tls_verify: bool,
    },
}

impl std::fmt::Debug for ClusterSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClusterSource::Kubeconfig { context, .. } => f
                .debug_struct("Kubeconfig")
                .field("context", context)
                .finish_non_exhaustive(),
            ClusterSource::Token { server, .. } => f
                .debug_struct("Token")
                .field("server", server)
                .finish_non_exhaustive(),
        }
    }
}

/// The editable description of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterSettings {
    /// Unique; lower-case letters, digits, `-`, `_` and `.`, up to 63 characters.
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub environment: Environment,
    #[serde(default)]
    pub colour: String,
    #[serde(default)]
    pub read_only: bool,
    /// Keep the last part of the logs of pods that end or are deleted (on unless turned off).
    #[serde(default = "keep_ended_logs_default")]
    pub keep_ended_logs: bool,
}

fn keep_ended_logs_default() -> bool {
    true
}

impl Default for ClusterSettings {
    fn default() -> Self {
        Self {
            name: String::new(),
            description: String::new(),
            environment: Environment::default(),
            colour: String::new(),
            read_only: false,
            keep_ended_logs: true,
        }
    }
}

/// A cluster to add: its settings and where its credentials come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCluster {
    #[serde(flatten)]
    pub settings: ClusterSettings,
    pub source: ClusterSource,
}

/// Changes to a cluster; absent fields stay as they are. New credentials replace the old ones.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterUpdate {
    pub name: Option<String>,
    pub description: Option<String>,
    pub environment: Option<Environment>,
    pub colour: Option<String>,
    pub read_only: Option<bool>,
    pub keep_ended_logs: Option<bool>,
    pub source: Option<ClusterSource>,
}

/// One context of a kubeconfig, as offered for import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KubeconfigContext {
    pub name: String,
    pub cluster: String,
    pub user: Option<String>,
    pub namespace: Option<String>,
    /// The API server URL, when the context's cluster names one.
    pub server: Option<String>,
    pub auth_kind: Option<AuthKind>,
    /// Whether it is the kubeconfig's `current-context`.
    pub is_current: bool,
    /// Why this context cannot be imported (exec plugin, file reference, missing cluster), if so.
    pub problem: Option<String>,
}

/// One context to import from a kubeconfig, with the settings it gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContextImport {
    pub context: String,
    #[serde(flatten)]
    pub settings: ClusterSettings,
}

/// Why a connection test failed, for the UI to pick an icon and a hint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConnectionFailureKind {
    /// The server's host name does not resolve.
    Dns,
    /// Nothing listens at that address and port.
    Refused,
    /// The TLS handshake failed: wrong CA, expired or mismatched certificate.
    Tls,
    /// The cluster refused the credentials (HTTP 401).
    Unauthorized,
    /// The credentials are valid but may not do this (HTTP 403).
    Forbidden,
    /// No answer in time.
    Timeout,
    /// The API server says it cannot serve now (HTTP 503).
    Unavailable,
    /// The API server answered with another server error (5xx).
    ServerError,
    /// The kubeconfig or URL cannot be used as given.
    InvalidConfig,
    /// The kubeconfig needs something Capstan does not do on a server (exec plugins, auth providers, files).
    Unsupported,
    /// Anything else; the message says what.
    Other,
}

/// A failure with a sentence for the user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectionFailure {
    pub kind: ConnectionFailureKind,
    pub message: String,
}

/// What a connection test found, before anything is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConnectionTest {
    /// True when the server answered and accepted the credentials.
    pub ok: bool,
    pub server_url: Option<String>,
    pub version: Option<String>,
    pub node_count: Option<i32>,
    pub can_list_namespaces: bool,
    pub can_list_nodes: bool,
    pub latency_ms: Option<i32>,
    pub failure: Option<ConnectionFailure>,
}

/// How many objects of one kind the cluster holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindCount {
    pub kind: String,
    pub count: i64,
}

/// One node and whether it is ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeReadiness {
    pub name: String,
    pub ready: bool,
    pub roles: Vec<String>,
    pub unschedulable: bool,
}

/// A recent `Warning` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WarningEvent {
    pub namespace: Option<String>,
    /// `Kind/name` of the object the event is about.
    pub object: String,
    pub reason: String,
    pub message: String,
    pub count: i32,
    pub last_seen: Option<DateTime<Utc>>,
}

/// Allocatable capacity against what pods request, summed over nodes and running pods.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CapacitySummary {
    pub cpu_allocatable_millis: i64,
    pub cpu_requests_millis: i64,
    pub memory_allocatable_bytes: i64,
    pub memory_requests_bytes: i64,
    pub pods_allocatable: i64,
    pub pods_running: i64,
}

/// The cluster overview page's data, read live from the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterOverview {
    pub cluster: ClusterInfo,
    pub counts: Vec<KindCount>,
    pub nodes: Vec<NodeReadiness>,
    /// Newest first, at most 20.
    pub warnings: Vec<WarningEvent>,
    pub capacity: CapacitySummary,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_their_stored_names() {
        for e in Environment::ALL {
            assert_eq!(Environment::parse(e.as_str()), Some(e));
        }
        for s in ClusterStatus::ALL {
            assert_eq!(ClusterStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(AuthKind::parse("token"), Some(AuthKind::Token));
        assert_eq!(Environment::parse("prod"), None);
    }

    #[test]
    fn a_source_is_tagged_by_type() {
        let json = r#"{"type":"token","server":"https://k","token":"t","ca_pem":null}"#;
        let parsed: ClusterSource = serde_json::from_str(json).expect("parses");
        assert!(matches!(
            parsed,
            ClusterSource::Token {
                insecure_skip_tls_verify: false,
                ..
            }
        ));
    }
}
