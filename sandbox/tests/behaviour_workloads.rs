//! Workload behaviour seen through kube-rs: deployments roll out, scale and make revisions; the scheduler
//! honours cordon and taints; jobs and cronjobs run; namespace deletion empties the namespace.

mod support;

use std::time::Duration;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Event, Namespace, Node, Pod};
use kube::api::{Api, DeleteParams, ListParams, Patch, PatchParams, PostParams};
use serde_json::json;
use support::{pod, start, wait_for};

const SETTLE: Duration = Duration::from_secs(20);

fn deployment(name: &str, replicas: i32, image: &str) -> Deployment {
    serde_json::from_value(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [{"name": "web", "image": image}]}},
        },
    }))
    .expect("deployment manifest is valid")
}

async fn ready_replicas(api: &Api<Deployment>, name: &str) -> Option<i32> {
    api.get(name).await.ok()?.status?.ready_replicas
}

async fn running_pods(api: &Api<Pod>, selector: &str) -> usize {
    let pods = api
        .list(&ListParams::default().labels(selector))
        .await
        .map(|l| l.items)
        .unwrap_or_default();
    pods.iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
        .count()
}

#[tokio::test]
async fn a_deployment_gets_a_replicaset_and_ready_pods_and_scales() {
    let cluster = start().await;
    let deployments: Api<Deployment> = Api::namespaced(cluster.client.clone(), "default");
    let sets: Api<ReplicaSet> = Api::namespaced(cluster.client.clone(), "default");
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "default");
    deployments
        .create(&PostParams::default(), &deployment("web", 2, "nginx:1.27"))
        .await
        .expect("create deployment");

    wait_for("2 ready replicas", SETTLE, || async {
        (ready_replicas(&deployments, "web").await == Some(2)).then_some(())
    })
    .await;
    let rs = sets
        .list(&ListParams::default().labels("app=web"))
        .await
        .expect("list replicasets")
        .items;
    assert_eq!(rs.len(), 1);
    let annotations = rs[0].metadata.annotations.clone().unwrap_or_default();
    assert_eq!(
        annotations
            .get("deployment.kubernetes.io/revision")
            .map(String::as_str),
        Some("1")
    );
    assert!(
        rs[0]
            .metadata
            .labels
            .as_ref()
            .is_some_and(|l| l.contains_key("pod-template-hash"))
    );
    let status = deployments
        .get("web")
        .await
        .expect("get")
        .status
        .expect("status");
    assert_eq!(status.observed_generation, Some(1));
    assert_eq!(status.updated_replicas, Some(2));
    assert_eq!(status.available_replicas, Some(2));

    deployments
        .patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 4}})),
        )
        .await
        .expect("scale up");
    wait_for("4 running pods", SETTLE, || async {
        (running_pods(&pods, "app=web").await == 4).then_some(())
    })
    .await;
    deployments
        .patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"replicas": 1}})),
        )
        .await
        .expect("scale down");
    wait_for("1 running pod", SETTLE, || async {
        (running_pods(&pods, "app=web").await == 1).then_some(())
    })
    .await;
}

