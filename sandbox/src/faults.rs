//! Fault injection: added latency, dropped watch streams and outages, so the console's retry and
//! reconnect paths can be tested against the sandbox.
//!
//! Set at start-up ([`crate::SandboxConfig::faults`], CLI flags) and changed at run time through
//! `GET|POST /sandbox/faults` (bearer token required) or [`FaultState::set`].

use std::sync::RwLock;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// The faults in force.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    /// Delay added before answering every request.
    pub latency_ms: u64,
    /// Refuse every request (except `/sandbox/faults`) with 503.
    pub outage: bool,
    /// End every watch stream this many seconds after it starts (abruptly, as a dying proxy would).
    pub drop_watches_after_seconds: Option<u64>,
}

impl Faults {
    /// The latency as a duration.
    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms)
    }
}

/// Run-time fault state shared by the server.
#[derive(Debug)]
pub struct FaultState {
    current: RwLock<Faults>,
    drops: watch::Sender<u64>,
}

impl FaultState {
    /// Starts with `faults` in force.
    pub fn new(faults: Faults) -> Self {
        Self {
            current: RwLock::new(faults),
            drops: watch::Sender::new(0),
        }
    }

    /// The faults in force now.
    pub fn get(&self) -> Faults {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Replaces the faults in force.
    pub fn set(&self, faults: Faults) {
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = faults;
    }

    /// Ends every open watch stream now (clients must reconnect, usually with their last resourceVersion).
    pub fn drop_watches(&self) {
        self.drops.send_modify(|n| *n += 1);
    }

    /// Changes whenever [`FaultState::drop_watches`] is called.
    pub fn watch_drops(&self) -> watch::Receiver<u64> {
        self.drops.subscribe()
    }
}
