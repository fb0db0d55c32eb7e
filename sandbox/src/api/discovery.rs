//! Discovery: `/api`, `/api/v1`, `/apis`, `/apis/{group}`, `/apis/{group}/{version}`, plain and aggregated
//! (`apidiscovery.k8s.io/v2`), built from the store's registered types so CRDs appear as soon as they exist.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::ApiState;
use super::body::{json_response, json_response_typed};
use crate::error::SandboxError;
use crate::store::ResourceType;

const AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/// Whether the client asked for aggregated discovery v2 (kubectl ≥ 1.30 does, with a plain JSON fallback).
fn wants_aggregated(headers: &HeaderMap) -> bool {
    headers
        .get_all(axum::http::header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|a| {
            a.contains("as=APIGroupDiscoveryList") && a.contains("v=v2") && !a.contains("v=v2beta1")
        })
}

/// Groups (ordered, core first) with their types per version; a type is listed under each served version.
fn by_group(state: &ApiState) -> BTreeMap<(u8, String), BTreeMap<String, Vec<ResourceType>>> {
    let mut groups: BTreeMap<(u8, String), BTreeMap<String, Vec<ResourceType>>> = BTreeMap::new();
    for t in state.store.resource_types() {
        // Built-in groups come before CRD groups, in the API server's priority order.
        let rank = group_rank(&t.group);
        for v in &t.versions {
            groups
                .entry((rank, t.group.clone()))
                .or_default()
                .entry(v.clone())
                .or_default()
                .push(t.clone());
        }
    }
    groups
}

fn group_rank(group: &str) -> u8 {
    match group {
        "" => 0,
        "apps" | "batch" | "autoscaling" | "policy" | "networking.k8s.io" | "discovery.k8s.io" => 1,
        g if g.ends_with(".k8s.io") => 2,
        _ => 3,
    }
}

/// Versions sorted the way Kubernetes prefers them: v2 > v1 > v1beta2 > v1beta1 > v1alpha1.
fn sort_versions(versions: &mut [String], preferred: &str) {
    let score = |v: &str| {
        if v == preferred {
            return (0, 0, 0);
        }
        let rest = v.trim_start_matches('v');
        let major: i32 = rest
            .chars()
            .take_while(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(0);
        let stability = if rest.contains("alpha") {
            2
        } else if rest.contains("beta") {
            1
        } else {
            0
        };
        (1, stability, -major)
    };
    versions.sort_by_key(|v| score(v));
}

/// Kind and verbs of subresources, as the API server advertises them.
fn subresource_info(t: &ResourceType, sub: &str) -> (String, String, String, Vec<&'static str>) {
    let same = (t.group.clone(), t.version.clone(), t.kind.clone());
    let (g, v, k, verbs): (String, String, String, Vec<&str>) = match sub {
        "status" => (same.0, same.1, same.2, vec!["get", "patch", "update"]),
        "scale" => (
            "autoscaling".into(),
            "v1".into(),
            "Scale".into(),
            vec!["get", "patch", "update"],
        ),
        "log" => (same.0, same.1, "Pod".into(), vec!["get"]),
        "exec" => (
            same.0,
            same.1,
            "PodExecOptions".into(),
            vec!["create", "get"],
        ),
        "attach" => (
            same.0,
            same.1,
            "PodAttachOptions".into(),
            vec!["create", "get"],
        ),
        "portforward" => (
            same.0,
            same.1,
            "PodPortForwardOptions".into(),
            vec!["create", "get"],
        ),
        "eviction" => (
            "policy".into(),
            "v1".into(),
            "Eviction".into(),
            vec!["create"],
        ),
        "binding" => (same.0, same.1, "Binding".into(), vec!["create"]),
        "ephemeralcontainers" => (same.0, same.1, "Pod".into(), vec!["get", "patch", "update"]),
        "finalize" => (same.0, same.1, "Namespace".into(), vec!["update"]),
        "token" => (
            "authentication.k8s.io".into(),
            "v1".into(),
            "TokenRequest".into(),
            vec!["create"],
        ),
        "proxy" => (
            same.0,
            same.1,
            format!("{}ProxyOptions", t.kind),
            vec!["create", "delete", "get", "patch", "update"],
        ),
        _ => (same.0, same.1, same.2, vec!["get"]),
    };
    (g, v, k, verbs)
}

/// `APIResourceList.resources[]` entries for one type (the type plus `type/sub` entries).
fn plain_entries(t: &ResourceType) -> Vec<Value> {
    let mut out = vec![json!({
        "name": t.plural,
        "singularName": t.singular,
        "namespaced": t.namespaced,
        "kind": t.kind,
        "verbs": t.verbs,
        "shortNames": t.short_names,
        "categories": t.categories,
    })];
    for sub in &t.subresources {
        let (g, v, k, verbs) = subresource_info(t, sub);
        let mut e = json!({"name": format!("{}/{sub}", t.plural), "singularName": "", "namespaced": t.namespaced, "kind": k, "verbs": verbs});
        if g != t.group || v != t.version {
            e["group"] = json!(g);
            e["version"] = json!(v);
        }
        out.push(e);
    }
    out
}

/// The `apidiscovery.k8s.io/v2` entry for one type.
fn aggregated_entry(t: &ResourceType, version: &str) -> Value {
    let subresources: Vec<Value> = t
        .subresources
        .iter()
        .map(|sub| {
            let (g, v, k, verbs) = subresource_info(t, sub);
            json!({"subresource": sub, "responseKind": {"group": g, "version": v, "kind": k}, "verbs": verbs})
        })
        .collect();
    json!({
        "resource": t.plural,
        "responseKind": {"group": t.group, "version": version, "kind": t.kind},
        "scope": if t.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": t.singular,
        "verbs": t.verbs,
        "shortNames": t.short_names,
        "categories": t.categories,
        "subresources": subresources,
    })
}

fn aggregated(state: &ApiState, core: bool) -> Response {
    let items: Vec<Value> = by_group(state)
        .into_iter()
        .filter(|((_, g), _)| g.is_empty() == core)
        .map(|((_, group), versions)| {
            let preferred = versions
                .values()
                .flatten()
                .next()
                .map(|t| t.version.clone())
                .unwrap_or_default();
            let mut names: Vec<String> = versions.keys().cloned().collect();
            sort_versions(&mut names, &preferred);
            let versions: Vec<Value> = names
                .iter()
                .map(|v| {
                    let resources: Vec<Value> = versions
                        .get(v)
                        .into_iter()
                        .flatten()
                        .map(|t| aggregated_entry(t, v))
                        .collect();
                    json!({"version": v, "resources": resources, "freshness": "Current"})
                })
                .collect();
            json!({"metadata": {"name": group, "creationTimestamp": null}, "versions": versions})
        })
        .collect();
    let body = json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2", "metadata": {}, "items": items});
    json_response_typed(StatusCode::OK, &body, AGGREGATED)
}

/// `GET /api`.
pub async fn core_versions(State(state): State<ApiState>, headers: HeaderMap) -> Response {
    if wants_aggregated(&headers) {
        return aggregated(&state, true);
    }
    json_response(
        StatusCode::OK,
        &json!({"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:443"}]}),
    )
}

