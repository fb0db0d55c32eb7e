//! The resource browser's backend: which kinds a cluster serves, one shared in-memory reflector
//! per (cluster, kind), and lists filtered, sorted and paged on the server from it.
//!
//! - [`kinds`] discovers the kinds and places them in the navigation ([`discovery`]).
//! - [`ResourceHub`] owns the reflectors: started on first use, stopped when idle ([`hub`]).
//! - [`list`] answers one page of a kind ([`query`]), from compact rows ([`store`]) projected by
//!   the kind's columns ([`columns`]) — the columns `kubectl get` prints.
//! - [`ResourceHub::subscribe`] streams row deltas ([`RowEvent`]) for live tables.
//!
//! Scale policy: no whole object is kept. A row is a few interned strings, so 150 000 pods fit in
//! memory, and every viewer of a kind shares its one watch.

mod columns;
pub mod detail;
mod discovery;
pub(crate) mod error;
mod hub;
mod live;
pub mod objects;
mod query;
mod selector;
mod store;

use model::resources::{ListQuery, ResourcePage};
use uuid::Uuid;

pub use columns::PrinterColumn;
pub use discovery::{DISCOVERY_TTL, DiscoveryCache, FIRST_CONTACT_TIMEOUT, kinds, refresh_kinds};
pub use error::ResourceError;
pub(crate) use error::cluster_failure;
pub use hub::{HubSettings, ResourceHub, RowSubscription};
pub use live::{LiveSettings, serve_live};
pub use query::{DEFAULT_LIMIT, MAX_LIMIT};
pub use selector::LabelSelector;
pub use store::RowEvent;

/// One page of `kind_key`'s rows in `cluster`. The first call for a kind waits for its initial
/// list (or fails fast when the cluster cannot be reached); later calls read the cache.
pub async fn list(
    hub: &ResourceHub,
    cluster: Uuid,
    kind_key: &str,
    query: &ListQuery,
) -> Result<ResourcePage, ResourceError> {
    let kind = discovery::kind(hub.registry(), cluster, kind_key).await?;
    let columns = kind.projector.columns(kind.info.namespaced);
    // A bad query is refused before any watch starts.
    let valid = query::ValidQuery::new(query, &columns)?;
    let reflector = hub.reflector(cluster, &kind).await?;
    Ok(page_from(&reflector, &valid))
}

/// One page of a running reflector's rows.
fn page_from(reflector: &hub::Reflector, valid: &query::ValidQuery) -> ResourcePage {
    let store = reflector
        .store
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (rows, total) = query::page(
        store.rows(),
        &reflector.columns,
        reflector.kind.info.namespaced,
        valid,
    );
    let cached = store.len();
    drop(store);
    ResourcePage {
        kind: reflector.kind.info.clone(),
        columns: reflector.columns.clone(),
        rows,
        total,
        offset: valid.offset,
        limit: valid.limit,
        cached,
    }
}
