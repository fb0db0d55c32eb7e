//! `cargo bench -p backend --features testing --bench logs`: log throughput from a chatty
//! container (a shell loop without `sleep`, which the sandbox writes at 20 000 lines a second)
//! over loopback, side by side in one run, rounds interleaved:
//! - Capstan's log session (`backend::logs::serve`: the reader, the cursor, the 25 ms batches),
//!   each event encoded as the JSON the WebSocket sends to the browser;
//! - kube-rs `log_stream` alone, the floor;
//! - `kubectl logs -f --timestamps`, when kubectl is on PATH.
//!
//! Prints, per reader, the median lines per second over the rounds and the p50/p95 lag: when a
//! line arrived minus the timestamp the cluster gave it.

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use backend::clusters::ClusterRegistry;
use backend::logs::{self, LogSubject};
use chrono::{DateTime, Utc};
use futures::AsyncBufReadExt;
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams, PostParams};
use model::logs::{LogEvent, LogOptions};
use sandbox::Scenario;
use support::Env;
use tokio::sync::mpsc;

#[path = "../tests/support/mod.rs"]
mod support;

const WINDOW: Duration = Duration::from_secs(4);
const ROUNDS: usize = 3;
const POD: &str = "chatty";

/// What one reader saw in one window.
#[derive(Default)]
struct Round {
    lines: usize,
    lags_ms: Vec<f64>,
}

impl Round {
    fn line(&mut self, stamp: Option<&str>) {
        self.lines += 1;
        if let Some(at) = stamp.and_then(|s| DateTime::parse_from_rfc3339(s).ok()) {
            let lag = Utc::now() - at.with_timezone(&Utc);
            self.lags_ms
                .push(lag.num_microseconds().unwrap_or(0) as f64 / 1e3);
        }
    }
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * q).round() as usize]
}

fn report(name: &str, rounds: &[Round]) -> f64 {
    let mut rates: Vec<f64> = rounds
        .iter()
        .map(|r| r.lines as f64 / WINDOW.as_secs_f64())
        .collect();
    rates.sort_by(f64::total_cmp);
    let mut lags: Vec<f64> = rounds.iter().flat_map(|r| r.lags_ms.clone()).collect();
    lags.sort_by(f64::total_cmp);
    let rate = quantile(&rates, 0.5);
    println!(
        "{name:<40} {rate:>9.0} lines/s   lag p50 {:>7.1} ms   p95 {:>7.1} ms",
        quantile(&lags, 0.5),
        quantile(&lags, 0.95)
    );
    rate
}

async fn capstan(registry: &ClusterRegistry, cluster: uuid::Uuid) -> Round {
    let subject = LogSubject {
        kind: "pods".into(),
        namespace: "default".into(),
        name: POD.into(),
    };
    let options = LogOptions {
        follow: true,
        tail_lines: Some(0),
        ..LogOptions::default()
    };
    let (tx, mut rx) = mpsc::channel(64);
    let session = tokio::spawn(logs::serve(registry.clone(), cluster, subject, options, tx));
    let mut round = Round::default();
    let end = Instant::now() + WINDOW;
    while let Ok(Some(event)) = tokio::time::timeout_at(end.into(), rx.recv()).await {
        // What the WebSocket handler does with each event before it goes out.
        let json = serde_json::to_string(&event).unwrap_or_default();
        std::hint::black_box(json);
        if let LogEvent::Lines { lines } = event {
            for line in &lines {
                round.line(line.at.as_deref());
            }
        }
    }
    session.abort();
    round
}

async fn kube_rs(api: &Api<Pod>) -> Round {
    let params = LogParams {
        follow: true,
        timestamps: true,
        tail_lines: Some(0),
        ..LogParams::default()
    };
    let mut round = Round::default();
    let Ok(reader) = api.log_stream(POD, &params).await else {
        return round;
    };
    let mut lines = reader.lines();
    let end = Instant::now() + WINDOW;
    while let Ok(Some(Ok(line))) = tokio::time::timeout_at(end.into(), lines.next()).await {
        round.line(line.split_once(' ').map(|(stamp, _)| stamp));
    }
    round
}

fn kubectl(kubeconfig: &std::path::Path) -> Option<Round> {
    let mut child = Command::new("kubectl")
        .args(["--kubeconfig"])
        .arg(kubeconfig)
        .args([
            "logs",
            "-f",
            "--timestamps",
            "--tail=0",
            "-n",
            "default",
            POD,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut round = Round::default();
        let end = Instant::now() + WINDOW;
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if Instant::now() >= end {
                break;
            }
            round.line(line.split_once(' ').map(|(stamp, _)| stamp));
        }
        round
    });
    std::thread::sleep(WINDOW + Duration::from_millis(50));
    let _ = child.kill();
    let _ = child.wait();
    reader.join().ok()
}

#[tokio::main]
async fn main() {
    let bench = Env::new(Scenario::Scale { nodes: 1, pods: 0 }).await;
    let (registry, cluster) = (&bench.registry, bench.cluster);
    let kube = registry.client(cluster).await.expect("client");
    let pods: Api<Pod> = Api::namespaced(kube, "default");
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": POD},
        "spec": {"containers": [{"name": "loop", "image": "busybox:1.36", "command": ["sh", "-c",
            "while true; do echo \"10.0.0.7 - - GET /api/products/42 HTTP/1.1 200 512 0.004\"; done"]}]},
    }))
    .expect("pod");
    pods.create(&PostParams::default(), &pod)
        .await
        .expect("pod");
    loop {
        let phase = pods
            .get(POD)
            .await
            .ok()
            .and_then(|p| p.status)
            .and_then(|s| s.phase);
        if phase.as_deref() == Some("Running") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let kubeconfig = bench.kubeconfig_file("bench-logs");
    let has_kubectl = Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_ok_and(|o| o.status.success());
    println!(
        "log throughput from default/{POD} (a loop the sandbox writes at 20 000 lines/s), {ROUNDS} rounds of {} s\n",
        WINDOW.as_secs()
    );

    let (mut ours, mut floor, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        ours.push(capstan(registry, cluster).await);
        floor.push(kube_rs(&pods).await);
        if has_kubectl {
            let path = kubeconfig.clone();
            if let Ok(Some(round)) = tokio::task::spawn_blocking(move || kubectl(&path)).await {
                theirs.push(round);
            }
        }
    }
    let capstan_rate = report("Capstan log session (+ JSON encoding)", &ours);
    let floor_rate = report("kube-rs log_stream", &floor);
    println!(
        "{:<40} {:.2}× kube-rs",
        "Capstan / kube-rs (lines/s)",
        capstan_rate / floor_rate
    );
    if theirs.is_empty() {
        println!("kubectl not found: its row is left out");
    } else {
        let kubectl_rate = report("kubectl logs -f --timestamps", &theirs);
        println!(
            "{:<40} {:.2}× kubectl",
            "Capstan / kubectl (lines/s)",
            capstan_rate / kubectl_rate
        );
    }
    let _ = std::fs::remove_file(&kubeconfig);
}
