//! Cluster behaviour: what makes the sandbox a cluster rather than a store. A scheduler binds pods, a
//! simulated kubelet runs them (image pulls, container states, restarts, logs, exec), controllers turn
//! Deployments, Jobs, Services… into the objects they own, and metrics report usage that moves.
//!
//! Everything here talks to the rest of the sandbox only through the object store ([`crate::store::Store`]),
//! exactly as real controllers talk only to the API server: they watch, then write.
//!
//! Entry points:
//! - [`start`]: called once by [`crate::hooks::start_behaviour`]; seeds the scenario, spawns every loop
//!   and returns the [`Hooks`] (`pods/log`, `pods/exec`, `metrics.k8s.io`, `/metrics`).
//! - [`spawn_loops`]: the loops alone, for embedding the behaviour over a store without HTTP.
//! - [`seed::apply`]: seeding alone (the benchmark times it).
//! - [`logs::handler::serve`], [`exec::serve`], [`metrics::api::routes`], [`metrics::prometheus::scrape`].
//!
//! Simulated durations (pulls, back-offs, grace periods) follow [`TIME_SCALE_VAR`].

pub mod controllers;
pub mod event_ttl;
pub mod events;
pub mod exec;
pub mod heartbeat;
pub mod kubelet;
pub mod logs;
pub mod metrics;
pub mod noise;
pub mod object;
pub mod program;
pub mod quantity;
pub mod scheduler;
pub mod seed;
pub mod shell;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::response::Response;
use futures::future::BoxFuture;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::SandboxError;
use crate::hooks::{Hooks, Scenario, SubresourceHandler, SubresourceRequest};
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
        let scale = std::env::var(TIME_SCALE_VAR)
            .ok()
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|s| *s >= 0.0);
        Self {
            timings: kubelet::timings::Timings {
                scale: scale.unwrap_or(1.0),
            },
        }
    }
}

fn spawn_until(
    shutdown: &CancellationToken,
    task: impl Future<Output = ()> + Send + 'static,
) -> JoinHandle<()> {
    let shutdown = shutdown.clone();
    tokio::spawn(async move {
        tokio::select! {
            () = shutdown.cancelled() => {}
            () = task => {}
        }
    })
}

/// Starts the scheduler, the kubelet and every controller; they stop when `shutdown` is cancelled.
pub fn spawn_loops(
    store: &Store,
    config: &BehaviourConfig,
    shutdown: &CancellationToken,
) -> Vec<JoinHandle<()>> {
    use controllers::cronjob::CronJobController;
    use controllers::daemonset::DaemonSetController;
    use controllers::deployment::DeploymentController;
    use controllers::endpoints::EndpointsController;
    use controllers::hpa::HpaController;
    use controllers::job::JobController;
    use controllers::replicaset::ReplicaSetController;
    use controllers::statefulset::StatefulSetController;
    use controllers::volumes::VolumeBinder;
    use controllers::{KeyMapper, Reconciler, run};

    fn controller<R: Reconciler>(
        shutdown: &CancellationToken,
        store: &Store,
        watches: Vec<(crate::store::GroupResource, KeyMapper)>,
        resync: Option<Duration>,
        reconciler: R,
    ) -> JoinHandle<()> {
        spawn_until(shutdown, run(store.clone(), watches, resync, reconciler))
    }

    let s = || store.clone();
    // The HPA sync period (15 s upstream) follows the simulation's time scale, but never below 1 s.
    let hpa_period = config
        .timings
        .scaled(Duration::from_secs(15))
        .max(Duration::from_secs(1));
    let every = |secs| Some(Duration::from_secs(secs));
    vec![
        spawn_until(shutdown, scheduler::Scheduler::new(s()).run()),
        spawn_until(shutdown, kubelet::Kubelet::new(s(), config.timings).run()),
        spawn_until(shutdown, event_ttl::run(s())),
        spawn_until(shutdown, heartbeat::run(s())),
        controller(
            shutdown,
            store,
            DeploymentController::watches(),
            None,
            DeploymentController::new(s()),
        ),
        controller(
            shutdown,
            store,
            ReplicaSetController::watches(),
            None,
            ReplicaSetController::new(s()),
        ),
        controller(
            shutdown,
            store,
            StatefulSetController::watches(),
            None,
            StatefulSetController::new(s()),
        ),
        controller(
            shutdown,
            store,
            VolumeBinder::watches(),
            None,
            VolumeBinder::new(s()),
        ),
        controller(
            shutdown,
            store,
            DaemonSetController::watches(),
            None,
            DaemonSetController::new(s()),
        ),
        controller(
            shutdown,
            store,
            JobController::watches(),
            every(2),
            JobController::new(s()),
        ),
        controller(
            shutdown,
            store,
            CronJobController::watches(),
            every(1),
            CronJobController::new(s()),
        ),
        controller(
            shutdown,
            store,
            EndpointsController::watches(),
            None,
            EndpointsController::new(s()),
        ),
        controller(
            shutdown,
            store,
            HpaController::watches(),
            Some(hpa_period),
            HpaController::new(s()),
        ),
    ]
}

fn hook(handler: fn(SubresourceRequest) -> BoxFuture<'static, Response>) -> SubresourceHandler {
    Arc::new(handler)
}

fn serve_logs(request: SubresourceRequest) -> BoxFuture<'static, Response> {
    let query = request.request.uri().query().unwrap_or_default().to_owned();
    Box::pin(async move {
        logs::handler::serve(
            request.store,
            request.namespace.unwrap_or_default(),
            request.name,
            &query,
        )
        .await
    })
}

fn serve_exec(request: SubresourceRequest) -> BoxFuture<'static, Response> {
    Box::pin(exec::serve(
        request.store,
        request.namespace.unwrap_or_default(),
        request.name,
        request.request,
    ))
}

/// The entry point the sandbox calls at start-up ([`crate::hooks::start_behaviour`]): seeds `scenario`,
/// starts every loop (stopped by `shutdown`) and returns the handlers for `pods/log`, `pods/exec`,
/// `metrics.k8s.io` and `/metrics`.
pub async fn start(
    store: &Store,
    scenario: &Scenario,
    shutdown: CancellationToken,
) -> Result<Hooks, SandboxError> {
    let config = BehaviourConfig::from_env();
    for t in metrics::api::resource_types() {
        store.register(t);
    }
    seed::apply(store, scenario)?;
    spawn_loops(store, &config, &shutdown);
    let mut hooks = Hooks::default();
    hooks.subresource(object::kinds::pods(), "log", hook(serve_logs));
    hooks.subresource(object::kinds::pods(), "exec", hook(serve_exec));
    let scrape_store = store.clone();
    let routes = metrics::api::routes(store.clone()).route(
        "/metrics",
        axum::routing::get(move || metrics::prometheus::scrape(scrape_store.clone())),
    );
    hooks.routes = Some(routes);
    Ok(hooks)
}
