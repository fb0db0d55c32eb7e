//! `/clusters/{id}/terminal/{ns}/{pod}`: a shell in a container, in xterm.js;
//! `/clusters/{id}/node-terminal/{node}`: a shell on a node (administrators). Container and
//! shell pickers (`/bin/sh`, `/bin/bash` or a command), full screen, a reconnect button, the size
//! following the window, and on phones a row of keys a soft keyboard lacks (Ctrl, Esc, Tab,
//! arrows). The session is audited on the server, with the lines typed.

use leptos::html::Div;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use model::AppError;

use crate::i18n::{error_message, use_i18n};
use crate::logs::api::fetch_log_targets;

/// Where the terminal stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TermState {
    Idle,
    Connecting,
    /// Attached to `container`, running `command`.
    Connected {
        container: String,
        command: String,
    },
    /// The shell ended or the connection dropped.
    Closed {
        message: String,
    },
    Failed(AppError),
}

impl TermState {
    fn key(&self) -> &'static str {
        match self {
            TermState::Idle => "idle",
            TermState::Connecting => "connecting",
            TermState::Connected { .. } => "connected",
            TermState::Closed { .. } => "closed",
            TermState::Failed(_) => "failed",
        }
    }
}

/// Keys of the phone row, and what they send.
const KEYS: [(&str, &str); 7] = [
    ("Esc", "\u{1b}"),
    ("Tab", "\t"),
    ("←", "\u{1b}[D"),
    ("↑", "\u{1b}[A"),
    ("↓", "\u{1b}[B"),
    ("→", "\u{1b}[C"),
    ("|", "|"),
];

