//! Guardrails every mutating feature calls on the server, whatever the UI hides.
//!
//! Policy: a read-only cluster refuses every change to its objects; on a production cluster a
//! destructive action needs the object's name typed by the user.

use model::clusters::{ClusterInfo, Environment};
use model::{AppError, ErrorKind, FieldError};

/// Refuses with `cluster.read_only` when the cluster is read-only.
pub fn require_writable(cluster: &ClusterInfo) -> Result<(), AppError> {
    if cluster.read_only {
        return Err(AppError::new(
            ErrorKind::Forbidden,
            "cluster.read_only",
            format!(
                "Cluster {} is read-only: changes to it are refused. An administrator can turn read-only off in the cluster's settings.",
                cluster.name
            ),
        ));
    }
    Ok(())
}

/// Whether a destructive action on this cluster needs the object's name typed.
pub fn needs_typed_confirmation(cluster: &ClusterInfo) -> bool {
    cluster.environment == Environment::Production
}

/// On production clusters, refuses unless `typed` is exactly `object_name`; elsewhere passes.
pub fn confirm_name(
    cluster: &ClusterInfo,
    object_name: &str,
    typed: Option<&str>,
) -> Result<(), AppError> {
    if !needs_typed_confirmation(cluster) || typed.map(str::trim) == Some(object_name) {
        return Ok(());
    }
    let message = format!(
        "{} is a production cluster: type {object_name} to confirm.",
        cluster.name
    );
    Err(AppError {
        kind: ErrorKind::Invalid,
        code: "cluster.confirmation_required".into(),
        message: message.clone(),
        fields: vec![FieldError {
            field: "confirm".into(),
            message,
        }],
    })
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use model::clusters::{AuthKind, ClusterHealth};

    use super::*;

    fn cluster(environment: Environment, read_only: bool) -> ClusterInfo {
        ClusterInfo {
            id: "1".into(),
            name: "eu-prod".into(),
            description: String::new(),
            environment,
            colour: String::new(),
            read_only,
            keep_ended_logs: true,
            server_url: "https://k".into(),
            auth_kind: AuthKind::Token,
            is_default: false,
            health: ClusterHealth::default(),
            created_by: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn read_only_clusters_refuse_changes_with_their_name() {
        let err = require_writable(&cluster(Environment::Development, true)).expect_err("refused");
        assert_eq!(err.code, "cluster.read_only");
        assert!(err.message.contains("eu-prod is read-only"));
        assert!(require_writable(&cluster(Environment::Production, false)).is_ok());
    }

    #[test]
    fn production_needs_the_exact_name_typed() {
        let prod = cluster(Environment::Production, false);
        assert!(confirm_name(&prod, "web-1", None).is_err());
        assert!(confirm_name(&prod, "web-1", Some("web-2")).is_err());
        assert!(confirm_name(&prod, "web-1", Some("web-1")).is_ok());
        assert!(confirm_name(&cluster(Environment::Staging, false), "web-1", None).is_ok());
    }
}