#[tokio::test]
async fn a_template_change_rolls_out_a_new_revision() {
    let cluster = start().await;
    let deployments: Api<Deployment> = Api::namespaced(cluster.client.clone(), "default");
    let sets: Api<ReplicaSet> = Api::namespaced(cluster.client.clone(), "default");
    deployments
        .create(&PostParams::default(), &deployment("api", 3, "nginx:1.26"))
        .await
        .expect("create deployment");
    wait_for("3 ready replicas", SETTLE, || async {
        (ready_replicas(&deployments, "api").await == Some(3)).then_some(())
    })
    .await;

    let patch = json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}});
    deployments
        .patch("api", &PatchParams::default(), &Patch::Strategic(patch))
        .await
        .expect("change image");
    let done = wait_for("rollout to finish", Duration::from_secs(40), || async {
        let d = deployments.get("api").await.ok()?;
        let s = d.status.clone()?;
        let finished = s.observed_generation == d.metadata.generation
            && s.updated_replicas == Some(3)
            && s.replicas == Some(3)
            && s.available_replicas == Some(3);
        finished.then_some(d)
    })
    .await;
    let revision = done
        .metadata
        .annotations
        .unwrap_or_default()
        .get("deployment.kubernetes.io/revision")
        .cloned();
    assert_eq!(revision.as_deref(), Some("2"));
    let rs = sets
        .list(&ListParams::default().labels("app=api"))
        .await
        .expect("list")
        .items;
    assert_eq!(rs.len(), 2);
    let old = rs
        .iter()
        .find(|r| r.spec.as_ref().and_then(|s| s.replicas) == Some(0));
    assert!(old.is_some(), "the old ReplicaSet is scaled to zero");
}

#[tokio::test]
async fn a_missing_image_shows_image_pull_back_off() {
    let cluster = start().await;
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "default");
    pods.create(
        &PostParams::default(),
        &pod("ghost", "registry.example/does-not-exist:1.0", &[]),
    )
    .await
    .expect("create pod");
    wait_for("ImagePullBackOff", SETTLE, || async {
        let p = pods.get("ghost").await.ok()?;
        let reason = p
            .status?
            .container_statuses?
            .first()?
            .state
            .clone()?
            .waiting?
            .reason?;
        (reason == "ImagePullBackOff").then_some(())
    })
    .await;
    let phase = pods
        .get("ghost")
        .await
        .expect("get")
        .status
        .and_then(|s| s.phase);
    assert_eq!(phase.as_deref(), Some("Pending"));
}

#[tokio::test]
async fn cordoned_nodes_get_no_new_pods_until_uncordoned() {
    let cluster = start().await;
    let nodes: Api<Node> = Api::all(cluster.client.clone());
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "default");
    let events: Api<Event> = Api::namespaced(cluster.client.clone(), "default");
    let names: Vec<String> = nodes
        .list(&ListParams::default())
        .await
        .expect("nodes")
        .items
        .into_iter()
        .filter_map(|n| n.metadata.name)
        .collect();
    for name in &names {
        nodes
            .patch(
                name,
                &PatchParams::default(),
                &Patch::Merge(json!({"spec": {"unschedulable": true}})),
            )
            .await
            .expect("cordon");
    }
    pods.create(&PostParams::default(), &pod("waiting", "nginx:1.27", &[]))
        .await
        .expect("create pod");
    let message = wait_for("PodScheduled=False", SETTLE, || async {
        let p = pods.get("waiting").await.ok()?;
        let c = p
            .status?
            .conditions?
            .into_iter()
            .find(|c| c.type_ == "PodScheduled")?;
        (c.status == "False" && c.reason.as_deref() == Some("Unschedulable"))
            .then_some(c.message.unwrap_or_default())
    })
    .await;
    assert!(message.contains("unschedulable"), "{message}");
    let failed = events
        .list(&ListParams::default().fields("involvedObject.name=waiting"))
        .await
        .expect("events")
        .items;
    assert!(
        failed
            .iter()
            .any(|e| e.reason.as_deref() == Some("FailedScheduling"))
    );

    nodes
        .patch(
            "sandbox-worker-1",
            &PatchParams::default(),
            &Patch::Merge(json!({"spec": {"unschedulable": false}})),
        )
        .await
        .expect("uncordon");
    let node = wait_for("binding after uncordon", SETTLE, || async {
        pods.get("waiting").await.ok()?.spec?.node_name
    })
    .await;
    assert_eq!(node, "sandbox-worker-1");
}

