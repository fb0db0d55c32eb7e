//! `/clusters/{id}/resources/{kind}/{ns}/{name}/yaml`: one object's YAML, read-only until
//! "Edit"; a dry run marks problems at their lines, "Review changes" compares with the live
//! object, and "Save" sends the text with the version it was read at. When someone else changed
//! the object meanwhile, both versions are shown side by side and the user's text stays as typed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate, use_params_map, use_query_map};
use model::AppError;
use model::objects::{ObjectRef, ObjectYaml, SaveOutcome, YamlIssue};
use model::resources::KindInfo;

use super::delete_dialog::DeleteButton;
use super::object_feedback::{IssueList, object_error};
use crate::components::code_editor::{CodeEditor, DiffEditor};
use crate::components::current_cluster::use_cluster_directory;
use crate::components::form_fields::FormAlert;
use crate::i18n::{Messages, use_i18n};
use crate::resources::display::plural_title;
use crate::resources::links;
use crate::resources::objects_api::{get_object_yaml, save_object_yaml};

#[component]
pub fn ObjectYamlPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let address = use_query_map();
    let cluster = move || params.with(|p| p.get("id").unwrap_or_default());
    let object = move || {
        params.with(|p| ObjectRef {
            kind: p.get("kind").unwrap_or_default(),
            namespace: links::namespace_of(&p.get("ns").unwrap_or_default()),
            name: p.get("name").unwrap_or_default(),
        })
    };
    let managed = move || address.with(|q| q.get("managed").as_deref() == Some("1"));
    let loaded = Resource::new(
        move || (cluster(), object(), managed()),
        |(cluster, object, managed)| get_object_yaml(cluster, object, managed),
    );
    let body = move || {
        Suspend::new(async move {
            let (cluster, object) = (untrack(cluster), untrack(object));
            match loaded.await {
                Ok(loaded) => view! { <YamlWorkspace cluster object loaded/> }.into_any(),
                Err(error) => {
                    let message = object_error(i18n.t(), &error);
                    view! {
                        <h1 class="page-title">{object.name.clone()}</h1>
                        <div class="state-panel state-error" role="alert" data-testid="yaml-load-error" data-code=error.code.clone()>
                            <p>{message}</p>
                            <A href=links::list_href(&cluster, &object.kind) attr:class="button">{move || i18n.t().objects.back_to_list}</A>
                        </div>
                    }
                    .into_any()
                }
            }
        })
    };
    view! {
        <Title text=move || format!("{} · YAML · Capstan", params.with(|p| p.get("name").unwrap_or_default()))/>
        <div class="page page-wide objects-page">
            <Transition fallback=move || view! { <p class="muted">{move || i18n.t().shell.loading}</p> }>
                {body}
            </Transition>
        </div>
    }
}

/// What the main area shows.
#[derive(Clone, PartialEq)]
enum Pane {
    Editor,
    Review,
    /// The object changed since it was read: `theirs` is the live version.
    Conflict {
        theirs: String,
        theirs_version: String,
    },
}

/// A success line after a request.
#[derive(Clone, Copy, PartialEq)]
enum Notice {
    Saved,
    Valid,
}

/// Which text "Review changes" compares the live object with.
#[derive(Clone, Copy, PartialEq)]
enum Against {
    Edited,
    DryRun,
}

/// One save request: the text sent, the version it claims, whether it is a dry run.
#[derive(Clone)]
struct SaveRequest {
    yaml: String,
    version: String,
    dry_run: bool,
}

