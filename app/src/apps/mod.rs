//! Containerised apps made from a form: server functions and the form's text helpers.

pub mod api;
pub mod handoff;
pub mod text;
