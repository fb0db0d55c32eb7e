//! `/clusters/{id}/logs/{kind}/{ns}/{name}`: the log of a pod, or of every pod of a workload
//! merged (each line led by its pod, colour-coded). Options: pod and container (init containers
//! too), follow, previous run, last N lines, since, timestamps, wrap; search with highlight and
//! next/previous; download of the whole log. The viewer holds at most `buffer::CAP` lines and
//! renders only those in view; following sticks to the end until the user scrolls up. Pods that
//! ended or were deleted are listed under the toolbar when Capstan kept their logs; `?kept={id}`
//! shows one of those in the same viewer.

use leptos::html::Div;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::AppError;
use model::logs::ended::EndedPod;
use model::logs::{LogSource, LogTargets, SourceState};

use crate::i18n::{error_message, use_i18n};
use crate::logs::SocketState;
use crate::logs::api::fetch_log_targets;
use crate::logs::buffer::{LogBuffer, highlight};
use crate::resources::display::{compact_age, now_ms};
use crate::resources::virtual_rows::{clamp, visible_range};

/// Every row is this tall (the stylesheet says the same), so the viewer can place rows unseen.
const ROW_PX: f64 = 20.0;
/// Wrapped lines have no fixed height: only the last this many are rendered.
const WRAP_WINDOW: usize = 2_000;

/// Where a viewer's lines come from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Feed {
    /// The log socket at `path` with `query`.
    Live { path: String, query: String },
    /// A log Capstan kept of a pod that is gone.
    Kept { cluster: String, log_id: i64 },
}

/// The options that need a new stream when they change.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StreamOptions {
    /// `pods` and a pod's name, or the workload's kind and name.
    kind: String,
    name: String,
    container: String,
    follow: bool,
    previous: bool,
    tail: String,
    since: String,
}

impl StreamOptions {
    fn query(&self) -> String {
        let mut parts = vec![
            format!("follow={}", self.follow),
            format!("previous={}", self.previous),
        ];
        if !self.container.is_empty() {
            parts.push(format!("container={}", self.container));
        }
        if !self.tail.is_empty() {
            parts.push(format!("tail_lines={}", self.tail));
        }
        if !self.since.is_empty() {
            parts.push(format!("since_seconds={}", self.since));
        }
        parts.join("&")
    }
}

