//! Day-to-day operations against a real sandbox cluster and a real PostgreSQL, each effect read
//! back through the cluster's own API: scale, restart, pause and resume, an image change, the
//! rollout history and a rollback that restores the old template; cordon, labels and taints on
//! one node and on fifty at once; a drain that evicts everything but DaemonSet pods and stops at
//! a PodDisruptionBudget; a CronJob run now and suspended; validation errors naming their field;
//! refusals on a read-only cluster; and the audit rows all of it leaves.

use std::time::{Duration, Instant};

use backend::ClientInfo;
use backend::clusters::{self, ClusterRegistry};
use backend::crypto::SecretKey;
use backend::db::models::audit_events::{self, AuditEventRow};
use backend::db::testing::TestDb;
use backend::operations::nodes::BulkChange;
use backend::operations::{cronjobs, drain, nodes, rollout, workloads};
use backend::resources::objects::Actor;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use kube::Client;
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use model::auth::UserInfo;
use model::clusters::{ClusterSettings, ClusterSource, NewCluster};
use model::operations::{
    DrainOptions, DrainPodState, ImageChange, LabelChanges, Taint, TaintChanges, TaintEffect,
    TaintKey, WorkloadRef,
};
use model::{AppError, ErrorKind};
use sandbox::{SandboxConfig, SandboxHandle, Scenario};
use serde_json::json;
use uuid::Uuid;

struct Env {
    db: TestDb,
    sandbox: SandboxHandle,
    registry: ClusterRegistry,
    cluster: Uuid,
    kube: Client,
    user: UserInfo,
    client: ClientInfo,
}

impl Env {
    async fn new(scenario: Scenario) -> Env {
        let db = TestDb::new().await;
        let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
        let sandbox = sandbox::start(SandboxConfig {
            scenario,
            ..SandboxConfig::default()
        })
        .await
        .expect("sandbox starts");
        let user = db.user("operator", true).await;
        let client = ClientInfo {
            ip: None,
            user_agent: None,
            request_id: Some("req-ops".into()),
        };
        let mut env = Env {
            db,
            sandbox,
            registry,
            cluster: Uuid::nil(),
            kube: Client::try_from(kube::Config::new(
                "http://127.0.0.1:1".parse().expect("uri"),
            ))
            .expect("placeholder client"),
            user,
            client,
        };
        env.cluster = env.register("ops", false).await;
        env.kube = env.registry.client(env.cluster).await.expect("client");
        env
    }

    async fn register(&self, name: &str, read_only: bool) -> Uuid {
        let info = clusters::create(
            &self.registry,
            &self.user,
            &self.client,
            NewCluster {
                settings: ClusterSettings {
                    name: name.into(),
                    read_only,
                    ..Default::default()
                },
                source: ClusterSource::Kubeconfig {
                    kubeconfig: self.sandbox.kubeconfig_yaml().to_string(),
                    context: None,
                },
            },
        )
        .await
        .expect("register cluster");
        clusters::parse_id(&info.id).expect("id")
    }

    fn actor(&self) -> Actor<'_> {
        Actor {
            user: &self.user,
            client: &self.client,
        }
    }

    async fn audit(&self) -> Vec<AuditEventRow> {
        let mut conn = self.db.pool.get().await.expect("conn");
        audit_events::latest(&mut conn, 500)
            .await
            .expect("audit rows")
    }

    async fn deployment(&self, name: &str, replicas: i32, image: &str, extra: serde_json::Value) {
        let mut value = json!({
            "metadata": {"name": name, "namespace": "default"},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {"containers": [{"name": "web", "image": image}]},
                },
            },
        });
        if let Some(spec) = extra.as_object() {
            for (k, v) in spec {
                value["spec"]["template"]["spec"][k] = v.clone();
            }
        }
        let deployment: Deployment = serde_json::from_value(value).expect("deployment");
        self.deployments()
            .create(&PostParams::default(), &deployment)
            .await
            .expect("create deployment");
    }

    fn deployments(&self) -> Api<Deployment> {
        Api::namespaced(self.kube.clone(), "default")
    }

    async fn pods(&self, selector: &str) -> Vec<Pod> {
        Api::<Pod>::all(self.kube.clone())
            .list(&ListParams::default().labels(selector))
            .await
            .expect("pods")
            .items
    }

    async fn pods_on(&self, node: &str) -> Vec<Pod> {
        Api::<Pod>::all(self.kube.clone())
            .list(&ListParams::default().fields(&format!("spec.nodeName={node}")))
            .await
            .expect("pods")
            .items
    }
}

