//! The language menu in the header and on the sign-in page.

use leptos::prelude::*;

use super::icons::{CheckIcon, ChevronDownIcon, LanguageIcon};
use super::menu::{KeepQuery, close_menu_of};
use crate::i18n::{Lang, use_i18n};
use crate::preferences::{LANG_COOKIE, remember};

/// A menu listing every language by its own name. With WASM the switch is instant and stored
/// in a cookie; without, the buttons submit `?lang=` and the server stores it.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let choose = move |lang: Lang, ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        remember(LANG_COOKIE, lang.code());
        i18n.set(lang);
        close_menu_of(&ev);
    };
    view! {
        <details class="menu" data-testid="language-menu">
            <summary class="menu-button" aria-label=move || i18n.t().shell.language title=move || i18n.t().shell.language>
                <LanguageIcon/>
                <span class="menu-button-text" lang=move || i18n.lang().html_lang()>
                    {move || i18n.t().language_name}
                </span>
                <ChevronDownIcon/>
            </summary>
            <form class="menu-panel" method="get">
                <KeepQuery except="lang"/>
                {Lang::ALL
                    .into_iter()
                    .map(|lang| {
                        view! {
                            <button
                                type="submit"
                                name="lang"
                                value=lang.code()
                                class="menu-item"
                                lang=lang.html_lang()
                                aria-pressed=move || (i18n.lang() == lang).to_string()
                                data-testid=format!("language-{}", lang.code())
                                on:click=move |ev| choose(lang, ev)
                            >
                                <span class="menu-item-check"><CheckIcon/></span>
                                {lang.messages().language_name}
                            </button>
                        }
                    })
                    .collect_view()}
            </form>
        </details>
    }
}
