//! `cargo bench -p backend --features testing --bench resources`: the resource browser at scale.
//! Seeds a sandbox with 5 000 nodes and 150 000 pods, then prints medians side by side:
//! - the cold first list of pods (watch started, every pod listed and projected),
//! - warm pages: filtered by namespace, by label, by text; sorted by restarts, by age; page 100,
//! - for comparison, the same label query asked of the cluster (what `kubectl get -l … -A` costs),
//! - the memory the pod cache holds: live heap (counted by this binary's allocator) and RSS growth.
//!
//! Memory is only meaningful with the sandbox in a process of its own: build it first with
//! `cargo build --release -p sandbox --bin capstan-sandbox` and the bench starts it from the same
//! target folder; without it, the sandbox is embedded and its memory mixes with the cache's.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use backend::ClientInfo;
use backend::clusters::{self, ClusterRegistry};
use backend::crypto::SecretKey;
use backend::db::testing::TestDb;
use backend::resources::{self, ResourceHub};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams};
use model::clusters::{ClusterSettings, ClusterSource, NewCluster};
use model::resources::ListQuery;
use sandbox::{SandboxConfig, Scenario};

/// Counts live heap bytes, so the cache's size can be told apart from allocator slack.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const NODES: usize = 5_000;
const PODS: usize = 150_000;
const RUNS: usize = 21;

fn mib(bytes: isize) -> String {
    format!("{:.0} MiB", bytes as f64 / 1024.0 / 1024.0)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn rss() -> isize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: isize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

async fn median(hub: &ResourceHub, cluster: uuid::Uuid, query: ListQuery) -> (Duration, usize) {
    let mut samples = Vec::with_capacity(RUNS);
    let mut total = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let page = resources::list(hub, cluster, "pods", &query)
            .await
            .expect("list");
        samples.push(started.elapsed());
        total = page.total;
    }
    samples.sort();
    (samples[RUNS / 2], total)
}

