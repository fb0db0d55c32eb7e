//! "Test connection": connects with the credentials on the form, saves nothing, and shows what
//! it found (version, nodes, what the credentials may list) or exactly why it failed.

use leptos::prelude::*;
use model::AppError;
use model::clusters::{ClusterSource, ConnectionTest};

use crate::clusters::api::test_cluster_connection;
use crate::i18n::{error_message, use_i18n};

/// The button and, once run, the result. `source` is read when the button is pressed.
#[component]
pub fn ConnectionTester(
    #[prop(into)] source: Signal<Option<ClusterSource>>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let test = Action::new(|source: &ClusterSource| {
        let source = source.clone();
        async move { test_cluster_connection(source).await }
    });
    let run = move |_| {
        if let Some(source) = source.get_untracked() {
            test.dispatch(source);
        }
    };
    let result_id = format!("{testid}-result");
    view! {
        <div class="connection-test">
            <button
                type="button"
                class="button"
                data-testid=testid.clone()
                disabled=move || test.pending().get() || source.with(Option::is_none)
                on:click=run
            >
                {move || if test.pending().get() { i18n.t().clusters.testing } else { i18n.t().clusters.test_connection }}
            </button>
            <div aria-live="polite" data-testid=result_id>
                {move || test.value().get().map(|result| view! { <TestResult result/> })}
            </div>
        </div>
    }
}

#[component]
fn TestResult(result: Result<ConnectionTest, AppError>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let t = i18n.t();
        let c = &t.clusters;
        match &result {
            Err(e) => view! {
                <div class="test-result test-failed" data-outcome="failed">
                    <strong>{c.test_failed}</strong>
                    <p>{error_message(t, e)}</p>
                </div>
            }
            .into_any(),
            Ok(found) if !found.ok => {
                let message = found
                    .failure
                    .as_ref()
                    .map(|f| f.message.clone())
                    .unwrap_or_default();
                let kind = found
                    .failure
                    .as_ref()
                    .map(|f| format!("{:?}", f.kind).to_lowercase())
                    .unwrap_or_default();
                view! {
                    <div class="test-result test-failed" data-outcome="failed" data-kind=kind>
                        <strong>{c.test_failed}</strong>
                        <p>{message}</p>
                    </div>
                }
                .into_any()
            }
            Ok(found) => {
                let yes_no = |b: bool| if b { c.yes } else { c.no };
                let row = |label: &'static str, value: String| {
                    view! { <div class="fact"><dt>{label}</dt><dd>{value}</dd></div> }
                };
                view! {
                    <div class="test-result test-ok" data-outcome="ok">
                        <strong>{c.test_ok}</strong>
                        <dl class="facts">
                            {row(c.found_version, found.version.clone().unwrap_or_else(|| "—".into()))}
                            {row(c.found_nodes, found.node_count.map(|n| n.to_string()).unwrap_or_else(|| "—".into()))}
                            {row(c.found_latency, found.latency_ms.map(|n| format!("{n} ms")).unwrap_or_else(|| "—".into()))}
                            {row(c.can_list_namespaces, yes_no(found.can_list_namespaces).into())}
                            {row(c.can_list_nodes, yes_no(found.can_list_nodes).into())}
                        </dl>
                    </div>
                }
                .into_any()
            }
        }
    }
}
