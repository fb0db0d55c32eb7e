//! The detail page's sections that every kind may have: summary facts, the kind's tables,
//! conditions, owners and related objects, events, ConfigMap data, labels and annotations.
//! Tables carry `data-label` on each cell, so on a phone each row reads as a card.

use leptos::prelude::*;
use leptos_router::components::A;
use model::detail::{
    Condition, ConfigEntry, DetailTable, EventList, Field, FieldValue, OwnerLink, RelatedGroup,
};
use model::resources::Tone;

use crate::i18n::{Messages, use_i18n};
use crate::resources::display::{compact_age, plural_title, tone_class};
use crate::resources::links;

/// Annotations longer than this (or with a line break) start folded.
const LONG_ANNOTATION: usize = 120;
/// ConfigMap values up to this size start unfolded.
const SHORT_VALUE: usize = 512;

/// The label of a field, table or column: the reader's language when the catalog has it, the
/// server's English otherwise (CRD printer columns, spec paths).
pub fn label(t: &'static Messages, key: &str, fallback: &str) -> String {
    let key = key.strip_prefix("column.").unwrap_or(key);
    (t.detail.label)(key).map_or_else(|| fallback.to_string(), str::to_string)
}

/// A time as an age ("5m ago"), with the exact time on hover.
#[component]
pub fn Age(at: chrono::DateTime<chrono::Utc>, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let rfc = at.to_rfc3339();
    let age = compact_age(&rfc, now);
    let exact = at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    view! { <time datetime=rfc title=exact>{move || (i18n.t().detail.ago)(&age)}</time> }
}

/// A status word with its tone dot.
#[component]
pub fn ToneText(text: String, tone: Tone) -> impl IntoView {
    view! {
        <span class=format!("tone-text {}", tone_class(tone))>
            <span class="tone-dot" aria-hidden="true"></span>
            {text}
        </span>
    }
}

/// One value of a field or cell.
pub fn value_view(v: FieldValue, cluster: &str, now: i64) -> AnyView {
    match v {
        FieldValue::Text { text } => view! { <span>{text}</span> }.into_any(),
        FieldValue::Code { text } => view! { <code class="mono">{text}</code> }.into_any(),
        FieldValue::Link { text, target } => {
            let href = links::object_href(
                cluster,
                &target.kind,
                target.namespace.as_deref(),
                &target.name,
            );
            view! { <A href=href attr:class="object-link" attr:data-kind=target.kind>{text}</A> }
                .into_any()
        }
        FieldValue::Time { at } => view! { <Age at now/> }.into_any(),
        FieldValue::Status { text, tone } => view! { <ToneText text tone/> }.into_any(),
    }
}

fn values_view(values: Vec<FieldValue>, cluster: &str, now: i64) -> impl IntoView + use<> {
    let many = values.len() > 1;
    let items = values
        .into_iter()
        .map(|v| view! { <span class="value-item">{value_view(v, cluster, now)}</span> })
        .collect_view();
    view! { <span class=if many { "values values-many" } else { "values" }>{items}</span> }
}

/// Labelled facts as a description list.
#[component]
pub fn Facts(fields: Vec<Field>, cluster: String, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let items = fields
        .into_iter()
        .map(|f| {
            let (key, fallback) = (f.key.clone(), f.label.clone());
            view! {
                <div class="fact" data-key=f.key.clone() data-testid=format!("fact-{}", f.key)>
                    <dt>{move || label(i18n.t(), &key, &fallback)}</dt>
                    <dd>{values_view(f.values, &cluster, now)}</dd>
                </div>
            }
        })
        .collect_view();
    view! { <dl class="detail-facts">{items}</dl> }
}

/// The kind's own tables (ports, rules, capacity, taints, volumes, metrics).
#[component]
pub fn KindTables(tables: Vec<DetailTable>, cluster: String, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    tables
        .into_iter()
        .map(|t| {
            let (key, title) = (t.key.clone(), t.title.clone());
            let heads = t
                .columns
                .iter()
                .map(|c| {
                    let (key, fallback) = (c.key.clone(), c.label.clone());
                    view! { <th scope="col">{move || label(i18n.t(), &key, &fallback)}</th> }
                })
                .collect_view();
            let rows = t
                .rows
                .into_iter()
                .map(|row| {
                    let cells = t
                        .columns
                        .iter()
                        .zip(row)
                        .map(|(c, values)| {
                            let (key, fallback) = (c.key.clone(), c.label.clone());
                            view! {
                                <td data-label=move || label(i18n.t(), &key, &fallback)>
                                    {values_view(values, &cluster, now)}
                                </td>
                            }
                        })
                        .collect_view();
                    view! { <tr>{cells}</tr> }
                })
                .collect_view();
            view! {
                <section class="panel detail-section" data-testid=format!("detail-table-{}", t.key)>
                    <h2 class="section-title">{move || label(i18n.t(), &key, &title)}</h2>
                    <div class="table-scroll">
                        <table class="data-table detail-table">
                            <thead><tr>{heads}</tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                </section>
            }
        })
        .collect_view()
}

