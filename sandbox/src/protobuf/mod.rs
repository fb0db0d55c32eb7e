//! Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), which kubectl v1.35 sends on
//! typed creates (`create namespace|secret|configmap|deployment|job|cronjob …`).
//!
//! Wire format: the magic `k8s\0`, then a `runtime.Unknown` whose `typeMeta` names the kind and whose `raw`
//! holds the object encoded with the generated types (k8s-pb). k8s-pb has no serde, so the decoded message
//! is read back through its `Debug` text (`debug.rs`) and turned into JSON guided by the kind's OpenAPI
//! schema, which gives the exact JSON field names (`hostIPC`, not `hostIpc`) and the special encodings
//! (Quantity, IntOrString, Time, bytes).

mod debug;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use prost::Message;
use serde_json::{Map, Value, json};

use crate::error::SandboxError;
use debug::Node;

/// The 4-byte prefix of every Kubernetes protobuf payload.
pub const MAGIC: &[u8; 4] = b"k8s\0";

fn bad(msg: impl std::fmt::Display) -> SandboxError {
    SandboxError::BadRequest(format!("unable to decode protobuf body: {msg}"))
}

macro_rules! decode_kinds {
    ($api_version:expr, $kind:expr, $raw:expr, { $($av:literal, $k:literal => $t:ty),* $(,)? }) => {
        match ($api_version, $kind) {
            $( ($av, $k) => format!("{:?}", <$t>::decode($raw).map_err(bad)?), )*
            (av, k) => return Err(SandboxError::UnsupportedMediaType(format!(
                "application/json, application/yaml (protobuf is not supported for {av} {k})"
            ))),
        }
    };
}

/// Decodes a protobuf body into the JSON form of the object.
pub fn decode(bytes: &[u8]) -> Result<Value, SandboxError> {
    use k8s_pb::api::{apps, autoscaling, batch, core, networking, policy, rbac, scheduling};
    let payload = bytes
        .strip_prefix(MAGIC)
        .ok_or_else(|| bad("missing the k8s magic prefix"))?;
    let unknown = k8s_pb::apimachinery::pkg::runtime::Unknown::decode(payload).map_err(bad)?;
    let type_meta = unknown.type_meta.unwrap_or_default();
    let api_version = type_meta.api_version.unwrap_or_default();
    let kind = type_meta.kind.unwrap_or_default();
    let raw = unknown.raw.unwrap_or_default();
    let raw = raw.as_slice();
    let text = decode_kinds!(api_version.as_str(), kind.as_str(), raw, {
        "v1", "Namespace" => core::v1::Namespace,
        "v1", "ConfigMap" => core::v1::ConfigMap,
        "v1", "Secret" => core::v1::Secret,
        "v1", "Pod" => core::v1::Pod,
        "v1", "Service" => core::v1::Service,
        "v1", "ServiceAccount" => core::v1::ServiceAccount,
        "v1", "ResourceQuota" => core::v1::ResourceQuota,
        "apps/v1", "Deployment" => apps::v1::Deployment,
        "apps/v1", "StatefulSet" => apps::v1::StatefulSet,
        "apps/v1", "DaemonSet" => apps::v1::DaemonSet,
        "apps/v1", "ReplicaSet" => apps::v1::ReplicaSet,
        "batch/v1", "Job" => batch::v1::Job,
        "batch/v1", "CronJob" => batch::v1::CronJob,
        "autoscaling/v2", "HorizontalPodAutoscaler" => autoscaling::v2::HorizontalPodAutoscaler,
        "networking.k8s.io/v1", "Ingress" => networking::v1::Ingress,
        "policy/v1", "PodDisruptionBudget" => policy::v1::PodDisruptionBudget,
        "policy/v1", "Eviction" => policy::v1::Eviction,
        "rbac.authorization.k8s.io/v1", "Role" => rbac::v1::Role,
        "rbac.authorization.k8s.io/v1", "RoleBinding" => rbac::v1::RoleBinding,
        "rbac.authorization.k8s.io/v1", "ClusterRole" => rbac::v1::ClusterRole,
        "rbac.authorization.k8s.io/v1", "ClusterRoleBinding" => rbac::v1::ClusterRoleBinding,
        "scheduling.k8s.io/v1", "PriorityClass" => scheduling::v1::PriorityClass,
    });
    let node = debug::parse(&text).ok_or_else(|| bad("unreadable message"))?;
    let (group, version) = api_version
        .rsplit_once('/')
        .unwrap_or(("", api_version.as_str()));
    let schema = crate::openapi::kind_schema(group, version, &kind).unwrap_or(Value::Null);
    let mut obj = convert(&node, &schema).unwrap_or_else(|| json!({}));
    if let Some(o) = obj.as_object_mut() {
        o.insert("apiVersion".into(), json!(api_version));
        o.insert("kind".into(), json!(kind));
    }
    Ok(obj)
}

