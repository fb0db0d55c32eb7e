//! The container flow against a real sandbox cluster and a real PostgreSQL: the nginx story of
//! the source document (port 80 exposed, a ConfigMap mounted, limits set → running → stop →
//! start → restart → delete, nothing left behind), an update that changes exposure and adds a
//! claim, validation errors naming their fields, and a read-only cluster refusing.

use std::time::{Duration, Instant};

use backend::ClientInfo;
use backend::apps;
use backend::clusters::{self, ClusterRegistry};
use backend::crypto::SecretKey;
use backend::db::testing::TestDb;
use backend::resources::objects::Actor;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, PersistentVolumeClaim, Pod, Service};
use kube::Client;
use kube::api::{Api, ListParams, PostParams};
use model::apps::{
    AppDeletion, AppPort, AppResources, AppSpec, AppVolume, Expose, Protocol, VolumeSource,
};
use model::auth::UserInfo;
use model::clusters::{ClusterSettings, ClusterSource, NewCluster};
use model::{AppError, ErrorKind};
use sandbox::{SandboxConfig, SandboxHandle, Scenario};
use serde_json::json;
use uuid::Uuid;

struct Env {
    _db: TestDb,
    sandbox: SandboxHandle,
    registry: ClusterRegistry,
    cluster: Uuid,
    kube: Client,
    user: UserInfo,
    client: ClientInfo,
}

async fn register(env: &Env, name: &str, read_only: bool) -> Uuid {
    let info = clusters::create(
        &env.registry,
        &env.user,
        &env.client,
        NewCluster {
            settings: ClusterSettings {
                name: name.into(),
                read_only,
                ..Default::default()
            },
            source: ClusterSource::Kubeconfig {
                kubeconfig: env.sandbox.kubeconfig_yaml().to_string(),
                context: None,
            },
        },
    )
    .await
    .expect("register");
    clusters::parse_id(&info.id).expect("id")
}

