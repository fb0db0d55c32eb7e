//! The app form: container, ports and exposure, environment, volumes, resources, labels. Every
//! field is checked as the user types (the rules the server runs again) once the form was
//! submitted or the field was filled; the YAML it will apply is shown beside it, from the server.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use model::AppError;
use model::apps::{
    AppEnv, AppPort, AppSpec, AppVolume, EnvValue, Expose, Protocol, VolumeSource, validate,
};

use crate::apps::text::{lines, pairs, unpairs};
use crate::i18n::{Messages, use_i18n};

/// What the form submits: the spec and, when creating, whether to wait until it runs.
#[derive(Clone)]
pub struct Submitted {
    pub spec: AppSpec,
    pub wait: bool,
}

type Text = fn(&'static Messages) -> &'static str;

/// The message for `field` among `errors`, if any.
fn error_for(errors: &[model::FieldError], field: &str) -> Option<String> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.clone())
}

#[component]
pub fn AppForm(
    initial: AppSpec,
    /// Editing an existing app: name and namespace are fixed.
    editing: bool,
    #[prop(into)] pending: Signal<bool>,
    /// The server's refusal of the last submit, if any.
    #[prop(into)]
    server_error: Signal<Option<AppError>>,
    on_submit: Callback<Submitted>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().apps;
    let params = use_params_map();
    let cluster = move || params.with(|p| p.get("id").unwrap_or_default());
    let spec = RwSignal::new(initial.clone());
    let command = RwSignal::new(initial.command.join("\n"));
    let args = RwSignal::new(initial.args.join("\n"));
    let labels = RwSignal::new(unpairs(&initial.labels));
    let annotations = RwSignal::new(unpairs(&initial.annotations));
    let replicas = RwSignal::new(initial.replicas.to_string());
    let wait = RwSignal::new(true);
    let submitted = RwSignal::new(false);

    // The whole form as the server will read it.
    let current = Memo::new(move |_| {
        let mut s = spec.get();
        s.command = lines(&command.get());
        s.args = lines(&args.get());
        s.labels = pairs(&labels.get());
        s.annotations = pairs(&annotations.get());
        s.replicas = replicas.get().trim().parse().unwrap_or(-1);
        s
    });
    let errors = Memo::new(move |_| {
        let mut errors = validate(&current.get());
        if let Some(server) = server_error.get() {
            for f in server.fields {
                if !errors.iter().any(|e| e.field == f.field) {
                    errors.push(f);
                }
            }
        }
        errors
    });
    let shown = move |field: &'static str| {
        Signal::derive(move || {
            if !submitted.get() && server_error.with(Option::is_none) {
                return None;
            }
            errors.with(|e| error_for(e, field))
        })
    };
    let shown_at = move |field: String| {
        Signal::derive(move || {
            if !submitted.get() && server_error.with(Option::is_none) {
                return None;
            }
            errors.with(|e| error_for(e, &field))
        })
    };

    // The YAML, from the server, once the form is valid (debounced by the resource).
    let preview = Resource::new(
        move || {
            let s = current.get();
            validate(&s).is_empty().then_some(s)
        },
        |spec| async move {
            match spec {
                Some(spec) => crate::apps::api::preview_app(spec).await.ok(),
                None => None,
            }
        },
    );

    let text_field = move |id: &'static str,
                           label: Text,
                           value: RwSignal<String>,
                           field: &'static str,
                           disabled: bool| {
        let error = shown(field);
        view! {
            <div class="field">
                <label for=id>{move || label(i18n.t())}</label>
                <input id=id data-testid=id autocomplete="off" spellcheck="false" autocapitalize="off" disabled=disabled
                    aria-invalid=move || error.get().is_some().to_string()
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
                <p class="field-error" data-testid=format!("{id}-error") hidden=move || error.get().is_none()>{move || error.get()}</p>
            </div>
        }
    };
    // Spec fields edited through a string signal that writes back.
    let name = RwSignal::new(initial.name.clone());
    let namespace = RwSignal::new(initial.namespace.clone());
    let image = RwSignal::new(initial.image.clone());
    Effect::new(move |_| {
        let (n, ns, img) = (name.get(), namespace.get(), image.get());
        spec.update(|s| {
            s.name = n;
            s.namespace = ns;
            s.image = img;
        });
    });

    let area = move |id: &'static str, label: Text, value: RwSignal<String>| {
        view! {
            <div class="field">
                <label for=id>{move || label(i18n.t())}</label>
                <textarea id=id data-testid=id rows="3" spellcheck="false" autocapitalize="off"
                    prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))></textarea>
            </div>
        }
    };

    let ports = move || {
        let count = spec.with(|s| s.ports.len());
        (0..count)
            .map(|i| {
                let get = move || spec.with(|s| s.ports.get(i).cloned());
                let set_number = move |f: fn(&mut AppPort, Option<i32>), text: String| {
                    let n = text.trim().parse::<i32>().ok();
                    spec.update(|s| if let Some(p) = s.ports.get_mut(i) { f(p, n) });
                };
                let port_error = shown_at(format!("ports[{i}].container_port"));
                let service_error = shown_at(format!("ports[{i}].service_port"));
                let node_error = shown_at(format!("ports[{i}].node_port"));
                view! {
                    <div class="app-row" data-testid="port-row">
                        <div class="field">
                            <label>{move || t().container_port}</label>
                            <input inputmode="numeric" data-testid="port-container" aria-invalid=move || port_error.get().is_some().to_string()
                                prop:value=move || get().map(|p| if p.container_port > 0 { p.container_port.to_string() } else { String::new() }).unwrap_or_default()
                                on:input=move |ev| set_number(|p, n| p.container_port = n.unwrap_or(0), event_target_value(&ev))/>
                            <p class="field-error" hidden=move || port_error.get().is_none()>{move || port_error.get()}</p>
                        </div>
                        <div class="field">
                            <label>{move || t().protocol}</label>
                            <select data-testid="port-protocol" on:change=move |ev| {
                                let p = match event_target_value(&ev).as_str() { "UDP" => Protocol::UDP, "SCTP" => Protocol::SCTP, _ => Protocol::TCP };
                                spec.update(|s| if let Some(port) = s.ports.get_mut(i) { port.protocol = p });
                            }>
                                {[Protocol::TCP, Protocol::UDP, Protocol::SCTP].into_iter().map(|p| view! {
                                    <option value=p.as_str() selected=move || get().is_some_and(|x| x.protocol == p)>{p.as_str()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label>{move || t().service_port}</label>
                            <input inputmode="numeric" data-testid="port-service" aria-invalid=move || service_error.get().is_some().to_string()
                                prop:value=move || get().and_then(|p| p.service_port).map(|n| n.to_string()).unwrap_or_default()
                                on:input=move |ev| set_number(|p, n| p.service_port = n, event_target_value(&ev))/>
                            <p class="field-error" hidden=move || service_error.get().is_none()>{move || service_error.get()}</p>
                        </div>
                        <div class="field" hidden=move || spec.with(|s| s.expose != Expose::NodePort)>
                            <label>{move || t().node_port}</label>
                            <input inputmode="numeric" data-testid="port-node" aria-invalid=move || node_error.get().is_some().to_string()
                                prop:value=move || get().and_then(|p| p.node_port).map(|n| n.to_string()).unwrap_or_default()
                                on:input=move |ev| set_number(|p, n| p.node_port = n, event_target_value(&ev))/>
                            <p class="field-error" hidden=move || node_error.get().is_none()>{move || node_error.get()}</p>
                        </div>
                        <button type="button" class="button button-quiet app-row-remove" data-testid="port-remove"
                            on:click=move |_| spec.update(|s| { if i < s.ports.len() { s.ports.remove(i); } })>{move || t().remove}</button>
                    </div>
                }
            })
            .collect_view()
    };
    let expose_error = shown("expose");
    let expose_choice = move |value: Expose, testid: &'static str, label: Text| {
        view! {
            <label class="choice">
                <input type="radio" name="app-expose" data-testid=testid checked=move || spec.with(|s| s.expose == value)
                    on:change=move |_| spec.update(|s| s.expose = value)/>
                <span class="choice-text">{move || label(i18n.t())}</span>
            </label>
        }
    };

    let env_rows = move || {
        let count = spec.with(|s| s.env.len());
        (0..count)
            .map(|i| {
                let get = move || spec.with(|s| s.env.get(i).cloned());
                let name_error = shown_at(format!("env[{i}].name"));
                let source_error = shown_at(format!("env[{i}].source"));
                let key_error = shown_at(format!("env[{i}].key"));
                let kind = move || match get().map(|e| e.value) {
                    Some(EnvValue::ConfigMap { .. }) => "configmap",
                    Some(EnvValue::Secret { .. }) => "secret",
                    _ => "value",
                };
                let update = move |f: Box<dyn Fn(&mut AppEnv)>| spec.update(|s| if let Some(e) = s.env.get_mut(i) { f(e) });
                view! {
                    <div class="app-row" data-testid="env-row">
                        <div class="field">
                            <label>{move || t().env_name}</label>
                            <input data-testid="env-name" autocomplete="off" spellcheck="false" autocapitalize="off" aria-invalid=move || name_error.get().is_some().to_string()
                                prop:value=move || get().map(|e| e.name).unwrap_or_default()
                                on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |e| e.name = v.clone())) }/>
                            <p class="field-error" hidden=move || name_error.get().is_none()>{move || name_error.get()}</p>
                        </div>
                        <div class="field">
                            <label>{move || t().env_from}</label>
                            <select data-testid="env-from" on:change=move |ev| {
                                let choice = event_target_value(&ev);
                                update(Box::new(move |e| e.value = match choice.as_str() {
                                    "configmap" => EnvValue::ConfigMap { name: String::new(), key: String::new() },
                                    "secret" => EnvValue::Secret { name: String::new(), key: String::new() },
                                    _ => EnvValue::Plain { value: String::new() },
                                }))
                            }>
                                <option value="value" selected=move || kind() == "value">{move || t().from_value}</option>
                                <option value="configmap" selected=move || kind() == "configmap">{move || t().from_configmap}</option>
                                <option value="secret" selected=move || kind() == "secret">{move || t().from_secret}</option>
                            </select>
                        </div>
                        {move || match get().map(|e| e.value) {
                            Some(EnvValue::Plain { value }) => view! {
                                <div class="field">
                                    <label>{move || t().value}</label>
                                    <input data-testid="env-value" autocomplete="off" prop:value=value
                                        on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |e| e.value = EnvValue::Plain { value: v.clone() })) }/>
                                </div>
                            }.into_any(),
                            Some(EnvValue::ConfigMap { name, key } | EnvValue::Secret { name, key }) => view! {
                                <div class="field">
                                    <label>{move || t().source_name}</label>
                                    <input data-testid="env-source" autocomplete="off" spellcheck="false" autocapitalize="off" prop:value=name
                                        aria-invalid=move || source_error.get().is_some().to_string()
                                        on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |e| match &mut e.value {
                                            EnvValue::ConfigMap { name, .. } | EnvValue::Secret { name, .. } => *name = v.clone(),
                                            EnvValue::Plain { .. } => {}
                                        })) }/>
                                    <p class="field-error" hidden=move || source_error.get().is_none()>{move || source_error.get()}</p>
                                </div>
                                <div class="field">
                                    <label>{move || t().key}</label>
                                    <input data-testid="env-key" autocomplete="off" spellcheck="false" autocapitalize="off" prop:value=key
                                        aria-invalid=move || key_error.get().is_some().to_string()
                                        on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |e| match &mut e.value {
                                            EnvValue::ConfigMap { key, .. } | EnvValue::Secret { key, .. } => *key = v.clone(),
                                            EnvValue::Plain { .. } => {}
                                        })) }/>
                                    <p class="field-error" hidden=move || key_error.get().is_none()>{move || key_error.get()}</p>
                                </div>
                            }.into_any(),
                            None => ().into_any(),
                        }}
                        <button type="button" class="button button-quiet app-row-remove" data-testid="env-remove"
                            on:click=move |_| spec.update(|s| { if i < s.env.len() { s.env.remove(i); } })>{move || t().remove}</button>
                    </div>
                }
            })
            .collect_view()
    };

    let volume_rows = move || {
        let count = spec.with(|s| s.volumes.len());
        (0..count)
            .map(|i| {
                let get = move || spec.with(|s| s.volumes.get(i).cloned());
                let path_error = shown_at(format!("volumes[{i}].mount_path"));
                let source_error = shown_at(format!("volumes[{i}].source"));
                let size_error = shown_at(format!("volumes[{i}].size"));
                let class_error = shown_at(format!("volumes[{i}].storage_class"));
                let update = move |f: Box<dyn Fn(&mut AppVolume)>| spec.update(|s| if let Some(v) = s.volumes.get_mut(i) { f(v) });
                let kind = move || match get().map(|v| v.source) {
                    Some(VolumeSource::ConfigMap { .. }) => "configmap",
                    Some(VolumeSource::Secret { .. }) => "secret",
                    Some(VolumeSource::NewClaim { .. }) => "new_claim",
                    Some(VolumeSource::ExistingClaim { .. }) => "existing_claim",
                    _ => "empty_dir",
                };
                let options: [(&'static str, Text); 5] = [
                    ("empty_dir", |t| t.apps.empty_dir),
                    ("configmap", |t| t.apps.configmap),
                    ("secret", |t| t.apps.secret),
                    ("new_claim", |t| t.apps.new_claim),
                    ("existing_claim", |t| t.apps.existing_claim),
                ];
                view! {
                    <div class="app-row" data-testid="volume-row">
                        <div class="field">
                            <label>{move || t().mount_path}</label>
                            <input data-testid="volume-path" autocomplete="off" spellcheck="false" autocapitalize="off"
                                aria-invalid=move || path_error.get().is_some().to_string()
                                prop:value=move || get().map(|v| v.mount_path).unwrap_or_default()
                                on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |vol| vol.mount_path = v.clone())) }/>
                            <p class="field-error" hidden=move || path_error.get().is_none()>{move || path_error.get()}</p>
                        </div>
                        <div class="field">
                            <label>{move || t().volume_kind}</label>
                            <select data-testid="volume-kind" on:change=move |ev| {
                                let choice = event_target_value(&ev);
                                update(Box::new(move |v| v.source = match choice.as_str() {
                                    "configmap" => VolumeSource::ConfigMap { name: String::new() },
                                    "secret" => VolumeSource::Secret { name: String::new() },
                                    "new_claim" => VolumeSource::NewClaim { size: "1Gi".into(), storage_class: None },
                                    "existing_claim" => VolumeSource::ExistingClaim { claim: String::new() },
                                    _ => VolumeSource::EmptyDir,
                                }))
                            }>
                                {options.into_iter().map(|(value, label)| view! {
                                    <option value=value selected=move || kind() == value>{move || label(i18n.t())}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        {move || match get().map(|v| v.source) {
                            Some(VolumeSource::ConfigMap { name } | VolumeSource::Secret { name } | VolumeSource::ExistingClaim { claim: name }) => view! {
                                <div class="field">
                                    <label>{move || t().source}</label>
                                    <input data-testid="volume-source" autocomplete="off" spellcheck="false" autocapitalize="off" prop:value=name
                                        aria-invalid=move || source_error.get().is_some().to_string()
                                        on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |vol| match &mut vol.source {
                                            VolumeSource::ConfigMap { name } | VolumeSource::Secret { name } | VolumeSource::ExistingClaim { claim: name } => *name = v.clone(),
                                            _ => {}
                                        })) }/>
                                    <p class="field-error" hidden=move || source_error.get().is_none()>{move || source_error.get()}</p>
                                </div>
                            }.into_any(),
                            Some(VolumeSource::NewClaim { size, storage_class }) => view! {
                                <div class="field">
                                    <label>{move || t().size}</label>
                                    <input data-testid="volume-size" autocomplete="off" prop:value=size
                                        aria-invalid=move || size_error.get().is_some().to_string()
                                        on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |vol| if let VolumeSource::NewClaim { size, .. } = &mut vol.source { *size = v.clone() })) }/>
                                    <p class="field-error" hidden=move || size_error.get().is_none()>{move || size_error.get()}</p>
                                </div>
                                <div class="field">
                                    <label>{move || t().storage_class}</label>
                                    <input data-testid="volume-class" autocomplete="off" spellcheck="false" autocapitalize="off" prop:value=storage_class.unwrap_or_default()
                                        aria-invalid=move || class_error.get().is_some().to_string()
                                        on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |vol| if let VolumeSource::NewClaim { storage_class, .. } = &mut vol.source {
                                            *storage_class = (!v.trim().is_empty()).then(|| v.trim().to_string())
                                        })) }/>
                                    <p class="field-error" hidden=move || class_error.get().is_none()>{move || class_error.get()}</p>
                                </div>
                            }.into_any(),
                            _ => ().into_any(),
                        }}
                        <label class="choice app-row-check">
                            <input type="checkbox" data-testid="volume-read-only" prop:checked=move || get().is_some_and(|v| v.read_only)
                                on:change=move |ev| { let on = event_target_checked(&ev); update(Box::new(move |v| v.read_only = on)) }/>
                            <span class="choice-text">{move || t().read_only}</span>
                        </label>
                        <button type="button" class="button button-quiet app-row-remove" data-testid="volume-remove"
                            on:click=move |_| spec.update(|s| { if i < s.volumes.len() { s.volumes.remove(i); } })>{move || t().remove}</button>
                    </div>
                }
            })
            .collect_view()
    };

    let resource_field = move |id: &'static str,
                               label: Text,
                               field: &'static str,
                               get: fn(&AppSpec) -> String,
                               set: fn(&mut AppSpec, String)| {
        let error = shown(field);
        view! {
            <div class="field">
                <label for=id>{move || label(i18n.t())}</label>
                <input id=id data-testid=id autocomplete="off" spellcheck="false" autocapitalize="off" placeholder=if id.contains("cpu") { "500m" } else { "256Mi" }
                    aria-invalid=move || error.get().is_some().to_string()
                    prop:value=move || spec.with(get) on:input=move |ev| { let v = event_target_value(&ev); spec.update(|s| set(s, v)) }/>
                <p class="field-error" data-testid=format!("{id}-error") hidden=move || error.get().is_none()>{move || error.get()}</p>
            </div>
        }
    };
    let gpus = RwSignal::new(if initial.resources.gpus > 0 {
        initial.resources.gpus.to_string()
    } else {
        String::new()
    });
    let gpu_error = RwSignal::new(false);
    Effect::new(move |_| {
        let text = gpus.get();
        let parsed = if text.trim().is_empty() {
            Some(0)
        } else {
            text.trim().parse::<u32>().ok()
        };
        gpu_error.set(parsed.is_none());
        spec.update(|s| s.resources.gpus = parsed.unwrap_or(0));
    });

    let replicas_error = shown("replicas");
    let count = move || errors.with(Vec::len);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submitted.set(true);
        if count() > 0 || gpu_error.get_untracked() {
            return;
        }
        on_submit.run(Submitted {
            spec: current.get_untracked(),
            wait: wait.get_untracked(),
        });
    };
    let alert = move || {
        let n = count();
        if submitted.get() && n > 0 {
            return Some((t().fix_fields)(n));
        }
        server_error
            .get()
            .filter(|e| e.fields.is_empty())
            .map(|e| e.message)
    };

    view! {
        <form class="form app-form" novalidate on:submit=submit data-testid="app-form">
            <div class="form-alert-slot" role="alert">
                {move || alert().map(|m| view! { <div class="form-alert" data-testid="app-form-alert">{m}</div> })}
            </div>
            <div class="app-form-columns">
                <div class="app-form-fields">
                    <section class="panel app-section">
                        <h2 class="section-title">{move || t().section_container}</h2>
                        {text_field("app-name", |t| t.apps.name, name, "name", editing)}
                        {text_field("app-namespace", |t| t.apps.namespace, namespace, "namespace", editing)}
                        {text_field("app-image", |t| t.apps.image, image, "image", false)}
                        <div class="field">
                            <label for="app-replicas">{move || t().replicas}</label>
                            <input id="app-replicas" data-testid="app-replicas" inputmode="numeric" autocomplete="off"
                                aria-invalid=move || replicas_error.get().is_some().to_string()
                                prop:value=move || replicas.get() on:input=move |ev| replicas.set(event_target_value(&ev))/>
                            <p class="field-error" data-testid="app-replicas-error" hidden=move || replicas_error.get().is_none()>{move || replicas_error.get()}</p>
                        </div>
                        {area("app-command", |t| t.apps.command, command)}
                        {area("app-args", |t| t.apps.args, args)}
                    </section>
                    <section class="panel app-section">
                        <h2 class="section-title">{move || t().section_ports}</h2>
                        {ports}
                        <button type="button" class="button" data-testid="port-add" on:click=move |_| spec.update(|s| s.ports.push(AppPort {
                            container_port: 0, protocol: Protocol::TCP, service_port: None, node_port: None,
                        }))>{move || t().add_port}</button>
                        <fieldset class="choice-list">
                            <legend>{move || t().expose}</legend>
                            {expose_choice(Expose::None, "expose-none", |t| t.apps.expose_none)}
                            {expose_choice(Expose::ClusterIp, "expose-cluster-ip", |t| t.apps.expose_cluster)}
                            {expose_choice(Expose::NodePort, "expose-node-port", |t| t.apps.expose_node)}
                        </fieldset>
                        <p class="field-error" data-testid="expose-error" hidden=move || expose_error.get().is_none()>{move || expose_error.get()}</p>
                    </section>
                    <section class="panel app-section">
                        <h2 class="section-title">{move || t().section_env}</h2>
                        {env_rows}
                        <button type="button" class="button" data-testid="env-add" on:click=move |_| spec.update(|s| s.env.push(AppEnv {
                            name: String::new(), value: EnvValue::Plain { value: String::new() },
                        }))>{move || t().add_env}</button>
                    </section>
                    <section class="panel app-section">
                        <h2 class="section-title">{move || t().section_volumes}</h2>
                        {volume_rows}
                        <button type="button" class="button" data-testid="volume-add" on:click=move |_| spec.update(|s| s.volumes.push(AppVolume {
                            mount_path: String::new(), read_only: false, source: VolumeSource::EmptyDir,
                        }))>{move || t().add_volume}</button>
                    </section>
                    <section class="panel app-section">
                        <h2 class="section-title">{move || t().section_resources}</h2>
                        <div class="app-grid">
                            {resource_field("app-cpu-request", |t| t.apps.cpu_request, "resources.cpu_request", |s| s.resources.cpu_request.clone(), |s, v| s.resources.cpu_request = v)}
                            {resource_field("app-cpu-limit", |t| t.apps.cpu_limit, "resources.cpu_limit", |s| s.resources.cpu_limit.clone(), |s, v| s.resources.cpu_limit = v)}
                            {resource_field("app-memory-request", |t| t.apps.memory_request, "resources.memory_request", |s| s.resources.memory_request.clone(), |s, v| s.resources.memory_request = v)}
                            {resource_field("app-memory-limit", |t| t.apps.memory_limit, "resources.memory_limit", |s| s.resources.memory_limit.clone(), |s, v| s.resources.memory_limit = v)}
                        </div>
                        <div class="field">
                            <label for="app-gpus">{move || t().gpus}</label>
                            <input id="app-gpus" data-testid="app-gpus" inputmode="numeric" autocomplete="off"
                                aria-invalid=move || gpu_error.get().to_string()
                                prop:value=move || gpus.get() on:input=move |ev| gpus.set(event_target_value(&ev))/>
                        </div>
                    </section>
                    <section class="panel app-section">
                        <h2 class="section-title">{move || t().section_labels}</h2>
                        {area("app-labels", |t| t.apps.labels, labels)}
                        {area("app-annotations", |t| t.apps.annotations, annotations)}
                        {move || errors.with(|e| e.iter().filter(|f| f.field.starts_with("labels.") || f.field.starts_with("annotations.")).map(|f| f.message.clone()).collect::<Vec<_>>())
                            .into_iter()
                            .filter(|_| submitted.get())
                            .map(|m| view! { <p class="field-error" data-testid="app-labels-error">{m}</p> })
                            .collect_view()}
                    </section>
                    <div class="form-actions">
                        {(!editing).then(|| view! {
                            <label class="choice">
                                <input type="checkbox" data-testid="app-wait" prop:checked=move || wait.get() on:change=move |ev| wait.set(event_target_checked(&ev))/>
                                <span class="choice-text">{move || t().wait}</span>
                            </label>
                        })}
                        <button type="submit" class="button button-primary" data-testid="app-submit" disabled=move || pending.get()>
                            {move || match (editing, pending.get()) {
                                (false, false) => t().create,
                                (false, true) => t().creating,
                                (true, false) => t().save,
                                (true, true) => t().saving,
                            }}
                        </button>
                    </div>
                </div>
                <aside class="panel app-preview" aria-labelledby="app-preview-title">
                    <h2 class="section-title" id="app-preview-title">{move || t().preview}</h2>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            match preview.await {
                                Some(yaml) => {
                                    let href = format!("/clusters/{}/create?from=app&ns={}", cluster(), current.get_untracked().namespace);
                                    let kept = yaml.clone();
                                    view! {
                                        <pre class="mono app-preview-text" data-testid="app-preview">{yaml}</pre>
                                        {(!editing).then(|| view! {
                                            <A href=href attr:class="button" attr:data-testid="app-edit-yaml"
                                                on:click=move |_| {
                                                    #[cfg(feature = "hydrate")]
                                                    crate::apps::handoff::put(&kept);
                                                    #[cfg(not(feature = "hydrate"))]
                                                    let _ = &kept;
                                                }>
                                                {move || t().edit_yaml}
                                            </A>
                                        })}
                                    }.into_any()
                                }
                                None => view! { <p class="muted" data-testid="app-preview-pending">{move || t().preview_pending}</p> }.into_any(),
                            }
                        })}
                    </Transition>
                </aside>
            </div>
        </form>
    }
}
