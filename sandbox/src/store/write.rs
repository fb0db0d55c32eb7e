//! Create and update: the metadata the server owns (uid, resourceVersion, generation, timestamps,
//! managedFields) is set here, so API handlers and controllers get the same rules.

use std::sync::Arc;

use serde_json::Value;

use super::meta::{self, metadata_mut};
use super::stored::Stored;
use super::watch::{Change, EventType};
use super::{GroupResource, ObjectKey, ObjectRef, State, Store};
use crate::error::SandboxError;

/// Options shared by create and update.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Recorded in `managedFields` (`fieldManager` query parameter); `None` records nothing.
    pub field_manager: Option<String>,
    /// `managedFields[].operation`: `Update` unless this is server-side apply.
    pub apply: bool,
    /// `dryRun=All`: run every check, return the result, store nothing.
    pub dry_run: bool,
    /// Server-side apply: the exact field set the manager now owns (instead of the changed fields).
    pub applied_fields: Option<Value>,
    /// Server-side apply with `force`: the other managers' entries after ownership moved.
    pub managed_fields: Option<Value>,
}

impl WriteOptions {
    /// Options naming a field manager (what controllers should use).
    pub fn manager(name: &str) -> Self {
        Self {
            field_manager: Some(name.into()),
            ..Self::default()
        }
    }
}

/// Which part of the object an update may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UpdateScope {
    /// PUT on the object: for types with a status subresource the status is kept as stored.
    Main,
    /// PUT on `/status`: only the status is taken from the new object.
    Status,
    /// Controllers via [`Store::modify`]: everything is taken.
    Everything,
}

impl Store {
    /// Creates an object. The namespace comes from `metadata.namespace` (required for namespaced types);
    /// `metadata.generateName` is honoured. Returns the stored object.
    pub fn create(
        &self,
        key: &GroupResource,
        obj: Value,
        opts: &WriteOptions,
    ) -> Result<Arc<Value>, SandboxError> {
        self.write().create(key, obj, opts)
    }

    /// Replaces an object (PUT semantics). A non-empty `metadata.resourceVersion` must match the stored one
    /// (409 Conflict otherwise). For types with a status subresource the stored status is kept.
    pub fn update(
        &self,
        key: &GroupResource,
        obj: Value,
        opts: &WriteOptions,
    ) -> Result<Arc<Value>, SandboxError> {
        self.write().update(key, obj, opts, UpdateScope::Main)
    }

    /// Replaces only `status` (PUT on `/status`), keeping spec and metadata as stored.
    pub fn update_status(
        &self,
        key: &GroupResource,
        obj: Value,
        opts: &WriteOptions,
    ) -> Result<Arc<Value>, SandboxError> {
        self.write().update(key, obj, opts, UpdateScope::Status)
    }

    /// Atomic read-modify-write for controllers: `f` gets a copy of the stored object and may change
    /// anything (spec, status, labels, finalizers…). No conflict is possible; returning `Err` aborts.
    /// A closure that changes nothing stores nothing and emits no event.
    pub fn modify<F>(
        &self,
        key: &GroupResource,
        namespace: Option<&str>,
        name: &str,
        f: F,
        opts: &WriteOptions,
    ) -> Result<Arc<Value>, SandboxError>
    where
        F: FnOnce(&mut Value) -> Result<(), SandboxError>,
    {
        let mut st = self.write();
        let mut obj = (*st.get_locked(key, namespace.unwrap_or_default(), name)?).clone();
        f(&mut obj)?;
        // The closure cannot cause a conflict: pin the version it started from.
        let rv = st
            .stored(key, namespace.unwrap_or_default(), name)
            .map(Stored::resource_version)
            .ok_or_else(|| SandboxError::not_found(key.to_string(), name))?;
        meta::set_resource_version(&mut obj, rv);
        st.update(key, obj, opts, UpdateScope::Everything)
    }
}

impl State {
    pub(crate) fn get_locked(
        &self,
        key: &GroupResource,
        ns: &str,
        name: &str,
    ) -> Result<Arc<Value>, SandboxError> {
        self.stored(key, ns, name)
            .map(Stored::value)
            .ok_or_else(|| SandboxError::not_found(key.to_string(), name))
    }

