//! Day-to-day operations, each a few requests to the cluster through kube-rs:
//!
//! - [`workloads`]: scale, restart (as `kubectl rollout restart`), pause and resume, change a
//!   container's image; [`rollout`]: a Deployment's revisions and rollback to one of them.
//! - [`nodes`]: cordon, uncordon, label and taint changes (on one node or many at once);
//!   [`drain`]: evict a node's pods through the eviction API, honouring PodDisruptionBudgets.
//! - [`cronjobs`]: run a CronJob now, suspend and resume it.
//!
//! Policy: every operation resolves its object through discovery (so a cluster that does not
//! serve the kind says so), is refused on read-only clusters, and writes one audit row per
//! object with its result, whether it succeeded, failed or was refused. Inputs are validated
//! before the cluster is asked, and errors name the field.

pub mod cronjobs;
pub mod drain;
pub mod nodes;
pub mod rollout;
pub mod workloads;

use model::clusters::ClusterInfo;
use model::objects::ObjectRef;
use serde_json::Value;
use uuid::Uuid;

use crate::audit::AuditResult;
use crate::clusters::{self, ClusterRegistry, guard};
use crate::resources::ResourceError;
use crate::resources::objects::target::Target;
use crate::resources::objects::{Actor, Audited, audit, reason};

/// Audit action names of this module.
pub mod actions {
    pub const SCALE: &str = "workload.scale";
    pub const RESTART: &str = "workload.restart";
    pub const PAUSE: &str = "workload.pause";
    pub const RESUME: &str = "workload.resume";
    pub const SET_IMAGE: &str = "workload.set_image";
    pub const ROLLBACK: &str = "workload.rollback";
    pub const CORDON: &str = "node.cordon";
    pub const UNCORDON: &str = "node.uncordon";
    pub const LABELS: &str = "node.labels";
    pub const TAINTS: &str = "node.taints";
    pub const DRAIN: &str = "node.drain";
    pub const TRIGGER: &str = "cronjob.trigger";
    pub const SUSPEND: &str = "cronjob.suspend";
    pub const UNSUSPEND: &str = "cronjob.resume";
}

/// One operation on one object: resolved, guarded, audited.
pub(crate) struct Operation<'a> {
    pub registry: &'a ClusterRegistry,
    pub actor: &'a Actor<'a>,
    pub cluster: Uuid,
    pub info: ClusterInfo,
    pub target: Target,
    pub action: &'static str,
}

impl<'a> Operation<'a> {
    /// Resolves `object` in `cluster`; `kinds` are the kind keys the action applies to.
    pub async fn start(
        registry: &'a ClusterRegistry,
        actor: &'a Actor<'a>,
        cluster: Uuid,
        object: &ObjectRef,
        kinds: &[&str],
        action: &'static str,
    ) -> Result<Operation<'a>, ResourceError> {
        if !kinds.contains(&object.kind.as_str()) {
            return Err(ResourceError::InvalidRequest(vec![model::FieldError {
                field: "kind".into(),
                message: format!(
                    "This action applies to {}, not to {}.",
                    kinds.join(", "),
                    object.kind
                ),
            }]));
        }
        let target = Target::resolve(registry, cluster, object).await?;
        let info = clusters::get(registry, cluster).await?;
        Ok(Operation {
            registry,
            actor,
            cluster,
            info,
            target,
            action,
        })
    }

    /// Refuses on read-only clusters.
    pub fn writable(&self) -> Result<(), ResourceError> {
        guard::require_writable(&self.info).map_err(ResourceError::Refused)
    }

    /// Runs `request` within the object timeout and maps a kube error to the module's terms.
    pub async fn call<T>(
        &self,
        verb: &str,
        request: impl Future<Output = Result<T, kube::Error>>,
    ) -> Result<T, ResourceError> {
        self.target
            .call(self.registry, self.cluster, verb, request)
            .await
    }

    /// Writes the audit row of `outcome` (with `detail` on success) and passes it on.
    pub async fn finish<T>(
        &self,
        outcome: Result<T, ResourceError>,
        detail: impl FnOnce(&T) -> Value,
    ) -> Result<T, ResourceError> {
        let (result, detail) = match &outcome {
            Ok(done) => (AuditResult::Success, detail(done)),
            Err(e) => (AuditResult::Failure, reason(e)),
        };
        let about = Audited {
            action: self.action,
            cluster: &self.info,
            kind: &self.target.entry.info.key,
            namespace: self.target.namespace.as_deref(),
            name: &self.target.name,
        };
        audit(self.registry, self.actor, about, result, detail).await?;
        outcome
    }

    /// "Deployment web".
    pub fn describe(&self) -> String {
        self.target.describe()
    }
}

/// A field error as the module's error.
pub(crate) fn invalid(field: &str, message: impl Into<String>) -> ResourceError {
    ResourceError::InvalidRequest(vec![model::FieldError {
        field: field.into(),
        message: message.into(),
    }])
}
