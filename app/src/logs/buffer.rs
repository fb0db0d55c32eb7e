//! The lines a log page holds: at most [`CAP`] (the oldest are dropped and counted), each source's
//! lines deduplicated by its cursor so a resumed stream repeats nothing, and text search.

use std::collections::{HashMap, VecDeque};

use model::logs::LogLine;
use model::logs::cursor::{Cursor, RawLine};

/// Lines kept in the page; a bigger log is downloaded.
pub const CAP: usize = 50_000;
/// Colours a merged view gives its pods, in turn.
pub const PALETTE: usize = 8;

/// One line as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// Increases with every line received: a stable key for the list.
    pub id: u64,
    pub pod: String,
    pub container: String,
    pub at: Option<String>,
    pub text: String,
    /// Index into the palette of the line's pod.
    pub colour: usize,
}

#[derive(Debug, Default)]
pub struct LogBuffer {
    pub lines: VecDeque<Shown>,
    /// Lines dropped from the front to stay within [`CAP`].
    pub dropped: usize,
    next_id: u64,
    cursors: HashMap<(String, String), Cursor>,
    colours: HashMap<String, usize>,
}

impl LogBuffer {
    /// Adds the new lines of a batch; returns how many were new.
    pub fn push(&mut self, batch: Vec<LogLine>) -> usize {
        let mut added = 0;
        for line in batch {
            let raw = RawLine {
                at: line
                    .at
                    .as_deref()
                    .and_then(|a| chrono::DateTime::parse_from_rfc3339(a).ok())
                    .map(|a| a.with_timezone(&chrono::Utc)),
                text: line.text,
            };
            let cursor = self
                .cursors
                .entry((line.pod.clone(), line.container.clone()))
                .or_default();
            if !cursor.accept(&raw) {
                continue;
            }
            let next = self.colours.len() % PALETTE;
            let colour = *self.colours.entry(line.pod.clone()).or_insert(next);
            self.lines.push_back(Shown {
                id: self.next_id,
                pod: line.pod,
                container: line.container,
                at: line.at,
                text: raw.text,
                colour,
            });
            self.next_id += 1;
            added += 1;
        }
        let over = self.lines.len().saturating_sub(CAP);
        if over > 0 {
            self.lines.drain(..over);
            self.dropped += over;
        }
        added
    }

    /// The whole second a new stream should start from so no source misses a line (the
    /// earliest of the sources' last lines), or `None` when nothing timed was shown.
    pub fn resume_from(&self) -> Option<i64> {
        self.cursors.values().filter_map(Cursor::resume_from).min()
    }

    /// Prepares every source to skip what a resumed stream repeats.
    pub fn resume(&mut self) {
        self.cursors.values_mut().for_each(Cursor::resume);
    }

    /// Indexes of lines containing `needle` (case-insensitive), in order.
    pub fn find(&self, needle: &str) -> Vec<usize> {
        let needle = needle.to_lowercase();
        if needle.is_empty() {
            return Vec::new();
        }
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.text.to_lowercase().contains(&needle))
            .map(|(i, _)| i)
            .collect()
    }
}

/// `text` cut into (segment, is a match) around each case-insensitive occurrence of `needle`.
pub fn highlight(text: &str, needle: &str) -> Vec<(String, bool)> {
    if needle.is_empty() {
        return vec![(text.to_string(), false)];
    }
    let lower = text.to_lowercase();
    let wanted = needle.to_lowercase();
    // Lower-casing can change byte lengths (e.g. 'İ'): then the text is shown unmarked.
    if lower.len() != text.len() {
        return vec![(text.to_string(), false)];
    }
    let mut parts = Vec::new();
    let mut from = 0;
    while let Some(i) = lower[from..].find(&wanted) {
        let start = from + i;
        let end = start + wanted.len();
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            break;
        }
        if start > from {
            parts.push((text[from..start].to_string(), false));
        }
        parts.push((text[start..end].to_string(), true));
        from = end;
    }
    if from < text.len() || parts.is_empty() {
        parts.push((text[from..].to_string(), false));
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(pod: &str, at: &str, text: &str) -> LogLine {
        LogLine {
            pod: pod.into(),
            container: "c".into(),
            at: Some(at.into()),
            text: text.into(),
        }
    }

    #[test]
    fn a_resumed_stream_adds_only_new_lines() {
        let mut buffer = LogBuffer::default();
        let first = vec![
            line("a", "2026-11-23T10:00:01.100000000Z", "one"),
            line("b", "2026-11-23T10:00:02.500000000Z", "two"),
        ];
        assert_eq!(buffer.push(first.clone()), 2);
        // The earliest source decides where to resume.
        assert_eq!(buffer.resume_from(), Some(1_795_428_001));
        buffer.resume();
        let mut again = first;
        again.push(line("b", "2026-11-23T10:00:03.000000000Z", "three"));
        assert_eq!(buffer.push(again), 1);
        let texts: Vec<&str> = buffer.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["one", "two", "three"]);
        assert_ne!(buffer.lines[0].colour, buffer.lines[1].colour);
    }

    #[test]
    fn the_buffer_keeps_the_newest_lines() {
        let mut buffer = LogBuffer::default();
        let batch: Vec<LogLine> = (0..CAP + 10)
            .map(|i| LogLine {
                pod: "p".into(),
                container: "c".into(),
                at: None,
                text: format!("line {i}"),
            })
            .collect();
        buffer.push(batch);
        assert_eq!(buffer.lines.len(), CAP);
        assert_eq!(buffer.dropped, 10);
        assert_eq!(buffer.lines[0].text, "line 10");
        assert_eq!(buffer.find("LINE 1000").len(), 11);
    }

    #[test]
    fn matches_are_marked_without_changing_the_text() {
        assert_eq!(
            highlight("GET /Api/x api", "API"),
            vec![
                ("GET /".to_string(), false),
                ("Api".to_string(), true),
                ("/x ".to_string(), false),
                ("api".to_string(), true),
            ]
        );
        assert_eq!(highlight("abc", ""), vec![("abc".to_string(), false)]);
        assert_eq!(highlight("abc", "x"), vec![("abc".to_string(), false)]);
    }
}
