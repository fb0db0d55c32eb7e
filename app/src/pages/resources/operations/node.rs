//! A node's operations: cordon / uncordon, drain (a dialog), and editors for its labels and
//! taints. Each change is sent at once and checked on the server (keys, values, effects); the
//! lists show the node as the cluster now holds it.

use std::collections::BTreeMap;

use leptos::prelude::*;
use model::objects::ObjectRef;
use model::operations::{
    Controls, LabelChanges, NodeControls, NodeResult, OperationOutcome, Taint, TaintChanges,
    TaintEffect, TaintKey,
};

use super::drain::DrainButton;
use super::{Feedback, FeedbackLine, follow_controls};
use crate::i18n::use_i18n;
use crate::resources::operations_api::{change_node_labels, change_node_taints, set_node_cordoned};

#[derive(Clone)]
enum Op {
    Cordon(bool),
    Labels(LabelChanges),
    Taints(TaintChanges),
}

/// One node's result as the panel's outcome.
fn single(results: Vec<NodeResult>) -> Result<OperationOutcome, model::AppError> {
    match results.into_iter().next() {
        Some(r) if r.ok => Ok(OperationOutcome { message: r.message }),
        Some(r) => Err(model::AppError::new(
            model::ErrorKind::Invalid,
            "resource.rejected",
            r.message,
        )),
        None => Err(model::AppError::new(
            model::ErrorKind::Internal,
            "internal",
            "No result.",
        )),
    }
}

