//! The real kubectl v1.35 against the sandbox: what a user types must work unchanged.
//! Each test runs its kubectl calls on a blocking thread while the sandbox serves on the runtime.

mod api_support;

use api_support::Sandbox;

/// Runs `f` with the sandbox on a blocking thread (kubectl is a child process).
async fn with_kubectl<F>(f: F)
where
    F: FnOnce(&Sandbox) + Send + 'static,
{
    let sandbox = std::sync::Arc::new(api_support::start().await);
    let s = sandbox.clone();
    tokio::task::spawn_blocking(move || f(&s))
        .await
        .expect("kubectl steps succeed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_creates_send_protobuf_and_get_prints_tables() {
    with_kubectl(|k| {
        assert!(
            k.kubectl(&["create", "namespace", "shop"])
                .contains("namespace/shop created")
        );
        k.kubectl(&[
            "create",
            "configmap",
            "settings",
            "-n",
            "shop",
            "--from-literal=mode=demo",
        ]);
        k.kubectl(&[
            "create",
            "secret",
            "generic",
            "db",
            "-n",
            "shop",
            "--from-literal=password=hunter2",
        ]);
        k.kubectl(&[
            "create",
            "deployment",
            "web",
            "-n",
            "shop",
            "--image=nginx:1.27",
            "--replicas=2",
        ]);
        k.kubectl(&[
            "create",
            "job",
            "once",
            "-n",
            "shop",
            "--image=busybox",
            "--",
            "echo",
            "hi",
        ]);
        k.kubectl(&[
            "create",
            "cronjob",
            "tick",
            "-n",
            "shop",
            "--image=busybox",
            "--schedule=*/5 * * * *",
            "--",
            "date",
        ]);

        let cms = k.kubectl(&["get", "configmaps", "-n", "shop"]);
        assert!(cms.starts_with("NAME"), "table header: {cms}");
        assert!(cms.contains("settings") && cms.contains("DATA"), "{cms}");
        let secret = k.kubectl(&[
            "get",
            "secret",
            "db",
            "-n",
            "shop",
            "-o",
            "jsonpath={.data.password}",
        ]);
        assert_eq!(secret, "aHVudGVyMg==");
        let deploy = k.kubectl(&["get", "deployment", "web", "-n", "shop", "-o", "yaml"]);
        assert!(
            deploy.contains("image: nginx:1.27") && deploy.contains("replicas: 2"),
            "{deploy}"
        );
        assert!(
            deploy.contains("type: RollingUpdate"),
            "server-side defaults applied: {deploy}"
        );
        let all = k.kubectl(&["get", "deployments", "-A"]);
        assert!(
            all.contains("NAMESPACE") && all.contains("shop") && all.contains("web"),
            "{all}"
        );
        let cron = k.kubectl(&["get", "cronjobs", "-n", "shop"]);
        assert!(cron.contains("*/5 * * * *"), "{cron}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selectors_label_scale_and_delete() {
    with_kubectl(|k| {
        k.kubectl(&["create", "configmap", "a", "--from-literal=x=1"]);
        k.kubectl(&["create", "configmap", "b", "--from-literal=x=2"]);
        k.kubectl(&["label", "configmap", "a", "tier=front"]);
        let front = k.kubectl(&["get", "configmaps", "-l", "tier=front", "-o", "name"]);
        assert_eq!(front.trim(), "configmap/a");
        let not_front = k.kubectl(&["get", "configmaps", "-l", "tier!=front", "-o", "name"]);
        assert!(
            not_front.contains("configmap/b") && !not_front.contains("configmap/a"),
            "{not_front}"
        );
        let by_name = k.kubectl(&[
            "get",
            "configmaps",
            "--field-selector",
            "metadata.name=b",
            "-o",
            "name",
        ]);
        assert_eq!(by_name.trim(), "configmap/b");

        k.kubectl(&[
            "create",
            "deployment",
            "web",
            "--image=nginx:1.27",
            "--replicas=1",
        ]);
        assert!(
            k.kubectl(&["scale", "deployment", "web", "--replicas=3"])
                .contains("scaled")
        );
        let replicas = k.kubectl(&[
            "get",
            "deployment",
            "web",
            "-o",
            "jsonpath={.spec.replicas}",
        ]);
        assert_eq!(replicas, "3");

        assert!(k.kubectl(&["delete", "configmap", "a"]).contains("deleted"));
        let gone = k.kubectl_output(&["get", "configmap", "a"]);
        assert!(!gone.status.success());
        assert!(
            String::from_utf8_lossy(&gone.stderr).contains("NotFound"),
            "{}",
            String::from_utf8_lossy(&gone.stderr)
        );
    })
    .await;
}

const MANIFEST: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {app: api}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: shop/api:1.0
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: 8080}]
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_client_side_and_server_side() {
    with_kubectl(|k| {
        let first = k.kubectl_stdin(&["apply", "-f", "-"], MANIFEST);
        assert!(
            first.contains("deployment.apps/api created") && first.contains("service/api created"),
            "{first}"
        );
        let again = k.kubectl_stdin(&["apply", "-f", "-"], MANIFEST);
        assert!(again.contains("deployment.apps/api unchanged"), "{again}");
        let changed = k.kubectl_stdin(
            &["apply", "-f", "-"],
            &MANIFEST.replace("shop/api:1.0", "shop/api:1.1"),
        );
        assert!(
            changed.contains("deployment.apps/api configured"),
            "{changed}"
        );
        let image = k.kubectl(&[
            "get",
            "deploy",
            "api",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}",
        ]);
        assert_eq!(image, "shop/api:1.1");

        let ssa = k.kubectl_stdin(
            &["apply", "--server-side", "--force-conflicts", "-f", "-"],
            &MANIFEST.replace("replicas: 1", "replicas: 4"),
        );
        assert!(ssa.contains("serverside-applied"), "{ssa}");
        assert_eq!(
            k.kubectl(&["get", "deploy", "api", "-o", "jsonpath={.spec.replicas}"]),
            "4"
        );
        let svc = k.kubectl(&["get", "svc", "api"]);
        assert!(svc.contains("ClusterIP") && svc.contains("80/TCP"), "{svc}");

        let invalid = k.kubectl_output(&["create", "deployment", "bad", "--image="]);
        assert!(!invalid.status.success());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_and_explain() {
    with_kubectl(|k| {
        let resources = k.kubectl(&["api-resources"]);
        for expected in [
            "pods",
            "deployments",
            "customresourcedefinitions",
            "horizontalpodautoscalers",
            "poddisruptionbudgets",
        ] {
            assert!(
                resources.contains(expected),
                "api-resources lists {expected}:\n{resources}"
            );
        }
        let explain = k.kubectl(&["explain", "pods"]);
        assert!(
            explain.contains("KIND:") && explain.contains("Pod") && explain.contains("spec"),
            "{explain}"
        );
        let field = k.kubectl(&["explain", "deployment.spec.replicas"]);
        assert!(field.contains("replicas"), "{field}");
        let version = k.kubectl(&["version"]);
        assert!(version.contains("Server Version: v1.35"), "{version}");
    })
    .await;
}

/// Pods bound to a node go through graceful deletion (the kubelet stops them, then removes them): kubectl's
/// waiting commands must still finish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_pod_deletion_lets_delete_wait_rollout_restart_and_drain_finish() {
    let sandbox = std::sync::Arc::new(api_support::start_with(sandbox::Scenario::Demo).await);
    let s = sandbox.clone();
    tokio::task::spawn_blocking(move || {
        let k = &*s;
        k.kubectl(&["run", "solo", "--image=nginx:1.27"]);
        k.kubectl(&["wait", "--for=condition=Ready", "pod/solo", "--timeout=30s"]);
        let deleted = k.kubectl(&["delete", "pod", "solo", "--timeout=30s"]);
        assert!(deleted.contains("deleted"), "{deleted}");
        assert!(!k.kubectl_output(&["get", "pod", "solo"]).status.success());

        k.kubectl(&[
            "create",
            "deployment",
            "gd",
            "--image=nginx:1.27",
            "--replicas=2",
        ]);
        k.kubectl(&["rollout", "status", "deployment/gd", "--timeout=60s"]);
        k.kubectl(&["rollout", "restart", "deployment/gd"]);
        k.kubectl(&["rollout", "status", "deployment/gd", "--timeout=60s"]);

        let node = k.kubectl(&[
            "get",
            "pods",
            "-l",
            "app=gd",
            "-o",
            "jsonpath={.items[0].spec.nodeName}",
        ]);
        assert!(!node.is_empty());
        let drained = k.kubectl(&[
            "drain",
            &node,
            "--ignore-daemonsets",
            "--pod-selector=app=gd",
            "--timeout=60s",
        ]);
        assert!(drained.contains("drained"), "{drained}");
        k.kubectl(&["uncordon", &node]);
    })
    .await
    .expect("kubectl steps succeed");
}
