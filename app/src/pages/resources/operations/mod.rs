//! The operations panel of an object's detail page, by kind: workloads (scale, restart, pause,
//! images, revisions and rollback), nodes (cordon, drain, labels, taints) and CronJobs (run now,
//! suspend). Each action calls one server function; its result or error shows next to it, and
//! counts follow the cluster while a change rolls out.

mod bulk;
mod cronjob;
mod drain;
mod history;
mod node;
mod workload;

use leptos::prelude::*;
use model::AppError;
use model::objects::ObjectRef;
use model::operations::Controls;

use super::object_feedback::object_error;
use crate::i18n::use_i18n;
use crate::resources::detail_api::get_object_detail;
use crate::resources::display::now_ms;

pub use bulk::NodeBulkBar;
pub use cronjob::CronJobPanel;
pub use node::NodePanel;
pub use workload::WorkloadPanel;

/// The panel for the object's kind, if it has actions.
#[component]
pub fn OperationsPanel(cluster: String, object: ObjectRef, controls: Controls) -> impl IntoView {
    match controls {
        Controls::Workload(c) => view! { <WorkloadPanel cluster object controls=c/> }.into_any(),
        Controls::Node(c) => view! { <NodePanel cluster node=object.name controls=c/> }.into_any(),
        Controls::CronJob(c) => view! { <CronJobPanel cluster object controls=c/> }.into_any(),
    }
}

/// What the last action came to: a sentence, or an error.
#[derive(Clone, Copy)]
pub(crate) struct Feedback {
    pub message: RwSignal<Option<String>>,
    pub error: RwSignal<Option<AppError>>,
}

impl Feedback {
    pub fn new() -> Self {
        Feedback {
            message: RwSignal::new(None),
            error: RwSignal::new(None),
        }
    }

    pub fn show<T>(self, result: &Result<T, AppError>, message: impl FnOnce(&T) -> String) {
        match result {
            Ok(done) => {
                self.error.set(None);
                self.message.set(Some(message(done)));
            }
            Err(e) => {
                self.message.set(None);
                self.error.set(Some(e.clone()));
            }
        }
    }

    /// The error's message for a field, if the error names it.
    pub fn field(self, name: &'static str) -> Signal<Option<String>> {
        let error = self.error;
        Signal::derive(move || {
            error.with(|e| {
                e.as_ref().and_then(|e| {
                    e.fields
                        .iter()
                        .find(|f| f.field == name || f.field.starts_with(&format!("{name}.")))
                        .map(|f| f.message.clone())
                })
            })
        })
    }
}

/// The result line and error alert of a panel.
#[component]
pub(crate) fn FeedbackLine(feedback: Feedback, #[prop(into)] testid: String) -> impl IntoView {
    let i18n = use_i18n();
    let Feedback { message, error } = feedback;
    let (result_id, error_id) = (format!("{testid}-result"), format!("{testid}-error"));
    view! {
        <div class="ops-feedback" role="status" aria-live="polite">
            {move || message.get().map(|m| view! { <p class="form-success" data-testid=result_id.clone()>{m}</p> })}
        </div>
        <div class="form-alert-slot" role="alert">
            {move || error.get().map(|e| {
                let code = e.code.clone();
                view! { <div class="form-alert" data-testid=error_id.clone() data-code=code>{object_error(i18n.t(), &e)}</div> }
            })}
        </div>
    }
}

/// Keeps a panel's controls in step with the cluster: read again at once after each change,
/// then every 1.5 s while `progressing` holds or for 20 s after the last change.
#[derive(Clone, Copy)]
pub(crate) struct Follow {
    last_change: RwSignal<i64>,
}

impl Follow {
    /// Call after an action changed the object.
    pub fn changed(self) {
        self.last_change.set(now_ms());
    }
}

pub(crate) fn follow_controls(
    cluster: String,
    object: ObjectRef,
    controls: RwSignal<Controls>,
    progressing: Signal<bool>,
) -> Follow {
    let last_change = RwSignal::new(0_i64);
    let busy = std::rc::Rc::new(std::cell::Cell::new(false));
    let fetch = std::rc::Rc::new(move || {
        if busy.get() {
            return;
        }
        busy.set(true);
        let (cluster, object, busy) = (cluster.clone(), object.clone(), busy.clone());
        leptos::task::spawn_local(async move {
            if let Ok(Some(fresh)) = get_object_detail(cluster, object).await.map(|d| d.controls) {
                // The page may be gone by now.
                _ = controls.try_set(fresh);
            }
            busy.set(false);
        });
    });
    {
        let fetch = fetch.clone();
        Effect::new(move |_| {
            if last_change.get() > 0 {
                fetch();
            }
        });
    }
    Effect::new(move |_| {
        let fetch = fetch.clone();
        if let Ok(handle) = set_interval_with_handle(
            move || {
                let recent = last_change
                    .try_get_untracked()
                    .is_some_and(|at| now_ms() - at < 20_000);
                if recent || progressing.try_get_untracked() == Some(true) {
                    fetch();
                }
            },
            std::time::Duration::from_millis(1500),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    Follow { last_change }
}
