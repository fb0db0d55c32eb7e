//! The log viewer's parts that are not the page: the line buffer, the server function that
//! lists pods and containers, and the browser side of the log WebSocket.

pub mod api;
pub mod buffer;
#[cfg(feature = "hydrate")]
pub mod socket;

/// Where a log socket stands, as the page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketState {
    Connecting,
    Open,
    Reconnecting {
        seconds: u32,
    },
    /// Every source has ended or the server refused: nothing more comes.
    Finished,
}

pub use model::logs::route_kind;

/// The log page of an object, when its kind has logs.
pub fn page_href(cluster: &str, kind_key: &str, namespace: &str, name: &str) -> Option<String> {
    route_kind(kind_key).map(|kind| format!("/clusters/{cluster}/logs/{kind}/{namespace}/{name}"))
}

/// A log query resuming a stream: the query with `tail_lines`, `since_seconds` and `since_time` replaced by `since_time=second`.
pub fn resume_query(query: &str, second: i64) -> String {
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|p| {
            !p.is_empty()
                && !["tail_lines=", "since_seconds=", "since_time="]
                    .iter()
                    .any(|k| p.starts_with(k))
        })
        .map(str::to_string)
        .collect();
    if let Some(at) = chrono::DateTime::from_timestamp(second, 0) {
        parts.push(format!(
            "since_time={}",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ));
    }
    parts.join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resume_starts_from_the_last_second_shown() {
        assert_eq!(
            resume_query("follow=true&tail_lines=100&container=web", 1_795_428_001),
            "follow=true&container=web&since_time=2026-11-23T10:00:01Z"
        );
    }
}
