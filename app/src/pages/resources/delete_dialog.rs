//! The "Delete" button of an object and the dialog it opens: what happens to dependents
//! (background, foreground, orphan), an optional grace period, the name typed where the server
//! asks for it (namespaces, production clusters), then the result: gone, or still terminating
//! with the finalizers that hold it. Errors stay in the dialog next to what was chosen.

use leptos::html::Dialog;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use model::AppError;
use model::clusters::Environment;
use model::objects::{DeleteOptions, DeleteOutcome, ObjectRef, Propagation};
use model::resources::KindInfo;

use super::object_feedback::object_error;
use crate::components::current_cluster::use_cluster_directory;
use crate::components::form_fields::FormAlert;
use crate::i18n::{Lang, Messages, use_i18n};

/// The grace period field holds something other than whole seconds, 0 or more.
#[derive(Debug, PartialEq, Eq)]
pub struct InvalidGracePeriod;

/// The grace period field: empty for the object's own, else whole seconds, 0 or more.
pub fn parse_grace_period(text: &str) -> Result<Option<i64>, InvalidGracePeriod> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(seconds) if seconds >= 0 => Ok(Some(seconds)),
        _ => Err(InvalidGracePeriod),
    }
}

/// Whether the name must be typed before the server is even asked: namespaces always (they
/// take everything in them along), any object on a production cluster.
pub fn confirmation_expected(kind: &KindInfo, environment: Option<Environment>) -> bool {
    kind.key == "namespaces" || environment == Some(Environment::Production)
}

/// The sentence for a finished delete, in the reader's language.
fn outcome_message(
    t: &'static Messages,
    kind: &str,
    name: &str,
    outcome: &DeleteOutcome,
) -> String {
    if std::ptr::eq(t, Lang::En.messages()) && !outcome.message.is_empty() {
        return outcome.message.clone();
    }
    if outcome.gone {
        (t.objects.deleted)(kind, name)
    } else {
        (t.objects.terminating)(kind, name)
    }
}

fn propagation_text(
    t: &'static Messages,
    p: Propagation,
) -> (&'static str, &'static str, &'static str) {
    let o = &t.objects;
    match p {
        Propagation::Background => ("background", o.background, o.background_hint),
        Propagation::Foreground => ("foreground", o.foreground, o.foreground_hint),
        Propagation::Orphan => ("orphan", o.orphan, o.orphan_hint),
    }
}

