//! Deleting one object with a propagation policy and a grace period, and telling the user
//! whether it is gone or still terminating (and what holds it).

use kube::api::{DeleteParams, PropagationPolicy};
use model::objects::{DeleteOptions, DeleteOutcome, ObjectRef, Propagation};
use model::{AppError, ErrorKind, FieldError};
use serde_json::Value;
use uuid::Uuid;

use super::target::{Target, within};
use super::{Actor, Audited, actions, audit, reason, yaml};
use crate::audit::AuditResult;
use crate::clusters::{self, ClusterRegistry, guard};
use crate::resources::ResourceError;

/// Deletes `object`. Namespaces (which take everything in them along) and every object on a
/// production cluster need the name typed in `options.confirm`; read-only clusters refuse.
pub async fn delete(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    object: &ObjectRef,
    options: &DeleteOptions,
) -> Result<DeleteOutcome, ResourceError> {
    let target = Target::resolve(registry, cluster, object).await?;
    let info = clusters::get(registry, cluster).await?;
    let outcome = attempt(registry, cluster, &info, &target, options).await;
    let (result, mut detail) = match &outcome {
        Ok(done) => (
            AuditResult::Success,
            serde_json::json!({ "gone": done.gone, "pending_finalizers": done.pending_finalizers }),
        ),
        Err(e) => (AuditResult::Failure, reason(e)),
    };
    detail["propagation"] = serde_json::json!(options.propagation);
    if let Some(grace) = options.grace_period_seconds {
        detail["grace_period_seconds"] = serde_json::json!(grace);
    }
    let about = Audited {
        action: actions::DELETE,
        cluster: &info,
        kind: &target.entry.info.key,
        namespace: target.namespace.as_deref(),
        name: &target.name,
    };
    audit(registry, actor, about, result, detail).await?;
    outcome
}

async fn attempt(
    registry: &ClusterRegistry,
    cluster: Uuid,
    info: &model::clusters::ClusterInfo,
    target: &Target,
    options: &DeleteOptions,
) -> Result<DeleteOutcome, ResourceError> {
    guard::require_writable(info).map_err(ResourceError::Refused)?;
    let typed = options.confirm.as_deref().map(str::trim);
    if is_namespace(target) && typed != Some(target.name.as_str()) {
        let message = format!(
            "Deleting namespace {0} deletes everything in it: type {0} to confirm.",
            target.name
        );
        return Err(ResourceError::Refused(AppError {
            kind: ErrorKind::Invalid,
            code: "resource.confirmation_required".into(),
            message: message.clone(),
            fields: vec![FieldError {
                field: "confirm".into(),
                message,
            }],
        }));
    }
    guard::confirm_name(info, &target.name, typed).map_err(ResourceError::Refused)?;
    let params = DeleteParams {
        dry_run: false,
        grace_period_seconds: grace_period(options.grace_period_seconds)?,
        propagation_policy: Some(match options.propagation {
            Propagation::Background => PropagationPolicy::Background,
            Propagation::Foreground => PropagationPolicy::Foreground,
            Propagation::Orphan => PropagationPolicy::Orphan,
        }),
        preconditions: None,
    };
    let api = target.api();
    let answer = match within(registry, cluster, api.delete(&target.name, &params)).await? {
        Ok(answer) => answer,
        Err(e) => return Err(target.failure(registry, cluster, "delete", &e).await),
    };
    // The answer is the object while it waits (finalizers, grace period, foreground), a Status
    // or the last state once it is gone; only a fresh read tells which.
    let uid = answer.as_ref().left().and_then(|o| o.metadata.uid.clone());
    let waiting = answer
        .as_ref()
        .left()
        .is_some_and(|o| o.metadata.deletion_timestamp.is_some());
    let still = if waiting {
        target
            .fetch(registry, cluster)
            .await?
            .filter(|live| yaml::text_at(live, "/metadata/uid") == uid.as_deref())
    } else {
        None
    };
    Ok(match still {
        None => DeleteOutcome {
            gone: true,
            message: gone_message(target, options.propagation),
            pending_finalizers: Vec::new(),
        },
        Some(live) => terminating(target, &live),
    })
}

/// The grace period as the API takes it; negative values are refused.
fn grace_period(seconds: Option<i64>) -> Result<Option<u32>, ResourceError> {
    seconds
        .map(|s| {
            u32::try_from(s).map_err(|_| {
                ResourceError::InvalidRequest(vec![FieldError {
                    field: "grace_period_seconds".into(),
                    message: "The grace period is a number of seconds from 0 (at once) up.".into(),
                }])
            })
        })
        .transpose()
}

fn gone_message(target: &Target, propagation: Propagation) -> String {
    let what = target.describe();
    match propagation {
        Propagation::Background => format!("{what} deleted."),
        Propagation::Foreground => format!("{what} and its dependents deleted."),
        Propagation::Orphan => format!("{what} deleted; its dependents were kept."),
    }
}

/// The outcome for an object still there after the delete.
fn terminating(target: &Target, live: &Value) -> DeleteOutcome {
    let strings = |pointer: &str| -> Vec<String> {
        live.pointer(pointer)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut finalizers = strings("/metadata/finalizers");
    if is_namespace(target) {
        // A namespace's own cleanup is listed in its spec.
        finalizers.extend(strings("/spec/finalizers"));
    }
    let what = target.describe();
    let message = if is_namespace(target) {
        format!(
            "{what} is terminating: the objects in it are being deleted. It disappears once they are gone."
        )
    } else if finalizers.iter().any(|f| f == "foregroundDeletion") {
        format!("{what} is being deleted: its dependents go first (foreground deletion).")
    } else if !finalizers.is_empty() {
        format!(
            "{what} is terminating, waiting for {}: controllers clean up before it goes.",
            finalizers.join(", ")
        )
    } else {
        let grace = live
            .pointer("/metadata/deletionGracePeriodSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        format!("{what} is terminating: it has {grace} s to stop.")
    };
    DeleteOutcome {
        gone: false,
        message,
        pending_finalizers: finalizers,
    }
}

fn is_namespace(target: &Target) -> bool {
    target.entry.info.group.is_empty() && target.entry.info.plural == "namespaces"
}
