//! The log page's one server function: which pods and containers there are to read.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::AppError;
use model::logs::LogTargets;

#[server(prefix = "/api", endpoint = "logs/targets", input = Json)]
pub async fn fetch_log_targets(
    cluster: String,
    kind: String,
    namespace: String,
    name: String,
) -> Result<LogTargets, AppError> {
    use crate::resources::objects_api::ssr::{context, failed};
    let (state, id, _) = context(&cluster).await?;
    let Some(key) = model::logs::kind_key(&kind) else {
        return Err(AppError::invalid_field(
            "kind",
            format!("{kind} has no logs: pick a pod or a workload."),
        ));
    };
    let subject = backend::logs::LogSubject {
        kind: key.into(),
        namespace,
        name,
    };
    backend::logs::targets(&state.clusters, id, &subject)
        .await
        .map_err(failed)
}
