//! A containerised app described by a form instead of YAML: one image with its command, ports
//! (optionally exposed as a Service), environment, volumes, resources, labels. Capstan turns it
//! into a Deployment (and a Service, and new PersistentVolumeClaims) labelled as its own.
//!
//! [`validate`] runs in the browser as the user types and again on the server; each problem
//! names its field (`ports[1].container_port`, `volumes[0].mount_path`, `resources.cpu_limit`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::FieldError;
use crate::names;

/// The most replicas the form accepts.
pub const MAX_REPLICAS: i32 = 10_000;

/// The label every object of an app carries, with the app's name as its value.
pub const APP_LABEL: &str = "capstan.io/app";
/// `app.kubernetes.io/managed-by` is set to this on every object Capstan makes for an app.
pub const MANAGED_BY: &str = "capstan";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppSpec {
    pub name: String,
    pub namespace: String,
    pub image: String,
    /// Overrides the image's entrypoint when not empty.
    #[serde(default)]
    pub command: Vec<String>,
    #[serde(default)]
    pub args: Vec<String>,
    #[serde(default = "one")]
    pub replicas: i32,
    #[serde(default)]
    pub ports: Vec<AppPort>,
    /// How the ports are reachable: not at all (pods only), inside the cluster, or on every node.
    #[serde(default)]
    pub expose: Expose,
    #[serde(default)]
    pub env: Vec<AppEnv>,
    #[serde(default)]
    pub volumes: Vec<AppVolume>,
    #[serde(default)]
    pub resources: AppResources,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
}

fn one() -> i32 {
    1
}

