//! An [`AppSpec`] as the Kubernetes objects it stands for: a Deployment, a Service when its
//! ports are exposed, and a PersistentVolumeClaim per new-claim volume. Every object carries the
//! app's labels plus `app.kubernetes.io/managed-by: capstan` and `capstan.io/app: <name>`; the
//! Deployment also keeps the form itself (to prefill an update) and the replica count a stop
//! leaves behind (to start again).

use model::apps::{APP_LABEL, AppSpec, EnvValue, Expose, MANAGED_BY, VolumeSource};
use serde_json::{Map, Value, json};

use crate::resources::objects::yaml;

/// The annotation holding the form as JSON.
pub const SPEC_ANNOTATION: &str = "capstan.io/app-spec";
/// The annotation holding the replicas to start with after a stop.
pub const LAST_REPLICAS: &str = "capstan.io/last-replicas";

/// The objects of one app, in the order they are created.
pub struct Manifests {
    pub claims: Vec<Value>,
    pub deployment: Value,
    pub service: Option<Value>,
}

impl Manifests {
    /// Every object, claims first (pods wait for them), as one multi-document YAML text.
    pub fn to_yaml(&self) -> String {
        self.claims
            .iter()
            .chain(std::iter::once(&self.deployment))
            .chain(self.service.iter())
            .map(yaml::render)
            .collect::<Vec<_>>()
            .join("---\n")
    }
}

/// The name of the claim made for volume `index`.
pub fn claim_name(app: &str, index: usize) -> String {
    format!("{app}-data-{index}")
}

fn labels(spec: &AppSpec) -> Map<String, Value> {
    let mut labels: Map<String, Value> = spec
        .labels
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    labels.insert("app.kubernetes.io/name".into(), json!(spec.name));
    labels.insert("app.kubernetes.io/managed-by".into(), json!(MANAGED_BY));
    labels.insert(APP_LABEL.into(), json!(spec.name));
    labels
}

fn port_name(port: i32, protocol: &str) -> String {
    format!("{}-{port}", protocol.to_ascii_lowercase())
}

/// The objects for `spec`, which must have passed [`model::apps::validate`].
pub fn build(spec: &AppSpec) -> Manifests {
    let labels = labels(spec);
    let selector = json!({ APP_LABEL: spec.name });
    let meta = |name: &str| json!({ "name": name, "namespace": spec.namespace, "labels": labels });

    let mut container = json!({ "name": spec.name, "image": spec.image.trim() });
    if !spec.command.is_empty() {
        container["command"] = json!(spec.command);
    }
    if !spec.args.is_empty() {
        container["args"] = json!(spec.args);
    }
    if !spec.ports.is_empty() {
        container["ports"] = spec
            .ports
            .iter()
            .map(|p| {
                json!({
                    "name": port_name(p.container_port, p.protocol.as_str()),
                    "containerPort": p.container_port,
                    "protocol": p.protocol.as_str(),
                })
            })
            .collect();
    }
    if !spec.env.is_empty() {
        container["env"] = spec
            .env
            .iter()
            .map(|e| match &e.value {
                EnvValue::Plain { value } => json!({ "name": e.name, "value": value }),
                EnvValue::ConfigMap { name, key } => json!({
                    "name": e.name,
                    "valueFrom": { "configMapKeyRef": { "name": name, "key": key } },
                }),
                EnvValue::Secret { name, key } => json!({
                    "name": e.name,
                    "valueFrom": { "secretKeyRef": { "name": name, "key": key } },
                }),
            })
            .collect();
    }
    let r = &spec.resources;
    let mut requests = Map::new();
    let mut limits = Map::new();
    for (limit, key, value) in [
        (false, "cpu", &r.cpu_request),
        (true, "cpu", &r.cpu_limit),
        (false, "memory", &r.memory_request),
        (true, "memory", &r.memory_limit),
    ] {
        if !value.trim().is_empty() {
            let map = if limit { &mut limits } else { &mut requests };
            map.insert(key.into(), json!(value.trim()));
        }
    }
    if r.gpus > 0 {
        requests.insert("nvidia.com/gpu".into(), json!(r.gpus.to_string()));
        limits.insert("nvidia.com/gpu".into(), json!(r.gpus.to_string()));
    }
    if !requests.is_empty() || !limits.is_empty() {
        let mut resources = Map::new();
        if !requests.is_empty() {
            resources.insert("requests".into(), Value::Object(requests));
        }
        if !limits.is_empty() {
            resources.insert("limits".into(), Value::Object(limits));
        }
        container["resources"] = Value::Object(resources);
    }

    let mut volumes = Vec::new();
    let mut mounts = Vec::new();
    let mut claims = Vec::new();
    for (i, v) in spec.volumes.iter().enumerate() {
        let name = format!("vol-{i}");
        let source = match &v.source {
            VolumeSource::EmptyDir => json!({ "emptyDir": {} }),
            VolumeSource::ConfigMap { name } => json!({ "configMap": { "name": name } }),
            VolumeSource::Secret { name } => json!({ "secret": { "secretName": name } }),
            VolumeSource::ExistingClaim { claim } => {
                json!({ "persistentVolumeClaim": { "claimName": claim } })
            }
            VolumeSource::NewClaim {
                size,
                storage_class,
            } => {
                let claim = claim_name(&spec.name, i);
                let mut claim_spec = json!({
                    "accessModes": ["ReadWriteOnce"],
                    "resources": { "requests": { "storage": size.trim() } },
                });
                if let Some(class) = storage_class.as_deref().filter(|c| !c.is_empty()) {
                    claim_spec["storageClassName"] = json!(class);
                }
                claims.push(json!({
                    "apiVersion": "v1",
                    "kind": "PersistentVolumeClaim",
                    "metadata": meta(&claim),
                    "spec": claim_spec,
                }));
                json!({ "persistentVolumeClaim": { "claimName": claim } })
            }
        };
        let mut volume = json!({ "name": name });
        if let (Some(volume), Some(source)) = (volume.as_object_mut(), source.as_object()) {
            volume.extend(source.clone());
        }
        volumes.push(volume);
        let mut mount = json!({ "name": name, "mountPath": v.mount_path.trim() });
        if v.read_only {
            mount["readOnly"] = json!(true);
        }
        mounts.push(mount);
    }
    if !mounts.is_empty() {
        container["volumeMounts"] = json!(mounts);
    }
    let mut pod_spec = json!({ "containers": [container] });
    if !volumes.is_empty() {
        pod_spec["volumes"] = json!(volumes);
    }

    let mut annotations: Map<String, Value> = spec
        .annotations
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    annotations.insert(
        SPEC_ANNOTATION.into(),
        json!(serde_json::to_string(spec).unwrap_or_default()),
    );
    let mut deployment_meta = meta(&spec.name);
    deployment_meta["annotations"] = Value::Object(annotations);
    let deployment = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": deployment_meta,
        "spec": {
            "replicas": spec.replicas,
            "selector": { "matchLabels": selector },
            "template": {
                "metadata": { "labels": labels },
                "spec": pod_spec,
            },
        },
    });

    let service = (spec.expose != Expose::None).then(|| {
        let ports: Vec<Value> = spec
            .ports
            .iter()
            .map(|p| {
                let mut port = json!({
                    "name": port_name(p.container_port, p.protocol.as_str()),
                    "port": p.service_port.unwrap_or(p.container_port),
                    "targetPort": p.container_port,
                    "protocol": p.protocol.as_str(),
                });
                if spec.expose == Expose::NodePort
                    && let Some(node_port) = p.node_port
                {
                    port["nodePort"] = json!(node_port);
                }
                port
            })
            .collect();
        json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta(&spec.name),
            "spec": {
                "type": if spec.expose == Expose::NodePort { "NodePort" } else { "ClusterIP" },
                "selector": selector,
                "ports": ports,
            },
        })
    });
    Manifests {
        claims,
        deployment,
        service,
    }
}

