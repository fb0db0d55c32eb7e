//! CronJob schedules: the standard 5-field syntax (and `@hourly`-style aliases) through `croner`, which
//! accepts Kubernetes' schedules, including `0` for Sunday.

use chrono::{DateTime, Utc};
use croner::Cron;

/// A parsed schedule.
pub struct Schedule(Cron);

impl Schedule {
    /// Parses a schedule; the error text is what the CronJob's event shows.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        // `CRON_TZ=`/`TZ=` prefixes select a time zone; the sandbox runs in UTC and ignores them.
        let pattern = match trimmed.split_once(' ') {
            Some((prefix, rest)) if prefix.starts_with("TZ=") || prefix.starts_with("CRON_TZ=") => {
                rest
            }
            _ => trimmed,
        };
        pattern
            .parse::<Cron>()
            .map(Schedule)
            .map_err(|e| format!("unparseable schedule {text:?}: {e}"))
    }

    /// The latest scheduled time in `(after, now]`, if the schedule fired in that window.
    pub fn due(&self, after: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let latest = self.0.find_previous_occurrence(&now, true).ok()?;
        (latest > after).then_some(latest)
    }

    /// The next scheduled time after `now`.
    pub fn next(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.0.find_next_occurrence(&now, false).ok()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_nightly_schedule_fires_once_per_day() {
        let schedule = Schedule::parse("0 2 * * *").map_err(|e| e.to_string());
        let Ok(schedule) = schedule else {
            panic!("schedule should parse")
        };
        let day = |h, m| {
            Utc.with_ymd_and_hms(2026, 11, 23, h, m, 0)
                .single()
                .unwrap_or_default()
        };
        assert_eq!(schedule.due(day(1, 0), day(3, 0)), Some(day(2, 0)));
        assert_eq!(schedule.due(day(2, 0), day(3, 0)), None);
        assert_eq!(
            schedule
                .next(day(3, 0))
                .map(|t| t.format("%d %H:%M").to_string()),
            Some("24 02:00".into())
        );
    }

    #[test]
    fn every_minute_and_aliases_parse_and_garbage_does_not() {
        assert!(Schedule::parse("*/1 * * * *").is_ok());
        assert!(Schedule::parse("@hourly").is_ok());
        assert!(Schedule::parse("0 0 * * 0").is_ok());
        assert!(Schedule::parse("not a schedule").is_err());
    }
}
