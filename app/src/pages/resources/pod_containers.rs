//! A pod's containers as cards: state (running since, waiting reason, exit code), readiness,
//! restarts, image, ports, resources, environment (Secret values named, never shown), mounts
//! and probes.

use leptos::prelude::*;
use leptos_router::components::A;
use model::detail::{ContainerInfo, ContainerState, EnvSource, EnvVar};
use model::resources::Tone;

use super::detail_sections::{ToneText, label};
use crate::i18n::use_i18n;
use crate::resources::display::compact_age;
use crate::resources::links;

#[component]
pub fn Containers(containers: Vec<ContainerInfo>, cluster: String, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let cards = containers
        .into_iter()
        .map(|c| view! { <ContainerCard container=c cluster=cluster.clone() now/> })
        .collect_view();
    view! {
        <section class="panel detail-section" data-testid="detail-containers">
            <h2 class="section-title">{move || i18n.t().detail.containers}</h2>
            <div class="container-list">{cards}</div>
        </section>
    }
}

#[component]
fn ContainerCard(container: ContainerInfo, cluster: String, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || &i18n.t().detail;
    let c = container;
    let (sidecar, init) = (c.sidecar, c.init);
    let badge = (sidecar || init).then(|| {
        view! {
            <span class="tag">{move || if sidecar { d().sidecar } else { d().init_container }}</span>
        }
    });
    let ready_tone = if c.ready { Tone::Good } else { Tone::Neutral };
    let ready = c.ready;
    let restarts = c.restarts;
    let row = |key: &'static str, body: AnyView| {
        view! {
            <div class="fact">
                <dt>{move || label(i18n.t(), key, key)}</dt>
                <dd>{body}</dd>
            </div>
        }
    };
    let words = |items: Vec<String>| items.join(" ");
    let command = (!c.command.is_empty()).then(|| {
        let text = words(c.command.clone());
        view! { <div class="fact"><dt>{move || d().command}</dt><dd><code class="mono">{text}</code></dd></div> }
    });
    let args = (!c.args.is_empty()).then(|| {
        let text = words(c.args.clone());
        view! { <div class="fact"><dt>{move || d().args}</dt><dd><code class="mono">{text}</code></dd></div> }
    });
    let ports = (!c.ports.is_empty()).then(|| {
        let text = c.ports.join(", ");
        view! { <div class="fact"><dt>{move || d().ports}</dt><dd><code class="mono">{text}</code></dd></div> }
    });
    let quantities = |map: &std::collections::BTreeMap<String, String>| {
        map.iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let requests = (!c.requests.is_empty()).then(|| {
        let text = quantities(&c.requests);
        view! { <div class="fact"><dt>{move || d().requests}</dt><dd><code class="mono">{text}</code></dd></div> }
    });
    let limits = (!c.limits.is_empty()).then(|| {
        let text = quantities(&c.limits);
        view! { <div class="fact"><dt>{move || d().limits}</dt><dd><code class="mono">{text}</code></dd></div> }
    });
    let image_id = (!c.image_id.is_empty()).then(|| {
        let id = c.image_id.clone();
        view! { <div class="fact"><dt>{move || d().image_id}</dt><dd><code class="mono wrap-anywhere">{id}</code></dd></div> }
    });
    let last = c.last_state.clone().map(|s| {
        view! {
            <div class="fact">
                <dt>{move || d().last_state}</dt>
                <dd><StateText state=s now/></dd>
            </div>
        }
    });
    let probes = (!c.probes.is_empty()).then(|| {
        let items = c
            .probes
            .iter()
            .map(|p| {
                let kind = p.kind.clone();
                let timing = (p.initial_delay_seconds, p.period_seconds, p.timeout_seconds, p.failure_threshold);
                view! {
                    <li>
                        <strong>{move || label(i18n.t(), &kind, &kind)}</strong>" "
                        <code class="mono">{p.action.clone()}</code>
                        <span class="cell-sub">{move || (d().probe_timing)(timing.0, timing.1, timing.2, timing.3)}</span>
                    </li>
                }
            })
            .collect_view();
        row("probes", view! { <ul class="plain-list">{items}</ul> }.into_any())
    });
    let mounts = (!c.mounts.is_empty()).then(|| {
        let items = c
            .mounts
            .iter()
            .map(|m| {
                let sub = (!m.sub_path.is_empty()).then(|| format!(" ({})", m.sub_path));
                view! {
                    <li>
                        <code class="mono">{m.path.clone()}</code>" ← "{m.volume.clone()}{sub}
                        {m.read_only.then(|| view! { <span class="tag">{move || d().read_only}</span> })}
                    </li>
                }
            })
            .collect_view();
        view! { <div class="fact fact-wide"><dt>{move || d().mounts}</dt><dd><ul class="plain-list">{items}</ul></dd></div> }
    });
    let env = (!c.env.is_empty()).then(|| {
        let rows = c
            .env
            .iter()
            .cloned()
            .map(|e| view! { <EnvRow var=e cluster=cluster.clone()/> })
            .collect_view();
        view! {
            <details class="env-block" open=c.env.len() <= 8>
                <summary>{move || d().env}" ("{c.env.len()}")"</summary>
                <table class="data-table detail-table env-table">
                    <tbody>{rows}</tbody>
                </table>
            </details>
        }
    });
    view! {
        <article class="container-card" data-testid=format!("container-{}", c.name)>
            <header class="container-head">
                <h3 class="container-name">{c.name.clone()}</h3>
                {badge}
                <StateText state=c.state.clone() now/>
                <ToneText
                    text=if ready { i18n.t().detail.ready.to_string() } else { i18n.t().detail.not_ready.to_string() }
                    tone=ready_tone
                />
                <span class="muted" data-testid="container-restarts">{move || d().restarts}" "{restarts}</span>
            </header>
            <dl class="detail-facts container-facts">
                <div class="fact fact-wide"><dt>{move || d().image}</dt><dd><code class="mono wrap-anywhere" data-testid="container-image">{c.image.clone()}</code></dd></div>
                {image_id}
                {last}
                {command}
                {args}
                {ports}
                {requests}
                {limits}
                {probes}
                {mounts}
            </dl>
            {env}
        </article>
    }
}

