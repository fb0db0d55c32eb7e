//! The life of a simulated container as a pure function of time: from the moment the kubelet picks the
//! pod up, image pull, creation, runs, exits, restarts with back-off. Given a plan and "now" it yields the
//! current state, the events that happened so far and when the next change is due, so the kubelet only
//! wakes up for pods whose state is about to change.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::timings::Timings;
use crate::behaviour::program::{Program, RunLength};

/// Whether and how the image gets onto the node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pull {
    /// Already on the node (`Container image "x" already present on machine`).
    Present,
    /// Downloaded in the given time.
    Takes(Duration),
    /// The image does not exist: ErrImagePull / ImagePullBackOff forever.
    Fails,
}

/// The pod's restart policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restart {
    Always,
    OnFailure,
    Never,
}

impl Restart {
    pub fn parse(policy: Option<&str>) -> Self {
        match policy {
            Some("Never") => Restart::Never,
            Some("OnFailure") => Restart::OnFailure,
            _ => Restart::Always,
        }
    }

    fn restarts_after(self, code: i32) -> bool {
        match self {
            Restart::Always => true,
            Restart::OnFailure => code != 0,
            Restart::Never => false,
        }
    }
}

/// Everything needed to replay one container.
#[derive(Debug, Clone)]
pub struct ContainerPlan {
    pub name: String,
    pub image: String,
    pub program: Program,
    pub pull: Pull,
    /// `readinessProbe.initialDelaySeconds`, if the container has a readiness probe.
    pub readiness_delay: Option<Duration>,
}

/// A container state as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Waiting {
        reason: String,
        message: Option<String>,
    },
    Running {
        started: DateTime<Utc>,
    },
    Terminated {
        exit_code: i32,
        reason: String,
        started: DateTime<Utc>,
        finished: DateTime<Utc>,
    },
}

/// One finished run, kept for `lastState` and for `--previous` logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedRun {
    pub exit_code: i32,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
}

impl FinishedRun {
    pub fn as_state(&self) -> State {
        State::Terminated {
            exit_code: self.exit_code,
            reason: if self.exit_code == 0 {
                "Completed".into()
            } else {
                "Error".into()
            },
            started: self.started,
            finished: self.finished,
        }
    }
}

/// An Event the kubelet reports for a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerEvent {
    pub at: DateTime<Utc>,
    pub reason: &'static str,
    pub message: String,
    pub warning: bool,
}

/// The state of one container at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub state: State,
    pub last: Option<FinishedRun>,
    pub restart_count: i32,
    pub ready: bool,
    /// Set once the container will never run again (terminated and not restarted).
    pub done: Option<i32>,
    /// When this container's state next changes, if it will.
    pub next_change: Option<DateTime<Utc>>,
    pub events: Vec<ContainerEvent>,
}

