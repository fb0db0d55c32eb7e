//! Usage that moves over time ([`usage`]), served as `metrics.k8s.io` ([`api`]) and as Prometheus text
//! ([`prometheus`]).

pub mod api;
pub mod prometheus;
pub mod series;
pub mod usage;
