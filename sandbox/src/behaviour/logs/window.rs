//! The log buffer of one container run. Lines are a pure function of the run (seed, start, program), so
//! the "ring buffer" is virtual: it holds the newest [`RETAINED_LINES`] lines of the run, and older lines
//! are rotated away exactly as a size-capped kubelet log would be. Nothing is stored per container, which
//! keeps 150 000 simulated pods cheap, and a restart simply starts a new run while the previous run stays
//! readable for `--previous`.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::lines::{banner, steady_line};
use crate::behaviour::noise::unit;
use crate::behaviour::program::{LineStyle, Program};

/// How many lines of a run stay readable, like a kubelet rotating container logs at a size cap.
pub const RETAINED_LINES: u64 = 10_000;

/// One run of a container: from a start until it exits (or until now, if it is still running).
#[derive(Debug, Clone)]
pub struct RunLog {
    pub seed: u64,
    /// Component name printed in application lines (the container name).
    pub component: String,
    pub program: Program,
    pub started: DateTime<Utc>,
    /// When the run ended; `None` while it runs.
    pub finished: Option<DateTime<Utc>>,
}

/// One line with the time it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub at: DateTime<Utc>,
    pub text: String,
}

/// Steady lines start this long after the banner, and follow at a per-container interval.
const STEADY_DELAY: Duration = Duration::from_millis(800);

impl RunLog {
    /// Time between steady lines, in microseconds.
    fn interval_us(&self) -> i64 {
        match &self.program.repeat {
            // A loop's lines are spread evenly over one pass.
            Some(r) => (r.every.as_micros() as i64 / r.lines.len().max(1) as i64).max(1),
            // 0.5 s to 3 s between lines, fixed per container, so some containers are chattier than others.
            None => 500_000 + (unit(self.seed, 0xA11) * 2_500_000.0) as i64,
        }
    }

    /// Whether the run writes nothing after its head.
    fn quiet(&self) -> bool {
        self.program.style == LineStyle::Quiet && self.program.repeat.is_none()
    }

    fn steady_start(&self) -> DateTime<Utc> {
        if self.program.repeat.is_some() {
            return self.started;
        }
        self.started + TimeDelta::from_std(STEADY_DELAY).unwrap_or_default()
    }

    /// The last instant the run wrote at. A container's `finishedAt` keeps whole seconds, so a
    /// run that ended within the second it started still wrote the lines of that second.
    fn end(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.finished
            .map_or(now, |f| (f + TimeDelta::milliseconds(999)).min(now))
    }

    /// Time of steady line `index`: on a regular grid with jitter inside each slot, so it stays ordered.
    fn steady_at(&self, index: u64) -> DateTime<Utc> {
        let interval = self.interval_us();
        // A loop runs like clockwork; a server's lines come when its requests do.
        let jitter = if self.program.repeat.is_some() {
            0
        } else {
            (interval as f64 * 0.8 * unit(self.seed, index)) as i64
        };
        self.steady_start()
            + TimeDelta::microseconds(interval.saturating_mul(index as i64).saturating_add(jitter))
    }

    /// Number of steady lines written by `t`.
    fn steady_count(&self, t: DateTime<Utc>) -> u64 {
        if self.quiet() || t < self.steady_start() {
            return 0;
        }
        let elapsed = (t - self.steady_start())
            .num_microseconds()
            .unwrap_or(i64::MAX);
        let slots = (elapsed / self.interval_us()) as u64;
        // Slot `slots` may or may not have fired yet depending on its jitter.
        if self.steady_at(slots) <= t {
            slots + 1
        } else {
            slots
        }
    }

    /// The head of the run: banner and echoed lines, all written within the first few milliseconds.
    fn head(&self) -> Vec<LogLine> {
        let mut texts = banner(self.program.style, &self.component, self.started);
        texts.extend(
            self.program
                .startup_lines
                .iter()
                .flat_map(|l| l.lines().map(str::to_owned)),
        );
        texts
            .into_iter()
            .enumerate()
            .map(|(i, text)| LogLine {
                at: self.started + TimeDelta::milliseconds(i as i64 * 3),
                text,
            })
            .collect()
    }

    /// The retained lines written up to `now`, oldest first.
    pub fn lines(&self, now: DateTime<Utc>) -> Vec<LogLine> {
        let end = self.end(now);
        let count = self.steady_count(end);
        let first_kept = count.saturating_sub(RETAINED_LINES);
        let mut out: Vec<LogLine> = if first_kept == 0 {
            self.head().into_iter().filter(|l| l.at <= end).collect()
        } else {
            Vec::new()
        };
        out.extend((first_kept..count).map(|i| self.steady(i)));
        out
    }

