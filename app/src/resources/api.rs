//! Server functions of the resource browser: thin wrappers over `backend::resources`.
//!
//! Error codes the UI may translate: `resource.kind_unknown`, `resource.invalid_query` (with
//! `fields`), `resource.not_found`, `cluster.not_found`, `cluster.unreachable`, `auth.required`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::AppError;
use model::resources::{KindInfo, ListQuery, ResourcePage};

/// The kinds cluster `cluster` serves, grouped for the navigation. Any signed-in user.
#[server(prefix = "/api", endpoint = "resources/kinds", input = Json)]
pub async fn list_kinds(cluster: String) -> Result<Vec<KindInfo>, AppError> {
    let (state, id) = ssr::context(&cluster).await?;
    backend::resources::kinds(&state.clusters, id)
        .await
        .map_err(ssr::failed)
}

/// One page of `kind` (its key, e.g. `pods` or `deployments.apps`) in cluster `cluster`.
#[server(prefix = "/api", endpoint = "resources/list", input = Json)]
pub async fn list_resources(
    cluster: String,
    kind: String,
    query: ListQuery,
) -> Result<ResourcePage, AppError> {
    let (state, id) = ssr::context(&cluster).await?;
    backend::resources::list(&state.resources, id, &kind, &query)
        .await
        .map_err(ssr::failed)
}

#[cfg(feature = "ssr")]
mod ssr {
    //! The state, the signed-in user's check and the cluster id every function starts from.

    use backend::AppState;
    use model::AppError;
    use uuid::Uuid;

    pub use crate::auth::api::ssr::failed;

    pub async fn context(cluster: &str) -> Result<(AppState, Uuid), AppError> {
        crate::auth::require_user().await.map_err(failed)?;
        let state = crate::auth::api::ssr::state()?;
        let id = backend::clusters::parse_id(cluster).map_err(failed)?;
        Ok((state, id))
    }
}
