//! The in-memory object store: the sandbox's etcd plus the generic parts of its registry.
//!
//! # Model
//! Objects are `serde_json::Value`s in wire form (`apiVersion`, `kind`, `metadata`, …) at the API, but
//! kept as their JSON bytes with a small index beside them (labels, nodeName, phase, owners; see
//! `stored.rs`): a tree costs ten times its bytes, which at 150 000 pods is gigabytes. Reads parse
//! (`get`, `list`), lists over the REST API copy the bytes unparsed. Each resource type ([`ResourceType`], keyed by
//! [`GroupResource`]) has its own `BTreeMap` ordered by `(namespace, name)` — the same order as the API
//! server's etcd keys — which makes namespace scans and `limit`/`continue` paging range queries.
//!
//! One cluster-wide counter gives every write its `resourceVersion` (a decimal string on the wire).
//!
//! # Using it from controllers (`behaviour/`)
//! ```ignore
//! let pods = GroupResource::core("pods");
//! let mut events = store.subscribe(&pods);                 // live events only
//! let running = store.list(&pods, Some("shop"), &LabelSelector::parse("app=web")?);
//! store.create(&pods, pod_json, &WriteOptions::manager("replicaset-controller"))?;
//! store.modify(&pods, Some("shop"), "web-1", |pod| { pod["status"]["phase"] = "Running".into(); Ok(()) },
//!              &WriteOptions::manager("kubelet"))?;
//! store.delete(&pods, Some("shop"), "web-1", &DeleteOptions::default())?;
//! ```
//! Writes through the store apply the same metadata rules as the REST API (uid, resourceVersion, generation,
//! finalizers, garbage collection) but no validation: controllers are trusted.
//!
//! # Concurrency
//! One `RwLock` guards everything; writes are short (no I/O, no await) and publish their watch event while
//! holding it. Never call the store from inside a [`Store::modify`] closure (it would deadlock).

mod builtin;
mod delete;
mod graceful;
mod list;
mod meta;
mod stored;
mod types;
mod watch;
mod write;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use serde_json::Value;
use tokio::sync::broadcast;

pub use builtin::builtin_types;
pub use delete::{DeleteOptions, DeleteOutcome, Propagation};
pub use list::{ListPage, ListQuery};
pub use meta::{
    controller_uid, is_ready, metadata_mut, name_of, namespace_of, now, resource_version_of, uid_of,
};
pub use types::{ALL_VERBS, GroupResource, PrinterColumn, ResourceType};
pub use watch::{EventType, HISTORY_PER_TYPE, Subscription, WatchEvent};
pub use write::WriteOptions;

use crate::error::SandboxError;
use crate::selectors::LabelSelector;
pub use stored::Facts;
use stored::{LabelPool, Stored};
use watch::EventLog;

/// `(namespace, name)`; the namespace is empty for cluster-scoped objects.
pub(crate) type ObjectKey = (String, String);

/// A pointer to one stored object, used by the owner index for garbage collection.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    /// Resource type.
    pub resource: GroupResource,
    /// Namespace (empty when cluster-scoped).
    pub namespace: String,
    /// Name.
    pub name: String,
}

/// All objects of one resource type plus its event log.
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) objects: BTreeMap<ObjectKey, Stored>,
    pub(crate) events: EventLog,
}

#[derive(Debug, Default)]
pub(crate) struct State {
    /// Last resourceVersion handed out.
    pub(crate) rv: u64,
    pub(crate) types: BTreeMap<GroupResource, ResourceType>,
    pub(crate) tables: HashMap<GroupResource, Table>,
    /// owner uid → dependents, kept in step with every write so garbage collection never scans.
    pub(crate) dependents: HashMap<String, BTreeSet<ObjectRef>>,
    /// uid → object, for following ownerReferences.
    pub(crate) uids: HashMap<String, ObjectRef>,
    /// Notifies discovery caches when types are added or removed (CRDs).
    pub(crate) types_changed: u64,
    /// Label maps shared between stored objects.
    pub(crate) labels: LabelPool,
}

