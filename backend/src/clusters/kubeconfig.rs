//! Reading kubeconfigs that users paste or upload, and turning one context into the credentials
//! we store.
//!
//! Policy: a kubeconfig comes from a browser, so it must not make the server read its files or
//! run its programs. File references (`certificate-authority`, `client-certificate`,
//! `client-key`, `tokenFile`), exec plugins and auth providers are refused with a message saying
//! what to paste instead. Inputs are capped in size before parsing; no input makes this panic.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use kube::config::{AuthInfo, Kubeconfig, NamedAuthInfo, NamedCluster, NamedContext};
use model::clusters::{AuthKind, KubeconfigContext};
use model::{AppError, ErrorKind, FieldError};

/// Largest kubeconfig accepted: real ones with a few dozen contexts and inline certificates are
/// far below this; larger inputs are mistakes or abuse.
pub const MAX_KUBECONFIG_BYTES: usize = 512 * 1024;

/// Why a kubeconfig (or a server/token pair) cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KubeconfigError {
    /// Larger than [`MAX_KUBECONFIG_BYTES`].
    #[error("the kubeconfig is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    /// Nothing but whitespace.
    #[error("the kubeconfig is empty")]
    Empty,
    /// Not YAML, or YAML not shaped like a kubeconfig.
    #[error("the kubeconfig is not valid YAML: {0}")]
    Yaml(String),
    /// It parsed but lists no context.
    #[error("the kubeconfig has no contexts")]
    NoContexts,
    /// No context was chosen and `current-context` is unset or names nothing.
    #[error("the kubeconfig has no current-context; choose one of its contexts")]
    NoCurrentContext,
    /// The chosen context is not in the file.
    #[error("the kubeconfig has no context named {0:?}")]
    ContextNotFound(String),
    /// The context names a cluster the file does not define.
    #[error(
        "context {context:?} refers to cluster {cluster:?}, which the kubeconfig does not define"
    )]
    ClusterNotFound { context: String, cluster: String },
    /// The context names a user the file does not define.
    #[error("context {context:?} refers to user {user:?}, which the kubeconfig does not define")]
    UserNotFound { context: String, user: String },
    /// The cluster entry has no `server`.
    #[error("cluster {0:?} has no server URL")]
    MissingServer(String),
    /// The server URL is not an absolute http(s) URL.
    #[error("the server URL {server:?} is not valid: {reason}")]
    InvalidServer { server: String, reason: String },
    /// The user runs an exec plugin (cloud CLIs); the server will not run programs from a kubeconfig.
    #[error(
        "user {user:?} gets its credentials from the program {command:?} (an exec plugin), which Capstan does not run on the server; use a service-account token instead"
    )]
    ExecPlugin { user: String, command: String },
    /// The user relies on a legacy auth provider (gcp, azure, oidc).
    #[error(
        "user {user:?} uses the {provider:?} auth provider, which Capstan does not support; use a service-account token instead"
    )]
    AuthProvider { user: String, provider: String },
    /// A field names a file on disk instead of inlining the data.
    #[error(
        "{field} refers to the file {path:?}; Capstan cannot read files named in a pasted kubeconfig. Inline it as {field}-data (base64) instead"
    )]
    FileReference { field: String, path: String },
    /// The CA (or inline certificate data) is not valid base64 or PEM.
    #[error("the certificate authority is not valid: {0}")]
    InvalidCertificate(String),
    /// The bearer token is empty or has characters a header cannot carry.
    #[error("the token is empty or contains spaces or control characters")]
    InvalidToken,
}

