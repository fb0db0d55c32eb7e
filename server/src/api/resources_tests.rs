//! The object routes through the real auth middleware with API tokens, against a real
//! PostgreSQL and a sandbox cluster: paged lists, objects as JSON, creates from YAML and JSON,
//! updates with conflicts and problems at lines, deletes, read-only clusters, anonymous callers.

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
use model::clusters::{ClusterSettings, ClusterSource, NewCluster};
use sandbox::{SandboxConfig, SandboxHandle, Scenario};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::auth_layer;

pub(super) struct Setup {
    _db: TestDb,
    sandbox: SandboxHandle,
    pub app: AppState,
    router: Router,
    user: model::auth::UserInfo,
    token: String,
    pub cluster: String,
}

impl Setup {
    pub(super) async fn new() -> Setup {
        Setup::with_scenario(Scenario::Empty).await
    }

    /// A sandbox seeded with `scenario` (`Empty` has no nodes, so its pods never run).
    pub(super) async fn with_scenario(scenario: Scenario) -> Setup {
        let db = TestDb::new().await;
        let user = db.user("operator", true).await;
        let token = backend::api_tokens::create(
            &db.pool,
            &user,
            &backend::ClientInfo::default(),
            &NewApiToken {
                name: "tests".into(),
                expires_in_days: Some(1),
            },
        )
        .await
        .expect("token")
        .token;
        let sandbox = sandbox::start(SandboxConfig {
            scenario,
            ..SandboxConfig::default()
        })
        .await
        .expect("sandbox");
        let registry = ClusterRegistry::new(db.pool.clone(), SecretKey::generate());
        let app = AppState {
            db: db.pool.clone(),
            config: Arc::new(Config {
                data_dir: std::env::temp_dir(),
                secure_cookies: false,
            }),
            clusters: registry.clone(),
            resources: backend::resources::ResourceHub::new(registry),
        };
        let (routes, _) = super::router::<AppState>().split_for_parts();
        let router = routes
            .layer(from_fn_with_state(app.clone(), auth_layer::require_session))
            .with_state(app.clone());
        let mut setup = Setup {
            _db: db,
            sandbox,
            app,
            router,
            user,
            token,
            cluster: String::new(),
        };
        setup.cluster = setup.register("dev", false).await;
        setup
    }

    pub(super) async fn register(&self, name: &str, read_only: bool) -> String {
        backend::clusters::create(
            &self.app.clusters,
            &self.user,
            &backend::ClientInfo::default(),
            NewCluster {
                settings: ClusterSettings {
                    name: name.into(),
                    read_only,
                    ..Default::default()
                },
                source: ClusterSource::Kubeconfig {
                    kubeconfig: self.sandbox.kubeconfig_yaml().to_string(),
                    context: None,
                },
            },
        )
        .await
        .expect("register cluster")
        .id
    }

    /// Sends `body` (with its content type) and reads the JSON answer.
    pub(super) async fn send(
        &self,
        method: Method,
        uri: &str,
        body: Option<(&str, String)>,
    ) -> (StatusCode, Value) {
        send(&self.router, method, uri, Some(&self.token), body).await
    }

    pub(super) async fn get(&self, uri: &str) -> (StatusCode, Value) {
        self.send(Method::GET, uri, None).await
    }

    /// A GET whose answer is not JSON: status, headers and the body as text.
    pub(super) async fn text(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        let req = Request::builder()
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .body(Body::empty())
            .expect("request");
        let res = self.router.clone().oneshot(req).await.expect("infallible");
        let (parts, body) = res.into_parts();
        let bytes = axum::body::to_bytes(body, 8 << 20).await.expect("body");
        (
            parts.status,
            parts.headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    pub(super) fn url(&self, rest: &str) -> String {
        format!("/api/v1/k8s/cluster/{}{rest}", self.cluster)
    }
}

async fn send(
    router: &Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<(&str, String)>,
) -> (StatusCode, Value) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let req = match body {
        Some((content_type, body)) => req
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body)),
        None => req.body(Body::empty()),
    }
    .expect("request");
    let res = router.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 8 << 20)
        .await
        .expect("body");
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| panic!("JSON body, got {}", String::from_utf8_lossy(&bytes)))
    };
    (status, value)
}

