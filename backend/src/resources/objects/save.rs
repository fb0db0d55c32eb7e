//! Saving edited YAML over an existing object: parse, check it is the same object, put Secret
//! values back, PUT at the version the text was read at.

use model::objects::{ObjectRef, SaveOutcome, YamlIssue};
use serde_json::Value;
use uuid::Uuid;

use super::get::{present, sanitise};
use super::lines::{LineIndex, Position};
use super::refusal::{Refusal, classify};
use super::target::{Target, Write, within, write};
use super::{Actor, Audited, actions, audit, reason, secrets, yaml};
use crate::audit::AuditResult;
use crate::clusters::{self, ClusterRegistry, guard};
use crate::resources::ResourceError;

/// Edited YAML to save over an existing object.
#[derive(Debug, Clone, Copy)]
pub struct Edit<'a> {
    pub object: &'a ObjectRef,
    pub yaml: &'a str,
    /// The version the text was read at; a newer live object is a conflict. Empty: the one the
    /// text names in `metadata.resourceVersion`.
    pub resource_version: &'a str,
    /// Validate with the cluster (`dryRun=All`) without storing.
    pub dry_run: bool,
}

/// Saves `edit` (or, with `dry_run`, asks the cluster what it would store). Problems with the
/// text are [`SaveOutcome::Invalid`], a newer live object [`SaveOutcome::Conflict`]; errors are
/// for everything else (unknown object, read-only cluster, unreachable cluster, …).
pub async fn save_yaml(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    edit: Edit<'_>,
) -> Result<SaveOutcome, ResourceError> {
    let target = Target::resolve(registry, cluster, edit.object).await?;
    let info = clusters::get(registry, cluster).await?;
    let outcome = match guard::require_writable(&info) {
        Ok(()) => attempt(registry, cluster, &target, edit).await,
        Err(refused) => Err(ResourceError::Refused(refused)),
    };
    if !edit.dry_run {
        let (result, detail) = match &outcome {
            Ok(SaveOutcome::Saved { object }) => (
                AuditResult::Success,
                serde_json::json!({ "resource_version": object.resource_version }),
            ),
            Ok(SaveOutcome::Conflict { theirs_version, .. }) => (
                AuditResult::Failure,
                serde_json::json!({ "reason": "resource.conflict", "live_version": theirs_version }),
            ),
            Ok(SaveOutcome::Invalid { issues }) => (
                AuditResult::Failure,
                serde_json::json!({
                    "reason": "resource.invalid",
                    "fields": issues.iter().filter_map(|i| i.field.as_deref()).collect::<Vec<_>>(),
                }),
            ),
            Ok(SaveOutcome::Valid { .. }) => (AuditResult::Success, serde_json::json!({})),
            Err(e) => (AuditResult::Failure, reason(e)),
        };
        let about = Audited {
            action: actions::UPDATE,
            cluster: &info,
            kind: &target.entry.info.key,
            namespace: target.namespace.as_deref(),
            name: &target.name,
        };
        audit(registry, actor, about, result, detail).await?;
    }
    outcome
}

async fn attempt(
    registry: &ClusterRegistry,
    cluster: Uuid,
    target: &Target,
    edit: Edit<'_>,
) -> Result<SaveOutcome, ResourceError> {
    let mut object = match yaml::parse(edit.yaml) {
        Ok(object) => object,
        Err(issue) => return Ok(invalid(vec![issue])),
    };
    let index = LineIndex::new(edit.yaml);
    let issues = same_object(target, &mut object, index.as_ref());
    if !issues.is_empty() {
        return Ok(invalid(issues));
    }
    if !edit.resource_version.is_empty() {
        set(
            &mut object,
            "metadata.resourceVersion",
            edit.resource_version,
        );
    }
    if secrets::is_secret(&target.entry.info) {
        let live = target.fetch_existing(registry, cluster).await?;
        let unresolved = secrets::restore(&mut object, &live);
        if !unresolved.is_empty() {
            return Ok(invalid(placeholder_issues(&unresolved, index.as_ref())));
        }
    }
    let sent = write(
        &target.client,
        &target.entry.resource,
        target.namespace.as_deref(),
        Write::Replace(&target.name),
        &object,
        edit.dry_run,
    );
    let status = match within(registry, cluster, sent).await? {
        Ok(stored) if edit.dry_run => {
            let shown = sanitise(&target.entry.info, stored, false);
            return Ok(SaveOutcome::Valid {
                yaml: yaml::render(&shown),
            });
        }
        Ok(stored) => {
            return Ok(SaveOutcome::Saved {
                object: present(&target.entry.info, stored, false),
            });
        }
        Err(kube::Error::Api(status)) => status,
        Err(e) => return Err(target.failure(registry, cluster, "update", &e).await),
    };
    match classify(&status) {
        Refusal::Conflict => {
            let live = target.fetch_existing(registry, cluster).await?;
            let theirs_version = yaml::text_at(&live, "/metadata/resourceVersion")
                .unwrap_or_default()
                .to_string();
            let theirs = present(&target.entry.info, live, false).yaml;
            Ok(SaveOutcome::Conflict {
                mine: edit.yaml.to_string(),
                theirs,
                theirs_version,
            })
        }
        Refusal::Invalid(problems) => Ok(invalid(
            problems
                .iter()
                .map(|p| p.place(index.as_ref(), None))
                .collect(),
        )),
        Refusal::NotFound(_) | Refusal::NamespaceMissing(_) => Err(target.not_found()),
        Refusal::Forbidden(message) => Err(ResourceError::Denied {
            action: "update".into(),
            kind: target.entry.info.kind.clone(),
            name: target.name.clone(),
            message,
        }),
        Refusal::AlreadyExists(message) => Err(ResourceError::Rejected { code: 409, message }),
        Refusal::Other { code, message } => Err(ResourceError::Rejected { code, message }),
    }
}

