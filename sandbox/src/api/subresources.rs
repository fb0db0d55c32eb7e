//! Subresources served by the API machinery: `status`, `scale`, `eviction`, `binding`, `proxy`.
//! (`log`, `exec`, `attach`, `portforward` come from behaviour hooks; see `hooks.rs`.)

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Value, json};

use super::body::{content_type, decode_object, json_response, parse_json};
use super::rest::Ctx;
use crate::error::{Cause, SandboxError};
use crate::selectors::LabelSelector;
use crate::store::{DeleteOptions, GroupResource};

/// Routes a subresource request.
pub async fn handle(ctx: Ctx, method: &Method, bytes: Bytes) -> Result<Response, SandboxError> {
    let sub = ctx.target.subresource.clone().unwrap_or_default();
    if !ctx.target.rt.subresources.contains(&sub) {
        return Err(SandboxError::NotFound {
            resource: String::new(),
            name: String::new(),
        });
    }
    match (sub.as_str(), method) {
        ("status", &Method::GET) => get_main(&ctx),
        ("status", &Method::PUT) => write_status(ctx, &bytes, false),
        ("status", &Method::PATCH) => write_status(ctx, &bytes, true),
        ("scale", &Method::GET) => get_scale(&ctx),
        ("scale", &Method::PUT | &Method::PATCH) => write_scale(&ctx, method, &bytes),
        ("eviction", &Method::POST) => evict(&ctx, &bytes),
        ("binding", &Method::POST) => bind(&ctx, &bytes),
        ("proxy", _) => proxy(&ctx),
        ("log" | "exec" | "attach" | "portforward", _) => Err(SandboxError::ServiceUnavailable(
            format!("{sub} is not available: the sandbox's kubelet simulation is not running"),
        )),
        _ => Err(SandboxError::MethodNotSupported),
    }
}

fn get_main(ctx: &Ctx) -> Result<Response, SandboxError> {
    let obj = ctx
        .state
        .store
        .get(&ctx.target.rt.group_resource(), ctx.ns(), ctx.name()?)?;
    Ok(ctx.respond(StatusCode::OK, &obj))
}

fn write_status(ctx: Ctx, bytes: &Bytes, patch: bool) -> Result<Response, SandboxError> {
    let key = ctx.target.rt.group_resource();
    if !patch {
        let mut obj = decode_object(&ctx.headers, bytes)?;
        super::rest::align_identity(&ctx, &mut obj)?;
        let updated = ctx
            .state
            .store
            .update_status(&key, obj, &ctx.write_options())?;
        return Ok(ctx.respond(StatusCode::OK, &updated));
    }
    let ct = content_type(&ctx.headers);
    // Controllers write status all the time: a patch is re-applied to the newest version on a conflict.
    let updated = retry_on_conflict(|| {
        let current = ctx.state.store.get(&key, ctx.ns(), ctx.name()?)?;
        let obj = if ct == crate::patch::APPLY_YAML {
            let mut merged = (*current).clone();
            crate::strategic::patch(&mut merged, &super::body::parse_yaml(bytes)?);
            merged
        } else {
            crate::patch::patched(&ct, &current, bytes)?
        };
        ctx.state
            .store
            .update_status(&key, obj, &ctx.write_options())
    })?;
    Ok(ctx.respond(StatusCode::OK, &updated))
}

/// Runs a read-modify-write again (up to 5 times) when another writer got in between.
fn retry_on_conflict<T>(
    mut attempt: impl FnMut() -> Result<T, SandboxError>,
) -> Result<T, SandboxError> {
    let mut tries = 0;
    loop {
        match attempt() {
            Err(SandboxError::Conflict { .. }) if tries < 5 => tries += 1,
            other => return other,
        }
    }
}

