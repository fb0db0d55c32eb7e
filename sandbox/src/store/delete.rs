//! Deletion: finalizers, deletionTimestamp, propagation policies and garbage collection by
//! ownerReferences, plus namespace termination.
//!
//! The API server does garbage collection asynchronously in kube-controller-manager; the sandbox does it
//! synchronously inside the delete, under the same lock, so tests see a settled state at once. Watchers still
//! see the owner's events first and the dependents' after, in that order.

use std::sync::Arc;

use serde_json::{Value, json};

use super::graceful;
use super::meta::{self, metadata_mut};
use super::stored::Stored;
use super::watch::{Change, EventType};
use super::{GroupResource, ObjectRef, State, Store};
use crate::error::SandboxError;

/// `propagationPolicy` of a delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    /// Delete the owner now, its dependents right after (the default).
    #[default]
    Background,
    /// Keep the owner (with the `foregroundDeletion` finalizer) until its dependents are gone.
    Foreground,
    /// Delete the owner, strip its ownerReference from dependents and leave them.
    Orphan,
}

impl Propagation {
    /// Parses the query/body value.
    pub fn parse(s: &str) -> Result<Self, SandboxError> {
        match s {
            "Background" => Ok(Self::Background),
            "Foreground" => Ok(Self::Foreground),
            "Orphan" => Ok(Self::Orphan),
            other => Err(SandboxError::BadRequest(format!(
                "invalid propagationPolicy: {other}"
            ))),
        }
    }
}

/// Options of a delete (query parameters or a `DeleteOptions` body).
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    /// How dependents are treated.
    pub propagation: Propagation,
    /// `dryRun=All`.
    pub dry_run: bool,
    /// `gracePeriodSeconds`: how long a pod bound to a node gets to stop (its spec's
    /// `terminationGracePeriodSeconds` when `None`); 0 deletes at once. Other kinds ignore it.
    pub grace_period_seconds: Option<i64>,
    /// `preconditions.uid`: 409 if the stored object has another uid.
    pub precondition_uid: Option<String>,
    /// `preconditions.resourceVersion`: 409 if the stored object has another version.
    pub precondition_resource_version: Option<String>,
}

/// What a delete did.
#[derive(Debug, Clone)]
pub enum DeleteOutcome {
    /// The object is gone; this is its last state.
    Deleted(Arc<Value>),
    /// The object now has a deletionTimestamp and waits for finalizers (or dependents, for Foreground).
    Pending(Arc<Value>),
}

impl DeleteOutcome {
    /// The object in either case.
    pub fn object(&self) -> &Arc<Value> {
        match self {
            Self::Deleted(o) | Self::Pending(o) => o,
        }
    }
}

const FOREGROUND: &str = "foregroundDeletion";

/// Sets what a pending deletion shows: the time by which the object goes (now + grace), the grace
/// period and the finalizers it waits for.
fn mark_deleting(obj: &mut Value, grace: i64, finalizers: &[String]) {
    let at = chrono::Utc::now() + chrono::TimeDelta::seconds(grace);
    let m = metadata_mut(obj);
    m.insert(
        "deletionTimestamp".into(),
        json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    );
    m.insert("deletionGracePeriodSeconds".into(), json!(grace));
    m.insert("finalizers".into(), json!(finalizers));
}

