//! How long simulated things take. Every duration goes through one time scale so tests can run the same
//! lifecycle ten times faster than a demo without changing its shape.

use std::time::Duration;

use crate::behaviour::noise::{seed_of, unit};

/// Durations of the simulated node agent, all multiplied by `scale`.
#[derive(Debug, Clone, Copy)]
pub struct Timings {
    /// 1.0 = realistic; 0.1 = ten times faster (tests).
    pub scale: f64,
}

impl Default for Timings {
    fn default() -> Self {
        Self { scale: 1.0 }
    }
}

impl Timings {
    /// Scales a realistic duration.
    pub fn scaled(&self, realistic: Duration) -> Duration {
        realistic.mul_f64(self.scale.max(0.0))
    }

    /// How long pulling `image` takes the first time on a node: 0.5 s to 2.5 s depending on the image.
    pub fn pull(&self, image: &str) -> Duration {
        self.scaled(Duration::from_millis(
            500 + (unit(seed_of(image), 1) * 2000.0) as u64,
        ))
    }

    /// How long until a missing image is reported as `ErrImagePull`.
    pub fn pull_failure(&self) -> Duration {
        self.scaled(Duration::from_millis(1500))
    }

    /// Creating and starting a container after its image is present.
    pub fn create(&self) -> Duration {
        self.scaled(Duration::from_millis(300))
    }

    /// How long a terminated container shows `Terminated` before the kubelet restarts it or backs off.
    pub fn terminated_display(&self) -> Duration {
        self.scaled(Duration::from_millis(1000))
    }

    /// The kubelet's restart (and image pull) back-off after the `n`-th failure: 10 s doubling to 5 min.
    pub fn backoff(&self, n: u32) -> Duration {
        let secs = 10u64.saturating_mul(1u64 << n.min(5)).min(300);
        self.scaled(Duration::from_secs(secs))
    }

    /// How long a process that honours SIGTERM takes to exit.
    pub fn graceful_exit(&self) -> Duration {
        self.scaled(Duration::from_millis(500))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_five_minutes_and_scales() {
        let t = Timings::default();
        assert_eq!(t.backoff(0), Duration::from_secs(10));
        assert_eq!(t.backoff(1), Duration::from_secs(20));
        assert_eq!(t.backoff(9), Duration::from_secs(300));
        assert_eq!(Timings { scale: 0.1 }.backoff(0), Duration::from_secs(1));
    }
}
