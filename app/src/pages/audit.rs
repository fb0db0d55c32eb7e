//! `/audit`: the audit log for administrators, newest first: who did what, where, how it ended,
//! and the details (a terminal session's duration and the lines typed). Filter by kind of
//! action and user; older entries page in below.

use leptos::prelude::*;
use leptos_meta::Title;
use model::audit::{AuditEntry, AuditQuery};

use crate::audit::list_audit;
use crate::i18n::{error_message, use_i18n};

/// Entries per page.
const PAGE: i64 = 100;

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().audit;
    let action = RwSignal::new(String::new());
    let user = RwSignal::new(String::new());
    let before = RwSignal::new(None::<i64>);
    let query = move || AuditQuery {
        action: Some(action.get()).filter(|a| !a.is_empty()),
        user: Some(user.get()).filter(|u| !u.trim().is_empty()),
        before: before.get(),
        limit: Some(PAGE),
        ..AuditQuery::default()
    };
    let entries = Resource::new(query, list_audit);
    let body = move || {
        Suspend::new(async move {
            match entries.await {
                Err(e) => view! { <div class="form-alert" role="alert" data-testid="audit-error">{error_message(i18n.t(), &e)}</div> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="muted" data-testid="audit-empty">{move || t().none}</p> }.into_any(),
                Ok(list) => {
                    let last = (list.len() as i64 == PAGE).then(|| list.last().map(|e| e.id)).flatten();
                    view! {
                        <div class="table-scroll">
                            <table class="data-table audit-table" data-testid="audit-table">
                                <thead><tr>
                                    <th>{move || t().col_time}</th><th>{move || t().col_user}</th><th>{move || t().col_action}</th>
                                    <th>{move || t().col_object}</th><th>{move || t().col_result}</th><th>{move || t().col_detail}</th>
                                </tr></thead>
                                <tbody>{list.into_iter().map(|e| view! { <AuditRow entry=e/> }).collect_view()}</tbody>
                            </table>
                        </div>
                        {last.map(|id| view! {
                            <button type="button" class="button" data-testid="audit-older" on:click=move |_| before.set(Some(id))>{move || t().older}</button>
                        })}
                    }
                    .into_any()
                }
            }
        })
    };
    view! {
        <Title text=move || format!("{} · Capstan", t().title)/>
        <div class="page page-wide">
            <div class="page-head">
                <div>
                    <h1 class="page-title">{move || t().title}</h1>
                    <p class="page-lead">{move || t().lead}</p>
                </div>
            </div>
            <div class="logs-toolbar panel" role="search">
                <label class="logs-field">
                    <span>{move || t().filter_action}</span>
                    <select data-testid="audit-action" prop:value=move || action.get()
                        on:change=move |ev| { before.set(None); action.set(event_target_value(&ev)); }>
                        <option value="">{move || t().all}</option>
                        <option value="terminal.">{move || t().terminals}</option>
                        <option value="auth.">{move || t().sign_ins}</option>
                        <option value="resource.">{move || t().objects}</option>
                        <option value="workload.">{move || t().workloads}</option>
                        <option value="node.">{move || t().nodes}</option>
                        <option value="cluster.">{move || t().clusters}</option>
                    </select>
                </label>
                <label class="logs-field">
                    <span>{move || t().filter_user}</span>
                    <input data-testid="audit-user" prop:value=move || user.get()
                        on:change=move |ev| { before.set(None); user.set(event_target_value(&ev)); }/>
                </label>
                {move || before.get().is_some().then(|| view! {
                    <button type="button" class="button button-quiet" data-testid="audit-newest" on:click=move |_| before.set(None)>{move || t().newest}</button>
                })}
            </div>
            <Transition fallback=move || view! { <p class="muted">{move || i18n.t().shell.loading}</p> }>{body}</Transition>
        </div>
    }
}

#[component]
fn AuditRow(entry: AuditEntry) -> impl IntoView {
    let object = [
        entry.cluster.clone(),
        entry.kind.clone(),
        match (&entry.namespace, &entry.name) {
            (Some(ns), Some(name)) => Some(format!("{ns}/{name}")),
            (None, Some(name)) => Some(name.clone()),
            _ => None,
        },
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let lines: Vec<String> = entry.detail["input_lines"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| l.as_str().map(str::to_string))
        .collect();
    let detail = (entry.detail.as_object().is_some_and(|d| !d.is_empty()))
        .then(|| serde_json::to_string_pretty(&entry.detail).unwrap_or_default());
    let tone = if entry.result == "success" {
        "tone-good"
    } else {
        "tone-bad"
    };
    view! {
        <tr data-testid="audit-row" data-action=entry.action.clone()>
            <td class="mono nowrap">{entry.at.format("%Y-%m-%d %H:%M:%S").to_string()}</td>
            <td>{entry.username.clone().unwrap_or_default()}</td>
            <td class="mono">{entry.action.clone()}</td>
            <td>{object}</td>
            <td class=tone><span class="tone-dot" aria-hidden="true"></span>{entry.result.clone()}</td>
            <td>
                {(!lines.is_empty()).then(|| view! { <pre class="audit-lines" data-testid="audit-lines">{lines.join("\n")}</pre> })}
                {detail.map(|d| view! { <details><summary>"JSON"</summary><pre class="audit-json">{d}</pre></details> })}
            </td>
        </tr>
    }
}
