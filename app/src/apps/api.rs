//! Server functions for apps made from a form; thin wrappers over `backend::apps`, which
//! validates (the same rules the form runs), refuses on read-only clusters and audits.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::AppError;
use model::apps::{AppDeletion, AppOutcome, AppSpec, AppSummary};
use model::operations::OperationOutcome;

/// What to do to a running app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Lifecycle {
    Start,
    Stop,
    Restart,
}

#[server(prefix = "/api", endpoint = "apps/list", input = Json)]
pub async fn list_apps(cluster: String) -> Result<Vec<AppSummary>, AppError> {
    let (state, id, _) = ssr::context(&cluster).await?;
    backend::apps::list(&state.clusters, id, None)
        .await
        .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "apps/get", input = Json)]
pub async fn get_app(
    cluster: String,
    namespace: String,
    name: String,
) -> Result<AppSummary, AppError> {
    let (state, id, _) = ssr::context(&cluster).await?;
    backend::apps::get(&state.clusters, id, &namespace, &name)
        .await
        .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "apps/preview", input = Json)]
pub async fn preview_app(spec: AppSpec) -> Result<String, AppError> {
    crate::auth::require_user().await.map_err(ssr::failed)?;
    backend::apps::preview(&spec).map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "apps/create", input = Json)]
pub async fn create_app(
    cluster: String,
    spec: AppSpec,
    wait: bool,
) -> Result<AppOutcome, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    backend::apps::create(&state.clusters, &caller.as_actor(), id, &spec, wait)
        .await
        .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "apps/update", input = Json)]
pub async fn update_app(cluster: String, spec: AppSpec) -> Result<AppOutcome, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    backend::apps::update(&state.clusters, &caller.as_actor(), id, &spec)
        .await
        .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "apps/lifecycle", input = Json)]
pub async fn app_lifecycle(
    cluster: String,
    namespace: String,
    name: String,
    action: Lifecycle,
) -> Result<OperationOutcome, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    let actor = caller.as_actor();
    let r = &state.clusters;
    match action {
        Lifecycle::Start => backend::apps::start(r, &actor, id, &namespace, &name).await,
        Lifecycle::Stop => backend::apps::stop(r, &actor, id, &namespace, &name).await,
        Lifecycle::Restart => backend::apps::restart(r, &actor, id, &namespace, &name).await,
    }
    .map_err(ssr::failed)
}

#[server(prefix = "/api", endpoint = "apps/delete", input = Json)]
pub async fn delete_app(
    cluster: String,
    namespace: String,
    name: String,
    what: AppDeletion,
) -> Result<OperationOutcome, AppError> {
    let (state, id, caller) = ssr::context(&cluster).await?;
    backend::apps::delete(
        &state.clusters,
        &caller.as_actor(),
        id,
        &namespace,
        &name,
        what,
    )
    .await
    .map_err(ssr::failed)
}

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::resources::objects_api::ssr::{context, failed};
}
