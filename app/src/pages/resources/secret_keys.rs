//! A Secret's keys with their sizes. A value is fetched only when an administrator presses
//! "Show" for that key (each reveal is audited on the server), and dropped again on "Hide": the
//! page's HTML and the detail payload never hold a value.

use leptos::prelude::*;
use model::AppError;
use model::detail::{SecretKey, SecretSummary};

use crate::i18n::{Messages, error_message, use_i18n};
use crate::resources::detail_api::reveal_secret_value;

/// Which Secret the keys belong to.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretAddress {
    pub cluster: String,
    pub namespace: String,
    pub name: String,
}

#[component]
pub fn SecretKeys(summary: SecretSummary, address: SecretAddress) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || &i18n.t().detail;
    let can_reveal = summary.can_reveal;
    let note = if can_reveal {
        view! { <p class="muted secret-note">{move || d().secret_note}</p> }.into_any()
    } else {
        view! { <p class="object-banner secret-note" role="note" data-testid="secret-admin-only">{move || d().admin_only}</p> }
            .into_any()
    };
    let body = if summary.keys.is_empty() {
        view! { <p class="muted">{move || d().no_keys}</p> }.into_any()
    } else {
        let rows = summary
            .keys
            .into_iter()
            .map(|key| view! { <KeyRow key can_reveal address=address.clone()/> })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="data-table detail-table secret-table" data-testid="secret-keys">
                    <thead><tr>
                        <th scope="col">{move || d().col_key}</th>
                        <th scope="col">{move || d().col_size}</th>
                        <th scope="col">{move || d().col_value}</th>
                        <th scope="col"><span class="visually-hidden">{move || d().actions}</span></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel detail-section" data-testid="detail-secret">
            <h2 class="section-title">{move || d().secret_keys}</h2>
            {note}
            {body}
        </section>
    }
}

/// The sentence for a failed reveal.
fn reveal_error(t: &'static Messages, e: &AppError) -> String {
    match e.code.as_str() {
        "secret.reveal_forbidden" => t.detail.reveal_forbidden.into(),
        "secret.key_not_found" => t.detail.key_not_found.into(),
        "audit.unavailable" => t.detail.audit_unavailable.into(),
        _ => error_message(t, e),
    }
}

#[component]
fn KeyRow(key: SecretKey, can_reveal: bool, address: SecretAddress) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || &i18n.t().detail;
    let SecretKey { key, size } = key;
    let reveal = {
        let (address, key) = (address.clone(), key.clone());
        Action::new(move |_: &()| {
            let a = address.clone();
            let key = key.clone();
            async move { reveal_secret_value(a.cluster, a.namespace, a.name, key).await }
        })
    };
    let copied = RwSignal::new(false);
    let shown = move || reveal.value().get().and_then(Result::ok);
    let failed = move || reveal.value().get().and_then(Result::err);
    // Hiding drops the value from memory, not just from view.
    let hide = move |_| {
        reveal.value().set(None);
        copied.set(false);
    };
    let copy = move |_| {
        if let Some(value) = reveal.value().get_untracked().and_then(Result::ok) {
            let clipboard = window().navigator().clipboard();
            _ = clipboard.write_text(&value.value);
            copied.set(true);
        }
    };
    let id = |what: &str| format!("secret-{what}-{key}");
    let (id_value, id_show, id_hide, id_copy, id_row, id_error) = (
        id("value"),
        id("show"),
        id("hide"),
        id("copy"),
        id("row"),
        id("error"),
    );
    let value_cell = move || match shown() {
        Some(value) => {
            let base64 = value.base64;
            view! {
                <code class="mono secret-value wrap-anywhere" data-testid=id_value.clone()>{value.value}</code>
                {base64.then(|| view! { <span class="cell-sub">{move || d().base64_note}</span> })}
            }
            .into_any()
        }
        None => view! {
            <span class="secret-hidden" aria-label=move || d().hidden_value>"••••••••"</span>
        }
        .into_any(),
    };
    let buttons = can_reveal.then(|| {
        view! {
            <div class="button-row">
                <Show
                    when=move || shown().is_some()
                    fallback=move || view! {
                        <button
                            type="button"
                            class="button button-small"
                            data-testid=id_show.clone()
                            disabled=move || reveal.pending().get()
                            on:click=move |_| { reveal.dispatch(()); }
                        >
                            {move || if reveal.pending().get() { d().revealing } else { d().show }}
                        </button>
                    }
                >
                    <button type="button" class="button button-small" data-testid=id_hide.clone() on:click=hide>
                        {move || d().hide}
                    </button>
                    <button type="button" class="button button-small" data-testid=id_copy.clone() on:click=copy>
                        {move || if copied.get() { d().copied } else { d().copy }}
                    </button>
                </Show>
            </div>
        }
    });
    view! {
        <tr data-testid=id_row>
            <th scope="row" data-label=move || d().col_key><code class="mono">{key.clone()}</code></th>
            <td data-label=move || d().col_size>{move || (d().bytes)(size)}</td>
            <td data-label=move || d().col_value class="secret-value-cell">
                {value_cell}
                {move || failed().map(|e| view! {
                    <p class="field-error" role="alert" data-testid=id_error.clone()>{reveal_error(i18n.t(), &e)}</p>
                })}
            </td>
            <td class="secret-actions">{buttons}</td>
        </tr>
    }
}
