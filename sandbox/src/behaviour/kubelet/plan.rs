//! Turning a pod spec into the plan the timeline replays, and replaying a whole pod: init containers one
//! after another, then the app containers side by side.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use k8s_openapi::api::core::v1::{Container, Pod};

use super::timeline::{ContainerPlan, Pull, Restart, Snapshot, State, replay};
use super::timings::Timings;
use crate::behaviour::program::{image_is_missing, program_for};

/// What the kubelet decided when it picked the pod up.
#[derive(Debug, Clone)]
pub struct PodPlan {
    pub begin: DateTime<Utc>,
    pub restart: Restart,
    pub init: Vec<ContainerPlan>,
    pub main: Vec<ContainerPlan>,
}

/// The state of every container of a pod at one moment.
#[derive(Debug, Clone)]
pub struct PodSnapshot {
    pub init: Vec<Snapshot>,
    pub main: Vec<Snapshot>,
    /// Whether every init container has succeeded.
    pub initialized: bool,
    pub next_change: Option<DateTime<Utc>>,
}

fn container_plan(
    container: &Container,
    node_images: &mut HashSet<String>,
    timings: &Timings,
) -> ContainerPlan {
    let image = container.image.clone().unwrap_or_default();
    let always = container.image_pull_policy.as_deref() == Some("Always");
    let pull = if image_is_missing(&image) {
        Pull::Fails
    } else if !always && node_images.contains(&image) {
        Pull::Present
    } else {
        node_images.insert(image.clone());
        Pull::Takes(timings.pull(&image))
    };
    ContainerPlan {
        name: container.name.clone(),
        program: program_for(
            &image,
            container.command.as_deref().unwrap_or_default(),
            container.args.as_deref().unwrap_or_default(),
        ),
        image,
        pull,
        readiness_delay: container
            .readiness_probe
            .as_ref()
            .map(|p| Duration::from_secs(p.initial_delay_seconds.unwrap_or(0).max(0) as u64)),
    }
}

/// Plans a pod the kubelet picks up at `begin`; images pulled now count as present for later pods.
pub fn plan_pod(
    pod: &Pod,
    begin: DateTime<Utc>,
    node_images: &mut HashSet<String>,
    timings: &Timings,
) -> PodPlan {
    let spec = pod.spec.clone().unwrap_or_default();
    PodPlan {
        begin,
        restart: Restart::parse(spec.restart_policy.as_deref()),
        init: spec
            .init_containers
            .iter()
            .flatten()
            .map(|c| container_plan(c, node_images, timings))
            .collect(),
        main: spec
            .containers
            .iter()
            .map(|c| container_plan(c, node_images, timings))
            .collect(),
    }
}

fn earliest(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Replays the whole pod up to `now`.
pub fn replay_pod(
    plan: &PodPlan,
    pod_name: &str,
    now: DateTime<Utc>,
    timings: &Timings,
) -> PodSnapshot {
    // Init containers restart on failure unless the pod says Never, whatever the pod's own policy.
    let init_restart = if plan.restart == Restart::Never {
        Restart::Never
    } else {
        Restart::OnFailure
    };
    let mut start = plan.begin;
    let mut init = Vec::new();
    let mut next_change = None;
    let mut blocked = false;
    for container in &plan.init {
        if blocked {
            init.push(idle("PodInitializing"));
            continue;
        }
        let snap = replay(container, pod_name, start, now, init_restart, timings);
        next_change = earliest(next_change, snap.next_change);
        match (&snap.state, snap.done) {
            (State::Terminated { finished, .. }, Some(0)) => start = *finished,
            _ => blocked = true,
        }
        init.push(snap);
    }
    let main = if blocked {
        plan.main.iter().map(|_| idle("PodInitializing")).collect()
    } else {
        plan.main
            .iter()
            .map(|c| {
                let snap = replay(c, pod_name, start, now, plan.restart, timings);
                next_change = earliest(next_change, snap.next_change);
                snap
            })
            .collect()
    };
    PodSnapshot {
        init,
        main,
        initialized: !blocked,
        next_change,
    }
}

fn idle(reason: &str) -> Snapshot {
    Snapshot {
        state: State::Waiting {
            reason: reason.into(),
            message: None,
        },
        last: None,
        restart_count: 0,
        ready: false,
        done: None,
        next_change: None,
        events: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    fn pod(json: serde_json::Value) -> Pod {
        serde_json::from_value(json).unwrap_or_default()
    }

    #[test]
    fn init_containers_run_before_the_app_containers() {
        let p = pod(serde_json::json!({"spec": {
            "initContainers": [{"name": "migrate", "image": "busybox", "command": ["sh", "-c", "echo migrated"]}],
            "containers": [{"name": "app", "image": "nginx"}]
        }}));
        let begin = DateTime::<Utc>::UNIX_EPOCH;
        let timings = Timings::default();
        let plan = plan_pod(&p, begin, &mut HashSet::new(), &timings);
        let early = replay_pod(&plan, "p", begin + TimeDelta::milliseconds(100), &timings);
        assert!(!early.initialized);
        assert!(
            matches!(&early.main[0].state, State::Waiting { reason, .. } if reason == "PodInitializing")
        );
        let later = replay_pod(&plan, "p", begin + TimeDelta::seconds(30), &timings);
        assert!(later.initialized && later.main[0].ready);
    }

    #[test]
    fn an_image_pulled_once_is_present_for_the_next_pod() {
        let p = pod(
            serde_json::json!({"spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}),
        );
        let mut images = HashSet::new();
        let timings = Timings::default();
        let first = plan_pod(&p, DateTime::<Utc>::UNIX_EPOCH, &mut images, &timings);
        let second = plan_pod(&p, DateTime::<Utc>::UNIX_EPOCH, &mut images, &timings);
        assert!(matches!(first.main[0].pull, Pull::Takes(_)));
        assert_eq!(second.main[0].pull, Pull::Present);
    }
}
