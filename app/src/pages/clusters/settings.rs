//! `/clusters/{id}/settings`: rename a cluster, change its environment, colour and read-only
//! flag, replace its credentials (never shown, only replaced), or delete it after typing its name.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};
use model::AppError;
use model::clusters::{ClusterInfo, ClusterSource, ClusterUpdate};

use super::connection_test::ConnectionTester;
use super::is_admin;
use super::settings_fields::{ClusterSettingsFields, SettingsForm};
use super::token_fields::{TokenFields, TokenForm};
use crate::clusters::api::{delete_cluster, get_cluster, update_cluster};
use crate::components::current_cluster::use_cluster_directory;
use crate::components::form_fields::{FormAlert, TextAreaField, TextField, server_field_error};
use crate::i18n::{error_message, use_i18n};

#[component]
pub fn ClusterSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = is_admin();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let cluster = Resource::new(id, get_cluster);
    let body = move || {
        Suspend::new(async move {
            match cluster.await {
                Ok(c) => view! { <SettingsBody cluster=c/> }.into_any(),
                Err(e) => view! {
                    <div class="state-panel state-error" role="alert" data-testid="cluster-settings-error">
                        <p>{move || error_message(i18n.t(), &e)}</p>
                    </div>
                }
                .into_any(),
            }
        })
    };
    view! {
        <Title text=move || format!("{} · Capstan", i18n.t().clusters.settings_title)/>
        <div class="page">
            <Show
                when=move || admin.get()
                fallback=move || view! {
                    <h1 class="page-title">{move || i18n.t().clusters.settings_title}</h1>
                    <div class="state-panel" data-testid="settings-admin-only"><p>{move || i18n.t().clusters.admin_only}</p></div>
                }
            >
                <Transition fallback=move || view! { <p class="muted">{move || i18n.t().shell.loading}</p> }>
                    {body}
                </Transition>
            </Show>
        </div>
    }
}

#[component]
fn SettingsBody(cluster: ClusterInfo) -> impl IntoView {
    let i18n = use_i18n();
    let overview = format!("/clusters/{}", cluster.id);
    view! {
        <div class="page-head">
            <div>
                <h1 class="page-title">{move || i18n.t().clusters.settings_title}</h1>
                <p class="page-lead">
                    <a href=overview data-testid="settings-cluster-name" class="mono">{cluster.name.clone()}</a>
                    " · "
                    {move || i18n.t().clusters.settings_lead}
                </p>
            </div>
        </div>
        <GeneralSettings cluster=cluster.clone()/>
        <CredentialsSettings cluster=cluster.clone()/>
        <DangerZone cluster/>
    }
}

#[component]
fn GeneralSettings(cluster: ClusterInfo) -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    let form = SettingsForm::from_cluster(&cluster);
    let id = cluster.id.clone();
    let save = Action::new(move |update: &ClusterUpdate| {
        let (id, update) = (id.clone(), update.clone());
        async move { update_cluster(id, update).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            directory.list.refetch();
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = move || matches!(save.value().get(), Some(Ok(_))) && !save.pending().get();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let s = form.value();
        save.dispatch(ClusterUpdate {
            name: Some(s.name),
            description: Some(s.description),
            environment: Some(s.environment),
            colour: Some(s.colour),
            read_only: Some(s.read_only),
            keep_ended_logs: Some(s.keep_ended_logs),
            source: None,
        });
    };
    let alert = Signal::derive(move || {
        error
            .get()
            .filter(|e| e.fields.is_empty())
            .map(|e| error_message(i18n.t(), &e))
    });
    view! {
        <form class="form panel" novalidate on:submit=submit data-testid="settings-form">
            <FormAlert message=alert testid="settings-error"/>
            <ClusterSettingsFields form prefix="settings" error/>
            <div class="form-actions">
                <button type="submit" class="button button-primary" data-testid="settings-save" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { i18n.t().clusters.saving } else { i18n.t().clusters.save_changes }}
                </button>
                <Show when=saved>
                    <span class="form-success" role="status" data-testid="settings-saved">{move || i18n.t().clusters.saved}</span>
                </Show>
            </div>
        </form>
    }
    .into_any()
}

