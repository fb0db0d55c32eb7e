//! Server-side apply (`application/apply-patch+yaml`): field ownership per manager in `managedFields`,
//! conflicts with other managers (409 unless `force=true`), and removal of fields a manager stopped applying.
//!
//! Field sets are compared at the leaves of the `FieldsV1` trees built by `managed.rs`; this is coarser than
//! structured-merge-diff (no per-type list semantics beyond the common merge keys) but gives kubectl and
//! kube-rs the behaviour they rely on.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use axum::response::Response;
use bytes::Bytes;
use serde_json::{Value, json};

use crate::api::body::parse_yaml;
use crate::api::rest::{Ctx, admit, align_identity};
use crate::error::SandboxError;
use crate::managed::fields_of;

type FieldPath = Vec<String>;

/// Leaf paths of a FieldsV1 tree; list items (`k:`/`v:` nodes) are also reported as a whole.
fn paths(set: &Value, prefix: &mut FieldPath, out: &mut BTreeSet<FieldPath>) {
    let Some(obj) = set.as_object() else { return };
    let children: Vec<(&String, &Value)> = obj.iter().filter(|(k, _)| k.as_str() != ".").collect();
    if (children.is_empty() || obj.contains_key(".")) && !prefix.is_empty() {
        out.insert(prefix.clone());
    }
    for (k, v) in children {
        prefix.push(k.clone());
        paths(v, prefix, out);
        prefix.pop();
    }
}

fn path_set(set: &Value) -> BTreeSet<FieldPath> {
    let mut out = BTreeSet::new();
    paths(set, &mut Vec::new(), &mut out);
    out
}

fn matches_item(item: &Value, token: &str) -> bool {
    if let Some(k) = token.strip_prefix("k:") {
        let Ok(Value::Object(key)) = serde_json::from_str::<Value>(k) else {
            return false;
        };
        return key.iter().all(|(f, v)| item.get(f) == Some(v));
    }
    token
        .strip_prefix("v:")
        .and_then(|v| serde_json::from_str::<Value>(v).ok())
        .is_some_and(|v| *item == v)
}

fn get_at<'a>(obj: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut cur = obj;
    for token in path {
        cur = match token.strip_prefix("f:") {
            Some(f) => cur.get(f)?,
            None => cur.as_array()?.iter().find(|i| matches_item(i, token))?,
        };
    }
    Some(cur)
}

