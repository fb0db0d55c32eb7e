//! Capstan's services. No Leptos here: server functions and REST handlers call into these.

pub mod audit;
pub mod auth;
pub mod client;
pub mod config;
pub mod db;
pub mod state;

pub use client::ClientInfo;
pub use state::AppState;
