//! The signed-in user's menu: who they are, and signing out.

use leptos::prelude::*;
use model::auth::UserInfo;

use super::icons::{ChevronDownIcon, SignOutIcon, UserIcon};
use super::shell::use_current_user;
use crate::i18n::use_i18n;
use crate::session::Logout;

/// The first letter of the user's name, for the avatar circle.
fn initial(user: &UserInfo) -> String {
    let name = if user.display_name.trim().is_empty() {
        &user.username
    } else {
        &user.display_name
    };
    name.chars()
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default()
}

#[component]
pub fn UserMenu() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let logout = ServerAction::<Logout>::new();

    // After signing out with WASM, load the sign-in page afresh so no signed-in state lingers
    // in memory. Without WASM the form posts and the server redirects.
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            _ = window().location().set_href("/login");
        }
    });

    let content = move || {
        let user = user.get().and_then(|r| r.ok()).flatten()?;
        let t = i18n.t();
        let role = if user.is_admin {
            t.shell.administrator
        } else {
            t.shell.user
        };
        let display = if user.display_name.trim().is_empty() {
            user.username.clone()
        } else {
            user.display_name.clone()
        };
        Some(view! {
            <details class="menu user-menu" data-testid="user-menu">
                <summary class="menu-button" aria-label=format!("{}: {}", t.shell.user_menu, display)>
                    <span class="avatar" aria-hidden="true">{initial(&user)}</span>
                    <span class="menu-button-text user-menu-name" data-testid="user-name">{display.clone()}</span>
                    <ChevronDownIcon/>
                </summary>
                <div class="menu-panel menu-panel-end">
                    <div class="user-card">
                        <span class="user-card-icon"><UserIcon/></span>
                        <div>
                            <div class="user-card-caption">{t.shell.signed_in_as}</div>
                            <div class="user-card-name">{display}</div>
                            <div class="user-card-meta">{format!("{} · {}", user.username, role)}</div>
                        </div>
                    </div>
                    {user.is_admin.then(|| view! {
                        <a class="menu-item" href="/audit" data-testid="audit-link">
                            <span class="menu-item-check"></span>{t.audit.menu}
                        </a>
                    })}
                    <ActionForm action=logout attr:class="menu-form">
                        <button type="submit" class="menu-item" data-testid="logout-button" disabled=move || logout.pending().get()>
                            <span class="menu-item-check"><SignOutIcon/></span>
                            {move || if logout.pending().get() { i18n.t().shell.signing_out } else { i18n.t().shell.sign_out }}
                        </button>
                    </ActionForm>
                </div>
            </details>
        })
    };

    view! { <Transition fallback=|| ()>{content}</Transition> }
}
