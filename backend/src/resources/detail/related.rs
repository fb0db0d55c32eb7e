//! An object's neighbours: its owners, the objects it owns or selects, and the events about it.
//!
//! Scale policy: every list is one bounded request ([`SCAN_LIMIT`] objects, narrowed by a label
//! or field selector where the kind has one), and a group shows at most [`ITEMS_SHOWN`] of what
//! matched, newest first, with the count. A section that cannot be read says why and leaves the
//! rest of the page alone.

use std::collections::HashSet;
use std::time::Duration;

use k8s_openapi::api::core::v1::Event;
use kube::Client;
use kube::api::{Api, ApiResource, DynamicObject, ListParams};
use model::detail::{
    EventEntry, EventList, Field, FieldValue, OwnerLink, RelatedGroup, RelatedItem, StatusText,
};
use model::resources::{ColumnType, Tone};
use serde_json::Value;

use super::Ctx;
use super::cluster::event_source;
use super::fields::{i, obj_ref, parse_time, s, selector_query, time};
use crate::resources::columns::Projector;

/// The most objects one related list asks for.
const SCAN_LIMIT: u32 = 1000;
/// The most objects a group shows.
pub const ITEMS_SHOWN: usize = 100;
/// The most events shown.
pub const EVENTS_SHOWN: usize = 50;
/// How long one related list may take before its section gives up.
const LIST_TIMEOUT: Duration = Duration::from_secs(10);

/// `metadata.ownerReferences` as links.
pub(super) fn owners(v: &Value, ns: Option<&str>, ctx: &Ctx) -> Vec<OwnerLink> {
    super::fields::arr(v, "/metadata/ownerReferences")
        .iter()
        .map(|r| {
            let kind = s(r, "/kind");
            let name = s(r, "/name");
            let target = ctx.entry_of(s(r, "/apiVersion"), kind).map(|entry| {
                let owner_ns = if entry.info.namespaced { ns } else { None };
                obj_ref(&entry.info.key, owner_ns, name)
            });
            OwnerLink {
                kind: kind.into(),
                name: name.into(),
                target,
                controller: r.get("controller").and_then(Value::as_bool) == Some(true),
            }
        })
        .collect()
}

/// What an object owns, selects or is used by; for a node, also the pods on it (for the
/// resources they request).
pub(super) struct Neighbours {
    pub groups: Vec<RelatedGroup>,
    pub node_pods: Option<Vec<Value>>,
}

/// What an object of this kind owns, selects or is used by.
pub(super) async fn groups(client: &Client, ctx: &Ctx<'_>, v: &Value) -> Neighbours {
    let ns = s(v, "/metadata/namespace");
    let ns = (!ns.is_empty()).then_some(ns);
    let uid = s(v, "/metadata/uid");
    let name = s(v, "/metadata/name");
    let selector = || selector_query(v.pointer("/spec/selector"));
    let only = |group: Option<RelatedGroup>| Neighbours {
        groups: group.into_iter().collect(),
        node_pods: None,
    };
    match ctx.kind.info.key.as_str() {
        "deployments.apps" => {
            let sel = selector();
            let sets = owned(client, ctx, "replicasets.apps", ns, sel.as_deref(), &[uid]).await;
            let set_uids: Vec<&str> = sets
                .as_ref()
                .map(|(objs, _)| objs.iter().map(|o| s(o, "/metadata/uid")).collect())
                .unwrap_or_default();
            let pods = owned(client, ctx, "pods", ns, sel.as_deref(), &set_uids).await;
            let pods_group = group(ctx, "pods", "owned", pods);
            Neighbours {
                groups: [group(ctx, "replicasets.apps", "owned", sets), pods_group]
                    .into_iter()
                    .flatten()
                    .collect(),
                node_pods: None,
            }
        }
        "replicasets.apps" | "statefulsets.apps" | "daemonsets.apps" | "jobs.batch" => {
            let pods = owned(client, ctx, "pods", ns, selector().as_deref(), &[uid]).await;
            only(group(ctx, "pods", "owned", pods))
        }
        "cronjobs.batch" => {
            let jobs = owned(client, ctx, "jobs.batch", ns, None, &[uid]).await;
            only(group(ctx, "jobs.batch", "owned", jobs))
        }
        "services" => {
            // A Service without a selector has hand-made endpoints: it picks no pods.
            let Some(sel) = selector().filter(|sel| !sel.is_empty()) else {
                return only(None);
            };
            let params = ListParams::default().labels(&sel);
            let pods = list(client, ctx, "pods", ns, params).await;
            only(group(ctx, "pods", "selected", pods))
        }
        "secrets" | "configmaps" | "persistentvolumeclaims" => {
            let kind = ctx.kind.info.key.as_str();
            let pods = list(client, ctx, "pods", ns, ListParams::default())
                .await
                .map(|(pods, more)| {
                    let users = pods.into_iter().filter(|p| uses(p, kind, name)).collect();
                    (users, more)
                });
            only(group(ctx, "pods", "used_by", pods))
        }
        "nodes" => {
            let params = ListParams::default().fields(&format!("spec.nodeName={name}"));
            let pods = list(client, ctx, "pods", None, params).await;
            let node_pods = pods.as_ref().ok().map(|(pods, _)| pods.clone());
            Neighbours {
                groups: group(ctx, "pods", "scheduled", pods).into_iter().collect(),
                node_pods,
            }
        }
        _ => only(None),
    }
}

