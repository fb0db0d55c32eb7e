//! `/sandbox/faults`: read and change fault injection at run time.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::ApiState;
use crate::faults::Faults;

/// `GET /sandbox/faults`.
pub async fn get_faults(State(state): State<ApiState>) -> Json<Faults> {
    Json(state.faults.get())
}

/// Body of `POST /sandbox/faults`: the new faults plus a one-shot `dropWatches`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FaultRequest {
    #[serde(flatten)]
    faults: Faults,
    #[serde(default)]
    drop_watches: bool,
}

/// `POST|PUT /sandbox/faults`: replaces the faults in force; `{"dropWatches": true}` also ends every open
/// watch stream now.
pub async fn set_faults(
    State(state): State<ApiState>,
    Json(req): Json<FaultRequest>,
) -> Json<Faults> {
    state.faults.set(req.faults);
    if req.drop_watches {
        state.faults.drop_watches();
    }
    Json(state.faults.get())
}
