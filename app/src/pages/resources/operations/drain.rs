//! "Drain…": a dialog with kubectl drain's options, then each pod's fate: evicted, left in place
//! (DaemonSet pods), held by a PodDisruptionBudget, or needing an option. While the drain runs
//! the table follows it, polling the drain's progress every half second.

use leptos::html::Dialog;
use leptos::prelude::*;
use model::operations::{DrainOptions, DrainPod, DrainPodState, DrainProgress, DrainReport};

use super::super::delete_dialog::parse_grace_period;
use super::super::object_feedback::object_error;
use crate::i18n::{Messages, use_i18n};
use crate::resources::operations_api::drain_node;

fn state_text(t: &'static Messages, state: DrainPodState) -> &'static str {
    match state {
        DrainPodState::Waiting => t.ops.state_waiting,
        DrainPodState::Terminating => t.ops.state_terminating,
        DrainPodState::Skipped => t.ops.state_skipped,
        DrainPodState::Evicted => t.ops.state_evicted,
        DrainPodState::Blocked => t.ops.state_blocked,
        DrainPodState::Failed => t.ops.state_failed,
        DrainPodState::Refused => t.ops.state_refused,
    }
}

fn state_id(state: DrainPodState) -> &'static str {
    match state {
        DrainPodState::Waiting => "waiting",
        DrainPodState::Terminating => "terminating",
        DrainPodState::Skipped => "skipped",
        DrainPodState::Evicted => "evicted",
        DrainPodState::Blocked => "blocked",
        DrainPodState::Failed => "failed",
        DrainPodState::Refused => "refused",
    }
}