#[tokio::test]
async fn a_pod_pinned_to_a_tainted_node_without_toleration_stays_pending() {
    let cluster = start().await;
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "default");
    let mut p = pod("pinned", "nginx:1.27", &[]);
    if let Some(spec) = p.spec.as_mut() {
        spec.node_selector = Some(
            [(
                "kubernetes.io/hostname".to_owned(),
                "sandbox-control-plane".to_owned(),
            )]
            .into(),
        );
    }
    pods.create(&PostParams::default(), &p)
        .await
        .expect("create pod");
    let message = wait_for("Unschedulable", SETTLE, || async {
        let c = pods
            .get("pinned")
            .await
            .ok()?
            .status?
            .conditions?
            .into_iter()
            .find(|c| c.type_ == "PodScheduled")?;
        (c.status == "False").then_some(c.message.unwrap_or_default())
    })
    .await;
    assert!(
        message.contains("untolerated taint {node-role.kubernetes.io/control-plane: }"),
        "{message}"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        pods.get("pinned")
            .await
            .expect("get")
            .spec
            .and_then(|s| s.node_name)
            .is_none()
    );
}

fn job(name: &str, completions: i32) -> Job {
    serde_json::from_value(json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": name},
        "spec": {
            "completions": completions, "parallelism": 1, "backoffLimit": 2,
            "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "work", "image": "busybox:1.36", "command": ["sh", "-c", "echo working; sleep 1; echo done"]}]}},
        },
    }))
    .expect("job manifest is valid")
}

async fn job_complete(jobs: &Api<Job>, name: &str) -> Option<Job> {
    let j = jobs.get(name).await.ok()?;
    let complete = j
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .any(|c| c.type_ == "Complete" && c.status == "True");
    complete.then_some(j)
}

#[tokio::test]
async fn a_job_runs_its_completions_and_completes() {
    let cluster = start().await;
    let jobs: Api<Job> = Api::namespaced(cluster.client.clone(), "default");
    jobs.create(&PostParams::default(), &job("batch", 2))
        .await
        .expect("create job");
    let done = wait_for("job completion", Duration::from_secs(40), || {
        job_complete(&jobs, "batch")
    })
    .await;
    assert_eq!(done.status.and_then(|s| s.succeeded), Some(2));
}

#[tokio::test]
async fn a_job_created_from_a_cronjob_runs() {
    let cluster = start().await;
    let crons: Api<CronJob> = Api::namespaced(cluster.client.clone(), "shop");
    let jobs: Api<Job> = Api::namespaced(cluster.client.clone(), "shop");
    let cron = crons.get("nightly-report").await.expect("seeded cronjob");
    // What `kubectl create job --from=cronjob/nightly-report` sends.
    let template = cron.spec.clone().expect("spec").job_template;
    let manual: Job = serde_json::from_value(json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {
            "name": "report-now",
            "annotations": {"cronjob.kubernetes.io/instantiate": "manual"},
            "ownerReferences": [{"apiVersion": "batch/v1", "kind": "CronJob", "name": "nightly-report", "uid": cron.metadata.uid, "controller": true}],
        },
        "spec": template.spec,
    }))
    .expect("job manifest is valid");
    jobs.create(&PostParams::default(), &manual)
        .await
        .expect("create job");
    wait_for("manual job completion", Duration::from_secs(40), || {
        job_complete(&jobs, "report-now")
    })
    .await;
}

