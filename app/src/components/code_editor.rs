//! A YAML code editor and a diff view, backed by CodeMirror in the browser.
//!
//! The CodeMirror bundle (`/vendor/codemirror.js`, built from `frontend/editor`) is loaded only
//! by pages that show an editor, the first time one mounts. Until then (on the server, before
//! hydration, or when the bundle cannot load) a plain `<textarea>` holds the same text: the YAML
//! is readable without JavaScript and nothing typed before the editor arrives is lost, because
//! the textarea writes into the same signal the editor starts from.

use leptos::html::Div;
use leptos::prelude::*;
use model::objects::YamlIssue;

/// A textarea's first content as HTML, for the server-rendered page: escaped, and led by the
/// newline the HTML parser drops after `<textarea>`, so text starting with a blank line keeps
/// it. (As markup rather than a text child: an empty text child would not hydrate.)
fn textarea_html(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    html.push('\n');
    for c in text.chars() {
        match c {
            '&' => html.push_str("&amp;"),
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            c => html.push(c),
        }
    }
    html
}

/// An editable (or read-only) YAML editor whose text is `value`, kept in sync both ways.
/// `diagnostics` are marked at their lines (issues without a line are left to the page).
#[component]
pub fn CodeEditor(
    value: RwSignal<String>,
    /// The accessible name of the text area.
    #[prop(into)]
    label: Signal<String>,
    #[prop(into, optional)] diagnostics: Signal<Vec<YamlIssue>>,
    #[prop(into, optional)] read_only: Signal<bool>,
    #[prop(into, default = "code-editor".to_string())] testid: String,
) -> impl IntoView {
    let host = NodeRef::<Div>::new();
    let ready = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    browser::mount_editor(host, ready, value, label, diagnostics, read_only);
    #[cfg(not(feature = "hydrate"))]
    let _ = diagnostics;
    view! {
        <div class="code-editor" data-testid=testid data-editor=move || if ready.get() { "ready" } else { "plain" }>
            <textarea
                class="code-editor-plain"
                hidden=move || ready.get()
                readonly=move || read_only.get()
                aria-label=move || label.get()
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
                inner_html=textarea_html(&value.get_untracked())
            ></textarea>
            <div class="code-editor-host" node_ref=host></div>
        </div>
    }
}

