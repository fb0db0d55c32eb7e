//! `GET /api/v1/namespaces/{ns}/pods/{name}/log`: the text of a container's log with the kubelet's
//! options (`container`, `previous`, `timestamps`, `tailLines`, `sinceSeconds`, `sinceTime`,
//! `limitBytes`), and with `follow=true` a stream that stays open until the container stops, the pod
//! goes away or the client leaves (dropping the body stops the loop).

use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use futures::stream;

use super::source::{container_name, run_for};
use super::window::{LogLine, RunLog};
use crate::SandboxError;
use crate::behaviour::object::{self, kinds, parse_time};
use crate::store::Store;

/// The query parameters of a log request.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    pub container: Option<String>,
    pub follow: bool,
    pub previous: bool,
    pub timestamps: bool,
    pub tail_lines: Option<u64>,
    pub since: Option<DateTime<Utc>>,
    pub limit_bytes: Option<usize>,
}

fn flag(value: &str) -> bool {
    matches!(value, "true" | "1" | "True" | "")
}

impl LogQuery {
    /// Parses a raw query string; malformed numbers are a 400, as on the API server.
    pub fn parse(query: &str) -> Result<Self, SandboxError> {
        let mut q = LogQuery::default();
        let number = |key: &str, value: &str| {
            value.parse::<i64>().map_err(|_| {
                SandboxError::BadRequest(format!("invalid value for {key}: {value:?}"))
            })
        };
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "container" => q.container = Some(value.into_owned()),
                "follow" => q.follow = flag(&value),
                "previous" => q.previous = flag(&value),
                "timestamps" => q.timestamps = flag(&value),
                "tailLines" => q.tail_lines = Some(number("tailLines", &value)?.max(0) as u64),
                "sinceSeconds" => {
                    q.since = Some(
                        Utc::now() - TimeDelta::seconds(number("sinceSeconds", &value)?.max(0)),
                    )
                }
                "sinceTime" => {
                    q.since = Some(parse_time(&value).ok_or_else(|| {
                        SandboxError::BadRequest(format!("invalid sinceTime: {value}"))
                    })?)
                }
                "limitBytes" => q.limit_bytes = Some(number("limitBytes", &value)?.max(1) as usize),
                _ => {}
            }
        }
        Ok(q)
    }
}

fn render(lines: &[LogLine], timestamps: bool) -> String {
    let mut out = String::new();
    for line in lines {
        if timestamps {
            out.push_str(&line.at.to_rfc3339_opts(SecondsFormat::Nanos, true));
            out.push(' ');
        }
        out.push_str(&line.text);
        out.push('\n');
    }
    out
}

/// Cuts `text` to at most `limit` bytes on a character boundary.
fn cut(text: &mut String, limit: &mut Option<usize>) {
    if let Some(left) = limit {
        let mut end = text.len().min(*left);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        *left -= end;
    }
}

/// The first chunk: what the buffer holds, filtered by `since` and `tailLines`.
fn initial(run: &RunLog, query: &LogQuery, now: DateTime<Utc>) -> Vec<LogLine> {
    let mut lines = match query.tail_lines {
        Some(n) if query.since.is_none() => run.tail(now, n),
        _ => run.lines(now),
    };
    if let Some(since) = query.since {
        lines.retain(|l| l.at >= since);
    }
    if let Some(n) = query.tail_lines {
        let skip = lines.len().saturating_sub(n as usize);
        lines.drain(..skip);
    }
    lines
}

fn text_response(body: Body) -> Response {
    let mut response = Response::new(body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain"),
    );
    response
}

