//! Object detail pages against a real sandbox cluster and a real PostgreSQL: pods with their
//! containers and owner chain, a deployment's ReplicaSets and pods, events, nodes, services and
//! ingresses, custom resources through the generic summary, Secrets without values, audited
//! reveals, and objects that are gone.

use std::time::{Duration, Instant};

use backend::ClientInfo;
use backend::clusters::{self, ClusterRegistry};
use backend::crypto::SecretKey;
use backend::db::models::audit_events::{self, AuditEventRow};
use backend::db::testing::TestDb;
use backend::resources::detail::{self, DetailError};
use k8s_openapi::api::core::v1::{Pod, Secret};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{Api, DynamicObject, ListParams, PostParams};
use kube::discovery::ApiResource;
use model::auth::UserInfo;
use model::clusters::{ClusterSettings, ClusterSource, NewCluster};
use model::detail::{ContainerState, EnvSource, FieldValue, ObjectDetail};
use model::objects::ObjectRef;
use model::resources::Tone;
use model::{AppError, ErrorKind};
use sandbox::{SandboxConfig, SandboxHandle};
use serde_json::json;
use uuid::Uuid;

/// The shop demo's database password (`postgres-credentials`, key `password`).
const DEMO_PASSWORD: &str = "s3cr3t-sandbox";

struct Env {
    db: TestDb,
    _sandbox: SandboxHandle,
    registry: ClusterRegistry,
    cluster: Uuid,
    kube: kube::Client,
    admin: UserInfo,
    viewer: UserInfo,
}

async fn env() -> Env {
    let db = TestDb::new().await;
    let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
    let sandbox = sandbox::start(SandboxConfig::default())
        .await
        .expect("sandbox starts");
    let admin = db.user("admin-detail", true).await;
    let viewer = db.user("viewer-detail", false).await;
    let info = clusters::create(
        &registry,
        &admin,
        &client(),
        NewCluster {
            settings: ClusterSettings {
                name: "demo".into(),
                ..Default::default()
            },
            source: ClusterSource::Kubeconfig {
                kubeconfig: sandbox.kubeconfig_yaml().to_string(),
                context: None,
            },
        },
    )
    .await
    .expect("create cluster");
    let cluster = clusters::parse_id(&info.id).expect("id");
    let kube = registry.client(cluster).await.expect("client");
    Env {
        db,
        _sandbox: sandbox,
        registry,
        cluster,
        kube,
        admin,
        viewer,
    }
}

fn client() -> ClientInfo {
    ClientInfo {
        ip: None,
        user_agent: None,
        request_id: Some("req-detail".into()),
    }
}

fn object(kind: &str, namespace: Option<&str>, name: &str) -> ObjectRef {
    ObjectRef {
        kind: kind.into(),
        namespace: namespace.map(str::to_string),
        name: name.into(),
    }
}

impl Env {
    async fn detail(&self, kind: &str, namespace: Option<&str>, name: &str) -> ObjectDetail {
        detail::object_detail(
            &self.registry,
            &self.admin,
            self.cluster,
            &object(kind, namespace, name),
        )
        .await
        .unwrap_or_else(|e| panic!("detail of {kind} {name}: {e}"))
    }

