//! What pods ask for: cpu, memory, `nvidia.com/gpu` and a pod slot, summed over containers (or the largest
//! init container), read from typed pods or straight from stored JSON.

use k8s_openapi::api::core::v1::{Container, Pod};

use crate::behaviour::quantity::{cpu_millis, whole_units};

/// The GPU resource name the console and the seed use.
pub const GPU: &str = "nvidia.com/gpu";

/// Resources a pod (or the pods on a node) ask for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_millis: i64,
    pub memory_bytes: i64,
    pub gpus: i64,
    pub pods: i64,
}

impl Resources {
    pub fn add(&mut self, other: &Resources) {
        self.cpu_millis += other.cpu_millis;
        self.memory_bytes += other.memory_bytes;
        self.gpus += other.gpus;
        self.pods += other.pods;
    }

    pub fn subtract(&mut self, other: &Resources) {
        self.cpu_millis -= other.cpu_millis;
        self.memory_bytes -= other.memory_bytes;
        self.gpus -= other.gpus;
        self.pods -= other.pods;
    }
}

fn container_requests(container: &Container) -> Resources {
    let Some(resources) = &container.resources else {
        return Resources::default();
    };
    // Requests default to limits when only limits are given, as the API server's defaulting does.
    let get = |name: &str| {
        resources
            .requests
            .as_ref()
            .and_then(|r| r.get(name))
            .or_else(|| resources.limits.as_ref().and_then(|l| l.get(name)))
            .map(|q| q.0.as_str())
    };
    Resources {
        cpu_millis: get("cpu").map_or(0, cpu_millis),
        memory_bytes: get("memory").map_or(0, whole_units),
        gpus: get(GPU).map_or(0, whole_units),
        pods: 0,
    }
}

/// What a pod asks for: the sum over its containers, or the largest init container if that is bigger.
pub fn pod_requests(pod: &Pod) -> Resources {
    let Some(spec) = &pod.spec else {
        return Resources {
            pods: 1,
            ..Default::default()
        };
    };
    let mut total = Resources {
        pods: 1,
        ..Default::default()
    };
    for c in &spec.containers {
        total.add(&container_requests(c));
    }
    for c in spec.init_containers.iter().flatten() {
        let r = container_requests(c);
        total.cpu_millis = total.cpu_millis.max(r.cpu_millis);
        total.memory_bytes = total.memory_bytes.max(r.memory_bytes);
        total.gpus = total.gpus.max(r.gpus);
    }
    total
}

/// Requests of a stored pod read straight from its JSON: the scheduler accounts for every pod of a
/// 150 000-pod cluster at start-up, and a typed deserialisation of each would cost seconds.
pub fn requests_of(pod: &serde_json::Value) -> Resources {
    let one = |container: &serde_json::Value| {
        let get = |name: &str| {
            let resources = container.get("resources")?;
            resources
                .pointer(&format!("/requests/{}", name.replace('/', "~1")))
                .or_else(|| resources.pointer(&format!("/limits/{}", name.replace('/', "~1"))))
                .and_then(serde_json::Value::as_str)
        };
        Resources {
            cpu_millis: get("cpu").map_or(0, cpu_millis),
            memory_bytes: get("memory").map_or(0, whole_units),
            gpus: get(GPU).map_or(0, whole_units),
            pods: 0,
        }
    };
    let mut total = Resources {
        pods: 1,
        ..Default::default()
    };
    let list = |field: &str| {
        pod.pointer(&format!("/spec/{field}"))
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    for c in list("containers") {
        total.add(&one(&c));
    }
    for c in list("initContainers") {
        let r = one(&c);
        total.cpu_millis = total.cpu_millis.max(r.cpu_millis);
        total.memory_bytes = total.memory_bytes.max(r.memory_bytes);
        total.gpus = total.gpus.max(r.gpus);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_read_from_json_match_the_typed_reading() {
        let json = serde_json::json!({"spec": {"containers": [
            {"name": "a", "resources": {"requests": {"cpu": "250m", "memory": "64Mi"}}},
            {"name": "b", "resources": {"limits": {"cpu": "1", "nvidia.com/gpu": "1"}}}
        ]}});
        let typed: Pod = serde_json::from_value(json.clone()).unwrap_or_default();
        assert_eq!(requests_of(&json), pod_requests(&typed));
        assert_eq!(requests_of(&json).cpu_millis, 1250);
        assert_eq!(requests_of(&json).gpus, 1);
    }
}
