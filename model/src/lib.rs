//! Types shared by the browser and the server: DTOs, ids and the errors users see.
//!
//! serde only (plus server_fn's error trait): this crate compiles for wasm32 and native, and never
//! pulls kube, diesel or tokio into the browser bundle.

pub mod api;
pub mod apps;
pub mod audit;
pub mod auth;
pub mod clusters;
pub mod detail;
pub mod error;
pub mod live;
pub mod logs;
pub mod names;
pub mod objects;
pub mod operations;
pub mod resources;
pub mod terminal;

pub use error::{AppError, ErrorKind, FieldError};