impl KubeconfigError {
    /// The input field the error is about, for the form.
    fn field(&self) -> &'static str {
        match self {
            KubeconfigError::InvalidServer { .. } => "server",
            KubeconfigError::InvalidToken => "token",
            KubeconfigError::InvalidCertificate(_) => "ca_pem",
            KubeconfigError::NoCurrentContext | KubeconfigError::ContextNotFound(_) => "context",
            _ => "kubeconfig",
        }
    }

    fn code(&self) -> &'static str {
        match self {
            KubeconfigError::TooLarge { .. } => "cluster.kubeconfig.too_large",
            KubeconfigError::Empty => "cluster.kubeconfig.empty",
            KubeconfigError::Yaml(_) => "cluster.kubeconfig.yaml",
            KubeconfigError::NoContexts
            | KubeconfigError::NoCurrentContext
            | KubeconfigError::ContextNotFound(_) => "cluster.kubeconfig.context",
            KubeconfigError::ClusterNotFound { .. }
            | KubeconfigError::UserNotFound { .. }
            | KubeconfigError::MissingServer(_) => "cluster.kubeconfig.incomplete",
            KubeconfigError::InvalidServer { .. } => "cluster.server_invalid",
            KubeconfigError::ExecPlugin { .. }
            | KubeconfigError::AuthProvider { .. }
            | KubeconfigError::FileReference { .. } => "cluster.kubeconfig.unsupported",
            KubeconfigError::InvalidCertificate(_) => "cluster.ca_invalid",
            KubeconfigError::InvalidToken => "cluster.token_invalid",
        }
    }
}

impl From<KubeconfigError> for AppError {
    fn from(e: KubeconfigError) -> Self {
        let message = capitalise(&e.to_string());
        AppError {
            kind: ErrorKind::Invalid,
            code: e.code().into(),
            message: message.clone(),
            fields: vec![FieldError {
                field: e.field().into(),
                message,
            }],
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

/// One context reduced to what we store: a kubeconfig with exactly that context, its cluster and
/// its user.
#[derive(Clone)]
pub struct ClusterCredentials {
    pub kubeconfig: Kubeconfig,
    pub context: String,
    pub server_url: String,
    pub auth_kind: AuthKind,
}

impl std::fmt::Debug for ClusterCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterCredentials")
            .field("context", &self.context)
            .field("server_url", &self.server_url)
            .field("auth_kind", &self.auth_kind)
            .finish_non_exhaustive()
    }
}

impl ClusterCredentials {
    /// The bytes to encrypt and store (JSON, which kube reads back as it is).
    pub fn to_bytes(&self) -> Vec<u8> {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_vec(&self.kubeconfig).unwrap_or_default()
    }

    /// Reads back what [`ClusterCredentials::to_bytes`] wrote.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KubeconfigError> {
        let kubeconfig: Kubeconfig =
            serde_json::from_slice(bytes).map_err(|e| KubeconfigError::Yaml(e.to_string()))?;
        select(&kubeconfig, None)
    }
}

/// Parses kubeconfig text (several YAML documents are merged, as kubectl does).
pub fn parse(text: &str) -> Result<Kubeconfig, KubeconfigError> {
    if text.len() > MAX_KUBECONFIG_BYTES {
        return Err(KubeconfigError::TooLarge {
            size: text.len(),
            limit: MAX_KUBECONFIG_BYTES,
        });
    }
    if text.trim().is_empty() {
        return Err(KubeconfigError::Empty);
    }
    Kubeconfig::from_yaml(text).map_err(|e| KubeconfigError::Yaml(e.to_string()))
}

/// Every context of a kubeconfig, each with the reason it cannot be imported, if any.
pub fn list_contexts(text: &str) -> Result<Vec<KubeconfigContext>, KubeconfigError> {
    let kubeconfig = parse(text)?;
    if kubeconfig.contexts.is_empty() {
        return Err(KubeconfigError::NoContexts);
    }
    let current = kubeconfig.current_context.as_deref();
    Ok(kubeconfig
        .contexts
        .iter()
        .map(|named| {
            let context = named.context.clone().unwrap_or_default();
            let cluster = find_cluster(&kubeconfig, &context.cluster);
            let user = context
                .user
                .as_deref()
                .and_then(|u| find_user(&kubeconfig, u));
            let problem = select(&kubeconfig, Some(&named.name))
                .err()
                .map(|e| capitalise(&e.to_string()));
            KubeconfigContext {
                name: named.name.clone(),
                cluster: context.cluster.clone(),
                user: context.user.clone(),
                namespace: context.namespace.clone(),
                server: cluster.and_then(|c| c.server.clone()),
                auth_kind: user.map(auth_kind),
                is_current: current == Some(named.name.as_str()),
                problem,
            }
        })
        .collect())
}

