//! Who is on the other end of a request, as far as the services need to know.

use std::net::IpAddr;

/// The caller's address and request, for rate limits, sessions and the audit log.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    /// The peer address (or the one a trusted proxy reported); `None` when unknown.
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    /// The `x-request-id` of the request, so audit rows can be matched with log lines.
    pub request_id: Option<String>,
}

impl ClientInfo {
    /// The address as stored in the database; unknown callers share one rate-limit bucket.
    pub fn ip_text(&self) -> String {
        self.ip
            .map_or_else(|| "unknown".to_string(), |ip| ip.to_string())
    }
}