#[component]
pub fn NodePanel(cluster: String, node: String, controls: NodeControls) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().ops;
    let object = ObjectRef {
        kind: "nodes".into(),
        namespace: None,
        name: node.clone(),
    };
    let state = RwSignal::new(Controls::Node(controls));
    let follow = follow_controls(cluster.clone(), object, state, Signal::from(false));
    let current = move || match state.get() {
        Controls::Node(c) => Some(c),
        _ => None,
    };
    let feedback = Feedback::new();
    let act = {
        let (cluster, node) = (cluster.clone(), node.clone());
        Action::new(move |op: &Op| {
            let (cluster, node, op) = (cluster.clone(), node.clone(), op.clone());
            async move {
                match op {
                    Op::Cordon(c) => set_node_cordoned(cluster, node, c).await,
                    Op::Labels(c) => change_node_labels(cluster, vec![node], c)
                        .await
                        .and_then(single),
                    Op::Taints(c) => change_node_taints(cluster, vec![node], c)
                        .await
                        .and_then(single),
                }
            }
        })
    };
    {
        Effect::new(move |_| {
            if let Some(result) = act.value().get() {
                feedback.show(&result, |done: &OperationOutcome| done.message.clone());
                if result.is_ok() {
                    follow.changed();
                }
            }
        });
    }
    let pending = act.pending();
    let cordoned = move || current().is_some_and(|c| c.unschedulable);

    let new_key = RwSignal::new(String::new());
    let new_value = RwSignal::new(String::new());
    let label_rows = move || {
        let labels: BTreeMap<String, String> = current().map(|c| c.labels).unwrap_or_default();
        if labels.is_empty() {
            return view! { <p class="muted">{move || t().no_labels}</p> }.into_any();
        }
        labels
            .into_iter()
            .map(|(k, v)| {
                let remove_key = k.clone();
                view! {
                    <li class="ops-chip" data-testid="node-label" data-key=k.clone()>
                        <code class="mono">{if v.is_empty() { k.clone() } else { format!("{k}={v}") }}</code>
                        <button type="button" class="button button-small button-quiet" data-testid="label-remove"
                            aria-label=move || format!("{} {}", t().remove, remove_key)
                            disabled=move || pending.get()
                            on:click={
                                let k = k.clone();
                                move |_| { act.dispatch(Op::Labels(LabelChanges { set: BTreeMap::new(), remove: vec![k.clone()] })); }
                            }>"×"</button>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let add_label = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut set = BTreeMap::new();
        set.insert(
            new_key.get_untracked().trim().to_string(),
            new_value.get_untracked().trim().to_string(),
        );
        act.dispatch(Op::Labels(LabelChanges {
            set,
            remove: vec![],
        }));
    };
    let label_error = feedback.field("set");

    let taint_key = RwSignal::new(String::new());
    let taint_value = RwSignal::new(String::new());
    let taint_effect = RwSignal::new(TaintEffect::NoSchedule);
    let taint_rows = move || {
        let taints: Vec<Taint> = current().map(|c| c.taints).unwrap_or_default();
        if taints.is_empty() {
            return view! { <p class="muted">{move || t().no_taints}</p> }.into_any();
        }
        taints
            .into_iter()
            .map(|taint| {
                let text = if taint.value.is_empty() {
                    format!("{}:{}", taint.key, taint.effect.as_str())
                } else {
                    format!("{}={}:{}", taint.key, taint.value, taint.effect.as_str())
                };
                let key = TaintKey { key: taint.key.clone(), effect: taint.effect };
                view! {
                    <li class="ops-chip" data-testid="node-taint" data-key=taint.key.clone() data-effect=taint.effect.as_str()>
                        <code class="mono">{text.clone()}</code>
                        <button type="button" class="button button-small button-quiet" data-testid="taint-remove"
                            aria-label=move || format!("{} {}", t().remove, text)
                            disabled=move || pending.get()
                            on:click=move |_| { act.dispatch(Op::Taints(TaintChanges { set: vec![], remove: vec![key.clone()] })); }>"×"</button>
                    </li>
                }
            })
            .collect_view()
            .into_any()
    };
    let add_taint = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        act.dispatch(Op::Taints(TaintChanges {
            set: vec![Taint {
                key: taint_key.get_untracked().trim().to_string(),
                value: taint_value.get_untracked().trim().to_string(),
                effect: taint_effect.get_untracked(),
            }],
            remove: vec![],
        }));
    };
    let taint_error = feedback.field("set[0]");
    let effects = TaintEffect::ALL
        .into_iter()
        .map(|e| view! { <option value=e.as_str() selected=move || taint_effect.get() == e>{e.as_str()}</option> })
        .collect_view();

    view! {
        <section class="panel detail-section ops-panel" data-testid="node-controls" aria-labelledby="ops-title">
            <h2 class="section-title" id="ops-title">{move || t().title}</h2>
            <p class="muted" hidden=move || !cordoned() data-testid="cordoned-note">{move || t().cordoned_note}</p>
            <FeedbackLine feedback=feedback testid="ops"/>
            <div class="ops-buttons">
                <button type="button" class="button" data-testid="cordon-toggle" data-cordoned=move || cordoned().to_string()
                    disabled=move || pending.get() on:click=move |_| { act.dispatch(Op::Cordon(!cordoned())); }>
                    {move || if cordoned() { t().uncordon } else { t().cordon }}
                </button>
                <DrainButton cluster=cluster.clone() node=node.clone() on_done=Callback::new(move |_| follow.changed())/>
            </div>
            <h3 class="subsection-title">{move || t().labels}</h3>
            <ul class="ops-chips" data-testid="node-labels">{label_rows}</ul>
            <form class="ops-add" novalidate on:submit=add_label data-testid="label-form">
                <input aria-label=move || t().key placeholder=move || t().key autocomplete="off" spellcheck="false" autocapitalize="off"
                    data-testid="label-key" prop:value=move || new_key.get() on:input=move |ev| new_key.set(event_target_value(&ev))/>
                <input aria-label=move || t().value placeholder=move || t().value autocomplete="off" spellcheck="false" autocapitalize="off"
                    data-testid="label-value" prop:value=move || new_value.get() on:input=move |ev| new_value.set(event_target_value(&ev))/>
                <button type="submit" class="button" data-testid="label-add" disabled=move || pending.get()>{move || t().add}</button>
                <p class="field-error" data-testid="label-error" hidden=move || label_error.get().is_none()>{move || label_error.get()}</p>
            </form>
            <h3 class="subsection-title">{move || t().taints}</h3>
            <ul class="ops-chips" data-testid="node-taints">{taint_rows}</ul>
            <form class="ops-add" novalidate on:submit=add_taint data-testid="taint-form">
                <input aria-label=move || t().key placeholder=move || t().key autocomplete="off" spellcheck="false" autocapitalize="off"
                    data-testid="taint-key" prop:value=move || taint_key.get() on:input=move |ev| taint_key.set(event_target_value(&ev))/>
                <input aria-label=move || t().value placeholder=move || t().value autocomplete="off" spellcheck="false" autocapitalize="off"
                    data-testid="taint-value" prop:value=move || taint_value.get() on:input=move |ev| taint_value.set(event_target_value(&ev))/>
                <select aria-label=move || t().effect data-testid="taint-effect" on:change=move |ev| {
                    if let Some(e) = TaintEffect::parse(&event_target_value(&ev)) { taint_effect.set(e); }
                }>{effects}</select>
                <button type="submit" class="button" data-testid="taint-add" disabled=move || pending.get()>{move || t().add}</button>
                <p class="field-error" data-testid="taint-error" hidden=move || taint_error.get().is_none()>{move || taint_error.get()}</p>
            </form>
        </section>
    }
}
