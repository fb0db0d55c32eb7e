//! The log routes through the real auth middleware with an API token, against a sandbox: a
//! pod's log as text (whole, tailed with timestamps, as a download, one container's), the pods
//! and containers there are, bad options and kinds answered as JSON errors, and the OpenAPI
//! document.

use axum::http::{Method, StatusCode, header};
use serde_json::json;

use super::resources_tests::{Setup, json_body};

#[tokio::test(flavor = "multi_thread")]
async fn logs_read_as_text_and_files_with_json_errors() {
    let s = Setup::with_scenario(sandbox::Scenario::Scale { nodes: 1, pods: 0 }).await;
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "talker"},
        "spec": {"containers": [{"name": "app", "image": "busybox:1.36",
            "command": ["sh", "-c", "echo one; echo two; sleep 3600"]}]}});
    let (status, created) = s
        .send(
            Method::POST,
            &s.url("/namespaces/default/pods"),
            json_body(&pod),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let mut whole = String::new();
    for _ in 0..100 {
        let (status, _, body) = s.text(&s.url("/namespaces/default/pods/talker/logs")).await;
        if status == StatusCode::OK && body.contains("two") {
            whole = body;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    }
    assert_eq!(whole, "one\ntwo\n");

    let (status, headers, tailed) =
        s.text(&s.url(
            "/namespaces/default/pods/talker/logs?tail_lines=1&timestamps=true&download=true",
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        tailed.trim_end().ends_with("Z two") && tailed.lines().count() == 1,
        "{tailed}"
    );
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"default-talker.log\""
    );
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .is_ok_and(|t| t.starts_with("text/plain"))
    );
    let (status, _, one) = s
        .text(&s.url("/namespaces/default/pods/talker/containers/app/logs"))
        .await;
    assert_eq!((status, one.as_str()), (StatusCode::OK, "one\ntwo\n"));

    let (status, targets) = s
        .get(&s.url("/namespaces/default/pods/talker/log-targets"))
        .await;
    assert_eq!(status, StatusCode::OK, "{targets}");
    assert_eq!(targets["title"], "Pod talker");
    assert_eq!(targets["pods"][0]["containers"][0]["name"], "app");

    let (status, bad) = s
        .get(&s.url("/namespaces/default/pods/talker/logs?tail_lines=-4"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(bad["fields"][0]["field"], "tail_lines");
    let (status, garbled) = s
        .get(&s.url("/namespaces/default/pods/talker/logs?since_time=yesterday"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{garbled}");
    let (status, wrong) = s
        .get(&s.url("/namespaces/default/pods/talker/containers/db/logs"))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
    assert_eq!(wrong["fields"][0]["field"], "container");
    let (status, kind) = s
        .get(&s.url("/namespaces/default/services/talker/logs"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{kind}");
    let (status, gone) = s.get(&s.url("/namespaces/default/pods/ghost/logs")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{gone}");

    let (_, doc) = super::router::<backend::AppState>().split_for_parts();
    let doc: serde_json::Value =
        serde_json::from_str(&doc.to_json().expect("json")).expect("parse");
    let paths = &doc["paths"];
    for path in [
        "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/logs",
        "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/pods/{name}/containers/{container}/logs",
        "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/log-targets",
    ] {
        assert_eq!(paths[path]["get"]["tags"][0], "logs", "{path}");
    }

    // The audit log (the caller is an administrator): prefix filter, and a bad limit refused.
    let (status, entries) = s.get("/api/v1/audit?action=cluster.&limit=5").await;
    assert_eq!(status, StatusCode::OK, "{entries}");
    assert!(
        entries.as_array().is_some_and(|e| !e.is_empty()
            && e.iter().all(|e| e["action"]
                .as_str()
                .is_some_and(|a| a.starts_with("cluster.")))),
        "{entries}"
    );
    let (status, bad) = s.get("/api/v1/audit?limit=9999").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
}