impl Store {
    /// Deletes an object following `opts` (see [`DeleteOptions`]). 404 if it does not exist.
    pub fn delete(
        &self,
        key: &GroupResource,
        namespace: Option<&str>,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<DeleteOutcome, SandboxError> {
        self.write()
            .delete(key, namespace.unwrap_or_default(), name, opts)
    }
}

impl State {
    pub(crate) fn delete(
        &mut self,
        key: &GroupResource,
        ns: &str,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<DeleteOutcome, SandboxError> {
        let obj = self.get_locked(key, ns, name)?;
        if let Some(uid) = &opts.precondition_uid
            && uid != meta::uid_of(&obj)
        {
            return Err(SandboxError::Conflict {
                resource: key.to_string(),
                name: name.into(),
                message: format!(
                    "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                    meta::uid_of(&obj)
                ),
            });
        }
        if let Some(rv) = &opts.precondition_resource_version
            && *rv != meta::resource_version_of(&obj).to_string()
        {
            return Err(SandboxError::stale(key.to_string(), name));
        }
        let uid = meta::uid_of(&obj).to_string();
        let has_dependents = self.dependents.get(&uid).is_some_and(|d| !d.is_empty());
        let is_namespace = key.group.is_empty() && key.resource == "namespaces";
        let mut finalizers = meta::finalizers_of(&obj);
        if opts.propagation == Propagation::Foreground
            && has_dependents
            && !finalizers.iter().any(|f| f == FOREGROUND)
        {
            finalizers.push(FOREGROUND.into());
        }
        let grace = graceful::grace_seconds(key, &obj, opts);
        let waits = !finalizers.is_empty() || is_namespace || grace.is_some();
        let grace = grace.unwrap_or(0);
        if opts.dry_run {
            let mut preview = (*obj).clone();
            if waits {
                mark_deleting(&mut preview, grace, &finalizers);
                return Ok(DeleteOutcome::Pending(Arc::new(preview)));
            }
            return Ok(DeleteOutcome::Deleted(obj));
        }
        if opts.propagation == Propagation::Orphan {
            self.orphan_dependents(&uid);
        }
        if !waits {
            let gone = self.remove(key, ns, name).unwrap_or(obj);
            return Ok(DeleteOutcome::Deleted(gone));
        }
        let mut marked = (*obj).clone();
        let first = !meta::is_deleting(&marked);
        // A second delete may shorten a pod's grace period (never lengthen it), as `--grace-period=1` does.
        if first || grace < graceful::current_grace(&marked) {
            mark_deleting(&mut marked, grace, &finalizers);
            if first
                && let Some(g) = marked
                    .pointer("/metadata/generation")
                    .and_then(Value::as_i64)
            {
                metadata_mut(&mut marked).insert("generation".into(), json!(g + 1));
            }
            if is_namespace {
                marked["status"] = json!({"phase": "Terminating"});
            }
            let rv = self.next_rv();
            meta::set_resource_version(&mut marked, rv);
            self.put(key, Arc::new(marked.clone()), EventType::Modified);
        }
        if opts.propagation == Propagation::Foreground {
            for dep in self.dependents.get(&uid).cloned().unwrap_or_default() {
                let fg = DeleteOptions {
                    propagation: Propagation::Foreground,
                    ..DeleteOptions::default()
                };
                let _ = self.delete(&dep.resource, &dep.namespace, &dep.name, &fg);
            }
            self.release_foreground_owner(&uid);
        }
        if is_namespace {
            self.empty_namespace(name);
            self.finish_namespace_if_empty(name);
        }
        match self.get_locked(key, ns, name) {
            Ok(still) => Ok(DeleteOutcome::Pending(still)),
            Err(_) => Ok(DeleteOutcome::Deleted(Arc::new(marked))),
        }
    }

    /// Removes an object for good, publishes DELETED and runs garbage collection. Returns its last state.
    pub(crate) fn remove(
        &mut self,
        key: &GroupResource,
        ns: &str,
        name: &str,
    ) -> Option<Arc<Value>> {
        let table = self.tables.get_mut(key)?;
        let old = table.objects.remove(&(ns.to_string(), name.to_string()))?;
        self.rv += 1;
        let rv = self.rv;
        let old = old.value();
        let mut last = (*old).clone();
        meta::set_resource_version(&mut last, rv);
        let last = Arc::new(last);
        let stored = Stored::new(&last, &mut self.labels);
        if let Some(table) = self.tables.get_mut(key) {
            table.events.publish(Change {
                event_type: EventType::Deleted,
                object: last.clone(),
                stored: &stored,
                previous: None,
            });
        }
        let oref = ObjectRef {
            resource: key.clone(),
            namespace: ns.into(),
            name: name.into(),
        };
        self.uids.remove(meta::uid_of(&old));
        let owners = meta::owner_uids(&old);
        for uid in &owners {
            if let Some(deps) = self.dependents.get_mut(uid) {
                deps.remove(&oref);
                if deps.is_empty() {
                    self.dependents.remove(uid);
                }
            }
        }
        // Owners waiting in foreground deletion may now be free to go.
        for uid in &owners {
            self.release_foreground_owner(uid);
        }
        self.collect_dependents(meta::uid_of(&old));
        if !ns.is_empty() {
            self.finish_namespace_if_empty(ns);
        }
        Some(last)
    }

    /// Background garbage collection: dependents whose every owner is gone are deleted; dependents with a
    /// surviving owner just lose the reference.
    fn collect_dependents(&mut self, owner_uid: &str) {
        let Some(deps) = self.dependents.remove(owner_uid) else {
            return;
        };
        for dep in deps {
            let Ok(obj) = self.get_locked(&dep.resource, &dep.namespace, &dep.name) else {
                continue;
            };
            let other_owner_alive = meta::owner_uids(&obj)
                .iter()
                .any(|uid| uid != owner_uid && self.uids.contains_key(uid));
            if other_owner_alive {
                self.strip_owner(&dep, owner_uid);
            } else {
                let _ = self.delete(
                    &dep.resource,
                    &dep.namespace,
                    &dep.name,
                    &DeleteOptions::default(),
                );
            }
        }
    }

    /// Orphan propagation: dependents keep living without the reference.
    fn orphan_dependents(&mut self, owner_uid: &str) {
        for dep in self.dependents.remove(owner_uid).unwrap_or_default() {
            self.strip_owner(&dep, owner_uid);
        }
    }

    fn strip_owner(&mut self, dep: &ObjectRef, owner_uid: &str) {
        let Ok(obj) = self.get_locked(&dep.resource, &dep.namespace, &dep.name) else {
            return;
        };
        let mut obj = (*obj).clone();
        let m = metadata_mut(&mut obj);
        if let Some(refs) = m.get_mut("ownerReferences").and_then(Value::as_array_mut) {
            refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(owner_uid));
            if refs.is_empty() {
                m.remove("ownerReferences");
            }
        }
        let rv = self.next_rv();
        meta::set_resource_version(&mut obj, rv);
        self.put(&dep.resource, Arc::new(obj), EventType::Modified);
    }

