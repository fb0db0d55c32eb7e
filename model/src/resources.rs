//! The resource browser's shapes: which kinds a cluster serves, a page of table rows for one
//! kind, and the query that picks the page. Rows are projected on the server (the columns
//! `kubectl get` shows); the browser never receives whole objects in a list.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a kind sits in the navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NavGroup {
    Workloads,
    Network,
    Config,
    Storage,
    Cluster,
    CustomResources,
}

impl NavGroup {
    pub const ALL: [NavGroup; 6] = [
        NavGroup::Workloads,
        NavGroup::Network,
        NavGroup::Config,
        NavGroup::Storage,
        NavGroup::Cluster,
        NavGroup::CustomResources,
    ];
}

/// A kind the cluster serves, as the browser addresses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KindInfo {
    /// The kind's address in URLs: the plural for the core group (`pods`), else
    /// `plural.group` (`deployments.apps`, `widgets.example.com`).
    pub key: String,
    /// API group (`""` for the core group).
    pub group: String,
    /// The preferred version the console reads.
    pub version: String,
    /// `Pod`, `Deployment`, …
    pub kind: String,
    /// `pods`, `deployments`, …
    pub plural: String,
    pub namespaced: bool,
    pub nav: NavGroup,
    /// Whether the cluster allows these verbs on the kind (from discovery).
    pub can_create: bool,
    pub can_update: bool,
    pub can_delete: bool,
}

/// How a column's values read and sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    Text,
    /// Sorts by number (restarts, replicas; `2/3` sorts by the first number).
    Number,
    /// A point in time shown as an age (`5m`, `3d`); the cell holds RFC 3339.
    Age,
    /// A state with a tone (Running, CrashLoopBackOff…).
    Status,
}

/// One column of the kind's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Column {
    /// Stable id used in `sort` (`name`, `namespace`, `ready`, `status`, `age`, …).
    pub id: String,
    /// Header as `kubectl get` prints it (`READY`, `STATUS`), in title case (`Ready`).
    pub title: String,
    pub kind: ColumnType,
    /// 0 = always shown; higher = shown only on wide screens (as kubectl's `-o wide`).
    pub priority: u8,
}

/// How a status cell should look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    #[default]
    Neutral,
    Good,
    Warning,
    Bad,
}

/// One object as a table row: its identity and one cell per column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResourceRow {
    pub uid: String,
    pub name: String,
    pub namespace: Option<String>,
    /// Aligned with [`ResourcePage::columns`].
    pub cells: Vec<String>,
    /// The tone of the row's status (for pods, nodes, workloads); `Neutral` when it has none.
    pub tone: Tone,
    pub labels: BTreeMap<String, String>,
    pub created_at: Option<DateTime<Utc>>,
    pub resource_version: String,
}

/// Which rows of a kind to show.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ListQuery {
    /// Namespaces to show; empty means all.
    #[serde(default)]
    pub namespaces: Vec<String>,
    /// Case-insensitive text matched against name, namespace and every cell.
    #[serde(default)]
    pub filter: String,
    /// A Kubernetes label selector (`app=web,tier in (front,back),!canary`).
    #[serde(default)]
    pub label_selector: String,
    /// A column id; `None` sorts by namespace then name.
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub descending: bool,
    #[serde(default)]
    pub offset: usize,
    /// Rows per page, 1–1000 (default 50).
    #[serde(default)]
    pub limit: Option<usize>,
}

/// One page of a kind's rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResourcePage {
    pub kind: KindInfo,
    pub columns: Vec<Column>,
    pub rows: Vec<ResourceRow>,
    /// Rows matching the query (all pages).
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    /// Every object of the kind in the cache, before filtering.
    pub cached: usize,
}
