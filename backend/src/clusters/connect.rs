//! Building kube clients from stored credentials, probing a cluster, and saying in plain words
//! why a connection failed.
//!
//! Why probes use a client of their own (no retries, short timeouts): a health check must report
//! an outage within one cycle, not retry its way past the cycle's deadline.

use std::error::Error as StdError;
use std::time::{Duration, Instant};

use k8s_openapi::api::core::v1::{Namespace, Node, Pod};
use kube::api::{Api, ListParams};
use kube::config::KubeConfigOptions;
use kube::{Client, Config};
use model::clusters::{ConnectionFailure, ConnectionFailureKind, ConnectionTest};

use super::kubeconfig::ClusterCredentials;

/// How long a TCP + TLS connect may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole probe (version, namespaces, nodes, pods) may take.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(10);
/// Page size when counting or listing objects.
const PAGE: u32 = 500;

/// Installs rustls' ring provider once per process; later calls (and other installers) are no-ops.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Builds a client for `creds`. `for_probe` bounds reads, for checks that must end quickly.
///
/// kube's own retry layer is off for every client: it retries 429/503/504 up to 15 times over
/// minutes, which hides an outage from the user. Watches have their own backoff, and a request a
/// user made should fail fast with a clear message they can act on.
pub async fn build_client(
    creds: &ClusterCredentials,
    for_probe: bool,
) -> Result<Client, ConnectionFailure> {
    install_crypto_provider();
    let options = KubeConfigOptions {
        context: Some(creds.context.clone()),
        ..Default::default()
    };
    let mut config = Config::from_custom_kubeconfig(creds.kubeconfig.clone(), &options)
        .await
        .map_err(|e| invalid_config(&e.to_string()))?;
    config.connect_timeout = Some(CONNECT_TIMEOUT);
    config.default_retry = false;
    if for_probe {
        config.read_timeout = Some(PROBE_TIMEOUT);
    }
    Client::try_from(config).map_err(|e| invalid_config(&e.to_string()))
}

fn invalid_config(detail: &str) -> ConnectionFailure {
    ConnectionFailure {
        kind: ConnectionFailureKind::InvalidConfig,
        message: format!("The connection settings cannot be used: {detail}."),
    }
}

/// Node counts from one list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeCounts {
    pub total: i32,
    pub ready: i32,
    pub masters: i32,
    pub workers: i32,
}

/// What a probe found. `Err` fields keep the failure of a list that was refused.
#[derive(Debug, Clone)]
pub struct Probe {
    pub version: String,
    pub latency_ms: i32,
    pub namespaces: Result<i32, ConnectionFailure>,
    pub nodes: Result<NodeCounts, ConnectionFailure>,
    pub pods: Result<i32, ConnectionFailure>,
}

/// Connects and reads the version and counts, within [`PROBE_TIMEOUT`] overall.
pub async fn probe(creds: &ClusterCredentials) -> Result<Probe, ConnectionFailure> {
    let client = build_client(creds, true).await?;
    match tokio::time::timeout(PROBE_TIMEOUT, probe_with(&client)).await {
        Ok(result) => result,
        Err(_) => Err(timeout_failure()),
    }
}

fn timeout_failure() -> ConnectionFailure {
    ConnectionFailure {
        kind: ConnectionFailureKind::Timeout,
        message: format!(
            "The cluster did not answer within {} seconds. Check that the server is up and reachable from Capstan (firewalls, VPN).",
            PROBE_TIMEOUT.as_secs()
        ),
    }
}

async fn probe_with(client: &Client) -> Result<Probe, ConnectionFailure> {
    let started = Instant::now();
    let info = client.apiserver_version().await.map_err(|e| classify(&e))?;
    let latency_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
    let (namespaces, nodes, pods) = futures::join!(
        count(Api::<Namespace>::all(client.clone())),
        node_counts(client),
        count(Api::<Pod>::all(client.clone())),
    );
    Ok(Probe {
        version: info.git_version,
        latency_ms,
        namespaces: namespaces.map_err(|e| classify(&e)),
        nodes: nodes.map_err(|e| classify(&e)),
        pods: pods.map_err(|e| classify(&e)),
    })
}

/// Counts objects cheaply: one metadata page when the server reports `remainingItemCount`,
/// else metadata pages to the end.
pub async fn count<K>(api: Api<K>) -> Result<i32, kube::Error>
where
    K: kube::Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
{
    let first = api.list_metadata(&ListParams::default().limit(1)).await?;
    let shown = first.items.len() as i64;
    if let Some(remaining) = first.metadata.remaining_item_count {
        return Ok(clamp(shown + remaining));
    }
    let mut total = shown;
    let mut token = first.metadata.continue_;
    while let Some(next) = token.filter(|t| !t.is_empty()) {
        let page = api
            .list_metadata(&ListParams::default().limit(PAGE).continue_token(&next))
            .await?;
        total += page.items.len() as i64;
        token = page.metadata.continue_;
    }
    Ok(clamp(total))
}

