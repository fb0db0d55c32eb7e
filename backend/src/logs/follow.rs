//! One container's log read as a stream of lines and states. With `follow`, the reader outlives
//! the stream: when it closes it looks at the pod to say why (restarted, waiting, deleted,
//! finished) and, unless the container is gone for good, resumes after the last line shown.

use std::pin::{Pin, pin};
use std::time::Duration;

use futures::{AsyncBufRead, AsyncBufReadExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};
use model::logs::{LogLine, LogOptions, LogSource, SourceState};
use tokio::sync::mpsc;

use model::logs::cursor::{Cursor, MAX_LINE, RawLine};

/// The first wait before reopening a stream that broke; it doubles up to [`RETRY_MAX`].
const RETRY_FIRST: Duration = Duration::from_millis(500);
const RETRY_MAX: Duration = Duration::from_secs(10);
/// How often a waiting container is looked at again.
const POLL_WAITING: Duration = Duration::from_secs(2);
/// Bytes read of one line before the rest is dropped (its text is cut at [`MAX_LINE`]).
const READ_LIMIT: usize = MAX_LINE + 128;

/// The reason a log read without following ends normally.
pub(crate) const END_OF_LOG: &str = "End of the log.";

/// What readers send to the session that merges them.
#[derive(Debug)]
pub(crate) enum Item {
    Line(LogLine),
    State(LogSource, SourceState),
}

pub(crate) struct Follower {
    pub api: Api<Pod>,
    pub source: LogSource,
    pub options: LogOptions,
}

/// The container's state as the reader cares about it.
enum Phase {
    Running,
    /// Not running now, but it will (or may) run again.
    Waiting(String),
    /// Finished for good, or the pod is gone.
    Over(String),
}

impl Follower {
    /// Reads until the log ends (or, following, until the container is gone for good), or
    /// until the session stops listening.
    pub async fn run(self, out: mpsc::Sender<Item>) {
        let mut cursor = Cursor::default();
        let mut retry = RETRY_FIRST;
        let mut shown: Option<SourceState> = None;
        loop {
            let params = self.params(&cursor);
            match self.api.log_stream(&self.source.pod, &params).await {
                Ok(reader) => {
                    if !self
                        .announce(&out, &mut shown, SourceState::Streaming)
                        .await
                    {
                        return;
                    }
                    cursor.resume();
                    let before = cursor.resume_from();
                    match self.pump(reader, &mut cursor, &out).await {
                        Pumped::Closed => return,
                        Pumped::Ended | Pumped::Broke if !self.options.follow => {
                            let reason = END_OF_LOG.to_string();
                            self.announce(&out, &mut shown, SourceState::Ended { reason })
                                .await;
                            return;
                        }
                        Pumped::Ended | Pumped::Broke => {}
                    }
                    if cursor.resume_from() != before {
                        retry = RETRY_FIRST;
                    }
                }
                Err(e) if !self.options.follow => {
                    let reason = refusal(&e);
                    self.announce(&out, &mut shown, SourceState::Ended { reason })
                        .await;
                    return;
                }
                Err(_) => {}
            }
            // Following and the stream closed or could not open: why?
            let (state, wait) = match self.phase().await {
                Ok(Phase::Over(reason)) => {
                    self.announce(&out, &mut shown, SourceState::Ended { reason })
                        .await;
                    return;
                }
                Ok(Phase::Waiting(reason)) => (SourceState::Waiting { reason }, POLL_WAITING),
                Ok(Phase::Running) => (
                    SourceState::Reconnecting {
                        reason: "The log stream closed; reading on after the last line shown."
                            .into(),
                    },
                    retry,
                ),
                Err(message) => (SourceState::Reconnecting { reason: message }, retry),
            };
            if !self.announce(&out, &mut shown, state).await {
                return;
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = out.closed() => return,
            }
            retry = (retry * 2).min(RETRY_MAX);
        }
    }

    fn params(&self, cursor: &Cursor) -> LogParams {
        let mut params = LogParams {
            container: Some(self.source.container.clone()),
            follow: self.options.follow,
            previous: self.options.previous,
            timestamps: true,
            ..LogParams::default()
        };
        match cursor.resume_from() {
            // Resuming: from the second of the last line shown (the cursor skips repeats).
            Some(second) => params.since_time = jiff::Timestamp::from_second(second).ok(),
            // Nothing shown yet: the same request again shows only what is new.
            None => {
                params.tail_lines = self.options.tail_lines;
                params.since_seconds = self.options.since_seconds;
                params.since_time = self
                    .options
                    .since_time
                    .and_then(|t| jiff::Timestamp::from_second(t.timestamp()).ok());
            }
        }
        params
    }

