//! Server functions for one object of any kind: its YAML, saving edited YAML (with a dry run
//! and conflict detection), creating objects from (multi-document) YAML, deleting.
//!
//! Thin wrappers over `backend::resources::objects`. Error codes the UI may translate:
//! `resource.kind_unknown`, `resource.not_found`, `resource.forbidden`, `resource.invalid_yaml`,
//! `resource.confirmation_required`, `cluster.read_only`, `cluster.confirmation_required`,
//! `cluster.not_found`, `cluster.unreachable`, `auth.required`. Validation problems of the YAML
//! itself are not errors: they come back as `SaveOutcome::Invalid` or per-document results,
//! placed at lines of the text the user sent.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::AppError;
use model::objects::{
    CreatedDocument, DeleteOptions, DeleteOutcome, ObjectRef, ObjectYaml, SaveOutcome,
};

/// The object as YAML, `metadata.managedFields` left out unless `managed_fields`; Secret values
/// are replaced by a placeholder. Any signed-in user.
#[server(prefix = "/api", endpoint = "resources/object-yaml", input = Json)]
pub async fn get_object_yaml(
    cluster: String,
    object: ObjectRef,
    managed_fields: bool,
) -> Result<ObjectYaml, AppError> {
    let (state, id, _) = ssr::context(&cluster).await?;
    backend::resources::objects::get_yaml(&state.clusters, id, &object, managed_fields)
        .await
        .map_err(ssr::failed)
}

/// Saves edited YAML over `object`, read at `resource_version`. With `dry_run` the cluster
/// validates without storing (`Valid` carries what it would store). Refused on read-only
/// clusters; audited as `resource.update`.
#[server(prefix = "/api", endpoint = "resources/save-yaml", input = Json)]
pub async fn save_object_yaml(
    cluster: String,
    object: ObjectRef,
    yaml: String,
    resource_version: String,
    dry_run: bool,
) -> Result<SaveOutcome, AppError> {
    let (state, id, actor) = ssr::context(&cluster).await?;
    let edit = backend::resources::objects::Edit {
        object: &object,
        yaml: &yaml,
        resource_version: &resource_version,
        dry_run,
    };
    backend::resources::objects::save_yaml(&state.clusters, &actor.as_actor(), id, edit)
        .await
        .map_err(ssr::failed)
}

/// Creates the objects of `yaml` (documents separated by `---`), in order. Namespaced objects
/// without a namespace go to `default_namespace` (or `default`). Every document is dry-run first:
/// if one fails nothing is created. Refused on read-only clusters; audited per object.
#[server(prefix = "/api", endpoint = "resources/create", input = Json)]
pub async fn create_objects(
    cluster: String,
    yaml: String,
    default_namespace: Option<String>,
    dry_run: bool,
) -> Result<Vec<CreatedDocument>, AppError> {
    let (state, id, actor) = ssr::context(&cluster).await?;
    let request = backend::resources::objects::CreateRequest {
        yaml: &yaml,
        default_namespace: default_namespace.as_deref(),
        dry_run,
        only_kind: None,
        pin_namespace: false,
    };
    backend::resources::objects::create(&state.clusters, &actor.as_actor(), id, request)
        .await
        .map_err(ssr::failed)
}

/// Deletes `object` with the given propagation policy and grace period. Namespaces, and any
/// object on a production cluster, need the name typed in `options.confirm`. Refused on
/// read-only clusters; audited as `resource.delete`.
#[server(prefix = "/api", endpoint = "resources/delete", input = Json)]
pub async fn delete_object(
    cluster: String,
    object: ObjectRef,
    options: DeleteOptions,
) -> Result<DeleteOutcome, AppError> {
    let (state, id, actor) = ssr::context(&cluster).await?;
    backend::resources::objects::delete(&state.clusters, &actor.as_actor(), id, &object, &options)
        .await
        .map_err(ssr::failed)
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    //! The state, the cluster id and the caller every function here starts from.

    use backend::resources::objects::Actor;
    use backend::{AppState, ClientInfo};
    use model::AppError;
    use model::auth::UserInfo;
    use uuid::Uuid;

    pub use crate::auth::api::ssr::failed;

    /// The signed-in user and their request, for the audit log.
    pub struct Caller {
        user: UserInfo,
        client: ClientInfo,
    }

    impl Caller {
        pub fn as_actor(&self) -> Actor<'_> {
            Actor {
                user: &self.user,
                client: &self.client,
            }
        }
    }

    pub async fn context(cluster: &str) -> Result<(AppState, Uuid, Caller), AppError> {
        let user = crate::auth::require_user().await.map_err(failed)?;
        let state = crate::auth::api::ssr::state()?;
        let id = backend::clusters::parse_id(cluster).map_err(failed)?;
        let client = crate::auth::api::ssr::client_info();
        Ok((state, id, Caller { user, client }))
    }
}
