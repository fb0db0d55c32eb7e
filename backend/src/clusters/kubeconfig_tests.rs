//! The kubeconfig reader on real-world shapes and on malformed input (errors, never panics).

use super::*;

const CA_PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAAMB4XDTI0MDEwMTAwMDAwMFoX\n-----END CERTIFICATE-----\n";

fn ca_data() -> String {
    STANDARD.encode(CA_PEM)
}

fn multi() -> String {
    format!(
        "apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster:
    server: https://prod.example:6443
    certificate-authority-data: {ca}
- name: dev-cluster
  cluster:
    server: https://10.0.0.1:6443
    insecure-skip-tls-verify: true
- name: gke
  cluster:
    server: https://gke.example
users:
- name: prod-admin
  user:
    token: abc.def
- name: dev-cert
  user:
    client-certificate-data: {ca}
    client-key-data: a2V5
- name: gcloud
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
contexts:
- name: prod
  context: {{cluster: prod-cluster, user: prod-admin, namespace: shop}}
- name: dev
  context: {{cluster: dev-cluster, user: dev-cert}}
- name: gke
  context: {{cluster: gke, user: gcloud}}
- name: broken
  context: {{cluster: nowhere, user: prod-admin}}
",
        ca = ca_data()
    )
}

#[test]
fn every_context_is_listed_with_its_server_auth_and_problem() {
    let contexts = list_contexts(&multi()).expect("parses");
    let names: Vec<_> = contexts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["prod", "dev", "gke", "broken"]);
    let prod = &contexts[0];
    assert!(prod.is_current && prod.problem.is_none());
    assert_eq!(prod.server.as_deref(), Some("https://prod.example:6443"));
    assert_eq!(prod.auth_kind, Some(AuthKind::Token));
    assert_eq!(prod.namespace.as_deref(), Some("shop"));
    assert_eq!(contexts[1].auth_kind, Some(AuthKind::ClientCertificate));
    assert!(contexts[1].problem.is_none());
    let gke = contexts[2].problem.as_deref().expect("exec is unsupported");
    assert!(
        gke.contains("gke-gcloud-auth-plugin") && gke.contains("exec plugin"),
        "{gke}"
    );
    assert!(
        contexts[3]
            .problem
            .as_deref()
            .is_some_and(|p| p.contains("nowhere"))
    );
}

#[test]
fn one_context_is_reduced_to_its_own_cluster_and_user() {
    let creds = credentials_from_kubeconfig(&multi(), Some("dev")).expect("dev");
    assert_eq!(creds.context, "dev");
    assert_eq!(creds.server_url, "https://10.0.0.1:6443");
    assert_eq!(creds.kubeconfig.clusters.len(), 1);
    assert_eq!(creds.kubeconfig.auth_infos.len(), 1);
    assert_eq!(creds.kubeconfig.auth_infos[0].name, "dev-cert");
    let back = ClusterCredentials::from_bytes(&creds.to_bytes()).expect("round trip");
    assert_eq!(back.server_url, creds.server_url);
    assert_eq!(back.auth_kind, AuthKind::ClientCertificate);
    // The current context is the default choice.
    assert_eq!(
        credentials_from_kubeconfig(&multi(), None)
            .expect("current")
            .context,
        "prod"
    );
}

#[test]
fn unsupported_and_missing_parts_are_named() {
    let err = |ctx| credentials_from_kubeconfig(&multi(), Some(ctx)).expect_err("refused");
    assert!(matches!(err("gke"), KubeconfigError::ExecPlugin { .. }));
    assert!(matches!(
        err("broken"),
        KubeconfigError::ClusterNotFound { .. }
    ));
    assert!(matches!(err("nope"), KubeconfigError::ContextNotFound(_)));
    let app: AppError = err("gke").into();
    assert_eq!(app.code, "cluster.kubeconfig.unsupported");
    assert_eq!(app.kind, ErrorKind::Invalid);
}

#[test]
fn file_references_are_refused_so_the_server_reads_no_files() {
    let text = "clusters:
- name: c
  cluster: {server: 'https://k:6443', certificate-authority: /etc/shadow}
users:
- name: u
  user: {token: t}
contexts:
- name: x
  context: {cluster: c, user: u}
";
    let e = credentials_from_kubeconfig(text, None).expect_err("refused");
    assert!(matches!(e, KubeconfigError::FileReference { ref path, .. } if path == "/etc/shadow"));
    let text = text
        .replace(", certificate-authority: /etc/shadow", "")
        .replace("{token: t}", "{tokenFile: /var/run/token}");
    assert!(matches!(
        credentials_from_kubeconfig(&text, None),
        Err(KubeconfigError::FileReference { .. })
    ));
}

#[test]
fn auth_providers_are_reported_as_unsupported() {
    let text = "clusters: [{name: c, cluster: {server: 'https://k'}}]
users: [{name: u, user: {auth-provider: {name: oidc, config: {}}}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
";
    assert!(matches!(
        credentials_from_kubeconfig(text, None),
        Err(KubeconfigError::AuthProvider { ref provider, .. }) if provider == "oidc"
    ));
}

#[test]
fn token_credentials_are_built_and_checked() {
    let creds =
        credentials_from_token("https://k.example:6443", " tok ", Some(CA_PEM), false).expect("ok");
    assert_eq!(creds.auth_kind, AuthKind::Token);
    assert_eq!(creds.server_url, "https://k.example:6443");
    assert!(matches!(
        credentials_from_token("ftp://k", "t", None, false),
        Err(KubeconfigError::InvalidServer { .. })
    ));
    assert!(matches!(
        credentials_from_token("https://k", "a b", None, false),
        Err(KubeconfigError::InvalidToken)
    ));
    assert!(matches!(
        credentials_from_token("https://k", "t", Some("not pem"), false),
        Err(KubeconfigError::InvalidCertificate(_))
    ));
}

#[test]
fn malformed_input_gives_errors_never_panics() {
    let huge = "a".repeat(MAX_KUBECONFIG_BYTES + 1);
    assert!(matches!(
        parse(&huge),
        Err(KubeconfigError::TooLarge { .. })
    ));
    assert_eq!(parse("  \n").err(), Some(KubeconfigError::Empty));
    let nested = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let cases = [
        "::::",
        "clusters: 5",
        "contexts: [{name: x}]",
        "contexts: [{name: x, context: {cluster: c}}]",
        "clusters: [{name: c, cluster: {server: 'not a url'}}]\ncontexts: [{name: x, context: {cluster: c}}]",
        "clusters: [{name: c, cluster: {server: 'https://k', certificate-authority-data: '!!'}}]\ncontexts: [{name: x, context: {cluster: c}}]",
        "clusters: [{name: c}]\ncontexts: [{name: x, context: {cluster: c}}]",
        "a: &a [*a]",
        "- - - -",
        "\u{0}\u{1}\u{2}",
        "users: [{name: u, user: {token: [1,2]}}]",
        "---\n---\n---",
        "apiVersion: v1\nkind: Config\n",
        "current-context: x\ncontexts: []",
        nested.as_str(),
    ];
    for case in cases {
        let listed = list_contexts(case);
        let chosen = credentials_from_kubeconfig(case, None);
        assert!(
            listed.is_err() || chosen.is_err(),
            "{case:?} should be refused somewhere"
        );
    }
    // Every prefix of a real kubeconfig: truncated uploads.
    let text = multi();
    for end in (0..text.len()).step_by(7) {
        if text.is_char_boundary(end) {
            let _ = list_contexts(&text[..end]);
            let _ = credentials_from_kubeconfig(&text[..end], None);
        }
    }
}
