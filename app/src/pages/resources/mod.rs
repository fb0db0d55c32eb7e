//! The resource browser's pages: one list page for every kind.

pub mod list;
pub mod namespace_picker;
