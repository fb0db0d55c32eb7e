//! Signing in and out from the browser: thin server functions over `backend::auth`.
//!
//! The session lives in the `capstan_session` cookie (HttpOnly, SameSite=Lax, Path=/, Secure
//! behind HTTPS); the database keeps only its hash.

pub mod api;

#[cfg(feature = "ssr")]
pub use api::ssr::{SESSION_COOKIE, require_user, session_token};
pub use api::{current_user, login, logout};
