//! Logs of pods that are gone, against a real sandbox cluster and PostgreSQL: a deleted pod of a
//! deployment and a failed job pod keep their logs and exits, listed by their workload and by
//! name; a cluster with keeping turned off keeps nothing; the retention drops old and excess logs.

mod support;

use std::time::Duration;

use backend::clusters;
use backend::db::models::ended_pod_logs::{self as stored, NewEndedLog};
use backend::logs::LogSubject;
use backend::logs::ended::{self, Limits, watch};
use chrono::Utc;
use diesel_async::RunQueryDsl;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use model::clusters::ClusterUpdate;
use model::logs::ended::EndedPod;
use sandbox::Scenario;
use serde_json::json;
use support::{Env, eventually};
use uuid::Uuid;

fn subject(kind: &str, name: &str) -> LogSubject {
    LogSubject {
        kind: kind.into(),
        namespace: "default".into(),
        name: name.into(),
    }
}

async fn kept(env: &Env, cluster: Uuid, kind: &str, name: &str) -> Vec<EndedPod> {
    ended::list(&env.db.pool, cluster, &subject(kind, name))
        .await
        .expect("list kept logs")
}

async fn failing_job(env: &Env, name: &str) {
    let job: Job = serde_json::from_value(json!({
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"backoffLimit": 0, "template": {"spec": {"restartPolicy": "Never", "containers": [{
            "name": "task", "image": "busybox:1.36",
            "command": ["sh", "-c", "echo computing the answer; echo giving up; exit 2"],
        }]}}},
    }))
    .expect("job");
    Api::<Job>::namespaced(env.kube.clone(), "default")
        .create(&PostParams::default(), &job)
        .await
        .expect("create job");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_pod_of_a_deployment_keeps_its_last_lines() {
    let env = Env::new(Scenario::Scale { nodes: 1, pods: 0 }).await;
    let supervisor = watch::spawn(env.registry.clone(), Limits::default());
    let deployment: Deployment = serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}},
    }))
    .expect("deployment");
    Api::<Deployment>::namespaced(env.kube.clone(), "default")
        .create(&PostParams::default(), &deployment)
        .await
        .expect("create deployment");
    let pods: Api<Pod> = Api::namespaced(env.kube.clone(), "default");
    let running = eventually(Duration::from_secs(20), "the pod runs", || async {
        let list = pods
            .list(&ListParams::default().labels("app=web"))
            .await
            .ok()?;
        list.items
            .into_iter()
            .find(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
    })
    .await;
    let name = running.metadata.name.clone().expect("name");
    // Let the watch list the pods first, and the container write a few lines.
    tokio::time::sleep(Duration::from_secs(3)).await;
    pods.delete(&name, &DeleteParams::default())
        .await
        .expect("delete pod");

    let found = eventually(
        Duration::from_secs(45),
        "the deleted pod is kept",
        || async {
            let found = kept(&env, env.cluster, "deployments.apps", "web").await;
            found.into_iter().find(|p| p.name == name)
        },
    )
    .await;
    assert_eq!(
        found.node.as_deref(),
        running.spec.and_then(|s| s.node_name).as_deref()
    );
    assert!(
        found
            .owner
            .as_deref()
            .is_some_and(|o| o.starts_with("ReplicaSet/web-")),
        "{:?}",
        found.owner
    );
    assert_eq!(found.containers.len(), 1);
    let container = &found.containers[0];
    assert_eq!(container.container, "nginx");
    assert!(
        container.bytes > 0 && container.note.is_none(),
        "{container:?}"
    );
    assert!(
        container.reason.is_some(),
        "a deleted pod's container says how it ended: {container:?}"
    );

    // The same pod is found by its own name, and its log reads as lines with their times.
    let by_name = kept(&env, env.cluster, "pods", &name).await;
    assert_eq!(by_name.len(), 1);
    let log = ended::read(&env.db.pool, env.cluster, container.log_id)
        .await
        .expect("read kept log");
    assert!(!log.lines.is_empty());
    assert!(log.lines.iter().all(|l| l.at.is_some() && l.pod == name));
    // Another cluster's id never reads it.
    assert!(
        ended::read(&env.db.pool, Uuid::new_v4(), container.log_id)
            .await
            .is_err()
    );
    supervisor.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_job_pod_keeps_its_exit_code_and_a_switched_off_cluster_keeps_nothing() {
    let env = Env::new(Scenario::Scale { nodes: 1, pods: 0 }).await;
    // The same sandbox registered twice: keeping on for one, off for the other.
    let silent = env.register("silent", false).await;
    clusters::update(
        &env.registry,
        &env.user,
        &env.client,
        silent,
        ClusterUpdate {
            keep_ended_logs: Some(false),
            ..Default::default()
        },
    )
    .await
    .expect("turn keeping off");
    failing_job(&env, "answer").await;
    // Started after the pod failed: the first listing finds it.
    let supervisor = watch::spawn(env.registry.clone(), Limits::default());

    let found = eventually(
        Duration::from_secs(45),
        "the failed job pod is kept",
        || async {
            kept(&env, env.cluster, "jobs.batch", "answer")
                .await
                .into_iter()
                .next()
        },
    )
    .await;
    let task = &found.containers[0];
    assert_eq!((task.exit_code, task.container.as_str()), (Some(2), "task"));
    assert!(found.summary().contains('2'), "{}", found.summary());
    let log = ended::read(&env.db.pool, env.cluster, task.log_id)
        .await
        .expect("read kept log");
    let texts: Vec<&str> = log.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(texts, ["computing the answer", "giving up"]);
    assert!(kept(&env, silent, "jobs.batch", "answer").await.is_empty());
    supervisor.abort();
}

fn row(cluster: Uuid, pod: &str, bytes: usize) -> NewEndedLog {
    NewEndedLog {
        cluster_id: cluster,
        namespace: "default".into(),
        pod_name: pod.into(),
        pod_uid: format!("uid-{pod}"),
        node_name: None,
        owner: None,
        workload_kind: Some("deployments.apps".into()),
        workload_name: Some("web".into()),
        container: "app".into(),
        init_container: false,
        exit_code: Some(0),
        reason: None,
        started_at: None,
        finished_at: None,
        ended_at: Utc::now(),
        log: "x".repeat(bytes),
        bytes: bytes as i32,
        truncated: false,
        note: None,
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn retention_drops_old_logs_then_the_oldest_over_the_cap() {
    let env = Env::new(Scenario::Empty).await;
    let mut conn = env.db.pool.get().await.expect("conn");
    let rows: Vec<NewEndedLog> = ["old", "a", "b", "c"]
        .into_iter()
        .map(|p| row(env.cluster, p, 10_000))
        .collect();
    for one in &rows {
        // One at a time, so they are captured in order.
        stored::insert(&mut conn, std::slice::from_ref(one))
            .await
            .expect("insert");
    }
    // Inserting the same container again changes nothing.
    assert_eq!(
        stored::insert(&mut conn, &rows[..1]).await.expect("insert"),
        0
    );
    diesel::sql_query(
        "UPDATE ended_pod_logs SET captured_at = now() - interval '8 days' WHERE pod_name = 'old'",
    )
    .execute(&mut conn)
    .await
    .expect("age a row");
    drop(conn);
    // Room for two logs of 10 000 bytes (and their rows), not three.
    let limits = Limits {
        container_bytes: 1024,
        retention_days: 7,
        total_bytes: 25_000,
    };
    assert_eq!(ended::prune(&env.db.pool, &limits).await.expect("prune"), 2);
    let left: Vec<String> = kept(&env, env.cluster, "deployments.apps", "web")
        .await
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(left.len(), 2);
    assert!(
        left.contains(&"b".to_string()) && left.contains(&"c".to_string()),
        "{left:?}"
    );
}
