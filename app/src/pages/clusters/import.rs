//! `/clusters/import`: add clusters from a pasted or uploaded kubeconfig (one or several of its
//! contexts) or from a server URL, bearer token and CA. Every candidate can be tested before it
//! is saved; nothing is stored until the reader saves, and an error never clears what was typed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;
use model::AppError;
use model::clusters::{ClusterSource, ContextImport, KubeconfigContext, NewCluster};

use super::connection_test::ConnectionTester;
use super::is_admin;
use super::settings_fields::{ClusterSettingsFields, SettingsForm, name_is_valid, suggested_name};
use super::token_fields::{TokenFields, TokenForm};
use crate::clusters::api::{create_cluster, import_clusters, list_kubeconfig_contexts};
use crate::components::current_cluster::use_cluster_directory;
use crate::components::form_fields::{FormAlert, TextAreaField};
use crate::i18n::{error_message, use_i18n};

/// How the reader gives Capstan the credentials.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Paste,
    Upload,
    Token,
}

#[component]
pub fn ClusterImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = is_admin();
    let mode = RwSignal::new(Mode::Paste);
    view! {
        <Title text=move || format!("{} · Capstan", i18n.t().clusters.import_title)/>
        <div class="page">
            <div class="page-head">
                <div>
                    <h1 class="page-title">{move || i18n.t().clusters.import_title}</h1>
                    <p class="page-lead">{move || i18n.t().clusters.import_lead}</p>
                </div>
            </div>
            <Show
                when=move || admin.get()
                fallback=move || view! {
                    <div class="state-panel" data-testid="import-admin-only">
                        <p>{move || i18n.t().clusters.admin_only}</p>
                    </div>
                }
            >
                <ModePicker mode/>
                <Show when=move || mode.get() == Mode::Token fallback=move || view! { <KubeconfigImport mode/> }>
                    <TokenImport/>
                </Show>
            </Show>
        </div>
    }
}