#[component]
pub fn LogsPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().logs;
    let params = use_params_map();
    let param = move |key: &str| params.with(|p| p.get(key).unwrap_or_default());
    let cluster = move || param("id");
    let namespace = move || param("ns");
    let query = use_query_map();
    let kept =
        Memo::new(move |_| query.with(|q| q.get("kept").and_then(|v| v.parse::<i64>().ok())));
    let page_path = move || {
        format!(
            "/clusters/{}/logs/{}/{}/{}",
            cluster(),
            param("kind"),
            namespace(),
            param("name")
        )
    };
    let targets = Resource::new(
        move || (cluster(), param("kind"), namespace(), param("name")),
        |(c, k, n, m)| fetch_log_targets(c, k, n, m),
    );
    let pod = RwSignal::new(String::new());
    let container = RwSignal::new(String::new());
    let follow = RwSignal::new(true);
    let previous = RwSignal::new(false);
    let timestamps = RwSignal::new(false);
    let wrap = RwSignal::new(false);
    let tail = RwSignal::new("500".to_string());
    let since = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let options = Memo::new(move |_| {
        let (kind, name) = match pod.get() {
            p if p.is_empty() => (param("kind"), param("name")),
            p => ("pods".to_string(), p),
        };
        StreamOptions {
            kind,
            name,
            container: container.get(),
            follow: follow.get() && !previous.get(),
            previous: previous.get(),
            tail: tail.get(),
            since: since.get(),
        }
    });
    let object_href = move || {
        let kind = param("kind");
        let key = model::logs::kind_key(&kind).unwrap_or(&kind);
        format!(
            "/clusters/{}/resources/{key}/{}/{}",
            cluster(),
            namespace(),
            param("name")
        )
    };
    let download_href = move || {
        if let Some(id) = kept.get() {
            return format!(
                "/api/v1/k8s/cluster/{}/ended-logs/{id}?download=true&timestamps={}",
                cluster(),
                timestamps.get()
            );
        }
        let o = options.get();
        let mut href = format!(
            "/api/v1/k8s/cluster/{}/namespaces/{}/{}/{}/logs?download=true&previous={}&timestamps={}",
            cluster(),
            namespace(),
            o.kind,
            o.name,
            o.previous,
            timestamps.get()
        );
        if !o.container.is_empty() {
            href.push_str(&format!("&container={}", o.container));
        }
        href
    };
    let pickers = move || {
        Suspend::new(async move {
            match targets.await {
                Ok(found) => view! { <Pickers found pod container/> }.into_any(),
                Err(e) => view! {
                    <div class="form-alert" role="alert" data-testid="logs-targets-error">{error_message(i18n.t(), &e)}</div>
                }
                .into_any(),
            }
        })
    };
    let toggle = move |signal: RwSignal<bool>,
                       label: fn(&crate::i18n::catalog::LogsText) -> &'static str,
                       testid: &'static str| {
        view! {
            <label class="check-field">
                <input type="checkbox" data-testid=testid prop:checked=move || signal.get()
                    on:change=move |ev| signal.set(event_target_checked(&ev))/>
                <span>{move || label(t())}</span>
            </label>
        }
    };
    view! {
        <Title text=move || format!("{} {} · Capstan", t().title, param("name"))/>
        <div class="page page-wide logs-page">
            <nav class="crumbs" aria-label="breadcrumbs">
                <A href=move || format!("/clusters/{}", cluster())>{move || i18n.t().nav.overview}</A>
                <span aria-hidden="true">"/"</span>
                <A href=object_href attr:data-testid="logs-object">{move || param("name")}</A>
                <span aria-hidden="true">"/"</span>
                <span aria-current="page">{move || t().title}</span>
            </nav>
            <div class="page-head">
                <h1 class="page-title" data-testid="logs-title">
                    {move || t().title}" · "<span class="mono">{move || param("name")}</span>
                </h1>
                <a class="button" href=download_href download="" rel="external" data-testid="logs-download">{move || t().download}</a>
            </div>
            <div class="logs-toolbar panel" role="toolbar" aria-label=move || t().title>
                <Show when=move || kept.get().is_none()>
                <Transition fallback=|| ()>{pickers}</Transition>
                <label class="logs-field">
                    <span>{move || t().tail}</span>
                    <select data-testid="logs-tail" on:change=move |ev| tail.set(event_target_value(&ev)) prop:value=move || tail.get()>
                        {["100", "500", "1000", "5000"].into_iter().map(|n| view! { <option value=n>{n}</option> }).collect_view()}
                        <option value="">{move || t().tail_all}</option>
                    </select>
                </label>
                <label class="logs-field">
                    <span>{move || t().since}</span>
                    <select data-testid="logs-since" on:change=move |ev| since.set(event_target_value(&ev)) prop:value=move || since.get()>
                        <option value="">{move || t().since_all}</option>
                        <option value="300">{move || t().since_5m}</option>
                        <option value="3600">{move || t().since_1h}</option>
                        <option value="86400">{move || t().since_24h}</option>
                    </select>
                </label>
                {toggle(follow, |t| t.follow, "logs-follow")}
                {toggle(previous, |t| t.previous, "logs-previous")}
                </Show>
                {toggle(timestamps, |t| t.timestamps, "logs-timestamps")}
                {toggle(wrap, |t| t.wrap, "logs-wrap")}
            </div>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let ended = targets.await.map(|found| found.ended).unwrap_or_default();
                    view! { <EndedPods ended kept page=page_path()/> }
                })}
            </Transition>
            {move || {
                let feed = match kept.get() {
                    Some(log_id) => Feed::Kept { cluster: cluster(), log_id },
                    None => {
                        let o = options.get();
                        let path = format!("/ws/k8s/cluster/{}/namespaces/{}/{}/{}/logs", cluster(), namespace(), o.kind, o.name);
                        Feed::Live { path, query: o.query() }
                    }
                };
                view! { <LogViewer feed timestamps wrap search/> }
            }}
        </div>
    }
}

