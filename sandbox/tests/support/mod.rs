//! Shared set-up for the behaviour tests: an in-process sandbox with the demo scenario and a kube-rs
//! client built from the kubeconfig it writes, exactly as the console would build one.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the support module"
)]

use std::future::Future;
use std::time::{Duration, Instant};

use kube::Client;
use kube::config::{KubeConfigOptions, Kubeconfig};
use sandbox::{SandboxConfig, SandboxHandle, Scenario};

/// A running sandbox and a client for it.
pub struct Cluster {
    pub handle: SandboxHandle,
    pub client: Client,
}

/// Starts a sandbox seeded with the demo cluster.
pub async fn start() -> Cluster {
    start_with(Scenario::Demo).await
}

/// Starts a sandbox seeded with `scenario`.
pub async fn start_with(scenario: Scenario) -> Cluster {
    let handle = sandbox::start(SandboxConfig {
        scenario,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts");
    let kubeconfig = Kubeconfig::from_yaml(handle.kubeconfig_yaml()).expect("kubeconfig parses");
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default())
        .await
        .expect("kubeconfig is usable");
    let client = Client::try_from(config).expect("client builds");
    Cluster { handle, client }
}

/// Polls `check` every 100 ms until it yields a value, panicking with `what` after `timeout`.
pub async fn wait_for<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A pod manifest with one container.
pub fn pod(name: &str, image: &str, command: &[&str]) -> k8s_openapi::api::core::v1::Pod {
    let mut container = serde_json::json!({"name": "main", "image": image});
    if !command.is_empty() {
        container["command"] = serde_json::json!(command);
    }
    serde_json::from_value(serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [container]},
    }))
    .expect("pod manifest is valid")
}
