//! The audit log's server function: a thin wrapper over `backend::audit::search`, which refuses
//! anyone but administrators.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::AppError;
use model::audit::{AuditEntry, AuditQuery};

#[server(prefix = "/api", endpoint = "audit/list", input = Json)]
pub async fn list_audit(query: AuditQuery) -> Result<Vec<AuditEntry>, AppError> {
    use crate::resources::objects_api::ssr::failed;
    let user = crate::auth::require_user().await.map_err(failed)?;
    let state = crate::auth::api::ssr::state()?;
    backend::audit::search(&state.db, &user, &query).await
}
