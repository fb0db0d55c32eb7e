//! Clusters against a real PostgreSQL and several sandbox clusters at once: import, connection
//! failures by class, sealed credentials, health with a dead cluster, guardrails, the default
//! cluster, and API tokens.

use std::time::{Duration, Instant};

use backend::ClientInfo;
use backend::api_tokens;
use backend::clusters::{self, ClusterError, ClusterRegistry, health};
use backend::crypto::SecretKey;
use backend::db::schema::{audit_events, clusters as clusters_table};
use backend::db::testing::TestDb;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use model::api::NewApiToken;
use model::clusters::{
    ClusterSettings, ClusterSource, ClusterStatus, ClusterUpdate, ConnectionFailureKind,
    ContextImport, Environment, NewCluster,
};
use sandbox::{SandboxConfig, SandboxHandle, Scenario};

async fn sandbox(scenario: Scenario) -> SandboxHandle {
    sandbox::start(SandboxConfig {
        scenario,
        ..SandboxConfig::default()
    })
    .await
    .expect("sandbox starts")
}

fn client() -> ClientInfo {
    ClientInfo {
        ip: Some("192.0.2.7".parse().expect("ip")),
        user_agent: None,
        request_id: Some("req-clusters".into()),
    }
}

fn settings(name: &str) -> ClusterSettings {
    ClusterSettings {
        name: name.into(),
        ..Default::default()
    }
}

fn from_kubeconfig(sb: &SandboxHandle) -> ClusterSource {
    ClusterSource::Kubeconfig {
        kubeconfig: sb.kubeconfig_yaml().to_string(),
        context: None,
    }
}

fn token_source(url: &str, token: &str, ca: &str) -> ClusterSource {
    ClusterSource::Token {
        server: url.into(),
        token: token.into(),
        ca_pem: Some(ca.into()),
        insecure_skip_tls_verify: false,
    }
}

async fn status_of(registry: &ClusterRegistry, id: &str) -> (ClusterStatus, Option<String>) {
    let info = clusters::get(registry, clusters::parse_id(id).expect("id"))
        .await
        .expect("get");
    (info.health.status, info.health.reason)
}

