//! Form fields with their label, hint and error in one place, wired for screen readers
//! (`aria-describedby`, `aria-invalid`). Labels are catalog lookups, so they follow the language.
//! Values live in signals owned by the page: an error never clears what the reader typed.

use leptos::prelude::*;
use model::AppError;

use crate::i18n::{Messages, field_error, use_i18n};

/// A catalog lookup for a label or hint.
pub type Text = fn(&'static Messages) -> &'static str;

/// The server's message for `field` in the latest error (tracked), in the reader's language.
pub fn server_field_error(
    error: Signal<Option<AppError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        error
            .get()
            .and_then(|e| field_error(i18n.lang(), &e, field))
    })
}

/// Label, control, hint and error, stacked.
#[component]
fn FieldFrame(
    id: String,
    label: Text,
    hint: Option<Text>,
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{move || label(i18n.t())}</label>
            {children()}
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id>{move || hint(i18n.t())}</p> })}
            <p class="field-error" id=error_id data-testid=format!("{id}-error") hidden=move || error.get().is_none()>
                {move || error.get()}
            </p>
        </div>
    }
}

fn described_by(id: &str, hint: bool) -> String {
    if hint {
        format!("{id}-hint {id}-error")
    } else {
        format!("{id}-error")
    }
}

/// A one-line text input (`kind` is the input type: text, password, url…).
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    label: Text,
    value: RwSignal<String>,
    #[prop(optional)] hint: Option<Text>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] placeholder: Option<String>,
) -> impl IntoView {
    let describedby = described_by(&id, hint.is_some());
    view! {
        <FieldFrame id=id.clone() label hint error>
            <input
                id=id.clone()
                name=id.clone()
                type=kind
                data-testid=id.clone()
                autocomplete="off"
                spellcheck="false"
                required=required
                placeholder=placeholder
                aria-describedby=describedby
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </FieldFrame>
    }
}

/// A multi-line input for kubeconfigs, certificates and descriptions (monospace when `code`).
#[component]
pub fn TextAreaField(
    #[prop(into)] id: String,
    label: Text,
    value: RwSignal<String>,
    #[prop(optional)] hint: Option<Text>,
    #[prop(into, optional)] error: Signal<Option<String>>,
    #[prop(default = 4)] rows: u32,
    #[prop(optional)] code: bool,
) -> impl IntoView {
    let describedby = described_by(&id, hint.is_some());
    view! {
        <FieldFrame id=id.clone() label hint error>
            <textarea
                id=id.clone()
                name=id.clone()
                rows=rows
                class:code=code
                data-testid=id.clone()
                spellcheck="false"
                autocomplete="off"
                aria-describedby=describedby
                aria-invalid=move || error.get().is_some().to_string()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
        </FieldFrame>
    }
}

/// A checkbox with its label beside it and an optional hint under it.
#[component]
pub fn CheckboxField(
    #[prop(into)] id: String,
    label: Text,
    checked: RwSignal<bool>,
    #[prop(optional)] hint: Option<Text>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-hint");
    view! {
        <div class="check-field">
            <input
                type="checkbox"
                id=id.clone()
                name=id.clone()
                data-testid=id.clone()
                aria-describedby=hint.map(|_| hint_id.clone())
                prop:checked=move || checked.get()
                on:change=move |ev| checked.set(event_target_checked(&ev))
            />
            <div>
                <label for=id>{move || label(i18n.t())}</label>
                {hint.map(|hint| view! { <p class="field-hint" id=hint_id>{move || hint(i18n.t())}</p> })}
            </div>
        </div>
    }
}

/// The alert at the top of a form for an error that belongs to no field.
#[component]
pub fn FormAlert(
    #[prop(into)] message: Signal<Option<String>>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    view! {
        <div class="form-alert-slot" role="alert">
            {move || message.get().map(|m| view! { <div class="form-alert" data-testid=testid.clone()>{m}</div> })}
        </div>
    }
}