#[cfg(test)]
mod tests {
    use model::apps::{AppPort, AppResources, AppVolume, Protocol};

    use super::*;

    #[test]
    fn an_app_becomes_a_labelled_deployment_service_and_claim() {
        let spec = AppSpec {
            name: "nginx".into(),
            image: "nginx:1.27".into(),
            ports: vec![AppPort {
                container_port: 80,
                protocol: Protocol::TCP,
                service_port: Some(8080),
                node_port: Some(30080),
            }],
            expose: Expose::NodePort,
            volumes: vec![
                AppVolume {
                    mount_path: "/etc/nginx/conf.d".into(),
                    read_only: true,
                    source: VolumeSource::ConfigMap {
                        name: "conf".into(),
                    },
                },
                AppVolume {
                    mount_path: "/data".into(),
                    read_only: false,
                    source: VolumeSource::NewClaim {
                        size: "1Gi".into(),
                        storage_class: Some("fast".into()),
                    },
                },
            ],
            resources: AppResources {
                cpu_limit: "500m".into(),
                gpus: 1,
                ..AppResources::default()
            },
            ..AppSpec::default()
        };
        let m = build(&spec);
        let d = &m.deployment;
        assert_eq!(d["metadata"]["labels"][APP_LABEL], "nginx");
        assert_eq!(
            d["metadata"]["labels"]["app.kubernetes.io/managed-by"],
            "capstan"
        );
        assert_eq!(
            d["spec"]["selector"]["matchLabels"],
            json!({APP_LABEL: "nginx"})
        );
        let c = &d["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(
            c["ports"][0],
            json!({"name": "tcp-80", "containerPort": 80, "protocol": "TCP"})
        );
        assert_eq!(
            c["resources"]["limits"],
            json!({"cpu": "500m", "nvidia.com/gpu": "1"})
        );
        assert_eq!(c["volumeMounts"][0]["readOnly"], true);
        assert_eq!(
            d["spec"]["template"]["spec"]["volumes"][1]["persistentVolumeClaim"]["claimName"],
            "nginx-data-1"
        );
        let back: AppSpec = serde_json::from_str(
            d["metadata"]["annotations"][SPEC_ANNOTATION]
                .as_str()
                .expect("spec annotation"),
        )
        .expect("spec");
        assert_eq!(back, spec);
        let s = m.service.as_ref().expect("service");
        assert_eq!(s["spec"]["type"], "NodePort");
        assert_eq!(
            s["spec"]["ports"][0],
            json!({"name": "tcp-80", "port": 8080, "targetPort": 80, "protocol": "TCP", "nodePort": 30080})
        );
        assert_eq!(m.claims.len(), 1);
        assert_eq!(m.claims[0]["spec"]["storageClassName"], "fast");
        let text = m.to_yaml();
        assert_eq!(text.split("---\n").count(), 3, "{text}");
    }
}
