//! Capstan's services. No Leptos here: server functions and REST handlers call into these.

pub mod api_tokens;
pub mod apps;
pub mod audit;
pub mod auth;
pub mod client;
pub mod clusters;
pub mod config;
pub mod crypto;
pub mod db;
pub mod logs;
pub mod operations;
pub mod resources;
pub mod state;
pub mod terminal;

pub use client::ClientInfo;
pub use state::AppState;
