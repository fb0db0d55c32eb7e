//! kubectl commands that keep running (`logs -f`, `get -w`) or that a test polls until the cluster
//! catches up.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{Sandbox, kubectl_path};

impl Sandbox {
    /// Runs kubectl every 200 ms until it succeeds with an output that satisfies `done`, panicking with
    /// the last output after `timeout`.
    pub fn kubectl_until(&self, args: &[&str], timeout: Duration, done: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + timeout;
        loop {
            let out = self.kubectl_output(args);
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            if out.status.success() && done(&text) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "kubectl {} never satisfied the check; last output:\n{text}{}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr)
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Starts kubectl with piped stdout and stderr, for commands that stream.
    pub fn spawn_kubectl(&self, args: &[&str]) -> Child {
        Command::new(kubectl_path())
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kubectl starts")
    }
}

/// The lines a streaming child prints, as they come.
pub fn line_channel(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().expect("stdout is piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Reads lines from `rx` until `enough` holds for what was read, or panics after `timeout`.
pub fn read_until(
    rx: &mpsc::Receiver<String>,
    timeout: Duration,
    what: &str,
    enough: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    let deadline = Instant::now() + timeout;
    let mut lines = Vec::new();
    while !enough(&lines) {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => lines.push(line),
            Err(_) => panic!("timed out waiting for {what}; read so far:\n{lines:#?}"),
        }
    }
    lines
}

/// Kills a streaming kubectl and returns what it wrote to stderr (for failure messages).
pub fn stop(mut child: Child) -> String {
    let _ = child.kill();
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    let _ = child.wait();
    stderr
}
