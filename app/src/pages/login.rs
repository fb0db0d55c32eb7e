//! The sign-in page. It works without WASM: the form posts straight to the `login` server
//! function, which redirects back here with the error in the query when sign-in fails. With
//! WASM the same form is sent by `fetch`, so the typed user name stays in place on failure.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::components::icons::{AlertIcon, Logo};
use crate::components::language_switch::LanguageSwitch;
use crate::components::theme_switch::ThemeSwitch;
use crate::i18n::{error_message, field_error, use_i18n};
use crate::session::{Login, current_user};

/// Where to go after signing in: only a path on this site, so `next` cannot send a user to
/// another origin (`//evil.example` and `/\evil.example` are both refused).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.starts_with("/\\")
                && !n.starts_with("/login") =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let next = Memo::new(move |_| query.with(|q| safe_next(q.get_str("next"))));
    let action = ServerAction::<Login>::new();

    // Someone already signed in (e.g. after a sign-in without WASM, which redirects back here)
    // goes straight on. Blocking, so the server can answer with a redirect.
    let signed_in = Resource::new_blocking(
        || (),
        |_| async { matches!(current_user().await, Ok(Some(_))) },
    );

    // With WASM: a successful sign-in loads the next page afresh, cookies and all.
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            _ = window().location().set_href(&next.get_untracked());
        }
    });

    let error = move || action.value().get().and_then(Result::err);
    let field = move |name: &'static str| {
        let lang = i18n.lang();
        error().and_then(|e| field_error(lang, &e, name))
    };
    let general = move || {
        let t = i18n.t();
        error()
            .filter(|e| e.fields.is_empty())
            .map(|e| error_message(t, &e))
    };

    view! {
        <Title text=move || i18n.t().login.page_title/>
        <Suspense fallback=|| ()>
            {move || signed_in.get().filter(|yes| *yes).map(|_| view! { <Redirect path=next.get()/> })}
        </Suspense>
        <div class="auth-page">
            <header class="auth-topbar">
                <LanguageSwitch/>
                <ThemeSwitch/>
            </header>
            <main id="main-content" class="auth-main">
                <div class="auth-card">
                    <div class="auth-brand">
                        <Logo/>
                        <span class="brand-name">{move || i18n.t().shell.product_name}</span>
                    </div>
                    <h1 class="auth-title">{move || i18n.t().login.heading}</h1>
                    <p class="auth-intro">{move || i18n.t().login.intro}</p>
                    <ActionForm action attr:class="form" attr:novalidate=true attr:data-testid="login-form">
                        <div class="form-alert-slot" role="alert" aria-live="assertive">
                            {move || {
                                general()
                                    .map(|message| {
                                        view! {
                                            <div class="form-alert" data-testid="login-error">
                                                <AlertIcon/>
                                                <span>{message}</span>
                                            </div>
                                        }
                                    })
                            }}
                        </div>
                        {move || next.get().ne("/").then(|| view! { <input type="hidden" name="next" value=next.get()/> })}
                        <div class="field">
                            <label for="login-username">{move || i18n.t().login.username}</label>
                            <input
                                id="login-username"
                                name="username"
                                type="text"
                                autocomplete="username"
                                autocapitalize="none"
                                spellcheck="false"
                                required
                                autofocus
                                data-testid="login-username"
                                aria-invalid=move || field("username").is_some().to_string()
                                aria-describedby=move || field("username").map(|_| "login-username-error")
                            />
                            {move || {
                                field("username")
                                    .map(|m| {
                                        view! {
                                            <p id="login-username-error" class="field-error" data-testid="login-username-error">
                                                {m}
                                            </p>
                                        }
                                    })
                            }}
                        </div>
                        <div class="field">
                            <label for="login-password">{move || i18n.t().login.password}</label>
                            <input
                                id="login-password"
                                name="password"
                                type="password"
                                autocomplete="current-password"
                                required
                                data-testid="login-password"
                                aria-invalid=move || field("password").is_some().to_string()
                                aria-describedby=move || field("password").map(|_| "login-password-error")
                            />
                            {move || {
                                field("password")
                                    .map(|m| {
                                        view! {
                                            <p id="login-password-error" class="field-error" data-testid="login-password-error">
                                                {m}
                                            </p>
                                        }
                                    })
                            }}
                        </div>
                        <button
                            type="submit"
                            class="button button-primary button-block"
                            data-testid="login-submit"
                            disabled=move || action.pending().get()
                        >
                            {move || if action.pending().get() { i18n.t().login.submitting } else { i18n.t().login.submit }}
                        </button>
                    </ActionForm>
                    <p class="auth-footer">{move || i18n.t().login.footer}</p>
                </div>
            </main>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/clusters?x=1")), "/clusters?x=1");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/login?next=/x")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