/// Each pod and its state, as a table.
fn pod_table(pods: Vec<DrainPod>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().ops;
    let rows = pods
        .into_iter()
        .map(|p| {
            let state = p.state;
            view! {
                <tr data-testid="drain-pod" data-state=state_id(state) data-name=p.name.clone()>
                    <td class="mono wrap-anywhere">{format!("{}/{}", p.namespace, p.name)}</td>
                    <td><strong>{move || state_text(i18n.t(), state)}</strong><br/><span class="muted">{p.message.clone()}</span></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="data-table">
                <thead><tr><th scope="col">{move || t().col_pod}</th><th scope="col">{move || t().col_result}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
pub fn DrainButton(cluster: String, node: String, on_done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().ops;
    let dialog = NodeRef::<Dialog>::new();
    let ignore_daemonsets = RwSignal::new(true);
    let delete_emptydir = RwSignal::new(false);
    let force = RwSignal::new(false);
    let grace = RwSignal::new(String::new());
    let timeout = RwSignal::new("120".to_string());
    let input_error = RwSignal::new(None::<String>);
    let drain = {
        let (cluster, node) = (cluster.clone(), node.clone());
        Action::new(move |options: &DrainOptions| {
            drain_node(cluster.clone(), node.clone(), options.clone())
        })
    };
    Effect::new(move |_| {
        if drain.value().get().is_some() {
            on_done.run(());
        }
    });
    // The drain's progress while its request is under way.
    let live = RwSignal::new(None::<DrainProgress>);
    #[cfg(feature = "hydrate")]
    {
        let (cluster, node) = (cluster.clone(), node.clone());
        Effect::new(move |running: Option<Option<IntervalHandle>>| {
            if let Some(Some(handle)) = running {
                handle.clear();
            }
            if !drain.pending().get() {
                return None;
            }
            live.set(None);
            let (cluster, node) = (cluster.clone(), node.clone());
            set_interval_with_handle(
                move || {
                    let (cluster, node) = (cluster.clone(), node.clone());
                    leptos::task::spawn_local(async move {
                        if let Ok(Some(progress)) =
                            crate::resources::operations_api::fetch_drain_progress(cluster, node)
                                .await
                        {
                            live.set(Some(progress));
                        }
                    });
                },
                std::time::Duration::from_millis(500),
            )
            .ok()
        });
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(grace_period_seconds) = parse_grace_period(&grace.get_untracked()) else {
            input_error.set(Some(i18n.t().objects.grace_period_invalid.to_string()));
            return;
        };
        let Some(timeout_seconds) = timeout
            .get_untracked()
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|s| (1..=3600).contains(s))
        else {
            input_error.set(Some("1–3600".to_string()));
            return;
        };
        input_error.set(None);
        // The last result gives way to the new drain's live progress.
        drain.value().set(None);
        drain.dispatch(DrainOptions {
            ignore_daemonsets: ignore_daemonsets.get_untracked(),
            delete_emptydir_data: delete_emptydir.get_untracked(),
            force: force.get_untracked(),
            grace_period_seconds,
            timeout_seconds,
        });
    };
    let open = move |_| {
        drain.value().set(None);
        if let Some(d) = dialog.get() {
            _ = d.show_modal();
        }
    };
    let close = move || {
        if let Some(d) = dialog.get() {
            d.close();
        }
    };
    let report = move || {
        let Some(result) = drain.value().get() else {
            // Still running: the pods as they stand.
            let progress = live.get().filter(|_| drain.pending().get())?;
            let total = progress.pods.len();
            let gone = progress
                .pods
                .iter()
                .filter(|p| p.state == DrainPodState::Evicted)
                .count();
            return Some(
                view! {
                    <p class="muted" data-testid="drain-live">{move || (t().drain_live)(gone, total)}</p>
                    {pod_table(progress.pods)}
                }
                .into_any(),
            );
        };
        Some(match result {
            Err(e) => view! { <div class="form-alert" role="alert" data-testid="drain-error">{object_error(i18n.t(), &e)}</div> }.into_any(),
            Ok(DrainReport { complete, pods, message, .. }) => view! {
                <p class=if complete { "form-success" } else { "form-alert" } data-testid="drain-result" data-complete=complete.to_string()>{message}</p>
                {pod_table(pods)}
            }
            .into_any(),
        })
    };
    let check = |signal: RwSignal<bool>,
                 testid: &'static str,
                 text: fn(&'static Messages) -> &'static str| {
        view! {
            <label class="choice">
                <input type="checkbox" data-testid=testid prop:checked=move || signal.get() on:change=move |ev| signal.set(event_target_checked(&ev))/>
                <span class="choice-text">{move || text(i18n.t())}</span>
            </label>
        }
    };
    let title = {
        let node = node.clone();
        move || (t().drain_title)(&node)
    };
    view! {
        <button type="button" class="button button-danger-outline" data-testid="drain-open" on:click=open>{move || t().drain}</button>
        <dialog node_ref=dialog class="dialog" aria-labelledby="drain-title" data-testid="drain-dialog">
            <h2 class="dialog-title" id="drain-title">{title}</h2>
            <form class="form" novalidate on:submit=submit>
                <fieldset class="choice-list">
                    {check(ignore_daemonsets, "drain-ignore-daemonsets", |t| t.ops.ignore_daemonsets)}
                    {check(delete_emptydir, "drain-delete-emptydir", |t| t.ops.delete_emptydir)}
                    {check(force, "drain-force", |t| t.ops.force)}
                </fieldset>
                <div class="field">
                    <label for="drain-grace">{move || t().grace}</label>
                    <input id="drain-grace" inputmode="numeric" autocomplete="off" data-testid="drain-grace"
                        prop:value=move || grace.get() on:input=move |ev| grace.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="drain-timeout">{move || t().timeout}</label>
                    <input id="drain-timeout" inputmode="numeric" autocomplete="off" data-testid="drain-timeout"
                        prop:value=move || timeout.get() on:input=move |ev| timeout.set(event_target_value(&ev))/>
                </div>
                <p class="field-error" hidden=move || input_error.get().is_none()>{move || input_error.get()}</p>
                <div aria-live="polite">{report}</div>
                <div class="form-actions dialog-actions">
                    <button type="button" class="button" data-testid="drain-close" on:click=move |_| close()>{move || t().close}</button>
                    <button type="submit" class="button button-danger" data-testid="drain-submit" disabled=move || drain.pending().get()>
                        {move || if drain.pending().get() { t().draining } else { t().drain_submit }}
                    </button>
                </div>
            </form>
        </dialog>
    }
}
