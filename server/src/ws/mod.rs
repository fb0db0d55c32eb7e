//! WebSocket endpoints under `/ws`: each adapts a socket to a backend session speaking
//! `model` messages as JSON text frames. Authentication is the session cookie (or an API
//! token), checked by the auth middleware before the upgrade.

mod resources;

use axum::Router;
use axum::routing::get;
use backend::AppState;

/// Every `/ws` route.
pub fn router<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    AppState: axum::extract::FromRef<S>,
{
    Router::new().route(
        "/ws/k8s/cluster/{id}/resources/{kind}",
        get(resources::live_list),
    )
}
