//! Where a log stream stands, so that a stream that broke resumes after the last line shown.
//!
//! The cluster resumes from a whole second (`sinceTime` has second precision), so the resumed
//! stream starts with lines already shown: those older than the last line's time are dropped, and
//! of those written in the same instant as the last line, as many as were shown before.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};

/// The longest line passed on; longer ones are cut (a single 10 MB line would stall a browser).
pub const MAX_LINE: usize = 16 * 1024;

/// One line as the cluster sent it with `timestamps=true`: `2026-11-23T10:00:00.123456789Z text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLine {
    pub at: Option<DateTime<Utc>>,
    pub text: String,
}

impl RawLine {
    pub fn parse(line: &str) -> RawLine {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let parsed = line.split_once(' ').and_then(|(stamp, rest)| {
            DateTime::parse_from_rfc3339(stamp)
                .ok()
                .map(|at| (at.with_timezone(&Utc), rest))
        });
        let (at, text) = match parsed {
            Some((at, rest)) => (Some(at), rest),
            // A final line without a newline can arrive without its text; a line without a
            // time (a cluster that ignores `timestamps`) is passed on as it is.
            None => match DateTime::parse_from_rfc3339(line) {
                Ok(at) => (Some(at.with_timezone(&Utc)), ""),
                Err(_) => (None, line),
            },
        };
        RawLine {
            at,
            text: cut(text),
        }
    }

    /// The time as RFC 3339 with nanoseconds, as the cluster wrote it.
    pub fn stamp(&self) -> Option<String> {
        self.at
            .map(|at| at.to_rfc3339_opts(SecondsFormat::Nanos, true))
    }
}

fn cut(text: &str) -> String {
    if text.len() <= MAX_LINE {
        return text.to_string();
    }
    let mut end = MAX_LINE;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// The position of one container's stream.
#[derive(Debug, Default)]
pub struct Cursor {
    /// The newest time shown, and how many lines of each text were shown at exactly that time.
    last: Option<(DateTime<Utc>, HashMap<String, u32>)>,
    /// While resuming: the lines at the last time still to skip.
    replay: Option<(DateTime<Utc>, HashMap<String, u32>)>,
}

impl Cursor {
    /// Whether any timed line was shown (a resume can start after it).
    pub fn is_placed(&self) -> bool {
        self.last.is_some()
    }

    /// The whole second to ask the cluster to resume from.
    pub fn resume_from(&self) -> Option<i64> {
        self.last.as_ref().map(|(at, _)| at.timestamp())
    }

    /// Starts skipping what a resumed stream repeats.
    pub fn resume(&mut self) {
        self.replay = self.last.clone();
    }

    /// Whether `line` is new (and records it).
    pub fn accept(&mut self, line: &RawLine) -> bool {
        let Some(at) = line.at else {
            return true;
        };
        if let Some((last, seen)) = &mut self.replay {
            if at < *last {
                return false;
            }
            if at == *last {
                if let Some(n) = seen.get_mut(&line.text).filter(|n| **n > 0) {
                    *n -= 1;
                    return false;
                }
            } else {
                self.replay = None;
            }
        }
        match &mut self.last {
            Some((last, seen)) if *last == at => {
                *seen.entry(line.text.clone()).or_default() += 1;
            }
            _ => self.last = Some((at, HashMap::from([(line.text.clone(), 1)]))),
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(stamp: &str, text: &str) -> RawLine {
        RawLine::parse(&format!("{stamp} {text}"))
    }

    #[test]
    fn lines_split_into_time_and_text() {
        let l = RawLine::parse("2026-11-23T10:00:00.123456789Z GET / 200\r");
        assert_eq!(l.text, "GET / 200");
        assert_eq!(l.stamp().as_deref(), Some("2026-11-23T10:00:00.123456789Z"));
        let plain = RawLine::parse("no time here");
        assert_eq!((plain.at, plain.text.as_str()), (None, "no time here"));
        let empty = RawLine::parse("2026-11-23T10:00:00Z");
        assert_eq!((empty.at.is_some(), empty.text.as_str()), (true, ""));
    }

    #[test]
    fn huge_lines_are_cut_on_a_character_boundary() {
        let l = RawLine::parse(&"é".repeat(MAX_LINE));
        assert!(l.text.len() <= MAX_LINE + '…'.len_utf8());
        assert!(l.text.ends_with('…'));
    }

    #[test]
    fn a_resumed_stream_skips_exactly_what_was_shown() {
        let mut cursor = Cursor::default();
        let shown = [
            line("2026-11-23T10:00:00.5Z", "a"),
            line("2026-11-23T10:00:01.2Z", "b"),
            line("2026-11-23T10:00:01.7Z", "c"),
            line("2026-11-23T10:00:01.7Z", "c"),
        ];
        assert!(shown.iter().all(|l| cursor.accept(l)));
        assert_eq!(cursor.resume_from(), Some(1_795_428_001));
        cursor.resume();
        // The cluster repeats from 10:00:01; one of the two "c" lines at 01.7 is new.
        let replayed = [
            line("2026-11-23T10:00:01.2Z", "b"),
            line("2026-11-23T10:00:01.7Z", "c"),
            line("2026-11-23T10:00:01.7Z", "c"),
            line("2026-11-23T10:00:01.7Z", "c"),
            line("2026-11-23T10:00:02.0Z", "d"),
            line("2026-11-23T10:00:01.9Z", "late but new"),
        ];
        let kept: Vec<&str> = replayed
            .iter()
            .filter(|l| cursor.accept(l))
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(kept, ["c", "d", "late but new"]);
    }

    #[test]
    fn a_cursor_without_lines_has_nothing_to_resume_from() {
        let mut cursor = Cursor::default();
        assert!(!cursor.is_placed());
        assert!(cursor.accept(&RawLine::parse("untimed")));
        assert_eq!(cursor.resume_from(), None);
    }
}
