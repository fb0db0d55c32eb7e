//! Server functions of the object detail page: thin wrappers over `backend::resources::detail`.
//!
//! Error codes the UI may translate: `resource.not_found`, `resource.forbidden`,
//! `resource.kind_unknown`, `resource.invalid_object`, `secret.reveal_forbidden`,
//! `secret.key_not_found`, `audit.unavailable`, `cluster.not_found`, `cluster.unreachable`,
//! `auth.required`.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::AppError;
use model::detail::{ObjectDetail, RevealedSecret};
use model::objects::ObjectRef;

/// Everything the detail page shows about `object` in `cluster`. Any signed-in user; Secrets
/// come with key names and sizes only.
#[server(prefix = "/api", endpoint = "resources/detail", input = Json)]
pub async fn get_object_detail(
    cluster: String,
    object: ObjectRef,
) -> Result<ObjectDetail, AppError> {
    let (state, user, id) = ssr::context(&cluster).await?;
    backend::resources::detail::object_detail(&state.clusters, &user, id, &object)
        .await
        .map_err(ssr::failed)
}

/// The value of one key of a Secret. Administrators only (until roles exist); every call is
/// written to the audit log as `secret.reveal`, refused ones included.
#[server(prefix = "/api", endpoint = "resources/secret/reveal", input = Json)]
pub async fn reveal_secret_value(
    cluster: String,
    namespace: String,
    name: String,
    key: String,
) -> Result<RevealedSecret, AppError> {
    let (state, user, id) = ssr::context(&cluster).await?;
    let client = crate::auth::api::ssr::client_info();
    backend::resources::detail::reveal_secret_value(
        &state.clusters,
        &user,
        &client,
        id,
        &namespace,
        &name,
        &key,
    )
    .await
    .map_err(ssr::failed)
}

#[cfg(feature = "ssr")]
mod ssr {
    //! The state, the signed-in user and the cluster id every function starts from.

    use backend::AppState;
    use model::AppError;
    use model::auth::UserInfo;
    use uuid::Uuid;

    pub use crate::auth::api::ssr::failed;

    pub async fn context(cluster: &str) -> Result<(AppState, UserInfo, Uuid), AppError> {
        let user = crate::auth::require_user().await.map_err(failed)?;
        let state = crate::auth::api::ssr::state()?;
        let id = backend::clusters::parse_id(cluster).map_err(failed)?;
        Ok((state, user, id))
    }
}
