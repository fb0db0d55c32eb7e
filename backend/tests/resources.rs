//! The resource browser's backend against real sandbox clusters and a real PostgreSQL: discovery
//! and navigation, kubectl's columns and statuses, filters, sorting, paging, live deltas, secrets
//! without data, unreachable clusters and idle reflectors.

use std::time::{Duration, Instant};

use backend::ClientInfo;
use backend::clusters::{self, ClusterRegistry};
use backend::crypto::SecretKey;
use backend::db::testing::{TestDb, insert_user};
use backend::resources::{self, HubSettings, LiveSettings, ResourceHub, RowEvent, RowSubscription};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, DeleteParams, DynamicObject, Patch, PatchParams, PostParams};
use kube::discovery::ApiResource;
use model::clusters::{ClusterSettings, ClusterSource, NewCluster};
use model::live::{LiveRequest, LiveState, LiveUpdate};
use model::resources::{ColumnType, ListQuery, NavGroup, ResourcePage, ResourceRow, Tone};
use model::{AppError, ErrorKind};
use sandbox::{SandboxConfig, SandboxHandle, Scenario};
use serde_json::json;
use uuid::Uuid;

struct Env {
    _db: TestDb,
    sandbox: SandboxHandle,
    registry: ClusterRegistry,
    hub: ResourceHub,
    cluster: Uuid,
    kube: kube::Client,
}

async fn sandbox(scenario: Scenario) -> SandboxHandle {
    sandbox::start(SandboxConfig {
        scenario,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

async fn register(registry: &ClusterRegistry, name: &str, source: ClusterSource) -> Uuid {
    let admin = insert_user(registry.db(), &format!("admin-{name}"), true).await;
    let client = ClientInfo {
        ip: None,
        user_agent: None,
        request_id: Some("req-resources".into()),
    };
    let info = clusters::create(
        registry,
        &admin,
        &client,
        NewCluster {
            settings: ClusterSettings {
                name: name.into(),
                ..Default::default()
            },
            source,
        },
    )
    .await
    .expect("create cluster");
    clusters::parse_id(&info.id).expect("id")
}

fn kubeconfig(sb: &SandboxHandle) -> ClusterSource {
    ClusterSource::Kubeconfig {
        kubeconfig: sb.kubeconfig_yaml().to_string(),
        context: None,
    }
}

async fn env_with(settings: HubSettings) -> Env {
    let db = TestDb::new().await;
    let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
    let sandbox = sandbox(Scenario::Demo).await;
    let cluster = register(&registry, "demo", kubeconfig(&sandbox)).await;
    let kube = registry.client(cluster).await.expect("client");
    let hub = ResourceHub::with_settings(registry.clone(), settings);
    Env {
        _db: db,
        sandbox,
        registry,
        hub,
        cluster,
        kube,
    }
}

async fn env() -> Env {
    env_with(HubSettings::default()).await
}

impl Env {
    async fn list(&self, kind: &str, query: ListQuery) -> ResourcePage {
        resources::list(&self.hub, self.cluster, kind, &query)
            .await
            .unwrap_or_else(|e| panic!("list {kind}: {e}"))
    }

    async fn all(&self, kind: &str) -> ResourcePage {
        self.list(
            kind,
            ListQuery {
                limit: Some(1000),
                ..Default::default()
            },
        )
        .await
    }

    /// Lists `kind` until `done` holds for the page, for up to `within`.
    async fn eventually(
        &self,
        kind: &str,
        query: ListQuery,
        within: Duration,
        done: impl Fn(&ResourcePage) -> bool,
    ) -> ResourcePage {
        let deadline = Instant::now() + within;
        loop {
            let page = self.list(kind, query.clone()).await;
            if done(&page) {
                return page;
            }
            assert!(
                Instant::now() < deadline,
                "{kind} never reached the expected state: {:#?}",
                page.rows
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// The cell of column `id` in `row`.
fn cell<'a>(page: &ResourcePage, row: &'a ResourceRow, id: &str) -> &'a str {
    let index = page
        .columns
        .iter()
        .position(|c| c.id == id)
        .unwrap_or_else(|| panic!("no column {id} in {:?}", page.columns));
    &row.cells[index]
}

fn row<'a>(page: &'a ResourcePage, name: &str) -> &'a ResourceRow {
    page.rows
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no row {name} in {:?}",
                page.rows.iter().map(|r| &r.name).collect::<Vec<_>>()
            )
        })
}