/// Why editing is not possible here, if it is not.
fn edit_blocked(t: &'static Messages, kind: &KindInfo, read_only: bool) -> Option<&'static str> {
    if !kind.can_update {
        Some(t.objects.cannot_update)
    } else if read_only {
        Some(t.objects.cluster_read_only)
    } else {
        None
    }
}

#[component]
fn YamlWorkspace(cluster: String, object: ObjectRef, loaded: ObjectYaml) -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    let ObjectYaml {
        kind,
        yaml,
        resource_version,
        managed_fields_hidden,
        secret_values_hidden,
    } = loaded;
    let text = RwSignal::new(yaml.clone());
    let base = RwSignal::new(yaml);
    let version = RwSignal::new(resource_version);
    let editing = RwSignal::new(false);
    let issues = RwSignal::new(Vec::<YamlIssue>::new());
    let pane = RwSignal::new(Pane::Editor);
    let notice = RwSignal::new(None::<Notice>);
    let error = RwSignal::new(None::<AppError>);
    // The last dry run's result and the text it was run on.
    let dry_run = RwSignal::new(None::<(String, String)>);
    let dirty = Memo::new(move |_| editing.get() && text.with(|t| base.with(|b| t != b)));
    // Setting the pane to the one already shown must not rebuild the editor.
    let shown_pane = Memo::new(move |_| pane.get());
    let read_only_cluster =
        Signal::derive(move || directory.current().is_some_and(|c| c.read_only));
    let blocked = {
        let kind = kind.clone();
        Signal::derive(move || edit_blocked(i18n.t(), &kind, read_only_cluster.get()))
    };

    let save = {
        let (cluster, object) = (cluster.clone(), object.clone());
        Action::new(move |request: &SaveRequest| {
            let (cluster, object, request) = (cluster.clone(), object.clone(), request.clone());
            async move {
                let result = save_object_yaml(
                    cluster,
                    object,
                    request.yaml.clone(),
                    request.version.clone(),
                    request.dry_run,
                )
                .await;
                (request, result)
            }
        })
    };
    Effect::new(move |_| {
        let Some((request, result)) = save.value().get() else {
            return;
        };
        notice.set(None);
        error.set(None);
        match result {
            Ok(SaveOutcome::Saved { object }) => {
                text.set(object.yaml.clone());
                base.set(object.yaml);
                version.set(object.resource_version);
                editing.set(false);
                issues.set(Vec::new());
                dry_run.set(None);
                pane.set(Pane::Editor);
                notice.set(Some(Notice::Saved));
            }
            Ok(SaveOutcome::Valid { yaml }) => {
                issues.set(Vec::new());
                dry_run.set(Some((request.yaml, yaml)));
                notice.set(Some(Notice::Valid));
            }
            Ok(SaveOutcome::Invalid { issues: found }) => {
                issues.set(found);
                pane.set(Pane::Editor);
            }
            Ok(SaveOutcome::Conflict {
                mine,
                theirs,
                theirs_version,
            }) => {
                text.set(mine);
                issues.set(Vec::new());
                pane.set(Pane::Conflict {
                    theirs,
                    theirs_version,
                });
            }
            Err(e) => error.set(Some(e)),
        }
    });
    let send = move |dry_run: bool, version_override: Option<String>| {
        notice.set(None);
        save.dispatch(SaveRequest {
            yaml: text.get_untracked(),
            version: version_override.unwrap_or_else(|| version.get_untracked()),
            dry_run,
        });
    };

    #[cfg(feature = "hydrate")]
    {
        // Leaving with unsaved edits asks first (the browser shows its own wording).
        let listener = window_event_listener_untyped("beforeunload", move |ev| {
            if dirty.get_untracked() {
                ev.prevent_default();
                _ = web_sys::js_sys::Reflect::set(&ev, &"returnValue".into(), &"".into());
            }
        });
        on_cleanup(move || listener.remove());
    }

    let detail_href = links::object_href(
        &cluster,
        &object.kind,
        object.namespace.as_deref(),
        &object.name,
    );
    let list_href = links::list_href(&cluster, &object.kind);
    let kind_name = kind.kind.clone();
    let where_text = object.namespace.clone();
    let header = {
        let (cluster, object, kind) = (cluster.clone(), object.clone(), kind.clone());
        let plural = plural_title(&kind.kind);
        let name = object.name.clone();
        let crumb_name = name.clone();
        view! {
            <nav class="crumbs" aria-label=move || i18n.t().objects.breadcrumbs>
                <A href=list_href.clone()>{plural}</A>
                <span aria-hidden="true">"/"</span>
                <A href=detail_href.clone()>{crumb_name}</A>
                <span aria-hidden="true">"/"</span>
                <span aria-current="page">"YAML"</span>
            </nav>
            <div class="page-head">
                <div>
                    <h1 class="page-title" data-testid="yaml-title">{name}</h1>
                    <p class="page-lead">
                        {kind_name}" · "
                        {move || match &where_text {
                            Some(ns) => (i18n.t().objects.in_namespace)(ns),
                            None => i18n.t().objects.cluster_scoped.to_string(),
                        }}
                    </p>
                </div>
                <div class="object-actions">
                    <DeleteButton cluster object kind navigate_to=list_href/>
                </div>
            </div>
        }
    };

    let secret_banner = secret_values_hidden.then(|| {
        let href = detail_href.clone();
        view! {
            <div class="object-banner" role="note" data-testid="secret-hidden-banner">
                <p>{move || i18n.t().objects.secret_hidden}</p>
                <A href=href attr:class="button button-small">{move || i18n.t().objects.reveal_on_detail}</A>
            </div>
        }
    });

    view! {
        {header}
        {secret_banner}
        <div class="editor-toolbar" role="toolbar" aria-label=move || i18n.t().objects.yaml_actions>
            <Toolbar editing pane dirty blocked pending=save.pending() dry_run text send base issues notice error/>
            <ManagedFieldsToggle shown=!managed_fields_hidden locked=dirty/>
        </div>
        <p class="field-hint" id="edit-blocked" data-testid="edit-blocked" hidden=move || blocked.get().is_none()>
            {move || blocked.get()}
        </p>
        <div class="form-alert-slot" role="status">
            {move || notice.get().map(|n| {
                let text = move || match n {
                    Notice::Saved => i18n.t().objects.saved,
                    Notice::Valid => i18n.t().objects.valid,
                };
                view! { <p class="form-success" data-testid=if n == Notice::Saved { "yaml-saved" } else { "yaml-valid" }>{text}</p> }
            })}
        </div>
        <FormAlert message=Signal::derive(move || error.get().map(|e| object_error(i18n.t(), &e))) testid="yaml-error"/>
        // Problems belong to the text in the editor; the diff views do not mark lines.
        <Show when=move || shown_pane.get() == Pane::Editor>
            <IssueList issues=issues/>
        </Show>
        {move || match shown_pane.get() {
            Pane::Editor => view! {
                <CodeEditor
                    value=text
                    label=Signal::derive(move || i18n.t().objects.yaml_label.to_string())
                    diagnostics=issues
                    read_only=Signal::derive(move || !editing.get())
                    testid="yaml-editor"
                />
            }
            .into_any(),
            Pane::Review => view! { <Review base text dry_run/> }.into_any(),
            Pane::Conflict { theirs, theirs_version } => view! {
                <Conflict theirs theirs_version text base version pane pending=save.pending() send/>
            }
            .into_any(),
        }}
    }
}

