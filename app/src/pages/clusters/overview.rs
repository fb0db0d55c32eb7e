//! `/clusters/{id}`: one cluster at a glance: object counts, node readiness, recent warnings and
//! capacity against requests. An unreachable cluster gets a clear state instead of empty panels.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use model::AppError;
use model::clusters::{
    CapacitySummary, ClusterOverview, ClusterStatus, NodeReadiness, WarningEvent,
};

use crate::clusters::api::cluster_overview;
use crate::components::cluster_badges::{EnvBadge, ReadOnlyMarker, RelativeTime, StatusBadge};
use crate::i18n::{error_message, use_i18n};

/// How many nodes the readiness panel lists before summing up the rest.
const NODES_SHOWN: usize = 12;

#[component]
pub fn ClusterOverviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let overview = Resource::new(id, cluster_overview);

    let body = move || {
        Suspend::new(async move {
            match overview.await {
                Ok(o) => view! { <OverviewBody overview=o/> }.into_any(),
                Err(e) => view! { <OverviewError error=e/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=move || format!("{} · Capstan", i18n.t().clusters.overview_title)/>
        <div class="page page-wide">
            <Transition fallback=move || view! { <p class="muted">{move || i18n.t().shell.loading}</p> }>
                {body}
            </Transition>
        </div>
    }
}

#[component]
fn OverviewError(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1 class="page-title">{move || i18n.t().clusters.overview_title}</h1>
        <div class="state-panel state-error" role="alert" data-testid="cluster-overview-error">
            <p>{move || error_message(i18n.t(), &error)}</p>
        </div>
    }
}

#[component]
fn OverviewBody(overview: ClusterOverview) -> impl IntoView {
    let i18n = use_i18n();
    let ClusterOverview {
        cluster,
        counts,
        nodes,
        warnings,
        capacity,
    } = overview;
    let h = cluster.health.clone();
    let unavailable = matches!(h.status, ClusterStatus::Unavailable | ClusterStatus::Error);
    let admin = super::is_admin();
    let settings_href = format!("/clusters/{}/settings", cluster.id);
    let head = view! {
        <div class="page-head">
            <div>
                <h1 class="page-title" data-testid="cluster-overview-name">{cluster.name.clone()}</h1>
                <p class="page-lead cluster-meta">
                    <StatusBadge status=h.status reason=h.reason.clone()/>
                    <EnvBadge env=cluster.environment colour=cluster.colour.clone()/>
                    {cluster.read_only.then(|| view! { <ReadOnlyMarker/> })}
                    <span class="mono">{h.version.clone().unwrap_or_default()}</span>
                    <RelativeTime at=h.last_sync_at/>
                </p>
            </div>
            <Show when=move || admin.get()>
                <a class="button" href=settings_href.clone() data-testid="cluster-settings-link">
                    {move || i18n.t().clusters.settings_link}
                </a>
            </Show>
        </div>
    };
    if unavailable {
        return view! {
            {head}
            <div class="state-panel state-error" role="alert" data-testid="cluster-unavailable">
                <h2 class="section-title">{move || i18n.t().clusters.unavailable_title}</h2>
                <p>{move || i18n.t().clusters.unavailable_body}</p>
                {h.reason.map(|r| view! { <p class="mono">{r}</p> })}
            </div>
        }
        .into_any();
    }
    view! {
        {head}
        <div class="overview-grid">
            <section class="panel" aria-labelledby="overview-counts">
                <h2 class="section-title" id="overview-counts">{move || i18n.t().clusters.counts_title}</h2>
                <dl class="count-list" data-testid="cluster-counts">
                    {counts
                        .into_iter()
                        .map(|c| view! {
                            <div class="count-item">
                                <dt>{c.kind}</dt>
                                <dd>{c.count}</dd>
                            </div>
                        })
                        .collect_view()}
                </dl>
            </section>
            <NodePanel nodes/>
            <CapacityPanel capacity/>
            <WarningPanel warnings/>
        </div>
    }
    .into_any()
}

#[component]
fn NodePanel(nodes: Vec<NodeReadiness>) -> impl IntoView {
    let i18n = use_i18n();
    let total = nodes.len();
    let ready = nodes.iter().filter(|n| n.ready).count();
    let hidden = total.saturating_sub(NODES_SHOWN);
    view! {
        <section class="panel" aria-labelledby="overview-nodes" data-testid="cluster-nodes-panel">
            <h2 class="section-title" id="overview-nodes">{move || i18n.t().clusters.nodes_title}</h2>
            <p data-testid="cluster-nodes-ready">
                {move || (i18n.t().clusters.nodes_ready)(ready as i64, total as i64)}
            </p>
            <ul class="node-list">
                {nodes
                    .into_iter()
                    .take(NODES_SHOWN)
                    .map(|n| {
                        let ready = n.ready;
                        let roles = n.roles.join(", ");
                        view! {
                            <li class="node-item" data-testid="cluster-node">
                                <span
                                    class=if ready { "status-dot status-healthy" } else { "status-dot status-error" }
                                    aria-hidden="true"
                                ></span>
                                <span class="mono">{n.name}</span>
                                <span class="muted">{roles}</span>
                                <span>
                                    {move || if ready { i18n.t().clusters.node_ready } else { i18n.t().clusters.node_not_ready }}
                                </span>
                                {n.unschedulable.then(|| view! { <span class="tag">{move || i18n.t().clusters.cordoned}</span> })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(hidden > 0).then(|| view! { <p class="muted">{move || (i18n.t().clusters.more_nodes)(hidden)}</p> })}
        </section>
    }
}

/// Cores with up to two decimals, e.g. `1.5`.
fn cores(millis: i64) -> String {
    let s = format!("{:.2}", millis as f64 / 1000.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Bytes in GiB with one decimal.
fn gibibytes(bytes: i64) -> String {
    format!("{:.1} GiB", bytes as f64 / (1024.0 * 1024.0 * 1024.0))
}

#[component]
fn CapacityPanel(capacity: CapacitySummary) -> impl IntoView {
    let i18n = use_i18n();
    let c = capacity;
    view! {
        <section class="panel" aria-labelledby="overview-capacity" data-testid="cluster-capacity">
            <h2 class="section-title" id="overview-capacity">{move || i18n.t().clusters.capacity_title}</h2>
            <CapacityBar
                label=|t| t.clusters.capacity_cpu
                used=c.cpu_requests_millis
                total=c.cpu_allocatable_millis
                used_text=cores(c.cpu_requests_millis)
                total_text=cores(c.cpu_allocatable_millis)
            />
            <CapacityBar
                label=|t| t.clusters.capacity_memory
                used=c.memory_requests_bytes
                total=c.memory_allocatable_bytes
                used_text=gibibytes(c.memory_requests_bytes)
                total_text=gibibytes(c.memory_allocatable_bytes)
            />
            <CapacityBar
                label=|t| t.clusters.capacity_pods
                used=c.pods_running
                total=c.pods_allocatable
                used_text=c.pods_running.to_string()
                total_text=c.pods_allocatable.to_string()
            />
        </section>
    }
}

/// One resource as a labelled meter: requests (or running pods) against what is allocatable.
#[component]
fn CapacityBar(
    label: fn(&'static crate::i18n::Messages) -> &'static str,
    used: i64,
    total: i64,
    used_text: String,
    total_text: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let percent = if total > 0 {
        (used * 100 / total).clamp(0, 100)
    } else {
        0
    };
    view! {
        <div class="capacity-row">
            <div class="capacity-label">
                <span>{move || label(i18n.t())}</span>
                <span class="muted">
                    {move || (i18n.t().clusters.requested_of)(&used_text, &total_text)}
                </span>
            </div>
            <div
                class="capacity-bar"
                role="meter"
                aria-label=move || label(i18n.t())
                aria-valuemin="0"
                aria-valuemax="100"
                aria-valuenow=percent
            >
                <span class="capacity-fill" style=format!("width:{percent}%")></span>
            </div>
        </div>
    }
}

#[component]
fn WarningPanel(warnings: Vec<WarningEvent>) -> impl IntoView {
    let i18n = use_i18n();
    let empty = warnings.is_empty();
    view! {
        <section class="panel panel-wide" aria-labelledby="overview-warnings" data-testid="cluster-warnings">
            <h2 class="section-title" id="overview-warnings">{move || i18n.t().clusters.warnings_title}</h2>
            {empty.then(|| view! { <p class="muted">{move || i18n.t().clusters.no_warnings}</p> })}
            <ul class="warning-list">
                {warnings
                    .into_iter()
                    .map(|w| {
                        let object = match &w.namespace {
                            Some(ns) => format!("{ns}/{}", w.object),
                            None => w.object.clone(),
                        };
                        view! {
                            <li class="warning-item">
                                <strong>{w.reason}</strong>
                                " "
                                <span class="mono">{object}</span>
                                {(w.count > 1).then(|| format!(" ×{}", w.count))}
                                <p>{w.message}</p>
                                <RelativeTime at=w.last_seen/>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
