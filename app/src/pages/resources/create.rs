//! `/clusters/{id}/create`: objects from YAML, one or many documents separated by `---`.
//! A template picker (`?kind=` preselects one), the default namespace (`?ns=`), a dry run
//! ("Validate") and "Create", with a result per document. The text is never replaced by an
//! error; a template replaces it only when it is unchanged or the reader agrees.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::AppError;
use model::objects::{CreatedDocument, DocumentResult, YamlIssue};

use super::object_feedback::{code_message, in_reading_order, object_error};
use super::templates::{self, TEMPLATES, Template};
use crate::components::code_editor::CodeEditor;
use crate::components::current_cluster::use_cluster_directory;
use crate::components::form_fields::{FormAlert, TextField};
use crate::i18n::use_i18n;
use crate::resources::links;
use crate::resources::objects_api::create_objects;

/// Every issue of every refused document: the editor marks them all.
pub fn all_issues(results: &[CreatedDocument]) -> Vec<YamlIssue> {
    results
        .iter()
        .flat_map(|doc| match &doc.result {
            DocumentResult::Invalid { issues } => issues.clone(),
            _ => Vec::new(),
        })
        .collect()
}

/// One create request and what came of it.
#[derive(Clone)]
struct Attempt {
    dry_run: bool,
    result: Result<Vec<CreatedDocument>, AppError>,
}