fn deploy(name: &str) -> WorkloadRef {
    WorkloadRef {
        kind: "deployments.apps".into(),
        namespace: "default".into(),
        name: name.into(),
    }
}

/// Polls `check` until it gives a value, for up to `within`.
async fn eventually<T, F, Fut>(within: Duration, what: &str, check: F) -> T
where
    F: Fn() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + within;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

fn error(e: backend::resources::ResourceError) -> AppError {
    AppError::from(e)
}

fn workload(kind: &str, name: &str) -> WorkloadRef {
    WorkloadRef {
        kind: kind.into(),
        namespace: "default".into(),
        name: name.into(),
    }
}

/// A StatefulSet and a DaemonSet keep their templates as ControllerRevisions: two image changes
/// make three revisions, a rollback brings the first template back as the newest revision.
#[tokio::test(flavor = "multi_thread")]
async fn statefulsets_and_daemonsets_list_revisions_and_roll_back() {
    let env = Env::new(Scenario::Scale { nodes: 1, pods: 0 }).await;
    let template = |app: &str| {
        json!({"metadata": {"labels": {"app": app}},
            "spec": {"containers": [{"name": "web", "image": "nginx:1.25"}]}})
    };
    let sts: StatefulSet = serde_json::from_value(json!({
        "metadata": {"name": "db", "namespace": "default"},
        "spec": {"replicas": 1, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}}, "template": template("db")},
    }))
    .expect("statefulset");
    Api::<StatefulSet>::namespaced(env.kube.clone(), "default")
        .create(&PostParams::default(), &sts)
        .await
        .expect("create statefulset");
    let ds: DaemonSet = serde_json::from_value(json!({
        "metadata": {"name": "agent", "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": template("agent")},
    }))
    .expect("daemonset");
    Api::<DaemonSet>::namespaced(env.kube.clone(), "default")
        .create(&PostParams::default(), &ds)
        .await
        .expect("create daemonset");

    for target in [
        workload("statefulsets.apps", "db"),
        workload("daemonsets.apps", "agent"),
    ] {
        let revisions = |n: usize| {
            let target = target.clone();
            let env = &env;
            async move {
                eventually(Duration::from_secs(20), "revisions", || async {
                    let h = rollout::history(&env.registry, env.cluster, &target)
                        .await
                        .expect("history");
                    (h.revisions.len() == n && h.revisions[0].current).then_some(h)
                })
                .await
            }
        };
        revisions(1).await;
        for image in ["nginx:1.26", "nginx:1.27"] {
            workloads::set_image(
                &env.registry,
                &env.actor(),
                env.cluster,
                &target,
                &ImageChange {
                    container: "web".into(),
                    image: image.into(),
                },
            )
            .await
            .expect("set image");
        }
        let history = revisions(3).await;
        let numbers: Vec<i64> = history.revisions.iter().map(|r| r.revision).collect();
        assert_eq!(numbers, [3, 2, 1], "{target:?}");
        assert_eq!(history.revisions[0].images, ["web=nginx:1.27"]);
        assert_eq!(history.revisions[2].images, ["web=nginx:1.25"]);
        assert!(history.revisions[2].template.contains("image: nginx:1.25"));

        rollout::rollback(&env.registry, &env.actor(), env.cluster, &target, 1)
            .await
            .expect("rollback");
        let history = eventually(Duration::from_secs(20), "revision 4 on top", || async {
            let h = rollout::history(&env.registry, env.cluster, &target)
                .await
                .expect("history");
            (h.revisions.first().map(|r| (r.revision, r.current)) == Some((4, true))).then_some(h)
        })
        .await;
        assert_eq!(
            history.revisions[0].images,
            ["web=nginx:1.25"],
            "{target:?}"
        );
        assert_eq!(
            history.revisions.len(),
            3,
            "the first template moved, not copied"
        );
        let again = rollout::rollback(&env.registry, &env.actor(), env.cluster, &target, 4)
            .await
            .map_err(error)
            .expect_err("already there");
        assert_eq!(again.code, "workload.rollback_noop");
    }
    let rolled: Vec<String> = env
        .audit()
        .await
        .into_iter()
        .filter(|r| r.action == "workload.rollback")
        .map(|r| r.result)
        .collect::<Vec<_>>();
    // Each rollback and each refusal is audited.
    assert_eq!(
        rolled.iter().filter(|r| *r == "success").count(),
        2,
        "{rolled:?}"
    );
    assert_eq!(rolled.len(), 4, "{rolled:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn scale_restart_pause_image_history_and_rollback() {
    let env = Env::new(Scenario::Empty).await;
    env.deployment("web", 1, "nginx:1.25", json!({})).await;
    let api = env.deployments();

    // Scale up: the spec and, soon, the pods follow.
    let done = workloads::scale(&env.registry, &env.actor(), env.cluster, &deploy("web"), 3)
        .await
        .expect("scale");
    assert_eq!(done.message, "Deployment web scaled from 1 to 3 replicas.");
    eventually(Duration::from_secs(20), "3 pods", || async {
        (env.pods("app=web").await.len() == 3).then_some(())
    })
    .await;
    let bad = workloads::scale(&env.registry, &env.actor(), env.cluster, &deploy("web"), -1)
        .await
        .map_err(error)
        .expect_err("negative");
    assert_eq!(bad.kind, ErrorKind::Invalid);
    assert_eq!(bad.fields[0].field, "replicas");

    // An image change makes revision 2; another makes 3.
    for image in ["nginx:1.26", "nginx:1.27"] {
        workloads::set_image(
            &env.registry,
            &env.actor(),
            env.cluster,
            &deploy("web"),
            &ImageChange {
                container: "web".into(),
                image: image.into(),
            },
        )
        .await
        .expect("set image");
        eventually(Duration::from_secs(30), "rolled out", || async {
            let d = api.get("web").await.ok()?;
            let status = d.status?;
            (status.updated_replicas == Some(3)
                && status.observed_generation == d.metadata.generation)
                .then_some(())
        })
        .await;
    }
    let nobody = workloads::set_image(
        &env.registry,
        &env.actor(),
        env.cluster,
        &deploy("web"),
        &ImageChange {
            container: "sidecar".into(),
            image: "nginx:1.27".into(),
        },
    )
    .await
    .map_err(error)
    .expect_err("no such container");
    assert_eq!(nobody.fields[0].field, "container");
    let odd = workloads::set_image(
        &env.registry,
        &env.actor(),
        env.cluster,
        &deploy("web"),
        &ImageChange {
            container: "web".into(),
            image: "Nginx latest".into(),
        },
    )
    .await
    .map_err(error)
    .expect_err("bad image");
    assert_eq!(odd.fields[0].field, "image");

    let history = eventually(Duration::from_secs(20), "three revisions", || async {
        let h = rollout::history(&env.registry, env.cluster, &deploy("web"))
            .await
            .expect("history");
        (h.revisions.len() == 3).then_some(h)
    })
    .await;
    let numbers: Vec<i64> = history.revisions.iter().map(|r| r.revision).collect();
    assert_eq!(numbers, [3, 2, 1], "newest first");
    assert!(history.revisions[0].current && !history.revisions[1].current);
    assert_eq!(history.revisions[2].images, ["web=nginx:1.25"]);
    assert!(history.revisions[2].template.contains("image: nginx:1.25"));
    assert!(!history.revisions[2].template.contains("pod-template-hash"));

    // Rollback to revision 1 restores its template (as a new revision).
    let back = rollout::rollback(&env.registry, &env.actor(), env.cluster, &deploy("web"), 1)
        .await
        .expect("rollback");
    assert!(back.message.contains("revision 1"), "{}", back.message);
    let image = api
        .get("web")
        .await
        .expect("get")
        .spec
        .expect("spec")
        .template;
    assert_eq!(
        image.spec.expect("pod spec").containers[0].image.as_deref(),
        Some("nginx:1.25")
    );
    // As in Kubernetes, the old ReplicaSet takes the next revision number: 1 is now 4.
    let history = eventually(Duration::from_secs(20), "revision 4", || async {
        let h = rollout::history(&env.registry, env.cluster, &deploy("web"))
            .await
            .expect("history");
        (h.revisions.first().map(|r| (r.revision, r.current)) == Some((4, true))).then_some(h)
    })
    .await;
    assert_eq!(history.revisions[0].images, ["web=nginx:1.25"]);
    let again = rollout::rollback(&env.registry, &env.actor(), env.cluster, &deploy("web"), 4)
        .await
        .map_err(error)
        .expect_err("already there");
    assert_eq!(again.code, "workload.rollback_noop");
    let missing = rollout::rollback(&env.registry, &env.actor(), env.cluster, &deploy("web"), 42)
        .await
        .map_err(error)
        .expect_err("no revision 42");
    assert_eq!(missing.fields[0].field, "revision");

    // Restart stamps the template; pause makes restart and rollback refuse until resumed.
    workloads::restart(&env.registry, &env.actor(), env.cluster, &deploy("web"))
        .await
        .expect("restart");
    let annotations = api
        .get("web")
        .await
        .expect("get")
        .spec
        .expect("spec")
        .template
        .metadata
        .and_then(|m| m.annotations)
        .unwrap_or_default();
    assert!(annotations.contains_key(workloads::RESTARTED_AT));
    workloads::set_paused(
        &env.registry,
        &env.actor(),
        env.cluster,
        &deploy("web"),
        true,
    )
    .await
    .expect("pause");
    assert_eq!(
        api.get("web")
            .await
            .expect("get")
            .spec
            .and_then(|s| s.paused),
        Some(true)
    );
    let refused = workloads::restart(&env.registry, &env.actor(), env.cluster, &deploy("web"))
        .await
        .map_err(error)
        .expect_err("paused");
    assert_eq!(refused.code, "workload.paused");
    workloads::set_paused(
        &env.registry,
        &env.actor(),
        env.cluster,
        &deploy("web"),
        false,
    )
    .await
    .expect("resume");
    assert_ne!(
        api.get("web")
            .await
            .expect("get")
            .spec
            .and_then(|s| s.paused),
        Some(true)
    );

    // Kinds an action does not apply to are refused by name.
    let wrong = workloads::set_paused(
        &env.registry,
        &env.actor(),
        env.cluster,
        &WorkloadRef {
            kind: "statefulsets.apps".into(),
            namespace: "default".into(),
            name: "web".into(),
        },
        true,
    )
    .await
    .map_err(error)
    .expect_err("not for statefulsets");
    assert_eq!(wrong.fields[0].field, "kind");

    let rows = env.audit().await;
    let actions: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r.resource_name.as_deref() == Some("web"))
        .map(|r| (r.action.as_str(), r.result.as_str()))
        .collect();
    for expected in [
        ("workload.scale", "success"),
        ("workload.scale", "failure"),
        ("workload.set_image", "success"),
        ("workload.set_image", "failure"),
        ("workload.rollback", "success"),
        ("workload.rollback", "failure"),
        ("workload.restart", "success"),
        ("workload.restart", "failure"),
        ("workload.pause", "success"),
        ("workload.resume", "success"),
    ] {
        assert!(actions.contains(&expected), "{expected:?} in {actions:?}");
    }
    let scaled = rows
        .iter()
        .find(|r| r.action == "workload.scale" && r.result == "success")
        .expect("scale row");
    assert_eq!(scaled.detail, json!({"from": 1, "to": 3}));
    assert_eq!(scaled.namespace.as_deref(), Some("default"));
    assert_eq!(scaled.cluster.as_deref(), Some("ops"));
}