#[tokio::main]
async fn main() {
    let db = TestDb::new().await;
    let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
    let admin = db.user("bench", true).await;
    let seeding = Instant::now();
    let cluster_under_test = ScaleCluster::start().await;
    let info = clusters::create(
        &registry,
        &admin,
        &ClientInfo::default(),
        NewCluster {
            settings: ClusterSettings {
                name: "scale".into(),
                ..Default::default()
            },
            source: ClusterSource::Kubeconfig {
                kubeconfig: cluster_under_test.kubeconfig.clone(),
                context: None,
            },
        },
    )
    .await
    .expect("register");
    let cluster = clusters::parse_id(&info.id).expect("id");
    let hub = ResourceHub::new(registry.clone());
    // A separate sandbox writes its kubeconfig before it has seeded and serves.
    let deadline = Instant::now() + Duration::from_secs(180);
    while let Err(e) = resources::kinds(&registry, cluster).await {
        assert!(Instant::now() < deadline, "the sandbox never answered: {e}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    println!(
        "{NODES} nodes / {PODS} pods seeded and answering in {:.1} s ({})",
        seeding.elapsed().as_secs_f64(),
        if cluster_under_test.external.is_some() {
            "sandbox in its own process"
        } else {
            "sandbox embedded: memory figures include it"
        }
    );

    let (heap_before, rss_before) = (LIVE.load(Ordering::Relaxed), rss());
    let cold = Instant::now();
    let first = resources::list(&hub, cluster, "pods", &ListQuery::default())
        .await
        .expect("first list");
    let cold = cold.elapsed();
    let (heap_after, rss_after) = (LIVE.load(Ordering::Relaxed), rss());
    println!(
        "cold first list: {:.2} s for {} pods",
        cold.as_secs_f64(),
        first.cached
    );

    let cases: Vec<(&str, ListQuery)> = vec![
        ("first page, all pods", ListQuery::default()),
        (
            "one namespace",
            ListQuery {
                namespaces: vec!["team-007".into()],
                ..Default::default()
            },
        ),
        (
            "three namespaces",
            ListQuery {
                namespaces: vec!["team-001".into(), "team-020".into(), "team-040".into()],
                ..Default::default()
            },
        ),
        (
            "label app=svc-00042",
            ListQuery {
                label_selector: "app=svc-00042".into(),
                ..Default::default()
            },
        ),
        (
            "text \"node-01234\"",
            ListQuery {
                filter: "node-01234".into(),
                ..Default::default()
            },
        ),
        (
            "sort by restarts desc",
            ListQuery {
                sort: Some("restarts".into()),
                descending: true,
                ..Default::default()
            },
        ),
        (
            "sort by age",
            ListQuery {
                sort: Some("age".into()),
                ..Default::default()
            },
        ),
        (
            "sort by node, page 100",
            ListQuery {
                sort: Some("node".into()),
                offset: 99 * 50,
                ..Default::default()
            },
        ),
        (
            "page 100 of 1000 rows",
            ListQuery {
                offset: 99 * 1000,
                limit: Some(1000),
                ..Default::default()
            },
        ),
    ];
    println!(
        "{:<28} {:>10} {:>8}",
        "warm list (median)", "time", "matches"
    );
    for (label, query) in cases {
        let (t, total) = median(&hub, cluster, query).await;
        println!("{label:<28} {:>10} {total:>8}", ms(t));
    }

    let kube = registry.client(cluster).await.expect("client");
    let api: Api<Pod> = Api::all(kube);
    let mut samples = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let listed = api
            .list(&ListParams::default().labels("app=svc-00042"))
            .await
            .expect("cluster list");
        samples.push(started.elapsed());
        assert!(!listed.items.is_empty());
    }
    samples.sort();
    println!(
        "{:<28} {:>10}   (the cluster filters every pod, as kubectl -l … -A)",
        "cluster list -l app=…",
        ms(samples[samples.len() / 2])
    );
    println!(
        "pod cache memory: live heap {} ({} bytes/pod), RSS growth {} (RSS now {})",
        mib(heap_after - heap_before),
        (heap_after - heap_before) / first.cached.max(1) as isize,
        mib(rss_after - rss_before),
        mib(rss_after)
    );
    drop(hub);
    cluster_under_test.stop().await;
}

/// The scale sandbox: the `capstan-sandbox` binary when it was built, else embedded.
struct ScaleCluster {
    kubeconfig: String,
    external: Option<std::process::Child>,
    embedded: Option<sandbox::SandboxHandle>,
}

impl ScaleCluster {
    async fn start() -> Self {
        let binary = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.parent()?.parent()?.join("capstan-sandbox")))
            .filter(|path| path.exists());
        if let Some(binary) = binary {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("kubeconfig");
            let child = std::process::Command::new(binary)
                .args(["--scenario", "scale", "--bind", "127.0.0.1:0"])
                .args(["--nodes", &NODES.to_string(), "--pods", &PODS.to_string()])
                .arg("--kubeconfig")
                .arg(&path)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("start capstan-sandbox");
            let deadline = Instant::now() + Duration::from_secs(120);
            // The kubeconfig is written once the server listens and the scenario is seeded.
            let kubeconfig = loop {
                if let Ok(text) = std::fs::read_to_string(&path)
                    && text.contains("server:")
                {
                    break text;
                }
                assert!(Instant::now() < deadline, "capstan-sandbox did not start");
                tokio::time::sleep(Duration::from_millis(100)).await;
            };
            return Self {
                kubeconfig,
                external: Some(child),
                embedded: None,
            };
        }
        let sb = sandbox::start(SandboxConfig {
            scenario: Scenario::Scale {
                nodes: NODES,
                pods: PODS,
            },
            ..SandboxConfig::default()
        })
        .await
        .expect("sandbox");
        Self {
            kubeconfig: sb.kubeconfig_yaml().to_string(),
            external: None,
            embedded: Some(sb),
        }
    }

    async fn stop(mut self) {
        if let Some(mut child) = self.external.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(sb) = self.embedded.take() {
            sb.shutdown().await;
        }
    }
}
