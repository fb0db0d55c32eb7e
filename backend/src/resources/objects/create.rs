//! Creating objects from (multi-document) YAML.
//!
//! Policy: all or nothing where the cluster lets us tell in advance. Every document is read,
//! resolved and dry-run first; if one fails, the answer lists every document's result and nothing
//! is created. Otherwise they are created in order, stopping at the first failure (an object the
//! dry run accepted can still fail, e.g. when someone else created the same name meanwhile).
//! A namespace created by an earlier document of the same text does not exist yet during the dry
//! run; documents that go into it are accepted on that point and checked for real at creation.

use std::collections::HashSet;

use model::FieldError;
use model::objects::{CreatedDocument, DocumentResult, YamlIssue};
use uuid::Uuid;

use super::super::discovery::KindEntry;
use super::super::error::cluster_failure;
use super::documents::{Prepared, Ready, Scope, issue, prepare};
use super::refusal::{Refusal, classify};
use super::split::{Document, split};
use super::target::{Write, within, write};
use super::{Actor, Audited, actions, audit, reason, yaml};
use crate::audit::AuditResult;
use crate::clusters::{self, ClusterRegistry, guard};
use crate::resources::ResourceError;

/// YAML (one or more documents) to create objects from.
#[derive(Debug, Clone, Copy)]
pub struct CreateRequest<'a> {
    pub yaml: &'a str,
    /// Where namespaced objects that name no namespace go; `default` when `None`.
    pub default_namespace: Option<&'a str>,
    /// Only validate with the cluster (`dryRun=All`): results say what would be created.
    pub dry_run: bool,
    /// When set, documents of other kinds (kind keys, e.g. `deployments.apps`) are refused: for
    /// endpoints addressed by kind.
    pub only_kind: Option<&'a str>,
    /// When true, namespaced objects naming a namespace other than `default_namespace` are
    /// refused: for endpoints addressed by namespace.
    pub pin_namespace: bool,
}

/// Creates the objects of `request.yaml`; see the module's policy. Read-only clusters refuse.
pub async fn create(
    registry: &ClusterRegistry,
    actor: &Actor<'_>,
    cluster: Uuid,
    request: CreateRequest<'_>,
) -> Result<Vec<CreatedDocument>, ResourceError> {
    let info = clusters::get(registry, cluster).await?;
    let documents = split(request.yaml);
    if documents.is_empty() {
        return Err(ResourceError::InvalidRequest(vec![FieldError {
            field: "yaml".into(),
            message: "There is nothing to create: write at least one object with apiVersion, kind and metadata.name.".into(),
        }]));
    }
    if let Err(refused) = guard::require_writable(&info) {
        let error = ResourceError::Refused(refused);
        if !request.dry_run {
            let about = Audited {
                action: actions::CREATE,
                cluster: &info,
                kind: "",
                namespace: None,
                name: "",
            };
            audit(registry, actor, about, AuditResult::Failure, reason(&error)).await?;
        }
        return Err(error);
    }
    let default_namespace = request
        .default_namespace
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("default");
    let scope = Scope {
        default_namespace,
        pin_namespace: request.pin_namespace,
        only_kind: request.only_kind,
    };
    let prepared = prepare(registry, cluster, documents, &scope).await?;
    let client = registry.client(cluster).await?;

    // Dry run of every document.
    let mut results = Vec::with_capacity(prepared.len());
    let mut ready = Vec::new();
    let mut new_namespaces = HashSet::new();
    for item in prepared {
        let ready_doc = match item {
            Prepared::Failed(result) => {
                results.push(result);
                continue;
            }
            Prepared::Ready(r) => r,
        };
        let sent = write(
            &client,
            &ready_doc.resource,
            ready_doc.namespace.as_deref(),
            Write::Create,
            &ready_doc.object,
            true,
        );
        let result = match within(registry, cluster, sent).await? {
            Ok(_) => DocumentResult::Created,
            Err(kube::Error::Api(status)) if matches!(classify(&status), Refusal::NamespaceMissing(ref ns) if new_namespaces.contains(ns)) => {
                DocumentResult::Created
            }
            Err(e) => failed(registry, cluster, &ready_doc, &e).await,
        };
        if result == DocumentResult::Created && is_namespace(&ready_doc.entry) {
            new_namespaces.insert(ready_doc.reference.name.clone());
        }
        results.push(document_result(&ready_doc, result));
        ready.push(ready_doc);
    }
    let all_valid = results.iter().all(|r| r.result == DocumentResult::Created);
    if request.dry_run {
        return Ok(results);
    }
    if !all_valid {
        for r in &mut results {
            if r.result == DocumentResult::Created {
                r.result = DocumentResult::Skipped;
            }
        }
        return Ok(results);
    }

    // The real thing, in order, stopping at the first failure.
    let mut results = Vec::with_capacity(ready.len());
    let mut stopped = false;
    for doc in &ready {
        if stopped {
            results.push(document_result(doc, DocumentResult::Skipped));
            continue;
        }
        let sent = write(
            &client,
            &doc.resource,
            doc.namespace.as_deref(),
            Write::Create,
            &doc.object,
            false,
        );
        let outcome = within(registry, cluster, sent).await;
        let (result, created_name, detail) = match outcome {
            Ok(Ok(stored)) => {
                let name = yaml::text_at(&stored, "/metadata/name").map(str::to_string);
                (DocumentResult::Created, name, serde_json::json!({}))
            }
            Ok(Err(e)) => {
                let result = failed(registry, cluster, doc, &e).await;
                let detail = serde_json::json!({ "reason": result_code(&result) });
                (result, None, detail)
            }
            Err(e) => {
                let detail = reason(&e);
                let app = model::AppError::from(e);
                let result = DocumentResult::Failed {
                    code: app.code,
                    message: app.message,
                };
                (result, None, detail)
            }
        };
        let mut reference = doc.reference.clone();
        if let Some(name) = created_name {
            reference.name = name;
        }
        let succeeded = result == DocumentResult::Created;
        let about = Audited {
            action: actions::CREATE,
            cluster: &info,
            kind: &reference.kind,
            namespace: reference.namespace.as_deref(),
            name: &reference.name,
        };
        let audit_result = if succeeded {
            AuditResult::Success
        } else {
            AuditResult::Failure
        };
        audit(registry, actor, about, audit_result, detail).await?;
        stopped = !succeeded;
        results.push(CreatedDocument {
            index: doc.doc.index,
            line: doc.doc.first_line,
            object: Some(reference),
            result,
        });
    }
    Ok(results)
}