/// A "Delete" button for `object`. After a delete the dialog shows the result; closing it
/// then calls `on_deleted` and goes to `navigate_to`, when given.
#[component]
pub fn DeleteButton(
    cluster: String,
    object: ObjectRef,
    kind: KindInfo,
    #[prop(optional, into)] navigate_to: Option<String>,
    #[prop(optional)] on_deleted: Option<Callback<DeleteOutcome>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_cluster_directory();
    let dialog = NodeRef::<Dialog>::new();
    let ids = format!("delete-{}-{}", kind.plural, object.name);
    let (title_id, grace_id, confirm_id) = (
        format!("{ids}-title"),
        format!("{ids}-grace"),
        format!("{ids}-confirm"),
    );

    let propagation = RwSignal::new(Propagation::Background);
    let grace = RwSignal::new(String::new());
    let grace_invalid = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let asked_to_confirm = RwSignal::new(false);
    let need_confirm = {
        let kind = kind.clone();
        Memo::new(move |_| {
            asked_to_confirm.get()
                || confirmation_expected(&kind, directory.current().map(|c| c.environment))
        })
    };

    let delete = {
        let (cluster, object) = (cluster.clone(), object.clone());
        Action::new(move |options: &DeleteOptions| {
            let (cluster, object, options) = (cluster.clone(), object.clone(), options.clone());
            async move { crate::resources::objects_api::delete_object(cluster, object, options).await }
        })
    };
    let outcome = Signal::derive(move || delete.value().get().and_then(Result::ok));
    let error: Signal<Option<AppError>> =
        Signal::derive(move || delete.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if error
            .get()
            .is_some_and(|e| e.code.ends_with("confirmation_required"))
        {
            asked_to_confirm.set(true);
        }
    });

    let name = object.name.clone();
    let matches = {
        let name = name.clone();
        move || !need_confirm.get() || typed.with(|t| t.trim() == name)
    };
    let submit = {
        let matches = matches.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let Ok(grace_period_seconds) = parse_grace_period(&grace.get_untracked()) else {
                grace_invalid.set(true);
                return;
            };
            grace_invalid.set(false);
            if !matches() {
                return;
            }
            delete.dispatch(DeleteOptions {
                propagation: propagation.get_untracked(),
                grace_period_seconds,
                confirm: need_confirm
                    .get_untracked()
                    .then(|| typed.get_untracked().trim().to_string()),
            });
        }
    };
    let open = move |_| {
        delete.value().set(None);
        typed.set(String::new());
        grace_invalid.set(false);
        if let Some(dialog) = dialog.get() {
            _ = dialog.show_modal();
        }
    };
    let close = move || {
        if let Some(dialog) = dialog.get() {
            dialog.close();
        }
    };
    let navigate = use_navigate();
    // Closing the dialog after a delete leaves the object's page (or tells the owner).
    let finished = move || {
        if let Some(done) = delete.value().get_untracked().and_then(Result::ok) {
            if let Some(callback) = on_deleted {
                callback.run(done);
            }
            if let Some(href) = &navigate_to {
                navigate(href, Default::default());
            }
        }
    };

    let kind_name = kind.kind.clone();
    let title = {
        let (kind_name, name) = (kind_name.clone(), name.clone());
        move || (i18n.t().objects.delete_title)(&kind_name, &name)
    };
    let place = object.namespace.clone();
    let can_delete = kind.can_delete;
    let choices = [Propagation::Background, Propagation::Foreground, Propagation::Orphan]
        .into_iter()
        .map(|p| {
            let value = propagation_text(Lang::En.messages(), p).0;
            view! {
                <label class="choice">
                    <input type="radio" name=format!("{ids}-propagation") value=value data-testid=format!("delete-{value}")
                        checked=move || propagation.get() == p on:change=move |_| propagation.set(p)/>
                    <span class="choice-text">
                        <strong>{move || propagation_text(i18n.t(), p).1}</strong>
                        <span class="muted">{move || propagation_text(i18n.t(), p).2}</span>
                    </span>
                </label>
            }
        })
        .collect_view();
    let result = {
        let (kind_name, name) = (kind_name.clone(), name.clone());
        move || {
            outcome.get().map(|done| {
                let message = outcome_message(i18n.t(), &kind_name, &name, &done);
                let finalizers = (!done.pending_finalizers.is_empty()).then(|| {
                    view! {
                        <p>{move || i18n.t().objects.pending_finalizers}</p>
                        <ul class="finalizer-list">
                            {done.pending_finalizers.iter().map(|f| view! { <li><code>{f.clone()}</code></li> }).collect_view()}
                        </ul>
                    }
                });
                view! {
                    <div class="delete-result" role="status" data-testid="delete-result" data-gone=done.gone.to_string()>
                        <p class="form-success">{message}</p>
                        {finalizers}
                    </div>
                    <div class="form-actions dialog-actions">
                        <button type="button" class="button button-primary" data-testid="delete-done" on:click=move |_| close()>
                            {move || i18n.t().objects.done}
                        </button>
                    </div>
                }
            })
        }
    };

    let labelled_by = title_id.clone();
    let confirm_for = confirm_id.clone();
    view! {
        <button
            type="button"
            class="button button-danger-outline"
            data-testid="delete-open"
            disabled=!can_delete
            title=move || (!can_delete).then(|| i18n.t().objects.cannot_delete)
            on:click=open
        >
            {move || i18n.t().objects.delete}
        </button>
        <dialog node_ref=dialog class="dialog" aria-labelledby=labelled_by data-testid="delete-dialog" on:close=move |_| finished()>
            <h2 class="dialog-title" id=title_id>{title}</h2>
            <p class="muted">
                {move || match &place {
                    Some(ns) => (i18n.t().objects.in_namespace)(ns),
                    None => i18n.t().objects.cluster_scoped.to_string(),
                }}
            </p>
            {result}
            <form class="form" novalidate on:submit=submit hidden=move || outcome.with(Option::is_some)>
                <FormAlert message=Signal::derive(move || error.get().map(|e| object_error(i18n.t(), &e))) testid="delete-error"/>
                <fieldset class="choice-list">
                    <legend>{move || i18n.t().objects.dependents}</legend>
                    {choices}
                </fieldset>
                <div class="field">
                    <label for=grace_id.clone()>{move || i18n.t().objects.grace_period}</label>
                    <input
                        id=grace_id.clone()
                        data-testid="delete-grace"
                        inputmode="numeric"
                        autocomplete="off"
                        aria-invalid=move || grace_invalid.get().to_string()
                        aria-describedby=format!("{grace_id}-hint {grace_id}-error")
                        prop:value=move || grace.get()
                        on:input=move |ev| grace.set(event_target_value(&ev))
                    />
                    <p class="field-hint" id=format!("{grace_id}-hint")>{move || i18n.t().objects.grace_period_hint}</p>
                    <p class="field-error" id=format!("{grace_id}-error") hidden=move || !grace_invalid.get()>
                        {move || i18n.t().objects.grace_period_invalid}
                    </p>
                </div>
                <div class="field" hidden=move || !need_confirm.get()>
                    <label for=confirm_for>{move || (i18n.t().objects.type_to_confirm)(&name)}</label>
                    <input
                        id=confirm_id
                        data-testid="delete-confirm-name"
                        autocomplete="off"
                        spellcheck="false"
                        autocapitalize="off"
                        prop:value=move || typed.get()
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                </div>
                <div class="form-actions dialog-actions">
                    <button type="button" class="button" data-testid="delete-cancel" on:click=move |_| close()>
                        {move || i18n.t().objects.cancel}
                    </button>
                    <button type="submit" class="button button-danger" data-testid="delete-submit"
                        disabled=move || delete.pending().get() || !matches()>
                        {move || if delete.pending().get() { i18n.t().objects.deleting } else { i18n.t().objects.delete }}
                    </button>
                </div>
            </form>
        </dialog>
    }
}