/// The pod (for a workload) and container pickers.
#[component]
fn Pickers(found: LogTargets, pod: RwSignal<String>, container: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().logs;
    let merged = found.pods.len() > 1 || found.title.split(' ').next() != Some("Pod");
    let pods = found.pods.clone();
    let containers = move || {
        let chosen = pod.get();
        let mut names: Vec<(String, bool)> = Vec::new();
        for p in pods
            .iter()
            .filter(|p| chosen.is_empty() || p.name == chosen)
        {
            for c in &p.containers {
                if !names.iter().any(|(n, _)| *n == c.name) {
                    names.push((c.name.clone(), c.init));
                }
            }
        }
        names
            .into_iter()
            .map(|(name, init)| {
                let label = if init {
                    format!("{name}{}", t().init_suffix)
                } else {
                    name.clone()
                };
                view! { <option value=name>{label}</option> }
            })
            .collect_view()
    };
    let truncated = found.truncated.then(|| {
        let n = found.pods.len();
        view! { <p class="muted logs-note">{move || (t().truncated_pods)(n)}</p> }
    });
    let pod_picker = merged.then(|| {
        let options = found
            .pods
            .iter()
            .map(|p| {
                let (value, name) = (p.name.clone(), p.name.clone());
                view! { <option value=value>{name}</option> }
            })
            .collect_view();
        view! {
            <label class="logs-field">
                <span>{move || t().pod}</span>
                <select data-testid="logs-pod" prop:value=move || pod.get()
                    on:change=move |ev| { container.set(String::new()); pod.set(event_target_value(&ev)); }>
                    <option value="">{move || t().all_pods}</option>
                    {options}
                </select>
            </label>
        }
    });
    view! {
        {pod_picker}
        <label class="logs-field">
            <span>{move || t().container}</span>
            <select data-testid="logs-container" prop:value=move || container.get()
                on:change=move |ev| container.set(event_target_value(&ev))>
                <option value="">{move || t().all_containers}</option>
                {containers}
            </select>
        </label>
        {truncated}
    }
}

