//! The production guardrail: a banner in the cluster's colour on every page while the current
//! cluster is a production one, so nobody forgets where their clicks land.

use leptos::prelude::*;
use model::clusters::Environment;

use super::cluster_badges::{cluster_colour, text_colour_on};
use super::current_cluster::use_cluster_directory;
use crate::i18n::use_i18n;

#[component]
pub fn EnvBanner() -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    // Like the switcher: shown once the page is live, so hydration never meets a half-loaded list.
    let mounted = RwSignal::new(false);
    Effect::new(move |_| mounted.set(true));
    let banner = move || {
        if !mounted.get() {
            return None;
        }
        let cluster = directory
            .current()
            .filter(|c| c.environment == Environment::Production)?;
        let background = cluster_colour(&cluster.colour, cluster.environment);
        let style = format!(
            "background:{background};color:{}",
            text_colour_on(&background)
        );
        Some(view! {
            <div class="env-banner" role="status" style=style data-testid="env-banner">
                {(i18n.t().clusters.production_banner)(&cluster.name)}
            </div>
        })
    };
    view! { <Transition fallback=|| ()>{banner}</Transition> }
}
