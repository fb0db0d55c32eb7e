//! What the sidebar lists. The sidebar shows a group only once it has a page: later issues add
//! their groups here, in this order, so the structure stays predictable:
//! Overview, Clusters, Workloads, Network, Config, Storage, Cluster, Custom Resources,
//! Monitoring, Tasks, Audit (their names are already in the i18n catalog, `Nav`).

use leptos::prelude::*;

use crate::components::cluster_icons::{ClustersIcon, KeyIcon};
use crate::components::icons::HomeIcon;
use crate::i18n::Messages;

/// A page in the sidebar.
pub struct NavItem {
    pub href: &'static str,
    pub label: fn(&'static Messages) -> &'static str,
    pub icon: fn() -> AnyView,
    /// Stable handle for tests: `nav-<id>`.
    pub id: &'static str,
}

/// A titled group of pages.
pub struct NavGroup {
    pub label: fn(&'static Messages) -> &'static str,
    pub items: &'static [NavItem],
}

pub static NAV: &[NavGroup] = &[
    NavGroup {
        label: |t| t.nav.overview,
        items: &[NavItem {
            href: "/",
            label: |t| t.nav.home,
            icon: || view! { <HomeIcon/> }.into_any(),
            id: "home",
        }],
    },
    NavGroup {
        label: |t| t.nav.clusters,
        items: &[
            NavItem {
                href: "/clusters",
                label: |t| t.nav.clusters,
                icon: || view! { <ClustersIcon/> }.into_any(),
                id: "clusters",
            },
            NavItem {
                href: "/tokens",
                label: |t| t.nav.api_tokens,
                icon: || view! { <KeyIcon/> }.into_any(),
                id: "api-tokens",
            },
        ],
    },
];