#[cfg(test)]
mod tests {
    use model::resources::NavGroup;

    use super::*;

    fn kind(key: &str) -> KindInfo {
        KindInfo {
            key: key.into(),
            group: String::new(),
            version: "v1".into(),
            kind: "Thing".into(),
            plural: key.into(),
            namespaced: key != "namespaces",
            nav: NavGroup::Config,
            can_create: true,
            can_update: true,
            can_delete: true,
        }
    }

    #[test]
    fn grace_periods_are_empty_or_whole_non_negative_seconds() {
        assert_eq!(parse_grace_period(""), Ok(None));
        assert_eq!(parse_grace_period("  "), Ok(None));
        assert_eq!(parse_grace_period("0"), Ok(Some(0)));
        assert_eq!(parse_grace_period(" 30 "), Ok(Some(30)));
        assert_eq!(parse_grace_period("-1"), Err(InvalidGracePeriod));
        assert_eq!(parse_grace_period("1.5"), Err(InvalidGracePeriod));
        assert_eq!(parse_grace_period("soon"), Err(InvalidGracePeriod));
    }

    #[test]
    fn namespaces_and_production_clusters_ask_for_the_name_up_front() {
        assert!(confirmation_expected(&kind("namespaces"), None));
        assert!(!confirmation_expected(
            &kind("configmaps"),
            Some(Environment::Development)
        ));
        assert!(confirmation_expected(
            &kind("configmaps"),
            Some(Environment::Production)
        ));
    }

    #[test]
    fn finished_deletes_read_in_the_readers_language() {
        let gone = DeleteOutcome {
            gone: true,
            message: "ConfigMap settings deleted".into(),
            pending_finalizers: vec![],
        };
        let en = Lang::En.messages();
        let zh = Lang::Zh.messages();
        assert_eq!(
            outcome_message(en, "ConfigMap", "settings", &gone),
            "ConfigMap settings deleted"
        );
        assert_eq!(
            outcome_message(zh, "ConfigMap", "settings", &gone),
            (zh.objects.deleted)("ConfigMap", "settings")
        );
        let held = DeleteOutcome {
            gone: false,
            message: String::new(),
            pending_finalizers: vec!["example.com/hold".into()],
        };
        assert_eq!(
            outcome_message(en, "Namespace", "shop", &held),
            (en.objects.terminating)("Namespace", "shop")
        );
    }
}
