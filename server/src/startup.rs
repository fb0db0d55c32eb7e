//! Start-up and shutdown: database, migrations, first administrator, listener, graceful stop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use backend::AppState;
use backend::config::Config;
use backend::db::embedded::EmbeddedPostgres;
use leptos::config::get_configuration;
use leptos::prelude::LeptosOptions;

use crate::config::Args;
use crate::observability;
use crate::router::{self, RouterState};

/// A start-up failure, phrased as the one line the operator reads.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The data folder cannot be created or used.
    #[error("cannot use the data folder {path}: {reason}")]
    DataDir { path: String, reason: String },
    /// The embedded PostgreSQL could not be started.
    #[error("{0}")]
    EmbeddedPostgres(String),
    /// The configured or embedded database cannot be reached or migrated.
    #[error("{0}")]
    Database(String),
    /// The first administrator could not be created.
    #[error("cannot create the first administrator: {0}")]
    Admin(String),
    /// The listening address is taken or not allowed.
    #[error("cannot listen on {addr}: {reason}. Choose another with --addr or CAPSTAN_ADDR.")]
    Listen { addr: SocketAddr, reason: String },
    /// The embedded sandbox cluster could not be started.
    #[error("cannot start the sandbox cluster: {0}. Start without it with --sandbox=false.")]
    Sandbox(String),
    /// The key that seals cluster credentials cannot be loaded or created.
    #[error("cannot load the secret key: {0}")]
    SecretKey(String),
    /// The default (sandbox) cluster could not be registered.
    #[error("cannot register the sandbox as the default cluster: {0}")]
    DefaultCluster(String),
    /// Leptos' settings (LEPTOS_* variables) are wrong.
    #[error("invalid web settings: {0}")]
    Leptos(String),
    /// Metrics could not be set up.
    #[error("cannot set up metrics: {0}")]
    Metrics(String),
    /// Serving stopped with an error.
    #[error("the server stopped: {0}")]
    Serve(String),
}

pub async fn run(args: Args) -> Result<(), StartupError> {
    let started = Instant::now();
    let data_dir = prepare_data_dir(&args.data_dir)?;

    // Bind first: a taken port should fail before anything slow starts.
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| StartupError::Listen {
            addr: args.addr,
            reason: e.kind().to_string(),
        })?;

    let mut embedded = None;
    let database_url = match &args.database_url {
        Some(url) => url.clone(),
        None => {
            let pg = EmbeddedPostgres::start(&data_dir.join("postgres"))
                .await
                .map_err(|e| StartupError::EmbeddedPostgres(e.to_string()))?;
            let url = pg.url().to_owned();
            embedded = Some(pg);
            url
        }
    };

    let sandbox = if args.sandbox {
        Some(start_sandbox(&args, &data_dir).await?)
    } else {
        None
    };

    let result = serve(
        args,
        data_dir,
        database_url,
        listener,
        started,
        sandbox.as_ref(),
    )
    .await;
    if let Some(sandbox) = sandbox {
        sandbox.shutdown().await;
    }
    if let Some(pg) = embedded
        && let Err(err) = pg.stop().await
    {
        tracing::warn!(error = %err, "embedded PostgreSQL did not stop cleanly");
    }
    result
}