#[component]
pub fn CreateObjectsPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let address = use_query_map();
    let directory = use_cluster_directory();
    let cluster = move || params.with(|p| p.get("id").unwrap_or_default());
    let initial = address
        .with_untracked(|q| q.get("kind"))
        .and_then(|k| templates::find(&k));
    let text = RwSignal::new(initial.map(|t| t.yaml).unwrap_or_default().to_string());
    let chosen = RwSignal::new(initial.map(|t| t.key).unwrap_or_default());
    let asked = RwSignal::new(None::<&'static Template>);
    let namespace = RwSignal::new(address.with_untracked(|q| q.get("ns")).unwrap_or_default());
    let read_only = Signal::derive(move || directory.current().is_some_and(|c| c.read_only));
    // Arriving from the app form ("Edit as YAML instead"): its YAML replaces the template.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if address.with_untracked(|q| q.get("from")).as_deref() == Some("app")
            && let Some(yaml) = crate::apps::handoff::take()
        {
            text.set(yaml);
            chosen.set("");
        }
    });

    let create = Action::new(move |(yaml, namespace, dry_run): &(String, String, bool)| {
        let (cluster, yaml, dry_run) = (cluster(), yaml.clone(), *dry_run);
        let namespace = Some(namespace.trim().to_string()).filter(|n| !n.is_empty());
        async move {
            let result = create_objects(cluster, yaml, namespace, dry_run).await;
            Attempt { dry_run, result }
        }
    });
    let attempt = create.value();
    let results = Memo::new(move |_| {
        attempt.with(|a| {
            a.as_ref()
                .and_then(|a| a.result.as_ref().ok().map(|r| (a.dry_run, r.clone())))
        })
    });
    let issues = Signal::derive(move || {
        results.with(|r| {
            r.as_ref()
                .map(|(_, docs)| all_issues(docs))
                .unwrap_or_default()
        })
    });
    let error =
        Signal::derive(move || attempt.with(|a| a.as_ref().and_then(|a| a.result.clone().err())));
    let send = move |dry_run: bool| {
        let yaml = text.get_untracked();
        if yaml.trim().is_empty() {
            return;
        }
        create.dispatch((yaml, namespace.get_untracked(), dry_run));
    };

    let load = move |template: Option<&'static Template>| {
        text.set(template.map(|t| t.yaml).unwrap_or_default().to_string());
        chosen.set(template.map(|t| t.key).unwrap_or_default());
        asked.set(None);
    };
    let pick = move |ev| {
        let key = event_target_value(&ev);
        let template = templates::find(&key);
        let untouched = text.with(|t| {
            t.trim().is_empty()
                || TEMPLATES
                    .iter()
                    .any(|tpl| tpl.key == chosen.get_untracked() && tpl.yaml == t)
        });
        match template {
            _ if untouched => load(template),
            Some(template) => asked.set(Some(template)),
            // Blanking edited text is not offered: the picker goes back to what it showed.
            None => chosen.set(chosen.get_untracked()),
        }
    };
    let keep = move || {
        asked.set(None);
        chosen.set(chosen.get_untracked());
    };

    view! {
        <Title text=move || format!("{} · Capstan", i18n.t().objects.create_title)/>
        <div class="page page-wide objects-page create-page">
            <div class="page-head">
                <div>
                    <h1 class="page-title">{move || i18n.t().objects.create_title}</h1>
                    <p class="page-lead">{move || i18n.t().objects.create_lead}</p>
                </div>
            </div>
            <div class="create-options">
                <div class="field">
                    <label for="create-template">{move || i18n.t().objects.template}</label>
                    <select id="create-template" data-testid="create-template" prop:value=move || chosen.get() on:change=pick>
                        <option value="">{move || i18n.t().objects.template_none}</option>
                        {TEMPLATES.iter().map(|t| view! { <option value=t.key selected=move || chosen.get() == t.key>{t.kind}</option> }).collect_view()}
                    </select>
                </div>
                <TextField
                    id="create-namespace"
                    label=|t| t.objects.default_namespace
                    hint=|t| t.objects.default_namespace_hint
                    value=namespace
                    placeholder="default"
                />
            </div>
            {move || asked.get().map(|template| view! {
                <div class="object-banner" role="alertdialog" aria-labelledby="replace-question" data-testid="create-replace">
                    <p id="replace-question">{(i18n.t().objects.replace_with_template)(template.kind)}</p>
                    <div class="button-row">
                        <button type="button" class="button" data-testid="create-replace-yes" on:click=move |_| load(Some(template))>
                            {move || i18n.t().objects.replace}
                        </button>
                        <button type="button" class="button button-quiet" data-testid="create-replace-no" on:click=move |_| keep()>
                            {move || i18n.t().objects.keep_text}
                        </button>
                    </div>
                </div>
            })}
            <CodeEditor
                value=text
                label=Signal::derive(move || i18n.t().objects.yaml_label.to_string())
                diagnostics=issues
                testid="create-editor"
            />
            <div class="editor-toolbar">
                <div class="button-row">
                    <button type="button" class="button" data-testid="create-validate"
                        disabled=move || create.pending().get() || text.with(|t| t.trim().is_empty())
                        on:click=move |_| send(true)>
                        {move || i18n.t().objects.validate}
                    </button>
                    <button type="button" class="button button-primary" data-testid="create-submit"
                        disabled=move || create.pending().get() || read_only.get() || text.with(|t| t.trim().is_empty())
                        aria-describedby="create-blocked"
                        on:click=move |_| send(false)>
                        {move || if create.pending().get() { i18n.t().objects.working } else { i18n.t().objects.create }}
                    </button>
                </div>
                <p class="field-hint" id="create-blocked" hidden=move || !read_only.get()>{move || i18n.t().objects.cluster_read_only}</p>
            </div>
            <FormAlert message=Signal::derive(move || error.get().map(|e| object_error(i18n.t(), &e))) testid="create-error"/>
            {move || results.get().map(|(dry_run, docs)| view! { <Results cluster=cluster() dry_run docs/> })}
        </div>
    }
}

