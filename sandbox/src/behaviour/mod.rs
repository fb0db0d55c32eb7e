//! Cluster behaviour: what makes the sandbox a cluster rather than a store. A scheduler binds pods, a
//! simulated kubelet runs them (image pulls, container states, restarts, logs, exec), controllers turn
//! Deployments, Jobs, Services… into the objects they own, and metrics report usage that moves.
//!
//! Everything here talks to the rest of the sandbox only through the object store ([`crate::store::Store`]),
//! exactly as real controllers talk only to the API server: they watch, then write.

pub mod controllers;
pub mod events;
pub mod exec;
pub mod kubelet;
pub mod logs;
pub mod noise;
pub mod object;
pub mod program;
pub mod quantity;
pub mod scheduler;
pub mod seed;
pub mod shell;

use std::future::Future;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::store::Store;

/// Knobs of the simulation.
#[derive(Debug, Clone, Default)]
pub struct BehaviourConfig {
    /// Durations of image pulls, restarts, back-offs and grace periods.
    pub timings: kubelet::timings::Timings,
}

/// Environment variable that speeds the simulation up (tests) or slows it down: `0.1` is ten times faster.
pub const TIME_SCALE_VAR: &str = "CAPSTAN_SANDBOX_TIME_SCALE";

impl BehaviourConfig {
    /// Defaults, with the time scale taken from [`TIME_SCALE_VAR`] when set.
    pub fn from_env() -> Self {
        let scale = std::env::var(TIME_SCALE_VAR).ok().and_then(|v| v.parse::<f64>().ok()).filter(|s| *s >= 0.0);
        Self { timings: kubelet::timings::Timings { scale: scale.unwrap_or(1.0) } }
    }
}

fn spawn_until(shutdown: &CancellationToken, task: impl Future<Output = ()> + Send + 'static) -> JoinHandle<()> {
    let shutdown = shutdown.clone();
    tokio::spawn(async move {
        tokio::select! {
            () = shutdown.cancelled() => {}
            () = task => {}
        }
    })
}

/// Starts the scheduler, the kubelet and every controller; they stop when `shutdown` is cancelled.
pub fn spawn_loops(store: &Store, config: &BehaviourConfig, shutdown: &CancellationToken) -> Vec<JoinHandle<()>> {
    use controllers::{deployment::DeploymentController, replicaset::ReplicaSetController, run};
    vec![
        spawn_until(shutdown, scheduler::Scheduler::new(store.clone()).run()),
        spawn_until(shutdown, kubelet::Kubelet::new(store.clone(), config.timings).run()),
        spawn_until(shutdown, run(store.clone(), DeploymentController::watches(), None, DeploymentController::new(store.clone()))),
        spawn_until(shutdown, run(store.clone(), ReplicaSetController::watches(), None, ReplicaSetController::new(store.clone()))),
    ]
}
