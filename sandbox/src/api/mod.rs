//! The HTTP face of the sandbox: every route is registered here; handlers live in one file per concern.

pub(crate) mod admin;
pub(crate) mod body;
mod discovery;
pub(crate) mod path;
pub(crate) mod query;
pub(crate) mod rest;
mod subresources;
mod watch;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::json;

use crate::error::SandboxError;
use crate::faults::FaultState;
use crate::hooks::Hooks;
use crate::store::Store;

pub(crate) use body::json_response;

/// Shared state of every handler.
#[derive(Clone)]
pub struct ApiState {
    /// The object store.
    pub store: Store,
    /// The bearer token clients must present.
    pub token: Arc<str>,
    /// Fault injection.
    pub faults: Arc<FaultState>,
    /// Behaviour hooks (logs, exec, metrics).
    pub hooks: Arc<Hooks>,
}

impl IntoResponse for SandboxError {
    fn into_response(self) -> Response {
        let code = StatusCode::from_u16(self.code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = (code, axum::Json(self.to_status())).into_response();
        if matches!(self, SandboxError::Unauthorized) {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        resp
    }
}

/// Builds the whole router.
pub fn router(state: ApiState) -> Router {
    let mut api = Router::new()
        .route("/api", get(discovery::core_versions))
        .route("/api/v1", get(discovery::core_resources))
        .route("/apis", get(discovery::groups))
        .route("/apis/{group}", get(discovery::group))
        .route("/apis/{group}/{version}", get(discovery::group_resources))
        .route("/openapi/v2", get(crate::openapi::v2))
        .route("/openapi/v3", get(crate::openapi::v3_index))
        .route("/openapi/v3/{*path}", get(crate::openapi::v3_group))
        .route(
            "/sandbox/faults",
            get(admin::get_faults)
                .post(admin::set_faults)
                .put(admin::set_faults),
        )
        .route("/api/v1/{*rest}", any(rest::dispatch))
        .route("/apis/{group}/{version}/{*rest}", any(rest::dispatch))
        .with_state(state.clone());
    if let Some(extra) = state.hooks.routes.clone() {
        api = api.merge(extra);
    }
    let api = api
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), inject_faults))
        .layer(middleware::from_fn_with_state(state, authenticate));
    // Health and version answer without a token, as on a cluster with anonymous auth for those paths.
    Router::new()
        .route("/version", get(version))
        .route("/healthz", get(ok))
        .route("/readyz", get(ok))
        .route("/livez", get(ok))
        .merge(api)
}

async fn not_found() -> SandboxError {
    SandboxError::NotFound {
        resource: String::new(),
        name: String::new(),
    }
}

async fn ok() -> &'static str {
    "ok"
}

async fn version() -> Response {
    json_response(
        StatusCode::OK,
        &json!({
            "major": "1",
            "minor": "35",
            "gitVersion": "v1.35.0-capstan-sandbox",
            "gitCommit": "0000000000000000000000000000000000000000",
            "gitTreeState": "clean",
            "buildDate": "2026-01-01T00:00:00Z",
            "goVersion": "go1.25.0",
            "compiler": "gc",
            "platform": format!("{}/{}", std::env::consts::OS, go_arch()),
        }),
    )
}

fn go_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

async fn authenticate(State(state): State<ApiState>, req: Request, next: Next) -> Response {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim);
    if presented != Some(&*state.token) {
        return SandboxError::Unauthorized.into_response();
    }
    next.run(req).await
}

async fn inject_faults(State(state): State<ApiState>, req: Request, next: Next) -> Response {
    let faults = state.faults.get();
    if req.uri().path() == "/sandbox/faults" {
        return next.run(req).await;
    }
    if faults.outage {
        return SandboxError::ServiceUnavailable(
            "the sandbox cluster is in a simulated outage".into(),
        )
        .into_response();
    }
    if faults.latency_ms > 0 {
        tokio::time::sleep(faults.latency()).await;
    }
    next.run(req).await
}