    /// Sends `state` unless it is the one shown already; false once nobody listens.
    async fn announce(
        &self,
        out: &mpsc::Sender<Item>,
        shown: &mut Option<SourceState>,
        state: SourceState,
    ) -> bool {
        if shown.as_ref() == Some(&state) {
            return !out.is_closed();
        }
        *shown = Some(state.clone());
        out.send(Item::State(self.source.clone(), state))
            .await
            .is_ok()
    }

    async fn pump(
        &self,
        reader: impl AsyncBufRead,
        cursor: &mut Cursor,
        out: &mpsc::Sender<Item>,
    ) -> Pumped {
        let mut reader = pin!(reader);
        let mut buf = Vec::with_capacity(256);
        loop {
            match next_line(&mut reader, &mut buf).await {
                Ok(false) => return Pumped::Ended,
                Ok(true) => {
                    let raw = RawLine::parse(&String::from_utf8_lossy(&buf));
                    if !cursor.accept(&raw) {
                        continue;
                    }
                    let line = LogLine {
                        pod: self.source.pod.clone(),
                        container: self.source.container.clone(),
                        at: raw.stamp(),
                        text: raw.text,
                    };
                    if out.send(Item::Line(line)).await.is_err() {
                        return Pumped::Closed;
                    }
                }
                Err(_) => return Pumped::Broke,
            }
        }
    }

    /// Where the container stands, from the pod.
    async fn phase(&self) -> Result<Phase, String> {
        let pod = match self.api.get_opt(&self.source.pod).await {
            Ok(Some(pod)) => pod,
            Ok(None) => return Ok(Phase::Over("The pod was deleted.".into())),
            Err(e) => return Err(format!("The cluster cannot be reached: {e}")),
        };
        let status = pod.status.as_ref();
        let finished_pod = status
            .and_then(|s| s.phase.as_deref())
            .is_some_and(|p| p == "Succeeded" || p == "Failed");
        let container = status
            .into_iter()
            .flat_map(|s| {
                s.container_statuses
                    .iter()
                    .flatten()
                    .chain(s.init_container_statuses.iter().flatten())
            })
            .find(|c| c.name == self.source.container);
        let state = container.and_then(|c| c.state.as_ref());
        if state.is_some_and(|s| s.running.is_some()) {
            return Ok(Phase::Running);
        }
        if let Some(done) = state.and_then(|s| s.terminated.as_ref()) {
            let reason = format!(
                "The container exited with code {}{}.",
                done.exit_code,
                done.reason
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            );
            if finished_pod {
                return Ok(Phase::Over(reason));
            }
            return Ok(Phase::Waiting(reason));
        }
        if finished_pod {
            return Ok(Phase::Over("The pod has finished.".into()));
        }
        let mut reason = state
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.reason.clone())
            .unwrap_or_else(|| "ContainerCreating".into());
        if let Some(last) = container
            .and_then(|c| c.last_state.as_ref())
            .and_then(|s| s.terminated.as_ref())
        {
            reason.push_str(&format!("; it last exited with code {}", last.exit_code));
        }
        Ok(Phase::Waiting(format!(
            "The container is not running ({reason}); the log continues when it starts."
        )))
    }
}

enum Pumped {
    /// The cluster closed the stream.
    Ended,
    /// The connection broke.
    Broke,
    /// Nobody listens any more.
    Closed,
}

/// Reads one line (without its newline) into `buf`, keeping at most [`READ_LIMIT`] bytes of it;
/// false at the end of the stream.
async fn next_line<R: AsyncBufRead>(
    reader: &mut Pin<&mut R>,
    buf: &mut Vec<u8>,
) -> std::io::Result<bool> {
    buf.clear();
    let mut any = false;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(any);
        }
        any = true;
        let (chunk, used, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], i + 1, true),
            None => (available, available.len(), false),
        };
        let room = READ_LIMIT.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        reader.as_mut().consume(used);
        if done {
            return Ok(true);
        }
    }
}

/// Why the cluster refused to open a log, in its words.
pub(crate) fn refusal(e: &kube::Error) -> String {
    match e {
        kube::Error::Api(status) => status.message.clone(),
        other => format!("The cluster cannot be reached: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_are_split_and_capped() {
        let long = "x".repeat(READ_LIMIT * 2);
        let text = format!("one\r\ntwo\n{long}\nlast");
        let reader = futures::io::BufReader::with_capacity(7, text.as_bytes());
        let mut reader = pin!(reader);
        let mut buf = Vec::new();
        let mut lines = Vec::new();
        while next_line(&mut reader, &mut buf).await.unwrap_or(false) {
            lines.push(buf.len());
        }
        assert_eq!(lines, [4, 3, READ_LIMIT, 4]);
    }
}