/// The difference between `original` and `modified`: side by side on wide screens, one
/// unified column on narrow ones. Only the modified side can be edited, and only when
/// `editable`; edits go to `modified`.
#[component]
pub fn DiffEditor(
    #[prop(into)] original: Signal<String>,
    modified: RwSignal<String>,
    #[prop(into)] original_label: Signal<String>,
    #[prop(into)] modified_label: Signal<String>,
    #[prop(optional)] editable: bool,
    #[prop(into, default = "diff-editor".to_string())] testid: String,
) -> impl IntoView {
    let host = NodeRef::<Div>::new();
    let ready = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    browser::mount_diff(
        host,
        ready,
        original,
        modified,
        (original_label, modified_label),
        editable,
    );
    view! {
        <div class="diff-editor" data-testid=testid data-editor=move || if ready.get() { "ready" } else { "plain" }>
            <div class="diff-editor-plain" hidden=move || ready.get()>
                <label class="diff-editor-side">
                    <span class="diff-editor-label">{move || original_label.get()}</span>
                    <textarea
                        class="code-editor-plain"
                        data-side="original"
                        readonly
                        spellcheck="false"
                        prop:value=move || original.get()
                        inner_html=textarea_html(&original.get_untracked())
                    ></textarea>
                </label>
                <label class="diff-editor-side">
                    <span class="diff-editor-label">{move || modified_label.get()}</span>
                    <textarea
                        class="code-editor-plain"
                        data-side="modified"
                        readonly=!editable
                        spellcheck="false"
                        prop:value=move || modified.get()
                        on:input=move |ev| modified.set(event_target_value(&ev))
                        inner_html=textarea_html(&modified.get_untracked())
                    ></textarea>
                </label>
            </div>
            <div class="diff-editor-host" node_ref=host></div>
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! The JavaScript side: loading the bundle once, creating views, keeping them in step with
    //! the signals, destroying them with their component.

    use leptos::html::Div;
    use leptos::prelude::*;
    use leptos::task::spawn_local;
    use model::objects::YamlIssue;
    use wasm_bindgen::prelude::*;
    use web_sys::js_sys;

    #[wasm_bindgen(inline_js = r#"
let loading = null;
export function load_bundle() {
  if (!loading) {
    loading = import('/vendor/codemirror.js').catch((err) => { loading = null; throw err; });
  }
  return loading;
}
export function create_editor(module, parent, doc, readOnly, label, onChange) {
  return module.createEditor(parent, { doc, readOnly, label, onChange });
}
export function create_merge_view(module, parent, original, modified, editable, originalLabel, modifiedLabel, onChange) {
  return module.createMergeView(parent, {
    original, modified, editable, onChange,
    labels: { original: originalLabel, modified: modifiedLabel },
  });
}
"#)]
    extern "C" {
        #[wasm_bindgen(catch)]
        async fn load_bundle() -> Result<JsValue, JsValue>;

        #[wasm_bindgen(catch)]
        fn create_editor(
            module: &JsValue,
            parent: &web_sys::HtmlElement,
            doc: &str,
            read_only: bool,
            label: &str,
            on_change: &Closure<dyn FnMut(String)>,
        ) -> Result<Handle, JsValue>;

        #[wasm_bindgen(catch, js_name = create_merge_view)]
        fn create_merge_view(
            module: &JsValue,
            parent: &web_sys::HtmlElement,
            original: &str,
            modified: &str,
            editable: bool,
            original_label: &str,
            modified_label: &str,
            on_change: &Closure<dyn FnMut(String)>,
        ) -> Result<Handle, JsValue>;

        /// An editor or diff view made by the bundle.
        type Handle;

        #[wasm_bindgen(method, catch, js_name = getValue)]
        fn get_value(this: &Handle) -> Result<String, JsValue>;
        #[wasm_bindgen(method, catch, js_name = setValue)]
        fn set_value(this: &Handle, text: &str) -> Result<(), JsValue>;
        #[wasm_bindgen(method, catch, js_name = setOriginal)]
        fn set_original(this: &Handle, text: &str) -> Result<(), JsValue>;
        #[wasm_bindgen(method, catch, js_name = setDiagnostics)]
        fn set_diagnostics(this: &Handle, issues: &JsValue) -> Result<(), JsValue>;
        #[wasm_bindgen(method, catch, js_name = setReadOnly)]
        fn set_read_only(this: &Handle, read_only: bool) -> Result<(), JsValue>;
        #[wasm_bindgen(method, catch)]
        fn destroy(this: &Handle) -> Result<(), JsValue>;
    }

    /// A live view and the callback it calls; dropping the callback before the view is
    /// destroyed would leave CodeMirror calling a freed closure.
    struct Live {
        handle: Handle,
        _on_change: Closure<dyn FnMut(String)>,
    }

    type Slot = StoredValue<Option<Live>, LocalStorage>;

    /// What to build once the bundle is in.
    enum Build {
        Editor {
            read_only: bool,
            label: String,
        },
        Diff {
            original: String,
            editable: bool,
            labels: (String, String),
        },
    }

    /// Loads the bundle, then builds the view in `host` from `value`'s text at that moment;
    /// edits flow back into `value`. Leaves the textarea in place when anything fails.
    fn mount(
        host: NodeRef<Div>,
        ready: RwSignal<bool>,
        value: RwSignal<String>,
        build: impl Fn() -> Build + 'static,
    ) -> Slot {
        let build = std::rc::Rc::new(build);
        let slot: Slot = StoredValue::new_local(None);
        let started = StoredValue::new(false);
        Effect::new(move |_| {
            let Some(parent) = host.get() else { return };
            if started.get_value() {
                return;
            }
            started.set_value(true);
            let build = build.clone();
            spawn_local(async move {
                let module = match load_bundle().await {
                    Ok(module) => module,
                    Err(err) => {
                        leptos::logging::warn!(
                            "code editor unavailable, keeping the plain text area: {err:?}"
                        );
                        return;
                    }
                };
                // The component may have gone while the bundle loaded.
                if slot.try_with_value(|_| ()).is_none() {
                    return;
                }
                let on_change = Closure::<dyn FnMut(String)>::new(move |text: String| {
                    if value.try_get_untracked().is_some_and(|v| v != text) {
                        value.set(text);
                    }
                });
                // Built from the signals as they are now, not as they were before the load.
                let text = value.get_untracked();
                let created = match build() {
                    Build::Editor { read_only, label } => {
                        create_editor(&module, &parent, &text, read_only, &label, &on_change)
                    }
                    Build::Diff {
                        original,
                        editable,
                        labels,
                    } => create_merge_view(
                        &module, &parent, &original, &text, editable, &labels.0, &labels.1,
                        &on_change,
                    ),
                };
                match created {
                    Ok(handle) => {
                        slot.set_value(Some(Live {
                            handle,
                            _on_change: on_change,
                        }));
                        ready.set(true);
                    }
                    Err(err) => leptos::logging::warn!("code editor failed to start: {err:?}"),
                }
            });
        });
        // Text changed outside the editor (loaded, reset, template picked): show it.
        Effect::new(move |_| {
            let text = value.get();
            if ready.get() {
                with_live(slot, |live| {
                    if live.handle.get_value().is_ok_and(|current| current != text) {
                        _ = live.handle.set_value(&text);
                    }
                });
            }
        });
        on_cleanup(move || {
            if let Some(Some(live)) = slot.try_update_value(Option::take) {
                _ = live.handle.destroy();
            }
        });
        slot
    }

    fn with_live(slot: Slot, f: impl FnOnce(&Live)) {
        slot.try_with_value(|live| {
            if let Some(live) = live {
                f(live)
            }
        });
    }

    pub fn mount_editor(
        host: NodeRef<Div>,
        ready: RwSignal<bool>,
        value: RwSignal<String>,
        label: Signal<String>,
        diagnostics: Signal<Vec<YamlIssue>>,
        read_only: Signal<bool>,
    ) {
        let slot = mount(host, ready, value, move || Build::Editor {
            read_only: read_only.get_untracked(),
            label: label.get_untracked(),
        });
        Effect::new(move |_| {
            let issues = diagnostics.get();
            if ready.get() {
                let js = serde_json::to_string(&issues)
                    .ok()
                    .and_then(|json| js_sys::JSON::parse(&json).ok())
                    .unwrap_or_else(|| js_sys::Array::new().into());
                with_live(slot, |live| _ = live.handle.set_diagnostics(&js));
            }
        });
        Effect::new(move |_| {
            let read_only = read_only.get();
            if ready.get() {
                with_live(slot, |live| _ = live.handle.set_read_only(read_only));
            }
        });
    }

    pub fn mount_diff(
        host: NodeRef<Div>,
        ready: RwSignal<bool>,
        original: Signal<String>,
        modified: RwSignal<String>,
        labels: (Signal<String>, Signal<String>),
        editable: bool,
    ) {
        let slot = mount(host, ready, modified, move || Build::Diff {
            original: original.get_untracked(),
            editable,
            labels: (labels.0.get_untracked(), labels.1.get_untracked()),
        });
        // A new original (e.g. a newer live version) redraws the comparison.
        Effect::new(move |previous: Option<String>| {
            let text = original.get();
            if ready.get() && previous.as_ref().is_some_and(|p| *p != text) {
                with_live(slot, |live| _ = live.handle.set_original(&text));
            }
            text
        });
    }
}

#[cfg(test)]
mod tests {
    use super::textarea_html;

    #[test]
    fn textarea_markup_escapes_and_keeps_a_leading_blank_line() {
        assert_eq!(textarea_html(""), "\n");
        assert_eq!(
            textarea_html("a: </textarea><b>&amp;"),
            "\na: &lt;/textarea&gt;&lt;b&gt;&amp;amp;"
        );
        // The parser drops exactly one newline after the start tag: the second one survives.
        assert_eq!(textarea_html("\nkind: Pod"), "\n\nkind: Pod");
    }
}
