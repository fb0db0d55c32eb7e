//! The top bar: menu button (phone), product name, the cluster switcher, and the
//! language, theme and account menus.

use leptos::prelude::*;

use super::cluster_switcher::ClusterSwitcher;
use super::icons::{Logo, MenuIcon};
use super::language_switch::LanguageSwitch;
use super::shell::Drawer;
use super::theme_switch::ThemeSwitch;
use super::user_menu::UserMenu;
use crate::i18n::use_i18n;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let drawer = expect_context::<Drawer>();
    view! {
        <header class="app-header">
            <button
                type="button"
                class="icon-button nav-toggle"
                data-testid="nav-toggle"
                aria-controls="app-sidebar"
                aria-expanded=move || drawer.open.get().to_string()
                aria-label=move || i18n.t().shell.open_navigation
                on:click=move |_| drawer.open.update(|open| *open = !*open)
            >
                <MenuIcon/>
            </button>
            <Brand/>
            <div class="header-context" data-testid="cluster-switcher-slot">
                <ClusterSwitcher/>
            </div>
            <div class="header-actions">
                <LanguageSwitch/>
                <ThemeSwitch/>
                <UserMenu/>
            </div>
        </header>
    }
}

/// Logo and product name, linking home.
#[component]
pub fn Brand() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="brand" href="/" aria-label=move || i18n.t().shell.home_link_label data-testid="brand">
            <Logo/>
            <span class="brand-name">{move || i18n.t().shell.product_name}</span>
        </a>
    }
}
