//! Every built-in kind the sandbox serves, walked through the resource browser's whole machine
//! against a real cluster and a real PostgreSQL: created from YAML, found in its list, shown on
//! its detail page, read as YAML, edited and saved, deleted, and gone from the list. A kind that
//! discovery places in the navigation without a fixture here fails the test, so a new kind cannot
//! slip in untested.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use backend::ClientInfo;
use backend::clusters::{self, ClusterRegistry};
use backend::crypto::SecretKey;
use backend::db::testing::TestDb;
use backend::resources::objects::{self, Actor, CreateRequest, Edit, yaml};
use backend::resources::{self, ResourceHub, detail};
use model::auth::UserInfo;
use model::clusters::{ClusterSettings, ClusterSource, NewCluster};
use model::objects::{DeleteOptions, DocumentResult, ObjectRef, SaveOutcome};
use model::resources::{ListQuery, NavGroup};
use model::{AppError, ErrorKind};
use sandbox::{SandboxConfig, Scenario};
use serde_json::Value;

/// One object per kind: (kind key, namespace, name, YAML). Namespaced objects live in `default`.
const FIXTURES: &[(&str, Option<&str>, &str, &str)] = &[
    (
        "pods",
        Some("default"),
        "walk-pod",
        "
apiVersion: v1
kind: Pod
metadata: {name: walk-pod}
spec:
  containers: [{name: app, image: 'nginx:1.27'}]
",
    ),
    (
        "deployments.apps",
        Some("default"),
        "walk-deploy",
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: walk-deploy}
spec:
  replicas: 1
  selector: {matchLabels: {app: walk-deploy}}
  template:
    metadata: {labels: {app: walk-deploy}}
    spec: {containers: [{name: app, image: 'nginx:1.27'}]}
",
    ),
    (
        "statefulsets.apps",
        Some("default"),
        "walk-sts",
        "
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: walk-sts}
spec:
  serviceName: walk-sts
  replicas: 1
  selector: {matchLabels: {app: walk-sts}}
  template:
    metadata: {labels: {app: walk-sts}}
    spec: {containers: [{name: app, image: 'redis:7'}]}
",
    ),
    (
        "daemonsets.apps",
        Some("default"),
        "walk-ds",
        "
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: walk-ds}
spec:
  selector: {matchLabels: {app: walk-ds}}
  template:
    metadata: {labels: {app: walk-ds}}
    spec: {containers: [{name: agent, image: 'busybox:1.36'}]}
",
    ),
    (
        "replicasets.apps",
        Some("default"),
        "walk-rs",
        "
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: walk-rs}
spec:
  replicas: 1
  selector: {matchLabels: {app: walk-rs}}
  template:
    metadata: {labels: {app: walk-rs}}
    spec: {containers: [{name: app, image: 'nginx:1.27'}]}
",
    ),
    (
        "jobs.batch",
        Some("default"),
        "walk-job",
        "
apiVersion: batch/v1
kind: Job
metadata: {name: walk-job}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: task, image: 'busybox:1.36', command: [sh, -c, 'echo done']}]
",
    ),
    (
        "cronjobs.batch",
        Some("default"),
        "walk-cron",
        "
apiVersion: batch/v1
kind: CronJob
metadata: {name: walk-cron}
spec:
  schedule: '0 3 * * *'
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: task, image: 'busybox:1.36'}]
",
    ),
    (
        "horizontalpodautoscalers.autoscaling",
        Some("default"),
        "walk-hpa",
        "
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: walk-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: walk-deploy}
  minReplicas: 1
  maxReplicas: 3
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
",
    ),
    (
        "services",
        Some("default"),
        "walk-svc",
        "
apiVersion: v1
kind: Service
metadata: {name: walk-svc}
spec:
  selector: {app: walk-deploy}
  ports: [{port: 80, targetPort: 8080}]
",
    ),
    (
        "endpoints",
        Some("default"),
        "walk-ep",
        "
apiVersion: v1
kind: Endpoints
metadata: {name: walk-ep}
subsets:
- addresses: [{ip: 10.0.0.9}]
  ports: [{port: 80}]
",
    ),
    (
        "endpointslices.discovery.k8s.io",
        Some("default"),
        "walk-eps",
        "
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: walk-eps}
addressType: IPv4
endpoints: [{addresses: [10.0.0.9]}]
ports: [{port: 80}]
",
    ),
    (
        "ingresses.networking.k8s.io",
        Some("default"),
        "walk-ing",
        "
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: walk-ing}
spec:
  rules:
  - host: walk.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: walk-svc, port: {number: 80}}}