/// Whether `pod` mounts, reads into its environment, or pulls with the Secret, ConfigMap or
/// claim `name`.
fn uses(pod: &Value, kind: &str, name: &str) -> bool {
    let arr = super::fields::arr;
    let volumes = arr(pod, "/spec/volumes");
    let containers = || {
        arr(pod, "/spec/containers")
            .iter()
            .chain(arr(pod, "/spec/initContainers"))
    };
    let in_env = |key_ref: &str, from_ref: &str| {
        containers().any(|c| {
            arr(c, "/env")
                .iter()
                .any(|e| s(e, &format!("/valueFrom/{key_ref}/name")) == name)
                || arr(c, "/envFrom")
                    .iter()
                    .any(|e| s(e, &format!("/{from_ref}/name")) == name)
        })
    };
    let projected = |source: &str| {
        volumes.iter().any(|v| {
            arr(v, "/projected/sources")
                .iter()
                .any(|src| s(src, &format!("/{source}/name")) == name)
        })
    };
    match kind {
        "secrets" => {
            volumes.iter().any(|v| s(v, "/secret/secretName") == name)
                || projected("secret")
                || in_env("secretKeyRef", "secretRef")
                || arr(pod, "/spec/imagePullSecrets")
                    .iter()
                    .any(|r| s(r, "/name") == name)
        }
        "configmaps" => {
            volumes.iter().any(|v| s(v, "/configMap/name") == name)
                || projected("configMap")
                || in_env("configMapKeyRef", "configMapRef")
        }
        _ => volumes
            .iter()
            .any(|v| s(v, "/persistentVolumeClaim/claimName") == name),
    }
}

type Listed = Result<(Vec<Value>, bool), String>;

/// Objects of `kind` in `ns` (narrowed by `selector`) whose owner is one of `owner_uids`.
async fn owned(
    client: &Client,
    ctx: &Ctx<'_>,
    kind: &str,
    ns: Option<&str>,
    selector: Option<&str>,
    owner_uids: &[&str],
) -> Listed {
    let mut params = ListParams::default();
    if let Some(sel) = selector {
        params = params.labels(sel);
    }
    let wanted: HashSet<&str> = owner_uids.iter().copied().collect();
    let (objs, more) = list(client, ctx, kind, ns, params).await?;
    let objs = objs
        .into_iter()
        .filter(|o| {
            super::fields::arr(o, "/metadata/ownerReferences")
                .iter()
                .any(|r| wanted.contains(s(r, "/uid")))
        })
        .collect();
    Ok((objs, more))
}

