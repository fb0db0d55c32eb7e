//! `/healthz` (the process is alive), `/readyz` (it can serve: database reachable, schema
//! current) and `/metrics` (Prometheus text).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use metrics_exporter_prometheus::PrometheusHandle;

use backend::AppState;

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match backend::db::pending_migrations(&state.db).await {
        Ok(false) => (StatusCode::OK, "ok".to_owned()),
        Ok(true) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "database migrations are pending".to_owned(),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "database unreachable".to_owned(),
            )
        }
    }
}

pub async fn metrics(
    State(state): State<AppState>,
    State(handle): State<PrometheusHandle>,
) -> String {
    let status = state.db.status();
    metrics::gauge!("db_pool_connections").set(status.size as f64);
    metrics::gauge!("db_pool_connections_available").set(status.available as f64);
    metrics::gauge!("db_pool_connections_max").set(status.max_size as f64);
    metrics::gauge!("db_pool_waiting").set(status.waiting as f64);
    handle.render()
}
