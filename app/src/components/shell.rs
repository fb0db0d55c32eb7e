//! The frame of every signed-in page: skip link, header, sidebar (a drawer on a phone) and the
//! main landmark. The signed-in user is loaded once here and shared through context.

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use model::AppError;
use model::auth::UserInfo;

use super::current_cluster::ClusterDirectory;
use super::env_banner::EnvBanner;
use super::header::Header;
use super::sidebar::Sidebar;
use crate::i18n::use_i18n;
use crate::session::current_user;

/// The signed-in user, loaded once per page by [`AppShell`].
#[derive(Clone, Copy)]
pub struct SignedInUser(pub Resource<Result<Option<UserInfo>, AppError>>);

/// The user resource provided by [`AppShell`].
pub fn use_current_user() -> Resource<Result<Option<UserInfo>, AppError>> {
    expect_context::<SignedInUser>().0
}

/// Whether the phone drawer is open; the desktop sidebar ignores it.
#[derive(Clone, Copy)]
pub struct Drawer {
    pub open: RwSignal<bool>,
}

impl Drawer {
    /// Closes the drawer and gives focus back to the button that opened it.
    pub fn close(self) {
        if self.open.get_untracked() {
            self.open.set(false);
            if let Ok(Some(button)) = document().query_selector("[data-testid=nav-toggle]")
                && let Ok(button) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(button)
            {
                _ = button.focus();
            }
        }
    }
}

#[component]
pub fn AppShell(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    // Blocking: the first HTML already names the user (no "Loading…" flash, and it reads right
    // without JavaScript). Cheap, because the auth middleware has already looked the user up.
    provide_context(SignedInUser(Resource::new_blocking(
        || (),
        |_| current_user(),
    )));
    ClusterDirectory::provide();
    let drawer = Drawer {
        open: RwSignal::new(false),
    };
    provide_context(drawer);

    // Following a link in the drawer closes it.
    let location = use_location();
    Effect::new(move |_| {
        location.pathname.track();
        drawer.open.set(false);
    });

    // Escape closes the drawer wherever focus is.
    let escape = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            drawer.close();
        }
    });
    on_cleanup(move || escape.remove());

    view! {
        <a class="skip-link" href="#main-content">{move || i18n.t().shell.skip_to_content}</a>
        <div class="app" class:drawer-open=move || drawer.open.get()>
            <Header/>
            <Sidebar/>
            <main id="main-content" class="app-main" tabindex="-1" inert=move || drawer.open.get()>
                <EnvBanner/>
                {children()}
            </main>
        </div>
    }
}
