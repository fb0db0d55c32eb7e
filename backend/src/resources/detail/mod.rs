//! One object's detail page, read live from the cluster: a summary per kind, metadata,
//! conditions, owners and what it owns, its events; and revealing one Secret value at a time.
//!
//! - The object is read whole (one GET) and summarised by its kind: [`pods`], [`workloads`],
//!   [`network`], [`storage`], [`cluster`] (nodes, namespaces, events), [`config`] (ConfigMaps,
//!   Secrets); any other kind, custom resources included, by [`generic`].
//! - Neighbours come from bounded lists ([`related`]), in parallel with the events.
//! - Secret policy: a Secret's detail holds key names and sizes only, and its
//!   `last-applied-configuration` is masked; a value leaves the server only through
//!   [`reveal_secret_value`] ([`secrets`]), for administrators, audited either way.

mod cluster;
mod config;
mod controls;
mod error;
mod fields;
mod generic;
mod network;
mod pods;
mod quantity;
mod related;
mod secrets;
mod storage;
mod workloads;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::api::{Api, DynamicObject};
use model::auth::UserInfo;
use model::detail::{Condition, EventList, FieldValue, ObjectDetail, StatusText};
use model::objects::ObjectRef;
use model::resources::{ColumnType, Tone};
use serde_json::Value;
use uuid::Uuid;

pub use error::DetailError;
pub use related::{EVENTS_SHOWN, ITEMS_SHOWN};
pub use secrets::{REVEAL_ACTION, reveal_secret_value};

use super::FIRST_CONTACT_TIMEOUT;
use super::discovery::{self, ClusterKinds, KindEntry};
use super::error::{ResourceError, cluster_failure};
use crate::clusters::ClusterRegistry;

/// What a kind's summariser may look up: the kind itself and every kind the cluster serves.
pub(crate) struct Ctx<'a> {
    pub kind: &'a KindEntry,
    kinds: &'a ClusterKinds,
}

impl Ctx<'_> {
    /// The kind with this key, if the cluster serves it.
    fn entry(&self, key: &str) -> Option<&KindEntry> {
        self.kinds.kinds.iter().find(|k| k.info.key == key)
    }

    /// The kind named by an `apiVersion` (`apps/v1`, `v1`) and `kind`, as references carry them.
    fn entry_of(&self, api_version: &str, kind: &str) -> Option<&KindEntry> {
        let group = api_version.rsplit_once('/').map_or("", |(group, _)| group);
        self.kinds
            .kinds
            .iter()
            .find(|k| k.info.group == group && k.info.kind == kind)
    }

    /// The key of the kind an `apiVersion` and `kind` name.
    fn key_of(&self, api_version: &str, kind: &str) -> Option<String> {
        self.entry_of(api_version, kind).map(|k| k.info.key.clone())
    }
}

/// Everything the detail page shows about `object` in `cluster`, as `viewer` may see it.
pub async fn object_detail(
    registry: &ClusterRegistry,
    viewer: &UserInfo,
    cluster: Uuid,
    object: &ObjectRef,
) -> Result<ObjectDetail, DetailError> {
    let kinds: Arc<ClusterKinds> = discovery::discover(registry, cluster).await?;
    let kind = discovery::kind(registry, cluster, &object.kind).await?;
    let namespace = namespace_for(&kind, object)?;
    let obj = fetch(registry, cluster, &kind, namespace.as_deref(), &object.name).await?;
    let v = serde_json::to_value(&obj).map_err(|e| {
        tracing::error!(error = %e, "object could not be serialised");
        DetailError::Invalid("The object could not be read.".into())
    })?;
    let ctx = Ctx {
        kind: &kind,
        kinds: &kinds,
    };
    let mut d = base(&kind, &obj);
    summarise(&mut d, &obj, &v, &ctx, viewer);
    d.conditions = conditions(&v);
    d.owners = related::owners(&v, namespace.as_deref(), &ctx);
    if let Some(controller) = d.owners.iter().find(|o| o.controller) {
        let text = format!("{}/{}", controller.kind, controller.name);
        let value = match &controller.target {
            Some(target) => FieldValue::link(text, target.clone()),
            None => FieldValue::text(text),
        };
        d.summary.insert(
            0,
            model::detail::Field {
                key: "controlled_by".into(),
                label: "Controlled by".into(),
                values: vec![value],
            },
        );
    }
    let client = registry
        .client(cluster)
        .await
        .map_err(ResourceError::from)?;
    let (groups, events) = tokio::join!(
        related::groups(&client, &ctx, &v),
        related::events(&client, &v)
    );
    if let Some(pods) = &groups.node_pods {
        cluster::add_requested(&mut d, pods);
    }
    d.related = groups.groups;
    d.events = events;
    Ok(d)
}

/// The namespace to read in: required for namespaced kinds, ignored for cluster-scoped ones.
fn namespace_for(kind: &KindEntry, object: &ObjectRef) -> Result<Option<String>, DetailError> {
    if object.name.trim().is_empty() {
        return Err(DetailError::Invalid("Name the object to show.".into()));
    }
    match (&object.namespace, kind.info.namespaced) {
        (Some(ns), true) if !ns.is_empty() => Ok(Some(ns.clone())),
        (_, true) => Err(DetailError::Invalid(format!(
            "{} objects live in a namespace; the address names none.",
            kind.info.kind
        ))),
        (_, false) => Ok(None),
    }
}

