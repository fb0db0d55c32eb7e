//! Reading the documents of a create: parse each, check it names apiVersion, kind and a name,
//! resolve its kind from the cluster's discovery, keep it within the request's scope (kind,
//! namespace), settle its namespace and drop server-owned metadata.

use kube::discovery::ApiResource;
use model::objects::{CreatedDocument, DocumentResult, ObjectRef, YamlIssue};
use serde_json::Value;
use uuid::Uuid;

use super::super::discovery::{self, KindEntry};
use super::lines::{LineIndex, Position};
use super::split::Document;
use super::yaml;
use crate::clusters::ClusterRegistry;
use crate::resources::ResourceError;

/// Server-owned metadata a copied object may carry; the cluster refuses or ignores it on create.
const SERVER_OWNED: &[&str] = &[
    "resourceVersion",
    "uid",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "generation",
];

/// One document ready to send.
pub(super) struct Ready<'a> {
    pub doc: Document<'a>,
    pub index: Option<LineIndex>,
    pub entry: KindEntry,
    pub resource: ApiResource,
    pub namespace: Option<String>,
    pub object: Value,
    pub reference: ObjectRef,
}

/// A document as far as it got.
pub(super) enum Prepared<'a> {
    Ready(Box<Ready<'a>>),
    Failed(CreatedDocument),
}

/// Where the documents may go.
pub(super) struct Scope<'a> {
    pub default_namespace: &'a str,
    pub pin_namespace: bool,
    pub only_kind: Option<&'a str>,
}

/// Reads and resolves every document; the cluster's kinds are discovered again once if a
/// document names a kind not seen yet (a CRD installed a moment ago).
pub(super) async fn prepare<'a>(
    registry: &ClusterRegistry,
    cluster: Uuid,
    documents: Vec<Document<'a>>,
    scope: &Scope<'_>,
) -> Result<Vec<Prepared<'a>>, ResourceError> {
    let mut kinds = discovery::discover(registry, cluster).await?;
    let mut refreshed = false;
    let mut out = Vec::with_capacity(documents.len());
    for doc in documents {
        let parsed = match read(&doc) {
            Ok(parsed) => parsed,
            Err(issues) => {
                out.push(Prepared::Failed(invalid(&doc, None, issues)));
                continue;
            }
        };
        let find = |kinds: &discovery::ClusterKinds| {
            kinds
                .kinds
                .iter()
                .find(|k| k.info.group == parsed.group && k.info.kind == parsed.kind)
                .cloned()
        };
        let mut entry = find(&kinds);
        if entry.is_none() && !refreshed {
            refreshed = true;
            registry.discovery().forget(cluster);
            kinds = discovery::discover(registry, cluster).await?;
            entry = find(&kinds);
        }
        let Some(entry) = entry else {
            let message = format!(
                "This cluster does not serve the kind {} in {}. Check apiVersion and kind (is its custom resource definition installed?).",
                parsed.kind, parsed.api_version
            );
            let at = parsed.index.as_ref().and_then(|i| i.key("kind"));
            let issue = issue(&doc, at, Some("kind"), message);
            out.push(Prepared::Failed(invalid(&doc, None, vec![issue])));
            continue;
        };
        if let Some(issue) = out_of_scope(&doc, &parsed, &entry, scope) {
            out.push(Prepared::Failed(invalid(&doc, None, vec![issue])));
            continue;
        }
        out.push(Prepared::Ready(Box::new(ready(
            doc,
            parsed,
            entry,
            scope.default_namespace,
        ))));
    }
    Ok(out)
}

/// The issue of a document the endpoint does not take: another kind, another namespace.
fn out_of_scope(
    doc: &Document<'_>,
    parsed: &Parsed,
    entry: &KindEntry,
    scope: &Scope<'_>,
) -> Option<YamlIssue> {
    let at = |path: &str| parsed.index.as_ref().and_then(|i| i.locate(path));
    if let Some(only) = scope.only_kind
        && entry.info.key != only
    {
        let message = format!(
            "This request creates {only} only; this document is a {}.",
            entry.info.kind
        );
        return Some(issue(doc, at("kind"), Some("kind"), message));
    }
    let named = yaml::text_at(&parsed.object, "/metadata/namespace")
        .map(str::trim)
        .filter(|n| !n.is_empty());
    match named {
        Some(ns)
            if scope.pin_namespace && entry.info.namespaced && ns != scope.default_namespace =>
        {
            let message = format!(
                "This request creates objects in namespace {}; this document names namespace {ns}.",
                scope.default_namespace
            );
            Some(issue(
                doc,
                at("metadata.namespace"),
                Some("metadata.namespace"),
                message,
            ))
        }
        _ => None,
    }
}