",
    ),
    (
        "ingressclasses.networking.k8s.io",
        None,
        "walk-ingclass",
        "
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: walk-ingclass}
spec: {controller: example.com/walk}
",
    ),
    (
        "networkpolicies.networking.k8s.io",
        Some("default"),
        "walk-netpol",
        "
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: walk-netpol}
spec:
  podSelector: {matchLabels: {app: walk-deploy}}
  policyTypes: [Ingress]
",
    ),
    (
        "configmaps",
        Some("default"),
        "walk-cm",
        "
apiVersion: v1
kind: ConfigMap
metadata: {name: walk-cm}
data: {greeting: hello}
",
    ),
    (
        "secrets",
        Some("default"),
        "walk-secret",
        "
apiVersion: v1
kind: Secret
metadata: {name: walk-secret}
stringData: {token: walk-value}
",
    ),
    (
        "persistentvolumes",
        None,
        "walk-pv",
        "
apiVersion: v1
kind: PersistentVolume
metadata: {name: walk-pv}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  hostPath: {path: /tmp/walk}
",
    ),
    (
        "persistentvolumeclaims",
        Some("default"),
        "walk-pvc",
        "
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: walk-pvc}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
",
    ),
    (
        "storageclasses.storage.k8s.io",
        None,
        "walk-sc",
        "
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: walk-sc}
provisioner: example.com/walk
",
    ),
    (
        "nodes",
        None,
        "walk-node",
        "
apiVersion: v1
kind: Node
metadata: {name: walk-node}
",
    ),
    (
        "namespaces",
        None,
        "walk-ns",
        "
apiVersion: v1
kind: Namespace
metadata: {name: walk-ns}
",
    ),
    (
        "events",
        Some("default"),
        "walk-event",
        "
apiVersion: v1
kind: Event
metadata: {name: walk-event}
involvedObject: {kind: ConfigMap, namespace: default, name: walk-cm}
reason: Walked
message: walked through every kind
type: Normal
",
    ),
    (
        "serviceaccounts",
        Some("default"),
        "walk-sa",
        "
apiVersion: v1
kind: ServiceAccount
metadata: {name: walk-sa}
",
    ),
    (
        "roles.rbac.authorization.k8s.io",
        Some("default"),
        "walk-role",
        "
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: walk-role}
rules: [{apiGroups: [''], resources: [pods], verbs: [get, list]}]
",
    ),
    (
        "rolebindings.rbac.authorization.k8s.io",
        Some("default"),
        "walk-rb",
        "
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: walk-rb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: walk-role}
subjects: [{kind: ServiceAccount, name: walk-sa, namespace: default}]
",
    ),
    (
        "clusterroles.rbac.authorization.k8s.io",
        None,
        "walk-cr",
        "
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: walk-cr}
rules: [{apiGroups: [''], resources: [nodes], verbs: [get]}]
",
    ),
    (
        "clusterrolebindings.rbac.authorization.k8s.io",
        None,
        "walk-crb",
        "
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: walk-crb}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: walk-cr}
subjects: [{kind: ServiceAccount, name: walk-sa, namespace: default}]
",
    ),
    (
        "poddisruptionbudgets.policy",
        Some("default"),
        "walk-pdb",
        "
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: walk-pdb}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: walk-deploy}}
",
    ),
    (
        "replicationcontrollers",
        Some("default"),
        "walk-rc",
        "
apiVersion: v1
kind: ReplicationController
metadata: {name: walk-rc}
spec:
  replicas: 1
  selector: {app: walk-rc}
  template:
    metadata: {labels: {app: walk-rc}}
    spec: {containers: [{name: app, image: 'nginx:1.27'}]}
",
    ),
    (
        "controllerrevisions.apps",
        Some("default"),
        "walk-cr-rev",
        "
apiVersion: apps/v1
kind: ControllerRevision
metadata: {name: walk-cr-rev}
revision: 1
data: {spec: {template: {metadata: {labels: {app: walk}}}}}
",
    ),
    (
        "leases.coordination.k8s.io",
        Some("default"),
        "walk-lease",
        "
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: walk-lease}
spec: {holderIdentity: walker, leaseDurationSeconds: 30}
",
    ),
    (
        "limitranges",
        Some("default"),
        "walk-limits",
        "
apiVersion: v1
kind: LimitRange
metadata: {name: walk-limits}
spec:
  limits: [{type: Container, default: {cpu: 500m}, defaultRequest: {cpu: 100m}}]
",
    ),
    (
        "resourcequotas",
        Some("default"),
        "walk-quota",
        "
apiVersion: v1
kind: ResourceQuota
metadata: {name: walk-quota}
spec: {hard: {pods: '50'}}
",
    ),
    (
        "priorityclasses.scheduling.k8s.io",
        None,
        "walk-priority",
        "
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: walk-priority}
value: 1000
description: walked
",
    ),
    (
        "customresourcedefinitions.apiextensions.k8s.io",
        None,
        "gizmos.walk.example.com",
        "
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.walk.example.com}
spec:
  group: walk.example.com
  scope: Namespaced
  names: {plural: gizmos, singular: gizmo, kind: Gizmo}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