/// The shared, cheaply clonable handle to the object store.
#[derive(Clone, Debug)]
pub struct Store {
    state: Arc<RwLock<State>>,
    types_tx: broadcast::Sender<()>,
}

impl Default for Store {
    fn default() -> Self {
        Self::new()
    }
}

impl Store {
    /// A store with every built-in type registered and the namespaces a fresh cluster has
    /// (`default`, `kube-system`, `kube-public`, `kube-node-lease`).
    pub fn new() -> Self {
        let store = Self::empty();
        for t in builtin_types() {
            store.register(t);
        }
        let namespaces = GroupResource::core("namespaces");
        for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
            let obj = serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns},
                "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
            // Cannot fail on a fresh store: the names are valid and unique.
            let _ = store.create(&namespaces, obj, &WriteOptions::default());
        }
        store
    }

    /// A store with no types at all (tests of the store itself).
    pub fn empty() -> Self {
        let (types_tx, _) = broadcast::channel(16);
        Self {
            state: Arc::new(RwLock::new(State::default())),
            types_tx,
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        // A panic while holding the lock leaves plain data behind; keep serving rather than poisoning forever.
        self.state
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.state
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Registers (or replaces, e.g. when a CRD changes) a resource type. Existing objects are kept.
    pub fn register(&self, t: ResourceType) {
        let mut st = self.write();
        let key = t.group_resource();
        let floor = st.rv;
        st.tables.entry(key.clone()).or_insert_with(|| Table {
            objects: BTreeMap::new(),
            events: EventLog::new(floor),
        });
        st.types.insert(key, t);
        st.types_changed += 1;
        drop(st);
        let _ = self.types_tx.send(());
    }

    /// Removes a resource type and all its objects (a deleted CRD). Watchers of the type see their stream end.
    pub fn unregister(&self, key: &GroupResource) {
        let mut st = self.write();
        st.types.remove(key);
        st.tables.remove(key);
        st.types_changed += 1;
        drop(st);
        let _ = self.types_tx.send(());
    }

    /// Fires whenever a type is registered or removed (for discovery caches).
    pub fn subscribe_types(&self) -> broadcast::Receiver<()> {
        self.types_tx.subscribe()
    }

    /// All registered types, ordered by group then plural.
    pub fn resource_types(&self) -> Vec<ResourceType> {
        self.read().types.values().cloned().collect()
    }

    /// One type by key.
    pub fn resource_type(&self, key: &GroupResource) -> Option<ResourceType> {
        self.read().types.get(key).cloned()
    }

    /// The type served at `/apis/{group}/{version}/{plural}` (or `/api/v1/{plural}` with an empty group).
    pub fn resolve(&self, group: &str, version: &str, plural: &str) -> Option<ResourceType> {
        self.read()
            .types
            .get(&GroupResource::new(group, plural))
            .filter(|t| t.serves(version))
            .cloned()
    }

    /// The type of a kind in a group (e.g. to follow an ownerReference).
    pub fn resolve_kind(&self, group: &str, kind: &str) -> Option<ResourceType> {
        self.read()
            .types
            .values()
            .find(|t| t.group == group && t.kind == kind)
            .cloned()
    }

    /// The current (latest) resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.read().rv
    }

    /// One object. Errors with 404 when it (or the type) does not exist.
    pub fn get(
        &self,
        key: &GroupResource,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<Arc<Value>, SandboxError> {
        let st = self.read();
        let table = st
            .tables
            .get(key)
            .ok_or_else(|| SandboxError::not_found(key.to_string(), name))?;
        table
            .objects
            .get(&(namespace.unwrap_or_default().to_string(), name.to_string()))
            .map(Stored::value)
            .ok_or_else(|| SandboxError::not_found(key.to_string(), name))
    }

    /// The names of every object of a cluster-scoped type, in order, without parsing any object
    /// (for loops that visit thousands of objects and need only a few of them whole).
    pub fn names(&self, key: &GroupResource) -> Vec<String> {
        let st = self.read();
        let Some(table) = st.tables.get(key) else {
            return Vec::new();
        };
        list::scan(table, None)
            .map(|((_, name), _)| name.clone())
            .collect()
    }

    /// All objects of a type, optionally in one namespace, matching a label selector. For paging and field
    /// selectors use [`Store::list_page`].
    pub fn list(
        &self,
        key: &GroupResource,
        namespace: Option<&str>,
        selector: &LabelSelector,
    ) -> Vec<Arc<Value>> {
        let st = self.read();
        let Some(table) = st.tables.get(key) else {
            return Vec::new();
        };
        let no_fields = crate::selectors::FieldSelector::default();
        list::scan(table, namespace)
            .filter(|(k, o)| o.matches(k, selector, &no_fields))
            .map(|(_, o)| o.value())
            .collect()
    }

    /// The objects whose ownerReferences name `owner_uid`, from the owner index kept by every write (no
    /// scan), ordered by type, namespace and name.
    pub fn dependents_of(&self, owner_uid: &str) -> Vec<ObjectRef> {
        self.read()
            .dependents
            .get(owner_uid)
            .map(|d| d.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// The indexed facts of the objects of type `key` that `owner_uid` controls, through the
    /// owner index: nothing is scanned or parsed.
    pub fn controlled(&self, key: &GroupResource, owner_uid: &str) -> Vec<Facts> {
        let st = self.read();
        let (Some(dependents), Some(table)) = (st.dependents.get(owner_uid), st.tables.get(key))
        else {
            return Vec::new();
        };
        dependents
            .iter()
            .filter(|r| &r.resource == key)
            .filter_map(|r| {
                let object_key = (r.namespace.clone(), r.name.clone());
                let stored = table.objects.get(&object_key)?;
                stored
                    .controlled_by(owner_uid)
                    .then(|| stored.facts(&object_key))
            })
            .collect()
    }

    /// Number of objects of a type (all namespaces).
    pub fn count(&self, key: &GroupResource) -> usize {
        self.read().tables.get(key).map_or(0, |t| t.objects.len())
    }

    /// Compacts every type's event history up to the current version, as etcd compaction does: a watch
    /// from any earlier resourceVersion then gets 410 Gone and the client must list again.
    pub fn compact(&self) {
        let mut st = self.write();
        let rv = st.rv;
        for table in st.tables.values_mut() {
            table.events.compact(rv);
        }
    }

    /// Live events of one type from now on. A receiver that lags more than the channel capacity gets
    /// `RecvError::Lagged` and should re-list.
    pub fn subscribe(
        &self,
        key: &GroupResource,
    ) -> Result<broadcast::Receiver<Arc<WatchEvent>>, SandboxError> {
        let st = self.read();
        let table = st
            .tables
            .get(key)
            .ok_or_else(|| SandboxError::not_found(key.to_string(), ""))?;
        Ok(table.events.subscribe())
    }

    /// A watch on one type. With `since = Some(rv)` it replays the events after `rv` (410 Gone if they are
    /// no longer kept); with `None` it starts with a synthetic `ADDED` event per existing object (in
    /// `namespace` if given), which is what `resourceVersion=""`/`"0"` watches and `sendInitialEvents` get.
    pub fn watch(
        &self,
        key: &GroupResource,
        namespace: Option<&str>,
        since: Option<u64>,
    ) -> Result<Subscription, SandboxError> {
        let st = self.read();
        let table = st
            .tables
            .get(key)
            .ok_or_else(|| SandboxError::not_found(key.to_string(), ""))?;
        let live = table.events.subscribe();
        let replay = match since {
            Some(rv) => table.events.since(rv).ok_or_else(|| {
                SandboxError::Gone(format!("too old resource version: {rv} ({})", st.rv))
            })?,
            None => list::scan(table, namespace)
                .map(|(_, o)| {
                    Arc::new(WatchEvent {
                        event_type: EventType::Added,
                        object: o.value(),
                        resource_version: o.resource_version(),
                        previous: None,
                    })
                })
                .collect(),
        };
        Ok(Subscription {
            replay,
            live,
            start_version: st.rv,
        })
    }
}

#[cfg(test)]
mod tests;
