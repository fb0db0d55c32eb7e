//! What the newer integration tests (and the benches) share: a sandbox cluster registered in a
//! fresh database, an operator to act as, and polling. (Older test files still carry their own
//! copy.)

#![allow(dead_code, reason = "each test file uses a different part")]

use std::time::{Duration, Instant};

use backend::ClientInfo;
use backend::clusters::{self, ClusterRegistry};
use backend::crypto::SecretKey;
use backend::db::models::audit_events::{self, AuditEventRow};
use backend::db::testing::TestDb;
use backend::resources::objects::Actor;
use kube::Client;
use model::auth::UserInfo;
use model::clusters::{ClusterSettings, ClusterSource, NewCluster};
use sandbox::{SandboxConfig, SandboxHandle, Scenario};
use uuid::Uuid;

pub struct Env {
    pub db: TestDb,
    pub sandbox: SandboxHandle,
    pub registry: ClusterRegistry,
    pub cluster: Uuid,
    pub kube: Client,
    pub user: UserInfo,
    pub client: ClientInfo,
}

impl Env {
    /// A sandbox seeded with `scenario`, registered as a writable cluster by an admin.
    pub async fn new(scenario: Scenario) -> Env {
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
            request_id: Some("req-test".into()),
        };
        let cluster = register(&registry, &user, &client, &sandbox, "sandbox", false).await;
        let kube = registry.client(cluster).await.expect("client");
        Env {
            db,
            sandbox,
            registry,
            cluster,
            kube,
            user,
            client,
        }
    }

    /// The same sandbox registered again under `name`.
    pub async fn register(&self, name: &str, read_only: bool) -> Uuid {
        register(
            &self.registry,
            &self.user,
            &self.client,
            &self.sandbox,
            name,
            read_only,
        )
        .await
    }

    pub fn actor(&self) -> Actor<'_> {
        Actor {
            user: &self.user,
            client: &self.client,
        }
    }

    /// The sandbox's kubeconfig written to a temporary file, for kubectl.
    pub fn kubeconfig_file(&self, name: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("{name}-kubeconfig-{}", std::process::id()));
        std::fs::write(&path, self.sandbox.kubeconfig_yaml()).expect("kubeconfig");
        path
    }

    pub async fn audit(&self) -> Vec<AuditEventRow> {
        let mut conn = self.db.pool.get().await.expect("conn");
        audit_events::latest(&mut conn, 500)
            .await
            .expect("audit rows")
    }
}

async fn register(
    registry: &ClusterRegistry,
    user: &UserInfo,
    client: &ClientInfo,
    sandbox: &SandboxHandle,
    name: &str,
    read_only: bool,
) -> Uuid {
    let info = clusters::create(
        registry,
        user,
        client,
        NewCluster {
            settings: ClusterSettings {
                name: name.into(),
                read_only,
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
    clusters::parse_id(&info.id).expect("id")
}

/// Polls `check` until it gives a value, for up to `within`.
pub async fn eventually<T, F, Fut>(within: Duration, what: &str, check: F) -> T
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
