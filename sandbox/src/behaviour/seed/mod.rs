//! Start-up scenarios: the small demo cluster, and clusters at scale inserted in bulk.

pub mod demo;
pub mod nodes;
