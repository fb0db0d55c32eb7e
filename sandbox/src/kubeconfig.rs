//! The kubeconfig the sandbox writes: one cluster, one user with a bearer token, one context.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Name used for the cluster, user and context entries.
pub const CONTEXT_NAME: &str = "capstan-sandbox";

/// Renders a kubeconfig for `server` (an `https://` URL), trusting `ca_pem`, authenticating with `token`.
pub fn render(server: &str, ca_pem: &str, token: &str) -> String {
    let ca = STANDARD.encode(ca_pem);
    format!(
        "apiVersion: v1
kind: Config
clusters:
- name: {CONTEXT_NAME}
  cluster:
    server: {server}
    certificate-authority-data: {ca}
users:
- name: {CONTEXT_NAME}
  user:
    token: {token}
contexts:
- name: {CONTEXT_NAME}
  context:
    cluster: {CONTEXT_NAME}
    user: {CONTEXT_NAME}
    namespace: default
current-context: {CONTEXT_NAME}
preferences: {{}}
"
    )
}
