//! Server functions for the cluster pages and the API-token settings: thin wrappers that parse,
//! find the user, call `backend::clusters` / `backend::api_tokens`, and map errors.
//!
//! Authorisation lives in the services: admins add, edit, delete and test clusters; every
//! signed-in user lists them, opens the overview and asks for a sync. Inputs are JSON.
//!
//! Error codes the UI may translate: `invalid` (with `fields`), `cluster.not_found`,
//! `cluster.name_taken`, `cluster.admin_required`, `cluster.confirmation_mismatch`,
//! `cluster.unreachable`, `cluster.kubeconfig.*`, `cluster.server_invalid`, `cluster.ca_invalid`,
//! `cluster.token_invalid`, `api_token.not_found`, `api_token.too_many`, `auth.required`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::AppError;
use model::api::{ApiTokenInfo, CreatedApiToken};
use model::clusters::{
    ClusterInfo, ClusterSource, ClusterUpdate, ConnectionTest, ContextImport, KubeconfigContext,
    NewCluster,
};

/// Every cluster (default first), with its last known health. Any signed-in user.
#[server(prefix = "/api", endpoint = "clusters/list", input = Json)]
pub async fn list_clusters() -> Result<Vec<ClusterInfo>, AppError> {
    let (state, _) = ssr::context().await?;
    backend::clusters::list(&state.clusters)
        .await
        .map_err(ssr::failed)
}

/// One cluster by id.
#[server(prefix = "/api", endpoint = "clusters/get", input = Json)]
pub async fn get_cluster(id: String) -> Result<ClusterInfo, AppError> {
    let (state, _) = ssr::context().await?;
    let id = backend::clusters::parse_id(&id).map_err(ssr::failed)?;
    backend::clusters::get(&state.clusters, id)
        .await
        .map_err(ssr::failed)
}

/// The contexts of a pasted or uploaded kubeconfig, each with the reason it cannot be imported.
#[server(prefix = "/api", endpoint = "clusters/contexts", input = Json)]
pub async fn list_kubeconfig_contexts(
    kubeconfig: String,
) -> Result<Vec<KubeconfigContext>, AppError> {
    ssr::context().await?;
    backend::clusters::list_contexts(&kubeconfig).map_err(ssr::failed)
}

/// Connects with the given credentials and reports what it found, saving nothing. Admins only.
#[server(prefix = "/api", endpoint = "clusters/test", input = Json)]
pub async fn test_cluster_connection(source: ClusterSource) -> Result<ConnectionTest, AppError> {
    let (_, user) = ssr::context().await?;
    backend::clusters::test_connection(&user, &source)
        .await
        .map_err(ssr::failed)
}

/// Imports one or several contexts of a kubeconfig, all or none. Admins only.
#[server(prefix = "/api", endpoint = "clusters/import", input = Json)]
pub async fn import_clusters(
    kubeconfig: String,
    contexts: Vec<ContextImport>,
) -> Result<Vec<ClusterInfo>, AppError> {
    let (state, user) = ssr::context().await?;
    backend::clusters::import(
        &state.clusters,
        &user,
        &ssr::client(),
        &kubeconfig,
        contexts,
    )
    .await
    .map_err(ssr::failed)
}

/// Adds one cluster from a kubeconfig context or a server URL + token + CA. Admins only.
#[server(prefix = "/api", endpoint = "clusters/create", input = Json)]
pub async fn create_cluster(cluster: NewCluster) -> Result<ClusterInfo, AppError> {
    let (state, user) = ssr::context().await?;
    backend::clusters::create(&state.clusters, &user, &ssr::client(), cluster)
        .await
        .map_err(ssr::failed)
}

