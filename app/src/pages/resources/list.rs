//! `/clusters/{id}/resources/{kind}`: one page of any kind, as `kubectl get` shows it, with
//! namespaces, a text filter, a label selector, sorting and paging all in the address. The
//! filter bar is a GET form, so it works before (and without) the WASM.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_params_map, use_query_map};
use model::AppError;
use model::resources::{Column, ColumnType, ListQuery, ResourcePage, ResourceRow};

use crate::i18n::{column_title, error_message, field_error, use_i18n};
use crate::resources::api::list_resources;
use crate::resources::display::{compact_age, now_ms, plural_title, tone_class};
use crate::resources::links;
use crate::resources::live::{Connection, LiveList, LiveRow};
use crate::resources::query::{self, PAGE_SIZES};
use crate::resources::virtual_rows;

use super::namespace_picker::NamespacePicker;
use super::operations::NodeBulkBar;

/// How often the ages in a list move on.
const AGE_TICK_SECONDS: u64 = 10;

/// The names of the rows picked for a bulk action (nodes only).
type Selection = Option<RwSignal<BTreeSet<String>>>;

#[component]
pub fn ResourceListPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let address = use_query_map();
    let cluster = move || params.with(|p| p.get("id").unwrap_or_default());
    let kind = move || params.with(|p| p.get("kind").unwrap_or_default());
    let list_query = Memo::new(move |_| {
        address.with(|map| {
            let pairs: Vec<(String, String)> = ["ns", "q", "l", "sort", "desc", "page", "size"]
                .into_iter()
                .flat_map(|key| {
                    map.get_all(key)
                        .unwrap_or_default()
                        .into_iter()
                        .map(move |v| (key.to_string(), v))
                })
                .collect();
            query::from_params(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        })
    });
    let page = Resource::new(
        move || (cluster(), kind(), list_query.get()),
        |(cluster, kind, query)| list_resources(cluster, kind, query),
    );
    let body = move || {
        Suspend::new(async move {
            let query = list_query.get_untracked();
            let path = format!("/clusters/{}/resources/{}", cluster(), kind());
            match page.await {
                Ok(page) => view! { <ResourceList page query path/> }.into_any(),
                Err(error) => view! { <ListError error query path/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=move || format!("{} · Capstan", kind())/>
        <div class="page page-wide resource-page">
            <Transition fallback=move || view! { <p class="muted">{move || i18n.t().shell.loading}</p> }>
                {body}
            </Transition>
        </div>
    }
}

/// The filter bar: namespaces, text, label selector, page size.
#[component]
fn FilterBar(
    path: String,
    query: ListQuery,
    namespaced: bool,
    #[prop(optional)] error: Option<AppError>,
) -> impl IntoView {
    let i18n = use_i18n();
    let selector_error = error.and_then(|e| field_error(i18n.lang(), &e, "label_selector"));
    let size = query::size_of(&query);
    let cluster = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let clear_href = path.clone();
    view! {
        <Form method="GET" action=path attr:class="filter-bar" attr:data-testid="resource-filters">
            {namespaced.then(|| view! { <NamespacePicker cluster=cluster.clone() chosen=query.namespaces.clone()/> })}
            <div class="field filter-text">
                <label for="filter-q">{move || i18n.t().resources.filter}</label>
                <input id="filter-q" name="q" type="search" data-testid="filter-text" value=query.filter.clone()
                    placeholder=move || i18n.t().resources.filter_placeholder autocomplete="off"/>
            </div>
            <div class="field filter-labels">
                <label for="filter-l">{move || i18n.t().resources.label_selector}</label>
                <input id="filter-l" name="l" data-testid="filter-labels" value=query.label_selector.clone()
                    placeholder=move || i18n.t().resources.label_selector_placeholder autocomplete="off" spellcheck="false"
                    aria-invalid=selector_error.is_some().to_string() aria-describedby="filter-l-error"/>
                <p class="field-error" id="filter-l-error" data-testid="filter-labels-error" hidden=selector_error.is_none()>
                    {selector_error.clone()}
                </p>
            </div>
            {query.sort.clone().map(|s| view! { <input type="hidden" name="sort" value=s/> })}
            {query.descending.then(|| view! { <input type="hidden" name="desc" value="1"/> })}
            <div class="field filter-size">
                <label for="filter-size">{move || i18n.t().resources.page_size}</label>
                <select id="filter-size" name="size" data-testid="filter-size">
                    {PAGE_SIZES.into_iter().map(|n| view! { <option value=n.to_string() selected=n == size>{n}</option> }).collect_view()}
                </select>
            </div>
            <div class="filter-actions">
                <button type="submit" class="button button-primary" data-testid="filter-apply">{move || i18n.t().resources.apply}</button>
                <A href=clear_href attr:class="button button-quiet" attr:data-testid="filter-clear">{move || i18n.t().resources.clear}</A>
            </div>
        </Form>
    }
}

#[component]
fn ListError(error: AppError, query: ListQuery, path: String) -> impl IntoView {
    let i18n = use_i18n();
    let invalid = error.code == "resource.invalid_query";
    let unavailable = error.code == "cluster.unreachable";
    let message = error_message(i18n.t(), &error);
    view! {
        {invalid.then(|| view! { <FilterBar path=path.clone() query=query.clone() namespaced=true error=error.clone()/> })}
        <div class="state-panel state-error" role="alert" data-testid="resource-error" data-code=error.code.clone()>
            <h2 class="section-title">
                {move || if unavailable { i18n.t().resources.cluster_unavailable } else { i18n.t().resources.load_failed }}
            </h2>
            <p>{message}</p>
        </div>
    }
}

#[component]
fn ResourceList(page: ResourcePage, query: ListQuery, path: String) -> impl IntoView {
    let i18n = use_i18n();
    let live = LiveList::new(&page);
    let ResourcePage { kind, limit, .. } = page;
    let params = use_params_map();
    let cluster = params.with_untracked(|p| p.get("id").unwrap_or_default());
    #[cfg(feature = "hydrate")]
    crate::resources::live::connect(cluster.clone(), kind.key.clone(), query.clone(), live);
    let title = plural_title(&kind.kind);
    let page_no = query::page_of(&query);
    let prev = (page_no > 1).then(|| query::href(&path, &query::with_page(&query, page_no - 1)));
    let next_href = query::href(&path, &query::with_page(&query, page_no + 1));
    let has_next = move || live.offset.get() + limit < live.total.get();
    let filtered = !query.filter.is_empty()
        || !query.label_selector.is_empty()
        || !query.namespaces.is_empty();
    let count = move || {
        let total = live.total.get();
        let offset = live.offset.get();
        let shown = live.rows.with(Vec::len);
        let from = if total == 0 || shown == 0 {
            0
        } else {
            offset + 1
        };
        (i18n.t().resources.showing)(from, (offset + shown).min(total), total)
    };
    let table_query = query.clone();
    let table_path = path.clone();
    let kind_key = kind.key.clone();
    // One chosen namespace is where new objects most likely belong.
    let only_namespace = match query.namespaces.as_slice() {
        [ns] if kind.namespaced => Some(ns.as_str()),
        _ => None,
    };
    let create_href = links::create_href(&cluster, &kind.key, only_namespace);
    let selection: Selection = (kind.key == "nodes").then(|| RwSignal::new(BTreeSet::new()));
    let bulk_bar =
        selection.map(|selection| view! { <NodeBulkBar cluster=cluster.clone() selection/> });
    view! {
        <div class="page-head">
            <div>
                <h1 class="page-title" data-testid="resource-title">{title}</h1>
                <p class="page-lead mono">{if kind.group.is_empty() { kind.version.clone() } else { format!("{}/{}", kind.group, kind.version) }}</p>
            </div>
            <A href=create_href attr:class="button" attr:data-testid="resource-create">{move || i18n.t().objects.create_title}</A>
        </div>
        <FilterBar path=path.clone() query=query.clone() namespaced=kind.namespaced/>
        <div class="list-status">
            <p class="list-count" data-testid="resource-count" aria-live="polite">{count}</p>
            <LiveStatus connection=live.connection/>
        </div>
        {move || live.error.get().map(|error| view! {
            <div class="form-alert" role="alert" data-testid="live-error">{error_message(i18n.t(), &error)}</div>
        })}
        {bulk_bar}
        <Show
            when=move || !live.rows.with(Vec::is_empty)
            fallback=move || view! {
                <div class="state-panel" data-testid="resource-empty">
                    <p class="muted">{move || if filtered { i18n.t().resources.no_match } else { i18n.t().resources.none_of_kind }}</p>
                </div>
            }
        >
            <ResourceTable live query=table_query.clone() path=table_path.clone() cluster=cluster.clone() kind=kind_key.clone() selection/>
        </Show>
        <nav class="pager" aria-label=move || i18n.t().resources.page_size>
            {prev.map(|href| view! { <A href=href attr:class="button" attr:data-testid="page-prev" attr:rel="prev">{move || i18n.t().resources.previous}</A> })}
            {move || has_next().then(|| view! { <A href=next_href.clone() attr:class="button" attr:data-testid="page-next" attr:rel="next">{move || i18n.t().resources.next}</A> })}
        </nav>
    }
}

/// Whether the list is live: a dot and a word, and the reason when it is not.
#[component]
fn LiveStatus(connection: RwSignal<Connection>) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || {
        let t = &i18n.t().resources;
        match connection.get() {
            Connection::Connecting => t.live_connecting.to_string(),
            Connection::Live => t.live.to_string(),
            Connection::Reconnecting { seconds } => (t.live_reconnecting)(seconds),
            Connection::ClusterRetrying { message } => {
                format!("{} {message}", t.live_cluster_retrying)
            }
        }
    };
    view! {
        <p class="live-status" data-testid="live-status" data-state=move || connection.with(Connection::as_str) role="status">
            <span class="live-dot" aria-hidden="true"></span>
            <span>{text}</span>
        </p>
    }
}

#[component]
fn ResourceTable(
    live: LiveList,
    query: ListQuery,
    path: String,
    cluster: String,
    kind: String,
    selection: Selection,
) -> impl IntoView {
    let i18n = use_i18n();
    // Every row until the browser has measured (as the server rendered them).
    let range = RwSignal::new(0..usize::MAX);
    let row_height = RwSignal::new(0.0_f64);
    let body = NodeRef::<leptos::html::Tbody>::new();
    #[cfg(feature = "hydrate")]
    follow_viewport(body, live, range, row_height);
    // Ages move on while the page is open; rows otherwise redraw only when their object changes.
    let now = RwSignal::new(now_ms());
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || now.set(now_ms()),
            std::time::Duration::from_secs(AGE_TICK_SECONDS),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    move || {
        let t = i18n.t();
        let columns: Vec<Column> = live
            .columns
            .get()
            .into_iter()
            .map(|mut c| {
                c.title = column_title(t, &c.id, &c.title);
                c
            })
            .collect();
        let head = columns
            .iter()
            .map(|c| {
                let sorted = query.sort.as_deref() == Some(c.id.as_str());
                let aria_sort = match (sorted, query.descending) {
                    (false, _) => "none",
                    (true, false) => "ascending",
                    (true, true) => "descending",
                };
                let href = query::href(&path, &query::sorted_by(&query, &c.id));
                let title = c.title.clone();
                let label = title.clone();
                view! {
                    <th scope="col" aria-sort=aria_sort class=format!("col-{} priority-{}", c.id, c.priority)>
                        <A href=href attr:class="sort-link" attr:data-testid=format!("sort-{}", c.id)
                            attr:title=move || (i18n.t().resources.sort_by)(&label)>
                            {title}
                            {sorted.then_some(if query.descending { " ↓" } else { " ↑" })}
                        </A>
                    </th>
                }
            })
            .collect_view();
        let row_columns = columns.clone();
        let cluster = cluster.clone();
        let kind = kind.clone();
        let spacer = move |px: f64| {
            (px > 0.0).then(|| view! { <tr class="virtual-spacer" aria-hidden="true" style:height=format!("{px}px")></tr> })
        };
        let above = move || spacer(range.get().start as f64 * row_height.get());
        let below = move || {
            let len = live.rows.with(Vec::len);
            spacer(len.saturating_sub(range.get().end) as f64 * row_height.get())
        };
        let select_all = selection.map(|selection| {
            let on_page = move || live.rows.with(|rows| rows.iter().map(|r| r.row.with_untracked(|r| r.name.clone())).collect::<Vec<_>>());
            let all = move || {
                let names = on_page();
                !names.is_empty() && selection.with(|s| names.iter().all(|n| s.contains(n)))
            };
            view! {
                <th scope="col" class="col-select">
                    <input type="checkbox" data-testid="select-all" aria-label=move || i18n.t().ops.selected
                        prop:checked=all on:change=move |ev| {
                            let names = on_page();
                            let on = event_target_checked(&ev);
                            selection.update(|s| for n in names { if on { s.insert(n); } else { s.remove(&n); } });
                        }/>
                </th>
            }
        });
        view! {
            <div class="table-scroll">
                <table class="data-table resource-table" data-testid="resource-table">
                    <thead><tr>{select_all}{head}</tr></thead>
                    <tbody node_ref=body>
                        {above}
                        <For
                            each=move || {
                                let range = range.get();
                                live.rows.with(|rows| rows[virtual_rows::clamp(&range, rows.len())].to_vec())
                            }
                            key=LiveRow::key
                            children=move |live_row| view! {
                                <Row live_row columns=row_columns.clone() cluster=cluster.clone() kind=kind.clone() selection now/>
                            }
                        />
                        {below}
                    </tbody>
                </table>
            </div>
        }
    }
}

/// Keeps `range` on the rows near the viewport as the window scrolls or resizes and as the
/// page's length changes; `row_height` is measured from the rows themselves (cards on phones).
#[cfg(feature = "hydrate")]
fn follow_viewport(
    body: NodeRef<leptos::html::Tbody>,
    live: LiveList,
    range: RwSignal<std::ops::Range<usize>>,
    row_height: RwSignal<f64>,
) {
    use wasm_bindgen::JsCast;

    let update = move || {
        let Some(body) = body.get_untracked() else {
            return;
        };
        let rows = body.query_selector_all("tr[data-uid]").ok();
        let row = |i| {
            rows.as_ref()
                .and_then(|r| r.item(i))
                .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        };
        // The distance between two rows includes the gap between phone cards.
        let measured = match (row(0), row(1)) {
            (Some(a), Some(b)) => f64::from(b.offset_top() - a.offset_top()),
            (Some(a), None) => f64::from(a.offset_height()),
            _ => 0.0,
        };
        if measured > 0.0 && (measured - row_height.get_untracked()).abs() > 0.5 {
            row_height.set(measured);
        }
        let viewport = window()
            .inner_height()
            .ok()
            .and_then(|h| h.as_f64())
            .unwrap_or(0.0);
        let next = virtual_rows::visible_range(
            live.rows.with_untracked(Vec::len),
            row_height.get_untracked(),
            body.get_bounding_client_rect().top(),
            viewport,
        );
        if range.with_untracked(|r| *r != next) {
            range.set(next);
        }
    };
    // On mount, and whenever the page's length changes.
    Effect::new(move |_| {
        live.rows.with(Vec::len);
        body.track();
        update();
    });
    let scroll = window_event_listener(leptos::ev::scroll, move |_| update());
    let resize = window_event_listener(leptos::ev::resize, move |_| update());
    on_cleanup(move || {
        scroll.remove();
        resize.remove();
    });
}

/// One row. Its element lives as long as the row is on the page (and near the viewport); a
/// change of the object redraws only the attributes and texts that differ.
#[component]
fn Row(
    live_row: LiveRow,
    columns: Vec<Column>,
    cluster: String,
    kind: String,
    selection: Selection,
    /// The clock ages are counted from.
    now: RwSignal<i64>,
) -> impl IntoView {
    // Copyable handles on the row's signals, owned by this row's view.
    let row = RwSignal::from(live_row.row);
    let flashes = RwSignal::from(live_row.flashes);
    // Name and namespace never change for a uid.
    let (name, namespace) = row.with_untracked(|r| (r.name.clone(), r.namespace.clone()));
    let pick = selection.map(|selection| {
        let label = name.clone();
        let checked = {
            let name = name.clone();
            move || selection.with(|s| s.contains(&name))
        };
        let name = name.clone();
        view! {
            <td class="col-select">
                <input type="checkbox" data-testid="select-row" aria-label=label prop:checked=checked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selection.update(|s| { if on { s.insert(name.clone()); } else { s.remove(&name); } });
                    }/>
            </td>
        }
    });
    // One effect for the row: a change builds its cells again, and the renderer patches the
    // existing cells with only what differs (creating a row stays as cheap as a static one,
    // which matters when scrolling a long page brings rows in every frame).
    let cells = move || {
        let now = now.get();
        row.with(|r| cells(r, &columns, &cluster, &kind, now))
    };
    // Two classes with the same flash under different animation names, taken in turn, so each
    // change restarts it on the same element.
    let flashed = move |odd: bool| {
        let n = flashes.get();
        n > 0 && (n % 2 == 1) == odd
    };
    view! {
        <tr
            class:row-fresh=move || flashed(true)
            class:row-fresh-again=move || flashed(false)
            data-testid=format!("resource-row-{name}")
            data-uid=row.with_untracked(|r| r.uid.clone())
            data-version=move || row.with(|r| r.resource_version.clone())
            data-namespace=namespace.clone().unwrap_or_default()
        >
            {pick}
            {cells}
        </tr>
    }
}

/// The cells of `row`, under `columns`, with ages counted to `now`.
fn cells(
    row: &ResourceRow,
    columns: &[Column],
    cluster: &str,
    kind: &str,
    now: i64,
) -> impl IntoView + use<> {
    let tone = tone_class(row.tone);
    columns
        .iter()
        .zip(row.cells.iter())
        .map(|(c, cell)| {
            let text = match c.kind {
                ColumnType::Age if !cell.is_empty() => compact_age(cell, now),
                _ => cell.clone(),
            };
            let class = format!(
                "col-{} priority-{}{}",
                c.id,
                c.priority,
                if c.kind == ColumnType::Status { format!(" status-col {tone}") } else { String::new() }
            );
            let title = (c.kind == ColumnType::Age).then(|| cell.clone());
            let dot = (c.kind == ColumnType::Status).then(|| view! { <span class="tone-dot" aria-hidden="true"></span> });
            let value = if c.id == "name" {
                let href = links::object_href(cluster, kind, row.namespace.as_deref(), &row.name);
                view! { <A href=href attr:class="object-link" attr:data-testid="object-link">{text}</A> }.into_any()
            } else {
                text.into_any()
            };
            view! {
                <td class=class data-label=c.title.clone() title=title data-col=c.id.clone()>
                    <span class="cell-value">{dot}{value}</span>
                </td>
            }
        })
        .collect_view()
}