fn td(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

fn waiting(reason: &str, message: Option<String>) -> State {
    State::Waiting {
        reason: reason.into(),
        message,
    }
}

/// Replays `plan` from `begin` (when the container may start) up to `now`. `restart` is the pod's policy
/// (init containers pass `OnFailure` when the pod says `Always`, as Kubernetes does).
pub fn replay(
    plan: &ContainerPlan,
    pod: &str,
    begin: DateTime<Utc>,
    now: DateTime<Utc>,
    restart: Restart,
    timings: &Timings,
) -> Snapshot {
    let mut snap = Snapshot {
        state: waiting("ContainerCreating", None),
        last: None,
        restart_count: 0,
        ready: false,
        done: None,
        next_change: None,
        events: Vec::new(),
    };
    let event = |snap: &mut Snapshot,
                 at: DateTime<Utc>,
                 reason: &'static str,
                 message: String,
                 warning: bool| {
        if at <= now {
            snap.events.push(ContainerEvent {
                at,
                reason,
                message,
                warning,
            });
        }
    };
    // Each step: if the step happens after now, remember it as the next change and stop.
    macro_rules! at {
        ($t:expr) => {
            if $t > now {
                snap.next_change = Some($t);
                return snap;
            }
        };
    }
    if now < begin {
        snap.state = waiting("PodInitializing", None);
        snap.next_change = Some(begin);
        return snap;
    }
    let image = &plan.image;
    let mut t = begin;
    match plan.pull {
        Pull::Present => event(
            &mut snap,
            t,
            "Pulled",
            format!("Container image \"{image}\" already present on machine"),
            false,
        ),
        Pull::Takes(d) => {
            event(
                &mut snap,
                t,
                "Pulling",
                format!("Pulling image \"{image}\""),
                false,
            );
            t += td(d);
            at!(t);
            event(
                &mut snap,
                t,
                "Pulled",
                format!(
                    "Successfully pulled image \"{image}\" in {:.3}s ({:.3}s including waiting). Image size: 72099501 bytes.",
                    d.as_secs_f64(),
                    d.as_secs_f64()
                ),
                false,
            );
        }
        Pull::Fails => {
            let mut attempt = 0u32;
            loop {
                event(
                    &mut snap,
                    t,
                    "Pulling",
                    format!("Pulling image \"{image}\""),
                    false,
                );
                t += td(timings.pull_failure());
                at!(t);
                let why = format!(
                    "Failed to pull image \"{image}\": rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": {image}: not found"
                );
                event(&mut snap, t, "Failed", why.clone(), true);
                event(&mut snap, t, "Failed", "Error: ErrImagePull".into(), true);
                snap.state = waiting("ErrImagePull", Some(why));
                t += td(timings.terminated_display());
                at!(t);
                event(
                    &mut snap,
                    t,
                    "BackOff",
                    format!("Back-off pulling image \"{image}\""),
                    false,
                );
                event(
                    &mut snap,
                    t,
                    "Failed",
                    "Error: ImagePullBackOff".into(),
                    true,
                );
                snap.state = waiting(
                    "ImagePullBackOff",
                    Some(format!("Back-off pulling image \"{image}\"")),
                );
                t += td(timings.backoff(attempt));
                attempt += 1;
                at!(t);
            }
        }
    }
    let name = &plan.name;
    loop {
        t += td(timings.create());
        at!(t);
        let started = t;
        event(
            &mut snap,
            t,
            "Created",
            format!("Created container: {name}"),
            false,
        );
        event(
            &mut snap,
            t,
            "Started",
            format!("Started container {name}"),
            false,
        );
        snap.state = State::Running { started };
        snap.ready = false;
        let ready_at = started
            + td(plan
                .readiness_delay
                .map(|d| timings.scaled(d))
                .unwrap_or_default());
        let RunLength::Exits { after, code } = plan.program.run else {
            if ready_at > now {
                snap.next_change = Some(ready_at);
            } else {
                snap.ready = true;
            }
            return snap;
        };
        let finished = started + td(timings.scaled(after)).max(TimeDelta::milliseconds(50));
        if ready_at < finished {
            at!(ready_at);
            snap.ready = true;
        }
        at!(finished);
        snap.ready = false;
        let run = FinishedRun {
            exit_code: code,
            started,
            finished,
        };
        snap.state = run.as_state();
        if !restart.restarts_after(code) {
            snap.done = Some(code);
            return snap;
        }
        // Shown as Terminated for a moment, then restarted at once the first time and after a back-off
        // from the second failure on, which is what `kubectl get pods -w` shows on a real cluster.
        t = finished + td(timings.terminated_display());
        at!(t);
        let failures = snap.restart_count;
        snap.last = Some(run);
        if failures > 0 {
            let wait = timings.backoff((failures - 1) as u32);
            event(
                &mut snap,
                t,
                "BackOff",
                format!("Back-off restarting failed container {name} in pod {pod}"),
                true,
            );
            snap.state = waiting(
                "CrashLoopBackOff",
                Some(format!(
                    "back-off {}s restarting failed container={name} pod={pod}",
                    wait.as_secs().max(1)
                )),
            );
            t += td(wait);
            at!(t);
        }
        snap.restart_count += 1;
        event(
            &mut snap,
            t,
            "Pulled",
            format!("Container image \"{image}\" already present on machine"),
            false,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::program::program_for;

    fn plan(image: &str, command: &[&str], pull: Pull) -> ContainerPlan {
        let command: Vec<String> = command.iter().map(|s| (*s).to_owned()).collect();
        ContainerPlan {
            name: "main".into(),
            image: image.into(),
            program: program_for(image, &command, &[]),
            pull,
            readiness_delay: None,
        }
    }

    fn at(secs: f64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + TimeDelta::milliseconds((secs * 1000.0) as i64)
    }

    const T: Timings = Timings { scale: 1.0 };

    #[test]
    fn a_server_pulls_then_runs_and_becomes_ready() {
        let p = plan("nginx", &[], Pull::Takes(Duration::from_secs(2)));
        let pulling = replay(&p, "web", at(0.0), at(1.0), Restart::Always, &T);
        assert_eq!(pulling.state, waiting("ContainerCreating", None));
        assert_eq!(pulling.next_change, Some(at(2.0)));
        let running = replay(&p, "web", at(0.0), at(5.0), Restart::Always, &T);
        assert!(matches!(running.state, State::Running { .. }) && running.ready);
        assert_eq!(running.next_change, None);
        let reasons: Vec<&str> = running.events.iter().map(|e| e.reason).collect();
        assert_eq!(reasons, vec!["Pulling", "Pulled", "Created", "Started"]);
    }

    #[test]
    fn a_missing_image_alternates_err_image_pull_and_back_off() {
        let p = plan("nginx:missing", &[], Pull::Fails);
        let first = replay(&p, "web", at(0.0), at(2.0), Restart::Always, &T);
        assert!(matches!(&first.state, State::Waiting { reason, .. } if reason == "ErrImagePull"));
        let later = replay(&p, "web", at(0.0), at(5.0), Restart::Always, &T);
        assert!(
            matches!(&later.state, State::Waiting { reason, .. } if reason == "ImagePullBackOff")
        );
    }

    #[test]
    fn a_crashing_container_restarts_with_growing_back_off() {
        let p = plan("busybox", &["sh", "-c", "exit 1"], Pull::Present);
        let snap = replay(&p, "crash", at(0.0), at(60.0), Restart::Always, &T);
        assert!(snap.restart_count >= 2, "{snap:?}");
        assert_eq!(snap.last.as_ref().map(|r| r.exit_code), Some(1));
        assert!(
            matches!(&snap.state, State::Waiting { reason, .. } if reason == "CrashLoopBackOff")
                || matches!(snap.state, State::Running { .. })
        );
        assert!(snap.next_change.is_some());
    }

    #[test]
    fn a_job_container_completes_once_without_restart() {
        let p = plan("busybox", &["sh", "-c", "echo done"], Pull::Present);
        let snap = replay(&p, "job", at(0.0), at(30.0), Restart::Never, &T);
        assert_eq!(snap.done, Some(0));
        assert!(
            matches!(&snap.state, State::Terminated { reason, exit_code: 0, .. } if reason == "Completed")
        );
        assert_eq!(snap.next_change, None);
    }
}