impl Default for AppSpec {
    fn default() -> Self {
        AppSpec {
            name: String::new(),
            namespace: "default".into(),
            image: String::new(),
            command: Vec::new(),
            args: Vec::new(),
            replicas: 1,
            ports: Vec::new(),
            expose: Expose::None,
            env: Vec::new(),
            volumes: Vec::new(),
            resources: AppResources::default(),
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Expose {
    #[default]
    None,
    ClusterIp,
    NodePort,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Protocol {
    #[default]
    TCP,
    UDP,
    SCTP,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::TCP => "TCP",
            Protocol::UDP => "UDP",
            Protocol::SCTP => "SCTP",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppPort {
    pub container_port: i32,
    #[serde(default)]
    pub protocol: Protocol,
    /// The Service's port; the container port when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_port: Option<i32>,
    /// A fixed node port (30000–32767) when exposed as NodePort; the cluster picks one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_port: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppEnv {
    pub name: String,
    pub value: EnvValue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum EnvValue {
    Plain { value: String },
    ConfigMap { name: String, key: String },
    Secret { name: String, key: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppVolume {
    pub mount_path: String,
    #[serde(default)]
    pub read_only: bool,
    pub source: VolumeSource,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VolumeSource {
    EmptyDir,
    ConfigMap {
        name: String,
    },
    Secret {
        name: String,
    },
    /// A claim Capstan creates (named `<app>-<index>`) with this size and class.
    NewClaim {
        size: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        storage_class: Option<String>,
    },
    ExistingClaim {
        claim: String,
    },
}

/// Requests and limits as quantities (`250m`, `512Mi`); empty means unset.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppResources {
    #[serde(default)]
    pub cpu_request: String,
    #[serde(default)]
    pub cpu_limit: String,
    #[serde(default)]
    pub memory_request: String,
    #[serde(default)]
    pub memory_limit: String,
    /// `nvidia.com/gpu`, requested and limited alike.
    #[serde(default)]
    pub gpus: u32,
}

/// Every problem with `spec`, each naming its field; empty when it may be applied.
pub fn validate(spec: &AppSpec) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut fail = |field: String, message: String| errors.push(FieldError { field, message });
    if let Err(m) = names::validate_dns1035_label(spec.name.trim()) {
        fail("name".into(), m);
    } else if spec.name.len() > 50 {
        // Room for the claim suffixes and the pods' generated names.
        fail("name".into(), "Keep the name to 50 characters.".into());
    }
    if let Err(m) = names::validate_dns_label(spec.namespace.trim()) {
        fail("namespace".into(), m);
    }
    if let Err(m) = names::validate_image(spec.image.trim()) {
        fail("image".into(), m);
    }
    if !(0..=MAX_REPLICAS).contains(&spec.replicas) {
        fail(
            "replicas".into(),
            format!("Replicas must be 0 to {MAX_REPLICAS}."),
        );
    }
    let mut seen_ports = BTreeSet::new();
    let mut seen_service_ports = BTreeSet::new();
    for (i, p) in spec.ports.iter().enumerate() {
        if !(1..=65535).contains(&p.container_port) {
            fail(
                format!("ports[{i}].container_port"),
                "A port is 1 to 65535.".into(),
            );
        } else if !seen_ports.insert((p.container_port, p.protocol)) {
            fail(
                format!("ports[{i}].container_port"),
                format!(
                    "Port {}/{} is given twice.",
                    p.container_port,
                    p.protocol.as_str()
                ),
            );
        }
        let service_port = p.service_port.unwrap_or(p.container_port);
        if p.service_port.is_some() && !(1..=65535).contains(&service_port) {
            fail(
                format!("ports[{i}].service_port"),
                "A port is 1 to 65535.".into(),
            );
        } else if spec.expose != Expose::None
            && !seen_service_ports.insert((service_port, p.protocol))
        {
            fail(
                format!("ports[{i}].service_port"),
                format!("The Service already has port {service_port}."),
            );
        }
        if let Some(node_port) = p.node_port {
            if spec.expose != Expose::NodePort {
                fail(
                    format!("ports[{i}].node_port"),
                    "A node port needs the ports exposed as NodePort.".into(),
                );
            } else if !(30000..=32767).contains(&node_port) {
                fail(
                    format!("ports[{i}].node_port"),
                    "A node port is 30000 to 32767.".into(),
                );
            }
        }
    }
    if spec.expose != Expose::None && spec.ports.is_empty() {
        fail(
            "expose".into(),
            "Add a port to expose, or choose not to expose the app.".into(),
        );
    }
    let mut seen_env = BTreeSet::new();
    for (i, e) in spec.env.iter().enumerate() {
        if let Err(m) = names::validate_env_name(&e.name) {
            fail(format!("env[{i}].name"), m);
        } else if !seen_env.insert(e.name.as_str()) {
            fail(
                format!("env[{i}].name"),
                format!("{} is set twice.", e.name),
            );
        }
        match &e.value {
            EnvValue::Plain { .. } => {}
            EnvValue::ConfigMap { name, key } | EnvValue::Secret { name, key } => {
                if let Err(m) = names::validate_dns_subdomain(name) {
                    fail(format!("env[{i}].source"), m);
                }
                if let Err(m) = names::validate_config_key(key) {
                    fail(format!("env[{i}].key"), m);
                }
            }
        }
    }
    let mut seen_paths = BTreeSet::new();
    for (i, v) in spec.volumes.iter().enumerate() {
        let path = v.mount_path.trim();
        if !path.starts_with('/') || path.contains("..") || path.contains(':') {
            fail(
                format!("volumes[{i}].mount_path"),
                "A mount path is absolute (starts with /), without '..' or ':'.".into(),
            );
        } else if !seen_paths.insert(path.trim_end_matches('/')) {
            fail(
                format!("volumes[{i}].mount_path"),
                format!("{path} is mounted twice."),
            );
        }
        let source = format!("volumes[{i}].source");
        match &v.source {
            VolumeSource::EmptyDir => {}
            VolumeSource::ConfigMap { name } | VolumeSource::Secret { name } => {
                if let Err(m) = names::validate_dns_subdomain(name) {
                    fail(source, m);
                }
            }
            VolumeSource::ExistingClaim { claim } => {
                if let Err(m) = names::validate_dns_subdomain(claim) {
                    fail(source, m);
                }
            }
            VolumeSource::NewClaim {
                size,
                storage_class,
            } => {
                match names::parse_quantity(size) {
                    Ok(bytes) if bytes >= 1.0 => {}
                    Ok(_) => fail(
                        format!("volumes[{i}].size"),
                        "Give the claim a size, like 1Gi.".into(),
                    ),
                    Err(m) => fail(format!("volumes[{i}].size"), m),
                }
                if let Some(class) = storage_class.as_deref().filter(|c| !c.is_empty())
                    && let Err(m) = names::validate_dns_subdomain(class)
                {
                    fail(format!("volumes[{i}].storage_class"), m);
                }
            }
        }
    }
    let r = &spec.resources;
    for (request_field, request, limit_field, limit) in [
        ("cpu_request", &r.cpu_request, "cpu_limit", &r.cpu_limit),
        (
            "memory_request",
            &r.memory_request,
            "memory_limit",
            &r.memory_limit,
        ),
    ] {
        let parsed = |field: &str, text: &str, fail: &mut dyn FnMut(String, String)| {
            if text.trim().is_empty() {
                return None;
            }
            match names::parse_quantity(text) {
                Ok(v) => Some(v),
                Err(m) => {
                    fail(format!("resources.{field}"), m);
                    None
                }
            }
        };
        let request_value = parsed(request_field, request, &mut fail);
        let limit_value = parsed(limit_field, limit, &mut fail);
        if let (Some(req), Some(lim)) = (request_value, limit_value)
            && lim < req
        {
            fail(
                format!("resources.{limit_field}"),
                format!("The limit ({limit}) is below the request ({request})."),
            );
        }
    }
    if r.gpus > 16 {
        fail("resources.gpus".into(), "At most 16 GPUs.".into());
    }
    for (key, value) in &spec.labels {
        if let Err(m) = names::validate_label_key(key) {
            fail(format!("labels.{key}"), m);
        } else if let Err(m) = names::validate_label_value(value) {
            fail(format!("labels.{key}"), m);
        } else if key == APP_LABEL {
            fail(
                format!("labels.{key}"),
                format!("{APP_LABEL} is set by Capstan."),
            );
        }
    }
    for key in spec.annotations.keys() {
        if let Err(m) = names::validate_label_key(key) {
            fail(format!("annotations.{key}"), m);
        }
    }
    errors
}

/// An app as the console lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppSummary {
    pub name: String,
    pub namespace: String,
    pub image: String,
    pub desired: i32,
    pub ready: i32,
    /// Stopped apps run no pods; start brings back this many.
    pub last_replicas: i32,
    /// `ClusterIP`/`NodePort` and the Service's ports, when exposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The form the app was made with, to update it.
    pub spec: AppSpec,
}

/// What creating or updating an app came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppOutcome {
    /// Every object was created (or updated); when false, `documents` say which one failed and
    /// nothing was created.
    pub done: bool,
    pub message: String,
    /// One result per object, in the order they were sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<crate::objects::CreatedDocument>,
    /// With "wait until running": whether every replica was ready in time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running: Option<bool>,
}

/// What to remove with an app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppDeletion {
    /// Keep the app's Service.
    #[serde(default)]
    pub keep_service: bool,
    /// Keep the claims Capstan made for it (and their data).
    #[serde(default)]
    pub keep_claims: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nginx() -> AppSpec {
        AppSpec {
            name: "nginx".into(),
            image: "nginx:1.27".into(),
            ports: vec![AppPort {
                container_port: 80,
                protocol: Protocol::TCP,
                service_port: None,
                node_port: None,
            }],
            expose: Expose::ClusterIp,
            volumes: vec![AppVolume {
                mount_path: "/etc/nginx/conf.d".into(),
                read_only: true,
                source: VolumeSource::ConfigMap {
                    name: "nginx-conf".into(),
                },
            }],
            resources: AppResources {
                cpu_request: "100m".into(),
                cpu_limit: "500m".into(),
                memory_request: "64Mi".into(),
                memory_limit: "256Mi".into(),
                gpus: 0,
            },
            ..AppSpec::default()
        }
    }

    fn fields(spec: &AppSpec) -> Vec<String> {
        validate(spec).into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn the_nginx_story_is_valid() {
        assert_eq!(validate(&nginx()), vec![]);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut s = nginx();
        s.name = "Nginx".into();
        s.namespace = "no_underscores".into();
        s.image = "nginx latest".into();
        s.replicas = -1;
        s.ports.push(AppPort {
            container_port: 80,
            protocol: Protocol::TCP,
            service_port: None,
            node_port: Some(31000),
        });
        s.ports.push(AppPort {
            container_port: 70000,
            protocol: Protocol::UDP,
            service_port: None,
            node_port: None,
        });
        s.env.push(AppEnv {
            name: "1BAD".into(),
            value: EnvValue::Plain { value: "x".into() },
        });
        s.volumes.push(AppVolume {
            mount_path: "relative".into(),
            read_only: false,
            source: VolumeSource::NewClaim {
                size: "lots".into(),
                storage_class: None,
            },
        });
        s.volumes.push(AppVolume {
            mount_path: "/etc/nginx/conf.d/".into(),
            read_only: false,
            source: VolumeSource::EmptyDir,
        });
        s.resources.cpu_limit = "50m".into();
        s.resources.memory_request = "a lot".into();
        s.labels.insert("bad key".into(), "v".into());
        assert_eq!(
            fields(&s),
            [
                "name",
                "namespace",
                "image",
                "replicas",
                "ports[1].container_port",
                "ports[1].service_port",
                "ports[1].node_port",
                "ports[2].container_port",
                "env[0].name",
                "volumes[1].mount_path",
                "volumes[1].size",
                "volumes[2].mount_path",
                "resources.cpu_limit",
                "resources.memory_request",
                "labels.bad key",
            ]
        );
    }

    #[test]
    fn exposing_needs_a_port_and_node_ports_their_range() {
        let mut s = nginx();
        s.ports.clear();
        assert_eq!(fields(&s), ["expose"]);
        let mut s = nginx();
        s.expose = Expose::NodePort;
        s.ports[0].node_port = Some(80);
        assert_eq!(fields(&s), ["ports[0].node_port"]);
        s.ports[0].node_port = Some(30080);
        assert!(fields(&s).is_empty());
    }
}