    /// The newest `n` lines up to `now` without generating the rest (for `tailLines`).
    pub fn tail(&self, now: DateTime<Utc>, n: u64) -> Vec<LogLine> {
        let end = self.end(now);
        let count = self.steady_count(end);
        if count >= n {
            return (count - n..count).map(|i| self.steady(i)).collect();
        }
        let mut out: Vec<LogLine> = self.head().into_iter().filter(|l| l.at <= end).collect();
        out.extend((0..count).map(|i| self.steady(i)));
        let skip = out.len().saturating_sub(n as usize);
        out.split_off(skip)
    }

    /// Lines written in `(after, until]`, for following a live run.
    pub fn between(&self, after: DateTime<Utc>, until: DateTime<Utc>) -> Vec<LogLine> {
        let until = self.end(until);
        let mut out: Vec<LogLine> = self
            .head()
            .into_iter()
            .filter(|l| l.at > after && l.at <= until)
            .collect();
        let from = self.steady_count(after);
        let to = self.steady_count(until);
        out.extend((from..to).map(|i| self.steady(i)));
        out
    }

    /// When the next line after `t` will be written, if the run will write any.
    pub fn next_line_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.quiet() {
            return None;
        }
        let at = self
            .steady_at(self.steady_count(t))
            .max(self.steady_start());
        match self.finished {
            Some(f) if at > f => None,
            _ => Some(at),
        }
    }

    fn steady(&self, index: u64) -> LogLine {
        let at = self.steady_at(index);
        let text = match &self.program.repeat {
            Some(r) => r
                .lines
                .get((index % r.lines.len().max(1) as u64) as usize)
                .cloned()
                .unwrap_or_default(),
            None => steady_line(self.program.style, &self.component, self.seed, index, at),
        };
        LogLine { at, text }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::behaviour::program::program_for;

    fn run(image: &str) -> RunLog {
        RunLog {
            seed: 42,
            component: "web".into(),
            program: program_for(image, &[], &[]),
            started: DateTime::<Utc>::UNIX_EPOCH,
            finished: None,
        }
    }

    #[test]
    fn a_loop_without_sleep_is_a_firehose_and_one_with_sleep_keeps_time() {
        let script = |s: &str| {
            let mut log = run("busybox");
            log.program = program_for("busybox", &["sh".into(), "-c".into(), s.into()], &[]);
            log
        };
        let chatty = script("while true; do echo tick; done");
        let second = chatty.started + TimeDelta::seconds(1);
        assert_eq!(chatty.between(chatty.started, second).len(), 20_000);
        assert!(chatty.lines(second).iter().all(|l| l.text == "tick"));
        let slow = script("while true; do echo one; echo two; sleep 2; done");
        let texts: Vec<String> = slow
            .lines(slow.started + TimeDelta::seconds(4))
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(texts, ["one", "two", "one", "two", "one"]);
    }

    #[test]
    fn a_running_container_keeps_writing_lines() {
        let log = run("nginx");
        let early = log.lines(log.started + TimeDelta::seconds(5)).len();
        let later = log.lines(log.started + TimeDelta::seconds(60)).len();
        assert!(early >= 5 && later > early + 10, "{early} {later}");
        assert_eq!(
            log.lines(log.started + TimeDelta::seconds(60)),
            log.lines(log.started + TimeDelta::seconds(60))
        );
    }

    #[test]
    fn tail_and_between_agree_with_the_full_listing() {
        let log = run("cart");
        let now = log.started + TimeDelta::seconds(120);
        let all = log.lines(now);
        assert_eq!(log.tail(now, 3), all[all.len() - 3..].to_vec());
        let middle = log.started + TimeDelta::seconds(60);
        let before = log.lines(middle).len();
        assert_eq!(log.between(middle, now), all[before..].to_vec());
        assert!(log.next_line_after(now).is_some_and(|t| t > now));
    }

    #[test]
    fn old_lines_rotate_out_of_the_buffer() {
        let log = run("nginx");
        let lines = log.lines(log.started + TimeDelta::days(2));
        assert_eq!(lines.len() as u64, RETAINED_LINES);
    }

    #[test]
    fn a_finished_run_stops_writing() {
        let mut log = run("nginx");
        log.finished = Some(log.started + TimeDelta::seconds(10));
        assert_eq!(
            log.lines(log.started + TimeDelta::seconds(10)),
            log.lines(log.started + TimeDelta::hours(1))
        );
        assert_eq!(
            log.next_line_after(log.started + TimeDelta::seconds(11)),
            None
        );
    }
}
