//! WebSocket endpoints under `/ws`: each adapts a socket to a backend session speaking
//! `model` messages as JSON text frames. Authentication is the session cookie (or an API
//! token), checked by the auth middleware before the upgrade.

mod logs;
mod resources;
mod terminal;

use axum::Router;
use axum::routing::get;
use backend::AppState;

/// Every `/ws` route.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    AppState: axum::extract::FromRef<S>,
{
    Router::new()
        .route(
            "/ws/k8s/cluster/{id}/resources/{kind}",
            get(resources::live_list),
        )
        .route(
            "/ws/k8s/cluster/{id}/namespaces/{namespace}/{kind}/{name}/logs",
            get(logs::follow),
        )
        .route(
            "/ws/k8s/cluster/{id}/namespaces/{namespace}/pods/{name}/exec",
            get(terminal::pod),
        )
        .route(
            "/ws/k8s/cluster/{id}/nodes/{name}/shell",
            get(terminal::node),
        )
}
