//! The resource browser's pages: one list page for every kind.

pub mod create;
pub mod delete_dialog;
pub mod detail;
mod detail_sections;
pub mod list;
pub mod namespace_picker;
pub mod object_feedback;
mod operations;
mod pod_containers;
mod secret_keys;
pub mod templates;
pub mod yaml;