    pub(crate) fn stored(&self, key: &GroupResource, ns: &str, name: &str) -> Option<&Stored> {
        self.tables
            .get(key)
            .and_then(|t| t.objects.get(&(ns.to_string(), name.to_string())))
    }

    pub(crate) fn next_rv(&mut self) -> u64 {
        self.rv += 1;
        self.rv
    }

    /// Inserts or replaces `obj` under `key` and publishes the event; keeps the owner index in step.
    pub(crate) fn put(&mut self, key: &GroupResource, obj: Arc<Value>, event_type: EventType) {
        let okey: ObjectKey = (
            meta::namespace_of(&obj).to_string(),
            meta::name_of(&obj).to_string(),
        );
        let stored = Stored::new(&obj, &mut self.labels);
        let Some(table) = self.tables.get_mut(key) else {
            return;
        };
        let uid = meta::uid_of(&obj).to_string();
        let old = table.objects.insert(okey.clone(), stored.clone());
        table.events.publish(Change {
            event_type,
            object: obj,
            stored: &stored,
            previous: old.as_ref(),
        });
        let oref = ObjectRef {
            resource: key.clone(),
            namespace: okey.0,
            name: okey.1,
        };
        self.uids.insert(uid, oref.clone());
        for uid in old.iter().flat_map(Stored::owners) {
            if let Some(deps) = self.dependents.get_mut(uid) {
                deps.remove(&oref);
                if deps.is_empty() {
                    self.dependents.remove(uid);
                }
            }
        }
        for uid in stored.owners() {
            self.dependents
                .entry(uid.to_string())
                .or_default()
                .insert(oref.clone());
        }
    }