/// One line per document: created (with a link), refused (with its issues), failed, skipped.
#[component]
fn Results(cluster: String, dry_run: bool, docs: Vec<CreatedDocument>) -> impl IntoView {
    let i18n = use_i18n();
    let items = docs
        .into_iter()
        .map(|doc| {
            let (status, tone) = match &doc.result {
                DocumentResult::Created => ("created", "tone-good"),
                DocumentResult::Invalid { .. } => ("invalid", "tone-bad"),
                DocumentResult::Failed { .. } => ("failed", "tone-bad"),
                DocumentResult::Skipped => ("skipped", "tone-neutral"),
            };
            let label = move || {
                let o = &i18n.t().objects;
                match status {
                    "created" if dry_run => o.would_create,
                    "created" => o.created,
                    "invalid" => o.invalid,
                    "failed" => o.failed,
                    _ => o.skipped,
                }
            };
            let (index, line) = (doc.index, doc.line);
            let object = doc.object.clone().map(|o| {
                let name = format!("{}/{}", o.kind, o.name);
                let place = o.namespace.clone().map(|ns| format!(" · {ns}"));
                if status == "created" && !dry_run {
                    let href = links::object_href(&cluster, &o.kind, o.namespace.as_deref(), &o.name);
                    let yaml = links::yaml_href(&cluster, &o.kind, o.namespace.as_deref(), &o.name);
                    view! {
                        <A href=href attr:class="result-object" attr:data-testid="create-result-link">{name}</A>
                        {place}
                        <A href=yaml attr:class="result-yaml" attr:data-testid="create-result-yaml">"YAML"</A>
                    }
                    .into_any()
                } else {
                    view! { <span class="result-object mono">{name}</span>{place} }.into_any()
                }
            });
            let detail = match doc.result {
                DocumentResult::Invalid { issues } => {
                    let items = in_reading_order(&issues)
                        .into_iter()
                        .map(|i| {
                            let line = i.line;
                            view! {
                                <li>
                                    {line.map(|l| view! { <span class="issue-place">{move || (i18n.t().objects.at_line)(l)}</span> })}
                                    {i.field.map(|f| view! { <code class="issue-field">{f}</code> })}
                                    <span>{i.message}</span>
                                </li>
                            }
                        })
                        .collect_view();
                    Some(view! { <ul class="result-issues">{items}</ul> }.into_any())
                }
                DocumentResult::Failed { code, message } => Some(
                    view! { <p class="result-message">{move || code_message(i18n.t(), &code, &message)}</p> }
                        .into_any(),
                ),
                _ => None,
            };
            view! {
                <li class="create-result" data-testid="create-result" data-status=status data-index=index.to_string()>
                    <div class="result-head">
                        <span class=format!("result-badge {tone}")>{label}</span>
                        <span class="muted">{move || (i18n.t().objects.document_at)(index + 1, line)}</span>
                        {object}
                    </div>
                    {detail}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="create-results" data-testid="create-results" data-dry-run=dry_run.to_string() aria-live="polite">
            <h2 class="section-title">
                {move || if dry_run { i18n.t().objects.dry_run_results } else { i18n.t().objects.results }}
            </h2>
            <ol>{items}</ol>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use model::objects::ObjectRef;

    use super::*;

    fn issue(line: u32) -> YamlIssue {
        YamlIssue {
            line: Some(line),
            column: None,
            field: Some("spec.ports".into()),
            message: "Required value".into(),
        }
    }

    #[test]
    fn the_editor_marks_the_issues_of_every_refused_document() {
        let docs = vec![
            CreatedDocument {
                index: 0,
                line: 1,
                object: Some(ObjectRef {
                    kind: "configmaps".into(),
                    namespace: Some("default".into()),
                    name: "a".into(),
                }),
                result: DocumentResult::Created,
            },
            CreatedDocument {
                index: 1,
                line: 8,
                object: None,
                result: DocumentResult::Invalid {
                    issues: vec![issue(10), issue(12)],
                },
            },
            CreatedDocument {
                index: 2,
                line: 20,
                object: None,
                result: DocumentResult::Skipped,
            },
        ];
        let lines: Vec<Option<u32>> = all_issues(&docs).iter().map(|i| i.line).collect();
        assert_eq!(lines, [Some(10), Some(12)]);
    }
}
