//! The REST API through the real auth middleware, with personal API tokens, against a real
//! PostgreSQL and a sandbox cluster.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use axum::middleware::from_fn_with_state;
use backend::AppState;
use backend::clusters::ClusterRegistry;
use backend::config::Config;
use backend::crypto::SecretKey;
use backend::db::testing::TestDb;
use model::api::NewApiToken;
use model::auth::UserInfo;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::auth_layer;

async fn token_for(db: &TestDb, user: &UserInfo) -> String {
    let new = NewApiToken {
        name: "tests".into(),
        expires_in_days: Some(1),
    };
    backend::api_tokens::create(&db.pool, user, &backend::ClientInfo::default(), &new)
        .await
        .expect("token")
        .token
}

fn router(db: &TestDb) -> Router {
    let app = AppState {
        db: db.pool.clone(),
        config: Arc::new(Config {
            data_dir: std::env::temp_dir(),
            secure_cookies: false,
        }),
        clusters: ClusterRegistry::new(db.pool.clone(), SecretKey::generate()),
        resources: backend::resources::ResourceHub::new(ClusterRegistry::new(
            db.pool.clone(),
            SecretKey::generate(),
        )),
    };
    let (routes, _) = super::router::<AppState>().split_for_parts();
    routes
        .layer(from_fn_with_state(app.clone(), auth_layer::require_session))
        .with_state(app)
}

async fn call(
    router: &Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let req = match body {
        Some(body) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string())),
        None => req.body(Body::empty()),
    }
    .expect("request");
    let res = router.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .expect("body");
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).expect("JSON body")
    };
    (status, value)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_creates_lists_syncs_and_deletes_clusters() {
    let db = TestDb::new().await;
    let admin = db.user("admin", true).await;
    let viewer = db.user("viewer", false).await;
    let (admin_token, viewer_token) = (token_for(&db, &admin).await, token_for(&db, &viewer).await);
    let sandbox = sandbox::start(sandbox::SandboxConfig {
        scenario: sandbox::Scenario::Empty,
        ..Default::default()
    })
    .await
    .expect("sandbox");
    let router = router(&db);
    let new = json!({
        "name": "api-made",
        "environment": "staging",
        "source": {"type": "kubeconfig", "kubeconfig": sandbox.kubeconfig_yaml(), "context": null},
    });

    let (status, body) = call(&router, Method::GET, "/api/v1/k8s/cluster", None, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("auth.required"))
    );
    let (status, _) = call(
        &router,
        Method::GET,
        "/api/v1/k8s/cluster",
        Some("capstan_wrong"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, body) = call(
        &router,
        Method::POST,
        "/api/v1/k8s/cluster",
        Some(&viewer_token),
        Some(new.clone()),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("cluster.admin_required"))
    );

    let (status, created) = call(
        &router,
        Method::POST,
        "/api/v1/k8s/cluster",
        Some(&admin_token),
        Some(new.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["server_url"], sandbox.url());
    assert!(!created.to_string().contains(sandbox.token()));
    let id = created["id"].as_str().expect("id").to_string();
    let (status, body) = call(
        &router,
        Method::POST,
        "/api/v1/k8s/cluster",
        Some(&admin_token),
        Some(new),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("cluster.name_taken"))
    );
    let (status, body) = call(
        &router,
        Method::POST,
        "/api/v1/k8s/cluster",
        Some(&admin_token),
        Some(json!({"name": 5})),
    )
    .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid"))
    );

    let (status, listed) = call(
        &router,
        Method::GET,
        "/api/v1/k8s/cluster",
        Some(&viewer_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed.as_array().map(Vec::len), Some(1));

    let (status, synced) = call(
        &router,
        Method::POST,
        &format!("/api/v1/k8s/cluster/{id}/sync"),
        Some(&viewer_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{synced}");
    assert_eq!(synced["health"]["status"], "healthy", "{synced}");
    let (status, health) = call(
        &router,
        Method::GET,
        &format!("/api/v1/k8s/cluster/{id}/status"),
        Some(&admin_token),
        None,
    )
    .await;
    assert_eq!(
        (status, &health["status"]),
        (StatusCode::OK, &json!("healthy"))
    );

    let (status, updated) = call(
        &router,
        Method::PUT,
        &format!("/api/v1/k8s/cluster/{id}"),
        Some(&admin_token),
        Some(json!({"read_only": true})),
    )
    .await;
    assert_eq!(
        (status, &updated["read_only"]),
        (StatusCode::OK, &json!(true))
    );

    let uri = format!("/api/v1/k8s/cluster/{id}");
    let (status, body) = call(&router, Method::DELETE, &uri, Some(&admin_token), None).await;
    assert_eq!(
        (status, body["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("confirm"))
    );
    let (status, _) = call(
        &router,
        Method::DELETE,
        &format!("{uri}?confirm=wrong"),
        Some(&admin_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = call(
        &router,
        Method::DELETE,
        &format!("{uri}?confirm=api-made"),
        Some(&admin_token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = call(&router, Method::GET, &uri, Some(&admin_token), None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("cluster.not_found"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_are_managed_through_the_api_and_stop_working_when_revoked() {
    let db = TestDb::new().await;
    let alice = db.user("alice", false).await;
    let first = token_for(&db, &alice).await;
    let router = router(&db);
    let (status, created) = call(
        &router,
        Method::POST,
        "/api/v1/tokens",
        Some(&first),
        Some(json!({"name": "second"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let second = created["token"].as_str().expect("token").to_string();
    let (status, listed) = call(&router, Method::GET, "/api/v1/tokens", Some(&second), None).await;
    assert_eq!(
        (status, listed.as_array().map(Vec::len)),
        (StatusCode::OK, Some(2))
    );
    let id = created["info"]["id"].as_str().expect("id");
    let (status, revoked) = call(
        &router,
        Method::DELETE,
        &format!("/api/v1/tokens/{id}"),
        Some(&first),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(revoked["revoked_at"].is_string());
    let (status, _) = call(&router, Method::GET, "/api/v1/tokens", Some(&second), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[test]
fn the_openapi_document_describes_every_route() {
    let (_, doc) = super::router::<AppState>().split_for_parts();
    let json: Value = serde_json::from_str(&doc.to_json().expect("json")).expect("parse");
    assert!(
        json["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3."))
    );
    for path in [
        "/api/v1/k8s/cluster",
        "/api/v1/k8s/cluster/test",
        "/api/v1/k8s/cluster/{id}",
        "/api/v1/k8s/cluster/{id}/status",
        "/api/v1/k8s/cluster/{id}/sync",
        "/api/v1/tokens",
        "/api/v1/tokens/{id}",
    ] {
        assert!(json["paths"][path].is_object(), "{path} missing");
    }
    for schema in [
        "ClusterInfo",
        "NewCluster",
        "ClusterSource",
        "ErrorBody",
        "CreatedApiToken",
    ] {
        assert!(
            json["components"]["schemas"][schema].is_object(),
            "{schema} missing"
        );
    }
    // Every $ref points at a schema that exists.
    let text = json.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap_or_default();
        assert!(
            json["components"]["schemas"][name].is_object(),
            "dangling $ref {name}"
        );
    }
}