fn clamp(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Every node, paged.
pub async fn list_nodes(client: &Client) -> Result<Vec<Node>, kube::Error> {
    let api = Api::<Node>::all(client.clone());
    let mut nodes = Vec::new();
    let mut params = ListParams::default().limit(PAGE);
    loop {
        let page = api.list(&params).await?;
        nodes.extend(page.items);
        match page.metadata.continue_.filter(|t| !t.is_empty()) {
            Some(token) => params = ListParams::default().limit(PAGE).continue_token(&token),
            None => return Ok(nodes),
        }
    }
}

async fn node_counts(client: &Client) -> Result<NodeCounts, kube::Error> {
    let nodes = list_nodes(client).await?;
    let mut counts = NodeCounts::default();
    for node in &nodes {
        counts.total += 1;
        if node_is_ready(node) {
            counts.ready += 1;
        }
        if node_roles(node)
            .iter()
            .any(|r| r == "control-plane" || r == "master")
        {
            counts.masters += 1;
        } else {
            counts.workers += 1;
        }
    }
    Ok(counts)
}

/// Whether the node's `Ready` condition is `True`.
pub fn node_is_ready(node: &Node) -> bool {
    node.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// Roles from `node-role.kubernetes.io/<role>` labels.
pub fn node_roles(node: &Node) -> Vec<String> {
    node.metadata
        .labels
        .iter()
        .flatten()
        .filter_map(|(k, _)| k.strip_prefix("node-role.kubernetes.io/"))
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect()
}

/// A connection test, as shown before saving.
pub async fn test(creds: &ClusterCredentials) -> ConnectionTest {
    let server_url = Some(creds.server_url.clone());
    let probe = match probe(creds).await {
        Ok(probe) => probe,
        Err(failure) => {
            return ConnectionTest {
                ok: false,
                server_url,
                version: None,
                node_count: None,
                can_list_namespaces: false,
                can_list_nodes: false,
                latency_ms: None,
                failure: Some(failure),
            };
        }
    };
    // A 401 on the lists means the version answered anonymously but the credentials are wrong.
    let failure = [probe.namespaces.as_ref().err(), probe.nodes.as_ref().err()]
        .into_iter()
        .flatten()
        .find(|f| f.kind == ConnectionFailureKind::Unauthorized)
        .or_else(|| probe.namespaces.as_ref().err())
        .cloned();
    ConnectionTest {
        ok: probe.namespaces.is_ok(),
        server_url,
        version: Some(probe.version),
        node_count: probe.nodes.as_ref().ok().map(|n| n.total),
        can_list_namespaces: probe.namespaces.is_ok(),
        can_list_nodes: probe.nodes.is_ok(),
        latency_ms: Some(probe.latency_ms),
        failure,
    }
}

/// Turns a kube error into a failure class and a sentence saying what to check.
pub fn classify(err: &kube::Error) -> ConnectionFailure {
    use ConnectionFailureKind as K;
    let failure = |kind, message: &str| ConnectionFailure {
        kind,
        message: message.to_string(),
    };
    if let kube::Error::Api(status) = err {
        return match status.code {
            401 => failure(
                K::Unauthorized,
                "The cluster refused the credentials (401 Unauthorized). The token or certificate is wrong or expired.",
            ),
            403 => failure(
                K::Forbidden,
                &format!(
                    "The credentials are valid but not allowed to do this (403 Forbidden): {}. Grant them read access to namespaces and nodes.",
                    status.message
                ),
            ),
            503 => failure(
                K::Unavailable,
                &format!(
                    "The API server is unavailable (503): {}. It may be starting, overloaded or down for maintenance.",
                    status.message
                ),
            ),
            code if code >= 500 => failure(
                K::ServerError,
                &format!(
                    "The API server answered with an error ({code}): {}. The cluster may be starting or overloaded.",
                    status.message
                ),
            ),
            code => failure(
                K::Other,
                &format!("The API server answered {code}: {}.", status.message),
            ),
        };
    }
    let chain = error_chain(err);
    let text = chain
        .iter()
        .map(|e| e.to_string().to_lowercase())
        .collect::<Vec<_>>()
        .join(": ");
    for e in &chain {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return tls_failure(tls);
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    return failure(K::Refused, REFUSED);
                }
                std::io::ErrorKind::TimedOut => return timeout_failure(),
                _ => {}
            }
        }
    }
    if text.contains("dns error")
        || text.contains("failed to lookup address")
        || text.contains("name or service not known")
    {
        failure(
            K::Dns,
            "The server's host name does not resolve. Check the server URL and the DNS of the machine Capstan runs on.",
        )
    } else if text.contains("connection refused") {
        failure(K::Refused, REFUSED)
    } else if text.contains("timed out") || text.contains("elapsed") || text.contains("timeout") {
        timeout_failure()
    } else if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
        failure(
            K::Tls,
            "The secure connection failed: the server's certificate could not be verified. Check the CA certificate.",
        )
    } else {
        tracing::debug!(error = %text, "unclassified cluster connection error");
        failure(
            K::Other,
            &format!(
                "The connection failed: {}",
                first_sentence(&err.to_string())
            ),
        )
    }
}

const REFUSED: &str = "Nothing is listening at the server address (connection refused). Check the URL and port, and that the API server is running.";

fn tls_failure(err: &rustls::Error) -> ConnectionFailure {
    use rustls::CertificateError as C;
    let message = match err {
        rustls::Error::InvalidCertificate(C::UnknownIssuer | C::BadSignature) => {
            "The server's certificate is not signed by the trusted CA (TLS). Check the cluster's CA certificate.".to_string()
        }
        rustls::Error::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
            "The server's certificate is not valid for this host name (TLS). Use the host name the certificate names.".to_string()
        }
        rustls::Error::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
            "The server's certificate has expired (TLS).".to_string()
        }
        other => format!("The secure connection failed (TLS): {other}."),
    };
    ConnectionFailure {
        kind: ConnectionFailureKind::Tls,
        message,
    }
}

fn error_chain(err: &kube::Error) -> Vec<&(dyn StdError + 'static)> {
    let mut chain: Vec<&(dyn StdError + 'static)> = vec![err];
    let mut current: &(dyn StdError + 'static) = err;
    while let Some(next) = current.source() {
        chain.push(next);
        current = next;
        if chain.len() > 32 {
            break;
        }
    }
    chain
}

fn first_sentence(s: &str) -> String {
    s.lines().next().unwrap_or(s).chars().take(300).collect()
}