#[tokio::test]
async fn deleting_a_namespace_removes_its_contents() {
    let cluster = start().await;
    let namespaces: Api<Namespace> = Api::all(cluster.client.clone());
    let ns: Namespace =
        serde_json::from_value(json!({"metadata": {"name": "scratch"}})).expect("namespace");
    namespaces
        .create(&PostParams::default(), &ns)
        .await
        .expect("create namespace");
    let deployments: Api<Deployment> = Api::namespaced(cluster.client.clone(), "scratch");
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "scratch");
    deployments
        .create(&PostParams::default(), &deployment("tmp", 2, "nginx:1.27"))
        .await
        .expect("create deployment");
    wait_for("pods in scratch", SETTLE, || async {
        (running_pods(&pods, "app=tmp").await == 2).then_some(())
    })
    .await;

    namespaces
        .delete("scratch", &DeleteParams::default())
        .await
        .expect("delete namespace");
    wait_for("namespace gone", SETTLE, || async {
        namespaces
            .get_opt("scratch")
            .await
            .ok()?
            .is_none()
            .then_some(())
    })
    .await;
    let left = pods
        .list(&ListParams::default())
        .await
        .map(|l| l.items.len())
        .unwrap_or(0);
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_demo_cluster_runs_its_statefulset_daemonset_endpoints_and_autoscaler() {
    use k8s_openapi::api::apps::v1::{DaemonSet, StatefulSet};
    use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
    use k8s_openapi::api::core::v1::Endpoints;
    use k8s_openapi::api::discovery::v1::EndpointSlice;

    let cluster = start().await;
    let client = cluster.client.clone();
    let sets: Api<StatefulSet> = Api::namespaced(client.clone(), "shop");
    let shop_pods: Api<Pod> = Api::namespaced(client.clone(), "shop");
    wait_for("postgres-0 ready", SETTLE, || async {
        (sets.get("postgres").await.ok()?.status?.ready_replicas == Some(1)).then_some(())
    })
    .await;
    assert!(shop_pods.get("postgres-0").await.is_ok());

    let daemons: Api<DaemonSet> = Api::namespaced(client.clone(), "kube-system");
    let status = wait_for("kube-proxy on every node", SETTLE, || async {
        let s = daemons.get("kube-proxy").await.ok()?.status?;
        (s.number_ready == 3).then_some(s)
    })
    .await;
    assert_eq!(status.desired_number_scheduled, 3);

    let endpoints: Api<Endpoints> = Api::namespaced(client.clone(), "shop");
    wait_for("frontend endpoints", SETTLE, || async {
        let subsets = endpoints.get("frontend").await.ok()?.subsets?;
        (subsets.first()?.addresses.as_ref()?.len() == 3).then_some(())
    })
    .await;
    let slices: Api<EndpointSlice> = Api::namespaced(client.clone(), "shop");
    let listed = slices
        .list(&ListParams::default().labels("kubernetes.io/service-name=frontend"))
        .await
        .expect("slices")
        .items;
    assert_eq!(listed.len(), 1);

    let hpas: Api<HorizontalPodAutoscaler> = Api::namespaced(client, "shop");
    wait_for("hpa metrics", SETTLE, || async {
        hpas.get("cart")
            .await
            .ok()?
            .status?
            .current_metrics
            .filter(|m| !m.is_empty())
    })
    .await;
}

#[tokio::test]
async fn a_scale_scenario_seeds_running_pods_that_the_controllers_leave_alone() {
    let cluster = support::start_with(sandbox::Scenario::Scale {
        nodes: 20,
        pods: 300,
    })
    .await;
    let pods: Api<Pod> = Api::all(cluster.client.clone());
    let names = |list: Vec<Pod>| -> Vec<String> {
        let mut n: Vec<String> = list.into_iter().filter_map(|p| p.metadata.name).collect();
        n.sort();
        n
    };
    let before = pods.list(&ListParams::default()).await.expect("list").items;
    assert_eq!(before.len(), 300);
    assert!(
        before
            .iter()
            .all(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
    );
    let before = names(before);
    // Give every controller time to react, as it would to a foreign or unsettled object.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let sets: Api<ReplicaSet> = Api::all(cluster.client.clone());
    assert_eq!(
        sets.list(&ListParams::default())
            .await
            .expect("list")
            .items
            .len(),
        10
    );
    assert_eq!(
        names(pods.list(&ListParams::default()).await.expect("list").items),
        before
    );
    let nodes: Api<Node> = Api::all(cluster.client.clone());
    assert_eq!(
        nodes
            .list(&ListParams::default())
            .await
            .expect("list")
            .items
            .len(),
        20
    );
}