fn ids(page: &ResourcePage) -> Vec<&str> {
    page.columns.iter().map(|c| c.id.as_str()).collect()
}

fn names(page: &ResourcePage) -> Vec<&str> {
    page.rows.iter().map(|r| r.name.as_str()).collect()
}

async fn create_pod(kube: &kube::Client, ns: &str, name: &str, image: &str, command: Option<&str>) {
    let mut container = json!({"name": "main", "image": image});
    if let Some(cmd) = command {
        container["command"] = json!(["sh", "-c", cmd]);
    }
    let pod: Pod = serde_json::from_value(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": ns, "labels": {"app": name, "test": "resources"}},
        "spec": {"containers": [container], "restartPolicy": "Always"},
    }))
    .expect("pod json");
    Api::<Pod>::namespaced(kube.clone(), ns)
        .create(&PostParams::default(), &pod)
        .await
        .expect("create pod");
}

async fn next_event(
    sub: &mut RowSubscription,
    within: Duration,
    wanted: impl Fn(&RowEvent) -> bool,
) -> RowEvent {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, sub.events.recv()).await {
            Ok(Ok(event)) if wanted(&event) => return event,
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("subscription failed: {e}"),
            Err(_) => panic!("no matching delta within {within:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn kinds_are_grouped_for_navigation_and_crds_bring_their_printer_columns() {
    let env = env().await;
    let crds: Api<CustomResourceDefinition> = Api::all(env.kube.clone());
    let crd: CustomResourceDefinition = serde_json::from_value(json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com", "scope": "Namespaced",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                "additionalPrinterColumns": [
                    {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
                    {"name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status"},
                    {"name": "Colour", "type": "string", "jsonPath": ".spec.colour", "priority": 1},
                ],
            }],
        },
    }))
    .expect("crd json");
    crds.create(&PostParams::default(), &crd)
        .await
        .expect("create crd");

    let started = Instant::now();
    let kinds = resources::kinds(&env.registry, env.cluster)
        .await
        .expect("kinds");
    let first = started.elapsed();
    let keys_in = |nav: NavGroup| -> Vec<&str> {
        kinds
            .iter()
            .filter(|k| k.nav == nav)
            .map(|k| k.key.as_str())
            .collect()
    };
    let workloads = keys_in(NavGroup::Workloads);
    assert_eq!(
        &workloads[..5],
        [
            "pods",
            "deployments.apps",
            "statefulsets.apps",
            "daemonsets.apps",
            "replicasets.apps"
        ]
    );
    assert!(workloads.contains(&"cronjobs.batch") && workloads.contains(&"jobs.batch"));
    let network = keys_in(NavGroup::Network);
    assert_eq!(network[0], "services");
    assert!(network.contains(&"ingresses.networking.k8s.io"));
    assert_eq!(&keys_in(NavGroup::Config)[..2], ["configmaps", "secrets"]);
    assert!(keys_in(NavGroup::Storage).contains(&"storageclasses.storage.k8s.io"));
    assert_eq!(
        &keys_in(NavGroup::Cluster)[..4],
        ["nodes", "namespaces", "events", "serviceaccounts"]
    );
    assert_eq!(keys_in(NavGroup::CustomResources), ["widgets.example.com"]);
    let pods = kinds.iter().find(|k| k.key == "pods").expect("pods");
    assert!(pods.namespaced && pods.can_create && pods.can_delete && pods.version == "v1");
    let nodes = kinds.iter().find(|k| k.key == "nodes").expect("nodes");
    assert!(!nodes.namespaced);
    assert!(
        kinds.iter().all(|k| !k.plural.contains('/')),
        "no subresources"
    );
    // The second call is served from the cache.
    let again = Instant::now();
    resources::kinds(&env.registry, env.cluster)
        .await
        .expect("kinds");
    assert!(again.elapsed() < first.max(Duration::from_millis(5)));

    let widgets: Api<DynamicObject> = Api::namespaced_with(
        env.kube.clone(),
        "default",
        &ApiResource::from_gvk_with_plural(
            &kube::api::GroupVersionKind::gvk("example.com", "v1", "Widget"),
            "widgets",
        ),
    );
    let widget: DynamicObject = serde_json::from_value(json!({
        "apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"name": "sprocket", "namespace": "default"},
        "spec": {"size": 7, "colour": "blue"},
        "status": {"conditions": [{"type": "Synced", "status": "False"}, {"type": "Ready", "status": "True"}]},
    }))
    .expect("widget json");
    widgets
        .create(&PostParams::default(), &widget)
        .await
        .expect("create widget");
    let page = env.all("widgets.example.com").await;
    assert_eq!(
        ids(&page),
        ["name", "namespace", "size", "ready", "colour", "age"]
    );
    assert_eq!(page.columns[2].kind, ColumnType::Number);
    assert_eq!(page.columns[4].priority, 1);
    let sprocket = row(&page, "sprocket");
    assert_eq!(cell(&page, sprocket, "size"), "7");
    assert_eq!(cell(&page, sprocket, "colour"), "blue");
    // The sandbox may keep or drop a status sent on create; the cell follows the object.
    let ready = cell(&page, sprocket, "ready");
    assert!(ready == "True" || ready.is_empty(), "{ready}");
    assert!(!cell(&page, sprocket, "age").is_empty());

    let unknown = resources::list(
        &env.hub,
        env.cluster,
        "gadgets.example.com",
        &ListQuery::default(),
    )
    .await
    .expect_err("unknown kind");
    let unknown = AppError::from(unknown);
    assert_eq!(
        (unknown.kind, unknown.code.as_str()),
        (ErrorKind::NotFound, "resource.kind_unknown")
    );
    assert!(unknown.message.contains("gadgets.example.com"));
}

