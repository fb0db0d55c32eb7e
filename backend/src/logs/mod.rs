//! Container logs: one pod's containers, or every pod of a workload merged, read once or
//! followed. Lines always come with the cluster's timestamp, which is how a broken stream resumes
//! without repeating a line ([`cursor`]); a followed container that restarts, waits or is deleted
//! says so and, unless it is gone for good, picks up again by itself ([`follow`]). A merged
//! workload view also picks up pods that start while it is open.
//!
//! Reading logs changes nothing, so it is not audited; every request goes through the cluster's
//! `pods/log` subresource with Capstan's credentials for the cluster.

pub mod ended;
pub(crate) mod follow;
pub mod pods;

use std::collections::HashSet;
use std::time::Duration;

use futures::{Stream, StreamExt};
use kube::api::LogParams;
use model::AppError;
use model::logs::{LogEvent, LogLine, LogOptions, LogSource, SourceState};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use uuid::Uuid;

use self::follow::{Follower, Item};
pub use self::pods::{LogSubject, targets};
use crate::clusters::ClusterRegistry;
use crate::resources::ResourceError;
use crate::resources::objects::target::within;
use model::logs::cursor::RawLine;

/// Lines sent in one message at most.
const MAX_BATCH: usize = 500;
/// How long the first line of a batch waits for company: one message per frame, not per line.
const BATCH_WINDOW: Duration = Duration::from_millis(25);
/// How often a followed workload is looked at for new pods.
const RESCAN: Duration = Duration::from_secs(3);
/// A merged view holds its first lines this long, so that every pod's tail is in before they go
/// out interleaved by time (pods answer one after another).
const WARM_UP: Duration = Duration::from_millis(400);
/// ...unless this many lines are waiting already.
const WARM_UP_LINES: usize = 50_000;

/// Checks `options` before the cluster is asked.
fn check(options: &LogOptions) -> Result<(), ResourceError> {
    let errors = options.validate();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ResourceError::InvalidRequest(errors))
    }
}

/// Streams `subject`'s log to `out` as [`LogEvent`]s until every source has ended (without
/// follow, once the log is read) or `out` is dropped. Failures become one `Error` event.
pub async fn serve(
    registry: ClusterRegistry,
    cluster: Uuid,
    subject: LogSubject,
    options: LogOptions,
    out: mpsc::Sender<LogEvent>,
) {
    if let Err(e) = session(&registry, cluster, &subject, options, &out).await {
        let _ = out
            .send(LogEvent::Error {
                error: AppError::from(e),
            })
            .await;
    }
}

