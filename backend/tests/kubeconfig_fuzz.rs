//! The kubeconfig reader under random input: whatever a user pastes (bytes, broken YAML,
//! real shapes with missing or wrong fields, mangled copies of real files), it answers with an
//! error or contexts and never panics. Runs in the test command; `backend/fuzz` has a
//! coverage-guided libFuzzer target over the same functions for longer runs.

use backend::clusters::kubeconfig::{
    KubeconfigError, MAX_KUBECONFIG_BYTES, credentials_from_kubeconfig, list_contexts,
};
use proptest::prelude::*;

const SAMPLE: &str = "apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster:
    server: https://prod.example:6443
    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
- name: dev
  cluster:
    server: https://10.0.0.1:6443
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: abc.def
- name: cert
  user:
    client-certificate-data: a2V5
    client-key-data: a2V5
- name: plugin
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
contexts:
- name: prod
  context:
    cluster: prod-cluster
    user: admin
    namespace: shop
- name: dev
  context:
    cluster: dev
    user: cert
- name: gke
  context:
    cluster: dev
    user: plugin
";

/// Runs every entry point a pasted kubeconfig reaches; a panic fails the property.
fn read_everything(text: &str) {
    if let Ok(contexts) = list_contexts(text) {
        for context in &contexts {
            let _ = credentials_from_kubeconfig(text, Some(&context.name));
        }
    }
    let _ = credentials_from_kubeconfig(text, None);
    let _ = credentials_from_kubeconfig(text, Some("no-such-context"));
}

/// A YAML scalar from a small alphabet that includes the characters YAML treats specially.
fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9.-]{0,12}",
        "https?://[a-z0-9.:\\[\\]]{0,20}(/[a-z]{0,5})?",
        "[ -~]{0,16}".prop_map(|s| format!("{s:?}")),
        Just(String::new()),
        Just("~".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("*anchor".to_string()),
        Just("!!binary AAAA".to_string()),
    ]
}

/// Kubeconfig-shaped YAML whose fields may be missing, empty, wrongly typed or dangling.
fn shaped() -> impl Strategy<Value = String> {
    let cluster = (scalar(), scalar(), proptest::option::of(scalar()), any::<bool>()).prop_map(
        |(name, server, ca, insecure)| {
            let ca = ca.map(|c| format!("\n    certificate-authority-data: {c}")).unwrap_or_default();
            format!("- name: {name}\n  cluster:\n    server: {server}{ca}\n    insecure-skip-tls-verify: {insecure}\n")
        },
    );
    let user = (
        scalar(),
        prop_oneof![
            scalar().prop_map(|t| format!("token: {t}")),
            (scalar(), scalar()).prop_map(|(c, k)| format!(
                "client-certificate-data: {c}\n    client-key-data: {k}"
            )),
            scalar().prop_map(|f| format!("tokenFile: {f}")),
            scalar().prop_map(|c| format!("exec:\n      command: {c}")),
            Just("username: a\n    password: b".to_string()),
            Just(String::new()),
        ],
    )
        .prop_map(|(name, body)| format!("- name: {name}\n  user:\n    {body}\n"));
    let context = (scalar(), scalar(), scalar(), proptest::option::of(scalar())).prop_map(
        |(name, cluster, user, ns)| {
            let ns = ns
                .map(|n| format!("\n    namespace: {n}"))
                .unwrap_or_default();
            format!("- name: {name}\n  context:\n    cluster: {cluster}\n    user: {user}{ns}\n")
        },
    );
    (
        proptest::collection::vec(cluster, 0..4),
        proptest::collection::vec(user, 0..4),
        proptest::collection::vec(context, 0..4),
        proptest::option::of(scalar()),
    )
        .prop_map(|(clusters, users, contexts, current)| {
            let current = current
                .map(|c| format!("current-context: {c}\n"))
                .unwrap_or_default();
            format!(
                "apiVersion: v1\nkind: Config\n{current}clusters:\n{}users:\n{}contexts:\n{}",
                clusters.concat(),
                users.concat(),
                contexts.concat()
            )
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        read_everything(&text);
    }

    #[test]
    fn kubeconfig_shaped_yaml_never_panics(text in shaped()) {
        read_everything(&text);
    }

    /// A real file cut, duplicated and spliced at random places, as a bad copy-paste would.
    #[test]
    fn mangled_real_files_never_panic(
        cuts in proptest::collection::vec((0..SAMPLE.len(), 0..SAMPLE.len(), 0usize..3), 1..6)
    ) {
        let mut text = SAMPLE.as_bytes().to_vec();
        for (at, other, op) in cuts {
            let at = at.min(text.len());
            let other = other.min(text.len());
            let (lo, hi) = (at.min(other), at.max(other));
            match op {
                0 => { text.drain(lo..hi); }
                1 => { let copy = text[lo..hi].to_vec(); text.splice(lo..lo, copy); }
                _ => { let noise = b"\n\t :-[{*&!|>'\"#%@`"; text.insert(lo, noise[hi % noise.len()]); }
            }
        }
        read_everything(&String::from_utf8_lossy(&text));
    }
}

#[test]
fn the_unmangled_sample_reads_with_its_problems_named() {
    let contexts = list_contexts(SAMPLE).expect("sample parses");
    assert_eq!(contexts.len(), 3);
    assert!(
        contexts
            .iter()
            .any(|c| c.name == "prod" && c.problem.is_none() && c.is_current)
    );
    let gke = contexts.iter().find(|c| c.name == "gke").expect("gke");
    assert!(
        gke.problem.as_deref().unwrap_or_default().contains("exec"),
        "{gke:?}"
    );
}

#[test]
fn alias_bombs_and_huge_files_are_refused_quickly() {
    // Each level refers to the previous one nine times: expanded, it would be 9^9 strings.
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names: Vec<char> = "abcdefghi".chars().collect();
    for pair in names.windows(2) {
        let (prev, next) = (pair[0], pair[1]);
        bomb.push_str(&format!("{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    let started = std::time::Instant::now();
    assert!(list_contexts(&bomb).is_err());
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );

    let huge = format!("{SAMPLE}# {}", "x".repeat(MAX_KUBECONFIG_BYTES));
    let err = list_contexts(&huge).expect_err("too large");
    assert!(matches!(err, KubeconfigError::TooLarge { .. }), "{err}");

    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(list_contexts(&deep).is_err());
}