#[tokio::test(flavor = "multi_thread")]
async fn cordon_labels_and_taints_on_one_node_and_fifty() {
    let env = Env::new(Scenario::Scale { nodes: 50, pods: 0 }).await;
    let nodes_api: Api<Node> = Api::all(env.kube.clone());
    let names: Vec<String> = nodes_api
        .list(&ListParams::default())
        .await
        .expect("nodes")
        .items
        .into_iter()
        .filter_map(|n| n.metadata.name)
        .collect();
    assert_eq!(names.len(), 50);
    let first = names[0].clone();

    nodes::set_cordoned(&env.registry, &env.actor(), env.cluster, &first, true)
        .await
        .expect("cordon");
    let unschedulable = |n: Node| n.spec.and_then(|s| s.unschedulable) == Some(true);
    assert!(unschedulable(nodes_api.get(&first).await.expect("node")));
    nodes::set_cordoned(&env.registry, &env.actor(), env.cluster, &first, false)
        .await
        .expect("uncordon");
    assert!(!unschedulable(nodes_api.get(&first).await.expect("node")));

    // Taints: add two, change one's value, remove the other.
    let taint = |key: &str, value: &str, effect| Taint {
        key: key.into(),
        value: value.into(),
        effect,
    };
    nodes::change_taints(
        &env.registry,
        &env.actor(),
        env.cluster,
        &first,
        &TaintChanges {
            set: vec![
                taint("dedicated", "batch", TaintEffect::NoSchedule),
                taint("example.com/maintenance", "", TaintEffect::NoExecute),
            ],
            remove: vec![],
        },
    )
    .await
    .expect("taint");
    nodes::change_taints(
        &env.registry,
        &env.actor(),
        env.cluster,
        &first,
        &TaintChanges {
            set: vec![taint("dedicated", "gpu", TaintEffect::NoSchedule)],
            remove: vec![TaintKey {
                key: "example.com/maintenance".into(),
                effect: TaintEffect::NoExecute,
            }],
        },
    )
    .await
    .expect("retaint");
    let taints: Vec<(String, Option<String>, String)> = nodes_api
        .get(&first)
        .await
        .expect("node")
        .spec
        .and_then(|s| s.taints)
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.key, t.value, t.effect))
        .collect();
    assert_eq!(
        taints,
        [("dedicated".into(), Some("gpu".into()), "NoSchedule".into())]
    );
    let bad = nodes::change_taints(
        &env.registry,
        &env.actor(),
        env.cluster,
        &first,
        &TaintChanges {
            set: vec![taint("bad key!", "x", TaintEffect::NoSchedule)],
            remove: vec![],
        },
    )
    .await
    .map_err(error)
    .expect_err("bad key");
    assert_eq!(bad.fields[0].field, "set[0].key");

    // One label change on all fifty nodes, with a result for each.
    let mut changes = LabelChanges::default();
    changes.set.insert("team".into(), "payments".into());
    let results = nodes::bulk(
        &env.registry,
        &env.actor(),
        env.cluster,
        &names,
        &BulkChange::Labels(changes.clone()),
    )
    .await
    .expect("bulk label");
    assert_eq!(results.len(), 50);
    assert!(results.iter().all(|r| r.ok), "{results:?}");
    let labelled = nodes_api
        .list(&ListParams::default().labels("team=payments"))
        .await
        .expect("nodes")
        .items
        .len();
    assert_eq!(labelled, 50);
    // Removing it again, with one node that does not exist: it fails alone.
    let mut with_ghost = names.clone();
    with_ghost.push("ghost-node".into());
    let removal = LabelChanges {
        set: Default::default(),
        remove: vec!["team".into()],
    };
    let results = nodes::bulk(
        &env.registry,
        &env.actor(),
        env.cluster,
        &with_ghost,
        &BulkChange::Labels(removal),
    )
    .await
    .expect("bulk unlabel");
    let failed: Vec<&str> = results
        .iter()
        .filter(|r| !r.ok)
        .map(|r| r.node.as_str())
        .collect();
    assert_eq!(failed, ["ghost-node"]);
    assert!(
        nodes_api
            .list(&ListParams::default().labels("team"))
            .await
            .expect("nodes")
            .items
            .is_empty()
    );
    let invalid = nodes::bulk(
        &env.registry,
        &env.actor(),
        env.cluster,
        &names,
        &BulkChange::Labels(LabelChanges {
            set: [("Team Name".to_string(), "x".to_string())].into(),
            remove: vec![],
        }),
    )
    .await
    .map_err(error)
    .expect_err("bad key");
    assert_eq!(invalid.fields[0].field, "set.Team Name");

    let rows = env.audit().await;
    let labels = rows
        .iter()
        .filter(|r| r.action == "node.labels" && r.result == "success")
        .count();
    assert_eq!(labels, 100, "one audit row per node and change");
}