async fn session(
    registry: &ClusterRegistry,
    cluster: Uuid,
    subject: &LogSubject,
    options: LogOptions,
    out: &mpsc::Sender<LogEvent>,
) -> Result<(), ResourceError> {
    check(&options)?;
    let resolved = pods::resolve(registry, cluster, subject).await?;
    let (first, _) = resolved.pods(registry, cluster).await?;
    let (items_tx, mut items_rx) = mpsc::channel::<Item>(1024);
    let mut readers = JoinSet::new();
    let mut started: HashSet<LogSource> = HashSet::new();
    let mut live = 0usize;
    let single = resolved.selector.is_none();
    let mut start = |pod: &k8s_openapi::api::core::v1::Pod,
                     options: &LogOptions,
                     readers: &mut JoinSet<()>|
     -> Result<usize, ResourceError> {
        let choice = pods::choice(pod);
        let containers = match pods::containers_to_read(&choice, options.container.as_deref()) {
            Ok(containers) => containers,
            // A merged view reads the pods that have the container.
            Err(_) if !single => return Ok(0),
            Err(e) => return Err(e),
        };
        let mut added = 0;
        for container in containers {
            let source = LogSource {
                pod: choice.name.clone(),
                container,
            };
            if !started.insert(source.clone()) {
                continue;
            }
            let follower = Follower {
                api: resolved.api.clone(),
                source,
                options: options.clone(),
            };
            readers.spawn(follower.run(items_tx.clone()));
            added += 1;
        }
        Ok(added)
    };
    for pod in &first {
        live += start(pod, &options, &mut readers)?;
    }
    // Pods that start later are read from their beginning.
    let fresh = LogOptions {
        tail_lines: None,
        since_seconds: None,
        since_time: None,
        ..options.clone()
    };
    let rescan = !single && options.follow;
    let mut scan = tokio::time::interval(RESCAN);
    scan.tick().await;
    let mut batch: Vec<LogLine> = Vec::new();
    let flush_at = tokio::time::sleep(BATCH_WINDOW);
    tokio::pin!(flush_at);
    // One source needs no warm-up: its lines are in order already.
    let mut warm_until = (!single).then(|| tokio::time::Instant::now() + WARM_UP);
    if let Some(until) = warm_until {
        flush_at.as_mut().reset(until);
    }
    let mut states: Vec<(LogSource, SourceState)> = Vec::new();
    while live > 0 || rescan {
        if warm_until.is_some_and(|until| {
            tokio::time::Instant::now() >= until || batch.len() >= WARM_UP_LINES
        }) {
            warm_until = None;
            if !flush(out, &mut batch).await {
                return Ok(());
            }
            for (source, state) in states.drain(..) {
                if out.send(LogEvent::Source { source, state }).await.is_err() {
                    return Ok(());
                }
            }
        }
        tokio::select! {
            item = items_rx.recv() => match item {
                Some(Item::Line(line)) => {
                    if let Some(until) = warm_until {
                        flush_at.as_mut().reset(until);
                    } else if batch.is_empty() {
                        flush_at.as_mut().reset(tokio::time::Instant::now() + BATCH_WINDOW);
                    }
                    batch.push(line);
                    if warm_until.is_none() && batch.len() >= MAX_BATCH && !flush(out, &mut batch).await {
                        return Ok(());
                    }
                }
                Some(Item::State(source, state)) if warm_until.is_some() => {
                    // Said after the first lines, which may come from the readers that end here.
                    if matches!(state, SourceState::Ended { .. }) {
                        live = live.saturating_sub(1);
                    }
                    states.push((source, state));
                }
                Some(Item::State(source, state)) => {
                    if !flush(out, &mut batch).await {
                        return Ok(());
                    }
                    if matches!(state, SourceState::Ended { .. }) {
                        live = live.saturating_sub(1);
                    }
                    if out.send(LogEvent::Source { source, state }).await.is_err() {
                        return Ok(());
                    }
                }
                None => break,
            },
            _ = &mut flush_at, if !batch.is_empty() || warm_until.is_some() => {
                if warm_until.is_none() && !flush(out, &mut batch).await {
                    return Ok(());
                }
            }
            _ = scan.tick(), if rescan => {
                // A failed look is tried again at the next tick; the readers carry on.
                if let Ok((now, _)) = resolved.pods(registry, cluster).await {
                    for pod in &now {
                        live += start(pod, &fresh, &mut readers).unwrap_or(0);
                    }
                }
            }
            _ = out.closed() => return Ok(()),
        }
    }
    if !flush(out, &mut batch).await {
        return Ok(());
    }
    for (source, state) in states {
        if out.send(LogEvent::Source { source, state }).await.is_err() {
            return Ok(());
        }
    }
    let _ = out.send(LogEvent::Done).await;
    Ok(())
}

/// Sends the batch (if any) in time order, at most [`MAX_BATCH`] lines a message; false once
/// nobody listens.
async fn flush(out: &mpsc::Sender<LogEvent>, batch: &mut Vec<LogLine>) -> bool {
    // Stamps are RFC 3339 with nanoseconds in UTC, all one width: text order is time order. The
    // sort is stable, so a container's own lines (and untimed ones) keep their order.
    batch.sort_by(|a, b| a.at.cmp(&b.at));
    let mut lines = std::mem::take(batch);
    while !lines.is_empty() {
        let rest = lines.split_off(lines.len().min(MAX_BATCH));
        if out.send(LogEvent::Lines { lines }).await.is_err() {
            return false;
        }
        lines = rest;
    }
    true
}