fn invalid(issues: Vec<YamlIssue>) -> SaveOutcome {
    SaveOutcome::Invalid { issues }
}

/// Checks that `object` is still the object being edited: same apiVersion, kind, name and
/// namespace. What the text leaves out is filled in from the object.
fn same_object(target: &Target, object: &mut Value, index: Option<&LineIndex>) -> Vec<YamlIssue> {
    if !object.is_object() {
        return vec![YamlIssue {
            line: Some(1),
            column: Some(1),
            field: None,
            message:
                "The YAML must describe one object: a mapping with apiVersion, kind and metadata."
                    .into(),
        }];
    }
    let info = &target.entry.info;
    let mut issues = Vec::new();
    let mut check = |object: &mut Value, path: &str, expected: Option<&str>, what: &str| {
        let pointer = format!("/{}", path.replace('.', "/"));
        let found = object
            .pointer(&pointer)
            .filter(|v| !v.is_null() && v.as_str() != Some(""))
            .cloned();
        match (found, expected) {
            (None, Some(expected)) => set(object, path, expected),
            (None, None) => {}
            (Some(Value::String(found)), Some(expected)) if found == expected => {}
            (Some(found), expected) => {
                let found = found
                    .as_str()
                    .map_or_else(|| found.to_string(), str::to_string);
                let message = match expected {
                    Some(expected) => format!(
                        "{path} is {found}, but {what} {expected}: the editor saves the object it opened (to make another one, use Create)."
                    ),
                    None => format!(
                        "{} objects are cluster-scoped: remove {path} ({found}).",
                        info.kind
                    ),
                };
                let position = index.and_then(|i| i.locate(path));
                issues.push(issue_at(position, path, message));
            }
        }
    };
    check(
        object,
        "apiVersion",
        Some(&target.entry.resource.api_version),
        "the object was read as",
    );
    check(object, "kind", Some(&info.kind), "this object is a");
    check(
        object,
        "metadata.name",
        Some(&target.name),
        "this object is named",
    );
    check(
        object,
        "metadata.namespace",
        target.namespace.as_deref(),
        "this object is in namespace",
    );
    issues
}

fn placeholder_issues(fields: &[String], index: Option<&LineIndex>) -> Vec<YamlIssue> {
    fields
        .iter()
        .map(|field| {
            let key = field
                .split_once('[')
                .map_or(field.as_str(), |(_, k)| k.trim_end_matches(']'));
            let message = format!(
                "{field} still reads {}, but the Secret has no key {key} to keep: give it a value (base64 under data, plain text under stringData).",
                model::objects::SECRET_PLACEHOLDER
            );
            issue_at(index.and_then(|i| i.locate(field)), field, message)
        })
        .collect()
}

fn issue_at(position: Option<Position>, field: &str, message: String) -> YamlIssue {
    YamlIssue {
        line: position.map(|p| p.line),
        column: position.map(|p| p.column),
        field: Some(field.to_string()),
        message,
    }
}

/// Sets the string at a dotted path of at most two segments (`kind`, `metadata.name`).
fn set(object: &mut Value, path: &str, value: &str) {
    let value = Value::String(value.into());
    match path.split_once('.') {
        Some((_, key)) => {
            if let Some(metadata) = yaml::metadata_mut(object) {
                metadata.insert(key.into(), value);
            }
        }
        None => {
            if let Some(map) = object.as_object_mut() {
                map.insert(path.into(), value);
            }
        }
    }
}