#[tokio::test(flavor = "multi_thread")]
async fn importing_contexts_checks_health_and_a_dead_cluster_never_slows_the_others() {
    let db = TestDb::new().await;
    let admin = db.user("admin", true).await;
    let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
    let (a, b) = tokio::join!(sandbox(Scenario::Demo), sandbox(Scenario::Empty));

    let contexts = clusters::list_contexts(a.kubeconfig_yaml()).expect("contexts");
    assert_eq!(contexts.len(), 1);
    assert!(contexts[0].is_current && contexts[0].problem.is_none());
    let imported = clusters::import(
        &registry,
        &admin,
        &client(),
        a.kubeconfig_yaml(),
        vec![ContextImport {
            context: contexts[0].name.clone(),
            settings: ClusterSettings {
                environment: Environment::Staging,
                ..settings("alpha")
            },
        }],
    )
    .await
    .expect("import");
    assert_eq!(imported[0].server_url, a.url());
    let beta = clusters::create(
        &registry,
        &admin,
        &client(),
        NewCluster {
            settings: settings("beta"),
            source: from_kubeconfig(&b),
        },
    )
    .await
    .expect("create");

    assert_eq!(health::check_all(&registry).await.expect("check"), 2);
    let listed = clusters::list(&registry).await.expect("list");
    let alpha = listed.iter().find(|c| c.name == "alpha").expect("alpha");
    assert_eq!(
        alpha.health.status,
        ClusterStatus::Healthy,
        "{:?}",
        alpha.health.reason
    );
    assert!(alpha.health.node_count.unwrap_or(0) > 0);
    assert!(alpha.health.version.is_some() && alpha.health.last_sync_at.is_some());
    assert_eq!(
        status_of(&registry, &beta.id).await.0,
        ClusterStatus::Healthy
    );
    // A registry client works for later features.
    let kube = registry
        .client(clusters::parse_id(&beta.id).expect("id"))
        .await
        .expect("client");
    kube.apiserver_version()
        .await
        .expect("version through the registry client");

    b.shutdown().await;
    let started = Instant::now();
    health::check_all(&registry).await.expect("check");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "took {:?}",
        started.elapsed()
    );
    let (status, reason) = status_of(&registry, &beta.id).await;
    assert_eq!(status, ClusterStatus::Unavailable);
    assert!(reason.unwrap_or_default().contains("refused"));
    assert_eq!(
        status_of(&registry, &alpha.id).await.0,
        ClusterStatus::Healthy
    );
    // The overview of the dead cluster is its stored facts marked unavailable with the reason;
    // the live one reads counts and nodes.
    let dead = clusters::overview::overview(&registry, clusters::parse_id(&beta.id).expect("id"))
        .await
        .expect("overview of a dead cluster");
    assert_eq!(dead.cluster.health.status, ClusterStatus::Unavailable);
    assert!(
        dead.cluster
            .health
            .reason
            .unwrap_or_default()
            .contains("refused")
    );
    assert!(dead.nodes.is_empty() && dead.counts.is_empty());
    let live = clusters::overview::overview(&registry, clusters::parse_id(&alpha.id).expect("id"))
        .await
        .expect("overview");
    assert!(!live.nodes.is_empty());
    assert!(live.counts.iter().any(|c| c.kind == "Pod" && c.count > 0));

    let actions: Vec<String> = audit_events::table
        .select(audit_events::action)
        .load(&mut db.pool.get().await.expect("conn"))
        .await
        .expect("audit");
    assert_eq!(actions.iter().filter(|a| *a == "cluster.import").count(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn connection_tests_say_exactly_why_they_failed() {
    let db = TestDb::new().await;
    let admin = db.user("admin", true).await;
    let (a, b) = tokio::join!(sandbox(Scenario::Empty), sandbox(Scenario::Empty));

    let ok = clusters::test_connection(&admin, &from_kubeconfig(&a))
        .await
        .expect("test");
    assert!(
        ok.ok && ok.can_list_namespaces && ok.can_list_nodes,
        "{ok:?}"
    );
    assert!(ok.version.is_some());

    let kind = |t: model::clusters::ConnectionTest| {
        assert!(!t.ok, "{t:?}");
        t.failure.expect("a failure").kind
    };
    let wrong_token = token_source(a.url(), "not-the-token", a.ca_pem());
    assert_eq!(
        kind(
            clusters::test_connection(&admin, &wrong_token)
                .await
                .expect("test")
        ),
        ConnectionFailureKind::Unauthorized
    );
    let wrong_ca = token_source(a.url(), a.token(), b.ca_pem());
    assert_eq!(
        kind(
            clusters::test_connection(&admin, &wrong_ca)
                .await
                .expect("test")
        ),
        ConnectionFailureKind::Tls
    );
    let free_port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let refused = token_source(&format!("https://127.0.0.1:{free_port}"), "t", a.ca_pem());
    assert_eq!(
        kind(
            clusters::test_connection(&admin, &refused)
                .await
                .expect("test")
        ),
        ConnectionFailureKind::Refused
    );
    let mut faults = b.faults().get();
    faults.outage = true;
    b.faults().set(faults);
    let outage = clusters::test_connection(&admin, &from_kubeconfig(&b))
        .await
        .expect("test");
    assert_eq!(kind(outage), ConnectionFailureKind::Unavailable);

    // Malformed input is an input error, not a failed connection; non-admins may not probe.
    let garbage = ClusterSource::Kubeconfig {
        kubeconfig: "::: not yaml".into(),
        context: None,
    };
    assert!(matches!(
        clusters::test_connection(&admin, &garbage).await,
        Err(ClusterError::Kubeconfig(_))
    ));
    let viewer = db.user("viewer", false).await;
    assert!(matches!(
        clusters::test_connection(&viewer, &from_kubeconfig(&a)).await,
        Err(ClusterError::AdminRequired)
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_are_sealed_in_the_database_and_replaced_on_edit() {
    let db = TestDb::new().await;
    let admin = db.user("admin", true).await;
    let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
    let (a, b) = tokio::join!(sandbox(Scenario::Empty), sandbox(Scenario::Empty));
    let created = clusters::create(
        &registry,
        &admin,
        &client(),
        NewCluster {
            settings: settings("sealed"),
            source: token_source(a.url(), a.token(), a.ca_pem()),
        },
    )
    .await
    .expect("create");
    let id = clusters::parse_id(&created.id).expect("id");
    let stored: Vec<u8> = clusters_table::table
        .find(id)
        .select(clusters_table::credentials)
        .first(&mut db.pool.get().await.expect("conn"))
        .await
        .expect("row");
    let contains = |needle: &str| stored.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!contains(a.token()) && !contains("BEGIN CERTIFICATE") && !contains("token"));
    // No DTO carries it either.
    let json =
        serde_json::to_string(&clusters::list(&registry).await.expect("list")).expect("json");
    assert!(!json.contains(a.token()));

    // Editing replaces credentials: now pointing at b.
    let updated = clusters::update(
        &registry,
        &admin,
        &client(),
        id,
        ClusterUpdate {
            description: Some("moved".into()),
            source: Some(from_kubeconfig(&b)),
            ..Default::default()
        },
    )
    .await
    .expect("update");
    assert_eq!(updated.server_url, b.url());
    let kube = registry.client(id).await.expect("client");
    kube.apiserver_version().await.expect("reaches b");

    // A different key cannot open them.
    let other = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
    assert!(matches!(
        other.client(id).await,
        Err(ClusterError::Crypto(_))
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn guardrails_refuse_read_only_changes_non_admins_and_untyped_deletes() {
    let db = TestDb::new().await;
    let admin = db.user("admin", true).await;
    let viewer = db.user("viewer", false).await;
    let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
    let a = sandbox(Scenario::Empty).await;
    let created = clusters::create(
        &registry,
        &admin,
        &client(),
        NewCluster {
            settings: ClusterSettings {
                read_only: true,
                environment: Environment::Production,
                ..settings("prod-eu")
            },
            source: from_kubeconfig(&a),
        },
    )
    .await
    .expect("create");
    let err = clusters::require_writable(&created).expect_err("read-only");
    assert_eq!(err.code, "cluster.read_only");
    assert!(err.message.contains("prod-eu is read-only"));
    assert!(clusters::confirm_name(&created, "web", Some("web")).is_ok());
    assert!(clusters::confirm_name(&created, "web", None).is_err());

    let id = clusters::parse_id(&created.id).expect("id");
    assert!(matches!(
        clusters::update(&registry, &viewer, &client(), id, ClusterUpdate::default()).await,
        Err(ClusterError::AdminRequired)
    ));
    assert!(matches!(
        clusters::create(
            &registry,
            &admin,
            &client(),
            NewCluster {
                settings: settings("prod-eu"),
                source: from_kubeconfig(&a)
            }
        )
        .await,
        Err(ClusterError::NameTaken(_))
    ));
    assert!(matches!(
        clusters::create(
            &registry,
            &admin,
            &client(),
            NewCluster {
                settings: settings("Bad Name"),
                source: from_kubeconfig(&a)
            }
        )
        .await,
        Err(ClusterError::Invalid(_))
    ));
    assert!(matches!(
        clusters::delete(&registry, &admin, &client(), id, "prod").await,
        Err(ClusterError::ConfirmationMismatch { .. })
    ));
    clusters::delete(&registry, &admin, &client(), id, "prod-eu")
        .await
        .expect("delete");
    assert!(matches!(
        clusters::get(&registry, id).await,
        Err(ClusterError::NotFound(_))
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_default_cluster_is_upserted_with_fresh_credentials_on_every_start() {
    let db = TestDb::new().await;
    let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
    let first = sandbox(Scenario::Empty).await;
    let one = clusters::register_default(&registry, "sandbox", first.kubeconfig_yaml())
        .await
        .expect("register");
    assert!(one.is_default);
    assert_eq!(one.environment, Environment::Development);
    first.shutdown().await;
    let second = sandbox(Scenario::Empty).await;
    let two = clusters::register_default(&registry, "sandbox", second.kubeconfig_yaml())
        .await
        .expect("register again");
    assert_eq!(one.id, two.id);
    assert_eq!(two.server_url, second.url());
    let id = clusters::parse_id(&two.id).expect("id");
    let (row, _) = clusters::rows::find(&mut db.pool.get().await.expect("conn"), id)
        .await
        .expect("find")
        .expect("row");
    health::check_one(&registry, &row).await.expect("check");
    assert_eq!(
        status_of(&registry, &two.id).await.0,
        ClusterStatus::Healthy
    );
    assert_eq!(clusters::list(&registry).await.expect("list").len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn api_tokens_authenticate_until_revoked_and_are_stored_hashed() {
    let db = TestDb::new().await;
    let alice = db.user("alice", false).await;
    let bob = db.user("bob", false).await;
    let created = api_tokens::create(
        &db.pool,
        &alice,
        &client(),
        &NewApiToken {
            name: "ci".into(),
            expires_in_days: Some(7),
        },
    )
    .await
    .expect("create");
    assert!(created.token.starts_with("capstan_"));
    assert!(created.token.starts_with(&created.info.prefix));
    let found = api_tokens::authenticate(&db.pool, &created.token)
        .await
        .expect("auth");
    assert_eq!(found.map(|u| u.username), Some("alice".to_string()));
    assert_eq!(
        api_tokens::authenticate(&db.pool, "capstan_nope")
            .await
            .expect("auth"),
        None
    );

    let listed = api_tokens::list(&db.pool, &alice).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some());
    assert!(
        !serde_json::to_string(&listed)
            .expect("json")
            .contains(&created.token)
    );
    assert!(
        api_tokens::list(&db.pool, &bob)
            .await
            .expect("list")
            .is_empty()
    );
    // Bob cannot revoke Alice's token.
    assert!(
        api_tokens::revoke(&db.pool, &bob, &client(), &created.info.id)
            .await
            .is_err()
    );
    let revoked = api_tokens::revoke(&db.pool, &alice, &client(), &created.info.id)
        .await
        .expect("revoke");
    assert!(revoked.revoked_at.is_some());
    assert_eq!(
        api_tokens::authenticate(&db.pool, &created.token)
            .await
            .expect("auth"),
        None
    );
}
