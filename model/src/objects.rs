//! One object of any kind: its YAML for viewing and editing, saving with a dry run first,
//! creating from (multi-document) YAML, deleting with a propagation policy, and revealing one
//! key of a Secret. Validation problems point at YAML lines so the editor can mark them; a
//! conflict carries both versions so the user's text is never lost.

use serde::{Deserialize, Serialize};

use crate::resources::KindInfo;

/// What every Secret value reads as in YAML sent to the browser (`data`, `stringData`, and the
/// `kubectl.kubernetes.io/last-applied-configuration` annotation, which repeats them). Saving
/// text that still holds it keeps the live value.
pub const SECRET_PLACEHOLDER: &str = "<hidden>";

/// Which object: the kind's key (`pods`, `deployments.apps`), its namespace (None for
/// cluster-scoped kinds) and name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectRef {
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

/// An object as YAML, as the editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ObjectYaml {
    pub kind: KindInfo,
    pub yaml: String,
    /// The version the text was read at; a save sends it back to detect conflicts.
    pub resource_version: String,
    /// `metadata.managedFields` was left out (the default).
    pub managed_fields_hidden: bool,
    /// Secret values were replaced by a placeholder (Secrets are never sent whole unless revealed).
    pub secret_values_hidden: bool,
}

/// A problem with YAML the user wrote, placed where the editor can mark it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YamlIssue {
    /// 1-based line in the text the user sent, when it can be placed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// The field path the cluster named (`spec.replicas`), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

/// What saving edited YAML over an existing object came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SaveOutcome {
    /// Saved; the object as the cluster now holds it.
    Saved { object: ObjectYaml },
    /// A dry run passed (`dryRun=All`); `yaml` is what the cluster would store, with defaults
    /// filled in, for a diff against the live object.
    Valid { yaml: String },
    /// The YAML does not parse, or the cluster refused it; nothing was changed.
    Invalid { issues: Vec<YamlIssue> },
    /// The object changed since the text was read: `theirs` is the live version, `mine` the
    /// text the user sent, unchanged.
    Conflict {
        mine: String,
        theirs: String,
        theirs_version: String,
    },
}

/// What happened to one document of a create request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedDocument {
    /// 0-based position of the document in the text.
    pub index: usize,
    /// 1-based line where the document starts.
    pub line: u32,
    /// The object it named, when it could be read that far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectRef>,
    pub result: DocumentResult,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum DocumentResult {
    /// Created (or, for a dry run, would be created).
    Created,
    /// Refused; issues placed at lines of the whole text.
    Invalid { issues: Vec<YamlIssue> },
    /// Already exists, forbidden, the cluster is unreachable, …
    Failed { code: String, message: String },
    /// Not created: another document failed its dry run (then nothing is created), or an
    /// earlier document failed to be created (creation stops at the first failure).
    Skipped,
}

/// How dependents of a deleted object are treated (Kubernetes' `propagationPolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Propagation {
    /// Delete the object now, its dependents in the background (kubectl's default).
    #[default]
    Background,
    /// Delete the dependents first, then the object.
    Foreground,
    /// Keep the dependents, without their owner.
    Orphan,
}

/// A delete request's options.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeleteOptions {
    #[serde(default)]
    pub propagation: Propagation,
    /// Seconds pods get to stop; None uses the object's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period_seconds: Option<i64>,
    /// The name typed by the user, required for namespaces and on production clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm: Option<String>,
}

/// What a delete came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeleteOutcome {
    /// True when the object is gone; false when it is still terminating (finalizers, or
    /// foreground deletion of its dependents).
    pub gone: bool,
    /// A sentence for the user: "Deployment web deleted", "Namespace shop is terminating…".
    pub message: String,
    /// Finalizers still holding the object, if any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending_finalizers: Vec<String>,
}
