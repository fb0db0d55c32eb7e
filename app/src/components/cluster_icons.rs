//! Icons for the cluster and token pages, drawn like the shell's (24-unit grid, 1.8 stroke).

use leptos::prelude::*;

/// The same frame as the shell's stroke icons: decorative, coloured by the text.
#[component]
fn Stroke(children: Children) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor"
            stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
            {children()}
        </svg>
    }
}

/// Three stacked servers: a cluster.
#[component]
pub fn ClustersIcon() -> impl IntoView {
    view! {
        <Stroke>
            <rect x="3" y="3" width="18" height="5" rx="1.5"/>
            <rect x="3" y="10" width="18" height="5" rx="1.5"/>
            <rect x="3" y="17" width="18" height="4" rx="1.5"/>
            <path d="M7 5.5h.01M7 12.5h.01M7 19h.01"/>
        </Stroke>
    }
}

/// A key: API tokens.
#[component]
pub fn KeyIcon() -> impl IntoView {
    view! {
        <Stroke>
            <circle cx="8" cy="15" r="4"/>
            <path d="M11 12l9-9M17 6l3 3M15 8l2 2"/>
        </Stroke>
    }
}

/// Circular arrows: sync.
#[component]
pub fn SyncIcon() -> impl IntoView {
    view! {
        <Stroke>
            <path d="M20 11a8 8 0 0 0-14.6-4.5L4 8M4 4v4h4M4 13a8 8 0 0 0 14.6 4.5L20 16M20 20v-4h-4"/>
        </Stroke>
    }
}
