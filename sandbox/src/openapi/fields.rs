//! What a written object holds that its schema does not allow: fields the schema does not know (reported
//! or refused by `fieldValidation`) and values of the wrong JSON type (`"replicas": "many"`), which the API
//! server never stores: a built-in kind fails to decode into its Go struct (400), a custom resource fails
//! its schema (422).

use serde_json::{Map, Value, json};

use super::{COMPONENTS, SCHEMAS, crd_schema, resolve};
use crate::error::{Cause, SandboxError};
use crate::store::{ResourceType, Store};

/// A value whose JSON type is not the one its schema declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mistyped {
    /// Where, e.g. `spec.replicas`.
    pub path: String,
    /// The declared type as Go names it (`int32`, `string`, `bool`, …).
    pub expected: String,
    /// The JSON type found (`string`, `number`, `bool`, `object`, `array`).
    pub found: &'static str,
    /// The value found, as JSON.
    pub value: String,
}

/// Everything [`check_fields`] found.
#[derive(Debug, Default)]
pub struct FieldReport {
    /// Fields the schema does not know (`spec.containers[0].imagee`).
    pub unknown: Vec<String>,
    /// Values of the wrong type.
    pub mistyped: Vec<Mistyped>,
    /// Whether the schema is a custom resource's (its type errors are 422, not 400).
    custom: bool,
}

