//! `/clusters/{id}/resources/{kind}`: one page of any kind, as `kubectl get` shows it, with
//! namespaces, a text filter, a label selector, sorting and paging all in the address. The
//! filter bar is a GET form, so it works before (and without) the WASM.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{A, Form};
use leptos_router::hooks::{use_params_map, use_query_map};
use model::AppError;
use model::resources::{Column, ColumnType, ListQuery, ResourcePage, ResourceRow};

use crate::i18n::{error_message, field_error, use_i18n};
use crate::resources::api::list_resources;
use crate::resources::display::{compact_age, now_ms, plural_title, tone_class};
use crate::resources::query::{self, PAGE_SIZES};

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
    let ns_value = query.namespaces.join(",");
    let clear_href = path.clone();
    view! {
        <Form method="GET" action=path attr:class="filter-bar" attr:data-testid="resource-filters">
            {namespaced.then(|| view! {
                <div class="field filter-namespaces">
                    <label for="filter-ns">{move || i18n.t().resources.namespaces}</label>
                    <input
                        id="filter-ns"
                        name="ns"
                        data-testid="filter-namespaces"
                        value=ns_value.clone()
                        placeholder=move || i18n.t().resources.all_namespaces
                        autocomplete="off"
                        spellcheck="false"
                    />
                </div>
            })}
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
    let ResourcePage {
        kind,
        columns,
        rows,
        total,
        offset,
        limit,
        ..
    } = page;
    let title = plural_title(&kind.kind);
    let now = now_ms();
    let from = if total == 0 { 0 } else { offset + 1 };
    let to = (offset + rows.len()).min(total);
    let page_no = query::page_of(&query);
    let prev = (page_no > 1).then(|| query::href(&path, &query::with_page(&query, page_no - 1)));
    let next = (offset + limit < total)
        .then(|| query::href(&path, &query::with_page(&query, page_no + 1)));
    let filtered = !query.filter.is_empty()
        || !query.label_selector.is_empty()
        || !query.namespaces.is_empty();
    let empty = rows.is_empty();
    view! {
        <div class="page-head">
            <div>
                <h1 class="page-title" data-testid="resource-title">{title}</h1>
                <p class="page-lead mono">{if kind.group.is_empty() { kind.version.clone() } else { format!("{}/{}", kind.group, kind.version) }}</p>
            </div>
        </div>
        <FilterBar path=path.clone() query=query.clone() namespaced=kind.namespaced/>
        <p class="list-count" data-testid="resource-count" aria-live="polite">{(i18n.t().resources.showing)(from, to, total)}</p>
        {if empty {
            view! {
                <div class="state-panel" data-testid="resource-empty">
                    <p class="muted">{move || if filtered { i18n.t().resources.no_match } else { i18n.t().resources.none_of_kind }}</p>
                </div>
            }
            .into_any()
        } else {
            view! { <ResourceTable columns rows query=query.clone() path=path.clone() now/> }.into_any()
        }}
        <nav class="pager" aria-label=move || i18n.t().resources.page_size>
            {prev.map(|href| view! { <A href=href attr:class="button" attr:data-testid="page-prev" attr:rel="prev">{move || i18n.t().resources.previous}</A> })}
            {next.map(|href| view! { <A href=href attr:class="button" attr:data-testid="page-next" attr:rel="next">{move || i18n.t().resources.next}</A> })}
        </nav>
    }
}

#[component]
fn ResourceTable(
    columns: Vec<Column>,
    rows: Vec<ResourceRow>,
    query: ListQuery,
    path: String,
    now: i64,
) -> impl IntoView {
    let i18n = use_i18n();
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
    let body = rows
        .into_iter()
        .map(|row| {
            let tone = tone_class(row.tone);
            let cells = columns
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
                    view! {
                        <td class=class data-label=c.title.clone() title=title data-col=c.id.clone()>
                            <span class="cell-value">{dot}{text}</span>
                        </td>
                    }
                })
                .collect_view();
            view! {
                <tr data-testid=format!("resource-row-{}", row.name) data-uid=row.uid.clone() data-namespace=row.namespace.clone().unwrap_or_default()>
                    {cells}
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="data-table resource-table" data-testid="resource-table">
                <thead><tr>{head}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}