    /// Reads the detail until `done` holds, for up to `within`.
    async fn eventually(
        &self,
        kind: &str,
        namespace: Option<&str>,
        name: &str,
        within: Duration,
        done: impl Fn(&ObjectDetail) -> bool,
    ) -> ObjectDetail {
        let deadline = Instant::now() + within;
        loop {
            let d = self.detail(kind, namespace, name).await;
            if done(&d) {
                return d;
            }
            assert!(
                Instant::now() < deadline,
                "{kind} {name} never reached the expected state: {d:#?}"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// The names of pods with label `app=<app>` in `shop`.
    async fn shop_pods(&self, app: &str) -> Vec<String> {
        Api::<Pod>::namespaced(self.kube.clone(), "shop")
            .list(&ListParams::default().labels(&format!("app={app}")))
            .await
            .expect("list pods")
            .items
            .into_iter()
            .filter_map(|p| p.metadata.name)
            .collect()
    }

    async fn audit_rows(&self, action: &str) -> Vec<AuditEventRow> {
        let mut conn = self.db.pool.get().await.expect("conn");
        audit_events::latest(&mut conn, 100)
            .await
            .expect("audit")
            .into_iter()
            .filter(|e| e.action == action)
            .collect()
    }
}

/// The text of summary field `key`, all values joined by `, `.
fn field(d: &ObjectDetail, key: &str) -> String {
    d.summary
        .iter()
        .find(|f| f.key == key)
        .map(|f| {
            f.values
                .iter()
                .map(FieldValue::as_text)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// The link target of summary field `key`.
fn link(d: &ObjectDetail, key: &str) -> Option<ObjectRef> {
    d.summary
        .iter()
        .find(|f| f.key == key)?
        .values
        .iter()
        .find_map(|v| match v {
            FieldValue::Link { target, .. } => Some(target.clone()),
            _ => None,
        })
}

/// The cells of table `key` as text, row by row.
fn table(d: &ObjectDetail, key: &str) -> Vec<Vec<String>> {
    d.tables
        .iter()
        .find(|t| t.key == key)
        .map(|t| {
            t.rows
                .iter()
                .map(|row| {
                    row.iter()
                        .map(|cell| {
                            cell.iter()
                                .map(FieldValue::as_text)
                                .collect::<Vec<_>>()
                                .join(",")
                        })
                        .collect()
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn wait_for_pods(env: &Env, app: &str, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let pods = env.shop_pods(app).await;
        if pods.len() >= count {
            return pods;
        }
        assert!(Instant::now() < deadline, "{app} never got {count} pods");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pod_shows_its_containers_and_the_owner_chain_up_to_its_deployment() {
    let env = env().await;
    let pods = wait_for_pods(&env, "frontend", 1).await;
    let pod = env
        .eventually(
            "pods",
            Some("shop"),
            &pods[0],
            Duration::from_secs(30),
            |d| {
                d.containers
                    .first()
                    .is_some_and(|c| matches!(c.state, ContainerState::Running { .. }) && c.ready)
            },
        )
        .await;
    assert_eq!(pod.kind.kind, "Pod");
    assert_eq!(pod.namespace.as_deref(), Some("shop"));
    let status = pod.status.clone().expect("status");
    assert_eq!((status.text.as_str(), status.tone), ("Running", Tone::Good));
    assert_eq!(field(&pod, "phase"), "Running");
    let node = link(&pod, "node").expect("node link");
    assert_eq!(node.kind, "nodes");
    assert!(node.namespace.is_none() && node.name.starts_with("sandbox-"));
    assert!(!field(&pod, "pod_ips").is_empty());
    assert!(!field(&pod, "host_ip").is_empty());
    assert_eq!(field(&pod, "qos_class"), "Burstable");
    assert_eq!(field(&pod, "service_account"), "default");
    assert_eq!(field(&pod, "restarts"), "0");
    assert!(pod.created_at.is_some() && !pod.uid.is_empty());

    let c = &pod.containers[0];
    assert_eq!(c.name, "frontend");
    assert_eq!(c.image, "nginx:1.27");
    assert!(!c.init && c.restarts == 0);
    assert!(matches!(
        c.state,
        ContainerState::Running { since: Some(_) }
    ));
    assert_eq!(c.ports, ["80/TCP"]);
    assert_eq!(c.requests.get("cpu").map(String::as_str), Some("100m"));
    assert_eq!(c.limits.get("memory").map(String::as_str), Some("256Mi"));
    let app_env = c.env.iter().find(|e| e.name == "APP_ENV").expect("APP_ENV");
    assert_eq!(app_env.value.as_deref(), Some("demo"));
    let readiness = c
        .probes
        .iter()
        .find(|p| p.kind == "readiness")
        .expect("probe");
    assert_eq!(readiness.action, "HTTP GET :80/");
    assert!(
        pod.conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.tone == Tone::Good)
    );

    // Pod → ReplicaSet → Deployment, each a link the next read follows.
    let owner = pod.owners.first().expect("owner");
    assert!(owner.controller && owner.kind == "ReplicaSet");
    let rs_ref = owner.target.clone().expect("replica set is served");
    assert_eq!(rs_ref.kind, "replicasets.apps");
    assert_eq!(link(&pod, "controlled_by"), Some(rs_ref.clone()));
    let rs = env
        .detail(&rs_ref.kind, rs_ref.namespace.as_deref(), &rs_ref.name)
        .await;
    let deployment = rs
        .owners
        .first()
        .and_then(|o| o.target.clone())
        .expect("deployment");
    assert_eq!(
        deployment,
        object("deployments.apps", Some("shop"), "frontend")
    );
    assert!(
        rs.related
            .iter()
            .any(|g| g.kind == "pods" && g.items.iter().any(|i| i.target.name == pods[0]))
    );

    // A container whose environment comes from a Secret names it, without the value.
    let db_pods = wait_for_pods(&env, "postgres", 1).await;
    let db = env.detail("pods", Some("shop"), &db_pods[0]).await;
    let password = db.containers[0]
        .env
        .iter()
        .find(|e| e.name == "POSTGRES_PASSWORD")
        .expect("password variable");
    assert_eq!(password.value, None);
    assert!(matches!(
        &password.from,
        Some(EnvSource::Secret { target, key: Some(key) })
            if target.name == "postgres-credentials" && key == "password"
    ));
    let json = serde_json::to_string(&db).expect("json");
    assert!(
        !json.contains(DEMO_PASSWORD),
        "a secret value leaked into a pod"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deployment_shows_replicas_strategy_and_its_replicasets_and_pods() {
    let env = env().await;
    let d = env
        .eventually(
            "deployments.apps",
            Some("shop"),
            "frontend",
            Duration::from_secs(30),
            |d| {
                field(d, "replicas_ready") == "3"
                    && d.related.iter().any(|g| g.kind == "pods" && g.total == 3)
            },
        )
        .await;
    assert_eq!(field(&d, "replicas_desired"), "3");
    assert_eq!(field(&d, "replicas_available"), "3");
    assert_eq!(field(&d, "strategy"), "RollingUpdate");
    assert_eq!(field(&d, "max_surge"), "25%");
    assert_eq!(field(&d, "selector"), "app=frontend");
    assert_eq!(field(&d, "images"), "nginx:1.27");
    assert_eq!(field(&d, "paused"), "false");
    assert_eq!(field(&d, "revision"), "1");
    assert_eq!(d.status.as_ref().map(|s| s.tone), Some(Tone::Good));
    assert!(
        d.conditions
            .iter()
            .any(|c| c.type_ == "Available" && c.status == "True")
    );

    let sets = d
        .related
        .iter()
        .find(|g| g.kind == "replicasets.apps")
        .expect("replica sets");
    assert_eq!((sets.total, sets.relation.as_str()), (1, "owned"));
    assert!(sets.items[0].target.name.starts_with("frontend-"));
    let pods = d.related.iter().find(|g| g.kind == "pods").expect("pods");
    assert_eq!(pods.items.len(), 3);
    for pod in &pods.items {
        assert_eq!(pod.target.kind, "pods");
        assert_eq!(pod.target.namespace.as_deref(), Some("shop"));
        assert!(pod.target.name.starts_with(&sets.items[0].target.name));
        assert_eq!(
            pod.status.as_ref().map(|s| s.text.as_str()),
            Some("Running")
        );
        assert!(pod.facts.iter().any(|f| f.key == "node"));
    }
    // The recommender's pods are not the frontend's.
    assert!(
        pods.items
            .iter()
            .all(|p| !p.target.name.starts_with("recommender"))
    );

    // The Service picks the same pods by its selector; the Ingress links to its services.
    let svc = env.detail("services", Some("shop"), "frontend").await;
    assert_eq!(field(&svc, "type"), "ClusterIP");
    assert_eq!(field(&svc, "selector"), "app=frontend");
    assert_eq!(table(&svc, "ports")[0][..3], ["http", "80", "80"]);
    let selected = svc.related.iter().find(|g| g.kind == "pods").expect("pods");
    assert_eq!(
        (selected.relation.as_str(), selected.total),
        ("selected", 3)
    );
    let ing = env
        .detail("ingresses.networking.k8s.io", Some("shop"), "shop")
        .await;
    assert_eq!(field(&ing, "class"), "nginx");
    let rules = table(&ing, "rules");
    assert!(
        rules
            .iter()
            .any(|r| r[1] == "/api/cart" && r[3] == "cart:8080"),
        "{rules:?}"
    );
    let hpa = env
        .detail("horizontalpodautoscalers.autoscaling", Some("shop"), "cart")
        .await;
    assert_eq!(
        link(&hpa, "target"),
        Some(object("deployments.apps", Some("shop"), "cart"))
    );
    assert_eq!(table(&hpa, "metrics")[0][..2], ["resource cpu", "80%"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn events_about_an_object_are_listed_newest_first() {
    let env = env().await;
    let pod: Pod = serde_json::from_value(json!({
        "metadata": {"name": "broken", "namespace": "default"},
        "spec": {"containers": [{"name": "main", "image": "nginx:missing"}]},
    }))
    .expect("pod json");
    Api::<Pod>::namespaced(env.kube.clone(), "default")
        .create(&PostParams::default(), &pod)
        .await
        .expect("create pod");
    let d = env
        .eventually(
            "pods",
            Some("default"),
            "broken",
            Duration::from_secs(30),
            |d| {
                d.events.items.iter().any(|e| e.type_ == "Warning")
                    && d.events.items.iter().any(|e| e.reason == "Scheduled")
            },
        )
        .await;
    assert!(d.events.error.is_none());
    assert_eq!(d.events.total, d.events.items.len());
    let times: Vec<_> = d.events.items.iter().map(|e| e.last_seen).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {times:?}"
    );
    let scheduled = d
        .events
        .items
        .iter()
        .find(|e| e.reason == "Scheduled")
        .expect("scheduled");
    assert!(scheduled.message.contains("broken") && scheduled.count >= 1);
    assert!(!scheduled.source.is_empty());
    let waiting = &d.containers[0].state;
    assert!(
        matches!(waiting, ContainerState::Waiting { reason, .. } if reason == "ErrImagePull" || reason == "ImagePullBackOff"),
        "{waiting:?}"
    );
    assert_eq!(d.status.as_ref().map(|s| s.tone), Some(Tone::Bad));
    // Another pod's events stay on its own page.
    assert!(
        d.events
            .items
            .iter()
            .all(|e| !e.message.contains("frontend-"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_shows_capacity_against_allocatable_taints_and_its_pods() {
    let env = env().await;
    let nodes: Api<k8s_openapi::api::core::v1::Node> = Api::all(env.kube.clone());
    let all = nodes.list(&ListParams::default()).await.expect("nodes");
    let gpu = all
        .items
        .iter()
        .find(|n| {
            n.status
                .as_ref()
                .and_then(|s| s.capacity.as_ref())
                .is_some_and(|c| c.contains_key("nvidia.com/gpu"))
        })
        .and_then(|n| n.metadata.name.clone())
        .expect("a GPU node");
    let d = env.detail("nodes", None, &gpu).await;
    assert!(d.namespace.is_none());
    let capacity = table(&d, "capacity");
    let resources: Vec<&str> = capacity.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(&resources[..4], ["cpu", "memory", "pods", "nvidia.com/gpu"]);
    for row in &capacity[..4] {
        assert!(!row[1].is_empty() && !row[2].is_empty(), "{row:?}");
    }
    // What the node's pods request, against what it can allocate.
    let capacity_table = d
        .tables
        .iter()
        .find(|t| t.key == "capacity")
        .expect("capacity");
    assert_eq!(capacity_table.columns[3].key, "requested");
    assert!(
        capacity[0][3].ends_with("%)"),
        "cpu requested: {:?}",
        capacity[0]
    );
    let pods_on_node: usize = capacity[2][3]
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("pods requested");
    assert!(pods_on_node >= 1);
    assert!(!field(&d, "internal_ip").is_empty());
    assert!(!field(&d, "kubelet").is_empty());
    assert!(!field(&d, "runtime").is_empty());
    assert_eq!(field(&d, "unschedulable"), "false");
    assert!(
        d.conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.tone == Tone::Good)
    );
    assert!(
        d.conditions
            .iter()
            .any(|c| c.type_ == "MemoryPressure" && c.tone == Tone::Good)
    );
    let scheduled = d
        .related
        .iter()
        .find(|g| g.relation == "scheduled")
        .expect("pods on the node");
    assert!(scheduled.total >= 1);

    let tainted = all
        .items
        .iter()
        .find(|n| {
            n.spec
                .as_ref()
                .and_then(|s| s.taints.as_ref())
                .is_some_and(|t| !t.is_empty())
        })
        .and_then(|n| n.metadata.name.clone())
        .expect("a tainted node");
    let cp = env.detail("nodes", None, &tainted).await;
    let taints = table(&cp, "taints");
    assert!(taints.iter().any(|t| t[2] == "NoSchedule"), "{taints:?}");
    assert!(field(&cp, "roles").contains("control-plane"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_custom_resource_shows_printer_columns_and_spec_scalars() {
    let env = env().await;
    let crd: CustomResourceDefinition = serde_json::from_value(json!({
        "metadata": {"name": "gadgets.example.com"},
        "spec": {
            "group": "example.com", "scope": "Namespaced",
            "names": {"plural": "gadgets", "singular": "gadget", "kind": "Gadget"},
            "versions": [{
                "name": "v1", "served": true, "storage": true,
                "schema": {"openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
                "additionalPrinterColumns": [
                    {"name": "Size", "type": "integer", "jsonPath": ".spec.size"},
                    {"name": "Colour", "type": "string", "jsonPath": ".spec.colour"},
                ],
            }],
        },
    }))
    .expect("crd json");
    Api::<CustomResourceDefinition>::all(env.kube.clone())
        .create(&PostParams::default(), &crd)
        .await
        .expect("create crd");
    let gadgets: Api<DynamicObject> = Api::namespaced_with(
        env.kube.clone(),
        "default",
        &ApiResource::from_gvk_with_plural(
            &kube::api::GroupVersionKind::gvk("example.com", "v1", "Gadget"),
            "gadgets",
        ),
    );
    let gadget: DynamicObject = serde_json::from_value(json!({
        "apiVersion": "example.com/v1", "kind": "Gadget",
        "metadata": {"name": "sprocket", "namespace": "default", "labels": {"team": "tools"},
                     "annotations": {"note": "hand made"}},
        "spec": {"size": 7, "colour": "blue", "parts": ["cog", "spring"], "nested": {"deep": true}},
    }))
    .expect("gadget json");
    gadgets
        .create(&PostParams::default(), &gadget)
        .await
        .expect("create gadget");

    let d = env
        .detail("gadgets.example.com", Some("default"), "sprocket")
        .await;
    assert_eq!(d.kind.kind, "Gadget");
    assert_eq!(field(&d, "column.size"), "7");
    assert_eq!(field(&d, "column.colour"), "blue");
    assert_eq!(field(&d, "spec.size"), "7");
    assert_eq!(field(&d, "spec.parts"), "cog, spring");
    assert!(d.summary.iter().all(|f| f.key != "spec.nested"));
    assert_eq!(d.labels.get("team").map(String::as_str), Some("tools"));
    assert_eq!(
        d.annotations.get("note").map(String::as_str),
        Some("hand made")
    );
    assert!(d.containers.is_empty() && d.secret.is_none());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secret_lists_its_keys_and_sizes_but_never_its_values() {
    let env = env().await;
    let d = env
        .detail("secrets", Some("shop"), "postgres-credentials")
        .await;
    let secret = d.secret.clone().expect("secret summary");
    assert_eq!(secret.type_, "Opaque");
    let keys: Vec<(&str, usize)> = secret
        .keys
        .iter()
        .map(|k| (k.key.as_str(), k.size))
        .collect();
    assert_eq!(keys, [("password", DEMO_PASSWORD.len()), ("username", 4)]);
    assert!(secret.can_reveal);
    let json = serde_json::to_string(&d).expect("json");
    assert!(!json.contains(DEMO_PASSWORD));
    assert!(
        !json.contains("czNjcjN0LXNhbmRib3g="),
        "encoded value leaked"
    );
    // The postgres pod reads the password into its environment: it uses the Secret.
    let users = d
        .related
        .iter()
        .find(|g| g.relation == "used_by")
        .expect("used by");
    assert!(
        users.items.iter().any(|p| p.target.name == "postgres-0"),
        "{users:?}"
    );

    // kubectl apply keeps the whole manifest, values included, in an annotation: it is masked.
    let token = "plain-applied-token";
    let encoded = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(token)
    };
    let applied = json!({"apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "applied", "namespace": "default"},
        "data": {"token": encoded}, "stringData": {"other": token}});
    let secret: Secret = serde_json::from_value(json!({
        "metadata": {"name": "applied", "namespace": "default", "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": applied.to_string()}},
        "data": {"token": encoded},
    }))
    .expect("secret json");
    Api::<Secret>::namespaced(env.kube.clone(), "default")
        .create(&PostParams::default(), &secret)
        .await
        .expect("create secret");
    let d = detail::object_detail(
        &env.registry,
        &env.viewer,
        env.cluster,
        &object("secrets", Some("default"), "applied"),
    )
    .await
    .expect("detail");
    let json = serde_json::to_string(&d).expect("json");
    assert!(!json.contains(token) && !json.contains(&encoded), "{json}");
    let summary = d.secret.expect("secret summary");
    assert_eq!(summary.keys[0].size, token.len());
    assert!(!summary.can_reveal, "viewers may not reveal");
}

#[tokio::test(flavor = "multi_thread")]
async fn revealing_a_value_is_for_administrators_and_always_audited() {
    let env = env().await;
    let reveal = |user: UserInfo, key: &'static str| {
        let registry = env.registry.clone();
        let cluster = env.cluster;
        async move {
            detail::reveal_secret_value(
                &registry,
                &user,
                &client(),
                cluster,
                "shop",
                "postgres-credentials",
                key,
            )
            .await
        }
    };
    let shown = reveal(env.admin.clone(), "password").await.expect("reveal");
    assert_eq!((shown.value.as_str(), shown.base64), (DEMO_PASSWORD, false));
    let rows = env.audit_rows("secret.reveal").await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row.result, "success");
    assert_eq!(row.username.as_deref(), Some("admin-detail"));
    assert_eq!(row.cluster.as_deref(), Some("demo"));
    assert_eq!(row.namespace.as_deref(), Some("shop"));
    assert_eq!(row.resource_kind.as_deref(), Some("Secret"));
    assert_eq!(row.resource_name.as_deref(), Some("postgres-credentials"));
    assert_eq!(row.detail["key"], "password");
    assert_eq!(row.request_id.as_deref(), Some("req-detail"));
    assert!(!row.detail.to_string().contains(DEMO_PASSWORD));

    let refused = reveal(env.viewer.clone(), "password")
        .await
        .expect_err("viewer");
    assert!(matches!(refused, DetailError::RevealNotAllowed));
    let refused = AppError::from(refused);
    assert_eq!(refused.kind, ErrorKind::Forbidden);
    assert_eq!(refused.kind.http_status(), 403);
    assert_eq!(refused.code, "secret.reveal_forbidden");
    assert!(refused.message.contains("administrators"));
    let rows = env.audit_rows("secret.reveal").await;
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0].result.as_str(), rows[0].username.as_deref()),
        ("failure", Some("viewer-detail"))
    );
    assert_eq!(rows[0].detail["key"], "password");

    let missing = reveal(env.admin.clone(), "no-such-key")
        .await
        .expect_err("missing key");
    assert_eq!(AppError::from(missing).code, "secret.key_not_found");
    let rows = env.audit_rows("secret.reveal").await;
    assert_eq!((rows.len(), rows[0].result.as_str()), (3, "failure"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_object_that_is_gone_or_misaddressed_says_so() {
    let env = env().await;
    let gone = detail::object_detail(
        &env.registry,
        &env.admin,
        env.cluster,
        &object("pods", Some("shop"), "deleted-meanwhile"),
    )
    .await
    .expect_err("no such pod");
    assert!(matches!(gone, DetailError::NotFound { .. }));
    let gone = AppError::from(gone);
    assert_eq!(
        (gone.kind, gone.code.as_str()),
        (ErrorKind::NotFound, "resource.not_found")
    );
    assert!(gone.message.contains("deleted-meanwhile") && gone.message.contains("deleted"));

    let unknown_kind = detail::object_detail(
        &env.registry,
        &env.admin,
        env.cluster,
        &object("gizmos.example.com", Some("default"), "x"),
    )
    .await
    .expect_err("unknown kind");
    assert_eq!(AppError::from(unknown_kind).code, "resource.kind_unknown");

    let no_namespace = detail::object_detail(
        &env.registry,
        &env.admin,
        env.cluster,
        &object("pods", None, "anything"),
    )
    .await
    .expect_err("pods need a namespace");
    assert_eq!(AppError::from(no_namespace).kind, ErrorKind::Invalid);

    // A cluster-scoped kind ignores the namespace segment.
    let ns = env.detail("namespaces", Some("ignored"), "shop").await;
    assert_eq!(field(&ns, "phase"), "Active");
    assert!(ns.namespace.is_none());
}