/// `snake_case` → `camelCase`, the fallback when the schema has no matching property.
fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The JSON property a prost field stands for: the schema property equal to it ignoring case and `_`.
fn json_name(field: &str, schema: &Value) -> String {
    let squash = |s: &str| s.replace('_', "").to_ascii_lowercase();
    let wanted = squash(field);
    schema
        .get("properties")
        .and_then(Value::as_object)
        .and_then(|props| props.keys().find(|k| squash(k) == wanted).cloned())
        .unwrap_or_else(|| camel(field))
}

fn child(schema: &Value, key: &str) -> Value {
    crate::openapi::resolve_schema(schema.get(key).unwrap_or(&Value::Null))
        .unwrap_or_else(|| schema.get(key).cloned().unwrap_or(Value::Null))
}

fn bytes_of(items: &[Node]) -> Vec<u8> {
    items
        .iter()
        .filter_map(|n| {
            if let Node::Num(s) = n {
                s.parse::<u8>().ok()
            } else {
                None
            }
        })
        .collect()
}

fn field<'a>(fields: &'a [(String, Node)], name: &str) -> Option<&'a Node> {
    let found = fields.iter().find(|(f, _)| f == name).map(|(_, v)| v)?;
    match found {
        Node::Some(inner) => Some(inner),
        Node::None => None,
        other => Some(other),
    }
}

/// Converts a Debug tree to JSON, dropping unset and empty fields as Go's `omitempty` does.
fn convert(node: &Node, schema: &Value) -> Option<Value> {
    let schema = crate::openapi::resolve_schema(schema).unwrap_or_else(|| schema.clone());
    match node {
        Node::None => None,
        Node::Some(inner) => convert(inner, &schema),
        Node::Str(s) => Some(json!(s)),
        Node::Bool(b) => Some(json!(b)),
        Node::Num(n) => n
            .parse::<i64>()
            .map(|i| json!(i))
            .ok()
            .or_else(|| n.parse::<f64>().ok().map(|f| json!(f))),
        Node::List(items) if schema.get("format").and_then(Value::as_str) == Some("byte") => {
            Some(json!(STANDARD.encode(bytes_of(items))))
        }
        Node::List(items) if items.is_empty() => None,
        Node::List(items) => {
            let item_schema = child(&schema, "items");
            Some(Value::Array(
                items
                    .iter()
                    .filter_map(|i| convert(i, &item_schema))
                    .collect(),
            ))
        }
        Node::Map(pairs) if pairs.is_empty() => None,
        Node::Map(pairs) => {
            let value_schema = child(&schema, "additionalProperties");
            let mut out = Map::new();
            for (k, v) in pairs {
                if let (Node::Str(k), Some(v)) = (k, convert(v, &value_schema)) {
                    out.insert(k.clone(), v);
                }
            }
            Some(Value::Object(out))
        }
        Node::Struct(name, fields) => convert_struct(name, fields, &schema),
    }
}