async fn env() -> Env {
    let db = TestDb::new().await;
    let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
    let sandbox = sandbox::start(SandboxConfig {
        scenario: Scenario::Demo,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox");
    let user = db.user("operator", true).await;
    let client = ClientInfo {
        ip: None,
        user_agent: None,
        request_id: Some("req-apps".into()),
    };
    let mut env = Env {
        _db: db,
        sandbox,
        registry,
        cluster: Uuid::nil(),
        kube: Client::try_from(kube::Config::new(
            "http://127.0.0.1:1".parse().expect("uri"),
        ))
        .expect("placeholder"),
        user,
        client,
    };
    env.cluster = register(&env, "apps", false).await;
    env.kube = env.registry.client(env.cluster).await.expect("client");
    env
}

impl Env {
    fn actor(&self) -> Actor<'_> {
        Actor {
            user: &self.user,
            client: &self.client,
        }
    }

    async fn running_pods(&self, app: &str) -> usize {
        Api::<Pod>::namespaced(self.kube.clone(), "default")
            .list(&ListParams::default().labels(&format!("capstan.io/app={app}")))
            .await
            .expect("pods")
            .items
            .iter()
            .filter(|p| {
                p.metadata.deletion_timestamp.is_none()
                    && p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")
            })
            .count()
    }

    async fn until_running(&self, app: &str, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.running_pods(app).await != count {
            assert!(Instant::now() < deadline, "{app} never ran {count} pods");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

fn nginx() -> AppSpec {
    AppSpec {
        name: "nginx".into(),
        namespace: "default".into(),
        image: "nginx:1.27".into(),
        replicas: 2,
        ports: vec![AppPort {
            container_port: 80,
            protocol: Protocol::TCP,
            service_port: None,
            node_port: None,
        }],
        expose: Expose::ClusterIp,
        volumes: vec![AppVolume {
            mount_path: "/etc/nginx/conf.d".into(),
            read_only: true,
            source: VolumeSource::ConfigMap {
                name: "nginx-conf".into(),
            },
        }],
        resources: AppResources {
            cpu_request: "100m".into(),
            cpu_limit: "500m".into(),
            memory_request: "64Mi".into(),
            memory_limit: "256Mi".into(),
            gpus: 0,
        },
        ..AppSpec::default()
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_nginx_story_from_create_to_nothing_left() {
    let env = env().await;
    let conf: ConfigMap = serde_json::from_value(json!({
        "metadata": {"name": "nginx-conf", "namespace": "default"},
        "data": {"default.conf": "server { listen 80; }"},
    }))
    .expect("configmap");
    Api::<ConfigMap>::namespaced(env.kube.clone(), "default")
        .create(&PostParams::default(), &conf)
        .await
        .expect("configmap");

    let preview = apps::preview(&nginx()).expect("preview");
    assert!(preview.contains("kind: Deployment") && preview.contains("kind: Service"));

    let created = apps::create(&env.registry, &env.actor(), env.cluster, &nginx(), true)
        .await
        .expect("create");
    assert!(created.done, "{created:?}");
    assert_eq!(created.running, Some(true), "{}", created.message);
    assert_eq!(created.documents.len(), 2);
    let deployments: Api<Deployment> = Api::namespaced(env.kube.clone(), "default");
    let d = deployments.get("nginx").await.expect("deployment");
    let labels = d.metadata.labels.clone().unwrap_or_default();
    assert_eq!(
        labels
            .get("app.kubernetes.io/managed-by")
            .map(String::as_str),
        Some("capstan")
    );
    let container = &d
        .spec
        .as_ref()
        .expect("spec")
        .template
        .spec
        .as_ref()
        .expect("pod")
        .containers[0];
    let limits = container
        .resources
        .as_ref()
        .and_then(|r| r.limits.clone())
        .unwrap_or_default();
    assert_eq!(limits.get("cpu").map(|q| q.0.as_str()), Some("500m"));
    let services: Api<Service> = Api::namespaced(env.kube.clone(), "default");
    let service = services.get("nginx").await.expect("service");
    assert_eq!(
        service.spec.and_then(|s| s.ports).expect("ports")[0].port,
        80
    );

    let listed = apps::list(&env.registry, env.cluster, None)
        .await
        .expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].spec.image, "nginx:1.27");
    assert!(
        listed[0]
            .service
            .as_deref()
            .is_some_and(|s| s.starts_with("ClusterIP 80/TCP")),
        "{:?}",
        listed[0].service
    );

    // Creating it again is refused whole: nothing half-made.
    let again = apps::create(&env.registry, &env.actor(), env.cluster, &nginx(), false)
        .await
        .expect("answer");
    assert!(!again.done);

    apps::stop(&env.registry, &env.actor(), env.cluster, "default", "nginx")
        .await
        .expect("stop");
    env.until_running("nginx", 0).await;
    let stopped = apps::get(&env.registry, env.cluster, "default", "nginx")
        .await
        .expect("get");
    assert_eq!((stopped.desired, stopped.last_replicas), (0, 2));
    apps::start(&env.registry, &env.actor(), env.cluster, "default", "nginx")
        .await
        .expect("start");
    env.until_running("nginx", 2).await;
    let restarted = apps::restart(&env.registry, &env.actor(), env.cluster, "default", "nginx")
        .await
        .expect("restart");
    assert!(restarted.message.contains("restarting"));

    // Update: expose as NodePort and add a new claim; the claim appears, the Service changes.
    let mut changed = nginx();
    changed.expose = Expose::NodePort;
    changed.volumes.push(AppVolume {
        mount_path: "/data".into(),
        read_only: false,
        source: VolumeSource::NewClaim {
            size: "1Gi".into(),
            storage_class: None,
        },
    });
    apps::update(&env.registry, &env.actor(), env.cluster, &changed)
        .await
        .expect("update");
    let service = services.get("nginx").await.expect("service");
    assert_eq!(
        service.spec.and_then(|s| s.type_).as_deref(),
        Some("NodePort")
    );
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(env.kube.clone(), "default");
    claims.get("nginx-data-1").await.expect("claim made");

    let done = apps::delete(
        &env.registry,
        &env.actor(),
        env.cluster,
        "default",
        "nginx",
        AppDeletion::default(),
    )
    .await
    .expect("delete");
    assert!(
        done.message.contains("Service nginx") && done.message.contains("nginx-data-1"),
        "{}",
        done.message
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let left = env.running_pods("nginx").await
            + usize::from(deployments.get_opt("nginx").await.expect("get").is_some())
            + usize::from(services.get_opt("nginx").await.expect("get").is_some())
            + claims
                .list(&ListParams::default().labels("capstan.io/app=nginx"))
                .await
                .expect("claims")
                .items
                .len();
        if left == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{left} objects of nginx left behind"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The ConfigMap it mounted was the user's: it stays.
    Api::<ConfigMap>::namespaced(env.kube.clone(), "default")
        .get("nginx-conf")
        .await
        .expect("the user's configmap stays");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_forms_name_their_fields_and_read_only_clusters_refuse() {
    let env = env().await;
    let mut bad = nginx();
    bad.name = "Bad Name".into();
    bad.resources.cpu_limit = "10m".into();
    bad.ports[0].container_port = 0;
    let e = apps::create(&env.registry, &env.actor(), env.cluster, &bad, false)
        .await
        .map_err(AppError::from)
        .expect_err("invalid");
    assert_eq!(e.kind, ErrorKind::Invalid);
    let fields: Vec<&str> = e.fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        ["name", "ports[0].container_port", "resources.cpu_limit"]
    );
    assert!(apps::preview(&bad).is_err());

    let locked = register(&env, "locked", true).await;
    let e = apps::create(&env.registry, &env.actor(), locked, &nginx(), false)
        .await
        .map_err(AppError::from)
        .expect_err("read-only");
    assert_eq!(e.code, "cluster.read_only");
    // Deployments Capstan did not make are not apps.
    let e = apps::stop(&env.registry, &env.actor(), env.cluster, "shop", "frontend")
        .await
        .map_err(AppError::from)
        .expect_err("not an app");
    assert_eq!(e.fields[0].field, "name");
}
