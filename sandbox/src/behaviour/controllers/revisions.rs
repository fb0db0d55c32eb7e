//! ControllerRevisions: the template history a StatefulSet or DaemonSet keeps, one object per
//! template it has run (named `<owner>-<template hash>`, numbered in order, the template in
//! `data` as a replacing patch), which `kubectl rollout history|undo` reads for those kinds. A
//! template that comes back (a rollback) moves its revision to the top, as on a cluster.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::behaviour::object::{self, controller_ref, kinds, owned};
use crate::store::{DeleteOptions, Store, WriteOptions};

/// The label a revision carries with its template hash.
const HASH_LABEL: &str = "controller.kubernetes.io/hash";
const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

fn number(revision: &Value) -> i64 {
    object::int_at(revision, "/revision").unwrap_or(0)
}

/// Makes sure `owner`'s current `template` (whose hash is `hash`) is its newest revision, and
/// drops the oldest beyond `spec.revisionHistoryLimit` (10). Returns the revision's number.
pub fn record(store: &Store, owner: &Value, hash: &str, template: &Value, manager: &str) -> i64 {
    let name = format!("{}-{hash}", object::name(owner));
    let namespace = object::namespace(owner).to_owned();
    let mut revisions: Vec<Arc<Value>> = owned(store, &kinds::controller_revisions(), owner);
    let newest = revisions.iter().map(|r| number(r)).max().unwrap_or(0);
    let opts = WriteOptions::manager(manager);
    let current = match revisions.iter().find(|r| object::name(r) == name) {
        Some(existing) if number(existing) == newest => newest,
        Some(_) => {
            let _ = store.modify(
                &kinds::controller_revisions(),
                Some(&namespace),
                &name,
                |stored| {
                    stored["revision"] = json!(newest + 1);
                    Ok(())
                },
                &opts,
            );
            newest + 1
        }
        None => {
            let mut labels = owner
                .pointer("/spec/selector/matchLabels")
                .cloned()
                .unwrap_or_else(|| json!({}));
            labels[HASH_LABEL] = json!(hash);
            let mut metadata = json!({
                "name": name,
                "namespace": namespace,
                "labels": labels,
                "ownerReferences": [controller_ref(owner)],
            });
            if let Some(cause) = owner
                .pointer("/metadata/annotations")
                .and_then(|a| a.get(CHANGE_CAUSE))
            {
                metadata["annotations"] = json!({ CHANGE_CAUSE: cause });
            }
            let mut replacing = template.clone();
            replacing["$patch"] = json!("replace");
            let revision = json!({
                "apiVersion": "apps/v1",
                "kind": "ControllerRevision",
                "metadata": metadata,
                "data": {"spec": {"template": replacing}},
                "revision": newest + 1,
            });
            if let Ok(created) = store.create(&kinds::controller_revisions(), revision, &opts) {
                revisions.push(created);
            }
            newest + 1
        }
    };
    let limit = object::int_at(owner, "/spec/revisionHistoryLimit")
        .unwrap_or(10)
        .max(0) as usize;
    let mut old: Vec<&Arc<Value>> = revisions
        .iter()
        .filter(|r| object::name(r) != name)
        .collect();
    old.sort_by_key(|r| number(r));
    let excess = old.len().saturating_sub(limit);
    for revision in old.into_iter().take(excess) {
        let _ = store.delete(
            &kinds::controller_revisions(),
            Some(&namespace),
            object::name(revision),
            &DeleteOptions::default(),
        );
    }
    current
}
