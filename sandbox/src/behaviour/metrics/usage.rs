//! Simulated resource usage: a smooth daily-ish wave plus jitter around a per-container base derived from
//! its requests, as a pure function of (container, time). Nothing is sampled or stored, so `kubectl top`
//! and a Prometheus scrape agree, and 150 000 pods cost nothing between requests.

use std::f64::consts::TAU;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::behaviour::noise::{seed_of, unit};
use crate::behaviour::quantity::{cpu_millis, whole_units};

/// Period of the CPU wave: long enough to look like load, short enough to see move in a demo.
const CPU_PERIOD_SECS: f64 = 600.0;
const MEMORY_PERIOD_SECS: f64 = 3600.0;
const CPU_SWING: f64 = 0.35;

/// One container's usage model.
#[derive(Debug, Clone, Copy)]
pub struct ContainerUsage {
    seed: u64,
    cpu_base_millis: f64,
    memory_base_bytes: f64,
}

fn seconds(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64 / 1000.0
}

impl ContainerUsage {
    /// The model for a container spec (its requests set the scale) of the pod with `pod_uid`.
    pub fn for_container(pod_uid: &str, container: &Value) -> Self {
        let seed = seed_of(pod_uid) ^ seed_of(container["name"].as_str().unwrap_or_default());
        let request = |name: &str| {
            container
                .pointer(&format!("/resources/requests/{name}"))
                .or_else(|| container.pointer(&format!("/resources/limits/{name}")))
                .and_then(Value::as_str)
        };
        let cpu_request = request("cpu").map_or(0, cpu_millis) as f64;
        let memory_request = request("memory").map_or(0, whole_units) as f64;
        let cpu_base_millis = if cpu_request > 0.0 {
            cpu_request * (0.2 + 0.6 * unit(seed, 1))
        } else {
            2.0 + 40.0 * unit(seed, 1)
        };
        let memory_base_bytes = if memory_request > 0.0 {
            memory_request * (0.35 + 0.45 * unit(seed, 2))
        } else {
            (8.0 + 200.0 * unit(seed, 2)) * 1024.0 * 1024.0
        };
        Self {
            seed,
            cpu_base_millis,
            memory_base_bytes,
        }
    }

    fn phase(&self) -> f64 {
        unit(self.seed, 3) * TAU
    }

    /// CPU in millicores at `t`.
    pub fn cpu_millis(&self, t: DateTime<Utc>) -> i64 {
        let s = seconds(t);
        let wave = 1.0 + CPU_SWING * (TAU * s / CPU_PERIOD_SECS + self.phase()).sin();
        let jitter = 0.9 + 0.2 * unit(self.seed ^ 0xC0, (s / 10.0) as u64);
        (self.cpu_base_millis * wave * jitter).max(1.0) as i64
    }

    /// Working-set memory in bytes at `t`.
    pub fn memory_bytes(&self, t: DateTime<Utc>) -> i64 {
        let s = seconds(t);
        let drift = 1.0 + 0.08 * (TAU * s / MEMORY_PERIOD_SECS + self.phase()).sin();
        (self.memory_base_bytes * drift) as i64
    }

    /// CPU seconds used between `started` and `t`: the integral of the wave (without jitter), so the
    /// Prometheus counter only ever grows.
    pub fn cpu_seconds_total(&self, started: DateTime<Utc>, t: DateTime<Utc>) -> f64 {
        let (a, b) = (seconds(started), seconds(t).max(seconds(started)));
        let omega = TAU / CPU_PERIOD_SECS;
        let integral = (b - a)
            - CPU_SWING / omega
                * ((omega * b + self.phase()).cos() - (omega * a + self.phase()).cos());
        self.cpu_base_millis / 1000.0 * integral
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;
    use serde_json::json;

    use super::*;

    #[test]
    fn usage_moves_over_time_but_stays_near_the_request() {
        let c = ContainerUsage::for_container(
            "uid-1",
            &json!({"name": "web", "resources": {"requests": {"cpu": "500m", "memory": "256Mi"}}}),
        );
        let t0 = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_000);
        let samples: Vec<i64> = (0..10)
            .map(|i| c.cpu_millis(t0 + TimeDelta::seconds(i * 60)))
            .collect();
        assert!(
            samples.iter().all(|&m| (1..=700).contains(&m)),
            "{samples:?}"
        );
        assert!(samples.iter().any(|&m| m != samples[0]));
        assert!(c.memory_bytes(t0) < 256 * 1024 * 1024);
    }

    #[test]
    fn the_cpu_counter_never_decreases() {
        let c = ContainerUsage::for_container("uid-2", &json!({"name": "app"}));
        let start = DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_000);
        let mut last = 0.0;
        for i in 0..100 {
            let v = c.cpu_seconds_total(start, start + TimeDelta::seconds(i * 37));
            assert!(v >= last);
            last = v;
        }
    }
}