/// A log as text, for downloads and scripts: the whole log (or what `options` select) of one
/// container as the cluster sends it, streamed; several containers or pods are merged by time,
/// each line led by `[pod/container]`. `follow` is ignored: a download ends.
pub async fn text(
    registry: &ClusterRegistry,
    cluster: Uuid,
    subject: &LogSubject,
    options: LogOptions,
) -> Result<LogText, ResourceError> {
    let options = LogOptions {
        follow: false,
        ..options
    };
    check(&options)?;
    let resolved = pods::resolve(registry, cluster, subject).await?;
    let (found, _) = resolved.pods(registry, cluster).await?;
    let mut sources = Vec::new();
    for pod in &found {
        let choice = pods::choice(pod);
        match pods::containers_to_read(&choice, options.container.as_deref()) {
            Ok(containers) => sources.extend(containers.into_iter().map(|container| LogSource {
                pod: choice.name.clone(),
                container,
            })),
            Err(e) if resolved.selector.is_none() => return Err(e),
            Err(_) => {}
        }
    }
    let params = |source: &LogSource, timestamps: bool| LogParams {
        container: Some(source.container.clone()),
        previous: options.previous,
        tail_lines: options.tail_lines,
        since_seconds: options.since_seconds,
        since_time: options
            .since_time
            .and_then(|t| jiff::Timestamp::from_second(t.timestamp()).ok()),
        timestamps,
        ..LogParams::default()
    };
    if let [source] = sources.as_slice() {
        let opened = within(
            registry,
            cluster,
            resolved
                .api
                .log_stream(&source.pod, &params(source, options.timestamps)),
        )
        .await?;
        let reader = match opened {
            Ok(reader) => reader,
            Err(e) => return Err(refused(&resolved, registry, cluster, &e).await),
        };
        return Ok(LogText::Stream(Box::pin(bytes_of(reader))));
    }
    let mut lines: Vec<(Option<chrono::DateTime<chrono::Utc>>, String)> = Vec::new();
    for source in &sources {
        let read = within(
            registry,
            cluster,
            resolved.api.logs(&source.pod, &params(source, true)),
        )
        .await?;
        let prefix = format!("[{}/{}]", source.pod, source.container);
        match read {
            Ok(text) => lines.extend(text.lines().map(|l| {
                let raw = RawLine::parse(l);
                let shown = match (options.timestamps, raw.stamp()) {
                    (true, Some(stamp)) => format!("{prefix} {stamp} {}\n", raw.text),
                    _ => format!("{prefix} {}\n", raw.text),
                };
                (raw.at, shown)
            })),
            // One container that cannot be read (not started yet) does not spoil the rest.
            Err(e) => lines.push((None, format!("{prefix} ({})\n", follow::refusal(&e)))),
        }
    }
    lines.sort_by_key(|(at, _)| *at);
    Ok(LogText::Whole(lines.into_iter().map(|(_, l)| l).collect()))
}

/// A log as text.
pub enum LogText {
    /// One container's log, as the cluster streams it.
    Stream(std::pin::Pin<Box<dyn Stream<Item = std::io::Result<bytes::Bytes>> + Send>>),
    /// Several containers' logs merged by time.
    Whole(String),
}

fn bytes_of(
    reader: impl futures::AsyncBufRead + Send + 'static,
) -> impl Stream<Item = std::io::Result<bytes::Bytes>> + Send {
    futures::stream::unfold(Box::pin(reader), |mut reader| async move {
        use futures::AsyncBufReadExt;
        let chunk = match reader.fill_buf().await {
            Ok([]) => return None,
            Ok(available) => bytes::Bytes::copy_from_slice(available),
            Err(e) => return Some((Err(e), reader)),
        };
        reader.as_mut().consume(chunk.len());
        Some((Ok(chunk), reader))
    })
    .fuse()
}

async fn refused(
    resolved: &pods::Resolved,
    registry: &ClusterRegistry,
    cluster: Uuid,
    e: &kube::Error,
) -> ResourceError {
    match e {
        // The pod exists (it was just read): a 400 or 404 here is about the container
        // ("is waiting to start", "previous terminated container not found").
        kube::Error::Api(status) if matches!(status.code, 400 | 404) => ResourceError::Rejected {
            code: 400,
            message: status.message.clone(),
        },
        _ => {
            resolved
                .target
                .failure(registry, cluster, "read the log of", e)
                .await
        }
    }
}
