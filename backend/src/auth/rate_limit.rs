//! Sign-in rate limits, kept in PostgreSQL so every replica sees the same counts.
//!
//! Two sliding windows of 15 minutes: 5 failures for one user name from one address (a success
//! from there resets it), and 20 failures from one address whatever the names (password spraying).
//! Refused attempts are not counted, so waiting always helps.

use chrono::{DateTime, Duration, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;

use crate::db::models::login_attempts::{self, Failures};

/// The sliding window both limits count in.
pub const WINDOW: Duration = Duration::minutes(15);
/// Failures allowed for one user name from one address within [`WINDOW`].
pub const MAX_FAILURES_PER_USER_AND_IP: i64 = 5;
/// Failures allowed from one address within [`WINDOW`].
pub const MAX_FAILURES_PER_IP: i64 = 20;

/// Whether another attempt may be made now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refused; the earliest moment a new attempt will be counted, in seconds from now.
    Limited {
        retry_after_secs: u64,
    },
}

/// Checks both limits for `username` from `ip` at `now`.
pub async fn check(
    conn: &mut AsyncPgConnection,
    username: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> QueryResult<Verdict> {
    let window_start = now - WINDOW;
    let since = login_attempts::last_success(conn, username, ip, window_start)
        .await?
        .map_or(window_start, |success| success.max(window_start));
    let per_user = login_attempts::failures_for_user_and_ip(conn, username, ip, since).await?;
    if let Some(verdict) = limited(per_user, MAX_FAILURES_PER_USER_AND_IP, now) {
        return Ok(verdict);
    }
    let per_ip = login_attempts::failures_for_ip(conn, ip, window_start).await?;
    Ok(limited(per_ip, MAX_FAILURES_PER_IP, now).unwrap_or(Verdict::Allowed))
}

/// `Some(Limited)` when `failures` reached `max`: retry once the oldest leaves the window.
fn limited(failures: Failures, max: i64, now: DateTime<Utc>) -> Option<Verdict> {
    if failures.count < max {
        return None;
    }
    let oldest = failures.oldest.unwrap_or(now);
    let secs = (oldest + WINDOW - now).num_seconds().max(1);
    Some(Verdict::Limited {
        retry_after_secs: u64::try_from(secs).unwrap_or(1),
    })
}

/// Records an attempt that was actually checked against the password.
pub async fn record(
    conn: &mut AsyncPgConnection,
    username: &str,
    ip: &str,
    now: DateTime<Utc>,
    success: bool,
) -> QueryResult<()> {
    let row = login_attempts::NewLoginAttempt {
        username,
        ip,
        at: now,
        success,
    };
    login_attempts::insert(conn, &row).await
}

/// "15 minutes", "40 seconds": for messages.
pub fn describe_wait(secs: u64) -> String {
    match secs {
        0..=1 => "1 second".into(),
        2..=59 => format!("{secs} seconds"),
        60..=119 => "1 minute".into(),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn under_the_limit_is_allowed() {
        let now = Utc::now();
        assert_eq!(
            limited(
                Failures {
                    count: 4,
                    oldest: Some(now)
                },
                5,
                now
            ),
            None
        );
    }

    #[test]
    fn at_the_limit_waits_for_the_oldest_failure_to_leave_the_window() {
        let now = Utc::now();
        let oldest = now - Duration::minutes(10);
        let verdict = limited(
            Failures {
                count: 5,
                oldest: Some(oldest),
            },
            5,
            now,
        );
        assert_eq!(
            verdict,
            Some(Verdict::Limited {
                retry_after_secs: 300
            })
        );
    }

    #[test]
    fn waits_read_naturally() {
        assert_eq!(describe_wait(1), "1 second");
        assert_eq!(describe_wait(40), "40 seconds");
        assert_eq!(describe_wait(61), "1 minute");
        assert_eq!(describe_wait(899), "15 minutes");
    }
}
