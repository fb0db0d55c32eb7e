//! The one state value every request handler, SSR render and server function reads.

use std::sync::Arc;

use crate::clusters::ClusterRegistry;
use crate::config::Config;
use crate::db::DbPool;
use crate::resources::ResourceHub;

/// Shared application state: cheap to clone, provided to axum and to Leptos as context.
#[derive(Clone)]
pub struct AppState {
    pub db: DbPool,
    pub config: Arc<Config>,
    /// One kube client per managed cluster, and the key that seals their credentials.
    pub clusters: ClusterRegistry,
    /// The resource browser's shared reflectors, one per (cluster, kind).
    pub resources: ResourceHub,
}
