//! `cargo bench -p backend --features testing --bench terminal`: keystroke → echo round trips
//! into a container's shell on a sandbox over loopback, side by side in one run:
//! - through Capstan's terminal session (`backend::terminal`: the audit recorder, the session's
//!   channels, kube-rs exec) — what the browser's WebSocket feeds;
//! - kube-rs exec alone (no Capstan), the floor;
//! - the real `kubectl exec -it` in a pty (`script`), when kubectl is on PATH.
//!
//! Each sample types one character and waits until the shell echoes it. Prints p50 and p95.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use backend::resources::objects::Actor;
use backend::terminal::{self, Input, Output, PodTerminal};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, AttachParams, ListParams};
use sandbox::Scenario;
use support::Env;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

#[path = "../tests/support/mod.rs"]
mod support;

const SAMPLES: usize = 400;
/// Ctrl-U every so often keeps the line (and its echo) short.
const CLEAR_EVERY: usize = 40;

fn summary(name: &str, mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    let (p50, p95) = (at(0.5), at(0.95));
    println!(
        "{name:<36} p50 {:>8.3} ms   p95 {:>8.3} ms   ({} samples)",
        p50.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        samples.len()
    );
    p50
}

/// Reads session output into `seen` until it holds `byte`.
async fn wait_for(out_rx: &mut mpsc::Receiver<Output>, seen: &mut Vec<u8>, byte: u8) {
    while !seen.contains(&byte) {
        match out_rx.recv().await {
            Some(Output::Bytes(b)) => seen.extend_from_slice(&b),
            Some(Output::Event(_)) | None => return,
        }
    }
}

/// Reads a raw exec's stdout until a chunk holds `byte`.
async fn read_until(stdout: &mut (impl tokio::io::AsyncRead + Unpin), buf: &mut [u8], byte: u8) {
    loop {
        let n = stdout.read(buf).await.unwrap_or(0);
        if n == 0 || buf[..n].contains(&byte) {
            return;
        }
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let bench = Env::new(Scenario::Demo).await;
    let (registry, cluster, user, client_info) =
        (&bench.registry, bench.cluster, &bench.user, &bench.client);
    let kube = registry.client(cluster).await.expect("client");
    let pods: Api<Pod> = Api::namespaced(kube.clone(), "shop");
    let pod = loop {
        let list = pods
            .list(&ListParams::default().labels("app=frontend"))
            .await
            .expect("pods");
        let running = list.items.into_iter().find(|p| {
            p.status
                .as_ref()
                .and_then(|s| s.phase.as_deref())
                .is_some_and(|ph| ph == "Running")
        });
        if let Some(p) = running {
            break p.metadata.name.expect("name");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    println!("keystroke → echo round trips into shop/{pod} (sandbox on loopback)\n");

    // Capstan's session.
    let actor = Actor {
        user,
        client: client_info,
    };
    let target = PodTerminal {
        namespace: "shop".into(),
        pod: pod.clone(),
        container: None,
        command: String::new(),
    };
    let session = terminal::open_pod(registry, &actor, cluster, &target)
        .await
        .expect("session");
    let (in_tx, in_rx) = mpsc::channel(16);
    let (out_tx, mut out_rx) = mpsc::channel(64);
    let running = tokio::spawn(session.run(in_rx, out_tx));
    let mut seen = Vec::new();
    wait_for(&mut out_rx, &mut seen, b'#').await;
    let mut capstan = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES {
        seen.clear();
        let start = Instant::now();
        in_tx.send(Input::Keys(b"x".to_vec())).await.expect("send");
        wait_for(&mut out_rx, &mut seen, b'x').await;
        capstan.push(start.elapsed());
        if i % CLEAR_EVERY == CLEAR_EVERY - 1 {
            in_tx.send(Input::Keys(vec![0x15])).await.expect("clear");
            tokio::time::sleep(Duration::from_millis(20)).await;
            while out_rx.try_recv().is_ok() {}
        }
    }
    drop(in_tx);
    let _ = running.await;

    // kube-rs alone.
    let mut process = pods
        .exec(&pod, ["/bin/sh"], &AttachParams::interactive_tty())
        .await
        .expect("exec");
    let mut stdin = process.stdin().expect("stdin");
    let mut stdout = process.stdout().expect("stdout");
    let mut buf = [0u8; 4096];
    read_until(&mut stdout, &mut buf, b'#').await;
    let mut raw = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES {
        let start = Instant::now();
        stdin.write_all(b"x").await.expect("write");
        stdin.flush().await.expect("flush");
        read_until(&mut stdout, &mut buf, b'x').await;
        raw.push(start.elapsed());
        if i % CLEAR_EVERY == CLEAR_EVERY - 1 {
            stdin.write_all(&[0x15]).await.expect("clear");
            stdin.flush().await.expect("flush");
            tokio::time::sleep(Duration::from_millis(20)).await;
            let _ = tokio::time::timeout(Duration::from_millis(20), stdout.read(&mut buf)).await;
        }
    }
    drop(stdin);
    process.abort();

    let capstan_p50 = summary("Capstan terminal session", capstan);
    let raw_p50 = summary("kube-rs exec alone", raw);
    println!(
        "{:<36} {:.2}× the kube-rs floor",
        "Capstan / kube-rs (p50)",
        capstan_p50.as_secs_f64() / raw_p50.as_secs_f64()
    );

    // kubectl exec -it in a pty, when kubectl is there.
    let kubeconfig = bench.kubeconfig_file("bench-terminal");
    let kubectl = format!(
        "kubectl --kubeconfig {} exec -it -n shop {pod} -- /bin/sh",
        kubeconfig.display()
    );
    let child = Command::new("script")
        .args(["-qfec", &kubectl, "/dev/null"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    match child {
        Ok(mut child) => {
            let mut input = child.stdin.take().expect("stdin");
            let mut output = child.stdout.take().expect("stdout");
            let mut buf = [0u8; 4096];
            let mut read_until = |byte: u8| -> bool {
                loop {
                    match output.read(&mut buf) {
                        Ok(0) | Err(_) => return false,
                        Ok(n) if buf[..n].contains(&byte) => return true,
                        Ok(_) => {}
                    }
                }
            };
            if read_until(b'#') {
                let mut samples = Vec::with_capacity(SAMPLES);
                for i in 0..SAMPLES {
                    let start = Instant::now();
                    if input.write_all(b"x").and_then(|()| input.flush()).is_err()
                        || !read_until(b'x')
                    {
                        break;
                    }
                    samples.push(start.elapsed());
                    if i % CLEAR_EVERY == CLEAR_EVERY - 1 {
                        let _ = input.write_all(&[0x15]).and_then(|()| input.flush());
                        std::thread::sleep(Duration::from_millis(20));
                    }
                }
                if !samples.is_empty() {
                    let p50 = summary("kubectl exec -it (in a pty)", samples);
                    println!(
                        "{:<36} {:.2}× kubectl",
                        "Capstan / kubectl (p50)",
                        capstan_p50.as_secs_f64() / p50.as_secs_f64()
                    );
                }
            } else {
                println!("kubectl exec -it: no prompt (is kubectl v1.35 on PATH?)");
            }
            let _ = child.kill();
        }
        Err(e) => println!("kubectl exec -it: not measured ({e})"),
    }
    let _ = std::fs::remove_file(kubeconfig);
}
