//! The sandbox's own certificate authority and serving certificate, made fresh at every start.
//!
//! Clients trust the CA through `certificate-authority-data` in the kubeconfig, so the console exercises the
//! same TLS path as against a real cluster (no `insecure-skip-tls-verify`).

use std::net::IpAddr;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::ServerConfig;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::error::SandboxError;

/// The CA and the TLS server configuration built from it.
pub struct Certificates {
    /// PEM of the CA certificate (what goes into the kubeconfig).
    pub ca_pem: String,
    /// Ready-to-use rustls configuration (HTTP/2 and HTTP/1.1 via ALPN).
    pub server_config: Arc<ServerConfig>,
}

/// Installs rustls' ring provider as the process default, once. Safe to call many times and from several
/// threads; a provider installed earlier by someone else is left in place.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn tls_err(e: impl std::fmt::Display) -> SandboxError {
    SandboxError::Tls(e.to_string())
}

/// Generates a CA and a serving certificate valid for `localhost`, `127.0.0.1`, `::1` and `extra_ip`.
pub fn generate(extra_ip: IpAddr) -> Result<Certificates, SandboxError> {
    let ca_key = KeyPair::generate().map_err(tls_err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls_err)?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "capstan-sandbox-ca");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(tls_err)?;
    let ca_pem = ca_cert.pem();
    let issuer = Issuer::new(ca_params, ca_key);

    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
        "kubernetes".to_string(),
    ];
    if !extra_ip.is_unspecified() && !names.contains(&extra_ip.to_string()) {
        names.push(extra_ip.to_string());
    }
    let mut params = CertificateParams::new(names).map_err(tls_err)?;
    params
        .distinguished_name
        .push(DnType::CommonName, "capstan-sandbox");
    let key = KeyPair::generate().map_err(tls_err)?;
    let cert = params.signed_by(&key, &issuer).map_err(tls_err)?;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain: Vec<CertificateDer<'static>> = vec![cert.der().clone(), ca_cert.der().clone()];
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_err)?
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .map_err(tls_err)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Certificates {
        ca_pem,
        server_config: Arc::new(config),
    })
}