/// The credentials of `context` (or the current context) in `text`.
pub fn credentials_from_kubeconfig(
    text: &str,
    context: Option<&str>,
) -> Result<ClusterCredentials, KubeconfigError> {
    select(&parse(text)?, context)
}

/// Credentials from a server URL, a bearer token and (optionally) a PEM CA bundle.
pub fn credentials_from_token(
    server: &str,
    token: &str,
    ca_pem: Option<&str>,
    insecure_skip_tls_verify: bool,
) -> Result<ClusterCredentials, KubeconfigError> {
    let server = server.trim();
    validate_server(server)?;
    let token = token.trim();
    if token.is_empty()
        || token.len() > 16 * 1024
        || token.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(KubeconfigError::InvalidToken);
    }
    let ca_data = match ca_pem.map(str::trim).filter(|p| !p.is_empty()) {
        Some(pem) => {
            validate_pem(pem.as_bytes())?;
            Some(STANDARD.encode(pem))
        }
        None => None,
    };
    let name = "capstan";
    let value = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": name, "cluster": {
            "server": server,
            "certificate-authority-data": ca_data,
            "insecure-skip-tls-verify": insecure_skip_tls_verify.then_some(true),
        }}],
        "users": [{"name": name, "user": {"token": token}}],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        "current-context": name,
    });
    let kubeconfig: Kubeconfig =
        serde_json::from_value(value).map_err(|e| KubeconfigError::Yaml(e.to_string()))?;
    select(&kubeconfig, None)
}

fn find_cluster<'a>(kc: &'a Kubeconfig, name: &str) -> Option<&'a kube::config::Cluster> {
    kc.clusters
        .iter()
        .find(|c| c.name == name)
        .and_then(|c| c.cluster.as_ref())
}

fn find_user<'a>(kc: &'a Kubeconfig, name: &str) -> Option<&'a AuthInfo> {
    kc.auth_infos
        .iter()
        .find(|u| u.name == name)
        .and_then(|u| u.auth_info.as_ref())
}

fn auth_kind(user: &AuthInfo) -> AuthKind {
    if user.token.is_some() || user.token_file.is_some() {
        AuthKind::Token
    } else if user.client_certificate_data.is_some() || user.client_certificate.is_some() {
        AuthKind::ClientCertificate
    } else if user.username.is_some() {
        AuthKind::Basic
    } else {
        AuthKind::Anonymous
    }
}