fn selector_string(obj: &Value) -> String {
    let sel = obj.pointer("/spec/selector");
    let mut parts: Vec<String> = sel
        .and_then(|s| s.get("matchLabels").or(Some(s)))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .filter(|(_, v)| v.is_string())
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    for e in sel
        .and_then(|s| s.get("matchExpressions"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let key = e.get("key").and_then(Value::as_str).unwrap_or_default();
        let vals: Vec<&str> = e
            .get("values")
            .and_then(Value::as_array)
            .map(|v| v.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        match e
            .get("operator")
            .and_then(Value::as_str)
            .unwrap_or_default()
        {
            "In" => parts.push(format!("{key} in ({})", vals.join(","))),
            "NotIn" => parts.push(format!("{key} notin ({})", vals.join(","))),
            "Exists" => parts.push(key.to_string()),
            "DoesNotExist" => parts.push(format!("!{key}")),
            _ => {}
        }
    }
    parts.join(",")
}

fn scale_of(obj: &Value) -> Value {
    let meta = obj.get("metadata").cloned().unwrap_or(Value::Null);
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta.get("name"), "namespace": meta.get("namespace"), "uid": meta.get("uid"),
            "resourceVersion": meta.get("resourceVersion"), "creationTimestamp": meta.get("creationTimestamp"),
        },
        "spec": {"replicas": obj.pointer("/spec/replicas").and_then(Value::as_i64).unwrap_or(0)},
        "status": {"replicas": obj.pointer("/status/replicas").and_then(Value::as_i64).unwrap_or(0), "selector": selector_string(obj)},
    })
}

fn get_scale(ctx: &Ctx) -> Result<Response, SandboxError> {
    let obj = ctx
        .state
        .store
        .get(&ctx.target.rt.group_resource(), ctx.ns(), ctx.name()?)?;
    Ok(json_response(StatusCode::OK, &scale_of(&obj)))
}

fn write_scale(ctx: &Ctx, method: &Method, bytes: &Bytes) -> Result<Response, SandboxError> {
    let key = ctx.target.rt.group_resource();
    let name = ctx.name()?.to_string();
    let invalid = |cause: Cause| SandboxError::Invalid {
        kind: "Scale.autoscaling".into(),
        name: name.clone(),
        causes: vec![cause],
    };
    let updated = retry_on_conflict(|| {
        let current = ctx.state.store.get(&key, ctx.ns(), &name)?;
        let scale = if method == Method::PUT {
            decode_object(&ctx.headers, bytes)?
        } else {
            crate::patch::patched(&content_type(&ctx.headers), &scale_of(&current), bytes)?
        };
        let replicas = scale
            .pointer("/spec/replicas")
            .and_then(Value::as_i64)
            .ok_or_else(|| invalid(Cause::required("spec.replicas")))?;
        if replicas < 0 {
            return Err(invalid(Cause::invalid(
                "spec.replicas",
                &replicas.to_string(),
                "must be greater than or equal to 0",
            )));
        }
        let mut obj = (*current).clone();
        obj["spec"]["replicas"] = json!(replicas);
        // A PUT that names a version must match it; a PATCH applies to whatever is current.
        if let Some(rv) = scale
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .filter(|rv| !rv.is_empty() && method == Method::PUT)
        {
            obj["metadata"]["resourceVersion"] = json!(rv);
        }
        ctx.state.store.update(&key, obj, &ctx.write_options())
    })?;
    Ok(json_response(StatusCode::OK, &scale_of(&updated)))
}

/// How many pods a budget allows to be disrupted right now, computed from live pods.
fn disruptions_allowed(pdb: &Value, pods: &[std::sync::Arc<Value>]) -> (i64, i64, i64) {
    let healthy = pods
        .iter()
        .filter(|p| {
            p.pointer("/status/phase").and_then(Value::as_str) == Some("Running")
                && p.pointer("/status/conditions")
                    .and_then(Value::as_array)
                    .is_none_or(|c| {
                        c.iter().all(|c| {
                            c.get("type") != Some(&json!("Ready"))
                                || c.get("status") == Some(&json!("True"))
                        })
                    })
        })
        .count() as i64;
    let total = pods.len() as i64;
    let resolve = |v: &Value| match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => {
            let pct: i64 = s.trim_end_matches('%').parse().unwrap_or(0);
            (pct * total + 99) / 100
        }
        _ => 0,
    };
    let desired = match (
        pdb.pointer("/spec/minAvailable"),
        pdb.pointer("/spec/maxUnavailable"),
    ) {
        (Some(min), _) => resolve(min),
        (None, Some(max)) => total - resolve(max),
        _ => total,
    };
    (healthy - desired, desired, healthy)
}

