//! A CronJob's operations: run now (a Job from its template, linked once made) and suspend or
//! resume its schedule.

use leptos::prelude::*;
use leptos_router::components::A;
use model::objects::ObjectRef;
use model::operations::{CronJobControls, OperationOutcome};

use super::{Feedback, FeedbackLine};
use crate::i18n::use_i18n;
use crate::resources::links;
use crate::resources::operations_api::{
    delete_finished_jobs, set_cronjob_suspended, trigger_cronjob,
};

#[component]
pub fn CronJobPanel(
    cluster: String,
    object: ObjectRef,
    controls: CronJobControls,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().ops;
    let namespace = object.namespace.clone().unwrap_or_default();
    let suspended = RwSignal::new(controls.suspended);
    let feedback = Feedback::new();
    let job_link = RwSignal::new(None::<String>);
    let trigger = {
        let (cluster, namespace, name) = (cluster.clone(), namespace.clone(), object.name.clone());
        Action::new(move |_: &()| trigger_cronjob(cluster.clone(), namespace.clone(), name.clone()))
    };
    let suspend = {
        let (cluster, namespace, name) = (cluster.clone(), namespace.clone(), object.name.clone());
        Action::new(move |on: &bool| {
            set_cronjob_suspended(cluster.clone(), namespace.clone(), name.clone(), *on)
        })
    };
    {
        let (feedback, cluster, namespace) = (feedback, cluster.clone(), namespace.clone());
        Effect::new(move |_| {
            if let Some(result) = trigger.value().get() {
                feedback.show(&result, |job| job.message.clone());
                job_link.set(result.ok().map(|job| {
                    links::object_href(&cluster, "jobs.batch", Some(&namespace), &job.job)
                }));
            }
        });
    }
    {
        Effect::new(move |_| {
            if let Some(result) = suspend.value().get() {
                feedback.show(&result, |done: &OperationOutcome| done.message.clone());
                if result.is_ok() {
                    suspended.update(|s| *s = !*s);
                }
            }
        });
    }
    let clean = {
        let (cluster, namespace, name) = (cluster.clone(), namespace.clone(), object.name.clone());
        Action::new(move |_: &()| {
            delete_finished_jobs(cluster.clone(), namespace.clone(), name.clone())
        })
    };
    Effect::new(move |_| {
        if let Some(result) = clean.value().get() {
            feedback.show(&result, |done: &OperationOutcome| done.message.clone());
        }
    });
    let busy = move || trigger.pending().get() || suspend.pending().get() || clean.pending().get();
    view! {
        <section class="panel detail-section ops-panel" data-testid="cronjob-controls" aria-labelledby="ops-title">
            <h2 class="section-title" id="ops-title">{move || t().title}</h2>
            <p class="muted" hidden=move || !suspended.get() data-testid="suspended-note">{move || t().suspended_note}</p>
            <FeedbackLine feedback=feedback testid="ops"/>
            {move || job_link.get().map(|href| view! { <p><A href=href attr:class="object-link" attr:data-testid="triggered-job">{move || t().open_job}</A></p> })}
            <div class="ops-buttons">
                <button type="button" class="button button-primary" data-testid="cronjob-run" disabled=busy on:click=move |_| { trigger.dispatch(()); }>
                    {move || t().run_now}
                </button>
                <button type="button" class="button" data-testid="suspend-toggle" data-suspended=move || suspended.get().to_string()
                    disabled=busy on:click=move |_| { suspend.dispatch(!suspended.get_untracked()); }>
                    {move || if suspended.get() { t().unsuspend } else { t().suspend }}
                </button>
                <button type="button" class="button button-quiet" data-testid="cronjob-clean" disabled=busy on:click=move |_| { clean.dispatch(()); }>
                    {move || t().delete_finished}
                </button>
            </div>
        </section>
    }
}