/// The buttons above the editor, by state: "Edit" while viewing; "Validate", "Review changes",
/// "Save", "Discard changes" while editing.
#[component]
fn Toolbar(
    editing: RwSignal<bool>,
    pane: RwSignal<Pane>,
    dirty: Memo<bool>,
    blocked: Signal<Option<&'static str>>,
    pending: Memo<bool>,
    dry_run: RwSignal<Option<(String, String)>>,
    text: RwSignal<String>,
    base: RwSignal<String>,
    issues: RwSignal<Vec<YamlIssue>>,
    notice: RwSignal<Option<Notice>>,
    error: RwSignal<Option<AppError>>,
    send: impl Fn(bool, Option<String>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().objects;
    let discard = move |_| {
        text.set(base.get_untracked());
        editing.set(false);
        issues.set(Vec::new());
        dry_run.set(None);
        error.set(None);
        notice.set(None);
        pane.set(Pane::Editor);
    };
    let in_conflict = move || matches!(pane.get(), Pane::Conflict { .. });
    view! {
        <Show
            when=move || editing.get()
            fallback=move || view! {
                <button
                    type="button"
                    class="button button-primary"
                    data-testid="yaml-edit"
                    disabled=move || blocked.get().is_some()
                    aria-describedby="edit-blocked"
                    on:click=move |_| {
                        notice.set(None);
                        editing.set(true);
                    }
                >
                    {move || t().edit}
                </button>
            }
        >
            <div class="button-row" hidden=in_conflict>
                {move || if pane.get() == Pane::Review {
                    view! {
                        <button type="button" class="button" data-testid="yaml-back" on:click=move |_| pane.set(Pane::Editor)>
                            {move || t().back_to_editing}
                        </button>
                    }
                    .into_any()
                } else {
                    view! {
                        <button type="button" class="button" data-testid="yaml-review" on:click=move |_| pane.set(Pane::Review)>
                            {move || t().review}
                        </button>
                    }
                    .into_any()
                }}
                <button type="button" class="button" data-testid="yaml-validate" disabled=move || pending.get()
                    on:click=move |_| send(true, None)>
                    {move || if pending.get() { t().working } else { t().validate }}
                </button>
                <button
                    type="button"
                    class="button button-primary"
                    data-testid="yaml-save"
                    disabled=move || pending.get() || !dirty.get() || blocked.get().is_some()
                    aria-describedby="edit-blocked"
                    on:click=move |_| send(false, None)
                >
                    {move || if pending.get() { t().working } else { t().save }}
                </button>
                <button type="button" class="button button-quiet" data-testid="yaml-discard" on:click=discard>
                    {move || if dirty.get() { t().discard } else { t().stop_editing }}
                </button>
                <span class="unsaved-mark" data-testid="yaml-unsaved" hidden=move || !dirty.get()>{move || t().unsaved}</span>
            </div>
        </Show>
    }
}

/// "Show managed fields": reloads the page with `?managed=1`; locked while edits are unsaved,
/// since reloading would replace them.
#[component]
fn ManagedFieldsToggle(shown: bool, locked: Memo<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let path = use_location().pathname;
    view! {
        <label class="toggle-field" title=move || locked.get().then(|| i18n.t().objects.managed_fields_locked)>
            <input
                type="checkbox"
                data-testid="yaml-managed-fields"
                checked=shown
                disabled=move || locked.get()
                on:change=move |ev| {
                    let path = path.get_untracked();
                    let href = if event_target_checked(&ev) { format!("{path}?managed=1") } else { path };
                    navigate(&href, Default::default());
                }
            />
            <span>{move || i18n.t().objects.show_managed_fields}</span>
        </label>
    }
}

/// The live object against the edited text, or against what the last dry run said the
/// cluster would store.
#[component]
fn Review(
    base: RwSignal<String>,
    text: RwSignal<String>,
    dry_run: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let against = RwSignal::new(Against::Edited);
    // The dry run counts only for the text it was run on.
    let stored = Memo::new(move |_| {
        dry_run.with(|d| {
            d.as_ref()
                .filter(|(sent, _)| text.with(|t| t == sent))
                .map(|(_, stored)| stored.clone())
        })
    });
    let right = RwSignal::new(text.get_untracked());
    Effect::new(move |_| {
        let shown = match (against.get(), stored.get()) {
            (Against::DryRun, Some(stored)) => stored,
            _ => text.get(),
        };
        right.set(shown);
    });
    let unchanged = move || text.with(|t| base.with(|b| t == b));
    let right_label = Signal::derive(move || match against.get() {
        Against::DryRun if stored.with(Option::is_some) => {
            i18n.t().objects.diff_dry_run.to_string()
        }
        _ => i18n.t().objects.diff_edited.to_string(),
    });
    view! {
        <div class="review-head">
            <fieldset class="segments" data-testid="review-against">
                <legend class="visually-hidden">{move || i18n.t().objects.compare_with}</legend>
                <label>
                    <input type="radio" name="against" checked=move || against.get() == Against::Edited
                        on:change=move |_| against.set(Against::Edited)/>
                    {move || i18n.t().objects.diff_edited}
                </label>
                <label title=move || stored.with(Option::is_none).then(|| i18n.t().objects.dry_run_first)>
                    <input type="radio" name="against" data-testid="review-dry-run" disabled=move || stored.with(Option::is_none)
                        checked=move || against.get() == Against::DryRun on:change=move |_| against.set(Against::DryRun)/>
                    {move || i18n.t().objects.diff_dry_run}
                </label>
            </fieldset>
            <p class="muted" data-testid="review-unchanged" hidden=move || !unchanged()>{move || i18n.t().objects.no_changes}</p>
        </div>
        <DiffEditor
            original=base
            modified=right
            original_label=Signal::derive(move || i18n.t().objects.diff_live.to_string())
            modified_label=right_label
            testid="yaml-review-diff"
        />
    }
}

/// Both versions after a conflict: theirs (live) and mine (as typed, still editable).
#[component]
fn Conflict(
    theirs: String,
    theirs_version: String,
    text: RwSignal<String>,
    base: RwSignal<String>,
    version: RwSignal<String>,
    pane: RwSignal<Pane>,
    pending: Memo<bool>,
    send: impl Fn(bool, Option<String>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().objects;
    let theirs_signal = RwSignal::new(theirs.clone());
    let mine_version = theirs_version.clone();
    let load_theirs = move |_| {
        text.set(theirs.clone());
        base.set(theirs.clone());
        version.set(theirs_version.clone());
        pane.set(Pane::Editor);
    };
    view! {
        <section class="panel conflict-panel" data-testid="yaml-conflict" aria-labelledby="conflict-title">
            <h2 class="section-title" id="conflict-title">{move || t().conflict_title}</h2>
            <p class="muted">{move || t().conflict_body}</p>
            <div class="button-row">
                <button type="button" class="button button-primary" data-testid="yaml-save-mine" disabled=move || pending.get()
                    on:click=move |_| send(false, Some(mine_version.clone()))>
                    {move || if pending.get() { t().working } else { t().save_mine }}
                </button>
                <button type="button" class="button" data-testid="yaml-load-theirs" on:click=load_theirs>
                    {move || t().load_theirs}
                </button>
            </div>
        </section>
        <DiffEditor
            original=theirs_signal
            modified=text
            original_label=Signal::derive(move || t().theirs.to_string())
            modified_label=Signal::derive(move || t().mine.to_string())
            editable=true
            testid="yaml-conflict-diff"
        />
    }
}

#[cfg(test)]
mod tests {
    use model::resources::NavGroup;

    use super::*;
    use crate::i18n::Lang;

    fn kind(can_update: bool) -> KindInfo {
        KindInfo {
            key: "deployments.apps".into(),
            group: "apps".into(),
            version: "v1".into(),
            kind: "Deployment".into(),
            plural: "deployments".into(),
            namespaced: true,
            nav: NavGroup::Workloads,
            can_create: true,
            can_update,
            can_delete: true,
        }
    }

    #[test]
    fn editing_is_refused_with_the_reason_that_applies() {
        let t = Lang::En.messages();
        assert_eq!(edit_blocked(t, &kind(true), false), None);
        assert_eq!(
            edit_blocked(t, &kind(true), true),
            Some(t.objects.cluster_read_only)
        );
        // A kind that cannot be updated says so even on a read-only cluster.
        assert_eq!(
            edit_blocked(t, &kind(false), true),
            Some(t.objects.cannot_update)
        );
    }
}
