//! Small inline SVG icons. Decorative: every one is `aria-hidden`, and the control around it
//! carries the accessible name.

use leptos::prelude::*;

/// The Capstan mark: a capstan seen from the side (drum, cap, bars), drawn in the accent colour.
#[component]
pub fn Logo() -> impl IntoView {
    view! {
        <svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
            <rect x="1" y="1" width="30" height="30" rx="8" class="logo-bg"/>
            <rect x="6" y="8" width="20" height="4" rx="2" class="logo-fg"/>
            <path d="M11 12h10l-1.5 9h-7z" class="logo-fg"/>
            <rect x="9" y="21" width="14" height="4" rx="1.5" class="logo-fg"/>
        </svg>
    }
}

/// One stroke icon at 20 px in the current text colour.
#[component]
fn Stroke(children: Children) -> impl IntoView {
    view! {
        <svg
            class="icon"
            viewBox="0 0 24 24"
            width="20"
            height="20"
            fill="none"
            stroke="currentColor"
            stroke-width="1.8"
            stroke-linecap="round"
            stroke-linejoin="round"
            aria-hidden="true"
            focusable="false"
        >
            {children()}
        </svg>
    }
}

#[component]
pub fn MenuIcon() -> impl IntoView {
    view! { <Stroke><path d="M4 6h16M4 12h16M4 18h16"/></Stroke> }
}

#[component]
pub fn CloseIcon() -> impl IntoView {
    view! { <Stroke><path d="M6 6l12 12M18 6L6 18"/></Stroke> }
}

#[component]
pub fn HomeIcon() -> impl IntoView {
    view! { <Stroke><path d="M4 11l8-7 8 7v9a1 1 0 0 1-1 1h-5v-6h-4v6H5a1 1 0 0 1-1-1z"/></Stroke> }
}

#[component]
pub fn SunIcon() -> impl IntoView {
    view! {
        <Stroke>
            <circle cx="12" cy="12" r="4"/>
            <path d="M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4"/>
        </Stroke>
    }
}

#[component]
pub fn MoonIcon() -> impl IntoView {
    view! { <Stroke><path d="M20 14.5A8 8 0 1 1 9.5 4a6.5 6.5 0 0 0 10.5 10.5z"/></Stroke> }
}

#[component]
pub fn MonitorIcon() -> impl IntoView {
    view! { <Stroke><rect x="3" y="4" width="18" height="12" rx="2"/><path d="M8 20h8M12 16v4"/></Stroke> }
}

#[component]
pub fn LanguageIcon() -> impl IntoView {
    view! {
        <Stroke>
            <circle cx="12" cy="12" r="9"/>
            <path d="M3 12h18M12 3c2.5 2.7 3.8 5.7 3.8 9s-1.3 6.3-3.8 9c-2.5-2.7-3.8-5.7-3.8-9S9.5 5.7 12 3z"/>
        </Stroke>
    }
}

#[component]
pub fn ChevronDownIcon() -> impl IntoView {
    view! { <Stroke><path d="M6 9l6 6 6-6"/></Stroke> }
}

#[component]
pub fn CheckIcon() -> impl IntoView {
    view! { <Stroke><path d="M5 12l5 5 9-10"/></Stroke> }
}

#[component]
pub fn SignOutIcon() -> impl IntoView {
    view! { <Stroke><path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 17l-5-5 5-5M5 12h11"/></Stroke> }
}

#[component]
pub fn UserIcon() -> impl IntoView {
    view! { <Stroke><circle cx="12" cy="8" r="4"/><path d="M4 21a8 8 0 0 1 16 0"/></Stroke> }
}

#[component]
pub fn AlertIcon() -> impl IntoView {
    view! { <Stroke><circle cx="12" cy="12" r="9"/><path d="M12 7v6M12 16.5v.5"/></Stroke> }
}
