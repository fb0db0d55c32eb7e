//! The cluster switcher in the header: the current cluster's name and status, and a menu of
//! every cluster. A `<details>` menu like the others, and each choice is a real link, so it
//! works before the WASM arrives; switching keeps the kind of page (settings → settings).

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use model::clusters::ClusterInfo;

use super::cluster_badges::{EnvBadge, StatusDot, status_label};
use super::current_cluster::{switched_path, use_cluster_directory};
use super::icons::ChevronDownIcon;
use super::menu::close_menu_of;
use crate::i18n::use_i18n;

#[component]
pub fn ClusterSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    // Rendered only once the page is live: the list loads without blocking the first HTML, and
    // server and browser must agree on what hydration finds.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));

    let content = move || {
        if !mounted.get() {
            return None;
        }
        let clusters = directory.list.get()?.ok()?;
        let current = directory.current();
        let t = i18n.t();
        let name = current
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_else(|| t.clusters.switcher_none.to_string());
        let status = current
            .as_ref()
            .map(|c| c.health.status)
            .unwrap_or_default();
        let current_id = current.map(|c| c.id);
        let summary_label = format!(
            "{}: {} ({})",
            t.clusters.switcher_label,
            name,
            status_label(t, status)
        );
        Some(view! {
            <details class="menu cluster-switcher" data-testid="cluster-switcher">
                <summary
                    class="menu-button"
                    aria-label=summary_label
                >
                    <StatusDot status=status/>
                    <span class="menu-button-text cluster-switcher-name" data-testid="cluster-switcher-current">{name}</span>
                    <ChevronDownIcon/>
                </summary>
                <div class="menu-panel cluster-switcher-panel">
                    <ul class="cluster-switcher-list">
                        {clusters
                            .into_iter()
                            .map(|c| {
                                let selected = current_id.as_deref() == Some(c.id.as_str());
                                view! { <SwitcherItem cluster=c selected=selected/> }
                            })
                            .collect_view()}
                    </ul>
                    <a class="menu-item cluster-switcher-all" href="/clusters" data-testid="cluster-switcher-all" on:click=|ev| close_menu_of(&ev)>
                        {t.clusters.all_clusters}
                    </a>
                </div>
            </details>
        })
    };

    view! { <Transition fallback=|| ()>{content}</Transition> }
}

/// One cluster in the menu: a link to the same kind of page for that cluster.
#[component]
fn SwitcherItem(cluster: ClusterInfo, selected: bool) -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    let location = use_location();
    let id = cluster.id.clone();
    let href = {
        let id = id.clone();
        move || location.pathname.with(|path| switched_path(path, &id))
    };
    let status = cluster.health.status;
    view! {
        <li>
            <a
                class="menu-item cluster-switcher-item"
                href=href
                aria-current=selected.then_some("true")
                data-testid=format!("cluster-switch-{}", cluster.name)
                on:click=move |ev| {
                    directory.choose(&id);
                    close_menu_of(&ev);
                }
            >
                <StatusDot status=status/>
                <span class="cluster-switcher-item-name">{cluster.name.clone()}</span>
                <span class="visually-hidden">{move || format!(" ({})", status_label(i18n.t(), status))}</span>
                <EnvBadge env=cluster.environment colour=cluster.colour.clone()/>
            </a>
        </li>
    }
}