    /// Drops the `foregroundDeletion` finalizer of owner `uid` once it has no dependents left, completing
    /// its deletion when no other finalizer remains.
    fn release_foreground_owner(&mut self, uid: &str) {
        if self.dependents.get(uid).is_some_and(|d| !d.is_empty()) {
            return;
        }
        let Some(oref) = self.uids.get(uid).cloned() else {
            return;
        };
        let key = oref.resource;
        let Ok(owner) = self.get_locked(&key, &oref.namespace, &oref.name) else {
            return;
        };
        if !meta::is_deleting(&owner)
            || !meta::finalizers_of(&owner).iter().any(|f| f == FOREGROUND)
        {
            return;
        }
        let mut owner = (*owner).clone();
        let remaining: Vec<String> = meta::finalizers_of(&owner)
            .into_iter()
            .filter(|f| f != FOREGROUND)
            .collect();
        let (ns, name) = (
            meta::namespace_of(&owner).to_string(),
            meta::name_of(&owner).to_string(),
        );
        metadata_mut(&mut owner).insert("finalizers".into(), json!(remaining));
        let rv = self.next_rv();
        meta::set_resource_version(&mut owner, rv);
        self.put(&key, Arc::new(owner), EventType::Modified);
        if remaining.is_empty() {
            self.remove(&key, &ns, &name);
        }
    }

    /// Deletes everything in a terminating namespace (objects with finalizers stay until released).
    fn empty_namespace(&mut self, ns: &str) {
        let namespaced: Vec<GroupResource> = self
            .types
            .values()
            .filter(|t| t.namespaced)
            .map(|t| t.group_resource())
            .collect();
        for key in namespaced {
            let names: Vec<String> = self
                .tables
                .get(&key)
                .map(|t| {
                    super::list::scan(t, Some(ns))
                        .map(|((_, n), _)| n.clone())
                        .collect()
                })
                .unwrap_or_default();
            for name in names {
                let _ = self.delete(&key, ns, &name, &DeleteOptions::default());
            }
        }
    }

    /// Removes a terminating namespace once nothing is left in it.
    fn finish_namespace_if_empty(&mut self, ns: &str) {
        let namespaces = GroupResource::core("namespaces");
        let Ok(nsobj) = self.get_locked(&namespaces, "", ns) else {
            return;
        };
        if !meta::is_deleting(&nsobj) {
            return;
        }
        let occupied = self.types.values().filter(|t| t.namespaced).any(|t| {
            self.tables
                .get(&t.group_resource())
                .is_some_and(|tb| super::list::scan(tb, Some(ns)).next().is_some())
        });
        if !occupied && meta::finalizers_of(&nsobj).is_empty() {
            self.remove(&namespaces, "", ns);
        }
    }
}