#[component]
fn ModePicker(mode: RwSignal<Mode>) -> impl IntoView {
    let i18n = use_i18n();
    let option = move |value: Mode,
                       id: &'static str,
                       label: fn(&'static crate::i18n::Messages) -> &'static str| {
        view! {
            <label class="segment" class:segment-active=move || mode.get() == value>
                <input
                    type="radio"
                    name="import-mode"
                    data-testid=id
                    prop:checked=move || mode.get() == value
                    on:change=move |_| mode.set(value)
                />
                {move || label(i18n.t())}
            </label>
        }
    };
    view! {
        <fieldset class="segments">
            <legend class="visually-hidden">{move || i18n.t().clusters.how_to_connect}</legend>
            {option(Mode::Paste, "import-mode-paste", |t| t.clusters.mode_paste)}
            {option(Mode::Upload, "import-mode-upload", |t| t.clusters.mode_upload)}
            {option(Mode::Token, "import-mode-token", |t| t.clusters.mode_token)}
        </fieldset>
    }
}

/// One context of the kubeconfig as the reader sees it: chosen or not, and its settings.
#[derive(Clone)]
struct Candidate {
    context: KubeconfigContext,
    chosen: RwSignal<bool>,
    form: SettingsForm,
}

#[component]
fn KubeconfigImport(mode: RwSignal<Mode>) -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    let kubeconfig = RwSignal::new(String::new());
    let candidates = RwSignal::new(Vec::<Candidate>::new());
    // The kubeconfig the candidates were read from: testing and saving use it, so editing the
    // text afterwards asks for the contexts to be read again instead of mixing the two.
    let read_from = RwSignal::new(String::new());
    let local_error = RwSignal::new(None::<String>);

    let read = Action::new(|text: &String| {
        let text = text.clone();
        async move { (text.clone(), list_kubeconfig_contexts(text).await) }
    });
    Effect::new(move |_| {
        if let Some((text, Ok(contexts))) = read.value().get() {
            let only_one = contexts.iter().filter(|c| c.problem.is_none()).count() == 1;
            candidates.set(
                contexts
                    .into_iter()
                    .map(|context| Candidate {
                        chosen: RwSignal::new(
                            context.problem.is_none() && (context.is_current || only_one),
                        ),
                        form: SettingsForm::new(suggested_name(&context.name)),
                        context,
                    })
                    .collect(),
            );
            read_from.set(text);
        }
    });
    let read_error = move || read.value().get().and_then(|(_, r)| r.err());
    let stale = move || !read_from.with(String::is_empty) && read_from.get() != kubeconfig.get();

    let save = Action::new(|(text, contexts): &(String, Vec<ContextImport>)| {
        let (text, contexts) = (text.clone(), contexts.clone());
        async move { import_clusters(text, contexts).await }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            directory.list.refetch();
            let to = match saved.as_slice() {
                [one] => format!("/clusters/{}", one.id),
                _ => "/clusters".to_string(),
            };
            navigate(&to, Default::default());
        }
    });
    let save_error = Signal::derive(move || save.value().get().and_then(Result::err));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = i18n.t();
        let chosen: Vec<Candidate> = candidates
            .get_untracked()
            .into_iter()
            .filter(|c| c.chosen.get_untracked())
            .collect();
        if chosen.is_empty() {
            local_error.set(Some(t.clusters.choose_context.into()));
            return;
        }
        let mut names = std::collections::HashSet::new();
        for c in &chosen {
            let name = c.form.value().name;
            if !name_is_valid(&name) || !names.insert(name.clone()) {
                local_error.set(Some(format!(
                    "{}: {}",
                    c.context.name, t.clusters.name_invalid
                )));
                return;
            }
        }
        local_error.set(None);
        let contexts = chosen
            .iter()
            .map(|c| ContextImport {
                context: c.context.name.clone(),
                settings: c.form.value(),
            })
            .collect();
        save.dispatch((read_from.get_untracked(), contexts));
    };
    let alert = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| save_error.get().map(|e| error_message(i18n.t(), &e)))
    });
    let chosen_count = move || candidates.with(|all| all.iter().filter(|c| c.chosen.get()).count());
    // Field errors from the server can only be placed when one context is being saved.
    let single_error = Signal::derive(move || {
        if chosen_count() == 1 {
            save_error.get()
        } else {
            None
        }
    });

    view! {
        <form class="form import-form" novalidate on:submit=submit>
            <FormAlert message=alert testid="import-error"/>
            <Show when=move || mode.get() == Mode::Upload>
                <FileLoader into=kubeconfig on_loaded=move |text: String| { read.dispatch(text); }/>
            </Show>
            <TextAreaField
                id="import-kubeconfig"
                label=|t| t.clusters.kubeconfig
                hint=|t| t.clusters.kubeconfig_hint
                value=kubeconfig
                rows=10
                code=true
                error=Signal::derive(move || read_error().map(|e| error_message(i18n.t(), &e)))
            />
            <div class="form-actions">
                <button
                    type="button"
                    class="button"
                    data-testid="import-read-contexts"
                    disabled=move || read.pending().get() || kubeconfig.with(|k| k.trim().is_empty())
                    on:click=move |_| { read.dispatch(kubeconfig.get_untracked()); }
                >
                    {move || if read.pending().get() { i18n.t().clusters.reading } else { i18n.t().clusters.read_contexts }}
                </button>
                <Show when=stale>
                    <span class="field-hint" data-testid="import-stale">{move || i18n.t().clusters.contexts_hint}</span>
                </Show>
            </div>
            <Show when=move || !read_from.with(String::is_empty)>
                <section class="section" aria-labelledby="import-contexts-title">
                    <h2 class="section-title" id="import-contexts-title">{move || i18n.t().clusters.contexts_title}</h2>
                    <p class="muted">{move || i18n.t().clusters.contexts_hint}</p>
                    <Show when=move || candidates.with(Vec::is_empty)>
                        <p class="muted" data-testid="import-no-contexts">{move || i18n.t().clusters.no_contexts}</p>
                    </Show>
                    <ul class="context-list">
                        {move || candidates
                            .get()
                            .into_iter()
                            .enumerate()
                            .map(|(i, candidate)| view! { <ContextCandidate index=i candidate kubeconfig=read_from error=single_error/> })
                            .collect_view()}
                    </ul>
                </section>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-testid="import-submit" disabled=move || save.pending().get()>
                        {move || if save.pending().get() {
                            i18n.t().clusters.saving.to_string()
                        } else {
                            (i18n.t().clusters.import_selected)(chosen_count())
                        }}
                    </button>
                    <a class="button button-quiet" href="/clusters">{move || i18n.t().clusters.cancel}</a>
                </div>
            </Show>
        </form>
    }
    .into_any()
}

