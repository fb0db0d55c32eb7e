//! Many clusters from one place: server functions for the cluster pages (the pages come later).

pub mod api;
