//! `capstan-sandbox`: runs the sandbox cluster until Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use sandbox::{Faults, SandboxConfig, Scenario};

/// A loopback Kubernetes API server for trying and testing Capstan.
#[derive(Debug, Parser)]
#[command(name = "capstan-sandbox", version)]
struct Args {
    /// Address to listen on (port 0 picks a free one).
    #[arg(long, default_value = "127.0.0.1:6443", env = "CAPSTAN_SANDBOX_BIND")]
    bind: SocketAddr,
    /// Write a kubeconfig for this sandbox here.
    #[arg(long)]
    kubeconfig: Option<PathBuf>,
    /// Bearer token clients must present (random if omitted).
    #[arg(long, env = "CAPSTAN_SANDBOX_TOKEN")]
    token: Option<String>,
    /// Seed scenario: `demo` (small realistic cluster), `empty`, or `scale`.
    #[arg(long, default_value = "demo")]
    scenario: String,
    /// Nodes to seed with `--scenario scale`.
    #[arg(long, default_value_t = 5_000)]
    nodes: usize,
    /// Pods to seed with `--scenario scale`.
    #[arg(long, default_value_t = 150_000)]
    pods: usize,
    /// Fault: added latency per request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Fault: end every watch stream after this many seconds.
    #[arg(long)]
    drop_watches_after: Option<u64>,
    /// Fault: start in an outage (every request gets 503 until `POST /sandbox/faults` ends it).
    #[arg(long)]
    outage: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let args = Args::parse();
    let scenario = match args.scenario.as_str() {
        "demo" => Scenario::Demo,
        "empty" => Scenario::Empty,
        "scale" => Scenario::Scale {
            nodes: args.nodes,
            pods: args.pods,
        },
        other => anyhow::bail!("unknown scenario {other:?}: use demo, empty or scale"),
    };
    let config = SandboxConfig {
        bind: args.bind,
        token: args.token,
        scenario,
        faults: Faults {
            latency_ms: args.latency_ms,
            outage: args.outage,
            drop_watches_after_seconds: args.drop_watches_after,
        },
        kubeconfig_path: args.kubeconfig.clone(),
    };
    let sandbox = sandbox::start(config)
        .await
        .context("starting the sandbox cluster")?;
    match &args.kubeconfig {
        Some(path) => println!(
            "sandbox cluster at {}; kubeconfig written to {}",
            sandbox.url(),
            path.display()
        ),
        None => println!(
            "sandbox cluster at {}\n---\n{}",
            sandbox.url(),
            sandbox.kubeconfig_yaml()
        ),
    }
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    sandbox.shutdown().await;
    Ok(())
}