fn yaml(text: &str) -> Option<(&'static str, String)> {
    Some(("application/yaml", text.to_string()))
}

pub(super) fn json_body(value: &Value) -> Option<(&'static str, String)> {
    Some(("application/json", value.to_string()))
}

const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
";

#[tokio::test(flavor = "multi_thread")]
async fn lists_are_pages_of_rows_and_objects_come_as_json() {
    let s = Setup::new().await;
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "labels": {"app": "shop"}},
        "data": {"password": "czNjcjN0"},
    });
    let (status, created) = s
        .send(
            Method::POST,
            &s.url("/namespaces/default/secrets"),
            json_body(&secret),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created[0]["object"]["name"], "db");

    // The generic route and the named one answer the same page of compact rows.
    let (status, page) = s
        .get(&s.url("/resources/secrets?namespaces=default&labelSelector=app%3Dshop"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["total"], 1);
    assert_eq!(page["rows"][0]["name"], "db");
    assert!(!page.to_string().contains("czNjcjN0"));
    let (status, named) = s
        .get(&s.url("/namespaces/default/secrets?filter=db&limit=5"))
        .await;
    assert_eq!(status, StatusCode::OK, "{named}");
    assert_eq!(
        (named["total"].clone(), named["limit"].clone()),
        (json!(1), json!(5))
    );
    let (status, all) = s.get(&s.url("/secrets")).await;
    assert_eq!(status, StatusCode::OK, "{all}");
    assert!(
        all["rows"]
            .as_array()
            .is_some_and(|r| r.iter().any(|row| row["name"] == "db"))
    );
    let (status, namespaces) = s.get(&s.url("/namespaces")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        namespaces["rows"]
            .as_array()
            .is_some_and(|r| r.iter().any(|row| row["name"] == "default"))
    );
    let (status, nodes) = s.get(&s.url("/nodes")).await;
    assert_eq!(
        (status, nodes["kind"]["kind"].as_str()),
        (StatusCode::OK, Some("Node"))
    );

    // One object: JSON, Secret values hidden, managed fields left out.
    let (status, object) = s.get(&s.url("/namespaces/default/secrets/db")).await;
    assert_eq!(status, StatusCode::OK, "{object}");
    assert_eq!(
        object["data"]["password"],
        model::objects::SECRET_PLACEHOLDER
    );
    assert!(object["metadata"].get("managedFields").is_none());
    let (status, same) = s.get(&s.url("/resources/secrets/default/db")).await;
    assert_eq!(
        (status, &same["metadata"]["uid"]),
        (StatusCode::OK, &object["metadata"]["uid"])
    );
    let (status, ns) = s.get(&s.url("/resources/namespaces/-/default")).await;
    assert_eq!(
        (status, ns["kind"].as_str()),
        (StatusCode::OK, Some("Namespace"))
    );

    // Bad queries and unknown things are JSON errors with the right status.
    let (status, bad) = s
        .get(&s.url("/resources/pods?labelSelector=app%20in%20("))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(bad["code"], "resource.invalid_query");
    assert_eq!(bad["fields"][0]["field"], "label_selector");
    let (status, bad) = s.get(&s.url("/resources/pods?limit=many")).await;
    assert_eq!(
        (status, bad["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid"))
    );
    let (status, missing) = s.get(&s.url("/namespaces/default/secrets/nope")).await;
    assert_eq!(
        (status, missing["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("resource.not_found"))
    );
    let (status, unknown) = s.get(&s.url("/namespaces/default/gadgets")).await;
    assert_eq!(
        (status, unknown["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("resource.kind_unknown"))
    );
    let (status, unknown) = s.get(&s.url("/resources/gadgets.example.com")).await;
    assert_eq!(
        (status, unknown["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("resource.kind_unknown"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn objects_are_created_updated_and_deleted_from_yaml_and_json() {
    let s = Setup::new().await;
    let (status, created) = s
        .send(
            Method::POST,
            &s.url("/namespaces/default/deployments"),
            yaml(DEPLOYMENT),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created[0]["object"]["kind"], "deployments.apps");

    // The named route takes only its kind, in its namespace.
    let other_ns = DEPLOYMENT.replace("  name: web\n", "  name: web2\n  namespace: shop\n");
    let (status, refused) = s
        .send(
            Method::POST,
            &s.url("/namespaces/default/deployments"),
            yaml(&other_ns),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["code"], "resource.not_created");
    assert_eq!(refused["issues"][0]["line"], 5);
    let configmap = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}, "data": {"mode": "fast"}});
    let (status, refused) = s
        .send(
            Method::POST,
            &s.url("/namespaces/default/deployments"),
            json_body(&configmap),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(
        refused["documents"][0]["result"]["issues"][0]["field"],
        "kind"
    );

    // Dry run, then for real, through the generic route with a default namespace.
    let (status, checked) = s
        .send(
            Method::POST,
            &s.url("/resources/configmaps?namespace=default&dryRun=All"),
            json_body(&configmap),
        )
        .await;
    assert_eq!(
        (status, &checked[0]["result"]["status"]),
        (StatusCode::OK, &json!("created"))
    );
    let (status, _) = s
        .get(&s.url("/namespaces/default/configmaps/settings"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = s
        .send(
            Method::POST,
            &s.url("/resources/configmaps?namespace=default"),
            json_body(&configmap),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, again) = s
        .send(
            Method::POST,
            &s.url("/resources/configmaps?namespace=default"),
            json_body(&configmap),
        )
        .await;
    assert_eq!(
        (status, again["code"].as_str()),
        (StatusCode::CONFLICT, Some("resource.not_created"))
    );

    // Update: a stale version is a conflict that returns both versions.
    let (_, read) = s
        .get(&s.url("/namespaces/default/configmaps/settings"))
        .await;
    let version = read["metadata"]["resourceVersion"]
        .as_str()
        .expect("rv")
        .to_string();
    let mut newer = read.clone();
    newer["data"]["mode"] = json!("slow");
    let (status, saved) = s
        .send(
            Method::PUT,
            &s.url("/namespaces/default/configmaps/settings"),
            json_body(&newer),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["data"]["mode"], "slow");
    let mine = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  resourceVersion: \"{version}\"\ndata:\n  mode: mine\n"
    );
    let (status, conflict) = s
        .send(
            Method::PUT,
            &s.url("/resources/configmaps/default/settings"),
            yaml(&mine),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{conflict}");
    assert_eq!(conflict["code"], "resource.conflict");
    assert_eq!(conflict["conflict"]["mine"], mine.as_str());
    assert!(
        conflict["conflict"]["theirs"]
            .as_str()
            .is_some_and(|t| t.contains("mode: slow"))
    );
    assert_eq!(
        conflict["conflict"]["theirs_version"],
        saved["metadata"]["resourceVersion"]
    );

    // A value of the wrong type: 422 with the line of the field in the text sent.
    let wrong = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  - mode\n";
    let (status, invalid) = s
        .send(
            Method::PUT,
            &s.url(&format!(
                "/namespaces/default/configmaps/settings?resourceVersion={}",
                saved["metadata"]["resourceVersion"].as_str().expect("rv")
            )),
            yaml(wrong),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{invalid}");
    assert_eq!(invalid["code"], "resource.invalid_yaml");
    assert_eq!(
        (
            invalid["issues"][0]["field"].as_str(),
            invalid["issues"][0]["line"].as_u64()
        ),
        (Some("data"), Some(5))
    );

    // Delete: the policy and grace period pass through; namespaces want their name typed.
    let (status, done) = s
        .send(
            Method::DELETE,
            &s.url(
                "/namespaces/default/deployments/web?propagationPolicy=Orphan&gracePeriodSeconds=0",
            ),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["gone"], true);
    let (status, bad) = s
        .send(
            Method::DELETE,
            &s.url("/namespaces/default/configmaps/settings?propagationPolicy=Later"),
            None,
        )
        .await;
    assert_eq!(
        (status, bad["fields"][0]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("propagationPolicy"))
    );
    let (status, ns) = s
        .send(
            Method::POST,
            &s.url("/namespaces"),
            yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ns}");
    let (status, refused) = s
        .send(Method::DELETE, &s.url("/namespaces/shop"), None)
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("resource.confirmation_required")
        )
    );
    let (status, done) = s
        .send(
            Method::DELETE,
            &s.url("/namespaces/shop?confirm=shop"),
            None,
        )
        .await;
    assert!(
        status == StatusCode::OK || status == StatusCode::ACCEPTED,
        "{status} {done}"
    );

    let mut conn = s.app.db.get().await.expect("conn");
    let rows = backend::db::models::audit_events::latest(&mut conn, 100)
        .await
        .expect("audit");
    for action in ["resource.create", "resource.update", "resource.delete"] {
        assert!(
            rows.iter().any(|r| r.action == action),
            "{action} not audited"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_clusters_and_anonymous_callers_are_refused() {
    let s = Setup::new().await;
    let frozen = s.register("frozen", true).await;
    let url = |rest: &str| format!("/api/v1/k8s/cluster/{frozen}{rest}");
    let (status, _) = s.get(&url("/namespaces/default/configmaps")).await;
    assert_eq!(status, StatusCode::OK);
    let configmap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: default}\n";
    for (method, path, body) in [
        (
            Method::POST,
            "/namespaces/default/configmaps",
            yaml(configmap),
        ),
        (
            Method::PUT,
            "/resources/namespaces/-/default",
            yaml("apiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n"),
        ),
        (Method::DELETE, "/namespaces/default/configmaps/x", None),
    ] {
        let (status, refused) = s.send(method.clone(), &url(path), body).await;
        assert_eq!(
            (status, refused["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("cluster.read_only")),
            "{method} {path}: {refused}"
        );
    }

    for (method, body) in [(Method::GET, None), (Method::POST, yaml(configmap))] {
        let (status, refused) = send(
            &s.router,
            method,
            &s.url("/namespaces/default/configmaps"),
            None,
            body,
        )
        .await;
        assert_eq!(
            (status, refused["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("auth.required"))
        );
    }
    let (status, _) = send(
        &s.router,
        Method::GET,
        &s.url("/resources/pods"),
        Some("capstan_wrong"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, refused) = s
        .send(
            Method::POST,
            &s.url("/namespaces/default/configmaps"),
            Some(("text/html", "<p>".into())),
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid"))
    );
}

#[test]
fn the_openapi_document_describes_the_object_routes() {
    let (_, doc) = super::router::<AppState>().split_for_parts();
    let json: Value = serde_json::from_str(&doc.to_json().expect("json")).expect("parse");
    for (path, methods) in [
        (
            "/api/v1/k8s/cluster/{id}/resources/{kind}",
            &["get", "post"][..],
        ),
        (
            "/api/v1/k8s/cluster/{id}/resources/{kind}/{namespace}/{name}",
            &["get", "put", "delete"],
        ),
        ("/api/v1/k8s/cluster/{id}/{kind}", &["get"]),
        ("/api/v1/k8s/cluster/{id}/namespaces", &["get", "post"]),
        (
            "/api/v1/k8s/cluster/{id}/namespaces/{namespace}",
            &["get", "put", "delete"],
        ),
        (
            "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}",
            &["get", "post"],
        ),
        (
            "/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}",
            &["get", "put", "delete"],
        ),
        ("/api/v1/k8s/cluster/{id}/nodes", &["get"]),
        ("/api/v1/k8s/cluster/{id}/nodes/{name}", &["get"]),
    ] {
        for method in methods {
            assert!(
                json["paths"][path][method]["tags"][0] == "k8s",
                "{method} {path} missing"
            );
        }
    }
    for schema in [
        "ResourcePage",
        "KubeObject",
        "CreatedDocument",
        "DeleteOutcome",
        "ObjectErrorBody",
        "YamlIssue",
    ] {
        assert!(
            json["components"]["schemas"][schema].is_object(),
            "{schema} missing"
        );
    }
    // The named routes document the kinds they serve.
    let kinds = &json["paths"]["/api/v1/k8s/cluster/{id}/namespaces/{namespace}/{kind}"]["get"]["parameters"];
    let kind = kinds
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == "kind"))
        .expect("kind parameter");
    assert_eq!(
        kind["schema"]["enum"],
        json!(["pods", "deployments", "services", "configmaps", "secrets"])
    );
    let put = &json["paths"]["/api/v1/k8s/cluster/{id}/resources/{kind}/{namespace}/{name}"]["put"];
    assert!(put["requestBody"]["content"]["application/yaml"].is_object());
    assert!(put["responses"]["409"].is_object() && put["responses"]["422"].is_object());
}
