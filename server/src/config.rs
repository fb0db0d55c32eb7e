//! Command-line flags and environment variables, resolved once at start-up.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// How log lines are written.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    /// One JSON object per line (for log collectors).
    Json,
    /// Human-readable lines (for a terminal).
    Pretty,
}

/// Capstan, a Kubernetes management console.
#[derive(Debug, Parser)]
#[command(name = "capstan", version)]
pub struct Args {
    /// Address to serve the console on.
    #[arg(long, env = "CAPSTAN_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Folder for Capstan's own files: the embedded PostgreSQL, key file, sandbox kubeconfig.
    #[arg(long, env = "CAPSTAN_DATA_DIR", default_value = ".capstan")]
    pub data_dir: PathBuf,

    /// PostgreSQL to use. Without it Capstan starts a private PostgreSQL in the data folder.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,

    /// Password for the first administrator (`admin`); random and printed once when unset.
    #[arg(long, env = "CAPSTAN_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,

    /// Mark session cookies `Secure` (set this when Capstan is served over HTTPS).
    #[arg(long, env = "CAPSTAN_SECURE_COOKIES", default_value_t = false)]
    pub secure_cookies: bool,

    /// Start the embedded sandbox cluster (a loopback Kubernetes API) beside the console.
    #[arg(long, env = "CAPSTAN_SANDBOX", default_value_t = true, action = clap::ArgAction::Set)]
    pub sandbox: bool,

    /// Address of the embedded sandbox cluster's API (port 0 picks a free port).
    #[arg(long, env = "CAPSTAN_SANDBOX_ADDR", default_value = "127.0.0.1:0")]
    pub sandbox_addr: SocketAddr,

    /// Seconds between background health checks of every cluster (5–3600).
    #[arg(long, env = "CAPSTAN_HEALTH_INTERVAL", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(5..=3600))]
    pub health_interval: u64,

    /// Kept logs of ended pods: the last this many KiB of each container's log (4–16384).
    #[arg(long, env = "CAPSTAN_ENDED_LOGS_KB", default_value_t = 256,
          value_parser = clap::value_parser!(u32).range(4..=16384))]
    pub ended_logs_kb: u32,

    /// Kept logs of ended pods go after this many days (1–365).
    #[arg(long, env = "CAPSTAN_ENDED_LOGS_DAYS", default_value_t = 7,
          value_parser = clap::value_parser!(u16).range(1..=365))]
    pub ended_logs_days: u16,

    /// Kept logs of ended pods, all clusters together, stay under this many MiB: the oldest go
    /// first (16–1048576).
    #[arg(long, env = "CAPSTAN_ENDED_LOGS_TOTAL_MB", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(16..=1_048_576))]
    pub ended_logs_total_mb: u32,

    /// Log format.
    #[arg(long, env = "CAPSTAN_LOG_FORMAT", value_enum, default_value = "json")]
    pub log_format: LogFormat,
}
