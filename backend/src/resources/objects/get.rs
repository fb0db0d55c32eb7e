//! Reading one object for the editor (YAML) or the REST API (JSON).

use model::objects::{ObjectRef, ObjectYaml};
use model::resources::KindInfo;
use serde_json::Value;
use uuid::Uuid;

use super::target::Target;
use super::{secrets, yaml};
use crate::clusters::ClusterRegistry;
use crate::resources::ResourceError;

/// `object` as YAML, `metadata.managedFields` left out unless `managed_fields`; a Secret's
/// values are replaced by [`model::objects::SECRET_PLACEHOLDER`].
pub async fn get_yaml(
    registry: &ClusterRegistry,
    cluster: Uuid,
    object: &ObjectRef,
    managed_fields: bool,
) -> Result<ObjectYaml, ResourceError> {
    let target = Target::resolve(registry, cluster, object).await?;
    let live = target.fetch_existing(registry, cluster).await?;
    Ok(present(&target.entry.info, live, managed_fields))
}

/// `object` as JSON, managed fields left out and a Secret's values hidden, with its kind.
pub async fn get_json(
    registry: &ClusterRegistry,
    cluster: Uuid,
    object: &ObjectRef,
) -> Result<(KindInfo, Value), ResourceError> {
    let target = Target::resolve(registry, cluster, object).await?;
    let live = target.fetch_existing(registry, cluster).await?;
    let info = target.entry.info;
    Ok((info.clone(), sanitise(&info, live, false)))
}

/// The object as it may leave the server: managed fields stripped unless asked for, Secret
/// values hidden.
pub(super) fn sanitise(kind: &KindInfo, mut object: Value, managed_fields: bool) -> Value {
    if !managed_fields {
        yaml::strip_managed_fields(&mut object);
    }
    if secrets::is_secret(kind) {
        secrets::hide(&mut object);
    }
    object
}

/// The object as the editor shows it.
pub(super) fn present(kind: &KindInfo, object: Value, managed_fields: bool) -> ObjectYaml {
    let object = sanitise(kind, object, managed_fields);
    ObjectYaml {
        kind: kind.clone(),
        yaml: yaml::render(&object),
        resource_version: yaml::text_at(&object, "/metadata/resourceVersion")
            .unwrap_or_default()
            .to_string(),
        managed_fields_hidden: !managed_fields,
        secret_values_hidden: secrets::is_secret(kind),
    }
}