/// A container state in words: `Running for 5m`, `Waiting: ImagePullBackOff`, `Terminated:
/// Error (exit code 1)`.
#[component]
fn StateText(state: ContainerState, now: i64) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || &i18n.t().detail;
    let tone = state.tone();
    let text = move || match &state {
        ContainerState::Running { since } => {
            let age = since
                .map(|at| compact_age(&at.to_rfc3339(), now))
                .map(|age| format!(" {}", (d().since)(&age)))
                .unwrap_or_default();
            format!("{}{age}", d().running)
        }
        ContainerState::Waiting { reason, message } => {
            let mut text = format!("{}: {reason}", d().waiting);
            if !message.is_empty() {
                text.push_str(&format!(" — {message}"));
            }
            text
        }
        ContainerState::Terminated {
            reason,
            exit_code,
            message,
            ..
        } => {
            let mut text = format!(
                "{}: {reason} ({})",
                d().terminated,
                (d().exit_code)(*exit_code)
            );
            if !message.is_empty() {
                text.push_str(&format!(" — {message}"));
            }
            text
        }
        ContainerState::Unknown => d().no_status.to_string(),
    };
    view! {
        <span class=format!("tone-text container-state {}", crate::resources::display::tone_class(tone)) data-testid="container-state">
            <span class="tone-dot" aria-hidden="true"></span>
            {text}
        </span>
    }
}

#[component]
fn EnvRow(var: EnvVar, cluster: String) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || &i18n.t().detail;
    let link = |target: &model::objects::ObjectRef| {
        let href = links::object_href(
            &cluster,
            &target.kind,
            target.namespace.as_deref(),
            &target.name,
        );
        let name = target.name.clone();
        view! { <A href=href attr:class="object-link">{name}</A> }
    };
    let value = match (&var.value, &var.from) {
        (Some(v), _) => view! { <code class="mono wrap-anywhere">{v.clone()}</code> }.into_any(),
        (None, Some(EnvSource::Secret { target, key })) => {
            let key = key.clone();
            view! {
                <span class="env-source" data-testid="env-secret-ref">
                    {move || d().from_secret}" "{link(target)}" · "
                    {match key {
                        Some(k) => view! { {move || d().key}" "<code class="mono">{k}</code> }.into_any(),
                        None => view! { {move || d().all_keys} }.into_any(),
                    }}
                </span>
            }
            .into_any()
        }
        (None, Some(EnvSource::ConfigMap { target, key })) => {
            let key = key.clone();
            view! {
                <span class="env-source">
                    {move || d().from_configmap}" "{link(target)}" · "
                    {match key {
                        Some(k) => view! { {move || d().key}" "<code class="mono">{k}</code> }.into_any(),
                        None => view! { {move || d().all_keys} }.into_any(),
                    }}
                </span>
            }
            .into_any()
        }
        (None, Some(EnvSource::Field { path })) => {
            let path = path.clone();
            view! { <span class="env-source">{move || d().from_field}" "<code class="mono">{path}</code></span> }.into_any()
        }
        (
            None,
            Some(EnvSource::Resource {
                resource,
                container,
            }),
        ) => {
            let text = if container.is_empty() {
                resource.clone()
            } else {
                format!("{container}/{resource}")
            };
            view! { <span class="env-source">{move || d().from_resource}" "<code class="mono">{text}</code></span> }.into_any()
        }
        (None, None) => view! { <span class="muted">"—"</span> }.into_any(),
    };
    let name = if var.name.is_empty() {
        "*".to_string()
    } else {
        var.name.clone()
    };
    view! {
        <tr data-testid=format!("env-{}", var.name)>
            <th scope="row" class="mono env-name">{name}</th>
            <td>{value}</td>
        </tr>
    }
}
