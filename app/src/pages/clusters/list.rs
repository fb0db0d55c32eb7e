//! `/clusters`: every cluster with its health. One table: columns on a desktop, and on a
//! phone each row becomes a card (CSS only), so there is one DOM and one set of test ids.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use model::AppError;
use model::clusters::ClusterInfo;

use super::is_admin;
use crate::clusters::api::sync_cluster;
use crate::components::cluster_badges::{EnvBadge, ReadOnlyMarker, RelativeTime, StatusBadge};
use crate::components::cluster_icons::SyncIcon;
use crate::components::current_cluster::use_cluster_directory;
use crate::i18n::{error_message, use_i18n};

#[component]
pub fn ClusterListPage() -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    let admin = is_admin();

    let body = move || {
        Suspend::new(async move {
            match directory.list.await {
                Err(e) => view! { <LoadError error=e/> }.into_any(),
                Ok(clusters) if clusters.is_empty() => view! { <EmptyState/> }.into_any(),
                Ok(clusters) => view! { <ClusterTable clusters/> }.into_any(),
            }
        })
    };

    view! {
        <Title text=move || format!("{} · Capstan", i18n.t().clusters.list_title)/>
        <div class="page page-wide">
            <div class="page-head">
                <div>
                    <h1 class="page-title">{move || i18n.t().clusters.list_title}</h1>
                    <p class="page-lead">{move || i18n.t().clusters.list_lead}</p>
                </div>
                <Show when=move || admin.get()>
                    <a class="button button-primary" href="/clusters/import" data-testid="cluster-import-link">
                        {move || i18n.t().clusters.import_button}
                    </a>
                </Show>
            </div>
            <Transition fallback=move || view! { <p class="muted">{move || i18n.t().shell.loading}</p> }>
                {body}
            </Transition>
        </div>
    }
}

#[component]
fn LoadError(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    view! {
        <div class="state-panel state-error" data-testid="clusters-error" role="alert">
            <h2 class="section-title">{move || i18n.t().clusters.load_failed}</h2>
            <p>{move || error_message(i18n.t(), &error)}</p>
            <button type="button" class="button" on:click=move |_| directory.list.refetch()>
                {move || i18n.t().clusters.retry}
            </button>
        </div>
    }
}

#[component]
fn EmptyState() -> impl IntoView {
    let i18n = use_i18n();
    let admin = is_admin();
    view! {
        <div class="state-panel" data-testid="clusters-empty">
            <h2 class="section-title">{move || i18n.t().clusters.empty_title}</h2>
            <p class="muted">
                {move || if admin.get() { i18n.t().clusters.empty_body } else { i18n.t().clusters.empty_body_user }}
            </p>
        </div>
    }
}

#[component]
fn ClusterTable(clusters: Vec<ClusterInfo>) -> impl IntoView {
    let i18n = use_i18n();
    let head = move || {
        let c = &i18n.t().clusters;
        [
            c.col_name,
            c.col_environment,
            c.col_status,
            c.col_version,
            c.col_nodes,
            c.col_pods,
            c.col_namespaces,
            c.col_last_sync,
            c.col_actions,
        ]
        .into_iter()
        .map(|h| view! { <th scope="col">{h}</th> })
        .collect_view()
    };
    view! {
        <table class="data-table cluster-table" data-testid="cluster-table">
            <thead><tr>{head}</tr></thead>
            <tbody>
                <For each=move || clusters.clone() key=|c| c.id.clone() let:cluster>
                    <ClusterRow cluster/>
                </For>
            </tbody>
        </table>
    }
}

/// `n` or a dash when the health check has not counted it.
fn count(n: Option<i32>) -> String {
    n.map(|n| n.to_string()).unwrap_or_else(|| "—".into())
}

#[component]
fn ClusterRow(cluster: ClusterInfo) -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    let sync = Action::new(|id: &String| {
        let id = id.clone();
        async move { sync_cluster(id).await }
    });
    // A finished sync refreshes the list (and with it the switcher and banner).
    Effect::new(move |_| {
        if let Some(Ok(_)) = sync.value().get() {
            directory.list.refetch();
        }
    });
    let sync_error = move || {
        sync.value()
            .get()
            .and_then(Result::err)
            .map(|e| view! { <span class="field-error" role="alert">{error_message(i18n.t(), &e)}</span> })
    };
    let h = cluster.health.clone();
    let nodes = match (h.ready_nodes, h.node_count) {
        (Some(ready), Some(total)) => format!("{ready}/{total}"),
        _ => "—".into(),
    };
    let id = cluster.id.clone();
    let row_testid = format!("cluster-row-{}", cluster.name);
    let href = format!("/clusters/{}", cluster.id);
    let label = move |f: fn(&'static crate::i18n::Messages) -> &'static str| move || f(i18n.t());
    view! {
        <tr data-testid=row_testid data-cluster-id=cluster.id.clone()>
            <td class="cell-name">
                <A href=href attr:class="cluster-link" attr:data-testid="cluster-link">
                    {cluster.name.clone()}
                </A>
                {cluster.read_only.then(|| view! { <ReadOnlyMarker/> })}
                {(!cluster.description.is_empty()).then(|| view! { <span class="cell-sub">{cluster.description.clone()}</span> })}
            </td>
            <td data-label=label(|t| t.clusters.col_environment)><EnvBadge env=cluster.environment colour=cluster.colour.clone()/></td>
            <td data-label=label(|t| t.clusters.col_status)><StatusBadge status=h.status reason=h.reason.clone()/></td>
            <td data-label=label(|t| t.clusters.col_version) class="mono">{h.version.clone().unwrap_or_else(|| "—".into())}</td>
            <td data-label=label(|t| t.clusters.col_nodes) data-testid="cluster-nodes">{nodes}</td>
            <td data-label=label(|t| t.clusters.col_pods)>{count(h.pod_count)}</td>
            <td data-label=label(|t| t.clusters.col_namespaces)>{count(h.namespace_count)}</td>
            <td data-label=label(|t| t.clusters.col_last_sync)><RelativeTime at=h.last_sync_at/></td>
            <td class="cell-actions">
                <button
                    type="button"
                    class="button button-small"
                    data-testid="cluster-sync"
                    disabled=move || sync.pending().get()
                    on:click=move |_| {
                        sync.dispatch(id.clone());
                    }
                >
                    <SyncIcon/>
                    {move || if sync.pending().get() { i18n.t().clusters.syncing } else { i18n.t().clusters.sync_now }}
                </button>
                {sync_error}
            </td>
        </tr>
    }
}
