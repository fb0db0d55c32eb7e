//! Start-up and shutdown: TLS listener, kubeconfig, behaviour, and the handle embedders hold.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

use crate::api::{ApiState, router};
use crate::error::SandboxError;
use crate::faults::{FaultState, Faults};
use crate::hooks::{Scenario, start_behaviour};
use crate::store::Store;

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Address to listen on; port 0 picks a free port.
    pub bind: SocketAddr,
    /// Bearer token clients must send; `None` generates a random one.
    pub token: Option<String>,
    /// What to seed at start-up.
    pub scenario: Scenario,
    /// Faults in force from the start.
    pub faults: Faults,
    /// Where to write the kubeconfig, if anywhere.
    pub kubeconfig_path: Option<PathBuf>,
}

impl Default for SandboxConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            token: None,
            scenario: Scenario::default(),
            faults: Faults::default(),
            kubeconfig_path: None,
        }
    }
}

/// A running sandbox. Dropping it stops the server (use [`SandboxHandle::shutdown`] to wait for that).
pub struct SandboxHandle {
    addr: SocketAddr,
    url: String,
    token: String,
    ca_pem: String,
    kubeconfig: String,
    store: Store,
    faults: Arc<FaultState>,
    cancel: CancellationToken,
    server: Option<JoinHandle<()>>,
}

impl SandboxHandle {
    /// The socket address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// `https://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// The bearer token.
    pub fn token(&self) -> &str {
        &self.token
    }
    /// PEM of the CA that signed the serving certificate.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }
    /// A kubeconfig (YAML) pointing at this sandbox.
    pub fn kubeconfig_yaml(&self) -> &str {
        &self.kubeconfig
    }
    /// The object store (tests and behaviour read and write it directly).
    pub fn store(&self) -> &Store {
        &self.store
    }
    /// Fault injection at run time.
    pub fn faults(&self) -> &FaultState {
        &self.faults
    }
    /// Stops accepting connections, closes open ones and stops behaviour tasks.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for SandboxHandle {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

fn random_token() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..32)
        .map(|_| format!("{:x}", rng.random_range(0..16u8)))
        .collect()
}

/// Starts a sandbox: generates its CA, binds, seeds the scenario, starts behaviour and serves HTTPS.
pub async fn start(config: SandboxConfig) -> Result<SandboxHandle, SandboxError> {
    crate::tls::install_crypto_provider();
    let listener = TcpListener::bind(config.bind).await?;
    let addr = listener.local_addr()?;
    let certs = crate::tls::generate(addr.ip())?;
    let host = if addr.ip().is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    let url = if addr.is_ipv6() && !addr.ip().is_unspecified() {
        format!("https://[{host}]:{}", addr.port())
    } else {
        format!("https://{host}:{}", addr.port())
    };
    let token = config.token.clone().unwrap_or_else(random_token);
    let kubeconfig = crate::kubeconfig::render(&url, &certs.ca_pem, &token);
    if let Some(path) = &config.kubeconfig_path {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, &kubeconfig)?;
    }

    let store = Store::new();
    let cancel = CancellationToken::new();
    let hooks = start_behaviour(&store, &config.scenario, cancel.child_token()).await?;
    let faults = Arc::new(FaultState::new(config.faults.clone()));
    let state = ApiState {
        store: store.clone(),
        token: token.clone().into(),
        faults: faults.clone(),
        hooks: Arc::new(hooks),
    };
    let app = router(state);
    let acceptor = TlsAcceptor::from(certs.server_config);
    let server_cancel = cancel.clone();
    let server = tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                _ = server_cancel.cancelled() => break,
                accepted = listener.accept() => accepted,
            };
            let Ok((tcp, _)) = accepted else { continue };
            let (acceptor, app, cancel) = (acceptor.clone(), app.clone(), server_cancel.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = TowerToHyperService::new(app);
                let builder = Builder::new(TokioExecutor::new());
                let conn = builder.serve_connection_with_upgrades(TokioIo::new(tls), service);
                tokio::select! {
                    _ = conn => {}
                    _ = cancel.cancelled() => {}
                }
            });
        }
    });
    tracing::info!(%url, "sandbox cluster listening");
    Ok(SandboxHandle {
        addr,
        url,
        token,
        ca_pem: certs.ca_pem,
        kubeconfig,
        store,
        faults,
        cancel,
        server: Some(server),
    })
}
