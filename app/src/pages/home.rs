//! The home page: a welcome, who is signed in, and what the console offers so far.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::shell::use_current_user;
use crate::i18n::use_i18n;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let user = move || user.get().and_then(|r| r.ok()).flatten();

    let welcome = move || {
        let t = i18n.t();
        let name = user().map(|u| {
            if u.display_name.trim().is_empty() {
                u.username
            } else {
                u.display_name
            }
        });
        (t.home.welcome)(name.as_deref().unwrap_or(""))
    };
    let account = move || {
        let t = i18n.t();
        user().map(|u| {
            let role = if u.is_admin {
                t.shell.administrator
            } else {
                t.shell.user
            };
            (t.home.account_body)(&u.username, role)
        })
    };

    view! {
        <Title text=move || i18n.t().home.page_title/>
        <div class="page">
            <section class="hero" aria-labelledby="home-title">
                <Transition fallback=move || view! { <h1 id="home-title" class="page-title">{move || i18n.t().shell.loading}</h1> }>
                    <h1 id="home-title" class="page-title" data-testid="home-welcome">{welcome}</h1>
                </Transition>
                <p class="page-lead">{move || i18n.t().home.intro}</p>
            </section>
            <section aria-labelledby="home-what">
                <h2 id="home-what" class="section-title">{move || i18n.t().home.what_you_can_do}</h2>
                <div class="card-grid">
                    <article class="card" data-testid="home-card-account">
                        <h3 class="card-title">{move || i18n.t().home.account_title}</h3>
                        <Transition fallback=|| ()>
                            <p class="card-body" data-testid="home-account">{account}</p>
                        </Transition>
                    </article>
                    <article class="card">
                        <h3 class="card-title">{move || i18n.t().home.language_title}</h3>
                        <p class="card-body">{move || i18n.t().home.language_body}</p>
                    </article>
                    <article class="card">
                        <h3 class="card-title">{move || i18n.t().home.theme_title}</h3>
                        <p class="card-body">{move || i18n.t().home.theme_body}</p>
                    </article>
                    <article class="card">
                        <h3 class="card-title">{move || i18n.t().home.navigation_title}</h3>
                        <p class="card-body">{move || i18n.t().home.navigation_body}</p>
                    </article>
                </div>
            </section>
        </div>
    }
}
