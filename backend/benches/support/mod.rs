#![allow(dead_code, reason = "each bench uses a different part")]

//! What the benches share: a sandbox seeded with a scenario, registered as a cluster in a fresh
//! database by an administrator.

use backend::ClientInfo;
use backend::clusters::{self, ClusterRegistry};
use backend::crypto::SecretKey;
use backend::db::testing::TestDb;
use model::auth::UserInfo;
use model::clusters::{ClusterSettings, ClusterSource, NewCluster};
use sandbox::{SandboxConfig, SandboxHandle, Scenario};
use uuid::Uuid;

pub struct Bench {
    pub db: TestDb,
    pub sandbox: SandboxHandle,
    pub registry: ClusterRegistry,
    pub cluster: Uuid,
    pub user: UserInfo,
    pub client: ClientInfo,
}

impl Bench {
    pub async fn start(scenario: Scenario) -> Bench {
        let db = TestDb::new().await;
        let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
        let sandbox = sandbox::start(SandboxConfig {
            scenario,
            ..SandboxConfig::default()
        })
        .await
        .expect("sandbox");
        let user = db.user("bench", true).await;
        let client = ClientInfo::default();
        let info = clusters::create(
            &registry,
            &user,
            &client,
            NewCluster {
                settings: ClusterSettings {
                    name: "bench".into(),
                    ..Default::default()
                },
                source: ClusterSource::Kubeconfig {
                    kubeconfig: sandbox.kubeconfig_yaml().to_string(),
                    context: None,
                },
            },
        )
        .await
        .expect("cluster");
        let cluster = clusters::parse_id(&info.id).expect("id");
        Bench {
            db,
            sandbox,
            registry,
            cluster,
            user,
            client,
        }
    }

    /// The sandbox's kubeconfig written to a temporary file, for kubectl.
    pub fn kubeconfig_file(&self, name: &str) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("{name}-kubeconfig-{}", std::process::id()));
        std::fs::write(&path, self.sandbox.kubeconfig_yaml()).expect("kubeconfig");
        path
    }
}
