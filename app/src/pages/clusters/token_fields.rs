//! Server URL, bearer token, CA and "skip TLS verification": the credentials a cluster gets
//! without a kubeconfig, on import and when they are replaced. One form value and one component.

use leptos::prelude::*;
use model::AppError;
use model::clusters::ClusterSource;

use crate::components::form_fields::{CheckboxField, TextAreaField, TextField, server_field_error};

/// The token credentials as the reader types them.
#[derive(Clone, Copy)]
pub struct TokenForm {
    pub server: RwSignal<String>,
    pub token: RwSignal<String>,
    pub ca_pem: RwSignal<String>,
    pub insecure: RwSignal<bool>,
}

impl TokenForm {
    /// Empty but for the server URL (the stored one when credentials are replaced).
    pub fn new(server: String) -> Self {
        Self {
            server: RwSignal::new(server),
            token: RwSignal::new(String::new()),
            ca_pem: RwSignal::new(String::new()),
            insecure: RwSignal::new(false),
        }
    }

    /// The source to test or save (tracked), once a server and a token are there.
    pub fn source(self) -> Option<ClusterSource> {
        let server = self.server.get().trim().to_string();
        let token = self.token.get().trim().to_string();
        (!server.is_empty() && !token.is_empty()).then(|| ClusterSource::Token {
            server,
            token,
            ca_pem: Some(self.ca_pem.get()).filter(|p| !p.trim().is_empty()),
            insecure_skip_tls_verify: self.insecure.get(),
        })
    }
}

/// The four fields; ids are `{prefix}-server`, `{prefix}-token`, `{prefix}-ca`, `{prefix}-insecure`.
#[component]
pub fn TokenFields(
    form: TokenForm,
    #[prop(into)] prefix: String,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    view! {
        <TextField id=format!("{prefix}-server") label=|t| t.clusters.server_url value=form.server kind="url" required=true
            placeholder="https://203.0.113.10:6443" error=server_field_error(error, "server")/>
        <TextField id=format!("{prefix}-token") label=|t| t.clusters.bearer_token value=form.token kind="password" required=true
            error=server_field_error(error, "token")/>
        <TextAreaField id=format!("{prefix}-ca") label=|t| t.clusters.ca_pem hint=|t| t.clusters.ca_pem_hint value=form.ca_pem rows=5 code=true
            error=server_field_error(error, "ca_pem")/>
        <CheckboxField id=format!("{prefix}-insecure") label=|t| t.clusters.insecure checked=form.insecure/>
    }
}
