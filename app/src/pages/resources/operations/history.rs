//! A workload's revisions (a Deployment's ReplicaSets, a StatefulSet's or DaemonSet's
//! ControllerRevisions): when, which images, why, how many pods; and rollback to one of them after a diff of its pod template against the one running now.

use leptos::prelude::*;
use model::operations::{OperationOutcome, Revision, WorkloadRef};

use super::{Feedback, FeedbackLine};
use crate::components::code_editor::DiffEditor;
use crate::i18n::use_i18n;
use crate::pages::resources::detail_sections::Age;
use crate::resources::display::now_ms;
use crate::resources::operations_api::{get_rollout_history, rollback_workload};

#[component]
pub fn History(
    cluster: String,
    workload: WorkloadRef,
    /// Bumped after every change, to read the revisions again.
    version: RwSignal<u32>,
    paused: Signal<bool>,
    feedback: Feedback,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().ops;
    let revisions = {
        let (cluster, workload) = (cluster.clone(), workload.clone());
        Resource::new(
            move || version.get(),
            move |_| get_rollout_history(cluster.clone(), workload.clone()),
        )
    };
    let chosen = RwSignal::new(None::<Revision>);
    let running = RwSignal::new(String::new());
    let proposed = RwSignal::new(String::new());
    let own = Feedback::new();
    let rollback = {
        let (cluster, workload) = (cluster.clone(), workload.clone());
        Action::new(move |revision: &i64| {
            rollback_workload(cluster.clone(), workload.clone(), *revision)
        })
    };
    {
        let (own, shared) = (own, feedback);
        Effect::new(move |_| {
            if let Some(result) = rollback.value().get() {
                own.show(&result, |done: &OperationOutcome| done.message.clone());
                if result.is_ok() {
                    shared.show(&result, |done: &OperationOutcome| done.message.clone());
                    chosen.set(None);
                    version.update(|v| *v += 1);
                }
            }
        });
    }
    let now = now_ms();
    let table = move || {
        Suspend::new(async move {
            let list = match revisions.await {
                Ok(h) => h.revisions,
                Err(e) => {
                    return view! { <p class="form-alert" data-testid="history-error">{e.message}</p> }.into_any();
                }
            };
            if list.is_empty() {
                return view! { <p class="muted">{move || t().no_history}</p> }.into_any();
            }
            let live = list
                .iter()
                .find(|r| r.current)
                .map(|r| r.template.clone())
                .unwrap_or_default();
            let rows = list
                .into_iter()
                .map(|r| {
                    let pick = r.clone();
                    let live = live.clone();
                    let images = r.images.join(", ");
                    view! {
                        <tr data-testid="history-row" data-revision=r.revision.to_string() data-current=r.current.to_string()>
                            <td class="mono">{r.revision}
                                {r.current.then(|| view! { " " <span class="badge tone-good">{move || t().current}</span> })}
                            </td>
                            <td>{r.created_at.map(|at| view! { <Age at now/> })}</td>
                            <td class="mono wrap-anywhere">{images}</td>
                            <td>{r.change_cause.clone().unwrap_or_default()}</td>
                            <td class="num">{r.replicas}</td>
                            <td>
                                {(!r.current).then(|| view! {
                                    <button type="button" class="button button-small" data-testid="rollback-open"
                                        disabled=move || paused.get()
                                        title=move || paused.get().then(|| t().paused_no_rollback)
                                        on:click=move |_| {
                                            running.set(live.clone());
                                            proposed.set(pick.template.clone());
                                            own.message.set(None);
                                            own.error.set(None);
                                            chosen.set(Some(pick.clone()));
                                        }>
                                        {move || t().rollback}
                                    </button>
                                })}
                            </td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <div class="table-scroll">
                    <table class="data-table" data-testid="history-table">
                        <thead><tr>
                            <th scope="col">{move || t().revision}</th>
                            <th scope="col">{move || t().created}</th>
                            <th scope="col">{move || t().images}</th>
                            <th scope="col">{move || t().change_cause}</th>
                            <th scope="col" class="num">{move || t().pods}</th>
                            <th scope="col"><span class="visually-hidden">{move || t().rollback_confirm}</span></th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        })
    };
    let review = move || {
        chosen.get().map(|r| {
            let revision = r.revision;
            view! {
                <div class="ops-review" data-testid="rollback-review" data-revision=revision.to_string()>
                    <h3 class="subsection-title">{move || (t().rollback_title)(revision)}</h3>
                    <p class="muted">{move || t().rollback_hint}</p>
                    <DiffEditor
                        original=running
                        modified=proposed
                        original_label=Signal::derive(move || t().current.to_string())
                        modified_label=Signal::derive(move || format!("{} {revision}", t().revision))
                        testid="rollback-diff"
                    />
                    <div class="form-actions">
                        <button type="button" class="button" data-testid="rollback-cancel" on:click=move |_| chosen.set(None)>{move || t().cancel}</button>
                        <button type="button" class="button button-primary" data-testid="rollback-confirm"
                            disabled=move || rollback.pending().get() on:click=move |_| { rollback.dispatch(revision); }>
                            {move || t().rollback_confirm}
                        </button>
                    </div>
                </div>
            }
        })
    };
    view! {
        <section class="panel detail-section" data-testid="history" aria-labelledby="history-title">
            <h2 class="section-title" id="history-title">{move || t().history}</h2>
            <Transition fallback=move || view! { <p class="muted" aria-busy="true">{move || i18n.t().shell.loading}</p> }>
                {table}
            </Transition>
            {review}
            <FeedbackLine feedback=own testid="rollback"/>
        </section>
    }
}