#[component]
fn ContextCandidate(
    index: usize,
    candidate: Candidate,
    kubeconfig: RwSignal<String>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let Candidate {
        context,
        chosen,
        form,
    } = candidate;
    let id = format!("ctx-{index}");
    let usable = context.problem.is_none();
    let name = context.name.clone();
    let source = Signal::derive(move || {
        Some(ClusterSource::Kubeconfig {
            kubeconfig: kubeconfig.get(),
            context: Some(name.clone()),
        })
    });
    let detail = [
        context.server.clone(),
        context.user.clone(),
        context.namespace.clone(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    view! {
        <li class="context-card" data-testid=format!("import-context-{}", context.name) class:context-chosen=move || chosen.get()>
            <div class="check-field">
                <input
                    type="checkbox"
                    id=format!("{id}-chosen")
                    data-testid="import-context-choose"
                    disabled=!usable
                    prop:checked=move || chosen.get()
                    on:change=move |ev| chosen.set(event_target_checked(&ev))
                />
                <div>
                    <label for=format!("{id}-chosen")>
                        <span class="mono">{context.name.clone()}</span>
                        {context.is_current.then(|| view! { <span class="tag">{move || i18n.t().clusters.current_context}</span> })}
                    </label>
                    <p class="field-hint mono">{detail}</p>
                    {context.problem.clone().map(|p| view! { <p class="field-error" data-testid="import-context-problem">{p}</p> })}
                </div>
            </div>
            <Show when=move || chosen.get()>
                <div class="context-body">
                    <ClusterSettingsFields form prefix=id.clone() error/>
                    <ConnectionTester source testid=format!("{id}-test")/>
                </div>
            </Show>
        </li>
    }
    .into_any()
}

/// The file picker of the upload mode: the file's text goes into the kubeconfig field (where the
/// reader can still see and change it) and its contexts are read at once.
#[component]
fn FileLoader(
    into: RwSignal<String>,
    on_loaded: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let failed = RwSignal::new(false);
    let on_change = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        let Some(file) = file else { return };
        leptos::task::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string())
            {
                Some(text) => {
                    failed.set(false);
                    into.set(text.clone());
                    on_loaded(text);
                }
                None => failed.set(true),
            }
        });
    };
    view! {
        <div class="field">
            <label for="import-file">{move || i18n.t().clusters.upload_label}</label>
            <input type="file" id="import-file" data-testid="import-file" aria-describedby="import-file-hint" on:change=on_change/>
            <p class="field-hint" id="import-file-hint">{move || i18n.t().clusters.upload_hint}</p>
            <Show when=move || failed.get()>
                <p class="field-error" role="alert">{move || i18n.t().errors.unknown}</p>
            </Show>
        </div>
    }
}

#[component]
fn TokenImport() -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    let credentials = TokenForm::new(String::new());
    let form = SettingsForm::new(String::new());
    let source = Signal::derive(move || credentials.source());
    let save = Action::new(|cluster: &NewCluster| {
        let cluster = cluster.clone();
        async move { create_cluster(cluster).await }
    });
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            directory.list.refetch();
            navigate(&format!("/clusters/{}", saved.id), Default::default());
        }
    });
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let local_error = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match source.get_untracked() {
            None => local_error.set(Some(i18n.t().errors.invalid.into())),
            Some(source) => {
                local_error.set(None);
                save.dispatch(NewCluster {
                    settings: form.value(),
                    source,
                });
            }
        }
    };
    let alert = Signal::derive(move || {
        local_error
            .get()
            .or_else(|| error.get().map(|e| error_message(i18n.t(), &e)))
    });
    view! {
        <form class="form import-form" novalidate on:submit=submit>
            <FormAlert message=alert testid="import-error"/>
            <TokenFields form=credentials prefix="import" error/>
            <ClusterSettingsFields form prefix="import" error/>
            <ConnectionTester source testid="import-test"/>
            <div class="form-actions">
                <button type="submit" class="button button-primary" data-testid="import-submit" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { i18n.t().clusters.saving } else { i18n.t().clusters.save_cluster }}
                </button>
                <a class="button button-quiet" href="/clusters">{move || i18n.t().clusters.cancel}</a>
            </div>
        </form>
    }
    .into_any()
}
