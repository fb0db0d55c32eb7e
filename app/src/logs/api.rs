//! The log page's server functions: which pods and containers there are to read, and a log
//! Capstan kept of a pod that is gone.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use model::AppError;
use model::logs::LogTargets;
use model::logs::ended::EndedLog;

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

/// A kept log of a pod that ended or was deleted, in lines.
#[server(prefix = "/api", endpoint = "logs/ended", input = Json)]
pub async fn fetch_ended_log(cluster: String, log_id: i64) -> Result<EndedLog, AppError> {
    use crate::resources::objects_api::ssr::{context, failed};
    let (state, id, _) = context(&cluster).await?;
    backend::logs::ended::read(state.clusters.db(), id, log_id)
        .await
        .map_err(failed)
}