/// Reduces `kc` to one usable context, checking everything the server would trip over later.
fn select(kc: &Kubeconfig, context: Option<&str>) -> Result<ClusterCredentials, KubeconfigError> {
    if kc.contexts.is_empty() {
        return Err(KubeconfigError::NoContexts);
    }
    let name = match context.or(kc.current_context.as_deref()) {
        Some(name) => name,
        // A single context is the obvious choice even without current-context.
        None if kc.contexts.len() == 1 => kc.contexts[0].name.as_str(),
        None => return Err(KubeconfigError::NoCurrentContext),
    };
    let named = kc
        .contexts
        .iter()
        .find(|c| c.name == name)
        .ok_or_else(|| match context {
            Some(_) => KubeconfigError::ContextNotFound(name.to_string()),
            None => KubeconfigError::NoCurrentContext,
        })?;
    let ctx = named.context.clone().unwrap_or_default();
    let cluster =
        find_cluster(kc, &ctx.cluster).ok_or_else(|| KubeconfigError::ClusterNotFound {
            context: name.to_string(),
            cluster: ctx.cluster.clone(),
        })?;
    let server = cluster
        .server
        .as_deref()
        .ok_or_else(|| KubeconfigError::MissingServer(ctx.cluster.clone()))?;
    validate_server(server)?;
    if let Some(path) = &cluster.certificate_authority {
        return Err(file_ref("certificate-authority", path));
    }
    if let Some(data) = &cluster.certificate_authority_data {
        let pem = STANDARD.decode(data.trim()).map_err(|_| {
            KubeconfigError::InvalidCertificate("certificate-authority-data is not base64".into())
        })?;
        validate_pem(&pem)?;
    }
    let user = match &ctx.user {
        Some(user_name) => {
            let found = kc
                .auth_infos
                .iter()
                .find(|u| &u.name == user_name)
                .ok_or_else(|| KubeconfigError::UserNotFound {
                    context: name.to_string(),
                    user: user_name.clone(),
                })?;
            let info = found.auth_info.clone().unwrap_or_default();
            check_user(user_name, &info)?;
            Some((user_name.clone(), info))
        }
        None => None,
    };
    let auth = user
        .as_ref()
        .map_or(AuthKind::Anonymous, |(_, info)| auth_kind(info));

    let kubeconfig = Kubeconfig {
        clusters: vec![NamedCluster {
            name: ctx.cluster.clone(),
            cluster: Some(cluster.clone()),
            ..Default::default()
        }],
        auth_infos: user
            .map(|(name, info)| NamedAuthInfo {
                name,
                auth_info: Some(info),
                ..Default::default()
            })
            .into_iter()
            .collect(),
        contexts: vec![NamedContext {
            name: name.to_string(),
            context: Some(ctx),
            ..Default::default()
        }],
        current_context: Some(name.to_string()),
        api_version: Some("v1".into()),
        kind: Some("Config".into()),
        ..Default::default()
    };
    Ok(ClusterCredentials {
        kubeconfig,
        context: name.to_string(),
        server_url: server.to_string(),
        auth_kind: auth,
    })
}

fn check_user(name: &str, info: &AuthInfo) -> Result<(), KubeconfigError> {
    if let Some(exec) = &info.exec {
        return Err(KubeconfigError::ExecPlugin {
            user: name.to_string(),
            command: exec.command.clone().unwrap_or_default(),
        });
    }
    if let Some(provider) = &info.auth_provider {
        return Err(KubeconfigError::AuthProvider {
            user: name.to_string(),
            provider: provider.name.clone(),
        });
    }
    for (field, path) in [
        ("client-certificate", &info.client_certificate),
        ("client-key", &info.client_key),
        ("token", &info.token_file),
    ] {
        if let Some(path) = path {
            return Err(file_ref(field, path));
        }
    }
    Ok(())
}

fn file_ref(field: &str, path: &str) -> KubeconfigError {
    KubeconfigError::FileReference {
        field: field.to_string(),
        path: path.to_string(),
    }
}

fn validate_server(server: &str) -> Result<(), KubeconfigError> {
    let invalid = |reason: &str| KubeconfigError::InvalidServer {
        server: server.to_string(),
        reason: reason.to_string(),
    };
    let url = url::Url::parse(server).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(invalid("it must start with https://"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("it has no host"));
    }
    // kube parses it again as an http::Uri; refuse here what it would refuse later.
    server
        .parse::<http::Uri>()
        .map_err(|e| invalid(&e.to_string()))?;
    Ok(())
}

/// Checks that `pem` holds at least one PEM certificate (kube parses it again when connecting).
fn validate_pem(pem: &[u8]) -> Result<(), KubeconfigError> {
    let text = std::str::from_utf8(pem)
        .map_err(|_| KubeconfigError::InvalidCertificate("it is not PEM text".into()))?;
    let begins = text.matches("-----BEGIN CERTIFICATE-----").count();
    let ends = text.matches("-----END CERTIFICATE-----").count();
    if begins == 0 || begins != ends {
        return Err(KubeconfigError::InvalidCertificate(
            "expected one or more PEM blocks between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE-----".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
#[path = "kubeconfig_tests.rs"]
mod tests;