#[component]
pub fn Conditions(conditions: Vec<Condition>, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || &i18n.t().detail;
    let rows = conditions
        .into_iter()
        .map(|c| {
            let testid = format!("condition-{}", c.type_);
            view! {
                <tr data-testid=testid>
                    <td data-label=move || d().col_type><strong>{c.type_}</strong></td>
                    <td data-label=move || d().col_status><ToneText text=c.status tone=c.tone/></td>
                    <td data-label=move || d().col_reason>{c.reason}</td>
                    <td data-label=move || d().col_message class="cell-message">{c.message}</td>
                    <td data-label=move || d().col_last_transition>
                        {c.last_transition.map(|at| view! { <Age at now/> })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel detail-section" data-testid="detail-conditions">
            <h2 class="section-title">{move || d().conditions}</h2>
            <div class="table-scroll">
                <table class="data-table detail-table">
                    <thead><tr>
                        <th scope="col">{move || d().col_type}</th>
                        <th scope="col">{move || d().col_status}</th>
                        <th scope="col">{move || d().col_reason}</th>
                        <th scope="col">{move || d().col_message}</th>
                        <th scope="col">{move || d().col_last_transition}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// Owners as links, then each group of related objects as a small table.
#[component]
pub fn Related(
    owners: Vec<OwnerLink>,
    groups: Vec<RelatedGroup>,
    cluster: String,
    now: i64,
) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || &i18n.t().detail;
    let owners = (!owners.is_empty()).then(|| {
        let items = owners
            .into_iter()
            .map(|o| {
                let text = format!("{}/{}", o.kind, o.name);
                let link = match o.target {
                    Some(t) => {
                        let href = links::object_href(&cluster, &t.kind, t.namespace.as_deref(), &t.name);
                        view! { <A href=href attr:class="object-link" attr:data-testid="owner-link" attr:data-kind=t.kind>{text}</A> }.into_any()
                    }
                    None => view! {
                        <span>{text}" "<span class="muted">"("{move || d().not_served}")"</span></span>
                    }
                    .into_any(),
                };
                view! {
                    <li>
                        {link}
                        {o.controller.then(|| view! { <span class="tag">{move || d().controller}</span> })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="panel detail-section" data-testid="detail-owners">
                <h2 class="section-title">{move || d().owners}</h2>
                <ul class="owner-list">{items}</ul>
            </section>
        }
    });
    let groups = groups
        .into_iter()
        .map(|g| view! { <RelatedTable group=g cluster=cluster.clone() now/> })
        .collect_view();
    view! { {owners}{groups} }
}

#[component]
fn RelatedTable(group: RelatedGroup, cluster: String, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || &i18n.t().detail;
    let plural = plural_title(&group.kind_name);
    let relation = group.relation.clone();
    let title = move || (d().related_title)(&relation, &plural);
    let list_href = links::list_href(&cluster, &group.kind);
    let body = if let Some(error) = group.error.clone() {
        view! {
            <p class="section-error" role="alert">{move || d().section_failed}" "<span class="muted">{error}</span></p>
        }
        .into_any()
    } else {
        let (shown, total, more) = (group.items.len(), group.total, group.more);
        let rows = group
            .items
            .into_iter()
            .map(|item| {
                let t = item.target;
                let href = links::object_href(&cluster, &t.kind, t.namespace.as_deref(), &t.name);
                let facts = item
                    .facts
                    .into_iter()
                    .map(|f| {
                        let (key, fallback) = (f.key.clone(), f.label.clone());
                        view! {
                            <span class="related-fact">
                                <span class="muted">{move || label(i18n.t(), &key, &fallback)}" "</span>
                                {values_view(f.values, &cluster, now)}
                            </span>
                        }
                    })
                    .collect_view();
                let testid = format!("related-{}", t.name);
                view! {
                    <tr data-testid=testid data-uid=item.uid>
                        <td data-label=move || d().col_name class="cell-name">
                            <A href=href attr:class="object-link" attr:data-testid="related-link">{t.name}</A>
                        </td>
                        <td data-label=move || d().col_status>
                            {item.status.map(|s| view! { <ToneText text=s.text tone=s.tone/> })}
                        </td>
                        <td data-label=move || d().col_details class="related-facts">{facts}</td>
                        <td data-label=move || d().col_age>{item.created_at.map(|at| view! { <Age at now/> })}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <p class="list-count">{move || (d().showing)(shown, total, more)}</p>
            <div class="table-scroll">
                <table class="data-table detail-table related-table">
                    <thead><tr>
                        <th scope="col">{move || d().col_name}</th>
                        <th scope="col">{move || d().col_status}</th>
                        <th scope="col">{move || d().col_details}</th>
                        <th scope="col">{move || d().col_age}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel detail-section" data-testid=format!("detail-related-{}", group.kind)>
            <h2 class="section-title"><A href=list_href attr:class="section-link">{title}</A></h2>
            {body}
        </section>
    }
}

#[component]
pub fn Events(events: EventList, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || &i18n.t().detail;
    let EventList {
        items,
        total,
        error,
    } = events;
    let shown = items.len();
    let body = if let Some(error) = error {
        view! {
            <p class="section-error" role="alert">{move || d().section_failed}" "<span class="muted">{error}</span></p>
        }
        .into_any()
    } else if items.is_empty() {
        view! { <p class="muted" data-testid="events-empty">{move || d().no_events}</p> }.into_any()
    } else {
        let rows = items
            .into_iter()
            .map(|e| {
                let tone = if e.type_ == "Warning" { Tone::Warning } else { Tone::Neutral };
                let reason = e.reason.clone();
                view! {
                    <tr data-testid="event-row" data-reason=reason>
                        <td data-label=move || d().col_type><ToneText text=e.type_ tone/></td>
                        <td data-label=move || d().col_reason><strong>{e.reason}</strong></td>
                        <td data-label=move || d().col_message class="cell-message">
                            {e.message}
                            {(!e.field_path.is_empty()).then(|| view! { <span class="cell-sub mono">{e.field_path}</span> })}
                        </td>
                        <td data-label=move || d().col_count>{e.count}</td>
                        <td data-label=move || d().col_last_seen>{e.last_seen.map(|at| view! { <Age at now/> })}</td>
                        <td data-label=move || d().col_source class="mono">{e.source}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            {(total > shown).then(|| view! { <p class="list-count">{move || (d().showing)(shown, total, false)}</p> })}
            <div class="table-scroll">
                <table class="data-table detail-table" data-testid="events-table">
                    <thead><tr>
                        <th scope="col">{move || d().col_type}</th>
                        <th scope="col">{move || d().col_reason}</th>
                        <th scope="col">{move || d().col_message}</th>
                        <th scope="col">{move || d().col_count}</th>
                        <th scope="col">{move || d().col_last_seen}</th>
                        <th scope="col">{move || d().col_source}</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel detail-section" data-testid="detail-events">
            <h2 class="section-title">{move || d().events}</h2>
            {body}
        </section>
    }
}

/// A ConfigMap's keys, each value in a foldable block (short ones start open).
#[component]
pub fn ConfigData(entries: Vec<ConfigEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || &i18n.t().detail;
    let body = if entries.is_empty() {
        view! { <p class="muted">{move || d().no_data}</p> }.into_any()
    } else {
        entries
            .into_iter()
            .map(|e| {
                let size = e.size;
                let open = !e.binary && size <= SHORT_VALUE;
                view! {
                    <details class="data-entry" open=open data-testid=format!("config-{}", e.key)>
                        <summary>
                            <code class="mono data-key">{e.key.clone()}</code>
                            <span class="muted">{move || (d().bytes)(size)}</span>
                            {e.binary.then(|| view! { <span class="tag">{move || d().binary}</span> })}
                        </summary>
                        {e.value.map(|v| view! { <pre class="data-value">{v}</pre> })}
                    </details>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="panel detail-section" data-testid="detail-config-data">
            <h2 class="section-title">{move || d().data}</h2>
            {body}
        </section>
    }
}

/// Labels as chips; annotations as key/value lines, long ones folded.
#[component]
pub fn LabelsAndAnnotations(
    labels: Vec<(String, String)>,
    annotations: Vec<(String, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || &i18n.t().detail;
    let labels = if labels.is_empty() {
        view! { <p class="muted">{move || d().none}</p> }.into_any()
    } else {
        let chips = labels
            .into_iter()
            .map(|(k, v)| {
                view! {
                    <li class="chip" data-testid="label-chip">
                        <span class="chip-key">{k}</span>
                        {(!v.is_empty()).then(|| view! { "=" <span class="chip-value">{v}</span> })}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="chips">{chips}</ul> }.into_any()
    };
    let annotations = if annotations.is_empty() {
        view! { <p class="muted">{move || d().none}</p> }.into_any()
    } else {
        let items = annotations
            .into_iter()
            .map(|(k, v)| {
                let folded = k == "kubectl.kubernetes.io/last-applied-configuration"
                    || v.len() > LONG_ANNOTATION
                    || v.contains('\n');
                let value = if folded {
                    let preview: String = v.chars().take(80).collect();
                    view! {
                        <details class="annotation-fold">
                            <summary><span class="mono muted">{preview}"…"</span>" "<span class="fold-hint">{move || d().show_all}</span></summary>
                            <pre class="data-value">{v}</pre>
                        </details>
                    }
                    .into_any()
                } else {
                    view! { <span class="mono annotation-value">{v}</span> }.into_any()
                };
                view! {
                    <div class="annotation" data-testid="annotation">
                        <dt class="mono">{k}</dt>
                        <dd>{value}</dd>
                    </div>
                }
            })
            .collect_view();
        view! { <dl class="annotations">{items}</dl> }.into_any()
    };
    view! {
        <section class="panel detail-section" data-testid="detail-labels">
            <h2 class="section-title">{move || d().labels}</h2>
            {labels}
            <h2 class="section-title section-title-next">{move || d().annotations}</h2>
            {annotations}
        </section>
    }
}
