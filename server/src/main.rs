//! `capstan`: the console's server binary.
//!
//! Start-up resolves configuration, brings up (or connects to) PostgreSQL, migrates, makes sure
//! an administrator exists, and serves the Leptos app, its server functions and the HTTP API.
//! Every start-up failure ends with one line saying what to do, never a panic.

// The app's view types nest deeply and are laid out here, where the routes are built.
#![recursion_limit = "512"]

mod api;
mod auth_layer;
mod config;
mod health;
mod observability;
mod router;
mod startup;
mod ws;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    // kube (ring) and other TLS users must agree on one rustls provider before the first handshake.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = config::Args::parse();
    observability::init_tracing(args.log_format);
    match startup::run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("capstan: {err}");
            ExitCode::FAILURE
        }
    }
}
