//! The sidebar's kinds of the current cluster, grouped as operators expect (Workloads,
//! Network, Config, Storage, Cluster, Custom Resources). Only the kinds the cluster serves
//! appear; custom resources come from its CRDs.

use leptos::prelude::*;
use leptos_router::components::A;
use model::resources::{KindInfo, NavGroup};

use super::current_cluster::use_cluster_directory;
use super::shell::Drawer;
use crate::i18n::{Messages, use_i18n};
use crate::resources::api::list_kinds;
use crate::resources::display::plural_title;

fn group_label(t: &'static Messages, group: NavGroup) -> &'static str {
    match group {
        NavGroup::Workloads => t.nav.workloads,
        NavGroup::Network => t.nav.network,
        NavGroup::Config => t.nav.config,
        NavGroup::Storage => t.nav.storage,
        NavGroup::Cluster => t.nav.cluster,
        NavGroup::CustomResources => t.nav.custom_resources,
    }
}

#[component]
pub fn ResourceNav() -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    let drawer = expect_context::<Drawer>();
    // Rendered once the page is live, like the switcher: the kinds load without holding up the
    // first HTML, and server and browser agree on what hydration finds.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let current = Memo::new(move |_| directory.current().map(|c| c.id));
    let kinds = LocalResource::new(move || {
        let id = current.get();
        async move {
            match id {
                Some(id) => list_kinds(id.clone()).await.map(|k| (id, k)).ok(),
                None => None,
            }
        }
    });
    let content = move || {
        if !mounted.get() {
            return None;
        }
        let (cluster, kinds) = kinds.get().flatten()?;
        let t = i18n.t();
        Some(
            NavGroup::ALL
                .into_iter()
                .filter_map(|group| {
                    let items: Vec<KindInfo> = kinds.iter().filter(|k| k.nav == group).cloned().collect();
                    if items.is_empty() {
                        return None;
                    }
                    let cluster = cluster.clone();
                    // Apps made with the form sit at the top of the workloads.
                    let apps = (group == NavGroup::Workloads).then(|| {
                        let href = format!("/clusters/{cluster}/apps");
                        view! {
                            <li on:click=move |_| drawer.open.set(false)>
                                <A href=href attr:class="nav-link nav-kind" attr:data-testid="nav-apps">
                                    <span>{t.apps.title}</span>
                                </A>
                            </li>
                        }
                    });
                    Some(view! {
                        <div class="nav-group" data-testid=format!("nav-group-{group:?}")>
                            <h2 class="nav-group-title">{group_label(t, group)}</h2>
                            <ul class="nav-list">
                                {apps}
                                {items
                                    .into_iter()
                                    .map(|k| {
                                        let href = format!("/clusters/{cluster}/resources/{}", k.key);
                                        view! {
                                            <li on:click=move |_| drawer.open.set(false)>
                                                <A href=href attr:class="nav-link nav-kind" attr:data-testid=format!("nav-kind-{}", k.key)>
                                                    <span>{plural_title(&k.kind)}</span>
                                                </A>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        </div>
                    })
                })
                .collect_view(),
        )
    };
    view! { <div class="resource-nav" data-testid="resource-nav">{content}</div> }
}