/// What [`read`] finds in one document.
struct Parsed {
    object: Value,
    index: Option<LineIndex>,
    api_version: String,
    group: String,
    version: String,
    kind: String,
}

/// Parses one document and checks it names apiVersion, kind and a name.
fn read(doc: &Document<'_>) -> Result<Parsed, Vec<YamlIssue>> {
    let object = yaml::parse(doc.text).map_err(|mut issue| {
        issue.line = issue.line.map(|l| doc.whole_line(l));
        vec![issue]
    })?;
    let index = LineIndex::new(doc.text);
    if !object.is_object() {
        return Err(vec![issue(
            doc,
            None,
            None,
            "A document must describe one object: a mapping with apiVersion, kind and metadata."
                .into(),
        )]);
    }
    let at = |path: &str| index.as_ref().and_then(|i| i.locate(path));
    let mut issues = Vec::new();
    let api_version = yaml::text_at(&object, "/apiVersion").unwrap_or_default();
    if api_version.is_empty() {
        issues.push(issue(
            doc,
            at("apiVersion"),
            Some("apiVersion"),
            "apiVersion is missing (e.g. v1, apps/v1).".into(),
        ));
    }
    let kind = yaml::text_at(&object, "/kind").unwrap_or_default();
    if kind.is_empty() {
        issues.push(issue(
            doc,
            at("kind"),
            Some("kind"),
            "kind is missing (e.g. Deployment, ConfigMap).".into(),
        ));
    }
    let named = ["/metadata/name", "/metadata/generateName"]
        .iter()
        .any(|p| yaml::text_at(&object, p).is_some_and(|n| !n.trim().is_empty()));
    if !named {
        issues.push(issue(
            doc,
            at("metadata"),
            Some("metadata.name"),
            "metadata.name is missing: every object needs a name (or metadata.generateName)."
                .into(),
        ));
    }
    if !issues.is_empty() {
        return Err(issues);
    }
    let (group, version) = api_version
        .rsplit_once('/')
        .map_or(("", api_version), |(g, v)| (g, v));
    Ok(Parsed {
        api_version: api_version.to_string(),
        group: group.to_string(),
        version: version.to_string(),
        kind: kind.to_string(),
        object,
        index,
    })
}

/// A resolved document: the namespace settled, server-owned metadata dropped.
fn ready<'a>(
    doc: Document<'a>,
    parsed: Parsed,
    entry: KindEntry,
    default_namespace: &str,
) -> Ready<'a> {
    let Parsed {
        mut object,
        index,
        version,
        ..
    } = parsed;
    // The version the text asks for, which may not be the one the console reads.
    let mut resource = entry.resource.clone();
    resource.version.clone_from(&version);
    resource.api_version = if resource.group.is_empty() {
        version
    } else {
        format!("{}/{}", resource.group, version)
    };
    let namespace = entry.info.namespaced.then(|| {
        yaml::text_at(&object, "/metadata/namespace")
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or(default_namespace)
            .to_string()
    });
    if let Some(metadata) = yaml::metadata_mut(&mut object) {
        for key in SERVER_OWNED {
            metadata.remove(*key);
        }
        match &namespace {
            Some(ns) => metadata.insert("namespace".into(), Value::String(ns.clone())),
            None => metadata.remove("namespace"),
        };
    }
    let name = ["/metadata/name", "/metadata/generateName"]
        .iter()
        .find_map(|p| yaml::text_at(&object, p))
        .unwrap_or_default()
        .to_string();
    let reference = ObjectRef {
        kind: entry.info.key.clone(),
        namespace: namespace.clone(),
        name,
    };
    Ready {
        doc,
        index,
        entry,
        resource,
        namespace,
        object,
        reference,
    }
}

fn invalid(
    doc: &Document<'_>,
    object: Option<ObjectRef>,
    issues: Vec<YamlIssue>,
) -> CreatedDocument {
    CreatedDocument {
        index: doc.index,
        line: doc.first_line,
        object,
        result: DocumentResult::Invalid { issues },
    }
}

/// An issue at `position` inside `doc` (or at the document's first line), in whole-text lines.
pub(super) fn issue(
    doc: &Document<'_>,
    position: Option<Position>,
    field: Option<&str>,
    message: String,
) -> YamlIssue {
    let (line, column) = match position {
        Some(p) => (doc.whole_line(p.line), Some(p.column)),
        None => (doc.first_line, None),
    };
    YamlIssue {
        line: Some(line),
        column,
        field: field.map(str::to_string),
        message,
    }
}