/// The result of a refused create (dry run or real) of `doc`.
async fn failed(
    registry: &ClusterRegistry,
    cluster: Uuid,
    doc: &Ready<'_>,
    err: &kube::Error,
) -> DocumentResult {
    let kind = &doc.entry.info.kind;
    let name = &doc.reference.name;
    let at = |path: &str| doc.index.as_ref().and_then(|i| i.locate(path));
    let status = match err {
        kube::Error::Api(status) => status,
        other => {
            let app = model::AppError::from(
                cluster_failure(registry, cluster, &doc.entry.info.key, other).await,
            );
            return DocumentResult::Failed {
                code: app.code,
                message: app.message,
            };
        }
    };
    let one = |path: &str, message: String| DocumentResult::Invalid {
        issues: vec![issue(&doc.doc, at(path), Some(path), message)],
    };
    match classify(status) {
        Refusal::Invalid(problems) => DocumentResult::Invalid {
            issues: problems
                .iter()
                .map(|p| shift(&doc.doc, p.place(doc.index.as_ref(), None)))
                .collect(),
        },
        Refusal::NamespaceMissing(ns) => one(
            "metadata.namespace",
            format!(
                "Namespace {ns} does not exist: create it first (a Namespace document earlier in the text will do)."
            ),
        ),
        Refusal::NotFound(message) => one(
            "apiVersion",
            format!(
                "The cluster does not serve {kind} at {}: {message}",
                doc.resource.api_version
            ),
        ),
        Refusal::AlreadyExists(_) => DocumentResult::Failed {
            code: "resource.already_exists".into(),
            message: match &doc.namespace {
                Some(ns) => format!("{kind} {name} already exists in namespace {ns}."),
                None => format!("{kind} {name} already exists."),
            },
        },
        Refusal::Forbidden(message) => DocumentResult::Failed {
            code: "resource.forbidden".into(),
            message: format!(
                "The cluster does not allow Capstan to create {kind} {name}: {message}"
            ),
        },
        Refusal::Conflict | Refusal::Other { .. } => DocumentResult::Failed {
            code: "resource.rejected".into(),
            message: format!("The cluster refused {kind} {name}: {}", status.message),
        },
    }
}

fn document_result(doc: &Ready<'_>, result: DocumentResult) -> CreatedDocument {
    CreatedDocument {
        index: doc.doc.index,
        line: doc.doc.first_line,
        object: Some(doc.reference.clone()),
        result,
    }
}

/// `issue`, placed inside `doc`, moved to whole-text lines (or to the document's first line).
fn shift(doc: &Document<'_>, mut issue: YamlIssue) -> YamlIssue {
    issue.line = Some(issue.line.map_or(doc.first_line, |l| doc.whole_line(l)));
    issue
}

fn result_code(result: &DocumentResult) -> &str {
    match result {
        DocumentResult::Failed { code, .. } => code,
        DocumentResult::Invalid { .. } => "resource.invalid",
        DocumentResult::Created | DocumentResult::Skipped => "",
    }
}

fn is_namespace(entry: &KindEntry) -> bool {
    entry.info.group.is_empty() && entry.info.plural == "namespaces"
}
