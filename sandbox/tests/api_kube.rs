//! kube-rs against the sandbox: typed and dynamic APIs, errors as Status, paging, patches, CRDs, and the
//! watcher surviving a dropped stream and a 410 Gone.

mod api_support;

use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{
    Api, DeleteParams, DynamicObject, ListParams, Patch, PatchParams, PostParams, WatchEvent,
    WatchParams,
};
use kube::discovery::{ApiResource, Discovery};
use kube::runtime::watcher;
use serde_json::json;

fn configmap(name: &str, labels: serde_json::Value) -> ConfigMap {
    serde_json::from_value(
        json!({"metadata": {"name": name, "labels": labels}, "data": {"k": name}}),
    )
    .expect("configmap")
}

fn kube_code(err: kube::Error) -> u16 {
    match err {
        kube::Error::Api(status) => status.code,
        other => panic!("expected an API error, got {other}"),
    }
}

#[tokio::test]
async fn typed_crud_follows_api_conventions() {
    let sb = api_support::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client.clone(), "default");
    let created = cms
        .create(
            &PostParams::default(),
            &configmap("one", json!({"app": "web"})),
        )
        .await
        .expect("create");
    assert!(created.metadata.uid.is_some() && created.metadata.resource_version.is_some());
    assert_eq!(
        kube_code(
            cms.create(&PostParams::default(), &configmap("one", json!({})))
                .await
                .expect_err("duplicate")
        ),
        409
    );

    let mut stale = created.clone();
    let mut fresh = created.clone();
    fresh.data = Some([("k".to_string(), "v2".to_string())].into());
    cms.replace("one", &PostParams::default(), &fresh)
        .await
        .expect("replace");
    stale.data = Some([("k".to_string(), "v3".to_string())].into());
    assert_eq!(
        kube_code(
            cms.replace("one", &PostParams::default(), &stale)
                .await
                .expect_err("stale")
        ),
        409
    );

    let merged = cms
        .patch(
            "one",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"tier": "front"}}})),
        )
        .await
        .expect("merge patch");
    assert_eq!(
        merged
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get("tier"))
            .map(String::as_str),
        Some("front")
    );
    let applied = cms
        .patch("two", &PatchParams::apply("test").force(), &Patch::Apply(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "two"}, "data": {"a": "1"}})))
        .await
        .expect("server-side apply creates");
    assert_eq!(
        applied.data.and_then(|d| d.get("a").cloned()).as_deref(),
        Some("1")
    );

    let selected = cms
        .list(&ListParams::default().labels("app=web,tier in (front)"))
        .await
        .expect("list");
    assert_eq!(selected.items.len(), 1);
    let dry = cms
        .delete(
            "one",
            &DeleteParams {
                dry_run: true,
                ..DeleteParams::default()
            },
        )
        .await
        .expect("dry-run delete");
    assert!(dry.is_left());
    cms.get("one").await.expect("dry run kept the object");
    cms.delete("one", &DeleteParams::default())
        .await
        .expect("delete");
    assert_eq!(kube_code(cms.get("one").await.expect_err("gone")), 404);
}

#[tokio::test]
async fn invalid_pods_get_422_with_field_causes() {
    let sb = api_support::start().await;
    let pods: Api<Pod> = Api::namespaced(sb.client.clone(), "default");
    let pod: Pod = serde_json::from_value(
        json!({"metadata": {"name": "bad"}, "spec": {"containers": [{"name": "main"}]}}),
    )
    .expect("pod");
    match pods.create(&PostParams::default(), &pod).await {
        Err(kube::Error::Api(status)) => {
            assert_eq!(status.code, 422);
            assert!(
                status
                    .message
                    .contains("spec.containers[0].image: Required value"),
                "{}",
                status.message
            );
        }
        other => panic!("expected 422, got {other:?}"),
    }
}

#[tokio::test]
async fn lists_page_with_limit_and_continue() {
    let sb = api_support::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client.clone(), "default");
    for i in 0..25 {
        cms.create(
            &PostParams::default(),
            &configmap(&format!("cm-{i:02}"), json!({})),
        )
        .await
        .expect("create");
    }
    let mut names = Vec::new();
    let mut params = ListParams::default().limit(10);
    loop {
        let page = cms.list(&params).await.expect("page");
        names.extend(page.items.iter().filter_map(|c| c.metadata.name.clone()));
        match page.metadata.continue_.filter(|c| !c.is_empty()) {
            Some(token) => {
                assert!(page.metadata.remaining_item_count.is_some());
                params = params.continue_token(&token);
            }
            None => break,
        }
    }
    assert_eq!(names.len(), 25);
    assert_eq!(names.first().map(String::as_str), Some("cm-00"));
}

