//! Settings the services need, resolved once at start-up by the server.

use std::path::PathBuf;

/// Configuration shared by the services. Built by the `server` crate from flags and environment.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where Capstan keeps its own files (embedded PostgreSQL, key file, sandbox kubeconfig).
    pub data_dir: PathBuf,
    /// Whether session cookies are marked `Secure` (true when served over HTTPS).
    pub secure_cookies: bool,
}