fn convert_struct(name: &str, fields: &[(String, Node)], schema: &Value) -> Option<Value> {
    match name {
        "Quantity" | "QuantityValue" => {
            return field(fields, "string").and_then(|v| convert(v, &Value::Null));
        }
        "IntOrString" => {
            let is_string = matches!(field(fields, "type"), Some(Node::Num(t)) if t == "1");
            return if is_string {
                field(fields, "str_val")
            } else {
                field(fields, "int_val")
            }
            .and_then(|v| convert(v, &Value::Null));
        }
        "Time" | "MicroTime" => {
            let secs: i64 = match field(fields, "seconds") {
                Some(Node::Num(s)) => s.parse().ok()?,
                _ => return None,
            };
            // Go's zero time (year 1) and the epoch both mean "unset" here.
            if secs <= 0 {
                return None;
            }
            let t = chrono::DateTime::from_timestamp(secs, 0)?;
            return Some(json!(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)));
        }
        "RawExtension" | "FieldsV1" => {
            let raw = match field(fields, "raw") {
                Some(Node::List(items)) => bytes_of(items),
                _ => return None,
            };
            return serde_json::from_slice(&raw).ok();
        }
        _ => {}
    }
    let props = child(schema, "properties");
    let mut out = Map::new();
    for (f, v) in fields {
        let key = json_name(f, schema);
        if let Some(v) = convert(v, &child(&props, &key)).filter(|v| !is_go_zero(&key, v)) {
            out.insert(key, v);
        }
    }
    Some(Value::Object(out))
}

/// Fields whose zero value means something (pointers in the Go types, so only sent when set).
const MEANINGFUL_ZERO: &[&str] = &[
    "replicas",
    "parallelism",
    "completions",
    "backoffLimit",
    "activeDeadlineSeconds",
    "ttlSecondsAfterFinished",
    "terminationGracePeriodSeconds",
    "startingDeadlineSeconds",
    "successfulJobsHistoryLimit",
    "failedJobsHistoryLimit",
    "automountServiceAccountToken",
    "enableServiceLinks",
    "runAsUser",
    "runAsGroup",
    "fsGroup",
    "runAsNonRoot",
    "privileged",
    "allowPrivilegeEscalation",
    "readOnlyRootFilesystem",
    "minAvailable",
    "maxUnavailable",
    "immutable",
];

/// Go's protobuf marshalling writes every non-pointer field, so `""`, `0` and `false` arrive for fields the
/// client never set; its JSON would have omitted them (`omitempty`), and so do we.
fn is_go_zero(key: &str, v: &Value) -> bool {
    let zero = match v {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        _ => false,
    };
    zero && (v.is_string() || !MEANINGFUL_ZERO.contains(&key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_pb::api::core::v1 as pb;
    use k8s_pb::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn envelope(api_version: &str, kind: &str, raw: Vec<u8>) -> Vec<u8> {
        let unknown = k8s_pb::apimachinery::pkg::runtime::Unknown {
            type_meta: Some(k8s_pb::apimachinery::pkg::runtime::TypeMeta {
                api_version: Some(api_version.into()),
                kind: Some(kind.into()),
            }),
            raw: Some(raw),
            content_encoding: Some(String::new()),
            content_type: Some(String::new()),
        };
        let mut out = MAGIC.to_vec();
        out.extend(unknown.encode_to_vec());
        out
    }

    #[test]
    fn a_secret_decodes_with_base64_data() {
        let secret = pb::Secret {
            metadata: Some(ObjectMeta {
                name: Some("s".into()),
                ..ObjectMeta::default()
            }),
            data: [("k".to_string(), b"hi".to_vec())].into_iter().collect(),
            r#type: Some("Opaque".into()),
            ..pb::Secret::default()
        };
        let obj = decode(&envelope("v1", "Secret", secret.encode_to_vec())).expect("decode");
        assert_eq!(obj["metadata"]["name"], "s");
        assert_eq!(obj["data"]["k"], "aGk=");
        assert_eq!(obj["type"], "Opaque");
        assert_eq!(obj["kind"], "Secret");
    }

    #[test]
    fn pod_fields_keep_their_json_spelling() {
        let pod = pb::Pod {
            metadata: Some(ObjectMeta {
                name: Some("p".into()),
                ..ObjectMeta::default()
            }),
            spec: Some(pb::PodSpec {
                host_ipc: Some(true),
                containers: vec![pb::Container {
                    name: Some("c".into()),
                    image: Some("nginx".into()),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            ..pb::Pod::default()
        };
        let obj = decode(&envelope("v1", "Pod", pod.encode_to_vec())).expect("decode");
        assert_eq!(obj["spec"]["hostIPC"], true);
        assert_eq!(obj["spec"]["containers"][0]["image"], "nginx");
    }
}
