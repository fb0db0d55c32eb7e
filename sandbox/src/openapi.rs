//! OpenAPI documents (`/openapi/v3`, `/openapi/v3/{group-version}`, `/openapi/v2`) generated from
//! k8s-openapi's schemas, plus CRD schemas; and, in [`fields`], the checks of a written object against
//! them (unknown fields for `fieldValidation`, values of the wrong type).
//!
//! kubectl needs three things from them: the `x-kubernetes-group-version-kind` extension on each kind's
//! schema (`explain`), PATCH operations listing the `fieldValidation` parameter (server-side validation
//! support, used by `apply` and `create -f`), and resolvable `$ref`s.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use k8s_openapi::Resource;
use k8s_openapi::api::{
    apps, autoscaling, batch, coordination, core, discovery, networking, policy, rbac, scheduling,
    storage,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use crate::api::{ApiState, json_response};
use crate::error::SandboxError;
use crate::store::{ResourceType, Store};

mod fields;

pub use fields::{FieldReport, Mistyped, check_fields};

const COMPONENTS: &str = "#/components/schemas/";

/// Built-in schemas: every definition, and the definition name of each (group, version, kind).
struct Schemas {
    definitions: Map<String, Value>,
    roots: BTreeMap<(String, String, String), String>,
}

macro_rules! kinds {
    ($gen:ident, $roots:ident, $($t:ty),* $(,)?) => {
        $(
            let _ = $gen.subschema_for::<$t>();
            $roots.insert(
                (<$t as Resource>::GROUP.to_string(), <$t as Resource>::VERSION.to_string(), <$t as Resource>::KIND.to_string()),
                <$t as schemars::JsonSchema>::schema_name().to_string(),
            );
        )*
    };
}

static SCHEMAS: LazyLock<Schemas> = LazyLock::new(|| {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let mut roots = BTreeMap::new();
    kinds!(
        generator,
        roots,
        core::v1::Pod,
        core::v1::Namespace,
        core::v1::Node,
        core::v1::Service,
        core::v1::Endpoints,
        core::v1::ConfigMap,
        core::v1::Secret,
        core::v1::ServiceAccount,
        core::v1::Event,
        core::v1::PersistentVolume,
        core::v1::PersistentVolumeClaim,
        core::v1::ResourceQuota,
        core::v1::LimitRange,
        core::v1::ReplicationController,
        apps::v1::Deployment,
        apps::v1::ReplicaSet,
        apps::v1::StatefulSet,
        apps::v1::DaemonSet,
        apps::v1::ControllerRevision,
        batch::v1::Job,
        batch::v1::CronJob,
        autoscaling::v2::HorizontalPodAutoscaler,
        autoscaling::v1::Scale,
        discovery::v1::EndpointSlice,
        networking::v1::Ingress,
        networking::v1::IngressClass,
        networking::v1::NetworkPolicy,
        policy::v1::PodDisruptionBudget,
        policy::v1::Eviction,
        rbac::v1::Role,
        rbac::v1::RoleBinding,
        rbac::v1::ClusterRole,
        rbac::v1::ClusterRoleBinding,
        storage::v1::StorageClass,
        coordination::v1::Lease,
        scheduling::v1::PriorityClass,
        apiext::CustomResourceDefinition,
    );
    let mut definitions = generator.take_definitions(true);
    for ((group, version, kind), name) in &roots {
        if let Some(schema) = definitions.get_mut(name).and_then(Value::as_object_mut) {
            schema.insert(
                "x-kubernetes-group-version-kind".into(),
                json!([{"group": group, "version": version, "kind": kind}]),
            );
        }
    }
    Schemas { definitions, roots }
});

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// Definition name for a CRD kind: `com.example.v1.Widget`.
fn crd_definition_name(rt: &ResourceType, version: &str) -> String {
    let reversed: Vec<&str> = rt.group.split('.').rev().collect();
    format!("{}.{version}.{}", reversed.join("."), rt.kind)
}

/// The CRD's `openAPIV3Schema` for `version`, if the type is a CRD.
fn crd_schema(store: &Store, rt: &ResourceType, version: &str) -> Option<Value> {
    let crds =
        crate::store::GroupResource::new("apiextensions.k8s.io", "customresourcedefinitions");
    let crd = store
        .get(&crds, None, &format!("{}.{}", rt.plural, rt.group))
        .ok()?;
    let versions = crd.pointer("/spec/versions")?.as_array()?;
    let v = versions
        .iter()
        .find(|v| v.get("name").and_then(Value::as_str) == Some(version))?;
    v.pointer("/schema/openAPIV3Schema").cloned()
}

fn collect_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(r) = m
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(COMPONENTS))
            {
                out.insert(r.to_string());
            }
            m.values().for_each(|c| collect_refs(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| collect_refs(c, out)),
        _ => {}
    }
}

/// The schemas one group-version document needs: its kinds and everything they reference.
fn closure(roots: impl IntoIterator<Item = String>) -> Map<String, Value> {
    let defs = &SCHEMAS.definitions;
    let mut todo: Vec<String> = roots.into_iter().collect();
    let mut out = Map::new();
    while let Some(name) = todo.pop() {
        if out.contains_key(&name) {
            continue;
        }
        let Some(schema) = defs.get(&name) else {
            continue;
        };
        let mut refs = BTreeSet::new();
        collect_refs(schema, &mut refs);
        todo.extend(refs);
        out.insert(name, schema.clone());
    }
    out
}

