//! The built-in resource types the sandbox serves, with the discovery data kubectl relies on
//! (short names, categories, subresources).

use super::types::ResourceType;

/// Every built-in type. `metrics.k8s.io` is not here: the behaviour module registers it (served by a hook).
pub fn builtin_types() -> Vec<ResourceType> {
    let core = |plural: &str, kind: &str, namespaced: bool| {
        ResourceType::new("", "v1", plural, kind, namespaced)
    };
    let all = ["all"];
    vec![
        core("namespaces", "Namespace", false)
            .short(&["ns"])
            .with_subresources(&["status", "finalize"]),
        core("nodes", "Node", false)
            .short(&["no"])
            .with_subresources(&["status", "proxy"]),
        core("pods", "Pod", true)
            .short(&["po"])
            .categories(&all)
            .with_subresources(&[
                "status",
                "log",
                "exec",
                "attach",
                "eviction",
                "binding",
                "proxy",
                "portforward",
                "ephemeralcontainers",
            ]),
        core("services", "Service", true)
            .short(&["svc"])
            .categories(&all)
            .with_subresources(&["status", "proxy"]),
        core("endpoints", "Endpoints", true).short(&["ep"]),
        core("configmaps", "ConfigMap", true).short(&["cm"]),
        core("secrets", "Secret", true),
        core("serviceaccounts", "ServiceAccount", true)
            .short(&["sa"])
            .with_subresources(&["token"]),
        core("events", "Event", true).short(&["ev"]),
        core("persistentvolumes", "PersistentVolume", false)
            .short(&["pv"])
            .with_subresources(&["status"]),
        core("persistentvolumeclaims", "PersistentVolumeClaim", true)
            .short(&["pvc"])
            .with_subresources(&["status"]),
        core("resourcequotas", "ResourceQuota", true)
            .short(&["quota"])
            .with_subresources(&["status"]),
        core("limitranges", "LimitRange", true).short(&["limits"]),
        core("replicationcontrollers", "ReplicationController", true)
            .short(&["rc"])
            .categories(&all)
            .with_subresources(&["status", "scale"]),
        ResourceType::new("apps", "v1", "deployments", "Deployment", true)
            .short(&["deploy"])
            .categories(&all)
            .with_subresources(&["status", "scale"]),
        ResourceType::new("apps", "v1", "replicasets", "ReplicaSet", true)
            .short(&["rs"])
            .categories(&all)
            .with_subresources(&["status", "scale"]),
        ResourceType::new("apps", "v1", "statefulsets", "StatefulSet", true)
            .short(&["sts"])
            .categories(&all)
            .with_subresources(&["status", "scale"]),
        ResourceType::new("apps", "v1", "daemonsets", "DaemonSet", true)
            .short(&["ds"])
            .categories(&all)
            .with_subresources(&["status"]),
        ResourceType::new(
            "apps",
            "v1",
            "controllerrevisions",
            "ControllerRevision",
            true,
        ),
        ResourceType::new("batch", "v1", "jobs", "Job", true)
            .categories(&all)
            .with_subresources(&["status"]),
        ResourceType::new("batch", "v1", "cronjobs", "CronJob", true)
            .short(&["cj"])
            .categories(&all)
            .with_subresources(&["status"]),
        ResourceType::new(
            "autoscaling",
            "v2",
            "horizontalpodautoscalers",
            "HorizontalPodAutoscaler",
            true,
        )
        .short(&["hpa"])
        .categories(&all)
        .with_subresources(&["status"]),
        ResourceType::new(
            "discovery.k8s.io",
            "v1",
            "endpointslices",
            "EndpointSlice",
            true,
        ),
        ResourceType::new("networking.k8s.io", "v1", "ingresses", "Ingress", true)
            .short(&["ing"])
            .with_subresources(&["status"]),
        ResourceType::new(
            "networking.k8s.io",
            "v1",
            "ingressclasses",
            "IngressClass",
            false,
        ),
        ResourceType::new(
            "networking.k8s.io",
            "v1",
            "networkpolicies",
            "NetworkPolicy",
            true,
        )
        .short(&["netpol"]),
        ResourceType::new(
            "policy",
            "v1",
            "poddisruptionbudgets",
            "PodDisruptionBudget",
            true,
        )
        .short(&["pdb"])
        .with_subresources(&["status"]),
        ResourceType::new("rbac.authorization.k8s.io", "v1", "roles", "Role", true),
        ResourceType::new(
            "rbac.authorization.k8s.io",
            "v1",
            "rolebindings",
            "RoleBinding",
            true,
        ),
        ResourceType::new(
            "rbac.authorization.k8s.io",
            "v1",
            "clusterroles",
            "ClusterRole",
            false,
        ),
        ResourceType::new(
            "rbac.authorization.k8s.io",
            "v1",
            "clusterrolebindings",
            "ClusterRoleBinding",
            false,
        ),
        ResourceType::new(
            "storage.k8s.io",
            "v1",
            "storageclasses",
            "StorageClass",
            false,
        )
        .short(&["sc"]),
        ResourceType::new("coordination.k8s.io", "v1", "leases", "Lease", true),
        ResourceType::new(
            "scheduling.k8s.io",
            "v1",
            "priorityclasses",
            "PriorityClass",
            false,
        )
        .short(&["pc"]),
        ResourceType::new(
            "apiextensions.k8s.io",
            "v1",
            "customresourcedefinitions",
            "CustomResourceDefinition",
            false,
        )
        .short(&["crd", "crds"])
        .categories(&["api-extensions"])
        .with_subresources(&["status"]),
    ]
}
