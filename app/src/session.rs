//! The UI's one door to the auth server functions, which live with the backend side in
//! `crate::auth::api`. Pages import from here, so a move there touches one line.

pub use crate::auth::api::{CurrentUser, Login, Logout, current_user, login, logout};