",
    ),
];

struct Env {
    _db: TestDb,
    _sandbox: sandbox::SandboxHandle,
    registry: ClusterRegistry,
    hub: ResourceHub,
    cluster: uuid::Uuid,
    user: UserInfo,
    client: ClientInfo,
}

async fn env() -> Env {
    let db = TestDb::new().await;
    let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
    let sandbox = sandbox::start(SandboxConfig {
        scenario: Scenario::Empty,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts");
    let user = db.user("walker", true).await;
    let client = ClientInfo {
        ip: None,
        user_agent: None,
        request_id: Some("req-every-kind".into()),
    };
    let info = clusters::create(
        &registry,
        &user,
        &client,
        NewCluster {
            settings: ClusterSettings {
                name: "walk".into(),
                ..Default::default()
            },
            source: ClusterSource::Kubeconfig {
                kubeconfig: sandbox.kubeconfig_yaml().to_string(),
                context: None,
            },
        },
    )
    .await
    .expect("register cluster");
    let cluster = clusters::parse_id(&info.id).expect("id");
    let hub = ResourceHub::new(registry.clone());
    Env {
        _db: db,
        _sandbox: sandbox,
        registry,
        hub,
        cluster,
        user,
        client,
    }
}

impl Env {
    fn actor(&self) -> Actor<'_> {
        Actor {
            user: &self.user,
            client: &self.client,
        }
    }

    /// The names in `kind`'s list that match `name`, polled until `done` holds.
    async fn listed(&self, kind: &str, name: &str, done: impl Fn(bool) -> bool) {
        let query = ListQuery {
            filter: name.into(),
            limit: Some(1000),
            ..Default::default()
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let page = resources::list(&self.hub, self.cluster, kind, &query)
                .await
                .unwrap_or_else(|e| panic!("list {kind}: {e}"));
            if done(page.rows.iter().any(|r| r.name == name)) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{kind} {name}: the list never reached the expected state"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn walk(&self, kind: &str, namespace: Option<&str>, name: &str, text: &str) {
        let object = ObjectRef {
            kind: kind.into(),
            namespace: namespace.map(str::to_string),
            name: name.into(),
        };
        // Create from YAML, pinned to this kind as the list's "Create" button does.
        let created = objects::create(
            &self.registry,
            &self.actor(),
            self.cluster,
            CreateRequest {
                yaml: text,
                default_namespace: namespace,
                dry_run: false,
                only_kind: Some(kind),
                pin_namespace: false,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("create {kind}: {e}"));
        assert_eq!(created.len(), 1, "{kind}");
        assert_eq!(created[0].result, DocumentResult::Created, "{kind}");
        assert_eq!(created[0].object.as_ref(), Some(&object), "{kind}");

        // Its list shows it.
        self.listed(kind, name, |present| present).await;

        // Its detail page.
        let shown = detail::object_detail(&self.registry, &self.user, self.cluster, &object)
            .await
            .unwrap_or_else(|e| panic!("detail of {kind} {name}: {e}"));
        assert_eq!((shown.kind.key.as_str(), shown.name.as_str()), (kind, name));
        assert_eq!(shown.namespace.as_deref(), namespace, "{kind}");
        assert!(!shown.uid.is_empty(), "{kind}");

        // Its YAML, edited (a label added) and saved against the version it was read at.
        let read = objects::get_yaml(&self.registry, self.cluster, &object, false)
            .await
            .unwrap_or_else(|e| panic!("yaml of {kind} {name}: {e}"));
        assert!(!read.yaml.contains("managedFields"), "{kind}");
        let mut value = yaml::parse(&read.yaml).unwrap_or_else(|e| panic!("{kind}: {e:?}"));
        let metadata = yaml::metadata_mut(&mut value).expect("metadata");
        let labels = metadata
            .entry("labels")
            .or_insert_with(|| Value::Object(Default::default()));
        labels
            .as_object_mut()
            .expect("labels map")
            .insert("walked".into(), Value::String("yes".into()));
        let edited = yaml::render(&value);
        let edit = |dry_run| Edit {
            object: &object,
            yaml: &edited,
            resource_version: &read.resource_version,
            dry_run,
        };
        let checked = objects::save_yaml(&self.registry, &self.actor(), self.cluster, edit(true))
            .await
            .unwrap_or_else(|e| panic!("dry run {kind}: {e}"));
        assert!(
            matches!(checked, SaveOutcome::Valid { .. }),
            "{kind}: {checked:?}"
        );
        let saved = objects::save_yaml(&self.registry, &self.actor(), self.cluster, edit(false))
            .await
            .unwrap_or_else(|e| panic!("save {kind}: {e}"));
        let SaveOutcome::Saved { object: after } = saved else {
            panic!("{kind}: not saved: {saved:?}");
        };
        assert!(after.yaml.contains("walked: "), "{kind}: {}", after.yaml);
        assert_ne!(after.resource_version, read.resource_version, "{kind}");

        // Deleted (namespaces need their name typed), then gone from the list and its page.
        let options = DeleteOptions {
            confirm: Some(name.into()),
            ..Default::default()
        };
        objects::delete(
            &self.registry,
            &self.actor(),
            self.cluster,
            &object,
            &options,
        )
        .await
        .unwrap_or_else(|e| panic!("delete {kind}: {e}"));
        self.listed(kind, name, |present| !present).await;
        let gone = detail::object_detail(&self.registry, &self.user, self.cluster, &object)
            .await
            .map(|_| ())
            .map_err(AppError::from)
            .expect_err("gone");
        assert_eq!(gone.kind, ErrorKind::NotFound, "{kind}: {gone:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_built_in_kind_lists_shows_edits_and_deletes() {
    let env = env().await;
    let kinds = resources::kinds(&env.registry, env.cluster)
        .await
        .expect("kinds");
    let served: BTreeSet<&str> = kinds
        .iter()
        .filter(|k| k.nav != NavGroup::CustomResources)
        .map(|k| k.key.as_str())
        .collect();
    let walked: BTreeSet<&str> = FIXTURES.iter().map(|f| f.0).collect();
    let missing: Vec<_> = served.difference(&walked).collect();
    assert!(missing.is_empty(), "kinds without a fixture: {missing:?}");
    let unserved: Vec<_> = walked.difference(&served).collect();
    assert!(
        unserved.is_empty(),
        "fixtures of kinds not served: {unserved:?}"
    );

    for (kind, namespace, name, text) in FIXTURES {
        env.walk(kind, *namespace, name, text).await;
    }
}
