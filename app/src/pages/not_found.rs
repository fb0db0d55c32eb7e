//! The page for an address that leads nowhere; answers with HTTP 404.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::use_i18n;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=move || i18n.t().not_found.page_title/>
        <div class="page page-narrow" data-testid="not-found">
            <p class="error-code" aria-hidden="true">"404"</p>
            <h1 class="page-title">{move || i18n.t().not_found.heading}</h1>
            <p class="page-lead">{move || i18n.t().not_found.body}</p>
            <a class="button button-primary" href="/" data-testid="not-found-home">
                {move || i18n.t().not_found.back_home}
            </a>
        </div>
    }
}