#[tokio::test]
async fn crds_get_rest_paths_and_dynamic_apis() {
    let sb = api_support::start().await;
    let crds: Api<CustomResourceDefinition> = Api::all(sb.client.clone());
    let crd: CustomResourceDefinition = serde_json::from_value(json!({
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]},
                 "versions": [{"name": "v1", "served": true, "storage": true,
                               "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                               "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}]}]}
    }))
    .expect("crd");
    crds.create(&PostParams::default(), &crd)
        .await
        .expect("create crd");
    let established = crds.get("widgets.example.com").await.expect("get crd");
    let conditions = established
        .status
        .and_then(|s| s.conditions)
        .unwrap_or_default();
    assert!(
        conditions
            .iter()
            .any(|c| c.type_ == "Established" && c.status == "True")
    );

    let discovery = Discovery::new(sb.client.clone())
        .run()
        .await
        .expect("discovery");
    let (resource, _) = discovery
        .groups()
        .flat_map(|g| g.recommended_resources())
        .find(|(r, _)| r.kind == "Widget")
        .expect("widgets are discoverable");
    let widgets: Api<DynamicObject> = Api::namespaced_with(sb.client.clone(), "default", &resource);
    let widget: DynamicObject = serde_json::from_value(json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1"}, "spec": {"size": 3}})).expect("widget");
    widgets
        .create(&PostParams::default(), &widget)
        .await
        .expect("create widget");
    let listed = widgets
        .list(&ListParams::default())
        .await
        .expect("list widgets");
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].data["spec"]["size"], 3);

    crds.delete("widgets.example.com", &DeleteParams::default())
        .await
        .expect("delete crd");
    let gone = ApiResource { ..resource };
    let after: Api<DynamicObject> = Api::namespaced_with(sb.client.clone(), "default", &gone);
    assert_eq!(
        kube_code(
            after
                .list(&ListParams::default())
                .await
                .expect_err("type removed")
        ),
        404
    );
}

#[tokio::test]
async fn watch_from_a_compacted_version_reports_410() {
    let sb = api_support::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client.clone(), "default");
    let old = cms
        .list(&ListParams::default())
        .await
        .expect("list")
        .metadata
        .resource_version
        .expect("rv");
    cms.create(&PostParams::default(), &configmap("x", json!({})))
        .await
        .expect("create");
    sb.handle.store().compact();
    let mut stream = cms
        .watch(&WatchParams::default(), &old)
        .await
        .expect("watch")
        .boxed();
    match stream.try_next().await.expect("event") {
        Some(WatchEvent::Error(err)) => assert_eq!(err.code, 410),
        other => panic!("expected a 410 error event, got {other:?}"),
    }
}

#[tokio::test]
async fn watcher_recovers_from_dropped_streams_and_gone() {
    let sb = api_support::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client.clone(), "default");
    let mut seen = watcher(cms.clone(), watcher::Config::default()).boxed();
    let names = async |stream: &mut futures::stream::BoxStream<
        '_,
        Result<watcher::Event<ConfigMap>, watcher::Error>,
    >,
                       want: &str| {
        tokio::time::timeout(Duration::from_secs(20), async {
            while let Some(ev) = stream.next().await {
                let hit = match ev {
                    Ok(watcher::Event::Apply(cm) | watcher::Event::InitApply(cm)) => {
                        cm.metadata.name.as_deref() == Some(want)
                    }
                    _ => false,
                };
                if hit {
                    return;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("watcher never saw {want}"));
    };
    cms.create(&PostParams::default(), &configmap("before", json!({})))
        .await
        .expect("create");
    names(&mut seen, "before").await;

    // The stream is cut: the watcher resumes from its last version.
    sb.handle.faults().drop_watches();
    cms.create(&PostParams::default(), &configmap("after-drop", json!({})))
        .await
        .expect("create");
    names(&mut seen, "after-drop").await;

    // The stream is cut and history compacted: resuming gets 410, the watcher lists again.
    sb.handle.faults().drop_watches();
    cms.create(&PostParams::default(), &configmap("after-gone", json!({})))
        .await
        .expect("create");
    sb.handle.store().compact();
    names(&mut seen, "after-gone").await;
}

#[tokio::test]
async fn requests_without_the_token_get_401_status() {
    let sb = api_support::start().await;
    let mut config = kube::Config::new(sb.handle.url().parse().expect("url"));
    config.root_cert = None;
    config.accept_invalid_certs = true;
    config.auth_info.token = Some("wrong".to_string().into());
    let client = kube::Client::try_from(config).expect("client");
    let cms: Api<ConfigMap> = Api::namespaced(client, "default");
    assert_eq!(
        kube_code(
            cms.list(&ListParams::default())
                .await
                .expect_err("unauthorized")
        ),
        401
    );
}

#[tokio::test]
async fn a_selector_watch_sees_objects_move_in_as_added_and_out_as_deleted() {
    let sb = api_support::start().await;
    let cms: Api<ConfigMap> = Api::namespaced(sb.client.clone(), "default");
    let start = cms
        .create(
            &PostParams::default(),
            &configmap("mover", json!({"tier": "back"})),
        )
        .await
        .expect("create")
        .metadata
        .resource_version
        .expect("rv");
    let mut stream = cms
        .watch(&WatchParams::default().labels("tier=front"), &start)
        .await
        .expect("watch")
        .boxed();
    let relabel = |tier: &'static str| {
        let cms = cms.clone();
        async move {
            cms.patch(
                "mover",
                &PatchParams::default(),
                &Patch::Merge(json!({"metadata": {"labels": {"tier": tier}}})),
            )
            .await
            .expect("relabel");
        }
    };
    let mut next = async || {
        tokio::time::timeout(Duration::from_secs(5), stream.try_next())
            .await
            .expect("an event in time")
            .expect("a good event")
            .expect("the stream stays open")
    };
    relabel("front").await;
    assert!(
        matches!(next().await, WatchEvent::Added(cm) if cm.metadata.name.as_deref() == Some("mover"))
    );
    cms.patch(
        "mover",
        &PatchParams::default(),
        &Patch::Merge(json!({"data": {"k": "changed"}})),
    )
    .await
    .expect("change inside the selection");
    assert!(matches!(next().await, WatchEvent::Modified(_)));
    relabel("back").await;
    match next().await {
        WatchEvent::Deleted(cm) => {
            let labels = cm.metadata.labels.unwrap_or_default();
            assert_eq!(labels.get("tier").map(String::as_str), Some("back"));
        }
        other => panic!("expected DELETED, got {other:?}"),
    }
}
