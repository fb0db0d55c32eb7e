//! The operation routes through the real auth middleware with an API token, against a real
//! PostgreSQL and a sandbox cluster: scale, history and rollback, an unknown workload kind,
//! node labels for several nodes at once, a CronJob run now, read-only refusals, and the
//! OpenAPI document.

use axum::http::{Method, StatusCode};
use backend::AppState;
use serde_json::{Value, json};

use super::resources_tests::{Setup, json_body};

const DEPLOYMENT: &str = r#"{"apiVersion":"apps/v1","kind":"Deployment",
 "metadata":{"name":"web"},
 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
  "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx:1.25"}]}}}}"#;

#[tokio::test(flavor = "multi_thread")]
async fn workloads_scale_and_roll_back_through_the_api() {
    let s = Setup::new().await;
    let body: Value = serde_json::from_str(DEPLOYMENT).expect("json");
    let (status, created) = s
        .send(
            Method::POST,
            &s.url("/namespaces/default/deployments"),
            json_body(&body),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");

    let (status, done) = s
        .send(
            Method::POST,
            &s.url("/namespaces/default/deployments/web/scale"),
            json_body(&json!({"replicas": 2})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(
        done["message"],
        "Deployment web scaled from 1 to 2 replicas."
    );
    let (status, bad) = s
        .send(
            Method::POST,
            &s.url("/namespaces/default/deployments/web/scale"),
            json_body(&json!({"replicas": -3})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(bad["fields"][0]["field"], "replicas");
    let (status, wrong) = s
        .send(
            Method::POST,
            &s.url("/namespaces/default/gadgets/web/scale"),
            json_body(&json!({"replicas": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{wrong}");

    let (status, changed) = s
        .send(
            Method::PUT,
            &s.url("/namespaces/default/deployments/web/image"),
            json_body(&json!({"container": "web", "image": "nginx:1.27"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    // The controller records revision 2 once it has rolled the change out.
    let mut history = Value::Null;
    for _ in 0..100 {
        let (status, h) = s
            .get(&s.url("/namespaces/default/deployments/web/history"))
            .await;
        assert_eq!(status, StatusCode::OK, "{h}");
        if h["revisions"].as_array().is_some_and(|r| r.len() == 2) {
            history = h;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(history["revisions"][0]["revision"], 2, "{history}");
    assert_eq!(history["revisions"][1]["images"], json!(["web=nginx:1.25"]));
    let (status, back) = s
        .send(
            Method::POST,
            &s.url("/namespaces/default/deployments/web/rollback"),
            json_body(&json!({"revision": 1})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{back}");
    let (_, object) = s.get(&s.url("/namespaces/default/deployments/web")).await;
    assert_eq!(
        object["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.25"
    );

    // A read-only registration of the same cluster refuses, with the reason.
    let locked = s.register("locked", true).await;
    let (status, refused) = s
        .send(
            Method::POST,
            &format!("/api/v1/k8s/cluster/{locked}/namespaces/default/deployments/web/restart"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(refused["code"], "cluster.read_only");
}

#[tokio::test(flavor = "multi_thread")]
async fn nodes_and_cronjobs_through_the_api() {
    let s = Setup::new().await;
    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "extra-1"}});
    for name in ["extra-1", "extra-2"] {
        let mut body = node.clone();
        body["metadata"]["name"] = json!(name);
        let (status, created) = s
            .send(Method::POST, &s.url("/resources/nodes"), json_body(&body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
    }
    let (status, results) = s
        .send(
            Method::POST,
            &s.url("/nodes-bulk"),
            json_body(&json!({"nodes": ["extra-1", "extra-2", "ghost"], "labels": {"set": {"team": "a"}}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{results}");
    let oks: Vec<bool> = results
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["ok"].as_bool().unwrap_or(false))
        .collect();
    assert_eq!(oks, [true, true, false]);
    let (status, both) = s
        .send(
            Method::POST,
            &s.url("/nodes-bulk"),
            json_body(
                &json!({"nodes": ["extra-1"], "cordon": true, "labels": {"set": {"a": "b"}}}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{both}");
    let (status, done) = s
        .send(Method::POST, &s.url("/nodes/extra-1/cordon"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    let (_, object) = s.get(&s.url("/nodes/extra-1")).await;
    assert_eq!(object["spec"]["unschedulable"], true);
    assert_eq!(object["metadata"]["labels"]["team"], "a");
    let (status, taints) = s
        .send(
            Method::PATCH,
            &s.url("/nodes/extra-1/taints"),
            json_body(
                &json!({"set": [{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{taints}");
    let (status, bad) = s
        .send(
            Method::PATCH,
            &s.url("/nodes/extra-1/taints"),
            json_body(&json!({"set": [{"key": "dedicated", "effect": "Sometimes"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");

    let cron = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly"},
        "spec": {"schedule": "0 1 * * *", "jobTemplate": {"spec": {"template": {"spec": {
            "restartPolicy": "Never", "containers": [{"name": "run", "image": "busybox:1.36"}]}}}}}});
    let (status, created) = s
        .send(
            Method::POST,
            &s.url("/resources/cronjobs.batch?namespace=default"),
            json_body(&cron),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, job) = s
        .send(
            Method::POST,
            &s.url("/namespaces/default/cronjobs/nightly/trigger"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{job}");
    assert!(
        job["job"]
            .as_str()
            .is_some_and(|j| j.starts_with("nightly-manual-")),
        "{job}"
    );
    let (status, _) = s
        .send(
            Method::POST,
            &s.url("/namespaces/default/cronjobs/nightly/suspend"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn apps_are_made_from_a_form_through_the_api() {
    let s = Setup::new().await;
    let form = json!({"name": "hello", "namespace": "default", "image": "nginx:1.27", "replicas": 1,
        "ports": [{"container_port": 80}], "expose": "cluster_ip"});
    let (status, preview) = s
        .send(Method::POST, &s.url("/apps/preview"), json_body(&form))
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert!(
        preview["yaml"]
            .as_str()
            .is_some_and(|y| y.contains("kind: Service"))
    );
    let mut bad = form.clone();
    bad["ports"][0]["container_port"] = json!(70000);
    let (status, refused) = s.send(Method::POST, &s.url("/apps"), json_body(&bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["fields"][0]["field"], "ports[0].container_port");

    let (status, created) = s
        .send(Method::POST, &s.url("/apps"), json_body(&form))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, again) = s
        .send(Method::POST, &s.url("/apps"), json_body(&form))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{again}");
    let (status, listed) = s.get(&s.url("/apps?namespace=default")).await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    assert_eq!(listed[0]["name"], "hello");
    let (status, _) = s
        .send(Method::POST, &s.url("/apps/default/hello/stop"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, got) = s.get(&s.url("/apps/default/hello")).await;
    assert_eq!(got["desired"], 0);
    let (status, _) = s
        .send(Method::POST, &s.url("/apps/default/hello/start"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, gone) = s
        .send(Method::DELETE, &s.url("/apps/default/hello"), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{gone}");
    assert!(
        gone["message"]
            .as_str()
            .is_some_and(|m| m.contains("Service hello")),
        "{gone}"
    );
}

#[test]
fn the_openapi_document_describes_the_operation_routes() {
    let (_, doc) = super::router::<AppState>().split_for_parts();
    let json: Value = serde_json::from_str(&doc.to_json().expect("json")).expect("parse");
    let workload = "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}";
    for (path, method) in [
        (format!("{workload}/scale"), "post"),
        (format!("{workload}/restart"), "post"),
        (format!("{workload}/pause"), "post"),
        (format!("{workload}/resume"), "post"),
        (format!("{workload}/image"), "put"),
        (format!("{workload}/history"), "get"),
        (format!("{workload}/rollback"), "post"),
        (format!("{workload}/events"), "get"),
        (
            "/api/v1/k8s/cluster/{id}/nodes/{name}/cordon".into(),
            "post",
        ),
        (
            "/api/v1/k8s/cluster/{id}/nodes/{name}/uncordon".into(),
            "post",
        ),
        ("/api/v1/k8s/cluster/{id}/nodes/{name}/drain".into(), "post"),
        (
            "/api/v1/k8s/cluster/{id}/nodes/{name}/labels".into(),
            "patch",
        ),
        (
            "/api/v1/k8s/cluster/{id}/nodes/{name}/taints".into(),
            "patch",
        ),
        ("/api/v1/k8s/cluster/{id}/nodes-bulk".into(), "post"),
        (
            "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/cronjobs/{name}/trigger".into(),
            "post",
        ),
        (
            "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/cronjobs/{name}/suspend".into(),
            "post",
        ),
        (
            "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/cronjobs/{name}/resume".into(),
            "post",
        ),
    ] {
        assert_eq!(
            json["paths"][&path][method]["tags"][0], "operations",
            "{method} {path} missing"
        );
    }
    for schema in [
        "OperationOutcome",
        "RolloutHistory",
        "DrainReport",
        "DrainOptions",
        "TaintChanges",
    ] {
        assert!(
            json["components"]["schemas"][schema].is_object(),
            "{schema} missing"
        );
    }
}