#[component]
pub fn TerminalPage() -> impl IntoView {
    let i18n = use_i18n();
    let t = move || &i18n.t().term;
    let params = use_params_map();
    let param = move |key: &str| params.with(|p| p.get(key).unwrap_or_default());
    let cluster = move || param("id");
    let namespace = move || param("ns");
    let pod = move || param("pod");
    let node = move || param("node");
    let on_node = move || !node().is_empty();
    let targets = Resource::new(
        move || (cluster(), namespace(), pod(), on_node()),
        |(c, n, p, on_node)| async move {
            if on_node {
                // A node shell has one container, Capstan's own.
                Ok(model::logs::LogTargets {
                    title: String::new(),
                    pods: Vec::new(),
                    truncated: false,
                    ended: Vec::new(),
                })
            } else {
                fetch_log_targets(c, "pods".into(), n, p).await
            }
        },
    );
    let container = RwSignal::new(String::new());
    let shell = RwSignal::new("/bin/sh".to_string());
    let custom = RwSignal::new(String::new());
    let full = RwSignal::new(false);
    let ctrl = RwSignal::new(false);
    let state = RwSignal::new(TermState::Idle);
    // Bumped to (re)connect; the terminal keeps its screen across connections.
    let generation = RwSignal::new(0u32);
    let host = NodeRef::<Div>::new();
    let command = move || {
        if shell.get() == "custom" {
            custom.get()
        } else {
            shell.get()
        }
    };
    #[cfg(feature = "hydrate")]
    let keys = browser::mount(browser::Mount {
        host,
        state,
        generation,
        ctrl,
        full,
        path: Signal::derive(move || {
            if on_node() {
                format!("/ws/k8s/cluster/{}/nodes/{}/shell", cluster(), node())
            } else {
                format!(
                    "/ws/k8s/cluster/{}/namespaces/{}/pods/{}/exec",
                    cluster(),
                    namespace(),
                    pod()
                )
            }
        }),
        container: container.into(),
        command: Signal::derive(command),
    });
    #[cfg(not(feature = "hydrate"))]
    let keys = {
        let _ = command;
        |_: &str| {}
    };
    // The browser's typing function holds `Rc`s; the server's is a no-op that must be `Send`
    // (a local value dropped on another server thread panics).
    #[cfg(feature = "hydrate")]
    let keys = StoredValue::new_local(keys);
    #[cfg(not(feature = "hydrate"))]
    let keys = StoredValue::new(keys);
    let pickers = move || {
        Suspend::new(async move {
            match targets.await {
                Ok(found) if found.pods.is_empty() => ().into_any(),
                Ok(found) => {
                    let first = found.pods.first().and_then(|p| {
                        p.containers.iter().find(|c| c.running && !c.init).map(|c| c.name.clone())
                    });
                    if let Some(first) = first.filter(|_| container.get_untracked().is_empty()) {
                        container.set(first);
                    }
                    let options = found
                        .pods
                        .first()
                        .map(|p| {
                            p.containers
                                .iter()
                                .map(|c| {
                                    let label = if c.init {
                                        format!("{}{}", c.name, i18n.t().logs.init_suffix)
                                    } else {
                                        c.name.clone()
                                    };
                                    view! { <option value=c.name.clone() disabled=!c.running>{label}</option> }
                                })
                                .collect_view()
                        });
                    view! {
                        <label class="logs-field">
                            <span>{move || i18n.t().logs.container}</span>
                            <select data-testid="term-container" prop:value=move || container.get()
                                on:change=move |ev| container.set(event_target_value(&ev))>
                                {options}
                            </select>
                        </label>
                    }
                    .into_any()
                }
                Err(e) => view! {
                    <div class="form-alert" role="alert" data-testid="term-targets-error">{error_message(i18n.t(), &e)}</div>
                }
                .into_any(),
            }
        })
    };
    let status = move || match state.get() {
        TermState::Idle => String::new(),
        TermState::Connecting => t().connecting.to_string(),
        TermState::Connected { container, command } => (t().connected)(&container, &command),
        TermState::Closed { message } => message,
        TermState::Failed(e) => error_message(i18n.t(), &e),
    };
    let connected = move || {
        matches!(
            state.get(),
            TermState::Connected { .. } | TermState::Connecting
        )
    };
    view! {
        <Title text=move || format!("{} {} · Capstan", t().title, if on_node() { node() } else { pod() })/>
        <div class="page page-wide terminal-page" class:terminal-full=move || full.get()>
            <nav class="crumbs" aria-label="breadcrumbs">
                <A href=move || format!("/clusters/{}", cluster())>{move || i18n.t().nav.overview}</A>
                <span aria-hidden="true">"/"</span>
                <A href=move || if on_node() {
                        crate::resources::links::object_href(&cluster(), "nodes", None, &node())
                    } else {
                        crate::resources::links::object_href(&cluster(), "pods", Some(&namespace()), &pod())
                    } attr:data-testid="term-pod">{move || if on_node() { node() } else { pod() }}</A>
                <span aria-hidden="true">"/"</span>
                <span aria-current="page">{move || t().title}</span>
            </nav>
            <div class="logs-toolbar panel terminal-toolbar" role="toolbar" aria-label=move || t().title>
                <Transition fallback=|| ()>{pickers}</Transition>
                <label class="logs-field">
                    <span>{move || t().shell}</span>
                    <select data-testid="term-shell" prop:value=move || shell.get() on:change=move |ev| shell.set(event_target_value(&ev))>
                        <option value="/bin/sh">"/bin/sh"</option>
                        <option value="/bin/bash">"/bin/bash"</option>
                        <option value="custom">{move || t().custom}</option>
                    </select>
                </label>
                {move || (shell.get() == "custom").then(|| view! {
                    <label class="logs-field">
                        <span>{move || t().command}</span>
                        <input class="input mono" data-testid="term-command" prop:value=move || custom.get()
                            on:input=move |ev| custom.set(event_target_value(&ev)) placeholder="/bin/ash"/>
                    </label>
                })}
                <button type="button" class="button button-primary" data-testid="term-connect"
                    on:click=move |_| generation.update(|g| *g += 1)>
                    {move || if connected() { t().reconnect } else { t().connect }}
                </button>
                <button type="button" class="button" data-testid="term-full" aria-pressed=move || full.get().to_string()
                    on:click=move |_| full.update(|f| *f = !*f)>
                    {move || if full.get() { t().exit_full } else { t().full }}
                </button>
            </div>
            <p class="term-status" role="status" aria-live="polite" data-state=move || state.with(TermState::key) data-testid="term-status">{status}</p>
            <div class="terminal-host" node_ref=host data-testid="terminal"></div>
            <div class="term-keys" role="toolbar" aria-label=move || t().keys>
                <button type="button" class="button" class:button-primary=move || ctrl.get() aria-pressed=move || ctrl.get().to_string()
                    data-testid="term-key-ctrl" on:click=move |_| ctrl.update(|c| *c = !*c)>"Ctrl"</button>
                {KEYS.iter().map(|&(label, seq)| view! {
                    <button type="button" class="button" data-testid=format!("term-key-{label}")
                        on:click=move |_| keys.with_value(|k| k(seq))>{label}</button>
                }).collect_view()}
            </div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! xterm.js and the socket. The terminal is made once the page runs in the browser; each
    //! bump of `generation` opens a new socket to it (closing the previous one).

    use std::cell::RefCell;
    use std::rc::Rc;

    use futures::channel::mpsc;
    use futures::{FutureExt, SinkExt, StreamExt};
    use gloo_net::websocket::Message;
    use gloo_net::websocket::futures::WebSocket;
    use leptos::html::Div;
    use leptos::prelude::*;
    use model::terminal::{TerminalEvent, TerminalRequest};
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;
    use xterm_js_rs::addons::fit::FitAddon;
    use xterm_js_rs::{Terminal, TerminalOptions, Theme};

    use super::TermState;
    use crate::resources::live::socket_url;

    pub struct Mount {
        pub host: NodeRef<Div>,
        pub state: RwSignal<TermState>,
        pub generation: RwSignal<u32>,
        pub ctrl: RwSignal<bool>,
        pub full: RwSignal<bool>,
        pub path: Signal<String>,
        pub container: Signal<String>,
        pub command: Signal<String>,
    }

    /// Where keystrokes go: the open socket's sender, if any.
    type Outbox = Rc<RefCell<Option<mpsc::UnboundedSender<Message>>>>;

    /// Sets the terminal up; returns what the phone keys call to type.
    pub fn mount(m: Mount) -> impl Fn(&str) + Clone + 'static {
        let outbox: Outbox = Rc::new(RefCell::new(None));
        let term: Rc<RefCell<Option<(Terminal, FitAddon)>>> = Rc::new(RefCell::new(None));
        let ctrl = m.ctrl;
        let type_keys = {
            let outbox = outbox.clone();
            move |keys: &str| {
                let keys = if ctrl.get_untracked() {
                    ctrl.set(false);
                    with_ctrl(keys)
                } else {
                    keys.to_string()
                };
                if let Some(tx) = outbox.borrow().as_ref() {
                    let _ = tx.unbounded_send(Message::Bytes(keys.into_bytes()));
                }
            }
        };
        // Create the terminal once the host element exists.
        {
            let term = term.clone();
            let type_keys = type_keys.clone();
            let generation = m.generation;
            Effect::new(move |_| {
                let Some(host) = m.host.get() else { return };
                if term.borrow().is_some() {
                    return;
                }
                let theme = Theme::new();
                theme.set_background("#0f141b");
                theme.set_foreground("#d8dee9");
                let options = TerminalOptions::new();
                options.set_cursor_blink(true);
                options.set_font_size(13);
                options.set_font_family("ui-monospace, Menlo, Consolas, monospace");
                options.set_theme(&theme);
                options.set_scrollback(5000);
                let terminal = Terminal::new(&options);
                let fit = FitAddon::new();
                terminal.load_addon(fit.clone().unchecked_into());
                terminal.open(host.unchecked_into());
                fit.fit();
                let on_data = Closure::<dyn FnMut(String)>::new({
                    let type_keys = type_keys.clone();
                    move |data: String| type_keys(&data)
                });
                terminal.on_data(on_data.as_ref().unchecked_ref());
                on_data.forget();
                *term.borrow_mut() = Some((terminal, fit));
                // Connect at once with the defaults.
                generation.update(|g| *g += 1);
            });
        }
        // Fit to the window (and to full screen), and tell the shell.
        {
            let term = term.clone();
            let outbox = outbox.clone();
            let refit = move || {
                if let Some((terminal, fit)) = term.borrow().as_ref() {
                    fit.fit();
                    send_size(&outbox, terminal);
                }
            };
            let on_resize = refit.clone();
            let handle = window_event_listener(leptos::ev::resize, move |_| on_resize());
            on_cleanup(move || handle.remove());
            Effect::watch(
                move || m.full.get(),
                move |_, _, _| {
                    let refit = refit.clone();
                    request_animation_frame(refit);
                },
                false,
            );
        }
        // Each generation: a new socket.
        {
            let term = term.clone();
            let outbox = outbox.clone();
            type Stop =
                std::sync::Arc<std::sync::Mutex<Option<futures::channel::oneshot::Sender<()>>>>;
            let stop: Stop = Default::default();
            let take = |stop: &Stop| stop.lock().ok().and_then(|mut s| s.take());
            let stop_on_cleanup = stop.clone();
            on_cleanup(move || {
                if let Some(tx) = take(&stop_on_cleanup) {
                    let _ = tx.send(());
                }
            });
            Effect::watch(
                move || m.generation.get(),
                move |generation, _, _| {
                    if *generation == 0 {
                        return;
                    }
                    if let Some(tx) = take(&stop) {
                        let _ = tx.send(());
                    }
                    let (tx, rx) = futures::channel::oneshot::channel();
                    if let Ok(mut slot) = stop.lock() {
                        *slot = Some(tx);
                    }
                    let mut query = format!(
                        "command={}",
                        String::from(web_sys::js_sys::encode_uri_component(
                            &m.command.get_untracked()
                        ))
                    );
                    let container = m.container.get_untracked();
                    if !container.is_empty() {
                        query.push_str(&format!(
                            "&container={}",
                            String::from(web_sys::js_sys::encode_uri_component(&container))
                        ));
                    }
                    let url = format!("{}?{query}", m.path.get_untracked());
                    leptos::task::spawn_local(session(
                        url,
                        term.clone(),
                        outbox.clone(),
                        m.state,
                        rx,
                    ));
                },
                // Immediate: after hydration the terminal may exist (and have asked for the first
                // connection) before this effect first runs.
                true,
            );
        }
        type_keys
    }

    /// `keys` as typed with Ctrl held: letters become control characters.
    fn with_ctrl(keys: &str) -> String {
        keys.chars()
            .map(|c| match c.to_ascii_lowercase() {
                c @ 'a'..='z' => char::from(c as u8 - b'a' + 1),
                '[' => '\u{1b}',
                other => other,
            })
            .collect()
    }

    fn send_size(outbox: &Outbox, terminal: &Terminal) {
        let request = TerminalRequest::Resize {
            cols: u16::try_from(terminal.get_cols()).unwrap_or(80),
            rows: u16::try_from(terminal.get_rows()).unwrap_or(24),
        };
        if let (Some(tx), Ok(text)) = (outbox.borrow().as_ref(), serde_json::to_string(&request)) {
            let _ = tx.unbounded_send(Message::Text(text));
        }
    }

    async fn session(
        url: String,
        term: Rc<RefCell<Option<(Terminal, FitAddon)>>>,
        outbox: Outbox,
        state: RwSignal<TermState>,
        stop: futures::channel::oneshot::Receiver<()>,
    ) {
        let write = |text: &str| {
            if let Some((terminal, _)) = term.borrow().as_ref() {
                terminal.write(text);
            }
        };
        state.try_set(TermState::Connecting);
        let Some(url) = socket_url(&url) else { return };
        let Ok(socket) = WebSocket::open(&url) else {
            state.try_set(TermState::Closed {
                message: "The connection could not be opened.".into(),
            });
            return;
        };
        let (mut sink, stream) = socket.split();
        let mut stream = stream.fuse();
        let (tx, mut rx) = mpsc::unbounded::<Message>();
        *outbox.borrow_mut() = Some(tx);
        let mut stop = stop.fuse();
        let mut decoder = Utf8Stream::default();
        let mut ended = None;
        loop {
            futures::select! {
                _ = stop => break,
                out = rx.next() => match out {
                    Some(message) => {
                        if sink.send(message).await.is_err() {
                            break;
                        }
                    }
                    None => break,
                },
                incoming = stream.next() => match incoming {
                    Some(Ok(Message::Bytes(bytes))) => write(&decoder.push(&bytes)),
                    Some(Ok(Message::Text(text))) => match serde_json::from_str::<TerminalEvent>(&text) {
                        Ok(TerminalEvent::Connected { container, command }) => {
                            state.try_set(TermState::Connected { container, command });
                            if let Some((terminal, fit)) = term.borrow().as_ref() {
                                fit.fit();
                                send_size(&outbox, terminal);
                                terminal.focus();
                            }
                        }
                        Ok(TerminalEvent::Exited { message, .. }) => ended = Some(TermState::Closed { message }),
                        Ok(TerminalEvent::Error { error }) => ended = Some(TermState::Failed(error)),
                        Err(_) => {}
                    },
                    Some(Err(_)) | None => break,
                },
            }
        }
        *outbox.borrow_mut() = None;
        let _ = sink.close().await;
        let final_state = ended.unwrap_or(TermState::Closed {
            message: "Disconnected. Press Reconnect to open a new shell.".into(),
        });
        if let TermState::Closed { message } = &final_state {
            write(&format!("\r\n\x1b[2m[{message}]\x1b[0m\r\n"));
        }
        state.try_set(final_state);
    }

    /// Bytes → text across frame boundaries: a character split between two frames is kept
    /// until its end arrives.
    #[derive(Default)]
    struct Utf8Stream {
        pending: Vec<u8>,
    }

    impl Utf8Stream {
        fn push(&mut self, bytes: &[u8]) -> String {
            self.pending.extend_from_slice(bytes);
            let valid = match std::str::from_utf8(&self.pending) {
                Ok(_) => self.pending.len(),
                Err(e) if e.error_len().is_none() => e.valid_up_to(),
                // Invalid bytes: shown as replacement characters.
                Err(_) => self.pending.len(),
            };
            let text = String::from_utf8_lossy(&self.pending[..valid]).into_owned();
            self.pending.drain(..valid);
            text
        }
    }
}