/// Reads one object, mapping 404 and 403 to what they mean for this object.
pub(super) async fn fetch(
    registry: &ClusterRegistry,
    cluster: Uuid,
    kind: &KindEntry,
    namespace: Option<&str>,
    name: &str,
) -> Result<DynamicObject, DetailError> {
    let client = registry
        .client(cluster)
        .await
        .map_err(ResourceError::from)?;
    let api: Api<DynamicObject> = match namespace {
        Some(ns) => Api::namespaced_with(client, ns, &kind.resource),
        None => Api::all_with(client, &kind.resource),
    };
    match tokio::time::timeout(FIRST_CONTACT_TIMEOUT, api.get(name)).await {
        Ok(Ok(obj)) => Ok(obj),
        Ok(Err(kube::Error::Api(status))) if status.code == 404 => Err(DetailError::NotFound {
            kind: kind.info.kind.clone(),
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
        }),
        Ok(Err(kube::Error::Api(status))) if status.code == 403 => Err(DetailError::Forbidden {
            kind: kind.info.kind.clone(),
            name: name.to_string(),
            message: status.message.clone(),
        }),
        Ok(Err(e)) => Err(cluster_failure(registry, cluster, &kind.info.plural, &e)
            .await
            .into()),
        Err(_) => Err(ResourceError::timed_out(registry, cluster).await.into()),
    }
}

/// Identity and metadata.
fn base(kind: &KindEntry, obj: &DynamicObject) -> ObjectDetail {
    let meta = &obj.metadata;
    ObjectDetail {
        kind: kind.info.clone(),
        name: meta.name.clone().unwrap_or_default(),
        namespace: meta.namespace.clone(),
        uid: meta.uid.clone().unwrap_or_default(),
        resource_version: meta.resource_version.clone().unwrap_or_default(),
        created_at: meta.creation_timestamp.as_ref().and_then(to_chrono),
        deleting_since: meta.deletion_timestamp.as_ref().and_then(to_chrono),
        status: None,
        summary: Vec::new(),
        tables: Vec::new(),
        labels: meta.labels.clone().unwrap_or_default(),
        annotations: meta.annotations.clone().unwrap_or_default(),
        finalizers: meta.finalizers.clone().unwrap_or_default(),
        conditions: Vec::new(),
        owners: Vec::new(),
        related: Vec::new(),
        events: EventList::default(),
        containers: Vec::new(),
        config_data: Vec::new(),
        secret: None,
        controls: None,
    }
}

pub(crate) fn to_chrono(t: &Time) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(
        t.0.as_second(),
        t.0.subsec_nanosecond().try_into().unwrap_or(0),
    )
}

/// The status the list shows, then the kind's own summary (or the generic one).
fn summarise(d: &mut ObjectDetail, obj: &DynamicObject, v: &Value, ctx: &Ctx, viewer: &UserInfo) {
    let kind = ctx.kind;
    let row = kind.projector.project(obj, &kind.projector.searchable());
    let columns = kind.projector.columns(kind.info.namespaced);
    let extra: Vec<_> = columns
        .into_iter()
        .skip(if kind.info.namespaced { 2 } else { 1 })
        .collect();
    d.status = extra
        .iter()
        .zip(&row.cells)
        .find(|(c, _)| c.kind == ColumnType::Status)
        .map(|(_, text)| StatusText {
            text: text.clone(),
            tone: row.tone,
        })
        .or_else(|| {
            (row.tone != Tone::Neutral).then(|| StatusText {
                text: status_word(row.tone).into(),
                tone: row.tone,
            })
        });
    d.controls = controls::of(&kind.info.group, &kind.info.plural, v);
    match (kind.info.group.as_str(), kind.info.plural.as_str()) {
        ("", "pods") => pods::fill(d, v),
        ("apps", "deployments") => workloads::deployment(d, v),
        ("apps", "statefulsets") => workloads::statefulset(d, v),
        ("apps", "daemonsets") => workloads::daemonset(d, v),
        ("apps", "replicasets") => workloads::replicaset(d, v),
        ("batch", "jobs") => workloads::job(d, v),
        ("batch", "cronjobs") => workloads::cronjob(d, v),
        ("autoscaling", "horizontalpodautoscalers") => workloads::hpa(d, v, ctx),
        ("", "services") => network::service(d, v),
        ("networking.k8s.io", "ingresses") => network::ingress(d, v),
        ("", "persistentvolumeclaims") => storage::claim(d, v),
        ("", "persistentvolumes") => storage::volume(d, v),
        ("storage.k8s.io", "storageclasses") => storage::class(d, v),
        ("", "nodes") => cluster::node(d, v),
        ("", "namespaces") => cluster::namespace(d, v),
        ("", "events") | ("events.k8s.io", "events") => cluster::event(d, v, ctx),
        ("", "configmaps") => config::configmap(d, v),
        ("", "secrets") => config::secret(d, v, secrets::may_reveal(viewer)),
        _ => {
            generic::columns(d, &extra, &row.cells, row.tone);
            generic::scalars(d, v);
        }
    }
}

/// A word for a tone, for kinds whose table has counts but no status column.
pub(super) fn status_word(tone: Tone) -> &'static str {
    match tone {
        Tone::Good => "Ready",
        Tone::Warning => "Progressing",
        Tone::Bad => "Failing",
        Tone::Neutral => "",
    }
}

/// `status.conditions`, each with the tone of its healthy reading.
fn conditions(v: &Value) -> Vec<Condition> {
    fields::arr(v, "/status/conditions")
        .iter()
        .map(|c| {
            let type_ = fields::s(c, "/type");
            let status = fields::s(c, "/status");
            Condition {
                type_: type_.into(),
                status: status.into(),
                tone: fields::condition_tone(type_, status),
                reason: fields::s(c, "/reason").into(),
                message: fields::s(c, "/message").into(),
                last_transition: fields::time(c, "/lastTransitionTime")
                    .or_else(|| fields::time(c, "/lastUpdateTime"))
                    .or_else(|| fields::time(c, "/lastHeartbeatTime")),
            }
        })
        .collect()
}