/// One bounded list of `kind`, as JSON; `more` when the cluster had more than the limit.
async fn list(
    client: &Client,
    ctx: &Ctx<'_>,
    kind: &str,
    ns: Option<&str>,
    params: ListParams,
) -> Listed {
    let Some(entry) = ctx.entry(kind) else {
        return Err(format!("This cluster does not serve {kind}."));
    };
    let api: Api<DynamicObject> = match ns {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &entry.resource),
        None => Api::all_with(client.clone(), &entry.resource),
    };
    let params = params.limit(SCAN_LIMIT);
    match tokio::time::timeout(LIST_TIMEOUT, api.list(&params)).await {
        Ok(Ok(list)) => {
            let more = list
                .metadata
                .continue_
                .as_deref()
                .is_some_and(|c| !c.is_empty());
            let objs = list
                .items
                .iter()
                .filter_map(|o| serde_json::to_value(o).ok())
                .collect();
            Ok((objs, more))
        }
        Ok(Err(e)) => Err(list_failure(&entry.info.kind, &e)),
        Err(_) => Err(format!(
            "Listing {} took longer than {} seconds.",
            entry.info.plural,
            LIST_TIMEOUT.as_secs()
        )),
    }
}

fn list_failure(kind: &str, e: &kube::Error) -> String {
    match e {
        kube::Error::Api(status) if status.code == 403 => format!(
            "Capstan's credentials may not list {kind} objects here. Ask the cluster's administrator for list access."
        ),
        other => {
            tracing::info!(%kind, error = %other, "related objects could not be listed");
            format!("The {kind} objects could not be listed: the cluster did not answer.")
        }
    }
}

/// A group of related objects, newest first; None when there is nothing and nothing went wrong.
fn group(ctx: &Ctx, kind: &str, relation: &str, listed: Listed) -> Option<RelatedGroup> {
    let entry = ctx.entry(kind)?;
    let mut out = RelatedGroup {
        kind: kind.into(),
        kind_name: entry.info.kind.clone(),
        relation: relation.into(),
        items: Vec::new(),
        total: 0,
        more: false,
        error: None,
    };
    match listed {
        Err(message) => out.error = Some(message),
        Ok((mut objs, more)) => {
            if objs.is_empty() && !more {
                return None;
            }
            objs.sort_by(|a, b| {
                s(b, "/metadata/creationTimestamp")
                    .cmp(s(a, "/metadata/creationTimestamp"))
                    .then_with(|| s(a, "/metadata/name").cmp(s(b, "/metadata/name")))
            });
            out.total = objs.len();
            out.more = more;
            out.items = objs
                .iter()
                .take(ITEMS_SHOWN)
                .map(|o| item(&entry.projector, entry.info.namespaced, kind, relation, o))
                .collect();
        }
    }
    Some(out)
}

/// One related object with the status and a few cells of its list row.
fn item(
    projector: &Projector,
    namespaced: bool,
    kind: &str,
    relation: &str,
    v: &Value,
) -> RelatedItem {
    let name = s(v, "/metadata/name");
    let ns = s(v, "/metadata/namespace");
    let mut status = None;
    let mut facts = Vec::new();
    if let Ok(obj) = serde_json::from_value::<DynamicObject>(v.clone()) {
        let row = projector.project(&obj, &projector.searchable());
        let columns = projector.columns(namespaced);
        let extra = columns.iter().skip(if namespaced { 2 } else { 1 });
        for (c, cell) in extra.zip(&row.cells) {
            if c.kind == ColumnType::Status {
                status = Some(StatusText {
                    text: cell.clone(),
                    tone: row.tone,
                });
            } else if c.priority == 0 && c.kind != ColumnType::Age && !cell.is_empty() {
                facts.push(Field {
                    key: format!("column.{}", c.id),
                    label: c.title.clone(),
                    values: vec![FieldValue::text(cell.clone())],
                });
            }
        }
        if status.is_none() && row.tone != Tone::Neutral {
            status = Some(StatusText {
                text: super::status_word(row.tone).into(),
                tone: row.tone,
            });
        }
    }
    let node = s(v, "/spec/nodeName");
    if relation == "scheduled" {
        // Every pod here is on this node; where each comes from matters more.
        facts.push(Field {
            key: "namespace".into(),
            label: "Namespace".into(),
            values: vec![FieldValue::link(ns, obj_ref("namespaces", None, ns))],
        });
    } else if kind == "pods" && !node.is_empty() {
        facts.push(Field {
            key: "node".into(),
            label: "Node".into(),
            values: vec![FieldValue::link(node, obj_ref("nodes", None, node))],
        });
    }
    RelatedItem {
        target: obj_ref(kind, Some(ns), name),
        uid: s(v, "/metadata/uid").into(),
        status,
        facts,
        created_at: time(v, "/metadata/creationTimestamp"),
    }
}