impl FieldReport {
    /// The error the API server answers for the first wrong type, if any.
    pub fn type_error(&self, rt: &ResourceType, name: &str) -> Option<SandboxError> {
        let first = self.mistyped.first()?;
        if !self.custom {
            return Some(SandboxError::BadRequest(format!(
                "json: cannot unmarshal {} into Go struct field {}.{} of type {}",
                first.found, rt.kind, first.path, first.expected
            )));
        }
        let causes = self
            .mistyped
            .iter()
            .map(|m| Cause {
                reason: "FieldValueTypeInvalid".into(),
                message: format!(
                    "Invalid value: \"{}\": {} in body must be of type {}: {}",
                    m.found, m.path, m.expected, m.value
                ),
                field: m.path.clone(),
            })
            .collect();
        Some(SandboxError::Invalid {
            kind: rt.qualified_kind(),
            name: name.into(),
            causes,
        })
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn fits(declared: &str, value: &Value) -> bool {
    match declared {
        "integer" => value
            .as_f64()
            .is_some_and(|n| value.is_i64() || value.is_u64() || n.fract() == 0.0),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        _ => true,
    }
}

/// The schema's type, if it declares one a value can break (`null` always decodes, to the zero value).
fn type_mismatch(schema: &Value, value: &Value) -> Option<String> {
    if value.is_null() || schema.get("x-kubernetes-int-or-string") == Some(&json!(true)) {
        return None;
    }
    let declared: Vec<&str> = match schema.get("type")? {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    if declared.is_empty() || declared.iter().any(|t| fits(t, value)) {
        return None;
    }
    let format = schema.get("format").and_then(Value::as_str);
    Some(match (declared[0], format) {
        ("integer", Some(f @ ("int32" | "int64"))) => f.to_owned(),
        ("integer", _) => "int64".to_owned(),
        ("number", _) => "float64".to_owned(),
        ("boolean", _) => "bool".to_owned(),
        (other, _) => other.to_owned(),
    })
}

struct Walk<'a> {
    defs: &'a Map<String, Value>,
    /// Whether to check value types: not in schemas whose declared types are loose (the CRD kind's own
    /// `JSON` fields are declared `object` but hold any value).
    types: bool,
    report: FieldReport,
}

impl Walk<'_> {
    fn walk(&mut self, schema: &Value, value: &Value, path: &str) {
        let schema = resolve(schema, self.defs);
        if self.types
            && let Some(expected) = type_mismatch(schema, value)
        {
            self.report.mistyped.push(Mistyped {
                path: path.to_owned(),
                expected,
                found: json_type(value),
                value: value.to_string(),
            });
            return;
        }
        if schema.get("x-kubernetes-preserve-unknown-fields") == Some(&json!(true)) {
            return;
        }
        match value {
            Value::Object(obj) => {
                let props = schema.get("properties").and_then(Value::as_object);
                let additional = schema
                    .get("additionalProperties")
                    .filter(|a| !a.is_boolean());
                for (k, v) in obj {
                    let child = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    match (props.and_then(|p| p.get(k)), additional) {
                        (Some(s), _) => self.walk(s, v, &child),
                        (None, Some(a)) => self.walk(a, v, &child),
                        (None, None) if props.is_some() => self.report.unknown.push(child),
                        _ => {}
                    }
                }
            }
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, v) in items.iter().enumerate() {
                        self.walk(item_schema, v, &format!("{path}[{i}]"));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Checks `obj` against the schema of `rt` (built-in, or its CRD's `openAPIV3Schema`).
pub fn check_fields(store: &Store, rt: &ResourceType, obj: &Value) -> FieldReport {
    let defs = &SCHEMAS.definitions;
    let builtin = SCHEMAS
        .roots
        .get(&(rt.group.clone(), rt.version.clone(), rt.kind.clone()))
        .and_then(|n| defs.get(n));
    let mut walk = Walk {
        defs,
        types: rt.group != "apiextensions.k8s.io",
        report: FieldReport::default(),
    };
    match builtin {
        Some(schema) => walk.walk(schema, obj, ""),
        None => {
            if let Some(mut schema) = crd_schema(store, rt, &rt.version) {
                // metadata is always ObjectMeta, whatever the CRD schema says.
                if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
                    props.insert("metadata".into(), json!({"$ref": format!("{COMPONENTS}io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")}));
                    props.insert("apiVersion".into(), json!({"type": "string"}));
                    props.insert("kind".into(), json!({"type": "string"}));
                }
                walk.report.custom = true;
                walk.walk(&schema, obj, "");
            }
        }
    }
    walk.report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_found_with_their_paths() {
        let store = Store::new();
        let rt = store.resolve("", "v1", "pods").expect("pods");
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a": "b"}},
                         "spec": {"containers": [{"name": "c", "image": "i", "imagee": "x"}], "bogus": 1}});
        let mut unknown = check_fields(&store, &rt, &pod).unknown;
        unknown.sort();
        assert_eq!(
            unknown,
            vec![
                "spec.bogus".to_string(),
                "spec.containers[0].imagee".to_string()
            ]
        );
    }

    #[test]
    fn the_seeded_demo_cluster_is_well_typed() {
        // Seeds skip admission: a slip there would make every later kubectl patch of the object fail.
        let store = Store::new();
        crate::behaviour::seed::apply(&store, &crate::Scenario::Demo).expect("seeds");
        for rt in store.resource_types() {
            for obj in store.list(&rt.group_resource(), None, &Default::default()) {
                let report = check_fields(&store, &rt, &obj);
                assert_eq!(
                    report.mistyped,
                    vec![],
                    "{} {}",
                    rt.kind,
                    crate::store::name_of(&obj)
                );
            }
        }
    }

    #[test]
    fn values_of_the_wrong_type_are_found_but_int_or_string_and_quantities_take_both() {
        let store = Store::new();
        let rt = store
            .resolve("apps", "v1", "deployments")
            .expect("deployments");
        let deploy = json!({"metadata": {"name": "d", "labels": {"a": "b"}}, "spec": {
            "replicas": "many",
            "strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}},
            "template": {"spec": {"containers": [{"name": "c", "image": "i",
                "resources": {"requests": {"cpu": 1, "memory": "1Gi"}},
                "ports": [{"containerPort": 80.0}]}]}},
        }});
        let report = check_fields(&store, &rt, &deploy);
        assert_eq!(
            report.mistyped,
            vec![Mistyped {
                path: "spec.replicas".into(),
                expected: "int32".into(),
                found: "string",
                value: "\"many\"".into(),
            }]
        );
        let error = report.type_error(&rt, "d").map(|e| e.code());
        assert_eq!(error, Some(400));
        let label = json!({"metadata": {"name": "d", "labels": {"a": 1}}});
        assert_eq!(
            check_fields(&store, &rt, &label).mistyped[0].path,
            "metadata.labels.a"
        );
    }
}
