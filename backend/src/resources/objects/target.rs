//! The object a request is about, resolved against the cluster's discovery, and the few raw
//! requests the module makes (writes with `fieldValidation=Strict`, which kube's `PostParams`
//! cannot ask for).

use std::time::Duration;

use kube::api::{Api, DynamicObject, PostParams};
use kube::core::Request;
use kube::discovery::ApiResource;
use kube::{Client, Resource};
use model::FieldError;
use model::objects::ObjectRef;
use serde_json::Value;
use uuid::Uuid;

use super::super::discovery::{self, KindEntry};
use super::super::error::cluster_failure;
use crate::clusters::ClusterRegistry;
use crate::resources::ResourceError;

/// How long one request about one object may take.
pub const OBJECT_TIMEOUT: Duration = Duration::from_secs(30);

/// Capstan's name in `managedFields`.
pub const FIELD_MANAGER: &str = "capstan";

/// One object of a known kind in one cluster.
pub struct Target {
    pub entry: KindEntry,
    pub client: Client,
    pub namespace: Option<String>,
    pub name: String,
}

impl Target {
    /// Resolves `object`: its kind must be served, its namespace given exactly when the kind is
    /// namespaced (an empty namespace counts as none), its name not empty.
    pub async fn resolve(
        registry: &ClusterRegistry,
        cluster: Uuid,
        object: &ObjectRef,
    ) -> Result<Self, ResourceError> {
        let entry = discovery::kind(registry, cluster, &object.kind).await?;
        let namespace = object
            .namespace
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
        let kind = &entry.info.kind;
        let mut fields = Vec::new();
        match (&namespace, entry.info.namespaced) {
            (None, true) => fields.push(FieldError {
                field: "namespace".into(),
                message: format!("{kind} objects live in a namespace: say which one."),
            }),
            (Some(_), false) => fields.push(FieldError {
                field: "namespace".into(),
                message: format!("{kind} objects are cluster-scoped: leave the namespace out."),
            }),
            _ => {}
        }
        let name = object.name.trim().to_string();
        if name.is_empty() {
            fields.push(FieldError {
                field: "name".into(),
                message: format!("Say which {kind} (its name)."),
            });
        }
        if !fields.is_empty() {
            return Err(ResourceError::InvalidRequest(fields));
        }
        let client = registry.client(cluster).await?;
        Ok(Target {
            entry,
            client,
            namespace,
            name,
        })
    }

    pub fn api(&self) -> Api<DynamicObject> {
        api(
            &self.client,
            &self.entry.resource,
            self.namespace.as_deref(),
        )
    }

    /// "Deployment web" for messages.
    pub fn describe(&self) -> String {
        format!("{} {}", self.entry.info.kind, self.name)
    }

    /// The live object as JSON, or `None` when it does not exist.
    pub async fn fetch(
        &self,
        registry: &ClusterRegistry,
        cluster: Uuid,
    ) -> Result<Option<Value>, ResourceError> {
        let api = self.api();
        match within(registry, cluster, api.get_opt(&self.name)).await? {
            Ok(Some(object)) => Ok(Some(to_json(&object))),
            Ok(None) => Ok(None),
            Err(e) => Err(self.failure(registry, cluster, "read", &e).await),
        }
    }

    /// The live object as JSON, or [`ResourceError::NotFound`].
    pub async fn fetch_existing(
        &self,
        registry: &ClusterRegistry,
        cluster: Uuid,
    ) -> Result<Value, ResourceError> {
        self.fetch(registry, cluster)
            .await?
            .ok_or_else(|| self.not_found())
    }

    pub fn not_found(&self) -> ResourceError {
        ResourceError::NotFound {
            kind: self.entry.info.kind.clone(),
            name: self.name.clone(),
        }
    }

    /// Runs `request` about this object within the cluster's timeout; its failure in the
    /// module's terms (see [`Target::failure`]), `verb` saying what was tried.
    pub async fn call<T>(
        &self,
        registry: &ClusterRegistry,
        cluster: Uuid,
        verb: &str,
        request: impl Future<Output = Result<T, kube::Error>>,
    ) -> Result<T, ResourceError> {
        match within(registry, cluster, request).await? {
            Ok(value) => Ok(value),
            Err(e) => Err(self.failure(registry, cluster, verb, &e).await),
        }
    }

    /// A failed request about this object, in the module's terms.
    pub async fn failure(
        &self,
        registry: &ClusterRegistry,
        cluster: Uuid,
        action: &str,
        err: &kube::Error,
    ) -> ResourceError {
        match err {
            kube::Error::Api(status) if status.code == 404 => self.not_found(),
            kube::Error::Api(status) if status.code == 403 => ResourceError::Denied {
                action: action.into(),
                kind: self.entry.info.kind.clone(),
                name: self.name.clone(),
                message: status.message.clone(),
            },
            // kube refuses to build a request for a name no object can have.
            kube::Error::BuildRequest(e) => ResourceError::InvalidRequest(vec![FieldError {
                field: "name".into(),
                message: format!("{:?} cannot be the name of an object: {e}.", self.name),
            }]),
            kube::Error::Api(status) if status.code != 401 => ResourceError::Rejected {
                code: status.code,
                message: status.message.clone(),
            },
            _ => cluster_failure(registry, cluster, &self.entry.info.key, err).await,
        }
    }
}

pub fn api(client: &Client, resource: &ApiResource, namespace: Option<&str>) -> Api<DynamicObject> {
    match namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, resource),
        None => Api::all_with(client.clone(), resource),
    }
}

/// A kube object as plain JSON (apiVersion, kind, metadata, and the rest).
pub fn to_json(object: &DynamicObject) -> Value {
    serde_json::to_value(object).unwrap_or(Value::Null)
}

/// Runs `request` within [`OBJECT_TIMEOUT`]; a cluster that does not answer is unreachable.
pub async fn within<T>(
    registry: &ClusterRegistry,
    cluster: Uuid,
    request: impl Future<Output = T>,
) -> Result<T, ResourceError> {
    match tokio::time::timeout(OBJECT_TIMEOUT, request).await {
        Ok(result) => Ok(result),
        Err(_) => Err(ResourceError::timed_out(registry, cluster).await),
    }
}

/// How a write is sent.
#[derive(Debug, Clone, Copy)]
pub enum Write<'a> {
    /// POST to the kind's collection.
    Create,
    /// PUT over the named object.
    Replace(&'a str),
}

/// Sends `object` to the cluster with strict field validation (unknown fields are refused, as
/// kubectl does), optionally as a dry run. Returns what the cluster stored (or would store).
pub async fn write(
    client: &Client,
    resource: &ApiResource,
    namespace: Option<&str>,
    how: Write<'_>,
    object: &Value,
    dry_run: bool,
) -> Result<Value, kube::Error> {
    let params = PostParams {
        dry_run,
        field_manager: Some(FIELD_MANAGER.into()),
    };
    let body = serde_json::to_vec(object).map_err(kube::Error::SerdeError)?;
    let request = Request::new(DynamicObject::url_path(resource, namespace));
    let mut http = match how {
        Write::Create => request.create(&params, body),
        Write::Replace(name) => request.replace(name, &params, body),
    }
    .map_err(kube::Error::BuildRequest)?;
    let uri = format!("{}&fieldValidation=Strict", http.uri());
    *http.uri_mut() = uri.parse().map_err(|e: http::uri::InvalidUri| {
        kube::Error::BuildRequest(kube::core::request::Error::Validation(e.to_string()))
    })?;
    client.request::<Value>(http).await
}
