//! Semantic validation: the 422 Invalid errors, with field causes, that clients show to users.
//! Only the rules users commonly trip over are checked; the API server has many more.

use serde_json::Value;

use crate::error::{Cause, SandboxError};
use crate::selectors::LabelSelector;
use crate::store::ResourceType;

fn containers(spec: Option<&Value>, prefix: &str, causes: &mut Vec<Cause>) {
    let list = spec
        .and_then(|s| s.get("containers"))
        .and_then(Value::as_array);
    match list {
        None => causes.push(Cause::required(format!("{prefix}.containers"))),
        Some(list) if list.is_empty() => {
            causes.push(Cause::required(format!("{prefix}.containers")))
        }
        Some(list) => {
            for (i, c) in list.iter().enumerate() {
                let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
                if name.is_empty() {
                    causes.push(Cause::required(format!("{prefix}.containers[{i}].name")));
                }
                if c.get("image")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
                {
                    causes.push(Cause::required(format!("{prefix}.containers[{i}].image")));
                }
            }
        }
    }
}

fn workload(obj: &Value, needs_restart_never: bool, causes: &mut Vec<Cause>) {
    let spec = obj.get("spec");
    let template = spec.and_then(|s| s.get("template"));
    containers(
        template.and_then(|t| t.get("spec")),
        "spec.template.spec",
        causes,
    );
    if needs_restart_never {
        let policy = template
            .and_then(|t| t.pointer("/spec/restartPolicy"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        if policy != "Never" && policy != "OnFailure" {
            causes.push(Cause {
                reason: "FieldValueNotSupported".into(),
                message: format!(
                    "Unsupported value: \"{policy}\": supported values: \"OnFailure\", \"Never\""
                ),
                field: "spec.template.spec.restartPolicy".into(),
            });
        }
        return;
    }
    match spec.and_then(|s| s.get("selector")) {
        None | Some(Value::Null) => causes.push(Cause::required("spec.selector")),
        Some(sel) => {
            let labels = template
                .and_then(|t| t.pointer("/metadata/labels"))
                .and_then(Value::as_object);
            if let Ok(sel) = LabelSelector::from_object(sel)
                && !sel.matches_labels(labels)
            {
                causes.push(Cause {
                    reason: "FieldValueInvalid".into(),
                    message: "Invalid value: `selector` does not match template `labels`".into(),
                    field: "spec.template.metadata.labels".into(),
                });
            }
        }
    }
}

/// Validates `obj` as `rt`, returning 422 with every cause found.
pub fn validate(rt: &ResourceType, obj: &Value) -> Result<(), SandboxError> {
    let mut causes = Vec::new();
    match (rt.group.as_str(), rt.plural.as_str()) {
        ("", "pods") => containers(obj.get("spec"), "spec", &mut causes),
        ("apps", "deployments" | "replicasets" | "statefulsets" | "daemonsets") => {
            workload(obj, false, &mut causes)
        }
        ("batch", "jobs") => workload(obj, true, &mut causes),
        ("batch", "cronjobs") => {
            if obj
                .pointer("/spec/schedule")
                .and_then(Value::as_str)
                .is_none_or(str::is_empty)
            {
                causes.push(Cause::required("spec.schedule"));
            }
            let tpl = obj.pointer("/spec/jobTemplate/spec/template/spec");
            containers(tpl, "spec.jobTemplate.spec.template.spec", &mut causes);
        }
        ("", "services") => {
            let kind = obj
                .pointer("/spec/type")
                .and_then(Value::as_str)
                .unwrap_or("ClusterIP");
            let headless = obj.pointer("/spec/clusterIP").and_then(Value::as_str) == Some("None");
            let ports = obj
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if ports == 0 && kind != "ExternalName" && !headless {
                causes.push(Cause::required("spec.ports"));
            }
        }
        _ => {}
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(SandboxError::Invalid {
            kind: rt.qualified_kind(),
            name: crate::store::name_of(obj).into(),
            causes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_pod_without_an_image_names_the_field() {
        let rt = ResourceType::new("", "v1", "pods", "Pod", true);
        let err = validate(
            &rt,
            &json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]}}),
        );
        assert_eq!(
            err.map_err(|e| e.to_status()["details"]["causes"][0]["field"].clone())
                .err(),
            Some(json!("spec.containers[0].image"))
        );
    }

    #[test]
    fn a_deployment_selector_must_match_its_template() {
        let rt = ResourceType::new("apps", "v1", "deployments", "Deployment", true);
        let d = json!({"spec": {"selector": {"matchLabels": {"app": "a"}}, "template": {"metadata": {"labels": {"app": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}});
        assert!(validate(&rt, &d).is_err());
    }
}
