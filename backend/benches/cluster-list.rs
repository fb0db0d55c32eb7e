//! `cargo bench -p backend --features testing --bench cluster-list`: 20 registered clusters, 5 of
//! them unreachable, on a real PostgreSQL. Prints medians side by side:
//! - listing the clusters (what the cluster page and `GET /api/v1/k8s/cluster` read),
//! - one health cycle over all 20 when the 5 dead ones refuse connections,
//! - one health cycle when the 5 dead ones accept TCP and never answer (the slow case),
//! - listing while that slow cycle runs (a dead cluster must never delay the list).

use std::time::{Duration, Instant};

use backend::ClientInfo;
use backend::clusters::{self, ClusterRegistry, health};
use backend::crypto::SecretKey;
use backend::db::testing::TestDb;
use model::auth::UserInfo;
use model::clusters::{ClusterSettings, ClusterSource, NewCluster};
use sandbox::{SandboxConfig, Scenario};

const LIVE: usize = 15;
const DEAD: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn register(
    registry: &ClusterRegistry,
    admin: &UserInfo,
    name: String,
    source: ClusterSource,
) {
    let client = ClientInfo::default();
    let new = NewCluster {
        settings: ClusterSettings {
            name,
            ..Default::default()
        },
        source,
    };
    clusters::create(registry, admin, &client, new)
        .await
        .expect("register cluster");
}

/// Times `f` `n` times and returns the median.
async fn timed<F, Fut>(n: usize, mut f: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        f().await;
        samples.push(started.elapsed());
    }
    median(samples)
}

#[tokio::main]
async fn main() {
    let db = TestDb::new().await;
    let admin = db.user("bench", true).await;
    let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());

    let mut sandboxes = Vec::new();
    for i in 0..LIVE {
        let sb = sandbox::start(SandboxConfig {
            scenario: Scenario::Demo,
            ..SandboxConfig::default()
        })
        .await
        .expect("sandbox");
        let source = ClusterSource::Kubeconfig {
            kubeconfig: sb.kubeconfig_yaml().to_string(),
            context: None,
        };
        register(&registry, &admin, format!("live-{i}"), source).await;
        sandboxes.push(sb);
    }
    // Refused: ports that were just free. Silent: a listener that accepts and never answers.
    let mut refused = Vec::new();
    for _ in 0..DEAD {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        refused.push(l.local_addr().expect("addr"));
    }
    for (i, addr) in refused.iter().enumerate() {
        let source = ClusterSource::Token {
            server: format!("https://{addr}"),
            token: "dead".into(),
            ca_pem: None,
            insecure_skip_tls_verify: true,
        };
        register(&registry, &admin, format!("dead-{i}"), source).await;
    }

    let list = || async {
        let all = clusters::list(&registry).await.expect("list");
        assert_eq!(all.len(), LIVE + DEAD);
    };
    let list_median = timed(50, list).await;
    let cycle_refused = timed(5, || async {
        health::check_all(&registry).await.expect("check");
    })
    .await;

    // The same five servers, now silent: accept the connection, never answer.
    let mut silent = Vec::new();
    for addr in &refused {
        if let Ok(l) = tokio::net::TcpListener::bind(addr).await {
            silent.push(tokio::spawn(async move {
                let mut held = Vec::new();
                while let Ok((socket, _)) = l.accept().await {
                    held.push(socket);
                }
            }));
        }
    }
    let started = Instant::now();
    let cycle = tokio::spawn({
        let registry = registry.clone();
        async move { health::check_all(&registry).await.map(|_| ()) }
    });
    let mut during = Vec::new();
    while !cycle.is_finished() {
        let t = Instant::now();
        list().await;
        during.push(t.elapsed());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cycle.await.expect("join").expect("check");
    let cycle_silent = started.elapsed();
    let listed_during = median(during.clone());
    let statuses = clusters::list(&registry).await.expect("list");
    let unavailable = statuses
        .iter()
        .filter(|c| c.health.status == model::clusters::ClusterStatus::Unavailable)
        .count();

    println!("cluster-list benchmark: {LIVE} live sandbox clusters + {DEAD} unreachable");
    println!(
        "  list 20 clusters (median of 50):                {}",
        ms(list_median)
    );
    println!(
        "  health cycle, dead ones refuse (median of 5):   {}",
        ms(cycle_refused)
    );
    println!(
        "  health cycle, dead ones silent (1 run):         {}",
        ms(cycle_silent)
    );
    println!(
        "  list during the silent cycle (median of {}):    {}  (ratio to idle list {:.2}×)",
        during.len(),
        ms(listed_during),
        listed_during.as_secs_f64() / list_median.as_secs_f64()
    );
    println!("  unavailable after the cycles:                   {unavailable}/{DEAD}");
    for task in silent {
        task.abort();
    }
}
