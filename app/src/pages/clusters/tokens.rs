//! `/tokens`: the reader's personal API tokens. A new token is shown once, with a copy button;
//! the list shows only prefixes, and any token can be revoked.

use leptos::prelude::*;
use leptos_meta::Title;
use model::api::ApiTokenInfo;

use crate::clusters::api::{create_api_token, list_api_tokens, revoke_api_token};
use crate::components::cluster_badges::RelativeTime;
use crate::i18n::{error_message, use_i18n};

/// The expiry choices offered, in days; the server accepts 1 to 365.
const EXPIRY_DAYS: [u32; 4] = [30, 90, 180, 365];

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let i18n = use_i18n();
    let tokens = Resource::new(|| (), |_| list_api_tokens());
    let name = RwSignal::new(String::new());
    let days = RwSignal::new(90u32);
    let create = Action::new(|(name, days): &(String, u32)| {
        let (name, days) = (name.clone(), *days);
        async move { create_api_token(name, Some(days)).await }
    });
    let copied = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            name.set(String::new());
            copied.set(false);
            tokens.refetch();
        }
    });
    let created = move || {
        let token = create.value().get()?.ok()?.token;
        let for_copy = token.clone();
        Some(view! {
            <div class="state-panel token-created" role="status" data-testid="token-created">
                <h2 class="section-title">{move || i18n.t().tokens.created_title}</h2>
                <p class="muted">{move || i18n.t().tokens.created_body}</p>
                <code class="mono token-value" data-testid="token-value">{token}</code>
                <div class="token-actions">
                    <button
                        type="button"
                        class="button button-small"
                        data-testid="token-copy"
                        on:click=move |_| {
                            let clipboard = window().navigator().clipboard();
                            _ = clipboard.write_text(&for_copy);
                            copied.set(true);
                        }
                    >
                        {move || if copied.get() { i18n.t().tokens.copied } else { i18n.t().tokens.copy }}
                    </button>
                    <button type="button" class="button button-small" data-testid="token-done" on:click=move |_| create.value().set(None)>
                        {move || i18n.t().tokens.done}
                    </button>
                </div>
            </div>
        })
    };
    let create_error = move || {
        create.value().get()?.err().map(|e| {
            view! { <p class="field-error" role="alert" data-testid="token-error">{error_message(i18n.t(), &e)}</p> }
        })
    };
    let list = move || {
        Suspend::new(async move {
            match tokens.await {
                Err(e) => {
                    view! { <p class="field-error" role="alert">{error_message(i18n.t(), &e)}</p> }
                        .into_any()
                }
                Ok(list) if list.is_empty() => {
                    view! { <p class="muted">{move || i18n.t().tokens.empty}</p> }.into_any()
                }
                Ok(list) => view! { <TokenTable list tokens/> }.into_any(),
            }
        })
    };

    view! {
        <Title text=move || format!("{} · Capstan", i18n.t().tokens.page_title)/>
        <div class="page page-wide">
            <h1 class="page-title">{move || i18n.t().tokens.page_title}</h1>
            <p class="page-lead">
                {move || i18n.t().tokens.lead} " "
                <a href="/api/docs" rel="external">{move || i18n.t().tokens.docs_link}</a>
            </p>
            {created}
            <section class="panel token-form-panel">
                <h2 class="section-title">{move || i18n.t().tokens.create_title}</h2>
                <form
                    class="token-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        create.dispatch((name.get_untracked(), days.get_untracked()));
                    }
                >
                    <div class="field">
                        <label for="token-name">{move || i18n.t().tokens.name}</label>
                        <input
                            id="token-name"
                            data-testid="token-name"
                            required
                            maxlength="100"
                            aria-describedby="token-name-hint"
                            prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))
                        />
                        <span class="muted" id="token-name-hint">{move || i18n.t().tokens.name_hint}</span>
                    </div>
                    <div class="field">
                        <label for="token-expiry">{move || i18n.t().tokens.expiry}</label>
                        <select
                            id="token-expiry"
                            data-testid="token-expiry"
                            on:change=move |ev| days.set(event_target_value(&ev).parse().unwrap_or(90))
                        >
                            {EXPIRY_DAYS
                                .into_iter()
                                .map(|d| view! {
                                    <option value=d.to_string() selected=move || days.get() == d>
                                        {move || (i18n.t().tokens.days)(d)}
                                    </option>
                                })
                                .collect_view()}
                        </select>
                    </div>
                    {create_error}
                    <button type="submit" class="button button-primary" data-testid="token-create" disabled=move || create.pending().get()>
                        {move || if create.pending().get() { i18n.t().tokens.creating } else { i18n.t().tokens.create }}
                    </button>
                </form>
            </section>
            <h2 class="section-title token-list-title">{move || i18n.t().tokens.list_title}</h2>
            <Transition fallback=move || view! { <p class="muted">{move || i18n.t().shell.loading}</p> }>
                {list}
            </Transition>
        </div>
    }
}

#[component]
fn TokenTable(
    list: Vec<ApiTokenInfo>,
    tokens: Resource<Result<Vec<ApiTokenInfo>, model::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let head = move || {
        let t = &i18n.t().tokens;
        [
            t.col_name,
            t.col_prefix,
            t.col_created,
            t.col_expires,
            t.col_last_used,
            t.col_state,
            "",
        ]
        .into_iter()
        .map(|h| view! { <th scope="col">{h}</th> })
        .collect_view()
    };
    view! {
        <table class="data-table cluster-table" data-testid="token-table">
            <thead><tr>{head}</tr></thead>
            <tbody>
                {list.into_iter().map(|token| view! { <TokenRow token tokens/> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn TokenRow(
    token: ApiTokenInfo,
    tokens: Resource<Result<Vec<ApiTokenInfo>, model::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let revoke = Action::new(|id: &String| revoke_api_token(id.clone()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = revoke.value().get() {
            tokens.refetch();
        }
    });
    let revoked = token.revoked_at.is_some();
    let expired = !revoked && token.expires_at < chrono::Utc::now();
    let state = move || {
        let t = &i18n.t().tokens;
        if revoked {
            t.revoked
        } else if expired {
            t.expired
        } else {
            t.active
        }
    };
    let id = token.id.clone();
    let label = move |f: fn(&'static crate::i18n::Messages) -> &'static str| move || f(i18n.t());
    view! {
        <tr data-testid=format!("token-row-{}", token.name)>
            <td class="cell-name">{token.name.clone()}</td>
            <td data-label=label(|t| t.tokens.col_prefix) class="mono">{token.prefix.clone()}</td>
            <td data-label=label(|t| t.tokens.col_created)><RelativeTime at=Some(token.created_at)/></td>
            <td data-label=label(|t| t.tokens.col_expires)>{token.expires_at.format("%Y-%m-%d").to_string()}</td>
            <td data-label=label(|t| t.tokens.col_last_used)>
                {match token.last_used_at {
                    Some(at) => view! { <RelativeTime at=Some(at)/> }.into_any(),
                    None => view! { <span class="muted">{move || i18n.t().tokens.never_used}</span> }.into_any(),
                }}
            </td>
            <td data-label=label(|t| t.tokens.col_state) data-testid="token-state">{state}</td>
            <td class="cell-actions">
                {(!revoked).then(|| view! {
                    <button
                        type="button"
                        class="button button-small"
                        data-testid="token-revoke"
                        disabled=move || revoke.pending().get()
                        on:click=move |_| {
                            revoke.dispatch(id.clone());
                        }
                    >
                        {move || i18n.t().tokens.revoke}
                    </button>
                })}
            </td>
        </tr>
    }
}
