//! The door every request passes: a same-origin check for state-changing requests, then a
//! session check for everything but the few public paths.
//!
//! Policy: anonymous API and WebSocket callers get 401 with an `AppError` body; anonymous page
//! visits are sent to `/login?next=<path>`. Requests that change state and carry an `Origin` (or,
//! lacking it, a `Referer`) naming another host are refused with 403 whatever the session, so a
//! page on another site cannot act with the user's cookie. Requests with neither header (curl,
//! scripts with a token) pass this check.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use backend::AppState;
use leptos::server_fn::ServerFn;
use model::{AppError, ErrorKind};

/// Paths served to anyone, exactly.
const PUBLIC_EXACT: [&str; 5] = [
    "/login",
    "/healthz",
    "/readyz",
    "/favicon.ico",
    "/favicon.svg",
];
/// The API's description and its browsable page, readable without signing in (no secrets).
const PUBLIC_API_DOCS: [&str; 2] = ["/api/openapi.json", "/api/docs"];
/// Paths where a personal API token (`Authorization: Bearer`) is accepted instead of a session.
const TOKEN_PREFIX: &str = "/api/v1/";
/// Path prefixes served to anyone: the WASM/CSS bundle, static assets, and the vendored
/// JavaScript the bundle imports (xterm.js; the sign-in page loads it too).
const PUBLIC_PREFIXES: [&str; 3] = ["/pkg/", "/assets/", "/vendor/"];

/// The auth server functions: signing in must work signed out; `current_user` answers `None`
/// and `logout` only clears the cookie for an anonymous caller.
fn is_public_server_fn(path: &str) -> bool {
    [
        <app::auth::api::Login as ServerFn>::PATH,
        <app::auth::api::Logout as ServerFn>::PATH,
        <app::auth::api::CurrentUser as ServerFn>::PATH,
    ]
    .contains(&path)
}

fn is_public(path: &str) -> bool {
    PUBLIC_EXACT.contains(&path)
        || PUBLIC_API_DOCS.contains(&path)
        || PUBLIC_PREFIXES.iter().any(|p| path.starts_with(p))
        || is_public_server_fn(path)
}

/// Callers that want JSON errors rather than a redirect.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/") || path.starts_with("/ws/")
}

pub async fn require_session(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    // A WebSocket upgrade is a GET that carries the cookie: another site must not open one.
    let upgrade = req.uri().path().starts_with("/ws/");
    if (changes_state(req.method()) || upgrade) && !same_origin(req.headers(), req.uri()) {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-origin request refused");
        return error_response(AppError::new(
            ErrorKind::Forbidden,
            "auth.cross_origin",
            "This request came from another site and was refused. Reload Capstan and try again.",
        ));
    }
    let path = req.uri().path().to_owned();
    if is_public(&path) {
        return next.run(req).await;
    }
    let user = match app::auth::api::ssr::token_from_headers(req.headers()) {
        Some(token) => match backend::auth::session_user(&state.db, &token).await {
            Ok(user) => user,
            Err(err) => return error_response(err.into()),
        },
        None => None,
    };
    let user = match (user, bearer_token(req.headers())) {
        (None, Some(token)) if path.starts_with(TOKEN_PREFIX) || path.starts_with("/ws/") => {
            match backend::api_tokens::authenticate(&state.db, token).await {
                Ok(user) => user,
                Err(err) => return error_response(err.into()),
            }
        }
        (user, _) => user,
    };
    match user {
        Some(user) => {
            req.extensions_mut().insert(user);
            next.run(req).await
        }
        None if is_api(&path) => error_response(AppError::unauthenticated()),
        None => {
            let target = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
            let location = format!("/login?next={}", percent_encode(target));
            (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
        }
    }
}

/// The token of an `Authorization: Bearer <token>` header.
fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

fn changes_state(method: &Method) -> bool {
    matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// Whether `Origin` (else `Referer`) names the host the request was sent to. No such header:
/// not a browser's cross-site request, allowed.
fn same_origin(headers: &HeaderMap, uri: &axum::http::Uri) -> bool {
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .map(|v| v.to_str().unwrap_or_default());
    let Some(source) = source else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()));
    let Some(host) = host else {
        return false;
    };
    authority_of(source).is_some_and(|a| a.eq_ignore_ascii_case(host))
}

/// `host[:port]` of an absolute URL (`Origin: null` and relative values have none).
fn authority_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    // Drop credentials, should a Referer carry any.
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    (!authority.is_empty()).then_some(authority)
}