/// Changes settings; a `source` replaces the credentials. Admins only.
#[server(prefix = "/api", endpoint = "clusters/update", input = Json)]
pub async fn update_cluster(id: String, update: ClusterUpdate) -> Result<ClusterInfo, AppError> {
    let (state, user) = ssr::context().await?;
    let id = backend::clusters::parse_id(&id).map_err(ssr::failed)?;
    let updated = backend::clusters::update(&state.clusters, &user, &ssr::client(), id, update)
        .await
        .map_err(ssr::failed)?;
    // Live lists restart with the new credentials instead of keeping the old client.
    state.resources.stop_cluster(id);
    Ok(updated)
}

/// Deletes a cluster's registration; `confirm_name` must be its name. Admins only.
#[server(prefix = "/api", endpoint = "clusters/delete", input = Json)]
pub async fn delete_cluster(id: String, confirm_name: String) -> Result<(), AppError> {
    let (state, user) = ssr::context().await?;
    let id = backend::clusters::parse_id(&id).map_err(ssr::failed)?;
    backend::clusters::delete(&state.clusters, &user, &ssr::client(), id, &confirm_name)
        .await
        .map_err(ssr::failed)?;
    state.resources.stop_cluster(id);
    Ok(())
}

/// Checks the cluster's health now and returns it refreshed.
#[server(prefix = "/api", endpoint = "clusters/sync", input = Json)]
pub async fn sync_cluster(id: String) -> Result<ClusterInfo, AppError> {
    let (state, user) = ssr::context().await?;
    let id = backend::clusters::parse_id(&id).map_err(ssr::failed)?;
    backend::clusters::sync(&state.clusters, &user, &ssr::client(), id)
        .await
        .map_err(ssr::failed)
}

/// Counts by kind, node readiness, recent warnings and capacity, read live from the cluster.
#[server(prefix = "/api", endpoint = "clusters/overview", input = Json)]
pub async fn cluster_overview(id: String) -> Result<model::clusters::ClusterOverview, AppError> {
    let (state, _) = ssr::context().await?;
    let id = backend::clusters::parse_id(&id).map_err(ssr::failed)?;
    backend::clusters::overview::overview(&state.clusters, id)
        .await
        .map_err(ssr::failed)
}

/// The signed-in user's API tokens (never the tokens themselves).
#[server(prefix = "/api", endpoint = "tokens/list", input = Json)]
pub async fn list_api_tokens() -> Result<Vec<ApiTokenInfo>, AppError> {
    let (state, user) = ssr::context().await?;
    backend::api_tokens::list(&state.db, &user)
        .await
        .map_err(ssr::failed)
}

/// Creates a token; the answer holds it once, never again. Expiry 1–365 days (default 90).
#[server(prefix = "/api", endpoint = "tokens/create", input = Json)]
pub async fn create_api_token(
    name: String,
    expires_in_days: Option<u32>,
) -> Result<CreatedApiToken, AppError> {
    let (state, user) = ssr::context().await?;
    let new = model::api::NewApiToken {
        name,
        expires_in_days,
    };
    backend::api_tokens::create(&state.db, &user, &ssr::client(), &new)
        .await
        .map_err(ssr::failed)
}

/// Revokes one of the signed-in user's tokens.
#[server(prefix = "/api", endpoint = "tokens/revoke", input = Json)]
pub async fn revoke_api_token(id: String) -> Result<ApiTokenInfo, AppError> {
    let (state, user) = ssr::context().await?;
    backend::api_tokens::revoke(&state.db, &user, &ssr::client(), &id)
        .await
        .map_err(ssr::failed)
}

#[cfg(feature = "ssr")]
mod ssr {
    //! The state and user every function here starts from.

    use backend::{AppState, ClientInfo};
    use model::AppError;
    use model::auth::UserInfo;

    /// The shared state and the signed-in user (or `auth.required`).
    pub async fn context() -> Result<(AppState, UserInfo), AppError> {
        let user = crate::auth::require_user().await.map_err(failed)?;
        Ok((crate::auth::api::ssr::state()?, user))
    }

    pub use crate::auth::api::ssr::failed;

    /// Who is calling, for the audit log.
    pub fn client() -> ClientInfo {
        crate::auth::api::ssr::client_info()
    }
}
