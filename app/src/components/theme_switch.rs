//! The light / dark / system theme menu.

use leptos::prelude::*;

use super::icons::{CheckIcon, ChevronDownIcon, MonitorIcon, MoonIcon, SunIcon};
use super::menu::{KeepQuery, close_menu_of};
use crate::i18n::use_i18n;
use crate::preferences::{THEME_COOKIE, Theme, remember};

/// The chosen theme, shared through context; `<html data-theme>` follows it.
#[derive(Clone, Copy)]
pub struct ThemeChoice(pub RwSignal<Theme>);

impl ThemeChoice {
    pub fn provide(initial: Theme) -> ThemeChoice {
        let choice = ThemeChoice(RwSignal::new(initial));
        provide_context(choice);
        choice
    }
}

fn theme_icon(theme: Theme) -> AnyView {
    match theme {
        Theme::Light => view! { <SunIcon/> }.into_any(),
        Theme::Dark => view! { <MoonIcon/> }.into_any(),
        Theme::System => view! { <MonitorIcon/> }.into_any(),
    }
}

#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let ThemeChoice(theme) = expect_context::<ThemeChoice>();
    let name = move |t: Theme| {
        let text = &i18n.t().theme;
        match t {
            Theme::Light => text.light,
            Theme::Dark => text.dark,
            Theme::System => text.system,
        }
    };
    let choose = move |t: Theme, ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        remember(THEME_COOKIE, t.code());
        theme.set(t);
        close_menu_of(&ev);
    };
    view! {
        <details class="menu" data-testid="theme-menu">
            <summary
                class="menu-button"
                aria-label=move || format!("{}: {}", i18n.t().shell.theme, name(theme.get()))
                title=move || i18n.t().shell.theme
            >
                {move || theme_icon(theme.get())}
                <ChevronDownIcon/>
            </summary>
            <form class="menu-panel" method="get">
                <KeepQuery except="theme"/>
                {Theme::ALL
                    .into_iter()
                    .map(|t| {
                        view! {
                            <button
                                type="submit"
                                name="theme"
                                value=t.code()
                                class="menu-item"
                                aria-pressed=move || (theme.get() == t).to_string()
                                data-testid=format!("theme-{}", t.code())
                                on:click=move |ev| choose(t, ev)
                            >
                                <span class="menu-item-check"><CheckIcon/></span>
                                {theme_icon(t)}
                                {move || name(t)}
                            </button>
                        }
                    })
                    .collect_view()}
            </form>
        </details>
    }
}
