//! The bar above the node list when nodes are selected: cordon, uncordon, add or remove a label
//! or a taint on all of them in one step, then one result per node.

use std::collections::BTreeSet;

use leptos::prelude::*;
use model::operations::{LabelChanges, NodeResult, Taint, TaintChanges, TaintEffect, TaintKey};

use super::super::object_feedback::object_error;
use crate::i18n::use_i18n;
use crate::resources::operations_api::{change_node_labels, change_node_taints, cordon_nodes};

#[derive(Clone)]
enum Bulk {
    Cordon(bool),
    Labels(LabelChanges),
    Taints(TaintChanges),
}

#[component]
pub fn NodeBulkBar(cluster: String, selection: RwSignal<BTreeSet<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().ops;
    let label_key = RwSignal::new(String::new());
    let label_value = RwSignal::new(String::new());
    let taint_key = RwSignal::new(String::new());
    let taint_value = RwSignal::new(String::new());
    let taint_effect = RwSignal::new(TaintEffect::NoSchedule);
    let act = Action::new(move |bulk: &Bulk| {
        let cluster = cluster.clone();
        let nodes: Vec<String> = selection.get_untracked().into_iter().collect();
        let bulk = bulk.clone();
        async move {
            match bulk {
                Bulk::Cordon(on) => cordon_nodes(cluster, nodes, on).await,
                Bulk::Labels(c) => change_node_labels(cluster, nodes, c).await,
                Bulk::Taints(c) => change_node_taints(cluster, nodes, c).await,
            }
        }
    });
    let pending = act.pending();
    let label = move |remove: bool| {
        let key = label_key.get_untracked().trim().to_string();
        let changes = if remove {
            LabelChanges {
                set: Default::default(),
                remove: vec![key],
            }
        } else {
            LabelChanges {
                set: [(key, label_value.get_untracked().trim().to_string())].into(),
                remove: vec![],
            }
        };
        act.dispatch(Bulk::Labels(changes));
    };
    let taint = move |remove: bool| {
        let key = taint_key.get_untracked().trim().to_string();
        let effect = taint_effect.get_untracked();
        let changes = if remove {
            TaintChanges {
                set: vec![],
                remove: vec![TaintKey { key, effect }],
            }
        } else {
            TaintChanges {
                set: vec![Taint {
                    key,
                    value: taint_value.get_untracked().trim().to_string(),
                    effect,
                }],
                remove: vec![],
            }
        };
        act.dispatch(Bulk::Taints(changes));
    };
    let results = move || {
        act.value().get().map(|result| match result {
            Err(e) => view! { <div class="form-alert" role="alert" data-testid="bulk-error">{object_error(i18n.t(), &e)}</div> }.into_any(),
            Ok(list) => {
                let ok = list.iter().filter(|r| r.ok).count();
                let all = list.len();
                let rows = list
                    .into_iter()
                    .map(|NodeResult { node, ok, message }| {
                        let shown = node.clone();
                        view! {
                            <li data-testid="bulk-result" data-node=node data-ok=ok.to_string() class=if ok { "tone-good" } else { "tone-bad" }>
                                <code class="mono">{shown}</code>": "{message}
                            </li>
                        }
                    })
                    .collect_view();
                view! {
                    <p class="form-success" data-testid="bulk-summary">{move || (t().bulk_done)(ok, all)}</p>
                    <ul class="plain-list bulk-results">{rows}</ul>
                }
                .into_any()
            }
        })
    };
    let effects = TaintEffect::ALL
        .into_iter()
        .map(|e| view! { <option value=e.as_str() selected=move || taint_effect.get() == e>{e.as_str()}</option> })
        .collect_view();
    view! {
        <section class="panel bulk-bar" data-testid="bulk-bar" aria-labelledby="bulk-title" hidden=move || selection.with(BTreeSet::is_empty)>
            <h2 class="section-title" id="bulk-title">
                {move || t().bulk_title}" · "<span data-testid="bulk-count">{move || selection.with(BTreeSet::len)}</span>" "{move || t().selected}
            </h2>
            <div class="ops-buttons">
                <button type="button" class="button" data-testid="bulk-cordon" disabled=move || pending.get() on:click=move |_| { act.dispatch(Bulk::Cordon(true)); }>{move || t().cordon}</button>
                <button type="button" class="button" data-testid="bulk-uncordon" disabled=move || pending.get() on:click=move |_| { act.dispatch(Bulk::Cordon(false)); }>{move || t().uncordon}</button>
            </div>
            <div class="ops-add">
                <input aria-label=move || t().key placeholder=move || t().key data-testid="bulk-label-key" autocomplete="off" spellcheck="false" autocapitalize="off"
                    prop:value=move || label_key.get() on:input=move |ev| label_key.set(event_target_value(&ev))/>
                <input aria-label=move || t().value placeholder=move || t().value data-testid="bulk-label-value" autocomplete="off" spellcheck="false" autocapitalize="off"
                    prop:value=move || label_value.get() on:input=move |ev| label_value.set(event_target_value(&ev))/>
                <button type="button" class="button" data-testid="bulk-label-add" disabled=move || pending.get() on:click=move |_| label(false)>{move || t().bulk_label}</button>
                <button type="button" class="button button-quiet" data-testid="bulk-label-remove" disabled=move || pending.get() on:click=move |_| label(true)>{move || t().bulk_unlabel}</button>
            </div>
            <div class="ops-add">
                <input aria-label=move || t().key placeholder=move || t().key data-testid="bulk-taint-key" autocomplete="off" spellcheck="false" autocapitalize="off"
                    prop:value=move || taint_key.get() on:input=move |ev| taint_key.set(event_target_value(&ev))/>
                <input aria-label=move || t().value placeholder=move || t().value data-testid="bulk-taint-value" autocomplete="off" spellcheck="false" autocapitalize="off"
                    prop:value=move || taint_value.get() on:input=move |ev| taint_value.set(event_target_value(&ev))/>
                <select aria-label=move || t().effect data-testid="bulk-taint-effect" on:change=move |ev| {
                    if let Some(e) = TaintEffect::parse(&event_target_value(&ev)) { taint_effect.set(e); }
                }>{effects}</select>
                <button type="button" class="button" data-testid="bulk-taint-add" disabled=move || pending.get() on:click=move |_| taint(false)>{move || t().bulk_taint}</button>
                <button type="button" class="button button-quiet" data-testid="bulk-taint-remove" disabled=move || pending.get() on:click=move |_| taint(true)>{move || t().bulk_untaint}</button>
            </div>
            <div aria-live="polite">{results}</div>
        </section>
    }
}
