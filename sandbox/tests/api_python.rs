//! The Python `kubernetes` client (installed by `scripts/setup.sh`) drives the sandbox through
//! `tests/python/client_test.py`: list, watch, create, patch, delete.

mod api_support;

use std::path::Path;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_client_lists_watches_creates_patches_and_deletes() {
    let sb = api_support::start().await;
    let python = std::env::var("CAPSTAN_PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = std::process::Command::new(&python)
        .args(["-c", "import kubernetes"])
        .output();
    assert!(
        probe.as_ref().is_ok_and(|o| o.status.success()),
        "the Python `kubernetes` package is missing for {python}: run scripts/setup.sh (pip install kubernetes)"
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/client_test.py");
    let out = tokio::process::Command::new(&python)
        .arg(&script)
        .arg(&sb.kubeconfig)
        .output()
        .await
        .expect("python runs");
    assert!(
        out.status.success(),
        "python client test failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
