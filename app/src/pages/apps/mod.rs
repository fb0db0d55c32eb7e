//! `/clusters/{id}/apps`: the apps Capstan made, with start, stop, restart and delete;
//! `/clusters/{id}/apps/new` and `/clusters/{id}/apps/{ns}/{name}`: the form, to create or
//! update one.

mod form;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use model::AppError;
use model::apps::{AppDeletion, AppOutcome, AppSpec, AppSummary};
use model::operations::OperationOutcome;

use super::resources::object_feedback::object_error;
use crate::apps::api::{
    Lifecycle, app_lifecycle, create_app, delete_app, get_app, list_apps, update_app,
};
use crate::i18n::{error_message, use_i18n};
use form::{AppForm, Submitted};

fn list_href(cluster: &str) -> String {
    format!("/clusters/{cluster}/apps")
}

#[component]
pub fn AppsPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().apps;
    let params = use_params_map();
    let cluster = move || params.with(|p| p.get("id").unwrap_or_default());
    let version = RwSignal::new(0u32);
    let apps = Resource::new(move || (cluster(), version.get()), |(c, _)| list_apps(c));
    let feedback = RwSignal::new(None::<Result<OperationOutcome, AppError>>);
    let body = move || {
        Suspend::new(async move {
            let cluster = cluster();
            match apps.await {
                Err(e) => view! { <div class="state-panel state-error" role="alert" data-testid="apps-error"><p>{error_message(i18n.t(), &e)}</p></div> }.into_any(),
                Ok(list) if list.is_empty() => view! { <div class="state-panel" data-testid="apps-empty"><p class="muted">{move || t().none}</p></div> }.into_any(),
                Ok(list) => view! { <AppTable apps=list cluster feedback version/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=move || format!("{} · Capstan", t().title)/>
        <div class="page page-wide">
            <div class="page-head">
                <div>
                    <h1 class="page-title">{move || t().title}</h1>
                    <p class="page-lead">{move || t().lead}</p>
                </div>
                <A href=move || format!("/clusters/{}/apps/new", cluster()) attr:class="button button-primary" attr:data-testid="app-new">{move || t().new_app}</A>
            </div>
            <div role="status" aria-live="polite">
                {move || feedback.get().map(|r| match r {
                    Ok(done) => view! { <p class="form-success" data-testid="app-action-result">{done.message}</p> }.into_any(),
                    Err(e) => view! { <div class="form-alert" data-testid="app-action-error">{object_error(i18n.t(), &e)}</div> }.into_any(),
                })}
            </div>
            <Transition fallback=move || view! { <p class="muted">{move || i18n.t().shell.loading}</p> }>{body}</Transition>
        </div>
    }
}

#[component]
fn AppTable(
    apps: Vec<AppSummary>,
    cluster: String,
    feedback: RwSignal<Option<Result<OperationOutcome, AppError>>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().apps;
    let act = {
        let cluster = cluster.clone();
        Action::new(move |(ns, name, action): &(String, String, Lifecycle)| {
            app_lifecycle(cluster.clone(), ns.clone(), name.clone(), *action)
        })
    };
    let remove = {
        let cluster = cluster.clone();
        Action::new(move |(ns, name, what): &(String, String, AppDeletion)| {
            delete_app(cluster.clone(), ns.clone(), name.clone(), *what)
        })
    };
    Effect::new(move |_| {
        if let Some(r) = act.value().get() {
            feedback.set(Some(r));
            version.update(|v| *v += 1);
        }
    });
    Effect::new(move |_| {
        if let Some(r) = remove.value().get() {
            feedback.set(Some(r));
            version.update(|v| *v += 1);
        }
    });
    let confirming = RwSignal::new(None::<(String, String)>);
    let keep_service = RwSignal::new(false);
    let keep_claims = RwSignal::new(false);
    let busy = move || act.pending().get() || remove.pending().get();
    let rows = apps
        .into_iter()
        .map(|a| {
            let (ns, name) = (a.namespace.clone(), a.name.clone());
            let edit = format!("/clusters/{cluster}/apps/{ns}/{name}");
            let deployment = format!("/clusters/{cluster}/resources/deployments.apps/{ns}/{name}");
            let stopped = a.desired == 0;
            let run = {
                let (ns, name) = (ns.clone(), name.clone());
                move |action: Lifecycle| {
                    act.dispatch((ns.clone(), name.clone(), action));
                }
            };
            let run2 = run.clone();
            let ask = {
                let (ns, name) = (ns.clone(), name.clone());
                move |_| confirming.set(Some((ns.clone(), name.clone())))
            };
            let row_id = format!("app-row-{name}");
            let shown_ns = ns.clone();
            view! {
                <tr data-testid=row_id data-desired=a.desired.to_string() data-ready=a.ready.to_string()>
                    <td data-label=move || t().col_name><A href=deployment attr:class="object-link">{name.clone()}</A></td>
                    <td data-label=move || t().col_namespace>{shown_ns}</td>
                    <td data-label=move || t().col_image class="mono wrap-anywhere">{a.image.clone()}</td>
                    <td data-label=move || t().col_ready class="num">{format!("{}/{}", a.ready, a.desired)}</td>
                    <td data-label=move || t().col_service class="mono">{a.service.clone().unwrap_or_default()}</td>
                    <td data-label=move || t().col_actions>
                        <div class="ops-buttons">
                            {if stopped {
                                view! { <button type="button" class="button button-small" data-testid="app-start" disabled=busy on:click=move |_| run(Lifecycle::Start)>{move || t().start}</button> }.into_any()
                            } else {
                                view! { <button type="button" class="button button-small" data-testid="app-stop" disabled=busy on:click=move |_| run(Lifecycle::Stop)>{move || t().stop}</button> }.into_any()
                            }}
                            <button type="button" class="button button-small" data-testid="app-restart" disabled=move || busy() || stopped on:click=move |_| run2(Lifecycle::Restart)>{move || t().restart}</button>
                            <A href=edit attr:class="button button-small" attr:data-testid="app-edit">{move || t().edit}</A>
                            <button type="button" class="button button-small button-danger-outline" data-testid="app-delete" disabled=busy on:click=ask>{move || t().delete}</button>
                        </div>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let confirm = move || {
        confirming.get().map(|(ns, name)| {
            let title = (t().delete_title)(&name);
            let label = title.clone();
            view! {
                <div class="panel app-delete-confirm" data-testid="app-delete-confirm" role="alertdialog" aria-label=label>
                    <h2 class="section-title">{title}</h2>
                    <label class="choice"><input type="checkbox" data-testid="app-keep-service" prop:checked=move || keep_service.get() on:change=move |ev| keep_service.set(event_target_checked(&ev))/><span class="choice-text">{move || t().keep_service}</span></label>
                    <label class="choice"><input type="checkbox" data-testid="app-keep-claims" prop:checked=move || keep_claims.get() on:change=move |ev| keep_claims.set(event_target_checked(&ev))/><span class="choice-text">{move || t().keep_claims}</span></label>
                    <div class="form-actions">
                        <button type="button" class="button" on:click=move |_| confirming.set(None)>{move || i18n.t().objects.cancel}</button>
                        <button type="button" class="button button-danger" data-testid="app-delete-submit" on:click=move |_| {
                            remove.dispatch((ns.clone(), name.clone(), AppDeletion { keep_service: keep_service.get_untracked(), keep_claims: keep_claims.get_untracked() }));
                            confirming.set(None);
                        }>{move || t().delete}</button>
                    </div>
                </div>
            }
        })
    };
    view! {
        {confirm}
        <div class="table-scroll">
            <table class="data-table resource-table" data-testid="app-table">
                <thead><tr>
                    <th scope="col">{move || t().col_name}</th>
                    <th scope="col">{move || t().col_namespace}</th>
                    <th scope="col">{move || t().col_image}</th>
                    <th scope="col" class="num">{move || t().col_ready}</th>
                    <th scope="col">{move || t().col_service}</th>
                    <th scope="col">{move || t().col_actions}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The outcome of a create or update, with each object's result when something failed.
#[component]
fn Outcome(outcome: AppOutcome) -> impl IntoView {
    let failures = outcome
        .documents
        .iter()
        .filter_map(|d| match &d.result {
            model::objects::DocumentResult::Failed { message, .. } => Some(message.clone()),
            model::objects::DocumentResult::Invalid { issues } => Some(
                issues
                    .iter()
                    .map(|i| i.message.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            _ => None,
        })
        .map(|m| view! { <li>{m}</li> })
        .collect_view();
    view! {
        <div class=if outcome.done { "form-success" } else { "form-alert" } role="status" data-testid="app-outcome"
            data-done=outcome.done.to_string() data-running=outcome.running.map(|r| r.to_string()).unwrap_or_default()>
            <p>{outcome.message.clone()}</p>
            <ul class="plain-list">{failures}</ul>
        </div>
    }
}

#[component]
pub fn NewAppPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().apps;
    let params = use_params_map();
    let cluster = params.with_untracked(|p| p.get("id").unwrap_or_default());
    let create = {
        let cluster = cluster.clone();
        Action::new(move |s: &Submitted| create_app(cluster.clone(), s.spec.clone(), s.wait))
    };
    let outcome = Signal::derive(move || create.value().get().and_then(Result::ok));
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let navigate = use_navigate();
    let list = list_href(&cluster);
    Effect::new(move |_| {
        if outcome.get().is_some_and(|o| o.done) {
            navigate(&list, Default::default());
        }
    });
    view! {
        <Title text=move || format!("{} · Capstan", t().new_app)/>
        <div class="page page-wide">
            <h1 class="page-title">{move || t().new_app}</h1>
            {move || outcome.get().filter(|o| !o.done).map(|o| view! { <Outcome outcome=o/> })}
            <AppForm initial=AppSpec::default() editing=false pending=create.pending() server_error=error
                on_submit=Callback::new(move |s: Submitted| { create.dispatch(s); })/>
        </div>
    }
}

#[component]
pub fn EditAppPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().apps;
    let params = use_params_map();
    let cluster = params.with_untracked(|p| p.get("id").unwrap_or_default());
    let namespace = params.with_untracked(|p| p.get("ns").unwrap_or_default());
    let name = params.with_untracked(|p| p.get("name").unwrap_or_default());
    let app = {
        let (cluster, namespace, name) = (cluster.clone(), namespace.clone(), name.clone());
        Resource::new(
            || (),
            move |_| get_app(cluster.clone(), namespace.clone(), name.clone()),
        )
    };
    let update = {
        let cluster = cluster.clone();
        Action::new(move |s: &Submitted| update_app(cluster.clone(), s.spec.clone()))
    };
    let outcome = Signal::derive(move || update.value().get().and_then(Result::ok));
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let body = move || {
        Suspend::new(async move {
            match app.await {
                Ok(summary) => view! {
                    <AppForm initial=summary.spec editing=true pending=update.pending() server_error=error
                        on_submit=Callback::new(move |s: Submitted| { update.dispatch(s); })/>
                }
                .into_any(),
                Err(e) => view! { <div class="state-panel state-error" role="alert" data-testid="app-error"><p>{error_message(i18n.t(), &e)}</p></div> }.into_any(),
            }
        })
    };
    view! {
        <Title text=move || format!("{} · Capstan", t().edit_title)/>
        <div class="page page-wide">
            <nav class="crumbs"><A href=list_href(&cluster)>{move || t().title}</A><span aria-hidden="true">"/"</span><span aria-current="page">{name.clone()}</span></nav>
            <h1 class="page-title">{move || t().edit_title}" "{name.clone()}</h1>
            {move || outcome.get().map(|o| view! { <Outcome outcome=o/> })}
            <Transition fallback=move || view! { <p class="muted">{move || i18n.t().shell.loading}</p> }>{body}</Transition>
        </div>
    }
}
