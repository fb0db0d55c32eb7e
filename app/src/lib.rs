//! Capstan's Leptos UI. Feature `ssr` renders on the server (and pulls in `backend`); feature
//! `hydrate` builds the same components for the browser.

// Leptos views nest deeply in their types; release builds need a higher limit.
#![recursion_limit = "512"]

pub mod apps;
pub mod audit;
pub mod auth;
pub mod clusters;
pub mod components;
pub mod i18n;
pub mod logs;
pub mod nav;
pub mod pages;
pub mod preferences;
pub mod resources;
pub mod session;

use leptos::prelude::*;
use leptos_meta::{Html, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};

use components::menu::install_menu_dismissal;
use components::shell::AppShell;
use components::theme_switch::ThemeChoice;
use i18n::I18n;
use pages::apps::{AppsPage, EditAppPage, NewAppPage};
use pages::audit::AuditPage;
use pages::clusters::{
    import::ClusterImportPage, list::ClusterListPage, overview::ClusterOverviewPage,
    settings::ClusterSettingsPage, tokens::ApiTokensPage,
};
use pages::logs::LogsPage;
use pages::resources::detail::ObjectDetailPage;
use pages::resources::list::ResourceListPage;
use pages::resources::{create::CreateObjectsPage, yaml::ObjectYamlPage};
use pages::terminal::TerminalPage;
use pages::{home::HomePage, login::LoginPage, not_found::NotFound};

/// Where the browser finds the JavaScript modules the WASM bundle imports by name.
const IMPORT_MAP: &str =
    r#"{"imports":{"xterm":"/vendor/xterm.mjs","xterm-addon-fit":"/vendor/addon-fit.mjs"}}"#;

/// The HTML document around every page, rendered on the server only. `<html>` carries no
/// attributes here: `lang` and `data-theme` come from [`App`] through `leptos_meta::Html`, so
/// they are right in the first byte sent and follow later changes in the browser.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // Static head tags live here, rendered once on the server: leptos_meta's
                // `Stylesheet`/`Link` fail to hydrate in release builds (without
                // `erase_components`) and nothing about them is reactive.
                <meta name="color-scheme" content="light dark"/>
                <link rel="stylesheet" id="leptos" href="/pkg/capstan.css"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                // The WASM bundle imports xterm.js by its bare module names (xterm-js-rs): the
                // import map, before any module script, points them at the vendored files.
                <script type="importmap" inner_html=IMPORT_MAP></script>
                <link rel="stylesheet" href="/vendor/xterm.css"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The application: preferences, routes and the providers every page relies on.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let initial = preferences::initial();
    let i18n = I18n::provide(initial.lang);
    let ThemeChoice(theme) = ThemeChoice::provide(initial.theme);
    install_menu_dismissal();
    // Effects run only in the browser, after hydration: tests (and CSS, if ever needed) can tell
    // a live page from server HTML that is still waiting for its WASM.
    Effect::new(|_| {
        if let Some(root) = document().document_element() {
            _ = root.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Html {..} lang=move || i18n.lang().html_lang() data-theme=move || theme.get().code()/>
        <Title text="Capstan"/>
        <Router>
            <Routes fallback=|| view! { <AppShell><NotFound/></AppShell> }>
                // PartiallyBlocked: the blocking user resource is rendered into the first HTML on
                // the server, so pages read right without JavaScript (out-of-order streaming
                // would leave fallbacks for a script to fill in).
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::PartiallyBlocked/>
                <ParentRoute path=path!("") view=|| view! { <AppShell><Outlet/></AppShell> } ssr=SsrMode::PartiallyBlocked>
                    <Route path=path!("") view=HomePage/>
                    <Route path=path!("/clusters") view=ClusterListPage/>
                    <Route path=path!("/clusters/import") view=ClusterImportPage/>
                    <Route path=path!("/clusters/:id") view=ClusterOverviewPage/>
                    <Route path=path!("/clusters/:id/settings") view=ClusterSettingsPage/>
                    <Route path=path!("/clusters/:id/resources/:kind") view=ResourceListPage/>
                    <Route path=path!("/clusters/:id/resources/:kind/:ns/:name") view=ObjectDetailPage/>
                    <Route path=path!("/clusters/:id/resources/:kind/:ns/:name/yaml") view=ObjectYamlPage/>
                    <Route path=path!("/clusters/:id/create") view=CreateObjectsPage/>
                    <Route path=path!("/clusters/:id/logs/:kind/:ns/:name") view=LogsPage/>
                    <Route path=path!("/clusters/:id/terminal/:ns/:pod") view=TerminalPage/>
                    <Route path=path!("/clusters/:id/node-terminal/:node") view=TerminalPage/>
                    <Route path=path!("/clusters/:id/apps") view=AppsPage/>
                    <Route path=path!("/clusters/:id/apps/new") view=NewAppPage/>
                    <Route path=path!("/clusters/:id/apps/:ns/:name") view=EditAppPage/>
                    <Route path=path!("/tokens") view=ApiTokensPage/>
                    <Route path=path!("/audit") view=AuditPage/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