/// Percent-encodes everything but unreserved characters and `/`, for a query value.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn error_response(error: AppError) -> Response {
    let status =
        StatusCode::from_u16(error.kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(&error).unwrap_or_default();
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap_or_else(|_| status.into_response())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::Router;
    use axum::middleware::from_fn_with_state;
    use axum::routing::{get, post};
    use backend::config::Config;
    use tower::ServiceExt;

    use super::*;

    /// A state whose pool points nowhere: these tests never reach the database.
    fn state() -> AppState {
        let db = backend::db::pool::build_lazy("postgres://nobody@127.0.0.1:1/none").expect("pool");
        let clusters = backend::clusters::ClusterRegistry::new(
            db.clone(),
            backend::crypto::SecretKey::generate(),
        );
        AppState {
            resources: backend::resources::ResourceHub::new(clusters.clone()),
            clusters,
            db,
            config: Arc::new(Config {
                data_dir: "/tmp".into(),
                secure_cookies: false,
            }),
        }
    }

    fn router() -> Router {
        let state = state();
        Router::new()
            .route("/", get(|| async { "home" }))
            .route("/clusters/{name}", get(|| async { "cluster" }))
            .route(
                "/api/things",
                get(|| async { "things" }).post(|| async { "made" }),
            )
            .route("/healthz", get(|| async { "ok" }))
            .route("/login", get(|| async { "login" }))
            .route("/pkg/capstan.js", get(|| async { "js" }))
            .route("/vendor/xterm.mjs", get(|| async { "xterm" }))
            .route(
                <app::auth::api::Login as ServerFn>::PATH,
                post(|| async { "signed in" }),
            )
            .layer(from_fn_with_state(state.clone(), require_session))
            .with_state(state)
    }

    async fn send(req: Request) -> Response {
        router().oneshot(req).await.expect("infallible")
    }

    fn get_req(path: &str) -> Request {
        Request::get(path).body(Body::empty()).expect("request")
    }

    #[tokio::test]
    async fn public_paths_need_no_session() {
        for path in ["/healthz", "/login", "/pkg/capstan.js", "/vendor/xterm.mjs"] {
            assert_eq!(send(get_req(path)).await.status(), StatusCode::OK, "{path}");
        }
    }

    #[tokio::test]
    async fn anonymous_page_visit_redirects_to_login_with_next() {
        let res = send(get_req("/clusters/prod?tab=nodes")).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let location = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok());
        assert_eq!(location, Some("/login?next=/clusters/prod%3Ftab%3Dnodes"));
    }

    #[tokio::test]
    async fn anonymous_api_call_gets_401_json() {
        let res = send(get_req("/api/things")).await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let body = axum::body::to_bytes(res.into_body(), 64 * 1024)
            .await
            .expect("body");
        let error: AppError = serde_json::from_slice(&body).expect("AppError json");
        assert_eq!(error.code, "auth.required");
    }

    #[tokio::test]
    async fn a_token_that_cannot_be_ours_is_anonymous() {
        let long = "x".repeat(300);
        let req = Request::get("/api/things")
            .header(header::COOKIE, format!("capstan_session={long}"))
            .body(Body::empty())
            .expect("request");
        assert_eq!(send(req).await.status(), StatusCode::UNAUTHORIZED);
    }

    #[tokio::test]
    async fn login_server_function_is_public_from_the_same_origin() {
        let req = Request::post(<app::auth::api::Login as ServerFn>::PATH)
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ORIGIN, "http://127.0.0.1:3000")
            .body(Body::empty())
            .expect("request");
        assert_eq!(send(req).await.status(), StatusCode::OK);
    }

    #[tokio::test]
    async fn cross_origin_post_is_refused_with_403() {
        let req = Request::post(<app::auth::api::Login as ServerFn>::PATH)
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ORIGIN, "https://evil.example")
            .body(Body::empty())
            .expect("request");
        let res = send(req).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }

    #[tokio::test]
    async fn cross_site_referer_is_refused_when_origin_is_absent() {
        let req = Request::post("/api/things")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::REFERER, "http://127.0.0.1:9999/page")
            .body(Body::empty())
            .expect("request");
        assert_eq!(send(req).await.status(), StatusCode::FORBIDDEN);
    }

    #[tokio::test]
    async fn post_without_origin_or_referer_passes_the_origin_check() {
        // It then meets the session check: anonymous, so 401 rather than 403.
        let req = Request::post("/api/things")
            .header(header::HOST, "127.0.0.1:3000")
            .body(Body::empty())
            .expect("request");
        assert_eq!(send(req).await.status(), StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn authority_is_read_from_urls() {
        assert_eq!(
            authority_of("http://127.0.0.1:3000"),
            Some("127.0.0.1:3000")
        );
        assert_eq!(authority_of("https://a.example/x?y#z"), Some("a.example"));
        assert_eq!(authority_of("https://u:p@a.example/"), Some("a.example"));
        assert_eq!(authority_of("null"), None);
    }
}
