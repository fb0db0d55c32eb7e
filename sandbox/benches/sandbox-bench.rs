//! The sandbox at scale, side by side in one run: seeding time for N nodes / M pods, listing every pod in
//! pages of 500 through kube-rs, a `spec.nodeName=` filtered list, watch event latency (p50/p95) under a
//! steady 1 000 changes/s, and the process's resident memory.
//!
//! `cargo bench -p sandbox --bench sandbox-bench [-- NODES PODS]` (defaults: 5 000 nodes, 150 000 pods).

use std::time::{Duration, Instant};

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, ListParams, WatchEvent, WatchParams};
use kube::config::{KubeConfigOptions, Kubeconfig};
use sandbox::behaviour::seed::scale::node_name;
use sandbox::store::{GroupResource, WriteOptions};
use sandbox::{SandboxConfig, Scenario, Store};
use serde_json::json;

const CHANGES_PER_SECOND: u64 = 1_000;
const WATCH_SECONDS: u64 = 5;
const STAMP: &str = "bench.capstan.dev/sent-at-nanos";

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok());
    kib.unwrap_or(0.0) / 1024.0
}

fn now_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Changes pods at a steady rate straight in the store, stamping each change with its send time. It runs
/// on its own OS thread so the rate does not depend on how busy the sandbox's async workers are.
fn churn(store: Store, names: Vec<(String, String)>, rate: u64, seconds: u64) -> u64 {
    let pods = GroupResource::core("pods");
    let tick = Duration::from_millis(10);
    let per_tick = rate / 100;
    let mut sent = 0u64;
    let begin = Instant::now();
    let mut next = begin;
    while next < begin + Duration::from_secs(seconds) {
        for _ in 0..per_tick {
            let (ns, name) = &names[sent as usize % names.len()];
            let stamp = now_nanos().to_string();
            let written = store.modify(
                &pods,
                Some(ns),
                name,
                |pod| {
                    pod["metadata"]["annotations"] = json!({ STAMP: stamp });
                    Ok(())
                },
                &WriteOptions::manager("bench"),
            );
            match written {
                Ok(_) => sent += 1,
                Err(e) => eprintln!("change of {ns}/{name} failed: {e}"),
            }
        }
        next += tick;
        std::thread::sleep(next.saturating_duration_since(Instant::now()));
    }
    sent
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let (nodes, pods) = (
        args.first().copied().unwrap_or(5_000),
        args.get(1).copied().unwrap_or(150_000),
    );

    let started = Instant::now();
    let handle = sandbox::start(SandboxConfig {
        scenario: Scenario::Scale { nodes, pods },
        ..SandboxConfig::default()
    })
    .await?;
    let start_time = started.elapsed();
    let rss_seeded = rss_mib();
    let kubeconfig = Kubeconfig::from_yaml(handle.kubeconfig_yaml())?;
    let client = kube::Client::try_from(
        kube::Config::from_custom_kubeconfig(kubeconfig, &KubeConfigOptions::default()).await?,
    )?;
    let api: Api<Pod> = Api::all(client.clone());

    // Every pod, in pages of 500.
    let started = Instant::now();
    let (mut listed, mut pages, mut token) = (0usize, 0usize, None::<String>);
    loop {
        let mut params = ListParams::default().limit(500);
        if let Some(t) = &token {
            params = params.continue_token(t);
        }
        let page = api.list(&params).await?;
        listed += page.items.len();
        pages += 1;
        token = page.metadata.continue_.filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    let list_time = started.elapsed();

    // One node's pods by field selector.
    let started = Instant::now();
    let on_node = api
        .list(&ListParams::default().fields(&format!("spec.nodeName={}", node_name(42))))
        .await?
        .items
        .len();
    let filtered_time = started.elapsed();

    // Watch latency under steady churn.
    let team: Api<Pod> = Api::namespaced(client.clone(), "team-000");
    let targets: Vec<(String, String)> = team
        .list(&ListParams::default().limit(1000))
        .await?
        .items
        .iter()
        .filter_map(|p| Some(("team-000".to_owned(), p.metadata.name.clone()?)))
        .collect();
    let rv = team
        .list_metadata(&ListParams::default().limit(1))
        .await?
        .metadata
        .resource_version
        .unwrap_or_default();
    let mut stream = team
        .watch(
            &WatchParams::default().timeout(WATCH_SECONDS as u32 + 10),
            &rv,
        )
        .await?
        .boxed();
    let churn_store = handle.store().clone();
    let writer =
        std::thread::spawn(move || churn(churn_store, targets, CHANGES_PER_SECOND, WATCH_SECONDS));
    let mut latencies = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(WATCH_SECONDS + 3);
    while let Ok(Some(event)) = tokio::time::timeout_at(deadline.into(), stream.try_next())
        .await
        .map(Result::ok)
        .map(Option::flatten)
    {
        if let WatchEvent::Modified(pod) = event
            && let Some(sent) = pod
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(STAMP))
                .and_then(|s| s.parse::<u128>().ok())
        {
            latencies.push(Duration::from_nanos(now_nanos().saturating_sub(sent) as u64));
        }
    }
    let sent = writer.join().unwrap_or(0);
    latencies.sort();
    let rss_end = rss_mib();

    handle.shutdown().await;
    // Seeding alone, on a bare store, last so its memory does not count in the RSS figures above.
    let started = Instant::now();
    let bare = Store::new();
    sandbox::behaviour::seed::apply(&bare, &Scenario::Scale { nodes, pods })?;
    let seed_time = started.elapsed();
    drop(bare);

    println!(
        "sandbox benchmark: {nodes} nodes, {pods} pods (debug assertions: {})",
        cfg!(debug_assertions)
    );
    println!("{:<52} {:>14}", "measure", "result");
    println!(
        "{:<52} {:>12.2} s",
        "seeding (bulk insert into a bare store)",
        seed_time.as_secs_f64()
    );
    println!(
        "{:<52} {:>12.2} s",
        "sandbox start incl. seeding, TLS, behaviour",
        start_time.as_secs_f64()
    );
    println!(
        "{:<52} {:>12.2} s",
        format!("list all pods, pages of 500 ({listed} pods, {pages} pages)"),
        list_time.as_secs_f64()
    );
    println!(
        "{:<52} {:>12.1} ms",
        format!("list spec.nodeName={} ({on_node} pods)", node_name(42)),
        filtered_time.as_secs_f64() * 1000.0
    );
    println!(
        "{:<52} {:>12.1} ms",
        format!(
            "watch latency p50 ({} of {sent} changes seen)",
            latencies.len()
        ),
        percentile(&latencies, 0.50).as_secs_f64() * 1000.0
    );
    println!(
        "{:<52} {:>12.1} ms",
        format!("watch latency p95 at {CHANGES_PER_SECOND} changes/s"),
        percentile(&latencies, 0.95).as_secs_f64() * 1000.0
    );
    println!(
        "{:<52} {:>11.0} MiB",
        "RSS after start (sandbox + client, one process)", rss_seeded
    );
    println!("{:<52} {:>11.0} MiB", "RSS at the end", rss_end);
    Ok(())
}