#[component]
fn CredentialsSettings(cluster: ClusterInfo) -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    let use_token = RwSignal::new(cluster.auth_kind == model::clusters::AuthKind::Token);
    let kubeconfig = RwSignal::new(String::new());
    let context = RwSignal::new(String::new());
    let credentials = TokenForm::new(cluster.server_url.clone());
    let source = Signal::derive(move || {
        if use_token.get() {
            credentials.source()
        } else {
            let k = kubeconfig.get();
            (!k.trim().is_empty()).then(|| ClusterSource::Kubeconfig {
                kubeconfig: k,
                context: Some(context.get().trim().to_string()).filter(|c| !c.is_empty()),
            })
        }
    });
    let id = cluster.id.clone();
    let replace = Action::new(move |source: &ClusterSource| {
        let (id, source) = (id.clone(), source.clone());
        async move {
            let update = ClusterUpdate {
                source: Some(source),
                ..Default::default()
            };
            update_cluster(id, update).await
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = replace.value().get() {
            // The new credentials are stored; clear the secret fields so they leave the page.
            credentials.token.set(String::new());
            kubeconfig.set(String::new());
            directory.list.refetch();
        }
    });
    let error = Signal::derive(move || replace.value().get().and_then(Result::err));
    let done = move || matches!(replace.value().get(), Some(Ok(_))) && !replace.pending().get();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(source) = source.get_untracked() {
            replace.dispatch(source);
        }
    };
    view! {
        <form class="form panel" novalidate on:submit=submit aria-labelledby="credentials-title">
            <h2 class="section-title" id="credentials-title">{move || i18n.t().clusters.credentials_title}</h2>
            <p class="muted">{move || i18n.t().clusters.credentials_hint}</p>
            <FormAlert message=Signal::derive(move || error.get().map(|e| error_message(i18n.t(), &e))) testid="credentials-error"/>
            <fieldset class="segments">
                <legend class="visually-hidden">{move || i18n.t().clusters.how_to_connect}</legend>
                <label class="segment" class:segment-active=move || !use_token.get()>
                    <input type="radio" name="credentials-mode" data-testid="credentials-mode-kubeconfig" prop:checked=move || !use_token.get() on:change=move |_| use_token.set(false)/>
                    {move || i18n.t().clusters.mode_paste}
                </label>
                <label class="segment" class:segment-active=move || use_token.get()>
                    <input type="radio" name="credentials-mode" data-testid="credentials-mode-token" prop:checked=move || use_token.get() on:change=move |_| use_token.set(true)/>
                    {move || i18n.t().clusters.mode_token}
                </label>
            </fieldset>
            <Show
                when=move || use_token.get()
                fallback=move || view! {
                    <TextAreaField id="credentials-kubeconfig" label=|t| t.clusters.kubeconfig value=kubeconfig rows=8 code=true error=server_field_error(error, "kubeconfig")/>
                    <TextField id="credentials-context" label=|t| t.clusters.context_name value=context error=server_field_error(error, "context")/>
                }
            >
                <TokenFields form=credentials prefix="credentials" error/>
            </Show>
            <ConnectionTester source testid="credentials-test"/>
            <div class="form-actions">
                <button
                    type="submit"
                    class="button"
                    data-testid="credentials-replace"
                    disabled=move || replace.pending().get() || source.with(Option::is_none)
                >
                    {move || i18n.t().clusters.replace_credentials}
                </button>
                <Show when=done>
                    <span class="form-success" role="status" data-testid="credentials-replaced">{move || i18n.t().clusters.credentials_replaced}</span>
                </Show>
            </div>
        </form>
    }
    .into_any()
}

#[component]
fn DangerZone(cluster: ClusterInfo) -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    let typed = RwSignal::new(String::new());
    let name = cluster.name.clone();
    let id = cluster.id.clone();
    let delete = Action::new(move |confirm: &String| {
        let (id, confirm) = (id.clone(), confirm.clone());
        async move { delete_cluster(id, confirm).await }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            directory.list.refetch();
            navigate("/clusters", Default::default());
        }
    });
    let error: Signal<Option<AppError>> =
        Signal::derive(move || delete.value().get().and_then(Result::err));
    let matches = {
        let name = name.clone();
        move || typed.with(|t| t.trim() == name)
    };
    let label_name = name.clone();
    view! {
        <form
            class="form panel panel-danger"
            novalidate
            aria-labelledby="danger-title"
            on:submit=move |ev| {
                ev.prevent_default();
                delete.dispatch(typed.get_untracked().trim().to_string());
            }
        >
            <h2 class="section-title" id="danger-title">{move || i18n.t().clusters.danger_zone}</h2>
            <p><strong>{move || i18n.t().clusters.delete_title}</strong></p>
            <p class="muted">{move || i18n.t().clusters.delete_body}</p>
            <FormAlert message=Signal::derive(move || error.get().map(|e| error_message(i18n.t(), &e))) testid="delete-error"/>
            <div class="field">
                <label for="delete-confirm">{move || (i18n.t().clusters.delete_confirm_label)(&label_name)}</label>
                <input
                    id="delete-confirm"
                    data-testid="delete-confirm"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                />
            </div>
            <div class="form-actions">
                <button type="submit" class="button button-danger" data-testid="delete-cluster" disabled=move || delete.pending().get() || !matches()>
                    {move || if delete.pending().get() { i18n.t().clusters.deleting } else { i18n.t().clusters.delete_button }}
                </button>
            </div>
        </form>
    }
    .into_any()
}
