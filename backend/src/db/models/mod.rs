//! Rows and the queries on them. Functions take a connection and return `QueryResult`; the
//! services in `auth` and `audit` decide what the results mean.

pub mod audit_events;
pub mod ended_pod_logs;
pub mod login_attempts;
pub mod sessions;
pub mod users;
