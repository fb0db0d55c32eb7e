//! The live list protocol: JSON messages over the WebSocket
//! `/ws/k8s/cluster/{id}/resources/{kind}` that keeps an open list page current.
//!
//! The browser sends the page it shows ([`LiveRequest::Watch`]); the server answers with that
//! page, then sends changed rows of the page as they happen ([`LiveUpdate::Row`]), removals, and
//! a fresh page whenever rows enter or leave it (coalesced). After a reconnect the browser sends
//! its query again and applies the page it gets, so the list resumes without a reload.

use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::resources::{Column, ListQuery, ResourceRow};

/// From the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveRequest {
    /// Show this page (sent first, and again whenever the page changes).
    Watch { query: ListQuery },
}

/// The state of the cluster watch behind a live list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LiveState {
    /// Changes arrive as they happen.
    Live,
    /// The watch on the cluster broke; it is being re-established. The rows shown may be stale.
    Retrying { message: String },
}

/// From the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveUpdate {
    /// The whole page, replacing what is shown (rows keyed by uid).
    Page {
        columns: Vec<Column>,
        rows: Vec<ResourceRow>,
        total: usize,
        offset: usize,
    },
    /// A row of the page changed; replace it in place.
    Row {
        row: ResourceRow,
    },
    /// A row of the page is gone.
    Removed {
        uid: String,
    },
    Status(LiveState),
    /// The request cannot be served (bad query, unknown kind, forbidden); the socket stays
    /// open for a corrected request, except for authentication errors.
    Error {
        error: AppError,
    },
}
