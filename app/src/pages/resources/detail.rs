//! `/clusters/{id}/resources/{kind}/{ns}/{name}`: one object of any kind, read live: its
//! status, the facts of its kind, containers (pods), keys (Secrets, values on request),
//! data (ConfigMaps), conditions, owners and what it owns, events, labels and annotations.
//! A missing object, a refusal or an unreachable cluster each get their own message.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use model::AppError;
use model::detail::ObjectDetail;
use model::objects::ObjectRef;

use super::delete_dialog::DeleteButton;
use super::detail_sections::{
    Age, Conditions, ConfigData, Events, Facts, KindTables, LabelsAndAnnotations, Related, ToneText,
};
use super::operations::OperationsPanel;
use super::pod_containers::Containers;
use super::secret_keys::{SecretAddress, SecretKeys};
use crate::i18n::{Lang, Messages, error_message, use_i18n};
use crate::resources::detail_api::get_object_detail;
use crate::resources::display::{now_ms, plural_title};
use crate::resources::links;

#[component]
pub fn ObjectDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let cluster = move || params.with(|p| p.get("id").unwrap_or_default());
    let target = move || {
        params.with(|p| ObjectRef {
            kind: p.get("kind").unwrap_or_default(),
            namespace: links::namespace_of(&p.get("ns").unwrap_or_default()),
            name: p.get("name").unwrap_or_default(),
        })
    };
    let detail = Resource::new(
        move || (cluster(), target()),
        |(cluster, object)| get_object_detail(cluster, object),
    );
    let body = move || {
        Suspend::new(async move {
            let cluster = cluster();
            match detail.await {
                Ok(d) => view! { <DetailBody detail=d cluster reload=Callback::new(move |_| detail.refetch())/> }.into_any(),
                Err(error) => view! { <DetailFailure error cluster object=target()/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=move || format!("{} · Capstan", params.with(|p| p.get("name").unwrap_or_default()))/>
        <div class="page page-wide detail-page">
            <Transition fallback=move || view! {
                <p class="muted detail-loading" data-testid="detail-loading" aria-busy="true">{move || i18n.t().shell.loading}</p>
            }>
                {body}
            </Transition>
        </div>
    }
}

/// Picks one sentence of the catalog.
type Text = fn(&'static Messages) -> &'static str;

/// Why the object cannot be shown, with a way back.
#[component]
fn DetailFailure(error: AppError, cluster: String, object: ObjectRef) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || &i18n.t().detail;
    let list_href = links::list_href(&cluster, &object.kind);
    let code = error.code.clone();
    let (title, body): (Text, Option<Text>) = match code.as_str() {
        "resource.not_found" => (
            |t| t.detail.not_found_title,
            Some(|t| t.detail.not_found_body),
        ),
        "resource.forbidden" => (
            |t| t.detail.forbidden_title,
            Some(|t| t.detail.forbidden_body),
        ),
        "cluster.unreachable" => (|t| t.detail.unavailable_title, None),
        _ => (|t| t.detail.load_failed, None),
    };
    // The server's sentence names the object; other languages get the translated one.
    let message = move || match body {
        Some(body) if !std::ptr::eq(i18n.t(), Lang::En.messages()) => body(i18n.t()).to_string(),
        _ => error_message(i18n.t(), &error),
    };
    let name = object.name.clone();
    let kind = object.kind.clone();
    view! {
        <nav class="crumbs" aria-label=move || d().breadcrumbs>
            <A href=list_href.clone()>{kind}</A>
            <span aria-hidden="true">"/"</span>
            <span aria-current="page">{name.clone()}</span>
        </nav>
        <h1 class="page-title">{name}</h1>
        <div class="state-panel state-error" role="alert" data-testid="detail-error" data-code=code>
            <h2 class="section-title">{move || title(i18n.t())}</h2>
            <p>{message}</p>
            <A href=list_href attr:class="button" attr:data-testid="detail-back">
                {move || (d().back_to_list)(&object.kind)}
            </A>
        </div>
    }
}

#[component]
fn DetailBody(detail: ObjectDetail, cluster: String, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let d = move || &i18n.t().detail;
    let now = now_ms();
    let ObjectDetail {
        kind,
        name,
        namespace,
        uid,
        resource_version,
        created_at,
        deleting_since,
        status,
        summary,
        tables,
        labels,
        annotations,
        finalizers,
        conditions,
        owners,
        related,
        events,
        containers,
        config_data,
        secret,
        controls,
    } = detail;
    let plural = plural_title(&kind.kind);
    let list_href = links::list_href(&cluster, &kind.key);
    let yaml_href = links::yaml_href(&cluster, &kind.key, namespace.as_deref(), &name);
    let logs_link = namespace
        .as_deref()
        .and_then(|ns| crate::logs::page_href(&cluster, &kind.key, ns, &name))
        .map(|href| {
            view! { <A href=href attr:class="button" attr:data-testid="detail-logs">{move || i18n.t().logs.open}</A> }
        });
    // Node shells are for administrators (the server refuses anyone else too).
    let is_admin = crate::pages::clusters::is_admin();
    let terminal_href = match (kind.key.as_str(), namespace.as_deref()) {
        ("pods", Some(ns)) => Some((format!("/clusters/{cluster}/terminal/{ns}/{name}"), false)),
        ("nodes", None) => Some((format!("/clusters/{cluster}/node-terminal/{name}"), true)),
        _ => None,
    };
    let terminal_link = move || {
        terminal_href
            .clone()
            .filter(|(_, admin_only)| !admin_only || is_admin.get())
            .map(|(href, _)| {
                view! { <A href=href attr:class="button" attr:data-testid="detail-terminal">{move || i18n.t().term.open}</A> }
            })
    };
    let api_version = if kind.group.is_empty() {
        kind.version.clone()
    } else {
        format!("{}/{}", kind.group, kind.version)
    };
    let namespace_link = namespace.clone().map(|ns| {
        let href = links::object_href(&cluster, "namespaces", None, &ns);
        view! {
            <span class="detail-meta-item">
                <span class="muted">{move || d().namespace}" "</span>
                <A href=href attr:class="object-link" attr:data-testid="detail-namespace">{ns}</A>
            </span>
        }
    });
    let crumb_ns = namespace.clone().map(|ns| {
        let href = format!("{list_href}?ns={ns}");
        view! { <A href=href>{ns}</A><span aria-hidden="true">"/"</span> }
    });
    let header = view! {
        <nav class="crumbs" aria-label=move || d().breadcrumbs>
            <A href=format!("/clusters/{cluster}")>{move || i18n.t().nav.overview}</A>
            <span aria-hidden="true">"/"</span>
            <A href=list_href.clone() attr:data-testid="detail-crumb-list">{plural.clone()}</A>
            <span aria-hidden="true">"/"</span>
            {crumb_ns}
            <span aria-current="page">{name.clone()}</span>
        </nav>
        <div class="page-head detail-head">
            <div class="detail-title">
                <p class="detail-kind">
                    <span data-testid="detail-kind">{kind.kind.clone()}</span>
                    " "<span class="mono muted">{api_version}</span>
                </p>
                <h1 class="page-title" data-testid="detail-name">{name.clone()}</h1>
                <p class="detail-meta">
                    {status.map(|s| view! {
                        <span class="detail-status" data-testid="detail-status"><ToneText text=s.text tone=s.tone/></span>
                    })}
                    {namespace_link}
                    {namespace.is_none().then(|| view! { <span class="detail-meta-item muted">{move || d().cluster_scoped}</span> })}
                    {created_at.map(|at| view! {
                        <span class="detail-meta-item"><span class="muted">{move || d().age}" "</span><Age at now/></span>
                    })}
                    {deleting_since.map(|at| view! {
                        <span class="detail-meta-item tone-warning" data-testid="detail-deleting">
                            <span class="tone-dot" aria-hidden="true"></span>{move || d().deleting}" "<Age at now/>
                        </span>
                    })}
                </p>
            </div>
            <div class="object-actions detail-actions" role="toolbar" aria-label=move || d().actions data-testid="detail-actions">
                {logs_link}
                {terminal_link}
                <A href=yaml_href attr:class="button" attr:data-testid="detail-yaml">{move || d().yaml}</A>
                <button type="button" class="button button-quiet" data-testid="detail-refresh" on:click=move |_| reload.run(())>
                    {move || d().refresh}
                </button>
                <DeleteButton
                    cluster=cluster.clone()
                    object=ObjectRef { kind: kind.key.clone(), namespace: namespace.clone(), name: name.clone() }
                    kind=kind.clone()
                    navigate_to=list_href.clone()
                />
            </div>
        </div>
    };

    let is_secret = secret.is_some();
    let secret_section = secret.map(|summary| {
        let address = SecretAddress {
            cluster: cluster.clone(),
            namespace: namespace.clone().unwrap_or_default(),
            name: name.clone(),
        };
        view! { <SecretKeys summary address/> }
    });
    let summary_section = view! {
        <section class="panel detail-section" data-testid="detail-summary">
            <h2 class="section-title">{move || d().summary}</h2>
            {if summary.is_empty() {
                view! { <p class="muted">{move || d().nothing_more}</p> }.into_any()
            } else {
                view! { <Facts fields=summary cluster=cluster.clone() now/> }.into_any()
            }}
        </section>
    };
    let config_section =
        (kind.key == "configmaps").then(|| view! { <ConfigData entries=config_data/> });
    let containers_section = (!containers.is_empty())
        .then(|| view! { <Containers containers cluster=cluster.clone() now/> });
    let conditions_section =
        (!conditions.is_empty()).then(|| view! { <Conditions conditions now/> });
    let metadata_section = {
        let finalizers = (!finalizers.is_empty()).then(|| {
            let text = finalizers.join(", ");
            view! { <div class="fact"><dt>{move || d().finalizers}</dt><dd><code class="mono">{text}</code></dd></div> }
        });
        view! {
            <section class="panel detail-section" data-testid="detail-metadata">
                <h2 class="section-title">{move || d().metadata}</h2>
                <dl class="detail-facts">
                    <div class="fact"><dt>{move || d().uid}</dt><dd><code class="mono wrap-anywhere">{uid}</code></dd></div>
                    <div class="fact"><dt>{move || d().resource_version}</dt><dd><code class="mono">{resource_version}</code></dd></div>
                    {created_at.map(|at| {
                        let exact = at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
                        view! { <div class="fact"><dt>{move || d().created}</dt><dd>{exact}</dd></div> }
                    })}
                    {finalizers}
                </dl>
            </section>
        }
    };
    let operations = controls.map(|controls| {
        let object = ObjectRef {
            kind: kind.key.clone(),
            namespace: namespace.clone(),
            name: name.clone(),
        };
        view! { <OperationsPanel cluster=cluster.clone() object controls/> }
    });
    view! {
        {header}
        <div class="detail-sections" data-testid="object-detail" data-kind=kind.key.clone() data-secret=is_secret.to_string()>
            {operations}
            {summary_section}
            {secret_section}
            {config_section}
            {containers_section}
            <KindTables tables cluster=cluster.clone() now/>
            {conditions_section}
            <Related owners groups=related cluster=cluster.clone() now/>
            <Events events now/>
            <LabelsAndAnnotations
                labels=labels.into_iter().collect()
                annotations=annotations.into_iter().collect()
            />
            {metadata_section}
        </div>
    }
}