fn evict(ctx: &Ctx, bytes: &Bytes) -> Result<Response, SandboxError> {
    let pods = GroupResource::core("pods");
    let name = ctx.name()?;
    let pod = ctx.state.store.get(&pods, ctx.ns(), name)?;
    let body = if bytes.is_empty() {
        json!({})
    } else {
        parse_json(bytes)?
    };
    let pdbs = ctx.state.store.list(
        &GroupResource::new("policy", "poddisruptionbudgets"),
        ctx.ns(),
        &LabelSelector::default(),
    );
    let terminal = matches!(
        pod.pointer("/status/phase").and_then(Value::as_str),
        Some("Succeeded" | "Failed")
    );
    for pdb in pdbs.iter().filter(|_| !terminal) {
        let sel =
            LabelSelector::from_object(pdb.pointer("/spec/selector").unwrap_or(&Value::Null))?;
        if sel.is_empty() || !sel.matches(&pod) {
            continue;
        }
        let covered = ctx.state.store.list(&pods, ctx.ns(), &sel);
        let (allowed, desired, healthy) = disruptions_allowed(pdb, &covered);
        if allowed < 1 {
            let pdb_name = crate::store::name_of(pdb);
            let mut status = SandboxError::TooManyRequests(
                "Cannot evict pod as it would violate the pod's disruption budget.".into(),
            )
            .to_status();
            status["details"] = json!({"causes": [{"reason": "DisruptionBudget",
                "message": format!("The disruption budget {pdb_name} needs {desired} healthy pods and has {healthy} currently")}]});
            return Ok((StatusCode::TOO_MANY_REQUESTS, axum::Json(status)).into_response());
        }
    }
    let mut opts = DeleteOptions {
        dry_run: ctx.params.dry_run(),
        ..DeleteOptions::default()
    };
    if let Some(g) = body
        .pointer("/deleteOptions/gracePeriodSeconds")
        .and_then(Value::as_i64)
    {
        opts.grace_period_seconds = Some(g);
    }
    ctx.state.store.delete(&pods, ctx.ns(), name, &opts)?;
    Ok(json_response(
        StatusCode::CREATED,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
    ))
}

fn bind(ctx: &Ctx, bytes: &Bytes) -> Result<Response, SandboxError> {
    let binding = parse_json(bytes)?;
    let node = binding
        .pointer("/target/name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if node.is_empty() {
        return Err(SandboxError::Invalid {
            kind: "Binding".into(),
            name: ctx.name()?.into(),
            causes: vec![Cause::required("target.name")],
        });
    }
    let pods = GroupResource::core("pods");
    ctx.state.store.modify(
        &pods,
        ctx.ns(),
        ctx.name()?,
        |pod| {
            if pod
                .pointer("/spec/nodeName")
                .and_then(Value::as_str)
                .is_some_and(|n| !n.is_empty())
            {
                return Err(SandboxError::Conflict {
                    resource: "pods/binding".into(),
                    name: crate::store::name_of(pod).into(),
                    message: "pod is already assigned to a node".into(),
                });
            }
            pod["spec"]["nodeName"] = json!(node);
            Ok(())
        },
        &ctx.write_options(),
    )?;
    Ok(json_response(
        StatusCode::CREATED,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}),
    ))
}

/// A stand-in for the real proxy: confirms the target exists and says what would have been reached.
fn proxy(ctx: &Ctx) -> Result<Response, SandboxError> {
    let obj = ctx.state.store.get(
        &ctx.target.rt.group_resource(),
        ctx.ns(),
        ctx.name()?.split(':').next().unwrap_or_default(),
    )?;
    let text = format!(
        "capstan sandbox: proxied to {} {}/{} path /{}\n",
        ctx.target.rt.singular,
        crate::store::namespace_of(&obj),
        crate::store::name_of(&obj),
        ctx.target.rest
    );
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
