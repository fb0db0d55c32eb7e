//! Several namespaces at once: a disclosure of checkboxes named `ns` inside the list's GET
//! form, so the choice lands in the address as repeated `ns=` values and works without the
//! WASM. With it, a search box narrows the boxes. If the namespaces cannot be listed (the
//! credentials may not allow it), a comma-separated text field takes their place.

use leptos::prelude::*;
use model::resources::ListQuery;

use crate::i18n::use_i18n;
use crate::resources::api::list_resources;

/// More namespaces than any picker shows are typed instead.
const MAX_NAMESPACES: usize = 1000;

#[component]
pub fn NamespacePicker(cluster: String, chosen: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let names = Resource::new(
        move || cluster.clone(),
        |cluster| async move {
            let query = ListQuery {
                limit: Some(MAX_NAMESPACES),
                ..Default::default()
            };
            list_resources(cluster, "namespaces".into(), query)
                .await
                .map(|page| page.rows.into_iter().map(|r| r.name).collect::<Vec<_>>())
        },
    );
    let search = RwSignal::new(String::new());
    let summary_chosen = chosen.clone();
    let summary = move || match summary_chosen.as_slice() {
        [] => i18n.t().resources.all_namespaces.to_string(),
        [one] => one.clone(),
        [a, b] => format!("{a}, {b}"),
        many => (i18n.t().resources.namespaces_chosen)(many.len()),
    };
    let fallback_value = chosen.join(",");
    let picker = move || {
        let chosen = chosen.clone();
        let fallback_value = fallback_value.clone();
        Suspend::new(async move {
            match names.await {
                Ok(mut all) => {
                    // A chosen namespace the cluster does not list stays choosable.
                    for ns in &chosen {
                        if !all.contains(ns) {
                            all.push(ns.clone());
                        }
                    }
                    all.sort();
                    let boxes = all
                        .into_iter()
                        .map(|ns| {
                            let checked = chosen.contains(&ns);
                            let id = format!("ns-{ns}");
                            let label_for = id.clone();
                            let shown_ns = ns.clone();
                            let hidden = move || {
                                let needle = search.get().to_lowercase();
                                !needle.is_empty() && !shown_ns.contains(&needle)
                            };
                            view! {
                                <li hidden=hidden>
                                    <label for=label_for class="ns-option">
                                        <input type="checkbox" id=id name="ns" value=ns.clone() checked=checked
                                            data-testid=format!("ns-option-{ns}")/>
                                        <span class="mono">{ns.clone()}</span>
                                    </label>
                                </li>
                            }
                        })
                        .collect_view();
                    view! {
                        <input type="search" class="ns-search" data-testid="ns-search"
                            placeholder=move || i18n.t().resources.find_namespace
                            aria-label=move || i18n.t().resources.find_namespace
                            on:input=move |ev| search.set(event_target_value(&ev))/>
                        <ul class="ns-options" data-testid="ns-options">{boxes}</ul>
                    }
                    .into_any()
                }
                Err(_) => view! {
                    <input id="filter-ns" name="ns" data-testid="filter-namespaces" value=fallback_value
                        placeholder=move || i18n.t().resources.namespaces_typed autocomplete="off" spellcheck="false"/>
                }
                .into_any(),
            }
        })
    };
    view! {
        <div class="field filter-namespaces">
            <span class="field-label" id="ns-picker-label">{move || i18n.t().resources.namespaces}</span>
            <details class="ns-picker" data-testid="ns-picker">
                <summary aria-describedby="ns-picker-label" data-testid="ns-summary">{summary}</summary>
                <div class="ns-panel">
                    <Suspense fallback=move || view! { <p class="muted">{move || i18n.t().shell.loading}</p> }>
                        {picker.clone()}
                    </Suspense>
                </div>
            </details>
        </div>
    }
}