#[tokio::test(flavor = "multi_thread")]
async fn drain_evicts_all_but_daemonset_pods_and_stops_at_a_budget() {
    let env = Env::new(Scenario::Demo).await;
    let node = "sandbox-worker-1";
    let pin = json!({"nodeSelector": {"kubernetes.io/hostname": node}});
    env.deployment("guarded", 2, "nginx:1.27", pin.clone())
        .await;
    env.deployment("loose", 2, "nginx:1.27", pin).await;
    eventually(Duration::from_secs(30), "pinned pods running", || async {
        let running = env
            .pods_on(node)
            .await
            .into_iter()
            .filter(|p| {
                p.metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get("app"))
                    .is_some_and(|a| a == "guarded" || a == "loose")
                    && p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
            })
            .count();
        (running == 4).then_some(())
    })
    .await;
    let pdb: PodDisruptionBudget = serde_json::from_value(json!({
        "metadata": {"name": "guarded", "namespace": "default"},
        "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "guarded"}}},
    }))
    .expect("pdb");
    let pdbs: Api<PodDisruptionBudget> = Api::namespaced(env.kube.clone(), "default");
    pdbs.create(&PostParams::default(), &pdb)
        .await
        .expect("create pdb");

    // Without the options the demo's pods need, nothing is evicted and each refusal says why.
    let strict = DrainOptions {
        ignore_daemonsets: false,
        timeout_seconds: 5,
        ..DrainOptions::default()
    };
    let refused = drain::drain(&env.registry, &env.actor(), env.cluster, node, &strict)
        .await
        .expect("drain report");
    assert!(!refused.complete);
    assert!(
        refused
            .pods
            .iter()
            .any(|p| p.state == DrainPodState::Refused && p.message.contains("DaemonSet")),
        "{refused:?}"
    );
    assert_eq!(
        env.pods("app=loose").await.len(),
        2,
        "nothing evicted before the refusal"
    );

    let options = DrainOptions {
        delete_emptydir_data: true,
        force: true,
        timeout_seconds: 4,
        ..DrainOptions::default()
    };
    // While it runs, its progress shows each pod live, and a second drain of the node is refused.
    let watch = async {
        let live = eventually(
            Duration::from_secs(4),
            "live progress with a blocked pod",
            || async {
                drain::progress(env.cluster, node).filter(|p| {
                    p.running && p.pods.iter().any(|p| p.state == DrainPodState::Blocked)
                })
            },
        )
        .await;
        let again = drain::drain(&env.registry, &env.actor(), env.cluster, node, &options).await;
        (live, again)
    };
    let actor = env.actor();
    let (report, (live, again)) = tokio::join!(
        drain::drain(&env.registry, &actor, env.cluster, node, &options),
        watch
    );
    let report = report.expect("drain report");
    assert!(live.report.is_none() && live.pods.iter().any(|p| p.name.starts_with("guarded-")));
    let refused = model::AppError::from(again.expect_err("a second drain is refused"));
    assert_eq!(refused.code, "node.drain_running");
    let after = drain::progress(env.cluster, node).expect("progress kept");
    assert!(!after.running && after.report.as_ref() == Some(&report));
    assert!(!report.complete, "{report:?}");
    let state_of = |app: &str| -> Vec<DrainPodState> {
        report
            .pods
            .iter()
            .filter(|p| p.name.starts_with(&format!("{app}-")))
            .map(|p| p.state)
            .collect()
    };
    assert_eq!(state_of("guarded"), [DrainPodState::Blocked; 2]);
    assert_eq!(state_of("loose"), [DrainPodState::Evicted; 2]);
    assert!(
        report.message.contains("PodDisruptionBudget"),
        "{}",
        report.message
    );
    assert!(
        report
            .pods
            .iter()
            .any(|p| p.state == DrainPodState::Skipped),
        "the DaemonSet pod stays: {report:?}"
    );
    let node_api: Api<Node> = Api::all(env.kube.clone());
    let cordoned = node_api.get(node).await.expect("node");
    assert_eq!(cordoned.spec.and_then(|s| s.unschedulable), Some(true));

    // Without the budget the drain completes: only DaemonSet pods are left on the node.
    pdbs.delete("guarded", &DeleteParams::default())
        .await
        .expect("delete pdb");
    let report = drain::drain(&env.registry, &env.actor(), env.cluster, node, &options)
        .await
        .expect("drain report");
    assert!(report.complete, "{report:?}");
    let left: Vec<Pod> = env.pods_on(node).await;
    assert!(
        left.iter().all(|p| p
            .metadata
            .owner_references
            .iter()
            .flatten()
            .any(|o| o.kind == "DaemonSet")),
        "only DaemonSet pods remain: {:?}",
        left.iter().map(|p| &p.metadata.name).collect::<Vec<_>>()
    );
    let rows = env.audit().await;
    assert_eq!(rows.iter().filter(|r| r.action == "node.drain").count(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn cronjobs_run_now_and_suspend() {
    let env = Env::new(Scenario::Demo).await;
    let cron: CronJob = serde_json::from_value(json!({
        "metadata": {"name": "report", "namespace": "default"},
        "spec": {
            "schedule": "0 3 * * *",
            "jobTemplate": {
                "metadata": {"labels": {"job": "report"}},
                "spec": {"template": {"spec": {
                    "restartPolicy": "Never",
                    "containers": [{"name": "run", "image": "busybox:1.36", "command": ["sh", "-c", "echo report"]}],
                }}},
            },
        },
    }))
    .expect("cronjob");
    let crons: Api<CronJob> = Api::namespaced(env.kube.clone(), "default");
    crons
        .create(&PostParams::default(), &cron)
        .await
        .expect("create cronjob");

    let job = cronjobs::trigger(
        &env.registry,
        &env.actor(),
        env.cluster,
        "default",
        "report",
    )
    .await
    .expect("trigger");
    assert!(job.job.starts_with("report-manual-"), "{}", job.job);
    let jobs: Api<Job> = Api::namespaced(env.kube.clone(), "default");
    let created = jobs.get(&job.job).await.expect("job exists");
    let owner = &created.metadata.owner_references.expect("owned")[0];
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str()),
        ("CronJob", "report")
    );
    assert_eq!(
        created.metadata.labels.and_then(|l| l.get("job").cloned()),
        Some("report".into())
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let j = jobs.get(&job.job).await.expect("job");
        if j.status.as_ref().and_then(|s| s.succeeded) == Some(1) {
            break;
        }
        assert!(Instant::now() < deadline, "the job never completed: {j:#?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    cronjobs::set_suspended(
        &env.registry,
        &env.actor(),
        env.cluster,
        "default",
        "report",
        true,
    )
    .await
    .expect("suspend");
    assert_eq!(
        crons
            .get("report")
            .await
            .expect("get")
            .spec
            .and_then(|s| s.suspend),
        Some(true)
    );
    cronjobs::set_suspended(
        &env.registry,
        &env.actor(),
        env.cluster,
        "default",
        "report",
        false,
    )
    .await
    .expect("resume");
    assert_eq!(
        crons
            .get("report")
            .await
            .expect("get")
            .spec
            .and_then(|s| s.suspend),
        Some(false)
    );
    let cleaned = cronjobs::delete_finished(
        &env.registry,
        &env.actor(),
        env.cluster,
        "default",
        "report",
    )
    .await
    .expect("delete finished");
    assert!(cleaned.message.contains("Deleted 1"), "{}", cleaned.message);
    let deadline = Instant::now() + Duration::from_secs(10);
    while jobs.get_opt(&job.job).await.expect("get").is_some() {
        assert!(Instant::now() < deadline, "the finished job stayed");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let missing = cronjobs::trigger(&env.registry, &env.actor(), env.cluster, "default", "nope")
        .await
        .map_err(error)
        .expect_err("missing");
    assert_eq!(missing.kind, ErrorKind::NotFound);
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_clusters_refuse_every_operation_and_audit_it() {
    let env = Env::new(Scenario::Demo).await;
    env.deployment("web", 1, "nginx:1.27", json!({})).await;
    let locked = env.register("locked", true).await;
    let actor = env.actor();
    let r = &env.registry;
    let refusals = [
        workloads::scale(r, &actor, locked, &deploy("web"), 2)
            .await
            .map(|_| ()),
        workloads::restart(r, &actor, locked, &deploy("web"))
            .await
            .map(|_| ()),
        workloads::set_paused(r, &actor, locked, &deploy("web"), true)
            .await
            .map(|_| ()),
        rollout::rollback(r, &actor, locked, &deploy("web"), 0)
            .await
            .map(|_| ()),
        nodes::set_cordoned(r, &actor, locked, "sandbox-worker-1", true)
            .await
            .map(|_| ()),
        drain::drain(
            r,
            &actor,
            locked,
            "sandbox-worker-1",
            &DrainOptions::default(),
        )
        .await
        .map(|_| ()),
        cronjobs::set_suspended(r, &actor, locked, "shop", "nightly-report", true)
            .await
            .map(|_| ()),
    ];
    for (i, refusal) in refusals.into_iter().enumerate() {
        let e = refusal.map_err(error).expect_err("refused");
        assert_eq!(e.code, "cluster.read_only", "operation {i}: {e:?}");
    }
    // Nothing changed.
    let web = env.deployments().get("web").await.expect("web");
    assert_eq!(web.spec.and_then(|s| s.replicas), Some(1));
    let worker: Node = Api::all(env.kube.clone())
        .get("sandbox-worker-1")
        .await
        .expect("node");
    assert_ne!(worker.spec.and_then(|s| s.unschedulable), Some(true));
    let rows = env.audit().await;
    let refused = rows
        .iter()
        .filter(|r| r.cluster.as_deref() == Some("locked") && r.result == "failure")
        .filter(|r| r.detail == json!({"reason": "cluster.read_only"}))
        .count();
    assert!(refused >= 6, "each refusal is audited: {refused}");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_taint_changes_are_not_lost() {
    let env = Env::new(Scenario::Demo).await;
    let node = "sandbox-control-plane";
    let add = |key: &'static str| {
        let env = &env;
        async move {
            nodes::change_taints(
                &env.registry,
                &env.actor(),
                env.cluster,
                node,
                &TaintChanges {
                    set: vec![Taint {
                        key: key.into(),
                        value: String::new(),
                        effect: TaintEffect::PreferNoSchedule,
                    }],
                    remove: vec![],
                },
            )
            .await
            .expect("taint")
        }
    };
    for round in 0..5 {
        let (a, b) = (format!("a{round}"), format!("b{round}"));
        let (a, b): (&'static str, &'static str) = (a.leak(), b.leak());
        tokio::join!(add(a), add(b));
        let keys: Vec<String> = Api::<Node>::all(env.kube.clone())
            .get(node)
            .await
            .expect("node")
            .spec
            .and_then(|s| s.taints)
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.key)
            .collect();
        assert!(
            keys.iter().any(|k| k == a) && keys.iter().any(|k| k == b),
            "round {round}: {keys:?}"
        );
    }
}