/// `GET /api/v1`.
pub async fn core_resources(State(state): State<ApiState>) -> Response {
    resource_list(&state, "", "v1")
}

fn group_json(group: &str, versions: &BTreeMap<String, Vec<ResourceType>>) -> Value {
    let preferred = versions
        .values()
        .flatten()
        .next()
        .map(|t| t.version.clone())
        .unwrap_or_default();
    let mut names: Vec<String> = versions.keys().cloned().collect();
    sort_versions(&mut names, &preferred);
    let vs: Vec<Value> = names
        .iter()
        .map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v}))
        .collect();
    json!({"name": group, "versions": vs, "preferredVersion": {"groupVersion": format!("{group}/{preferred}"), "version": preferred}})
}

/// `GET /apis`.
pub async fn groups(State(state): State<ApiState>, headers: HeaderMap) -> Response {
    if wants_aggregated(&headers) {
        return aggregated(&state, false);
    }
    let groups: Vec<Value> = by_group(&state)
        .iter()
        .filter(|((_, g), _)| !g.is_empty())
        .map(|((_, g), versions)| group_json(g, versions))
        .collect();
    json_response(
        StatusCode::OK,
        &json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}),
    )
}

/// `GET /apis/{group}`.
pub async fn group(
    State(state): State<ApiState>,
    Path(group): Path<String>,
) -> Result<Response, SandboxError> {
    let all = by_group(&state);
    let (_, versions) =
        all.iter()
            .find(|((_, g), _)| *g == group)
            .ok_or_else(|| SandboxError::NotFound {
                resource: String::new(),
                name: group.clone(),
            })?;
    let mut body = group_json(&group, versions);
    body["kind"] = json!("APIGroup");
    body["apiVersion"] = json!("v1");
    Ok(json_response(StatusCode::OK, &body))
}

/// `GET /apis/{group}/{version}`.
pub async fn group_resources(
    State(state): State<ApiState>,
    Path((group, version)): Path<(String, String)>,
) -> Response {
    resource_list(&state, &group, &version)
}

fn resource_list(state: &ApiState, group: &str, version: &str) -> Response {
    let types: Vec<ResourceType> = state
        .store
        .resource_types()
        .into_iter()
        .filter(|t| t.group == group && t.serves(version))
        .collect();
    if types.is_empty() {
        return axum::response::IntoResponse::into_response(SandboxError::NotFound {
            resource: String::new(),
            name: format!("{group}/{version}"),
        });
    }
    let resources: Vec<Value> = types.iter().flat_map(plain_entries).collect();
    let gv = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    json_response(
        StatusCode::OK,
        &json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_versions_sort_before_betas() {
        let mut v = vec![
            "v1beta1".to_string(),
            "v1".into(),
            "v2".into(),
            "v1alpha1".into(),
        ];
        sort_versions(&mut v, "v2");
        assert_eq!(v, vec!["v2", "v1", "v1beta1", "v1alpha1"]);
    }
}