#[tokio::test(flavor = "multi_thread")]
async fn pods_show_kubectl_columns_and_statuses_including_failures() {
    let env = env().await;
    create_pod(&env.kube, "default", "broken-image", "nginx:missing", None).await;
    create_pod(
        &env.kube,
        "default",
        "crasher",
        "busybox:1.36",
        Some("echo boom; exit 1"),
    )
    .await;

    let query = ListQuery {
        limit: Some(1000),
        ..Default::default()
    };
    let page = env
        .eventually("pods", query, Duration::from_secs(30), |p| {
            let status = |name: &str| {
                p.rows
                    .iter()
                    .find(|r| r.name == name)
                    .map(|r| r.cells[3].clone())
                    .unwrap_or_default()
            };
            let frontend_running = p
                .rows
                .iter()
                .filter(|r| r.name.starts_with("frontend-"))
                .all(|r| r.tone == Tone::Good);
            frontend_running
                && matches!(
                    status("broken-image").as_str(),
                    "ErrImagePull" | "ImagePullBackOff"
                )
                && matches!(status("crasher").as_str(), "CrashLoopBackOff" | "Error")
        })
        .await;
    assert_eq!(
        ids(&page),
        [
            "name",
            "namespace",
            "ready",
            "status",
            "restarts",
            "age",
            "ip",
            "node"
        ]
    );
    assert_eq!(page.columns[6].priority, 1);
    let frontend = page
        .rows
        .iter()
        .find(|r| r.name.starts_with("frontend-"))
        .expect("a frontend pod");
    assert_eq!(cell(&page, frontend, "ready"), "1/1");
    assert_eq!(cell(&page, frontend, "status"), "Running");
    assert_eq!(cell(&page, frontend, "restarts"), "0");
    assert!(!cell(&page, frontend, "ip").is_empty());
    assert!(cell(&page, frontend, "node").starts_with("sandbox-"));
    assert!(chrono::DateTime::parse_from_rfc3339(cell(&page, frontend, "age")).is_ok());
    assert_eq!(frontend.namespace.as_deref(), Some("shop"));
    assert!(frontend.created_at.is_some() && !frontend.resource_version.is_empty());
    assert_eq!(
        frontend.labels.get("app").map(String::as_str),
        Some("frontend")
    );
    let broken = row(&page, "broken-image");
    assert_eq!(broken.tone, Tone::Bad);
    assert_eq!(cell(&page, broken, "ready"), "0/1");
    assert_eq!(row(&page, "crasher").tone, Tone::Bad);
    assert_eq!(page.total, page.cached);
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_filter_by_namespaces_text_and_label_selector() {
    let env = env().await;
    let shop = env
        .list(
            "pods",
            ListQuery {
                namespaces: vec!["shop".into()],
                limit: Some(1000),
                ..Default::default()
            },
        )
        .await;
    assert!(shop.total > 0 && shop.total < shop.cached);
    assert!(
        shop.rows
            .iter()
            .all(|r| r.namespace.as_deref() == Some("shop"))
    );

    let two = env
        .list(
            "pods",
            ListQuery {
                namespaces: vec!["shop".into(), "kube-system".into()],
                limit: Some(1000),
                ..Default::default()
            },
        )
        .await;
    let namespaces: std::collections::BTreeSet<&str> = two
        .rows
        .iter()
        .filter_map(|r| r.namespace.as_deref())
        .collect();
    assert_eq!(namespaces, ["kube-system", "shop"].into());

    let text = env
        .list(
            "deployments.apps",
            ListQuery {
                filter: "CATAL".into(),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(names(&text), ["catalog"]);
    // Text matches cells too: the service type.
    let headless = env
        .list(
            "services",
            ListQuery {
                filter: "none".into(),
                ..Default::default()
            },
        )
        .await;
    assert!(
        names(&headless).contains(&"postgres"),
        "{:?}",
        names(&headless)
    );

    let selected = env
        .list(
            "deployments.apps",
            ListQuery {
                label_selector: "app in (cart, catalog), app.kubernetes.io/part-of=shop, !missing"
                    .into(),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(names(&selected), ["cart", "catalog"]);
    let negated = env
        .list(
            "deployments.apps",
            ListQuery {
                namespaces: vec!["shop".into()],
                label_selector: "app notin (cart,catalog)".into(),
                ..Default::default()
            },
        )
        .await;
    assert!(!names(&negated).contains(&"cart") && names(&negated).contains(&"frontend"));

    let bad = resources::list(
        &env.hub,
        env.cluster,
        "pods",
        &ListQuery {
            label_selector: "app in (web".into(),
            limit: Some(5000),
            ..Default::default()
        },
    )
    .await
    .expect_err("bad selector");
    let bad = AppError::from(bad);
    assert_eq!(bad.kind, ErrorKind::Invalid);
    assert_eq!(bad.code, "resource.invalid_query");
    assert!(bad.field_message("label_selector").is_some());
    assert!(bad.field_message("limit").is_some());
    let bad_sort = AppError::from(
        resources::list(
            &env.hub,
            env.cluster,
            "pods",
            &ListQuery {
                sort: Some("colour".into()),
                ..Default::default()
            },
        )
        .await
        .expect_err("bad sort"),
    );
    assert!(
        bad_sort
            .field_message("sort")
            .is_some_and(|m| m.contains("restarts"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_sort_by_restarts_and_age_and_page_with_totals() {
    let env = env().await;
    create_pod(
        &env.kube,
        "default",
        "crasher",
        "busybox:1.36",
        Some("exit 1"),
    )
    .await;
    let by_restarts = ListQuery {
        sort: Some("restarts".into()),
        descending: true,
        limit: Some(3),
        ..Default::default()
    };
    // The kubelet restarts a crashing container after a 10 s back-off.
    let page = env
        .eventually("pods", by_restarts, Duration::from_secs(45), |p| {
            p.rows
                .first()
                .is_some_and(|r| r.name == "crasher" && r.cells[4] != "0")
        })
        .await;
    assert_eq!(page.rows.len(), 3);
    assert_eq!(page.limit, 3);

    // Ascending age: the youngest first — the pod just created.
    let young = env
        .list(
            "pods",
            ListQuery {
                sort: Some("age".into()),
                limit: Some(1),
                ..Default::default()
            },
        )
        .await;
    assert_eq!(names(&young), ["crasher"]);
    let old = env
        .list(
            "pods",
            ListQuery {
                sort: Some("age".into()),
                descending: true,
                limit: Some(1000),
                ..Default::default()
            },
        )
        .await;
    let created: Vec<_> = old.rows.iter().map(|r| r.created_at).collect();
    assert!(created.windows(2).all(|w| w[0] <= w[1]), "oldest first");

    // Pages tile the whole list without overlap, in the default order.
    let all = env.all("pods").await;
    let mut paged = Vec::new();
    let mut offset = 0;
    loop {
        let page = env
            .list(
                "pods",
                ListQuery {
                    offset,
                    limit: Some(4),
                    ..Default::default()
                },
            )
            .await;
        assert_eq!(page.total, all.total);
        assert_eq!(page.offset, offset);
        if page.rows.is_empty() {
            break;
        }
        paged.extend(page.rows.into_iter().map(|r| r.uid));
        offset += 4;
    }
    let expected: Vec<String> = all.rows.iter().map(|r| r.uid.clone()).collect();
    assert_eq!(paged, expected);
    let keys: Vec<(Option<String>, String)> = all
        .rows
        .iter()
        .map(|r| (r.namespace.clone(), r.name.clone()))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "namespace then name");
}

#[tokio::test(flavor = "multi_thread")]
async fn secret_rows_carry_type_and_key_count_but_no_data() {
    let env = env().await;
    let value = "s3cr3t-value-nobody-may-see";
    let secret: k8s_openapi::api::core::v1::Secret = serde_json::from_value(json!({
        "metadata": {"name": "vault", "namespace": "default"},
        "type": "Opaque",
        "data": {"token": base64_of(value.as_bytes()), "other": base64_of(b"x")},
    }))
    .expect("secret json");
    Api::<k8s_openapi::api::core::v1::Secret>::namespaced(env.kube.clone(), "default")
        .create(&PostParams::default(), &secret)
        .await
        .expect("create secret");
    let page = env.all("secrets").await;
    assert_eq!(ids(&page), ["name", "namespace", "type", "data", "age"]);
    let tls = row(&page, "shop-tls");
    assert_eq!(cell(&page, tls, "type"), "kubernetes.io/tls");
    assert_eq!(cell(&page, tls, "data"), "2");
    let vault = row(&page, "vault");
    assert_eq!(cell(&page, vault, "type"), "Opaque");
    assert_eq!(cell(&page, vault, "data"), "2");
    let json = serde_json::to_string(&page).expect("json");
    assert!(!json.contains(value), "a secret value leaked into the list");
    assert!(
        !json.contains(&base64_of(value.as_bytes())),
        "an encoded secret value leaked into the list"
    );

    let configmaps = env.all("configmaps").await;
    let settings = row(&configmaps, "shop-settings");
    assert_ne!(cell(&configmaps, settings, "data"), "0");
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test(flavor = "multi_thread")]
async fn changes_in_the_cluster_reach_the_next_list_and_subscribers() {
    let env = env().await;
    let within = Duration::from_secs(5);

    // Subscribe first, then read the page: no change can fall in between.
    let mut configmaps = env
        .hub
        .subscribe(env.cluster, "configmaps")
        .await
        .expect("subscribe configmaps");
    assert_eq!(configmaps.kind.key, "configmaps");
    assert_eq!(configmaps.columns[0].id, "name");
    let before = env.all("configmaps").await;
    let cm: ConfigMap = serde_json::from_value(json!({
        "metadata": {"name": "fresh", "namespace": "default"},
        "data": {"a": "1", "b": "2"},
    }))
    .expect("cm");
    let started = Instant::now();
    Api::<ConfigMap>::namespaced(env.kube.clone(), "default")
        .create(&PostParams::default(), &cm)
        .await
        .expect("create cm");
    let RowEvent::Applied(applied) = next_event(
        &mut configmaps,
        within,
        |e| matches!(e, RowEvent::Applied(r) if r.name == "fresh"),
    )
    .await
    else {
        unreachable!()
    };
    let delta_latency = started.elapsed();
    assert_eq!(applied.cells[2], "2");
    let after = env.all("configmaps").await;
    assert_eq!(after.cached, before.cached + 1);
    assert_eq!(cell(&after, row(&after, "fresh"), "data"), "2");

    // Scale a deployment: its row changes, and new pods appear.
    let mut deployments = env
        .hub
        .subscribe(env.cluster, "deployments.apps")
        .await
        .expect("subscribe deployments");
    Api::<Deployment>::namespaced(env.kube.clone(), "shop")
        .patch(
            "catalog",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 4}})),
        )
        .await
        .expect("scale");
    next_event(
        &mut deployments,
        within,
        |e| matches!(e, RowEvent::Applied(r) if r.name == "catalog" && r.cells[2].ends_with("/4")),
    )
    .await;
    let catalog_pods = ListQuery {
        label_selector: "app=catalog".into(),
        ..Default::default()
    };
    env.eventually("pods", catalog_pods, Duration::from_secs(10), |p| {
        p.total == 4
    })
    .await;

    // Delete a pod: a Deleted delta with its uid, and it leaves the list.
    let mut pods = env
        .hub
        .subscribe(env.cluster, "pods")
        .await
        .expect("subscribe pods");
    let shop = env
        .list(
            "pods",
            ListQuery {
                label_selector: "app=cart".into(),
                ..Default::default()
            },
        )
        .await;
    let victim = shop.rows.first().expect("a cart pod").clone();
    Api::<Pod>::namespaced(env.kube.clone(), "shop")
        .delete(&victim.name, &DeleteParams::default().grace_period(0))
        .await
        .expect("delete pod");
    next_event(
        &mut pods,
        Duration::from_secs(10),
        |e| matches!(e, RowEvent::Deleted { uid } if *uid == victim.uid),
    )
    .await;
    let after = env.all("pods").await;
    assert!(after.rows.iter().all(|r| r.uid != victim.uid));
    eprintln!("configmap delta after {delta_latency:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_cluster_fails_fast_and_leaves_others_alone() {
    let env = env().await;
    // A second cluster that accepts connections and never answers.
    let black_hole = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let hole_addr = black_hole.local_addr().expect("addr");
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = black_hole.accept().await {
            open.push(socket);
        }
    });
    let silent = register(
        &env.registry,
        "silent",
        ClusterSource::Token {
            server: format!("https://{hole_addr}"),
            token: "t".into(),
            ca_pem: Some(env.sandbox.ca_pem().into()),
            insecure_skip_tls_verify: false,
        },
    )
    .await;

    let started = Instant::now();
    let query = ListQuery::default();
    let (silent_result, healthy) =
        tokio::join!(resources::list(&env.hub, silent, "pods", &query), async {
            let started = Instant::now();
            let page = env.list("pods", ListQuery::default()).await;
            (page, started.elapsed())
        });
    let silent_error = AppError::from(silent_result.expect_err("silent cluster"));
    assert_eq!(silent_error.code, "cluster.unreachable");
    assert!(
        silent_error.message.contains("silent"),
        "{}",
        silent_error.message
    );
    let waited = started.elapsed();
    assert!(waited < Duration::from_secs(13), "waited {waited:?}");
    assert!(
        healthy.1 < Duration::from_secs(5),
        "healthy cluster took {:?}",
        healthy.1
    );
    assert!(healthy.0.total > 0);
    held.abort();

    // The demo cluster goes away: discovery is cached, so the new reflector's list fails.
    let Env {
        sandbox,
        hub,
        cluster,
        _db,
        ..
    } = env;
    sandbox.shutdown().await;
    let started = Instant::now();
    let gone = resources::list(&hub, cluster, "services", &ListQuery::default())
        .await
        .expect_err("cluster gone");
    let gone = AppError::from(gone);
    assert_eq!(
        (gone.kind, gone.code.as_str()),
        (ErrorKind::Unavailable, "cluster.unreachable")
    );
    assert!(
        started.elapsed() < Duration::from_secs(11),
        "{:?}",
        started.elapsed()
    );
    assert!(!hub.running(cluster).contains(&"services".to_string()));
    let unknown = AppError::from(
        resources::list(&hub, Uuid::new_v4(), "pods", &ListQuery::default())
            .await
            .expect_err("no such cluster"),
    );
    assert_eq!(unknown.code, "cluster.not_found");
}

#[tokio::test(flavor = "multi_thread")]
async fn idle_reflectors_stop_and_subscribers_keep_them_alive() {
    let env = env_with(HubSettings {
        idle_after: Duration::from_millis(800),
        ..HubSettings::default()
    })
    .await;
    env.all("pods").await;
    let _sub = env
        .hub
        .subscribe(env.cluster, "configmaps")
        .await
        .expect("subscribe");
    assert_eq!(env.hub.running(env.cluster), ["configmaps", "pods"]);
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(env.hub.running(env.cluster), ["configmaps"]);
    drop(_sub);
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert!(env.hub.running(env.cluster).is_empty());
    // A stopped reflector starts again transparently.
    assert!(env.all("pods").await.total > 0);
}

/// A live-list session over channels, as the WebSocket handler runs it.
struct LiveSession {
    requests: tokio::sync::mpsc::Sender<LiveRequest>,
    updates: tokio::sync::mpsc::Receiver<LiveUpdate>,
}

impl LiveSession {
    fn start(env: &Env, kind: &str) -> Self {
        let (requests, requests_rx) = tokio::sync::mpsc::channel(8);
        let (updates_tx, updates) = tokio::sync::mpsc::channel(256);
        let settings = LiveSettings {
            coalesce: Duration::from_millis(50),
            first_retry: Duration::from_millis(200),
            max_retry: Duration::from_millis(500),
        };
        tokio::spawn(resources::serve_live(
            env.hub.clone(),
            env.cluster,
            kind.to_string(),
            settings,
            requests_rx,
            updates_tx,
        ));
        Self { requests, updates }
    }

    async fn watch(&self, query: ListQuery) {
        self.requests
            .send(LiveRequest::Watch { query })
            .await
            .expect("session alive");
    }

    /// The next update `wanted` accepts, within `within`; others are skipped.
    async fn next(&mut self, within: Duration, wanted: impl Fn(&LiveUpdate) -> bool) -> LiveUpdate {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.updates.recv()).await {
                Ok(Some(update)) if wanted(&update) => return update,
                Ok(Some(_)) => {}
                Ok(None) => panic!("live session ended"),
                Err(_) => panic!("no matching live update within {within:?}"),
            }
        }
    }
}

fn page_names(update: &LiveUpdate) -> Vec<String> {
    match update {
        LiveUpdate::Page { rows, .. } => rows.iter().map(|r| r.name.clone()).collect(),
        _ => Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_list_sends_its_page_then_changed_rows_entries_and_removals() {
    let env = env().await;
    let within = Duration::from_secs(5);
    let configmaps = Api::<ConfigMap>::namespaced(env.kube.clone(), "default");
    for name in ["live-a", "live-b"] {
        let cm: ConfigMap = serde_json::from_value(json!({
            "metadata": {"name": name, "namespace": "default", "labels": {"live": "yes"}},
            "data": {"k": "v"},
        }))
        .expect("cm");
        configmaps
            .create(&PostParams::default(), &cm)
            .await
            .expect("create");
    }
    let mut live = LiveSession::start(&env, "configmaps");
    live.watch(ListQuery {
        label_selector: "live=yes".into(),
        ..Default::default()
    })
    .await;
    let first = live
        .next(within, |u| matches!(u, LiveUpdate::Page { .. }))
        .await;
    assert_eq!(page_names(&first), ["live-a", "live-b"]);
    let LiveUpdate::Page { total, columns, .. } = &first else {
        unreachable!()
    };
    assert_eq!((*total, columns[0].id.as_str()), (2, "name"));

    // A row on the page changes: that row alone, at once.
    configmaps
        .patch(
            "live-a",
            &PatchParams::default(),
            &Patch::Merge(json!({"data": {"k": "v", "k2": "w"}})),
        )
        .await
        .expect("patch");
    let changed = live
        .next(within, |u| matches!(u, LiveUpdate::Row { .. }))
        .await;
    let LiveUpdate::Row { row } = changed else {
        unreachable!()
    };
    assert_eq!((row.name.as_str(), row.cells[2].as_str()), ("live-a", "2"));

    // An object enters the selection: a new page with it, in order.
    let cm: ConfigMap = serde_json::from_value(json!({
        "metadata": {"name": "live-0", "namespace": "default", "labels": {"live": "yes"}},
    }))
    .expect("cm");
    configmaps
        .create(&PostParams::default(), &cm)
        .await
        .expect("create");
    let entered = live
        .next(within, |u| matches!(u, LiveUpdate::Page { .. }))
        .await;
    assert_eq!(page_names(&entered), ["live-0", "live-a", "live-b"]);

    // A change outside the selection sends nothing; a removal sends the uid.
    let other: ConfigMap =
        serde_json::from_value(json!({"metadata": {"name": "not-live", "namespace": "default"}}))
            .expect("cm");
    configmaps
        .create(&PostParams::default(), &other)
        .await
        .expect("create");
    configmaps
        .delete("live-b", &DeleteParams::default())
        .await
        .expect("delete");
    let removed = live
        .next(within, |u| !matches!(u, LiveUpdate::Status(_)))
        .await;
    assert!(matches!(removed, LiveUpdate::Removed { .. }), "{removed:?}");

    // A new query on the same socket: its page.
    live.watch(ListQuery {
        filter: "live-0".into(),
        ..Default::default()
    })
    .await;
    let filtered = live
        .next(within, |u| matches!(u, LiveUpdate::Page { .. }))
        .await;
    assert_eq!(page_names(&filtered), ["live-0"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_list_reports_bad_queries_and_a_cluster_outage_then_recovers() {
    let env = env().await;
    let within = Duration::from_secs(10);
    let mut live = LiveSession::start(&env, "namespaces");
    live.watch(ListQuery {
        label_selector: "a in (".into(),
        ..Default::default()
    })
    .await;
    let refused = live.next(within, |_| true).await;
    let LiveUpdate::Error { error } = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(error.code, "resource.invalid_query");
    assert!(error.field_message("label_selector").is_some());

    // A corrected query on the same socket is served.
    live.watch(ListQuery::default()).await;
    let page = live
        .next(within, |u| matches!(u, LiveUpdate::Page { .. }))
        .await;
    assert!(page_names(&page).contains(&"shop".to_string()));

    // The cluster goes away: "retrying" with a reason, then live again with a fresh page.
    env.sandbox.faults().set(sandbox::Faults {
        outage: true,
        ..Default::default()
    });
    // A watch request may be past the outage check when it begins: drop until one breaks.
    let mut retrying = None;
    for _ in 0..20 {
        env.sandbox.faults().drop_watches();
        if let Ok(Some(LiveUpdate::Status(LiveState::Retrying { message }))) =
            tokio::time::timeout(Duration::from_secs(1), live.updates.recv()).await
        {
            retrying = Some(message);
            break;
        }
    }
    let message = retrying.expect("the live list says it is retrying");
    assert!(message.contains("demo"), "names the cluster: {message}");
    env.sandbox.faults().set(sandbox::Faults::default());
    live.next(Duration::from_secs(30), |u| {
        matches!(u, LiveUpdate::Status(LiveState::Live))
    })
    .await;

    // Unknown kinds are an error, not a retry.
    let mut unknown = LiveSession::start(&env, "gizmos.example.com");
    unknown.watch(ListQuery::default()).await;
    let refused = unknown.next(within, |_| true).await;
    let LiveUpdate::Error { error } = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(error.code, "resource.kind_unknown");
}