fn patch_operation(group: &str, version: &str, kind: &str) -> Value {
    let param = |name: &str| json!({"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": true}});
    json!({
        "operationId": format!("patch{kind}"),
        "x-kubernetes-action": "patch",
        "x-kubernetes-group-version-kind": {"group": group, "version": version, "kind": kind},
        "parameters": [param("dryRun"), param("fieldManager"), param("fieldValidation"), param("force")],
        "responses": {"200": {"description": "OK"}},
    })
}

/// The OpenAPI v3 document of one group-version.
fn group_document(store: &Store, group: &str, version: &str) -> Option<Value> {
    let types: Vec<ResourceType> = store
        .resource_types()
        .into_iter()
        .filter(|t| t.group == group && t.serves(version) && t.stored)
        .collect();
    if types.is_empty() {
        return None;
    }
    let mut paths = Map::new();
    let mut roots = Vec::new();
    let mut extra = Map::new();
    for t in &types {
        let base = if t.namespaced {
            format!(
                "/{}/namespaces/{{namespace}}/{}/{{name}}",
                gv_path(group, version),
                t.plural
            )
        } else {
            format!("/{}/{}/{{name}}", gv_path(group, version), t.plural)
        };
        paths.insert(
            base,
            json!({"patch": patch_operation(group, version, &t.kind)}),
        );
        if let Some(root) =
            SCHEMAS
                .roots
                .get(&(group.to_string(), version.to_string(), t.kind.clone()))
        {
            roots.push(root.clone());
        } else if let Some(mut schema) = crd_schema(store, t, version) {
            schema["x-kubernetes-group-version-kind"] =
                json!([{"group": group, "version": version, "kind": t.kind}]);
            extra.insert(crd_definition_name(t, version), schema);
        }
    }
    if !extra.is_empty() {
        roots.push("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta".into());
    }
    let mut schemas = closure(roots);
    schemas.extend(extra);
    Some(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.35.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }))
}

/// `GET /openapi/v3`: the index of group-version documents.
pub async fn v3_index(State(state): State<ApiState>) -> Response {
    let mut paths = Map::new();
    for t in state.store.resource_types().iter().filter(|t| t.stored) {
        for v in &t.versions {
            let p = gv_path(&t.group, v);
            let url = format!(
                "/openapi/v3/{p}?hash={:016X}",
                state.store.resource_version()
            );
            paths.insert(p, json!({"serverRelativeURL": url}));
        }
    }
    json_response(StatusCode::OK, &json!({"paths": paths}))
}

/// `GET /openapi/v3/api/v1`, `GET /openapi/v3/apis/{group}/{version}`.
pub async fn v3_group(
    State(state): State<ApiState>,
    Path(path): Path<String>,
) -> Result<Response, SandboxError> {
    let parts: Vec<&str> = path.split('/').collect();
    let (group, version) = match parts.as_slice() {
        ["api", v] => ("", *v),
        ["apis", g, v] => (*g, *v),
        _ => {
            return Err(SandboxError::NotFound {
                resource: String::new(),
                name: String::new(),
            });
        }
    };
    let doc =
        group_document(&state.store, group, version).ok_or_else(|| SandboxError::NotFound {
            resource: String::new(),
            name: String::new(),
        })?;
    Ok(json_response(StatusCode::OK, &doc))
}

fn rewrite_refs(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref")
                && let Some(name) = r.strip_prefix(COMPONENTS)
            {
                *r = format!("#/definitions/{name}");
            }
            m.values_mut().for_each(rewrite_refs);
        }
        Value::Array(a) => a.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// `GET /openapi/v2`: Swagger 2.0 with the built-in definitions (JSON only).
pub async fn v2(headers: HeaderMap) -> Result<Response, SandboxError> {
    let accept = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/json");
    if !accept.contains("json") && !accept.contains("*/*") {
        return Err(SandboxError::NotFound {
            resource: String::new(),
            name: String::new(),
        });
    }
    let mut defs = Value::Object(SCHEMAS.definitions.clone());
    rewrite_refs(&mut defs);
    let doc = json!({"swagger": "2.0", "info": {"title": "Kubernetes", "version": "v1.35.0"}, "paths": {}, "definitions": defs});
    Ok(json_response(StatusCode::OK, &doc))
}

/// The built-in schema of a kind, if known.
pub fn kind_schema(group: &str, version: &str, kind: &str) -> Option<Value> {
    let name = SCHEMAS
        .roots
        .get(&(group.to_string(), version.to_string(), kind.to_string()))?;
    SCHEMAS.definitions.get(name).cloned()
}

/// Follows `$ref` (and `allOf: [{$ref}]`) to the schema it names; `None` when `schema` is no reference.
pub fn resolve_schema(schema: &Value) -> Option<Value> {
    let resolved = resolve(schema, &SCHEMAS.definitions);
    (!std::ptr::eq(resolved, schema)).then(|| resolved.clone())
}

fn resolve<'a>(schema: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    let mut cur = schema;
    for _ in 0..8 {
        let r = cur
            .get("$ref")
            .and_then(Value::as_str)
            .or_else(|| cur.pointer("/allOf/0/$ref").and_then(Value::as_str));
        match r
            .and_then(|r| r.strip_prefix(COMPONENTS))
            .and_then(|n| defs.get(n))
        {
            Some(next) => cur = next,
            None => break,
        }
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_carry_their_group_version_kind() {
        let doc = group_document(&Store::new(), "apps", "v1").expect("doc");
        let gvk = &doc["components"]["schemas"]["io.k8s.api.apps.v1.Deployment"]["x-kubernetes-group-version-kind"];
        assert_eq!(gvk[0]["kind"], "Deployment");
    }
}
