//! The resource browser's server functions and the address ↔ query mapping its pages share.

pub mod api;
pub mod detail_api;
pub mod display;
pub mod links;
pub mod live;
pub mod objects_api;
pub mod operations_api;
pub mod query;
pub mod virtual_rows;
