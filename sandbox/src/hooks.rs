//! Where cluster behaviour plugs into the API server.
//!
//! The API machinery serves everything the store can answer. What needs a simulated kubelet or metrics
//! (`pods/log`, `pods/exec`, `pods/attach`, `pods/portforward`, `metrics.k8s.io`, the Prometheus endpoint)
//! comes from [`Hooks`], which [`start_behaviour`] returns. The router calls a subresource hook with the raw
//! request, so a handler can upgrade it to a WebSocket (`WebSocketUpgrade::from_request(req.request, &())`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::Request;
use axum::response::Response;
use futures::future::BoxFuture;
use tokio_util::sync::CancellationToken;

use crate::error::SandboxError;
use crate::store::{GroupResource, ResourceType, Store};

/// A request for a subresource served by behaviour (e.g. `GET /api/v1/namespaces/ns/pods/web/log`).
pub struct SubresourceRequest {
    /// The store, to read the pod (or anything else).
    pub store: Store,
    /// The parent resource type (e.g. pods).
    pub resource: ResourceType,
    /// Namespace of the parent object.
    pub namespace: Option<String>,
    /// Name of the parent object.
    pub name: String,
    /// Subresource name (`log`, `exec`, …).
    pub subresource: String,
    /// The whole HTTP request: query string (`container`, `follow`, `command`…), headers, body, upgrade.
    pub request: Request,
}

/// Serves one subresource; errors should be `SandboxError(...).into_response()` so clients get a Status.
pub type SubresourceHandler =
    Arc<dyn Fn(SubresourceRequest) -> BoxFuture<'static, Response> + Send + Sync>;

/// Everything behaviour adds to the API server.
#[derive(Clone, Default)]
pub struct Hooks {
    /// Subresource handlers keyed by (parent type, subresource), e.g. `(pods, "log")`.
    pub subresources: HashMap<(GroupResource, String), SubresourceHandler>,
    /// Extra routes (e.g. `/apis/metrics.k8s.io/v1beta1/...`, `/metrics`), served behind the same bearer
    /// token and fault injection as the API. Types they serve should be registered in the store with
    /// `stored: false` so that discovery lists them.
    pub routes: Option<axum::Router>,
}

impl Hooks {
    /// Registers a subresource handler.
    pub fn subresource(
        &mut self,
        resource: GroupResource,
        subresource: &str,
        handler: SubresourceHandler,
    ) {
        self.subresources
            .insert((resource, subresource.to_string()), handler);
    }
}

/// What to seed the cluster with at start-up.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scenario {
    /// Nothing beyond the default namespaces.
    Empty,
    /// A small realistic cluster (a few nodes, a shop demo, a GPU node, a tainted node).
    #[default]
    Demo,
    /// A cluster at scale: this many nodes and pods.
    Scale {
        /// Node count.
        nodes: usize,
        /// Pod count.
        pods: usize,
    },
}

/// Starts cluster behaviour: seeds `scenario` into `store`, spawns controllers (they stop when `shutdown`
/// is cancelled) and returns the hooks the API server should call.
///
/// This is the single entry point from the API machinery into `behaviour/`; the behaviour module fills it.
pub async fn start_behaviour(
    store: &Store,
    scenario: &Scenario,
    shutdown: CancellationToken,
) -> Result<Hooks, SandboxError> {
    crate::behaviour::start(store, scenario, shutdown).await
}
