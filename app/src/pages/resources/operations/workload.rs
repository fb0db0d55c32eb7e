//! A workload's operations: replica counts that follow the rollout, scale with − / + and a
//! number, restart (confirmed), pause and resume (Deployments), each container's image, and for
//! Deployments the revisions with a diff and rollback.

use leptos::prelude::*;
use model::objects::ObjectRef;
use model::operations::{Controls, ImageChange, OperationOutcome, WorkloadControls, WorkloadRef};

use super::history::History;
use super::{Feedback, FeedbackLine, follow_controls};
use crate::i18n::use_i18n;
use crate::resources::operations_api::{
    restart_workload, scale_workload, set_container_image, set_workload_paused,
};

/// One action of the panel.
#[derive(Clone)]
enum Op {
    Scale(i32),
    Restart,
    Pause(bool),
    Image(ImageChange),
}

/// The replica count typed in the field, if it is a whole number.
pub fn parse_replicas(text: &str) -> Option<i32> {
    text.trim().parse::<i32>().ok().filter(|n| *n >= 0)
}

#[component]
pub fn WorkloadPanel(
    cluster: String,
    object: ObjectRef,
    controls: WorkloadControls,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().ops;
    let workload = WorkloadRef {
        kind: object.kind.clone(),
        namespace: object.namespace.clone().unwrap_or_default(),
        name: object.name.clone(),
    };
    let is_deployment = object.kind == "deployments.apps";
    let scalable = controls.desired.is_some();
    let restartable = object.kind != "replicasets.apps";
    let state = RwSignal::new(Controls::Workload(controls.clone()));
    let current = move || match state.get() {
        Controls::Workload(c) => Some(c),
        _ => None,
    };
    let progressing = Signal::derive(move || current().is_some_and(|c| c.progressing));
    let follow = follow_controls(cluster.clone(), object.clone(), state, progressing);

    let feedback = Feedback::new();
    let replicas = RwSignal::new(controls.desired.unwrap_or(0).to_string());
    let confirming_restart = RwSignal::new(false);
    let images = RwSignal::new(
        controls
            .containers
            .iter()
            .map(|c| (c.name.clone(), c.image.clone()))
            .collect::<Vec<_>>(),
    );
    let history_version = RwSignal::new(0u32);

    let act = {
        let (cluster, workload) = (cluster.clone(), workload.clone());
        Action::new(move |op: &Op| {
            let (cluster, workload, op) = (cluster.clone(), workload.clone(), op.clone());
            async move {
                match op {
                    Op::Scale(n) => scale_workload(cluster, workload, n).await,
                    Op::Restart => restart_workload(cluster, workload).await,
                    Op::Pause(p) => set_workload_paused(cluster, workload, p).await,
                    Op::Image(change) => set_container_image(cluster, workload, change).await,
                }
            }
        })
    };
    {
        Effect::new(move |_| {
            if let Some(result) = act.value().get() {
                feedback.show(&result, |done: &OperationOutcome| done.message.clone());
                if result.is_ok() {
                    follow.changed();
                    history_version.update(|v| *v += 1);
                }
            }
        });
    }
    let pending = act.pending();

    let counts = move || {
        current().map(|c| {
            let text = (t().counts)(c.ready, c.desired, c.updated, c.available);
            view! {
                <p class="ops-counts" data-testid="ops-counts"
                    data-ready=c.ready.to_string() data-desired=c.desired.map(|d| d.to_string()).unwrap_or_default()
                    data-progressing=c.progressing.to_string()>
                    <span>{text}</span>
                    " "
                    <span class=if c.progressing { "badge tone-warning" } else { "badge tone-good" }>
                        {if c.progressing { t().progressing } else { t().settled }}
                    </span>
                </p>
            }
        })
    };
    let step = move |delta: i32| {
        let now = parse_replicas(&replicas.get_untracked()).unwrap_or(0);
        replicas.set((now + delta).max(0).to_string());
    };
    let scale_error = feedback.field("replicas");
    let scale_form = scalable.then(|| {
        view! {
            <form class="ops-scale" novalidate on:submit=move |ev| {
                ev.prevent_default();
                match parse_replicas(&replicas.get_untracked()) {
                    Some(n) => { act.dispatch(Op::Scale(n)); }
                    None => feedback.error.set(Some(model::AppError {
                        kind: model::ErrorKind::Invalid,
                        code: "resource.invalid".into(),
                        message: "Replicas must be a whole number, 0 or more.".into(),
                        fields: vec![model::FieldError { field: "replicas".into(), message: "Replicas must be a whole number, 0 or more.".into() }],
                    })),
                }
            }>
                <label class="ops-label" for="ops-replicas">{move || t().desired}</label>
                <div class="stepper">
                    <button type="button" class="button" aria-label=move || t().fewer data-testid="scale-minus" on:click=move |_| step(-1)>"−"</button>
                    <input id="ops-replicas" class="stepper-input" inputmode="numeric" autocomplete="off" data-testid="scale-input"
                        aria-invalid=move || scale_error.get().is_some().to_string()
                        prop:value=move || replicas.get() on:input=move |ev| replicas.set(event_target_value(&ev))/>
                    <button type="button" class="button" aria-label=move || t().more data-testid="scale-plus" on:click=move |_| step(1)>"+"</button>
                </div>
                <button type="submit" class="button button-primary" data-testid="scale-submit" disabled=move || pending.get()>
                    {move || t().scale}
                </button>
                <p class="field-error" hidden=move || scale_error.get().is_none()>{move || scale_error.get()}</p>
            </form>
        }
    });
    let paused = move || current().and_then(|c| c.paused).unwrap_or(false);
    let pause_button = is_deployment.then(|| view! {
        <button type="button" class="button" data-testid="pause-toggle" data-paused=move || paused().to_string()
            disabled=move || pending.get() on:click=move |_| { act.dispatch(Op::Pause(!paused())); }>
            {move || if paused() { t().resume } else { t().pause }}
        </button>
    });
    let restart = restartable.then(|| view! {
        <button type="button" class="button" data-testid="restart-open" hidden=move || confirming_restart.get()
            disabled=move || pending.get() on:click=move |_| confirming_restart.set(true)>
            {move || t().restart}
        </button>
        <span class="ops-confirm" hidden=move || !confirming_restart.get()>
            <span>{move || t().restart_confirm}</span>
            <button type="button" class="button button-primary" data-testid="restart-confirm"
                on:click=move |_| { confirming_restart.set(false); act.dispatch(Op::Restart); }>
                {move || t().confirm}
            </button>
            <button type="button" class="button button-quiet" on:click=move |_| confirming_restart.set(false)>{move || t().cancel}</button>
        </span>
    });
    let image_error = feedback.field("image");
    let container_error = feedback.field("container");
    let image_rows = move || {
        let init_names: Vec<String> = current()
            .map(|c| {
                c.containers
                    .iter()
                    .filter(|c| c.init)
                    .map(|c| c.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        images
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, (name, image))| {
                let id = format!("ops-image-{i}");
                let init = init_names.contains(&name);
                let label_name = name.clone();
                let submit_name = name.clone();
                view! {
                    <form class="ops-image" novalidate data-testid="image-row" data-container=name.clone() on:submit=move |ev| {
                        ev.prevent_default();
                        let image = images.with_untracked(|all| all.get(i).map(|(_, img)| img.clone())).unwrap_or_default();
                        act.dispatch(Op::Image(ImageChange { container: submit_name.clone(), image }));
                    }>
                        <label class="ops-label" for=id.clone()>
                            {move || (t().image_of)(&label_name)}
                            {init.then(|| view! { " " <span class="badge">{move || t().init}</span> })}
                        </label>
                        <input id=id class="mono" autocomplete="off" spellcheck="false" autocapitalize="off" data-testid="image-input"
                            prop:value=image on:input=move |ev| {
                                let value = event_target_value(&ev);
                                images.update(|all| if let Some(entry) = all.get_mut(i) { entry.1 = value; });
                            }/>
                        <button type="submit" class="button" data-testid="image-submit" disabled=move || pending.get()>{move || t().set_image}</button>
                    </form>
                }
            })
            .collect_view()
    };
    let has_history = matches!(
        object.kind.as_str(),
        "deployments.apps" | "statefulsets.apps" | "daemonsets.apps"
    );
    let history = has_history.then(|| {
        view! { <History cluster=cluster.clone() workload=workload.clone() version=history_version paused=Signal::derive(paused) feedback=feedback/> }
    });

    view! {
        <section class="panel detail-section ops-panel" data-testid="workload-controls" aria-labelledby="ops-title">
            <h2 class="section-title" id="ops-title">{move || t().title}</h2>
            {counts}
            <p class="muted" hidden=move || !paused() data-testid="paused-note">{move || t().paused_note}</p>
            <FeedbackLine feedback=feedback testid="ops"/>
            {scale_form}
            <div class="ops-buttons">{restart}{pause_button}</div>
            <h3 class="subsection-title">{move || t().images}</h3>
            {image_rows}
            <p class="field-error" hidden=move || image_error.get().or(container_error.get()).is_none()>
                {move || image_error.get().or(container_error.get())}
            </p>
        </section>
        {history}
    }
}

#[cfg(test)]
mod tests {
    use super::parse_replicas;

    #[test]
    fn replicas_are_whole_non_negative_numbers() {
        assert_eq!(parse_replicas(" 3 "), Some(3));
        assert_eq!(parse_replicas("0"), Some(0));
        assert_eq!(parse_replicas("-1"), None);
        assert_eq!(parse_replicas("2.5"), None);
        assert_eq!(parse_replicas(""), None);
    }
}
