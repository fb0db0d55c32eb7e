//! Header menus are `<details>` elements: they open and close without WASM, and keyboard and
//! screen-reader support comes with the element. With WASM, a click outside or Escape closes them.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Closes open menus on a click outside them or on Escape. Called once by the app root; on the
/// server it does nothing.
pub fn install_menu_dismissal() {
    _ = window_event_listener(leptos::ev::click, |ev| {
        let target = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Node>(t).ok());
        close_open_menus(|menu| target.as_ref().is_some_and(|t| menu.contains(Some(t))));
    });
    _ = window_event_listener(leptos::ev::keydown, |ev| {
        if ev.key() == "Escape" {
            close_open_menus(|_| false);
        }
    });
}

/// Closes every open `details.menu` except those `keep` says to leave open; when a menu
/// holding focus closes, focus goes back to its summary so the keyboard user is not lost.
fn close_open_menus(keep: impl Fn(&web_sys::Element) -> bool) {
    let Ok(open) = document().query_selector_all("details.menu[open]") else {
        return;
    };
    for i in 0..open.length() {
        let Some(menu) = open
            .item(i)
            .and_then(|n| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(n).ok())
        else {
            continue;
        };
        if keep(&menu) {
            continue;
        }
        let had_focus = document()
            .active_element()
            .is_some_and(|a| menu.contains(Some(&a)));
        _ = menu.remove_attribute("open");
        if had_focus
            && let Some(summary) = menu
                .query_selector("summary")
                .ok()
                .flatten()
                .and_then(|s| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(s).ok())
        {
            _ = summary.focus();
        }
    }
}

/// Closes the menu that holds the element an event came from (after a choice was made).
pub fn close_menu_of(ev: &leptos::ev::MouseEvent) {
    let menu = ev
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        .and_then(|el| el.closest("details").ok().flatten());
    if let Some(menu) = menu {
        _ = menu.remove_attribute("open");
    }
}

/// Hidden inputs that carry the current query (e.g. the login page's `next`) through a
/// preference form submitted without WASM, minus the keys the form sets itself and the
/// error markers of a failed server action.
#[component]
pub fn KeepQuery(#[prop(into)] except: &'static str) -> impl IntoView {
    let query = use_query_map();
    move || {
        query
            .get()
            .into_iter()
            .filter(|(key, _)| key != except && key != "__err" && key != "__path")
            .map(|(key, value)| view! { <input type="hidden" name=key.to_string() value=value/> })
            .collect_view()
    }
}
