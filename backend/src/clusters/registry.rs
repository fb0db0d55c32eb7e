//! One `kube::Client` per managed cluster, built from its stored credentials.
//!
//! Clients are built on first use and kept; an edit on this replica rebuilds the client at once,
//! a delete drops it. Edits made by another replica are picked up when the health checker
//! reconciles (every cycle), because each entry remembers the row's `updated_at`.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};
use kube::Client;
use tokio::sync::Notify;
use uuid::Uuid;

use super::ClusterError;
use super::connect;
use super::kubeconfig::ClusterCredentials;
use super::rows::{self, ClusterRow};
use crate::crypto::SecretKey;
use crate::db::DbPool;
use crate::resources::DiscoveryCache;

/// The shared registry; cheap to clone.
#[derive(Clone)]
pub struct ClusterRegistry {
    inner: Arc<Inner>,
}

struct Inner {
    db: DbPool,
    key: SecretKey,
    clients: RwLock<HashMap<Uuid, Entry>>,
    /// What each cluster serves (the resource browser's navigation), dropped with its client.
    discovery: DiscoveryCache,
    /// Wakes the health checker for an immediate check of every cluster.
    sync_all: Notify,
}

#[derive(Clone)]
struct Entry {
    client: Client,
    updated_at: DateTime<Utc>,
}

impl ClusterRegistry {
    pub fn new(db: DbPool, key: SecretKey) -> Self {
        Self {
            inner: Arc::new(Inner {
                db,
                key,
                clients: RwLock::new(HashMap::new()),
                discovery: DiscoveryCache::default(),
                sync_all: Notify::new(),
            }),
        }
    }

    /// The database pool the cluster store lives in.
    pub fn db(&self) -> &DbPool {
        &self.inner.db
    }

    /// The client for `cluster_id`, built from its stored credentials on first use.
    pub async fn client(&self, cluster_id: Uuid) -> Result<Client, ClusterError> {
        if let Some(entry) = self.cached(cluster_id) {
            return Ok(entry.client);
        }
        let mut conn = self.db().get().await?;
        let (row, _) = rows::find(&mut conn, cluster_id)
            .await?
            .ok_or_else(|| ClusterError::NotFound(cluster_id.to_string()))?;
        drop(conn);
        self.rebuild(&row).await
    }

    /// The discovery cache of every cluster's kinds.
    pub fn discovery(&self) -> &DiscoveryCache {
        &self.inner.discovery
    }

    fn cached(&self, id: Uuid) -> Option<Entry> {
        self.inner
            .clients
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&id)
            .cloned()
    }

    /// (Re)builds and keeps the client of `row`.
    pub async fn rebuild(&self, row: &ClusterRow) -> Result<Client, ClusterError> {
        let creds = self.credentials(row)?;
        let client = connect::build_client(&creds, false)
            .await
            .map_err(|failure| ClusterError::Unreachable {
                cluster: row.name.clone(),
                failure,
            })?;
        self.inner
            .clients
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(
                row.id,
                Entry {
                    client: client.clone(),
                    updated_at: row.updated_at,
                },
            );
        self.inner.discovery.forget(row.id);
        Ok(client)
    }

    /// Forgets the client of a deleted cluster.
    pub fn remove(&self, cluster_id: Uuid) {
        self.inner
            .clients
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&cluster_id);
        self.inner.discovery.forget(cluster_id);
    }

    /// Drops clients of clusters that no longer exist or whose row changed since the client was
    /// built (another replica edited it); they are rebuilt on next use.
    pub fn reconcile(&self, current: &[ClusterRow]) {
        let fresh: HashMap<Uuid, DateTime<Utc>> =
            current.iter().map(|r| (r.id, r.updated_at)).collect();
        self.inner
            .clients
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .retain(|id, entry| fresh.get(id) == Some(&entry.updated_at));
        self.inner.discovery.retain(|id| fresh.contains_key(id));
    }

    /// Decrypts the credentials of `row` (bound to its id).
    pub fn credentials(&self, row: &ClusterRow) -> Result<ClusterCredentials, ClusterError> {
        let plain = self.inner.key.open(&row.credentials, row.id.as_bytes())?;
        Ok(ClusterCredentials::from_bytes(&plain)?)
    }

    /// Encrypts `creds` for the row `id`.
    pub fn seal(&self, id: Uuid, creds: &ClusterCredentials) -> Result<Vec<u8>, ClusterError> {
        Ok(self.inner.key.seal(&creds.to_bytes(), id.as_bytes())?)
    }

    /// Asks the health checker to check every cluster now.
    pub fn request_sync_all(&self) {
        self.inner.sync_all.notify_one();
    }

    pub(crate) async fn sync_all_requested(&self) {
        self.inner.sync_all.notified().await;
    }
}