    fn create(
        &mut self,
        key: &GroupResource,
        mut obj: Value,
        opts: &WriteOptions,
    ) -> Result<Arc<Value>, SandboxError> {
        let t = self
            .types
            .get(key)
            .cloned()
            .ok_or_else(|| SandboxError::not_found(key.to_string(), meta::name_of(&obj)))?;
        {
            let m = metadata_mut(&mut obj);
            let has_name = m
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| !n.is_empty());
            if !has_name && let Some(prefix) = m.get("generateName").and_then(Value::as_str) {
                let name = format!("{prefix}{}", meta::random_suffix());
                m.insert("name".into(), Value::String(name));
            }
        }
        meta::validate_name(&t.qualified_kind(), &obj)?;
        let ns = meta::namespace_of(&obj).to_string();
        let name = meta::name_of(&obj).to_string();
        if t.namespaced {
            if ns.is_empty() {
                return Err(SandboxError::BadRequest(
                    "the namespace of the object must be set".into(),
                ));
            }
            self.check_namespace_open(&ns)?;
        } else {
            metadata_mut(&mut obj).remove("namespace");
        }
        if self
            .tables
            .get(key)
            .is_some_and(|tb| tb.objects.contains_key(&(ns.clone(), name.clone())))
        {
            return Err(SandboxError::AlreadyExists {
                resource: key.to_string(),
                name,
            });
        }
        if let Some(o) = obj.as_object_mut() {
            o.insert("apiVersion".into(), Value::String(t.api_version()));
            o.insert("kind".into(), Value::String(t.kind.clone()));
        }
        let has_spec = obj.get("spec").is_some();
        let m = metadata_mut(&mut obj);
        for server_owned in [
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "resourceVersion",
            "managedFields",
        ] {
            m.remove(server_owned);
        }
        m.insert("uid".into(), Value::String(meta::new_uid()));
        m.insert("creationTimestamp".into(), Value::String(meta::now()));
        if has_spec {
            m.insert("generation".into(), Value::from(1));
        }
        if let Some(manager) = &opts.field_manager {
            let fields = opts
                .applied_fields
                .clone()
                .unwrap_or_else(|| crate::managed::fields_of(&obj, t.has_status()));
            let op = if opts.apply { "Apply" } else { "Update" };
            meta::record_manager(&mut obj, manager, op, &t.api_version(), fields);
        }
        // After the managers are recorded: what the server generates belongs to no client.
        crate::defaults::with_identity(&t, &mut obj);
        if opts.dry_run {
            return Ok(Arc::new(obj));
        }
        let rv = self.next_rv();
        meta::set_resource_version(&mut obj, rv);
        let obj = Arc::new(obj);
        self.put(key, obj.clone(), EventType::Added);
        Ok(obj)
    }

    /// 404 for a missing namespace, 403 for one being deleted: the API server's admission rules.
    fn check_namespace_open(&self, ns: &str) -> Result<(), SandboxError> {
        let namespaces = GroupResource::core("namespaces");
        if !self.types.contains_key(&namespaces) {
            return Ok(());
        }
        let nsobj = self.get_locked(&namespaces, "", ns)?;
        if meta::is_deleting(&nsobj) {
            return Err(SandboxError::Forbidden(format!(
                "unable to create new content in namespace {ns} because it is being terminated"
            )));
        }
        Ok(())
    }

    pub(crate) fn update(
        &mut self,
        key: &GroupResource,
        mut obj: Value,
        opts: &WriteOptions,
        scope: UpdateScope,
    ) -> Result<Arc<Value>, SandboxError> {
        let t = self
            .types
            .get(key)
            .cloned()
            .ok_or_else(|| SandboxError::not_found(key.to_string(), meta::name_of(&obj)))?;
        let ns = if t.namespaced {
            meta::namespace_of(&obj).to_string()
        } else {
            String::new()
        };
        let name = meta::name_of(&obj).to_string();
        let old = self.get_locked(key, &ns, &name)?;
        let sent_rv = obj
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !sent_rv.is_empty()
            && sent_rv
                != old
                    .pointer("/metadata/resourceVersion")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
        {
            return Err(SandboxError::stale(key.to_string(), name));
        }
        match scope {
            UpdateScope::Status => {
                let status = obj.get("status").cloned();
                obj = (*old).clone();
                if let Some(o) = obj.as_object_mut() {
                    match status {
                        Some(s) => o.insert("status".into(), s),
                        None => o.remove("status"),
                    };
                }
            }
            UpdateScope::Main if t.has_status() => {
                if let Some(o) = obj.as_object_mut() {
                    match old.get("status") {
                        Some(s) => o.insert("status".into(), s.clone()),
                        None => o.remove("status"),
                    };
                }
            }
            _ => {}
        }
        if let Some(o) = obj.as_object_mut() {
            o.insert("apiVersion".into(), Value::String(t.api_version()));
            o.insert("kind".into(), Value::String(t.kind.clone()));
        }
        // Fields only the server may set are carried over from the stored object.
        let old_meta = old
            .get("metadata")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let generation = old_meta.get("generation").and_then(Value::as_i64);
        let bump = meta::desired_state_changed(&old, &obj);
        let m = metadata_mut(&mut obj);
        for carried in [
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "managedFields",
        ] {
            match old_meta.get(carried) {
                Some(v) => m.insert(carried.into(), v.clone()),
                None => m.remove(carried),
            };
        }
        if !t.namespaced {
            m.remove("namespace");
        }
        match (generation, bump) {
            (Some(g), true) => m.insert("generation".into(), Value::from(g + 1)),
            (Some(g), false) => m.insert("generation".into(), Value::from(g)),
            (None, true) => m.insert("generation".into(), Value::from(1)),
            (None, false) => m.remove("generation"),
        };
        if let Some(managed) = &opts.managed_fields {
            m.insert("managedFields".into(), managed.clone());
        }
        if let Some(manager) = &opts.field_manager {
            let fields = opts.applied_fields.clone().unwrap_or_else(|| {
                crate::managed::changed_fields(&old, &obj, scope == UpdateScope::Status)
            });
            let op = if opts.apply { "Apply" } else { "Update" };
            meta::record_manager(&mut obj, manager, op, &t.api_version(), fields);
        }
        meta::set_resource_version(&mut obj, meta::resource_version_of(&old));
        if meta::same_content(&old, &obj) {
            return Ok(old);
        }
        if opts.dry_run {
            return Ok(Arc::new(obj));
        }
        let rv = self.next_rv();
        meta::set_resource_version(&mut obj, rv);
        // The last finalizer is gone from an object whose grace period is over (a pod still stopping on its
        // node has one left and is removed by its kubelet instead).
        let finished = meta::is_deleting(&obj)
            && meta::finalizers_of(&obj).is_empty()
            && super::graceful::current_grace(&obj) == 0;
        let obj = Arc::new(obj);
        self.put(key, obj.clone(), EventType::Modified);
        if finished {
            self.remove(key, &ns, &name);
        }
        Ok(obj)
    }
}
