//! Node objects as a kubelet would register them: capacity, allocatable, conditions, addresses, node info.

use serde_json::{Value, json};

/// What distinguishes one simulated node from another.
pub struct NodeShape<'a> {
    pub name: &'a str,
    /// Index used for the node's InternalIP and pod CIDR.
    pub index: usize,
    pub cpu: &'a str,
    pub memory: &'a str,
    pub gpus: u32,
    pub max_pods: u32,
    pub extra_labels: &'a [(&'a str, &'a str)],
    pub taints: Value,
    pub created: &'a str,
}

/// A Ready node.
pub fn node(shape: &NodeShape<'_>) -> Value {
    let ip = format!("10.0.{}.{}", shape.index / 250, 10 + shape.index % 250);
    let mut labels = json!({
        "kubernetes.io/hostname": shape.name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "beta.kubernetes.io/arch": "amd64",
        "node.kubernetes.io/instance-type": if shape.gpus > 0 { "g4dn.2xlarge" } else { "m6i.xlarge" },
        "topology.kubernetes.io/region": "sandbox-1",
        "topology.kubernetes.io/zone": format!("sandbox-1{}", ["a", "b", "c"][shape.index % 3]),
    });
    for (k, v) in shape.extra_labels {
        labels[*k] = json!(v);
    }
    let mut capacity = json!({
        "cpu": shape.cpu,
        "memory": shape.memory,
        "pods": shape.max_pods.to_string(),
        "ephemeral-storage": "104845292Ki",
        "hugepages-2Mi": "0",
    });
    if shape.gpus > 0 {
        capacity["nvidia.com/gpu"] = json!(shape.gpus.to_string());
    }
    let condition = |kind: &str, status: &str, reason: &str, message: &str| {
        json!({"type": kind, "status": status, "reason": reason, "message": message,
               "lastHeartbeatTime": shape.created, "lastTransitionTime": shape.created})
    };
    let mut spec = json!({
        "podCIDR": format!("10.244.{}.0/24", shape.index % 256),
        "podCIDRs": [format!("10.244.{}.0/24", shape.index % 256)],
        "providerID": format!("sandbox://{}", shape.name),
    });
    if shape.taints.as_array().is_some_and(|t| !t.is_empty()) {
        spec["taints"] = shape.taints.clone();
    }
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": shape.name,
            "labels": labels,
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec,
        "status": {
            "capacity": capacity.clone(),
            "allocatable": capacity,
            "conditions": [
                condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                condition("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "addresses": [
                {"type": "InternalIP", "address": ip},
                {"type": "Hostname", "address": shape.name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": format!("{:032x}", shape.index as u128 * 0x9E37_79B9_7F4A_7C15),
                "systemUUID": format!("ec2{:05x}-0000-4000-8000-{:012x}", shape.index, shape.index),
                "bootID": format!("b00d{:04x}-1111-4222-8333-{:012x}", shape.index, shape.index),
                "kernelVersion": "6.8.0-1019-aws",
                "osImage": "Ubuntu 24.04.1 LTS",
                "containerRuntimeVersion": "containerd://2.0.2",
                "kubeletVersion": "v1.35.0",
                "kubeProxyVersion": "v1.35.0",
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
        },
    })
}
