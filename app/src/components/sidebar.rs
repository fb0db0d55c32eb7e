//! The navigation: a fixed sidebar on desktop, a drawer over the page on a phone.

use leptos::html;
use leptos::prelude::*;
use leptos_router::components::A;

use super::header::Brand;
use super::icons::CloseIcon;
use super::resource_nav::ResourceNav;
use super::shell::Drawer;
use crate::i18n::use_i18n;
use crate::nav::NAV;

#[component]
pub fn Sidebar() -> impl IntoView {
    let i18n = use_i18n();
    let drawer = expect_context::<Drawer>();
    let close_button = NodeRef::<html::Button>::new();

    // Opening the drawer moves focus into it, so keyboard and screen-reader users land there.
    Effect::new(move |_| {
        if drawer.open.get()
            && let Some(button) = close_button.get()
        {
            _ = button.focus();
        }
    });

    let groups = move || {
        let t = i18n.t();
        NAV.iter()
            .filter(|group| !group.items.is_empty())
            .map(|group| {
                let heading = (group.label)(t);
                view! {
                    <div class="nav-group">
                        <h2 class="nav-group-title">{heading}</h2>
                        <ul class="nav-list">
                            {group
                                .items
                                .iter()
                                .map(|item| {
                                    view! {
                                        // Choosing a page closes the drawer, even the page already shown.
                                        <li on:click=move |_| drawer.open.set(false)>
                                            <A href=item.href attr:class="nav-link" attr:data-testid=format!("nav-{}", item.id)>
                                                {(item.icon)()}
                                                <span>{(item.label)(t)}</span>
                                            </A>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </div>
                }
            })
            .collect_view()
    };

    view! {
        <div class="drawer-backdrop" aria-hidden="true" on:click=move |_| drawer.close()></div>
        <nav
            id="app-sidebar"
            class="sidebar"
            aria-label=move || i18n.t().shell.main_navigation
            data-testid="sidebar"
        >
            <div class="sidebar-head">
                <Brand/>
                <button
                    type="button"
                    class="icon-button"
                    node_ref=close_button
                    data-testid="nav-close"
                    aria-label=move || i18n.t().shell.close_navigation
                    on:click=move |_| drawer.close()
                >
                    <CloseIcon/>
                </button>
            </div>
            {groups}
            <ResourceNav/>
        </nav>
    }
}