async fn serve(
    args: Args,
    data_dir: std::path::PathBuf,
    database_url: String,
    listener: tokio::net::TcpListener,
    started: Instant,
    sandbox: Option<&sandbox::SandboxHandle>,
) -> Result<(), StartupError> {
    backend::db::migrate(&database_url)
        .await
        .map_err(|e| StartupError::Database(e.to_string()))?;
    let db = backend::db::connect(&database_url)
        .await
        .map_err(|e| StartupError::Database(e.to_string()))?;
    let generated_password = backend::auth::ensure_admin(&db, args.admin_password.clone())
        .await
        .map_err(|e| StartupError::Admin(e.to_string()))?;

    let key = backend::crypto::SecretKey::load(&data_dir)
        .map_err(|e| StartupError::SecretKey(e.to_string()))?;
    let clusters = backend::clusters::ClusterRegistry::new(db.clone(), key);
    if let Some(sandbox) = sandbox {
        // Its CA and token are new on every start, so its stored credentials are replaced each time.
        backend::clusters::register_default(&clusters, "sandbox", sandbox.kubeconfig_yaml())
            .await
            .map_err(|e| StartupError::DefaultCluster(e.to_string()))?;
    }
    // No session can be open yet: node-shell pods in the clusters are left from a previous run.
    backend::terminal::node::sweep_all(clusters.clone());
    let health_checker = backend::clusters::health::spawn(
        clusters.clone(),
        std::time::Duration::from_secs(args.health_interval),
    );

    let ended_logs = backend::logs::ended::watch::spawn(
        clusters.clone(),
        backend::logs::ended::Limits {
            container_bytes: args.ended_logs_kb as usize * 1024,
            retention_days: i32::from(args.ended_logs_days),
            total_bytes: i64::from(args.ended_logs_total_mb) * 1024 * 1024,
        },
    );

    let config = Config {
        data_dir,
        secure_cookies: args.secure_cookies,
    };
    let resources = backend::resources::ResourceHub::new(clusters.clone());
    let app = AppState {
        db,
        config: Arc::new(config),
        clusters,
        resources,
    };
    let leptos = leptos_options(args.addr)?;
    let metrics = observability::init_metrics().map_err(StartupError::Metrics)?;
    let router = router::build(RouterState {
        app: app.clone(),
        leptos,
        metrics,
    });

    let url = format!("http://{}", args.addr);
    println!();
    println!("  Capstan is running at {url}");
    match (&generated_password, &args.admin_password) {
        (Some(password), _) => println!(
            "  First login: user `admin`, password `{password}` (shown once; change it after signing in)"
        ),
        (None, Some(_)) => {
            println!("  Login: user `admin` with the password from CAPSTAN_ADMIN_PASSWORD")
        }
        (None, None) => println!(
            "  Login with your existing account (the first admin was created on an earlier start)"
        ),
    }
    if let Some(sandbox) = sandbox {
        println!(
            "  Sandbox cluster: {} (kubectl --kubeconfig {})",
            sandbox.url(),
            sandbox_kubeconfig_path(&app.config.data_dir).display()
        );
    }
    println!(
        "  Started in {} ms. Press Ctrl-C to stop.",
        started.elapsed().as_millis()
    );
    println!();
    tracing::info!(%url, startup_ms = started.elapsed().as_millis() as u64, "capstan ready");

    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| StartupError::Serve(e.to_string()));
    health_checker.abort();
    ended_logs.abort();
    served?;
    tracing::info!("capstan stopped");
    Ok(())
}

fn sandbox_kubeconfig_path(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("sandbox").join("kubeconfig")
}

/// The sandbox is a separate API server on loopback; the console reaches it only through its
/// kubeconfig, exactly as it reaches any other cluster.
async fn start_sandbox(
    args: &Args,
    data_dir: &std::path::Path,
) -> Result<sandbox::SandboxHandle, StartupError> {
    let path = sandbox_kubeconfig_path(data_dir);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| StartupError::Sandbox(e.to_string()))?;
    }
    let config = sandbox::SandboxConfig {
        bind: args.sandbox_addr,
        kubeconfig_path: Some(path),
        ..sandbox::SandboxConfig::default()
    };
    sandbox::start(config)
        .await
        .map_err(|e| StartupError::Sandbox(e.to_string()))
}

fn prepare_data_dir(path: &std::path::Path) -> Result<std::path::PathBuf, StartupError> {
    let err = |reason: String| StartupError::DataDir {
        path: path.display().to_string(),
        reason,
    };
    std::fs::create_dir_all(path).map_err(|e| err(e.to_string()))?;
    std::fs::canonicalize(path).map_err(|e| err(e.to_string()))
}

/// Leptos' settings come from the `LEPTOS_*` variables cargo-leptos and the run script set;
/// the address is always ours.
fn leptos_options(addr: SocketAddr) -> Result<LeptosOptions, StartupError> {
    let conf = get_configuration(None).map_err(|e| StartupError::Leptos(e.to_string()))?;
    let mut options = conf.leptos_options;
    options.site_addr = addr;
    Ok(options)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