/// A Status response for an error, the way every other API error is answered.
pub fn error_response(error: SandboxError) -> Response {
    let code = StatusCode::from_u16(error.code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (code, axum::Json(error.to_status())).into_response()
}

/// Serves a log request for pod `name` in `namespace`.
pub async fn serve(store: Store, namespace: String, name: String, query: &str) -> Response {
    match respond(store, namespace, name, query) {
        Ok(response) => response,
        Err(error) => error_response(error),
    }
}

fn respond(
    store: Store,
    namespace: String,
    name: String,
    query: &str,
) -> Result<Response, SandboxError> {
    let query = LogQuery::parse(query)?;
    let pod = store.get(&kinds::pods(), Some(&namespace), &name)?;
    let container = container_name(&pod, query.container.as_deref())?;
    let run = run_for(&pod, &container, query.previous)?;
    let now = Utc::now();
    let mut first = render(&initial(&run, &query, now), query.timestamps);
    let mut limit = query.limit_bytes;
    cut(&mut first, &mut limit);
    if !query.follow || query.previous || run.finished.is_some() || limit == Some(0) {
        return Ok(text_response(Body::from(first)));
    }
    let follow = Follow {
        store,
        namespace,
        name,
        container,
        uid: object::uid(&pod).to_owned(),
        run,
        cursor: now,
        limit,
        timestamps: query.timestamps,
        done: false,
    };
    let head = stream::once(async move { Ok::<Bytes, std::io::Error>(Bytes::from(first)) });
    let tail = stream::unfold(follow, |mut f| async move {
        let chunk = f.next_chunk().await?;
        Some((Ok::<Bytes, std::io::Error>(Bytes::from(chunk)), f))
    });
    Ok(text_response(Body::from_stream(futures::StreamExt::chain(
        head, tail,
    ))))
}

/// State of a followed log.
struct Follow {
    store: Store,
    namespace: String,
    name: String,
    container: String,
    uid: String,
    run: RunLog,
    cursor: DateTime<Utc>,
    limit: Option<usize>,
    timestamps: bool,
    done: bool,
}

/// How often a followed log checks whether its container stopped, when no line is due sooner.
const RECHECK: Duration = Duration::from_millis(500);

impl Follow {
    /// Waits for the next lines; `None` ends the stream.
    async fn next_chunk(&mut self) -> Option<String> {
        loop {
            if self.done {
                return None;
            }
            let now = Utc::now();
            let wait = self.run.next_line_after(self.cursor).map_or(RECHECK, |at| {
                (at - now).to_std().unwrap_or_default().min(RECHECK)
            });
            tokio::time::sleep(wait).await;
            let now = Utc::now();
            match self
                .store
                .get(&kinds::pods(), Some(&self.namespace), &self.name)
            {
                Ok(pod) if object::uid(&pod) == self.uid && !object::is_deleting(&pod) => {
                    if let Ok(current) = run_for(&pod, &self.container, false)
                        && (current.started != self.run.started || current.finished.is_some())
                    {
                        // The container stopped (and may have restarted): this run's stream ends.
                        self.run.finished = Some(
                            current
                                .finished
                                .filter(|_| current.started == self.run.started)
                                .unwrap_or(now),
                        );
                        self.done = true;
                    }
                }
                _ => {
                    self.run.finished = Some(now);
                    self.done = true;
                }
            }
            let lines = self.run.between(self.cursor, now);
            self.cursor = now;
            if lines.is_empty() {
                continue;
            }
            let mut text = render(&lines, self.timestamps);
            cut(&mut text, &mut self.limit);
            if self.limit == Some(0) {
                self.done = true;
            }
            return Some(text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_flags_and_numbers_parse() {
        let q =
            LogQuery::parse("container=web&follow=true&tailLines=10&timestamps=1&limitBytes=100")
                .unwrap_or_default();
        assert_eq!(q.container.as_deref(), Some("web"));
        assert!(q.follow && q.timestamps && !q.previous);
        assert_eq!(q.tail_lines, Some(10));
        assert_eq!(q.limit_bytes, Some(100));
        assert!(LogQuery::parse("tailLines=ten").is_err());
    }

    #[test]
    fn cutting_respects_character_boundaries() {
        let mut text = "héllo".to_owned();
        let mut limit = Some(2);
        cut(&mut text, &mut limit);
        assert_eq!(text, "h");
    }
}