fn remove_at(obj: &mut Value, path: &[String]) {
    let Some((last, parent_path)) = path.split_last() else {
        return;
    };
    let mut cur = obj;
    for token in parent_path {
        let next = match token.strip_prefix("f:") {
            Some(f) => cur.get_mut(f),
            None => cur
                .as_array_mut()
                .and_then(|a| a.iter_mut().find(|i| matches_item(i, token))),
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    match last.strip_prefix("f:") {
        Some(f) => {
            if let Some(o) = cur.as_object_mut() {
                o.remove(f);
            }
        }
        None => {
            if let Some(a) = cur.as_array_mut() {
                a.retain(|i| !matches_item(i, last));
            }
        }
    }
}

fn display(path: &[String]) -> String {
    path.iter()
        .map(|t| {
            t.strip_prefix("f:")
                .map_or_else(|| format!("[{t}]"), |f| format!(".{f}"))
        })
        .collect()
}

/// Managers other than `me` and the paths they own.
fn other_owners(live: &Value, me: &str) -> Vec<(String, String, BTreeSet<FieldPath>)> {
    live.pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|e| {
            !(e.get("manager").and_then(Value::as_str) == Some(me)
                && e.get("operation").and_then(Value::as_str) == Some("Apply"))
        })
        .map(|e| {
            let manager = e
                .get("manager")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let api_version = e
                .get("apiVersion")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            (
                manager,
                api_version,
                e.get("fieldsV1").map(path_set).unwrap_or_default(),
            )
        })
        .collect()
}

/// `PATCH` with `application/apply-patch+yaml`: creates the object if missing.
pub fn handle(mut ctx: Ctx, bytes: &Bytes) -> Result<Response, SandboxError> {
    let manager = ctx
        .params
        .get("fieldManager")
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            SandboxError::BadRequest("PATCH /apply requires fieldManager to be set".into())
        })?
        .to_string();
    let force = ctx.params.flag("force");
    let mut applied = parse_yaml(bytes)?;
    align_identity(&ctx, &mut applied)?;
    let key = ctx.target.rt.group_resource();
    let skip_status = ctx.target.rt.has_status();
    let applied_fields = fields_of(&applied, skip_status);
    let mut opts = ctx.write_options();
    opts.field_manager = Some(manager.clone());
    opts.apply = true;
    opts.applied_fields = Some(applied_fields.clone());

    let Ok(live) = ctx.state.store.get(&key, ctx.ns(), ctx.name()?) else {
        let mut obj = applied;
        crate::defaults::initial_status(&ctx.target.rt, &mut obj);
        admit(&mut ctx, &mut obj)?;
        let created = ctx.state.store.create(&key, obj, &opts)?;
        crate::crd::after_write(&ctx.state.store, &ctx.target.rt, &created);
        return Ok(ctx.respond(StatusCode::CREATED, &created));
    };

    let new_paths = path_set(&applied_fields);
    let mut others = other_owners(&live, &manager);
    let mut conflicts = Vec::new();
    for (other, api_version, owned) in &mut others {
        let clashing: Vec<FieldPath> = new_paths
            .iter()
            .filter(|p| owned.contains(*p) && get_at(&live, p) != get_at(&applied, p))
            .cloned()
            .collect();
        for p in clashing {
            if force {
                owned.remove(&p);
            } else {
                conflicts.push((other.clone(), api_version.clone(), p));
            }
        }
    }
    if !conflicts.is_empty() {
        let lines: Vec<String> = conflicts
            .iter()
            .map(|(m, v, p)| format!("conflict with \"{m}\" using {v}: {}", display(p)))
            .collect();
        return Err(SandboxError::Conflict {
            resource: key.to_string(),
            name: ctx.name()?.to_string(),
            message: format!(
                "Apply failed with {} conflict{}: {}",
                lines.len(),
                if lines.len() == 1 { "" } else { "s" },
                lines.join("\n")
            ),
        });
    }

    let mut merged = (*live).clone();
    crate::strategic::patch(&mut merged, &applied);
    // Fields this manager applied before but not now are removed, unless someone else also owns them.
    let previous = live
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .and_then(|entries| {
            entries.iter().find(|e| {
                e.get("manager").and_then(Value::as_str) == Some(manager.as_str())
                    && e.get("operation").and_then(Value::as_str) == Some("Apply")
            })
        })
        .and_then(|e| e.get("fieldsV1"))
        .map(path_set)
        .unwrap_or_default();
    for gone in previous.difference(&new_paths) {
        let shared = others.iter().any(|(_, _, owned)| owned.contains(gone));
        let still_needed = new_paths.iter().any(|p| p.starts_with(gone));
        if !shared && !still_needed {
            remove_at(&mut merged, gone);
        }
    }
    if force {
        opts.managed_fields = Some(rewrite_others(&live, &manager, &others));
    }
    if let Some(m) = merged.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("resourceVersion");
    }
    admit(&mut ctx, &mut merged)?;
    let updated = ctx.state.store.update(&key, merged, &opts)?;
    crate::crd::after_write(&ctx.state.store, &ctx.target.rt, &updated);
    Ok(ctx.respond(StatusCode::OK, &updated))
}

/// Rebuilds other managers' entries after a forced apply took fields from them.
fn rewrite_others(
    live: &Value,
    me: &str,
    others: &[(String, String, BTreeSet<FieldPath>)],
) -> Value {
    let entries = live
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let rewritten: Vec<Value> = entries
        .into_iter()
        .map(|mut e| {
            let manager = e
                .get("manager")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if manager == me {
                return e;
            }
            if let Some((_, _, owned)) = others.iter().find(|(m, _, _)| *m == manager) {
                e["fieldsV1"] = to_fields(owned);
            }
            e
        })
        .collect();
    json!(rewritten)
}

fn to_fields(paths: &BTreeSet<FieldPath>) -> Value {
    let mut root = json!({});
    for p in paths {
        let mut cur = &mut root;
        for token in p {
            cur = cur
                .as_object_mut()
                .map(|o| o.entry(token.clone()).or_insert_with(|| json!({})))
                .unwrap_or_else(|| unreachable!("nodes are objects"));
        }
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_lookup_follow_list_keys() {
        let obj = json!({"spec": {"containers": [{"name": "web", "image": "nginx"}]}});
        let set = path_set(&fields_of(&obj, true));
        let image: FieldPath = vec![
            "f:spec".into(),
            "f:containers".into(),
            "k:{\"name\":\"web\"}".into(),
            "f:image".into(),
        ];
        assert!(set.contains(&image));
        assert_eq!(get_at(&obj, &image), Some(&json!("nginx")));
        let mut removed = obj.clone();
        remove_at(&mut removed, &image);
        assert_eq!(removed, json!({"spec": {"containers": [{"name": "web"}]}}));
        assert_eq!(
            display(&image),
            ".spec.containers[k:{\"name\":\"web\"}].image"
        );
    }
}
