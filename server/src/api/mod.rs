//! The REST API under `/api/v1`, for scripts: clusters and personal API tokens, described by an
//! OpenAPI 3 document at `/api/openapi.json` with a browsable page at `/api/docs`.
//!
//! Handlers are thin: parse, find the caller, call the service (which authorises), map the error
//! to `{kind, code, message, fields}` JSON with the matching status. Later features add their
//! routes to [`router`] with `.routes(routes!(…))` so they join the same document.

mod apps;
mod audit;
mod caller;
mod clusters;
mod docs;
mod error;
mod json;
pub mod logs;
#[cfg(test)]
mod logs_tests;
mod operations;
#[cfg(test)]
mod operations_tests;
mod resources;
mod resources_http;
mod resources_kinds;
#[cfg(test)]
mod resources_tests;
#[cfg(test)]
mod tests;
mod tokens;

use axum::extract::FromRef;
use backend::AppState;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use caller::Caller;
pub use docs::{docs_page, openapi_json};
pub use error::ApiError;
pub use resources_http::ApiQuery;

/// The document's fixed parts; paths and schemas come from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Capstan API",
        description = "Manage Kubernetes clusters through Capstan. Authenticate with a personal API token: `Authorization: Bearer capstan_…`.",
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "clusters", description = "Managed clusters: import, health, settings"),
        (name = "tokens", description = "Personal API tokens"),
        (name = "apps", description = "Containerised apps made from a form: a Deployment, a Service when exposed, new volume claims; start, stop, restart, update, delete"),
        (name = "operations", description = "Day-to-day operations: scale, restart, pause, roll back workloads; cordon, drain, label and taint nodes; run CronJobs now"),
        (name = "audit", description = "The audit log (administrators): sign-ins, changes, terminal sessions with the lines typed"),
        (name = "logs", description = "Container logs: one pod, or every pod of a workload merged by time; as text or a file. Follow them live over the WebSocket of the same path under /ws"),
        (name = "k8s", description = "Kubernetes objects of any kind: paged lists, get, create from YAML or JSON, update with conflict detection, delete with a propagation policy"),
    ),
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal API token (capstan_…)"))
                    .build(),
            ),
        );
    }
}

/// Every `/api/v1` route with its OpenAPI description.
pub fn router<S>() -> OpenApiRouter<S>
where
    S: Clone + Send + Sync + 'static,
    AppState: FromRef<S>,
{
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(clusters::list, clusters::create))
        .routes(routes!(clusters::test_connection))
        .routes(routes!(clusters::get, clusters::update, clusters::delete))
        .routes(routes!(clusters::status))
        .routes(routes!(clusters::sync))
        .routes(routes!(tokens::list, tokens::create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(resources::list, resources::create))
        .routes(routes!(
            resources::get,
            resources::update,
            resources::delete
        ))
        .routes(routes!(resources_kinds::list_all))
        .routes(routes!(
            resources_kinds::list_namespaces,
            resources_kinds::create_namespace
        ))
        .routes(routes!(
            resources_kinds::get_namespace,
            resources_kinds::update_namespace,
            resources_kinds::delete_namespace
        ))
        .routes(routes!(
            resources_kinds::list_in,
            resources_kinds::create_in
        ))
        .routes(routes!(
            resources_kinds::get,
            resources_kinds::update,
            resources_kinds::delete
        ))
        .routes(routes!(resources_kinds::list_nodes))
        .routes(routes!(resources_kinds::get_node))
        .routes(routes!(audit::list))
        .routes(routes!(logs::read))
        .routes(routes!(logs::read_container))
        .routes(routes!(logs::targets))
        .routes(routes!(logs::ended_pods))
        .routes(routes!(logs::ended_log))
        .routes(routes!(operations::scale))
        .routes(routes!(operations::restart))
        .routes(routes!(operations::pause))
        .routes(routes!(operations::resume))
        .routes(routes!(operations::set_image))
        .routes(routes!(operations::history))
        .routes(routes!(operations::rollback))
        .routes(routes!(operations::events))
        .routes(routes!(operations::cordon))
        .routes(routes!(operations::uncordon))
        .routes(routes!(operations::drain_node, operations::drain_progress))
        .routes(routes!(operations::labels))
        .routes(routes!(operations::taints))
        .routes(routes!(operations::bulk))
        .routes(routes!(operations::trigger))
        .routes(routes!(operations::suspend))
        .routes(routes!(operations::unsuspend))
        .routes(routes!(operations::delete_finished))
        .routes(routes!(apps::list, apps::create))
        .routes(routes!(apps::preview))
        .routes(routes!(apps::get, apps::update, apps::delete))
        .routes(routes!(apps::start))
        .routes(routes!(apps::stop))
        .routes(routes!(apps::restart))
}