/// Pods that ended or were deleted whose logs Capstan kept: each container opens its kept log
/// in the viewer; with one open, a banner says whose it is and leads back to the live logs.
#[component]
fn EndedPods(ended: Vec<EndedPod>, kept: Memo<Option<i64>>, page: String) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().logs;
    if ended.is_empty() {
        return ().into_any();
    }
    let count = ended.len();
    let now = now_ms();
    let open = kept.get_untracked().is_some();
    let banner = {
        let (ended, page) = (ended.clone(), page.clone());
        move || {
            let id = kept.get()?;
            let (pod, c) = ended
                .iter()
                .find_map(|p| p.containers.iter().find(|c| c.log_id == id).map(|c| (p, c)))?;
            let exit = c.exit_text();
            let what = format!("{}/{}", pod.name, c.container);
            let age = compact_age(&pod.ended_at.to_rfc3339(), now_ms());
            let truncated = c.truncated;
            let exit_class = if c.failed() { "tag tag-bad" } else { "tag" };
            let note = c.note.clone();
            Some(view! {
                <div class="panel ended-banner" role="status" data-testid="ended-banner">
                    <span>{move || t().kept_log}" "<strong class="mono">{what.clone()}</strong></span>
                    <span class="muted">{move || (t().ended_ago)(&age)}</span>
                    {(!exit.is_empty()).then(|| view! { <span class=exit_class data-testid="ended-exit">{exit.clone()}</span> })}
                    {truncated.then(|| view! { <span class="muted">{move || t().kept_truncated}</span> })}
                    {note.map(|n| view! { <span class="muted" data-testid="ended-note">{n}</span> })}
                    <A href=page.clone() attr:class="button button-quiet" attr:data-testid="ended-back">{move || t().back_to_live}</A>
                </div>
            })
        }
    };
    let rows = ended
        .into_iter()
        .map(|pod| {
            let summary = pod.summary();
            let summary_class = if pod.failed() { "tag tag-bad" } else { "tag" };
            let age = compact_age(&pod.ended_at.to_rfc3339(), now);
            let node = pod.node.clone().unwrap_or_default();
            let links = pod
                .containers
                .iter()
                .map(|c| {
                    let href = format!("{page}?kept={}", c.log_id);
                    let id = c.log_id;
                    let label = if c.init {
                        format!("{}{}", c.container, t().init_suffix)
                    } else {
                        c.container.clone()
                    };
                    view! {
                        <A href=href attr:class="button button-quiet button-small" attr:data-testid="ended-log"
                            attr:aria-current=move || (kept.get() == Some(id)).then_some("true")>{label}</A>
                    }
                })
                .collect_view();
            view! {
                <li class="ended-pod" data-testid="ended-pod">
                    <span class="mono">{pod.name.clone()}</span>
                    {(!summary.is_empty()).then(|| view! { <span class=summary_class>{summary.clone()}</span> })}
                    <span class="muted">{move || (t().ended_ago)(&age)}{(!node.is_empty()).then(|| format!(" · {node}"))}</span>
                    <span class="ended-containers">{links}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        {banner}
        <details class="panel ended-pods" open=open data-testid="ended-pods">
            <summary>{move || (t().ended_pods)(count)}</summary>
            <p class="muted logs-note">{move || t().ended_hint}</p>
            <ul class="ended-list">{rows}</ul>
        </details>
    }
    .into_any()
}

/// One stream's lines: lives as long as its options (a change makes a new viewer).
#[component]
fn LogViewer(
    feed: Feed,
    timestamps: RwSignal<bool>,
    wrap: RwSignal<bool>,
    search: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().logs;
    let buffer = StoredValue::new(LogBuffer::default());
    let version = RwSignal::new(0u64);
    let sources = RwSignal::new(Vec::<(LogSource, SourceState)>::new());
    let socket = RwSignal::new(SocketState::Connecting);
    let error = RwSignal::new(None::<AppError>);
    let stick = RwSignal::new(true);
    let unseen = RwSignal::new(0usize);
    let scroll_top = RwSignal::new(0.0f64);
    let viewport = RwSignal::new(600.0f64);
    let current = RwSignal::new(0usize);
    let host = NodeRef::<Div>::new();

    #[cfg(feature = "hydrate")]
    {
        let sink = browser::PageSink {
            buffer,
            version,
            sources,
            socket,
            error,
            stick,
            unseen,
            host,
        };
        match feed {
            Feed::Live { path, query } => crate::logs::socket::connect(path, query, sink),
            Feed::Kept { cluster, log_id } => browser::load_kept(cluster, log_id, sink),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = feed;

    let len = Memo::new(move |_| {
        version.track();
        buffer.with_value(|b| b.lines.len())
    });
    let matches = Memo::new(move |_| {
        version.track();
        let needle = search.get();
        buffer.with_value(|b| b.find(&needle))
    });
    let scroll_to = move |index: usize| {
        stick.set(false);
        if let Some(el) = host.get_untracked() {
            let top = index as f64 * ROW_PX - viewport.get_untracked() / 2.0;
            el.set_scroll_top(top.max(0.0) as i32);
        }
    };
    let step = move |forward: bool| {
        let found = matches.get_untracked();
        if found.is_empty() {
            return;
        }
        let n = found.len();
        let next = match (current.get_untracked(), forward) {
            (i, true) => (i + 1) % n,
            (0, false) => n - 1,
            (i, false) => i - 1,
        };
        current.set(next);
        scroll_to(found[next]);
    };
    // A new search starts at its first match.
    Effect::watch(
        move || search.get(),
        move |_, _, _| {
            current.set(0);
            if let Some(first) = matches.get_untracked().first() {
                scroll_to(*first);
            }
        },
        false,
    );
    let on_scroll = move |_| {
        if let Some(el) = host.get_untracked() {
            let top = f64::from(el.scroll_top());
            let height = f64::from(el.client_height());
            scroll_top.set(top);
            viewport.set(height);
            let at_end = top + height >= f64::from(el.scroll_height()) - ROW_PX * 2.0;
            stick.set(at_end);
            if at_end {
                unseen.set(0);
            }
        }
    };
    let rows = move || {
        version.track();
        let needle = search.get();
        let shown_at = timestamps.get();
        let current_line = matches.with(|m| m.get(current.get()).copied());
        let total = len.get();
        let (range, top_pad, bottom_pad) = if wrap.get() {
            (total.saturating_sub(WRAP_WINDOW)..total, 0.0, 0.0)
        } else {
            let range = clamp(
                &visible_range(total, ROW_PX, -scroll_top.get(), viewport.get()),
                total,
            );
            let top = range.start as f64 * ROW_PX;
            let bottom = (total - range.end) as f64 * ROW_PX;
            (range, top, bottom)
        };
        let start = range.start;
        let merged = sources.with(|s| s.len() > 1);
        let lines = buffer.with_value(|b| {
            b.lines
                .range(range)
                .enumerate()
                .map(|(i, line)| {
                    let parts = highlight(&line.text, &needle)
                        .into_iter()
                        .map(|(text, hit)| {
                            if hit {
                                view! { <mark>{text}</mark> }.into_any()
                            } else {
                                text.into_any()
                            }
                        })
                        .collect_view();
                    let prefix = merged.then(|| format!("{}/{}", line.pod, line.container));
                    let colour = format!("log-source log-c{}", line.colour);
                    let stamp = shown_at.then(|| line.at.clone()).flatten();
                    let is_current = current_line == Some(start + i);
                    view! {
                        <div class="log-line" class:log-current=is_current data-testid="log-line">
                            <span class=colour>{prefix}</span>
                            {stamp.map(|s| view! { <span class="log-time">{s}</span> })}
                            <span class="log-text">{parts}</span>
                        </div>
                    }
                })
                .collect_view()
        });
        view! {
            <div style:height=format!("{top_pad}px")></div>
            {lines}
            <div style:height=format!("{bottom_pad}px")></div>
        }
    };
    let status = move || match socket.get() {
        SocketState::Connecting => t().connecting.to_string(),
        SocketState::Open => t().streaming.to_string(),
        SocketState::Reconnecting { seconds } => (t().reconnecting)(seconds),
        SocketState::Finished => t().complete.to_string(),
    };
    let socket_state = move || match socket.get() {
        SocketState::Connecting => "connecting",
        SocketState::Open => "open",
        SocketState::Reconnecting { .. } => "reconnecting",
        SocketState::Finished => "finished",
    };
    let source_chips = move || {
        sources
            .get()
            .into_iter()
            .map(|(source, state)| {
                let (key, reason) = match &state {
                    SourceState::Streaming => ("streaming", None),
                    SourceState::Reconnecting { reason } => ("reconnecting", Some(reason.clone())),
                    SourceState::Waiting { reason } => ("waiting", Some(reason.clone())),
                    SourceState::Ended { reason } => ("ended", Some(reason.clone())),
                };
                let word = move || match key {
                    "streaming" => t().state_streaming,
                    "reconnecting" => t().state_reconnecting,
                    "waiting" => t().state_waiting,
                    _ => t().state_ended,
                };
                let title = reason.clone();
                view! {
                    <li class="log-source-state" data-state=key data-testid="log-source-state" title=title>
                        <span class="mono">{format!("{}/{}", source.pod, source.container)}</span>" "
                        <span class="tag">{word}</span>
                        {reason.map(|r| view! { <span class="muted">" "{r}</span> })}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="logs-status" role="status" aria-live="polite">
            <span class="live-state" data-state=socket_state data-testid="logs-socket">{status}</span>
            <ul class="log-sources">{source_chips}</ul>
        </div>
        {move || error.get().map(|e| view! {
            <div class="form-alert" role="alert" data-testid="logs-error">{error_message(i18n.t(), &e)}</div>
        })}
        <div class="logs-search">
            <input type="search" class="input" data-testid="logs-search" placeholder=move || t().search aria-label=move || t().search
                prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev))
                on:keydown=move |ev| if ev.key() == "Enter" { step(!ev.shift_key()) }/>
            <button type="button" class="button button-quiet" data-testid="logs-search-previous" aria-label=move || t().search_previous on:click=move |_| step(false)>"↑"</button>
            <button type="button" class="button button-quiet" data-testid="logs-search-next" aria-label=move || t().search_next on:click=move |_| step(true)>"↓"</button>
            <span class="muted" data-testid="logs-matches">{move || {
                let n = matches.with(Vec::len);
                if search.with(String::is_empty) { String::new() }
                else if n == 0 { t().no_matches.to_string() }
                else { (t().matches)(current.get().min(n - 1) + 1, n) }
            }}</span>
        </div>
        {move || {
            version.track();
            let dropped = buffer.with_value(|b| b.dropped);
            (dropped > 0).then(|| view! { <p class="muted logs-note" data-testid="logs-dropped">{move || (t().dropped)(dropped)}</p> })
        }}
        {move || (wrap.get() && len.get() > WRAP_WINDOW).then(|| view! { <p class="muted logs-note">{move || (t().wrap_window)(WRAP_WINDOW)}</p> })}
        <div class="log-view" class:log-wrap=move || wrap.get() node_ref=host on:scroll=on_scroll data-testid="log-view"
            data-lines=move || len.get() tabindex="0">
            {rows}
            {move || (len.get() == 0).then(|| view! { <p class="muted log-empty">{move || t().empty}</p> })}
        </div>
        {move || (unseen.get() > 0).then(|| view! {
            <button type="button" class="button button-primary log-jump" data-testid="logs-jump"
                on:click=move |_| {
                    stick.set(true);
                    unseen.set(0);
                    if let Some(el) = host.get_untracked() { el.set_scroll_top(el.scroll_height()); }
                }>
                {move || (t().new_lines)(unseen.get())}
            </button>
        })}
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The page's side of the socket: lines into the buffer, states into signals, and the view
    //! kept at the end while following.

    use leptos::html::Div;
    use leptos::prelude::*;
    use model::AppError;
    use model::logs::{LogEvent, LogSource, SourceState};

    use crate::logs::SocketState;
    use crate::logs::api::fetch_ended_log;
    use crate::logs::buffer::LogBuffer;
    use crate::logs::socket::LogSink;

    /// Fills the viewer with a kept log, once.
    pub fn load_kept(cluster: String, log_id: i64, sink: PageSink) {
        leptos::task::spawn_local(async move {
            match fetch_ended_log(cluster, log_id).await {
                Ok(log) => {
                    sink.event(LogEvent::Lines { lines: log.lines });
                }
                Err(error) => {
                    sink.event(LogEvent::Error { error });
                }
            }
            sink.state(SocketState::Finished);
        });
    }

    #[derive(Clone)]
    pub struct PageSink {
        pub buffer: StoredValue<LogBuffer>,
        pub version: RwSignal<u64>,
        pub sources: RwSignal<Vec<(LogSource, SourceState)>>,
        pub socket: RwSignal<SocketState>,
        pub error: RwSignal<Option<AppError>>,
        pub stick: RwSignal<bool>,
        pub unseen: RwSignal<usize>,
        pub host: NodeRef<Div>,
    }

    impl LogSink for PageSink {
        fn resume_from(&self) -> Option<i64> {
            self.buffer
                .try_update_value(|b| {
                    b.resume();
                    b.resume_from()
                })
                .flatten()
        }

        fn event(&self, event: LogEvent) -> bool {
            match event {
                LogEvent::Lines { lines } => {
                    let Some(added) = self.buffer.try_update_value(|b| b.push(lines)) else {
                        return false;
                    };
                    if added == 0 {
                        return true;
                    }
                    self.version.update(|v| *v += 1);
                    if self.stick.get_untracked() {
                        let host = self.host;
                        request_animation_frame(move || {
                            if let Some(el) = host.get_untracked() {
                                el.set_scroll_top(el.scroll_height());
                            }
                        });
                    } else {
                        self.unseen.update(|n| *n += added);
                    }
                }
                LogEvent::Source { source, state } => {
                    self.sources
                        .update(|all| match all.iter_mut().find(|(s, _)| *s == source) {
                            Some(slot) => slot.1 = state,
                            None => {
                                all.push((source, state));
                                all.sort_by(|a, b| a.0.cmp(&b.0));
                            }
                        });
                }
                LogEvent::Done => {}
                LogEvent::Error { error } => self.error.set(Some(error)),
            }
            true
        }

        fn state(&self, state: SocketState) {
            self.socket.try_set(state);
        }
    }
}
