//! Every route of the console in one place: pages, server functions, health and metrics.

use axum::Router;
use axum::extract::FromRef;
use axum::middleware;
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use backend::AppState;

use crate::{api, auth_layer, health, observability, ws};

/// The router's state: the services' state plus what only the web layer needs.
#[derive(Clone, FromRef)]
pub struct RouterState {
    pub app: AppState,
    pub leptos: LeptosOptions,
    pub metrics: PrometheusHandle,
}

pub fn build(state: RouterState) -> Router {
    let routes = generate_route_list(app::App);
    let app_state = state.app.clone();
    let leptos = state.leptos.clone();

    let (api_routes, openapi) = api::router::<RouterState>().split_for_parts();

    let protected = Router::new()
        .merge(api_routes)
        .merge(ws::router())
        .route("/api/openapi.json", api::openapi_json(&openapi))
        .route("/api/docs", get(api::docs_page))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(app_state.clone()),
            move || app::shell(leptos.clone()),
        )
        .route("/metrics", get(health::metrics))
        .fallback(leptos_axum::file_and_error_handler::<RouterState, _>(
            app::shell,
        ))
        .layer(middleware::from_fn_with_state(
            state.app.clone(),
            auth_layer::require_session,
        ));

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(protected)
        .layer(middleware::from_fn(observability::track_http))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let request_id = req
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}