/// The events about the object, newest first. Matched by kind and name, then by uid, so events
/// of an earlier object of the same name are left out (nodes' events carry the node's name as
/// uid, so that is accepted too).
pub(super) async fn events(client: &Client, v: &Value) -> EventList {
    let ns = s(v, "/metadata/namespace");
    let name = s(v, "/metadata/name");
    let uid = s(v, "/metadata/uid");
    let kind = s(v, "/kind");
    let api: Api<DynamicObject> = if ns.is_empty() {
        Api::all_with(client.clone(), &ApiResource::erase::<Event>(&()))
    } else {
        Api::namespaced_with(client.clone(), ns, &ApiResource::erase::<Event>(&()))
    };
    let params = ListParams::default()
        .fields(&format!(
            "involvedObject.kind={kind},involvedObject.name={name}"
        ))
        .limit(SCAN_LIMIT);
    let listed = match tokio::time::timeout(LIST_TIMEOUT, api.list(&params)).await {
        Ok(Ok(list)) => list,
        Ok(Err(e)) => {
            return EventList {
                error: Some(list_failure("Event", &e)),
                ..Default::default()
            };
        }
        Err(_) => {
            return EventList {
                error: Some(format!(
                    "Listing events took longer than {} seconds.",
                    LIST_TIMEOUT.as_secs()
                )),
                ..Default::default()
            };
        }
    };
    let mut items: Vec<EventEntry> = listed
        .items
        .iter()
        .filter_map(|e| serde_json::to_value(e).ok())
        .filter(|e| {
            let about = s(e, "/involvedObject/uid");
            about.is_empty() || about == uid || about == name
        })
        .map(|e| event_entry(&e))
        .collect();
    items.sort_by(|a, b| {
        b.last_seen
            .cmp(&a.last_seen)
            .then_with(|| b.first_seen.cmp(&a.first_seen))
    });
    let total = items.len();
    items.truncate(EVENTS_SHOWN);
    EventList {
        items,
        total,
        error: None,
    }
}

fn event_entry(e: &Value) -> EventEntry {
    let first = time(e, "/firstTimestamp").or_else(|| time(e, "/eventTime"));
    let last = time(e, "/lastTimestamp")
        .or_else(|| parse_time(s(e, "/series/lastObservedTime")))
        .or(first);
    EventEntry {
        uid: s(e, "/metadata/uid").into(),
        type_: s(e, "/type").into(),
        reason: s(e, "/reason").into(),
        message: s(e, "/message").into(),
        count: i(e, "/count")
            .or_else(|| i(e, "/series/count"))
            .unwrap_or(1),
        first_seen: first,
        last_seen: last,
        source: event_source(e),
        field_path: s(e, "/involvedObject/fieldPath").into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pods_use_secrets_through_volumes_environment_and_pull_secrets() {
        let pod = json!({"spec": {
            "volumes": [{"name": "a", "secret": {"secretName": "tls"}},
                        {"name": "b", "projected": {"sources": [{"configMap": {"name": "settings"}}]}},
                        {"name": "c", "persistentVolumeClaim": {"claimName": "data"}}],
            "containers": [{"env": [{"name": "P", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "p"}}}],
                            "envFrom": [{"configMapRef": {"name": "env"}}]}],
            "imagePullSecrets": [{"name": "registry"}],
        }});
        for (kind, name) in [
            ("secrets", "tls"),
            ("secrets", "creds"),
            ("secrets", "registry"),
            ("configmaps", "settings"),
            ("configmaps", "env"),
            ("persistentvolumeclaims", "data"),
        ] {
            assert!(uses(&pod, kind, name), "{kind} {name}");
        }
        assert!(!uses(&pod, "secrets", "settings"));
        assert!(!uses(&pod, "configmaps", "creds"));
    }
}
