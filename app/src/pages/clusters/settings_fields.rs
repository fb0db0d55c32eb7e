//! Name, description, environment, colour and read-only: the settings a cluster gets on import
//! and changes later. One form value and one component, used by both pages.

use leptos::prelude::*;
use model::AppError;
use model::clusters::{ClusterInfo, ClusterSettings, Environment};

use crate::components::cluster_badges::{cluster_colour, environment_label};
use crate::components::form_fields::{CheckboxField, TextField, server_field_error};
use crate::i18n::use_i18n;

/// The settings as the reader edits them.
#[derive(Clone, Copy)]
pub struct SettingsForm {
    pub name: RwSignal<String>,
    pub description: RwSignal<String>,
    pub environment: RwSignal<Environment>,
    pub colour: RwSignal<String>,
    pub read_only: RwSignal<bool>,
    pub keep_ended_logs: RwSignal<bool>,
}

impl SettingsForm {
    /// Empty but for a suggested name.
    pub fn new(name: String) -> Self {
        Self {
            name: RwSignal::new(name),
            description: RwSignal::new(String::new()),
            environment: RwSignal::new(Environment::Other),
            colour: RwSignal::new(String::new()),
            read_only: RwSignal::new(false),
            keep_ended_logs: RwSignal::new(true),
        }
    }

    /// Filled from a saved cluster.
    pub fn from_cluster(c: &ClusterInfo) -> Self {
        let form = Self::new(c.name.clone());
        form.description.set(c.description.clone());
        form.environment.set(c.environment);
        form.colour.set(c.colour.clone());
        form.read_only.set(c.read_only);
        form.keep_ended_logs.set(c.keep_ended_logs);
        form
    }

    /// The values to send (not tracked: read when the reader submits).
    pub fn value(self) -> ClusterSettings {
        ClusterSettings {
            name: self.name.get_untracked().trim().to_string(),
            description: self.description.get_untracked().trim().to_string(),
            environment: self.environment.get_untracked(),
            colour: self.colour.get_untracked().trim().to_string(),
            read_only: self.read_only.get_untracked(),
            keep_ended_logs: self.keep_ended_logs.get_untracked(),
        }
    }
}

/// The server's naming rule, checked before sending so the error lands on the right context
/// when several are imported at once.
pub fn name_is_valid(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

/// A kubeconfig context's name made into a valid cluster name (`kind-Dev/1` → `kind-dev-1`).
pub fn suggested_name(context: &str) -> String {
    let name: String = context
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(63)
        .collect();
    let name = name.trim_matches('-').to_string();
    if name.is_empty() {
        "cluster".into()
    } else {
        name
    }
}

/// The fields; `prefix` keeps ids unique when several forms share a page. `local_error` is a
/// check made in the browser, shown under the name.
#[component]
pub fn ClusterSettingsFields(
    form: SettingsForm,
    #[prop(into)] prefix: String,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into, optional)] local_name_error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let field = move |name: &'static str| server_field_error(error, name);
    let name_error = {
        let server = field("name");
        Signal::derive(move || local_name_error.get().or_else(|| server.get()))
    };
    let env_id = format!("{prefix}-environment");
    let colour_id = format!("{prefix}-colour");
    let colour_error = field("colour");
    let swatch = move || cluster_colour(&form.colour.get(), form.environment.get());
    view! {
        <div class="settings-fields">
            <TextField id=format!("{prefix}-name") label=|t| t.clusters.name hint=|t| t.clusters.name_hint value=form.name error=name_error required=true/>
            <TextField id=format!("{prefix}-description") label=|t| t.clusters.description value=form.description error=field("description")/>
            <div class="field-row">
                <div class="field">
                    <label for=env_id.clone()>{move || i18n.t().clusters.environment}</label>
                    <select
                        id=env_id.clone()
                        data-testid=env_id.clone()
                        on:change=move |ev| {
                            if let Some(env) = Environment::parse(&event_target_value(&ev)) {
                                form.environment.set(env);
                            }
                        }
                    >
                        {Environment::ALL
                            .into_iter()
                            .map(|env| view! {
                                <option value=env.as_str() selected=move || form.environment.get() == env>
                                    {move || environment_label(i18n.t(), env)}
                                </option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for=colour_id.clone()>{move || i18n.t().clusters.colour}</label>
                    <div class="colour-input">
                        // The picker sets the text field; the text field accepts any #rrggbb (or empty
                        // for the environment's colour), so both stay editable by keyboard.
                        <input
                            type="color"
                            class="colour-picker"
                            aria-label=move || i18n.t().clusters.colour
                            tabindex="-1"
                            prop:value=swatch
                            on:input=move |ev| form.colour.set(event_target_value(&ev))
                        />
                        <input
                            id=colour_id.clone()
                            data-testid=colour_id.clone()
                            type="text"
                            placeholder=swatch
                            aria-describedby=format!("{colour_id}-hint {colour_id}-error")
                            aria-invalid=move || colour_error.get().is_some().to_string()
                            prop:value=move || form.colour.get()
                            on:input=move |ev| form.colour.set(event_target_value(&ev))
                        />
                    </div>
                    <p class="field-hint" id=format!("{colour_id}-hint")>{move || i18n.t().clusters.colour_hint}</p>
                    <p class="field-error" id=format!("{colour_id}-error") hidden=move || colour_error.get().is_none()>{move || colour_error.get()}</p>
                </div>
            </div>
            <CheckboxField id=format!("{prefix}-read-only") label=|t| t.clusters.read_only_label hint=|t| t.clusters.read_only_hint checked=form.read_only/>
            <CheckboxField id=format!("{prefix}-keep-ended-logs") label=|t| t.clusters.keep_ended_logs_label hint=|t| t.clusters.keep_ended_logs_hint checked=form.keep_ended_logs/>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_names_become_valid_cluster_names() {
        assert_eq!(suggested_name("kind-Dev/1"), "kind-dev-1");
        assert_eq!(
            suggested_name("arn:aws:eks:eu:1:cluster/prod"),
            "arn-aws-eks-eu-1-cluster-prod"
        );
        assert_eq!(suggested_name("///"), "cluster");
        assert!(name_is_valid(&suggested_name(&"x".repeat(100))));
        assert!(!name_is_valid("Prod"));
    }
}
