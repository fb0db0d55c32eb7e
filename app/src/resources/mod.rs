//! The resource browser's server functions and the address ↔ query mapping its pages share.

pub mod api;
pub mod display;
pub mod links;
pub mod live;
pub mod query;
