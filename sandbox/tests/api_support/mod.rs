//! Shared set-up for the API-machinery tests: an in-process sandbox on port 0 (empty scenario, so only
//! what a test creates exists), a kube-rs client built from its kubeconfig, and the path of the real
//! kubectl.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the support module"
)]

pub mod streams;
pub mod terminal;

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::Arc;

use kube::Client;
use kube::config::{KubeConfigOptions, Kubeconfig};
use sandbox::{SandboxConfig, SandboxHandle, Scenario};

/// A running sandbox, a client for it and its kubeconfig on disk.
pub struct Sandbox {
    pub handle: SandboxHandle,
    pub client: Client,
    pub kubeconfig: PathBuf,
    _dir: tempfile::TempDir,
}

/// Starts an empty sandbox and writes its kubeconfig to a temporary directory.
pub async fn start() -> Sandbox {
    start_with(Scenario::Empty).await
}

/// Starts a sandbox seeded with `scenario` (e.g. the demo cluster, for tests that need nodes).
pub async fn start_with(scenario: Scenario) -> Sandbox {
    let dir = tempfile::tempdir().expect("temporary directory");
    let kubeconfig = dir.path().join("kubeconfig");
    let config = SandboxConfig {
        scenario,
        kubeconfig_path: Some(kubeconfig.clone()),
        ..SandboxConfig::default()
    };
    let handle = sandbox::start(config).await.expect("sandbox starts");
    let parsed = Kubeconfig::from_yaml(handle.kubeconfig_yaml()).expect("kubeconfig parses");
    let config = kube::Config::from_custom_kubeconfig(parsed, &KubeConfigOptions::default())
        .await
        .expect("kubeconfig is usable");
    let client = Client::try_from(config).expect("client builds");
    Sandbox {
        handle,
        client,
        kubeconfig,
        _dir: dir,
    }
}

/// Runs `f` against a fresh demo cluster (it has nodes, so pods run) on a blocking thread, since
/// kubectl is a child process while the sandbox serves on the runtime.
pub async fn with_demo_cluster<F>(f: F)
where
    F: FnOnce(&Sandbox) + Send + 'static,
{
    let sandbox = Arc::new(start_with(Scenario::Demo).await);
    let s = sandbox.clone();
    tokio::task::spawn_blocking(move || f(&s))
        .await
        .expect("kubectl steps succeed");
}

/// The kubectl binary: `$CAPSTAN_KUBECTL` or the one `scripts/setup.sh` installs. Panics (never skips)
/// when it is missing, so CI cannot pass without exercising the real client.
pub fn kubectl_path() -> PathBuf {
    let path = std::env::var_os("CAPSTAN_KUBECTL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/capstan/tools/bin/kubectl")
        });
    assert!(
        path.is_file(),
        "kubectl v1.35 not found at {}: run scripts/setup.sh or set CAPSTAN_KUBECTL",
        path.display()
    );
    path
}

impl Sandbox {
    /// Runs kubectl against this sandbox (blocking; call from `spawn_blocking` or a plain test).
    pub fn kubectl_output(&self, args: &[&str]) -> Output {
        Command::new(kubectl_path())
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env_remove("KUBECTL_EXTERNAL_DIFF")
            .output()
            .expect("kubectl runs")
    }

    /// Runs kubectl and returns stdout, panicking with stderr when it fails.
    pub fn kubectl(&self, args: &[&str]) -> String {
        let out = self.kubectl_output(args);
        assert!(
            out.status.success(),
            "kubectl {} failed:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `kubectl run name extra…`.
    pub fn run_pod(&self, name: &str, extra: &[&str]) {
        let mut args = vec!["run", name];
        args.extend_from_slice(extra);
        self.kubectl(&args);
    }

    /// Waits up to 30 s for `what` (e.g. `pod/web`) to be Ready.
    pub fn wait_ready(&self, what: &str) {
        self.kubectl(&["wait", "--for=condition=Ready", what, "--timeout=30s"]);
    }

    /// Runs kubectl with `stdin` piped in.
    pub fn kubectl_stdin(&self, args: &[&str], stdin: &str) -> String {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = Command::new(kubectl_path())
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kubectl runs");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes())
            .expect("write stdin");
        let out = child.wait_with_output().expect("kubectl finishes");
        assert!(
            out.status.success(),
            "kubectl {} failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}
