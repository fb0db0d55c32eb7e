//! Which clusters exist and which one the reader is working in, shared by the switcher, the
//! production banner and the cluster pages through one context, so one refetch after an import,
//! edit, sync or delete updates all of them.
//!
//! The current cluster is the one in the address (`/clusters/{id}/…`) when there is one, else
//! the one remembered in the `capstan_cluster` cookie, else the default cluster. Visiting a
//! cluster's page remembers it, so pages without an id in their address (and the next visit)
//! follow the reader's last choice.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use model::AppError;
use model::clusters::ClusterInfo;

use crate::clusters::api::list_clusters;
use crate::preferences::remember;

/// The cookie that remembers the current cluster's id.
pub const CLUSTER_COOKIE: &str = "capstan_cluster";

/// The cluster list and the reader's current cluster.
#[derive(Clone, Copy)]
pub struct ClusterDirectory {
    pub list: Resource<Result<Vec<ClusterInfo>, AppError>>,
    /// The id in the cookie (updated in the browser when the reader switches).
    pub remembered: RwSignal<Option<String>>,
    /// The id in the current address, if it is a cluster page.
    pub in_path: Memo<Option<String>>,
}

impl ClusterDirectory {
    /// Loads the list and works out the current cluster; called once by the shell.
    pub fn provide() -> ClusterDirectory {
        let location = use_location();
        let in_path = Memo::new(move |_| {
            location
                .pathname
                .with(|path| cluster_id_in_path(path).map(str::to_string))
        });
        let directory = ClusterDirectory {
            list: Resource::new(|| (), |_| list_clusters()),
            remembered: RwSignal::new(remembered_cookie()),
            in_path,
        };
        // Opening a cluster's page makes it the current one for the pages that follow.
        Effect::new(move |_| {
            if let Some(id) = in_path.get() {
                remember(CLUSTER_COOKIE, &id);
                directory.remembered.set(Some(id));
            }
        });
        provide_context(directory);
        directory
    }

    /// The current cluster, once the list has loaded (tracked).
    pub fn current(self) -> Option<ClusterInfo> {
        let wanted = self.in_path.get().or_else(|| self.remembered.get());
        self.list.get().and_then(Result::ok).and_then(|clusters| {
            let found = wanted.and_then(|id| clusters.iter().find(|c| c.id == id).cloned());
            found.or_else(|| {
                clusters
                    .iter()
                    .find(|c| c.is_default)
                    .or(clusters.first())
                    .cloned()
            })
        })
    }

    /// Makes `id` the current cluster (on a page whose address names none).
    pub fn choose(self, id: &str) {
        remember(CLUSTER_COOKIE, id);
        self.remembered.set(Some(id.to_string()));
    }
}

/// The directory provided by the shell.
pub fn use_cluster_directory() -> ClusterDirectory {
    expect_context::<ClusterDirectory>()
}

/// The cluster id in `/clusters/{id}` or `/clusters/{id}/…`; `import` is a page, not an id.
pub fn cluster_id_in_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/clusters/")?;
    let id = rest.split('/').next().filter(|id| !id.is_empty())?;
    (id != "import").then_some(id)
}

/// Where switching to `to` leads from `path`: the same kind of page of the other cluster
/// (`/clusters/a/settings` → `/clusters/b/settings`), or the same page when its address names
/// no cluster.
pub fn switched_path(path: &str, to: &str) -> String {
    match cluster_id_in_path(path) {
        Some(from) => {
            let rest = &path["/clusters/".len() + from.len()..];
            format!("/clusters/{to}{rest}")
        }
        None => path.to_string(),
    }
}

/// The cookie's value: from the request on the server, from `document.cookie` in the browser
/// (the same cookie, so hydration starts from the same value).
fn remembered_cookie() -> Option<String> {
    #[cfg(feature = "ssr")]
    let header = use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .headers
            .get(http::header::COOKIE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    });
    #[cfg(not(feature = "ssr"))]
    let header = {
        use wasm_bindgen::JsCast;
        document()
            .dyn_into::<web_sys::HtmlDocument>()
            .ok()
            .and_then(|doc| doc.cookie().ok())
    };
    header
        .as_deref()
        .and_then(|h| crate::preferences::cookie_value(h, CLUSTER_COOKIE))
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_comes_from_cluster_pages_only() {
        assert_eq!(cluster_id_in_path("/clusters/abc"), Some("abc"));
        assert_eq!(cluster_id_in_path("/clusters/abc/settings"), Some("abc"));
        assert_eq!(cluster_id_in_path("/clusters/import"), None);
        assert_eq!(cluster_id_in_path("/clusters"), None);
        assert_eq!(cluster_id_in_path("/clusters/"), None);
        assert_eq!(cluster_id_in_path("/"), None);
    }

    #[test]
    fn switching_keeps_the_kind_of_page() {
        assert_eq!(
            switched_path("/clusters/a/settings", "b"),
            "/clusters/b/settings"
        );
        assert_eq!(switched_path("/clusters/a", "b"), "/clusters/b");
        assert_eq!(switched_path("/clusters", "b"), "/clusters");
        assert_eq!(switched_path("/", "b"), "/");
    }
}
