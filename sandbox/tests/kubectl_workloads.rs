//! The real kubectl v1.35 against the sandbox, for workloads: rollout history, undo, pause and resume;
//! a Job from a CronJob; the three patch types, watching and describing; cascading deletes; and the
//! claims of a StatefulSet. Each test gets its own demo cluster and runs kubectl on a blocking thread.

mod api_support;

use std::time::Duration;

use api_support::streams::{line_channel, read_until, stop};
use api_support::with_demo_cluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rollout_history_undo_and_pause_resume() {
    with_demo_cluster(|k| {
        let image = || {
            k.kubectl(&[
                "get",
                "deploy",
                "hist",
                "-o",
                "jsonpath={.spec.template.spec.containers[0].image}",
            ])
        };
        let status = || k.kubectl(&["rollout", "status", "deployment/hist", "--timeout=60s"]);
        // Old pods finish stopping after the rollout is reported done.
        let pod_images_become = |image: &str| {
            k.kubectl_until(&[
                    "get",
                    "pods",
                    "-l",
                    "app=hist",
                    "-o",
                    "jsonpath={.items[*].spec.containers[0].image}",
                ],
                Duration::from_secs(20),
                |images| images == image,
            );
        };
        let cause = |text: &str| {
            k.kubectl(&[
                "annotate",
                "deployment",
                "hist",
                &format!("kubernetes.io/change-cause={text}"),
                "--overwrite",
            ]);
        };
        k.kubectl(&["create", "deployment", "hist", "--image=nginx:1.25"]);
        cause("create 1.25");
        status();
        for version in ["1.26", "1.27"] {
            k.kubectl(&[
                "set",
                "image",
                "deployment/hist",
                &format!("nginx=nginx:{version}"),
            ]);
            cause(&format!("bump to {version}"));
            status();
        }
        let history = || {
            let out = k.kubectl(&["rollout", "history", "deployment/hist"]);
            out.lines()
                .skip_while(|l| !l.starts_with("REVISION"))
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            history(),
            ["1 create 1.25", "2 bump to 1.26", "3 bump to 1.27"],
            "each revision keeps the change-cause it was rolled out with"
        );
        let second = k.kubectl(&["rollout", "history", "deployment/hist", "--revision=2"]);
        assert!(
            second.contains("nginx:1.26") && second.contains("bump to 1.26"),
            "{second}"
        );

        let undone = k.kubectl(&["rollout", "undo", "deployment/hist"]);
        assert!(undone.contains("rolled back"), "{undone}");
        status();
        assert_eq!(image(), "nginx:1.26");
        assert_eq!(
            history(),
            ["1 create 1.25", "3 bump to 1.27", "4 bump to 1.26"],
            "a rollback re-numbers the revision it brings back"
        );
        k.kubectl(&["rollout", "undo", "deployment/hist", "--to-revision=1"]);
        status();
        assert_eq!(image(), "nginx:1.25");
        pod_images_become("nginx:1.25");
        let rs_history = k.kubectl(&[
            "get",
            "rs",
            "-l",
            "app=hist",
            "-o",
            "jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision}:{.metadata.annotations.deployment\\.kubernetes\\.io/revision-history} {end}",
        ]);
        assert!(
            rs_history.split_whitespace().any(|r| r == "5:1"),
            "the brought-back ReplicaSet remembers its old revision: {rs_history}"
        );

        k.kubectl(&["rollout", "pause", "deployment/hist"]);
        k.kubectl(&["set", "image", "deployment/hist", "nginx=nginx:1.28"]);
        k.kubectl_until(&[
                "get",
                "deploy",
                "hist",
                "-o",
                "jsonpath={.status.conditions[?(@.type==\"Progressing\")].reason}",
            ],
            Duration::from_secs(10),
            |reason| reason == "DeploymentPaused",
        );
        std::thread::sleep(Duration::from_secs(1));
        let sets = k.kubectl(&[
            "get",
            "rs",
            "-l",
            "app=hist",
            "-o",
            "jsonpath={.items[*].spec.template.spec.containers[0].image}",
        ]);
        assert!(
            !sets.contains("nginx:1.28"),
            "a paused deployment does not roll out: {sets}"
        );
        let refused = k.kubectl_output(&["rollout", "undo", "deployment/hist"]);
        assert!(!refused.status.success(), "a paused deployment is not rolled back");
        let resumed = k.kubectl(&["rollout", "resume", "deployment/hist"]);
        assert!(resumed.contains("resumed"), "{resumed}");
        status();
        pod_images_become("nginx:1.28");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_job_from_cronjob_copies_its_template() {
    with_demo_cluster(|k| {
        k.kubectl(&[
            "create",
            "cronjob",
            "tick",
            "--image=busybox",
            "--schedule=0 0 1 1 *",
            "--",
            "sh",
            "-c",
            "echo tock",
        ]);
        let created = k.kubectl(&["create", "job", "manual", "--from=cronjob/tick"]);
        assert!(created.contains("job.batch/manual created"), "{created}");
        let job = |path: &str| {
            k.kubectl(&[
                "get",
                "job",
                "manual",
                "-o",
                &format!("jsonpath={{{path}}}"),
            ])
        };
        assert_eq!(
            job(".metadata.annotations.cronjob\\.kubernetes\\.io/instantiate"),
            "manual"
        );
        assert_eq!(
            job(".metadata.ownerReferences[0].kind")
                + "/"
                + &job(".metadata.ownerReferences[0].name"),
            "CronJob/tick"
        );
        assert_eq!(
            job(".spec.template.spec.containers[0].command[*]"),
            "sh -c echo tock"
        );
        k.kubectl(&[
            "wait",
            "--for=condition=complete",
            "job/manual",
            "--timeout=30s",
        ]);
        assert_eq!(k.kubectl(&["logs", "job/manual"]), "tock\n");
        assert_eq!(
            job(".metadata.generation"),
            "1",
            "only the job's status changed after creation"
        );
        let selector = job(".spec.selector.matchLabels.batch\\.kubernetes\\.io/controller-uid");
        assert_eq!(selector, job(".metadata.uid"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn patch_watch_and_describe() {
    with_demo_cluster(|k| {
        k.kubectl(&["create", "deployment", "pt", "--image=nginx:1.27"]);
        k.kubectl(&[
            "patch",
            "deployment",
            "pt",
            "--type=merge",
            "-p",
            r#"{"metadata":{"labels":{"tier":"web"}},"spec":{"minReadySeconds":1}}"#,
        ]);
        k.kubectl(&[
            "patch",
            "deployment",
            "pt",
            "--type=json",
            "-p",
            r#"[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"nginx:1.28"},{"op":"add","path":"/metadata/annotations/owner","value":"team-a"}]"#,
        ]);
        // Strategic merge (kubectl's default): containers merge by name, so this adds a sidecar.
        k.kubectl(&[
            "patch",
            "deployment",
            "pt",
            "-p",
            r#"{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox","command":["sleep","infinity"]}]}}}}"#,
        ]);
        let shape = k.kubectl(&[
            "get",
            "deploy",
            "pt",
            "-o",
            "jsonpath={.metadata.labels.tier} {.spec.minReadySeconds} {.metadata.annotations.owner} {range .spec.template.spec.containers[*]}{.name}={.image} {end}",
        ]);
        assert_eq!(
            shape.trim(),
            "web 1 team-a nginx=nginx:1.28 sidecar=busybox"
        );
        let failed_test = k.kubectl_output(&[
            "patch",
            "deployment",
            "pt",
            "--type=json",
            "-p",
            r#"[{"op":"test","path":"/spec/replicas","value":5},{"op":"replace","path":"/spec/replicas","value":9}]"#,
        ]);
        assert!(!failed_test.status.success(), "a failed JSON-patch test aborts the patch");
        let mistyped = k.kubectl_output(&[
            "patch",
            "deployment",
            "pt",
            "--type=merge",
            "-p",
            r#"{"spec":{"replicas":"many"}}"#,
        ]);
        assert!(
            !mistyped.status.success(),
            "a string where an integer belongs is refused"
        );
        assert_eq!(
            k.kubectl(&["get", "deploy", "pt", "-o", "jsonpath={.spec.replicas}"]),
            "1"
        );
        k.kubectl(&["rollout", "status", "deployment/pt", "--timeout=60s"]);

        let mut watch = k.spawn_kubectl(&["get", "deployment", "pt", "-w", "--output-watch-events"],
        );
        let lines = line_channel(&mut watch);
        let initial = read_until(&lines, Duration::from_secs(10), "the initial row", |l| {
            l.iter().any(|l| l.starts_with("ADDED"))
        });
        assert!(initial[0].starts_with("EVENT"), "{initial:?}");
        k.kubectl(&["scale", "deployment", "pt", "--replicas=2"]);
        let seen = read_until(
            &lines,
            Duration::from_secs(30),
            "the scaled deployment",
            |l| {
                l.iter()
                    .any(|l| l.starts_with("MODIFIED") && l.contains(" 2/2 "))
            },
        );
        let stderr = stop(watch);
        assert!(
            seen.iter().all(|l| l.starts_with("MODIFIED")),
            "{seen:?} {stderr}"
        );

        let pod = k.kubectl(&[
            "get",
            "pods",
            "-l",
            "app=pt",
            "-o",
            "jsonpath={.items[0].metadata.name}",
        ]);
        let described = k.kubectl(&["describe", "pod", &pod]);
        for expected in ["Events:", "Scheduled", "Started", "Controlled By:  ReplicaSet/pt-"] {
            assert!(described.contains(expected), "{expected}:\n{described}");
        }
        let described = k.kubectl(&["describe", "deployment", "pt"]);
        for expected in [
            "Events:",
            "ScalingReplicaSet",
            "deployment-controller",
            "NewReplicaSet:",
            "sidecar:",
        ] {
            assert!(described.contains(expected), "{expected}:\n{described}");
        }
    })
    .await;
}

/// A deployment whose pods take two seconds to stop (a shell ignoring SIGTERM, with a short grace).
fn slow_stopping_deployment(name: &str) -> String {
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      terminationGracePeriodSeconds: 2
      containers:
      - name: main
        image: busybox
        command: ["sh", "-c", "sleep 3600"]
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_cascade_foreground_and_orphan() {
    with_demo_cluster(|k| {
        k.kubectl_stdin(&["apply", "-f", "-"], &slow_stopping_deployment("fg"));
        k.kubectl(&["create", "deployment", "orph", "--image=nginx:1.27", "--replicas=2"]);
        k.kubectl(&["rollout", "status", "deployment/fg", "--timeout=60s"]);
        k.kubectl(&["rollout", "status", "deployment/orph", "--timeout=60s"]);

        k.kubectl(&[
            "delete",
            "deployment",
            "fg",
            "--cascade=foreground",
            "--wait=false",
        ]);
        let pending = k.kubectl(&[
            "get",
            "deployment",
            "fg",
            "-o",
            "jsonpath={.metadata.finalizers[*]}|{.metadata.deletionTimestamp}",
        ]);
        let (finalizers, since) = pending.split_once('|').unwrap_or_default();
        assert!(
            finalizers == "foregroundDeletion" && !since.is_empty(),
            "the owner waits for its dependents: {pending}"
        );
        k.kubectl(&["wait", "--for=delete", "deployment/fg", "--timeout=30s"]);
        let left = k.kubectl(&["get", "rs,pods", "-l", "app=fg", "-o", "name"]);
        assert_eq!(left, "", "dependents went before the owner");

        let deleted = k.kubectl(&["delete", "deployment", "orph", "--cascade=orphan"]);
        assert!(deleted.contains("deleted"), "{deleted}");
        assert!(!k.kubectl_output(&["get", "deployment", "orph"]).status.success());
        std::thread::sleep(Duration::from_millis(500));
        let sets = k.kubectl(&[
            "get",
            "rs",
            "-l",
            "app=orph",
            "-o",
            "jsonpath={range .items[*]}{.metadata.name} {.status.readyReplicas} owners={.metadata.ownerReferences}{end}",
        ]);
        assert!(
            sets.starts_with("orph-") && sets.ends_with(" 2 owners="),
            "the orphaned ReplicaSet keeps running without an owner: {sets}"
        );
        let pods = k.kubectl(&[
            "get",
            "pods",
            "-l",
            "app=orph",
            "-o",
            "jsonpath={.items[*].metadata.ownerReferences[0].kind}",
        ]);
        assert_eq!(pods, "ReplicaSet ReplicaSet", "its pods stay with it");
    })
    .await;
}

fn stateful_set_with_claims(name: &str, retention: &str) -> String {
    format!(
        r#"apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: {name}}}
spec:
  serviceName: {name}
  replicas: 2
  selector: {{matchLabels: {{app: {name}}}}}
  {retention}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: main
        image: postgres:16.4
        volumeMounts: [{{name: data, mountPath: /var/lib/postgresql/data}}]
  volumeClaimTemplates:
  - metadata: {{name: data}}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {{requests: {{storage: 1Gi}}}}
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statefulset_claims_are_bound_per_pod_and_outlive_it() {
    with_demo_cluster(|k| {
        k.kubectl_stdin(&["apply", "-f", "-"], &stateful_set_with_claims("db", ""));
        k.kubectl(&["rollout", "status", "statefulset/db", "--timeout=60s"]);
        let claim = |name: &str, path: &str| {
            k.kubectl(&["get", "pvc", name, "-o", &format!("jsonpath={{{path}}}")])
        };
        for ordinal in 0..2 {
            let name = format!("data-db-{ordinal}");
            let shape = claim(
                &name,
                ".status.phase} {.status.capacity.storage} {.spec.storageClassName} {.metadata.labels.app",
            );
            assert_eq!(shape, "Bound 1Gi standard db", "{name}");
            let volume = claim(&name, ".spec.volumeName");
            let bound_to = k.kubectl(&[
                "get",
                "pv",
                &volume,
                "-o",
                "jsonpath={.status.phase} {.spec.claimRef.namespace}/{.spec.claimRef.name}",
            ]);
            assert_eq!(bound_to, format!("Bound default/{name}"));
            let mounted = k.kubectl(&[
                "get",
                "pod",
                &format!("db-{ordinal}"),
                "-o",
                "jsonpath={.spec.volumes[?(@.name==\"data\")].persistentVolumeClaim.claimName}",
            ]);
            assert_eq!(mounted, name);
        }
        let described = k.kubectl(&["describe", "pvc", "data-db-0"]);
        assert!(
            described.contains("Used By:") && described.contains("db-0"),
            "{described}"
        );

        let kept_uid = claim("data-db-1", ".metadata.uid");
        k.kubectl(&["scale", "statefulset", "db", "--replicas=1"]);
        k.kubectl(&["wait", "--for=delete", "pod/db-1", "--timeout=30s"]);
        assert_eq!(
            claim("data-db-1", ".status.phase} {.metadata.uid"),
            format!("Bound {kept_uid}"),
            "a scale-down keeps the claim"
        );
        k.kubectl(&["scale", "statefulset", "db", "--replicas=2"]);
        k.kubectl(&["rollout", "status", "statefulset/db", "--timeout=60s"]);
        assert_eq!(
            claim("data-db-1", ".metadata.uid"),
            kept_uid,
            "the pod comes back to its own claim"
        );

        k.kubectl(&["delete", "statefulset", "db"]);
        k.kubectl(&["wait", "--for=delete", "pod/db-0", "pod/db-1", "--timeout=30s"]);
        let left = k.kubectl(&["get", "pvc", "-l", "app=db", "-o", "name"]);
        assert_eq!(
            left.lines().collect::<Vec<_>>(),
            [
                "persistentvolumeclaim/data-db-0",
                "persistentvolumeclaim/data-db-1"
            ],
            "claims outlive their StatefulSet by default"
        );
        let volume = claim("data-db-1", ".spec.volumeName");
        k.kubectl(&["delete", "pvc", "data-db-1"]);
        k.kubectl(&[
            "wait",
            "--for=delete",
            &format!("pv/{volume}"),
            "--timeout=10s",
        ]);

        let retention = "persistentVolumeClaimRetentionPolicy: {whenScaled: Delete, whenDeleted: Delete}";
        k.kubectl_stdin(&["apply", "-f", "-"], &stateful_set_with_claims("cache", retention));
        k.kubectl(&["rollout", "status", "statefulset/cache", "--timeout=60s"]);
        k.kubectl(&["scale", "statefulset", "cache", "--replicas=1"]);
        k.kubectl(&[
            "wait",
            "--for=delete",
            "pvc/data-cache-1",
            "--timeout=30s",
        ]);
        assert_eq!(claim("data-cache-0", ".status.phase"), "Bound");
        k.kubectl(&["delete", "statefulset", "cache"]);
        k.kubectl(&[
            "wait",
            "--for=delete",
            "pvc/data-cache-0",
            "--timeout=30s",
        ]);
    })
    .await;
}

/// StatefulSets and DaemonSets keep ControllerRevisions that kubectl reads and rolls back to.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statefulset_and_daemonset_rollout_history_and_undo() {
    with_demo_cluster(|k| {
        k.kubectl_stdin(
            &["apply", "-f", "-"],
            r#"apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache}
spec:
  serviceName: cache
  replicas: 1
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec: {containers: [{name: redis, image: "redis:7.2"}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: probe}
spec:
  selector: {matchLabels: {app: probe}}
  template:
    metadata: {labels: {app: probe}}
    spec:
      tolerations: [{operator: Exists}]
      containers: [{name: agent, image: "busybox:1.36", command: [sleep, infinity]}]
"#,
        );
        for (workload, container, images) in [
            ("statefulset/cache", "redis", ["redis:7.2", "redis:7.4"]),
            ("daemonset/probe", "agent", ["busybox:1.36", "busybox:1.37"]),
        ] {
            k.kubectl(&["rollout", "status", workload, "--timeout=60s"]);
            k.kubectl(&[
                "set",
                "image",
                workload,
                &format!("{container}={}", images[1]),
            ]);
            k.kubectl(&["rollout", "status", workload, "--timeout=60s"]);
            let revisions = || {
                k.kubectl(&["rollout", "history", workload])
                    .lines()
                    .skip_while(|l| !l.starts_with("REVISION"))
                    .skip(1)
                    .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
                    .collect::<Vec<_>>()
            };
            assert_eq!(revisions(), ["1", "2"], "{workload}");
            let first = k.kubectl(&["rollout", "history", workload, "--revision=1"]);
            assert!(first.contains(images[0]), "{workload}: {first}");
            let undone = k.kubectl(&["rollout", "undo", workload, "--to-revision=1"]);
            assert!(undone.contains("rolled back"), "{workload}: {undone}");
            let image = k.kubectl(&[
                "get",
                workload,
                "-o",
                "jsonpath={.spec.template.spec.containers[0].image}",
            ]);
            assert_eq!(image, images[0], "{workload}");
            k.kubectl_until(
                &["rollout", "history", workload],
                Duration::from_secs(10),
                |out| out.lines().any(|l| l.starts_with("3 ")),
            );
            assert_eq!(
                revisions(),
                ["2", "3"],
                "{workload}: the first revision moved to the top"
            );
        }
        // Replacing a StatefulSet's pod waits until the old one is gone: no failed creations.
        let reasons = k.kubectl(&[
            "get",
            "events",
            "--field-selector",
            "involvedObject.name=cache",
            "-o",
            "jsonpath={.items[*].reason}",
        ]);
        assert!(reasons.contains("SuccessfulCreate"), "{reasons}");
        assert!(!reasons.contains("FailedCreate"), "{reasons}");
    })
    .await;
}
